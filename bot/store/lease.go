package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// holdLeaseScript takes or renews a lease: the holder's own lease is
// extended, a free one is taken, someone else's is left alone.
var holdLeaseScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

// releaseLeaseScript deletes a lease only if holder still has it.
var releaseLeaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// HoldLease takes the lease name for holder, or renews it when holder has
// it already, for ttl. It reports whether holder holds it now (false: another
// holder does), and returns an error when Redis fails.
func (s *Store) HoldLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	key := s.keys.lease(name)
	n, err := holdLeaseScript.Run(ctx, s.rdb, []string{key}, holder, strconv.FormatInt(ttl.Milliseconds(), 10)).Int()
	if err != nil {
		return false, fmt.Errorf("store: hold lease %s: %w", key, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up the lease name if holder has it, so another holder
// can take it at once. It returns an error when Redis fails.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	key := s.keys.lease(name)
	if err := releaseLeaseScript.Run(ctx, s.rdb, []string{key}, holder).Err(); err != nil {
		return fmt.Errorf("store: release lease %s: %w", key, err)
	}
	return nil
}
