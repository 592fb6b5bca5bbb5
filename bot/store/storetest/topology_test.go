package storetest_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/store/storetest"
)

func TestCluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := storetest.NewCluster(t)
	rdb := c.Client(t)
	// Keys on every master, and a script over two keys of one hash tag.
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		if err := rdb.Set(ctx, k, "1", 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	var n atomic.Int32 // ForEachMaster runs the function on each master at once
	_ = rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { n.Add(1); return nil })
	if n := n.Load(); n != 3 {
		t.Errorf("%d masters, want 3", n)
	}
	v, err := rdb.Eval(ctx, "redis.call('SET', KEYS[1], 'x'); return redis.call('GET', KEYS[2])", []string{"{t}:1", "{t}:2"}).Result()
	if err != nil && err != redis.Nil {
		t.Errorf("script over one hash tag: %v, %v", v, err)
	}
}

func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.NewSentinel(t)
	opt, err := redis.ParseFailoverURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewFailoverClient(opt)
	defer rdb.Close()
	if err := rdb.Set(ctx, "k", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	old := s.Master.Addr()
	s.Failover(t)
	if s.Master.Addr() == old {
		t.Fatal("master did not change")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := rdb.Set(ctx, "k", "after", 0).Err()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("write after failover: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if v, err := storetest.ServerClient(t, s.Master).Get(ctx, "k").Result(); err != nil || v != "after" {
		t.Errorf("new master has %q, %v", v, err)
	}
}

// With STORETEST_TOPOLOGY=cluster every package's tests run on a shared
// 3-master cluster.
func TestTopologyEnv(t *testing.T) {
	rdb := storetest.Redis(t)
	_, isCluster := rdb.(*redis.ClusterClient)
	if want := os.Getenv(storetest.TopologyEnv) == "cluster"; isCluster != want {
		t.Errorf("%s=%q gave a %T", storetest.TopologyEnv, os.Getenv(storetest.TopologyEnv), rdb)
	}
}
