package store

import (
	"context"
	"errors"
	"fmt"
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
// nothing is expected. It returns an error when Redis fails.
func (s *Store) TakeExpect(ctx context.Context, userID int64) (string, error) {
	v, err := s.rdb.GetDel(ctx, s.keys.expect(userID)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("store: take expect %d: %w", userID, err)
	}
	return v, nil
}
