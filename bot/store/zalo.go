package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// ---- Zalo ----
//
// Zalo's ids are strings; the handlers know people and chats by int64
// (package zalo maps one to the other). The way back, to send to a chat, is
// kept here; so are the numbered choices a Zalo chat was last offered in
// place of buttons.

// RememberZalo records that id is Zalo's zaloID. Idempotent.
func (s *Store) RememberZalo(ctx context.Context, id int64, zaloID string) error {
	return s.rdb.HSet(ctx, s.keys.zaloIDs(), strconv.FormatInt(id, 10), zaloID).Err()
}

// ZaloID returns Zalo's id of a user or chat, ErrNotFound when the bot never
// heard from it.
func (s *Store) ZaloID(ctx context.Context, id int64) (string, error) {
	v, err := s.rdb.HGet(ctx, s.keys.zaloIDs(), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	return v, err
}

// SetZaloChoices keeps the callback data of the numbered choices just
// offered in chatID, replacing the ones before, for ttl; none clears them.
func (s *Store) SetZaloChoices(ctx context.Context, chatID int64, data []string, ttl time.Duration) error {
	key := s.keys.zaloChoices(chatID)
	if len(data) == 0 {
		return s.rdb.Del(ctx, key).Err()
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		args := make([]any, len(data))
		for i, d := range data {
			args[i] = d
		}
		p.RPush(ctx, key, args...)
		p.Expire(ctx, key, ttl)
		return nil
	})
	return err
}

// ZaloChoice returns the callback data of choice n (from 1) last offered in
// chatID; ok is false when there is no such choice open.
func (s *Store) ZaloChoice(ctx context.Context, chatID int64, n int) (string, bool, error) {
	if n < 1 {
		return "", false, nil
	}
	v, err := s.rdb.LIndex(ctx, s.keys.zaloChoices(chatID), int64(n-1)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// SaveFile keeps a file behind a link (zalo.Links) for ttl.
func (s *Store) SaveFile(ctx context.Context, id, name string, data []byte, ttl time.Duration) error {
	key := s.keys.zaloFile(id)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "name", name, "data", data)
		p.PExpire(ctx, key, ttl)
		return nil
	})
	return err
}

// File returns a file kept by SaveFile, ErrNotFound once it expired.
func (s *Store) File(ctx context.Context, id string) (string, []byte, error) {
	v, err := s.rdb.HMGet(ctx, s.keys.zaloFile(id), "name", "data").Result()
	if err != nil {
		return "", nil, err
	}
	name, ok1 := v[0].(string)
	data, ok2 := v[1].(string)
	if !ok1 || !ok2 {
		return "", nil, ErrNotFound
	}
	return name, []byte(data), nil
}

// PutZaloLink keeps a one-time code, for ttl, that links the Zalo account
// which sends it to userID (TakeZaloLink).
func (s *Store) PutZaloLink(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	for range 5 {
		var b [5]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		code := strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) // 8 characters
		ok, err := s.rdb.SetNX(ctx, s.keys.zaloLink(code), strconv.FormatInt(userID, 10), ttl).Result()
		if err != nil {
			return "", err
		}
		if ok {
			return code, nil
		}
	}
	return "", errors.New("store: no free link code")
}

// takeLinkScript: KEYS the code, the alias hash, the linked hash; ARGV the
// Zalo account's id. It returns the user the code links to, 0 when the
// code is gone.
var takeLinkScript = redis.NewScript(`
local uid = redis.call('GET', KEYS[1])
if not uid then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], uid)
redis.call('HSET', KEYS[3], uid, ARGV[1])
return tonumber(uid)`)

// TakeZaloLink uses code: from then on the Zalo account zaloUser acts as
// the user the code was made for (ZaloAlias), and that user's messages
// also go to it (LinkedZalo). ErrExpired when the code is used or expired.
func (s *Store) TakeZaloLink(ctx context.Context, code string, zaloUser int64) (int64, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	uid, err := takeLinkScript.Run(ctx, s.rdb, []string{s.keys.zaloLink(code), s.keys.zaloAlias(), s.keys.zaloLinked()},
		strconv.FormatInt(zaloUser, 10)).Int64()
	if err != nil {
		return 0, err
	}
	if uid == 0 {
		return 0, ErrExpired
	}
	return uid, nil
}

func (s *Store) hgetInt(ctx context.Context, key string, field int64) (int64, error) {
	v, err := s.rdb.HGet(ctx, key, strconv.FormatInt(field, 10)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return v, err
}

// ZaloAlias returns the user a linked Zalo account acts as, 0 when it is
// not linked.
func (s *Store) ZaloAlias(ctx context.Context, zaloUser int64) (int64, error) {
	return s.hgetInt(ctx, s.keys.zaloAlias(), zaloUser)
}

// LinkedZalo returns the Zalo account linked to userID, 0 when none.
func (s *Store) LinkedZalo(ctx context.Context, userID int64) (int64, error) {
	return s.hgetInt(ctx, s.keys.zaloLinked(), userID)
}
