package store

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// ---- effects of an update ----
//
// An update is claimed before it is handled, but the claim guards only the
// start: a copy paused or killed mid-update loses its claim, and the copy
// that takes the update over handles it again from the top. So every write
// an update makes is keyed on the update: the script that writes also sets
// {p}:eff:<update id>:<what> (EffectTTL) to what it did, and a second run of
// the same update finds that mark in the same script and returns the first
// run's result, writing nothing. A takeover repeats at most the reply.

// EffectTTL is how long the effect of an update is remembered: beyond the
// 24 hours an update may come back (its claim and its inbox entry).
const EffectTTL = 48 * time.Hour

type updateKey struct{}

// updateMark is what WithUpdate puts in a context: the update's id, and a
// count of the records it has made under new ids (putNew), so that the
// n-th record of an update is the n-th again when the update is handled
// again, and two records of one update (three suggestion buttons) are two.
type updateMark struct {
	id   int64
	news *atomic.Int64
}

// WithUpdate returns ctx naming updateID as the Telegram update being
// handled: the store's writes made with it are done once per update, however
// often the update is handled. An id of 0 (no update: a test, a job) changes
// nothing.
func WithUpdate(ctx context.Context, updateID int64) context.Context {
	if updateID == 0 {
		return ctx
	}
	return context.WithValue(ctx, updateKey{}, updateMark{id: updateID, news: new(atomic.Int64)})
}

// UpdateOf returns the update id WithUpdate put in ctx, or 0.
func UpdateOf(ctx context.Context) int64 {
	m, _ := ctx.Value(updateKey{}).(updateMark)
	return m.id
}

// nextNew numbers the records ctx's update makes under new ids: 1, 2, …
// in the order the handler makes them (0 without an update).
func nextNew(ctx context.Context) int64 {
	m, ok := ctx.Value(updateKey{}).(updateMark)
	if !ok {
		return 0
	}
	return m.news.Add(1)
}

// effectKey returns the key of the effect what of ctx's update, and "" when
// ctx names no update.
func (s *Store) effectKey(ctx context.Context, what string) string {
	id := UpdateOf(ctx)
	if id == 0 {
		return ""
	}
	return s.keys.join("eff", strconv.FormatInt(id, 10), what)
}

// effectTTL is EffectTTL in seconds, as the scripts take it.
var effectTTL = strconv.FormatInt(int64(EffectTTL/time.Second), 10)

// effectDone reports whether ctx's update had the effect what already. It
// returns false without an update, and an error when Redis fails.
func (s *Store) effectDone(ctx context.Context, what string) (bool, error) {
	key := s.effectKey(ctx, what)
	if key == "" {
		return false, nil
	}
	n, err := s.rdb.Exists(ctx, key).Result()
	if err != nil {
		return false, fmt.Errorf("store: effect %s: %w", what, err)
	}
	return n == 1, nil
}

// takeScript is GETDEL with the effect of the update that takes: the same
// update taking again gets what its first run took. KEYS[1] the key,
// KEYS[2] the effect (absent without an update); ARGV[1] the effect's TTL
// (s). It returns the value taken, or false when there was none.
var takeScript = redis.NewScript(`
if KEYS[2] then
  local e = redis.call('GET', KEYS[2])
  if e then return e end
end
local v = redis.call('GET', KEYS[1])
if not v then return false end
redis.call('DEL', KEYS[1])
if KEYS[2] then redis.call('SET', KEYS[2], v, 'EX', ARGV[1]) end
return v`)

// take is GETDEL of key, once per update (what names the effect): the same
// update taking again gets the same value. It returns redis.Nil when there
// was nothing to take, and an error when Redis fails.
func (s *Store) take(ctx context.Context, key, what string) (string, error) {
	keys := []string{key}
	if eff := s.effectKey(ctx, "take:"+what); eff != "" {
		keys = append(keys, eff)
	}
	return takeScript.Run(ctx, s.rdb, keys, effectTTL).Text()
}

// onceScript sets the effect KEYS[1] to ARGV[1] unless it is set, and
// returns it. ARGV[2] the effect's TTL (s).
var onceScript = redis.NewScript(`
local e = redis.call('GET', KEYS[1])
if e then return e end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`)

// Once returns value the first time ctx's update asks for what, and that
// same value every later time the update is handled: for a choice made
// while handling it (the time a snooze counts from) that must not change
// when a copy takes the update over. Without an update it returns value. It
// returns an error when Redis fails.
func (s *Store) Once(ctx context.Context, what, value string) (string, error) {
	key := s.effectKey(ctx, "once:"+what)
	if key == "" {
		return value, nil
	}
	v, err := onceScript.Run(ctx, s.rdb, []string{key}, value, effectTTL).Text()
	if err != nil {
		return "", fmt.Errorf("store: effect %s: %w", what, err)
	}
	return v, nil
}
