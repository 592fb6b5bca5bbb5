package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SetExpect remembers, for ttl, what a user's next bare figure is for
// ("xuat-khau|2022-05", after "report now" on a reminder). It returns an
// error when Redis fails.
func (s *Store) SetExpect(ctx context.Context, userID int64, what string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.keys.expect(userID), what, ttl).Err(); err != nil {
		return fmt.Errorf("store: set expect %d: %w", userID, err)
	}
	return nil
}

// TakeExpect returns and forgets what the user's next figure is for; "" when
// nothing is expected. Once per update (WithUpdate): the same update taking
// again gets the same. It returns an error when Redis fails.
func (s *Store) TakeExpect(ctx context.Context, userID int64) (string, error) {
	v, err := s.take(ctx, s.keys.expect(userID), "expect")
	if errors.Is(err, redis.Nil) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("store: take expect %d: %w", userID, err)
	}
	return v, nil
}

// PutChoice keeps a message whose reading the user must choose (a report
// or a question) under a new short id for the two buttons' callback data,
// for ttl. It returns the id, or an error when Redis fails.
func (s *Store) PutChoice(ctx context.Context, userID int64, text string, ttl time.Duration) (string, error) {
	return s.putNew(ctx, "choice", s.keys.choice, strconv.FormatInt(userID, 10)+"|"+text, ttl)
}

// TakeChoice returns and forgets the message userID kept under id. It
// returns ErrExpired when it is gone (used, or its TTL ran out) or is
// someone else's, which it leaves alone.
func (s *Store) TakeChoice(ctx context.Context, id string, userID int64) (string, error) {
	key := s.keys.choice(id)
	v, err := s.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		// Gone, unless this update took it already (a repeat): then the
		// same text again.
		v, err = s.take(ctx, key, "choice:"+id)
	}
	if errors.Is(err, redis.Nil) {
		return "", ErrExpired
	} else if err != nil {
		return "", fmt.Errorf("store: take choice %s: %w", id, err)
	}
	who, text, _ := strings.Cut(v, "|")
	if who != strconv.FormatInt(userID, 10) {
		return "", ErrExpired
	}
	// Checked, then taken: of two presses, one gets it.
	if _, err := s.take(ctx, key, "choice:"+id); errors.Is(err, redis.Nil) {
		return "", ErrExpired
	} else if err != nil {
		return "", fmt.Errorf("store: take choice %s: %w", id, err)
	}
	return text, nil
}

//go:embed rate.lua
var rateLua string

var rateScript = redis.NewScript(rateLua)

// Allow counts one action of userID (a button press) in the current window
// of length window and reports whether it is within limit: a fixed window
// that starts at the first action and whose key expires with it, so a
// flood of forged presses costs the bot one small key per user. It returns
// an error when Redis fails.
func (s *Store) Allow(ctx context.Context, userID int64, limit int, window time.Duration) (bool, error) {
	n, err := rateScript.Run(ctx, s.rdb, []string{s.keys.rate(userID)}, window.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store: rate of %d: %w", userID, err)
	}
	return n <= limit, nil
}
