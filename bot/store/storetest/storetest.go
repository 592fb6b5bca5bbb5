// Package storetest gives tests a Redis: one real redis-server per test
// binary, shared by every test, each test isolated by its own key prefix
// (Prefix) so tests can run in parallel on it.
//
// The server is started on first use from PATH on a free loopback port, with
// no persistence configured. It dies with the test binary (Pdeathsig on
// Linux), and a package that declares
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
// also stops it and removes its directory cleanly. REDIS_URL_TEST=redis://…
// uses that server instead; STORETEST_TOPOLOGY=cluster starts a 3-master
// Redis Cluster (NewCluster) as the shared backend, so that a package's
// whole suite runs on a cluster. Without redis-server on PATH the tests fall back
// to one shared miniredis and say so once; helpers that need the real server
// (Restart, Stop, Start, NewServer, the cluster and Sentinel sets) then skip
// their test. Under CI (CI=true or CI=1) there is no fallback and no such
// skip: each of those fails, so that a green CI run always means real Redis.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// The shared backend: exactly one of url, server, cluster, mini is set
// after setup.
var (
	setupOnce sync.Once
	setupErr  error
	url       *redis.Options
	server    *Server
	cluster   *Cluster
	mini      *miniredis.Miniredis
	fallback  sync.Once
)

// TopologyEnv names the variable that runs a package's tests on a Redis
// Cluster instead of one node: STORETEST_TOPOLOGY=cluster.
const TopologyEnv = "STORETEST_TOPOLOGY"

func setup() {
	switch v := os.Getenv(TopologyEnv); v {
	case "":
	case "cluster":
		cluster, setupErr = startCluster()
		return
	default:
		setupErr = fmt.Errorf("storetest: %s=%q: only cluster is known", TopologyEnv, v)
		return
	}
	if u := os.Getenv("REDIS_URL_TEST"); u != "" {
		url, setupErr = redis.ParseURL(u)
		if setupErr != nil {
			setupErr = fmt.Errorf("storetest: REDIS_URL_TEST: %w", setupErr)
		}
		return
	}
	if err := miniAllowed(); err != nil {
		setupErr = err
		return
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		mini = miniredis.NewMiniRedis()
		setupErr = mini.Start()
		return
	}
	server, setupErr = startServer()
}

// inCI reports whether the tests run in CI (CI=true or CI=1, as CI
// services set it).
func inCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v == "true" || v == "1"
}

// miniAllowed returns an error when redis-server is missing under CI: the
// fallback to miniredis would turn a run meant to prove real Redis green.
func miniAllowed() error {
	if _, err := exec.LookPath("redis-server"); err != nil && inCI() {
		return fmt.Errorf("CI=%s and no redis-server on PATH: CI tests against real Redis only (Debian: apt-get install -y redis-server)", os.Getenv("CI"))
	}
	return nil
}

// skipUnlessCI skips t with why, or fails it under CI, where a skipped
// real-Redis test must not pass for a tested one.
func skipUnlessCI(t testing.TB, why string) {
	t.Helper()
	if inCI() {
		t.Fatal(why + " (CI=true: failing instead of skipping)")
	}
	t.Skip(why)
}

func backend(t testing.TB) {
	t.Helper()
	setupOnce.Do(setup)
	if setupErr != nil {
		t.Fatalf("storetest: no Redis for tests: %v", setupErr)
	}
	if mini != nil {
		fallback.Do(func() {
			t.Log("storetest: no redis-server on PATH: using miniredis (install Debian's redis-server to test against real Redis)")
		})
	}
}

// Main runs the tests of a package, then stops the shared server and removes
// its files, and exits with the tests' code. Call it from TestMain. Without
// it the server still dies with the test binary, leaving a small directory
// in the system's temp dir.
func Main(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.close()
	}
	if cluster != nil {
		cluster.close()
	}
	if mini != nil {
		mini.Close()
	}
	os.Exit(code)
}

// Redis returns a new client on the shared test Redis, closed when t ends.
// Keys of other tests live there too: build keys under Prefix(t). It fails
// t when no Redis can be had.
func Redis(t testing.TB) redis.UniversalClient {
	t.Helper()
	backend(t)
	rdb := newClient()
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// newClient returns a client on the shared backend; setup must have run.
func newClient() redis.UniversalClient {
	var opts *redis.Options
	switch {
	case cluster != nil:
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs()})
	case url != nil:
		o := *url
		opts = &o
	case server != nil:
		opts = &redis.Options{Addr: server.Addr()}
	default:
		opts = &redis.Options{Addr: mini.Addr()}
	}
	return redis.NewClient(opts)
}

