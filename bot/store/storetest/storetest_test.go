package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPrefix(t *testing.T) {
	ctx := context.Background()
	rdb := storetest.Redis(t)
	var key string
	t.Run("a test's keys", func(t *testing.T) {
		a, b := storetest.Prefix(t), storetest.Prefix(t)
		if a == b {
			t.Errorf("two prefixes are both %q", a)
		}
		if strings.ContainsAny(a, "{}*?[] ") {
			t.Errorf("prefix %q has characters that break a hash tag or a SCAN pattern", a)
		}
		key = "{" + a + "}:x"
		if err := rdb.Set(ctx, key, "1", 0).Err(); err != nil {
			t.Fatal(err)
		}
	})
	if n, err := rdb.Exists(ctx, key).Result(); err != nil || n != 0 {
		t.Errorf("key %s still there after its test ended (%d, %v)", key, n, err)
	}
}

func TestElapse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := storetest.Redis(t)
	key := "{" + storetest.Prefix(t) + "}:lease"
	if err := rdb.Set(ctx, key, "1", 100*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	storetest.Elapse(t, 200*time.Millisecond)
	if err := rdb.Get(ctx, key).Err(); !errors.Is(err, redis.Nil) {
		t.Errorf("key with a 100 ms TTL still there after Elapse(200ms): %v", err)
	}
}

func TestMiniredis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, rdb := storetest.Miniredis(t)
	if err := rdb.Set(ctx, "k", "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	m.FastForward(2 * time.Minute)
	if m.Exists("k") {
		t.Errorf("FastForward did not expire the key")
	}
}

// TestRestartStopStart must not run in parallel: it stops the shared server.
func TestRestartStopStart(t *testing.T) {
	ctx := context.Background()
	rdb := storetest.Redis(t)
	key := "{" + storetest.Prefix(t) + "}:kept"
	if err := rdb.Set(ctx, key, "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	storetest.Restart(t)
	if v, err := rdb.Get(ctx, key).Result(); err != nil || v != "before" {
		t.Fatalf("after Restart: %q, %v; want the data back", v, err)
	}

	storetest.Stop(t)
	down, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := rdb.Ping(down).Err(); err == nil {
		t.Fatalf("Ping succeeded with the server stopped")
	}
	storetest.Start(t)
	if v, err := rdb.Get(ctx, key).Result(); err != nil || v != "before" {
		t.Fatalf("after Stop and Start: %q, %v; want the data back", v, err)
	}
}

func TestNewServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := storetest.NewServer(t)
	rdb := srv.Client(t)
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	srv.Restart(t)
	if srv.Addr() != addr || !srv.Running() {
		t.Errorf("after Restart: addr %s (was %s), running %v", srv.Addr(), addr, srv.Running())
	}
	if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Errorf("private server after Restart: %q, %v", v, err)
	}
}

// TestFallback runs this test binary again with nothing on PATH and checks
// that Redis falls back to miniredis, says so, and skips Restart.
func TestFallback(t *testing.T) {
	if os.Getenv("STORETEST_CHILD") == "1" {
		if !storetest.IsMiniredis(t) {
			t.Fatal("not on miniredis without redis-server on PATH")
		}
		if err := storetest.Redis(t).Ping(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		t.Run("restart", func(t *testing.T) { storetest.Restart(t) })
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallback$", "-test.v")
	cmd.Env = []string{"STORETEST_CHILD=1", "PATH=/nonexistent"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
	for _, want := range []string{"using miniredis", "--- SKIP: TestFallback/restart", "--- PASS: TestFallback"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

// TestNoFallbackInCI runs this test binary again with nothing on PATH and
// CI=true: Redis fails the test, naming redis-server, instead of falling
// back to miniredis, and NewServer fails instead of skipping.
func TestNoFallbackInCI(t *testing.T) {
	if os.Getenv("STORETEST_CHILD") == "ci" {
		t.Run("redis", func(t *testing.T) { storetest.Redis(t) })
		t.Run("server", func(t *testing.T) { storetest.NewServer(t) })
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoFallbackInCI$", "-test.v")
	cmd.Env = []string{"STORETEST_CHILD=ci", "CI=true", "PATH=/nonexistent"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed without redis-server under CI:\n%s", out)
	}
	for _, want := range []string{"--- FAIL: TestNoFallbackInCI/redis", "no redis-server on PATH: CI tests against real Redis only",
		"--- FAIL: TestNoFallbackInCI/server", "failing instead of skipping"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "using miniredis") {
		t.Errorf("fell back to miniredis under CI:\n%s", out)
	}
}