// IsMiniredis reports whether Redis returns clients on the miniredis
// fallback, where TTLs move only with Elapse and nothing persists.
func IsMiniredis(t testing.TB) bool {
	t.Helper()
	backend(t)
	return mini != nil
}

// Elapse lets d pass for the shared Redis's TTLs: it sleeps on a real server
// and fast-forwards the miniredis fallback (which moves every test's TTLs:
// keep d short of other tests' TTLs).
func Elapse(t testing.TB, d time.Duration) {
	t.Helper()
	backend(t)
	if mini != nil {
		mini.FastForward(d)
		return
	}
	time.Sleep(d)
}

var prefixSeq atomic.Int64

// notKeyChar is what Prefix leaves out of a test name: glob characters (the
// cleanup SCANs for the prefix), hash-tag braces and spaces.
var notKeyChar = regexp.MustCompile(`[^A-Za-z0-9_./-]+`)

// Prefix returns a key prefix no other test uses, for store.New(rdb,
// Prefix(t)): the test's name, a sequence number and random bits (a
// REDIS_URL_TEST server outlives runs). The keys under it are deleted when t
// ends, as far as the server is still there.
func Prefix(t testing.TB) string {
	t.Helper()
	backend(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	p := fmt.Sprintf("t-%s-%d-%s", notKeyChar.ReplaceAllString(t.Name(), "_"), prefixSeq.Add(1), hex.EncodeToString(b))
	t.Cleanup(func() {
		rdb := newClient()
		defer rdb.Close()
		deleteKeys(rdb, "{"+p+"}:*")
	})
	return p
}

func deleteKeys(rdb redis.UniversalClient, match string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if c, ok := rdb.(*redis.ClusterClient); ok {
		// A prefix's keys share one slot, so one master has them all.
		_ = c.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
			deleteKeys(m, match)
			return nil
		})
		return
	}
	iter := rdb.Scan(ctx, 0, match, 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
	}
	if len(batch) > 0 {
		_ = rdb.Del(ctx, batch...).Err()
	}
}

// Miniredis starts a private miniredis for fast unit tests and returns it
// (for FastForward and inspection) with a client on it; both close when t
// ends.
func Miniredis(t testing.TB) (*miniredis.Miniredis, redis.UniversalClient) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return m, rdb
}

// sharedServer returns the shared real server, or skips t when there is none
// this package controls.
func sharedServer(t testing.TB) *Server {
	t.Helper()
	backend(t)
	switch {
	case url != nil:
		t.Skip("storetest: REDIS_URL_TEST server is not ours to stop or restart")
	case cluster != nil:
		t.Skip("storetest: " + TopologyEnv + "=cluster: the shared cluster is not stopped or restarted")
	case mini != nil:
		skipUnlessCI(t, "storetest: no redis-server on PATH: cannot stop or restart miniredis like a real server")
	}
	return server
}

// Restart restarts the shared server the way a Redis with persistence
// restarts: it saves, stops, and starts again on the same port with the data
// back; clients reconnect on their next command. Every test on the shared
// server sees it: call it only from tests that do not call t.Parallel (Go
// runs those alone), or use NewServer. It skips t on miniredis and
// REDIS_URL_TEST, and fails t when the server does not come back.
func Restart(t testing.TB) {
	t.Helper()
	sharedServer(t).Restart(t)
}

// Stop stops the shared server (saving its data) until Start: "Redis lost
// while running". The same cautions as for Restart apply; a test that stops
// the server must start it again before it ends, which Stop ensures with a
// t.Cleanup.
func Stop(t testing.TB) {
	t.Helper()
	s := sharedServer(t)
	s.Stop(t)
	t.Cleanup(func() {
		if !s.Running() {
			s.Start(t)
		}
	})
}

// Start starts the shared server again after Stop, with its data. It fails t
// when the server does not come up.
func Start(t testing.TB) {
	t.Helper()
	sharedServer(t).Start(t)
}
