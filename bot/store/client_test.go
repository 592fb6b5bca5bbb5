package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// Defaults where the URL says nothing; the URL's own values where it does,
// "0" (disabled) included.
func TestParseURLTimeouts(t *testing.T) {
	tg, err := store.ParseURL("redis://h:6379/1")
	if err != nil {
		t.Fatal(err)
	}
	o := tg.Single
	if o.DialTimeout != store.DefaultDialTimeout || o.ReadTimeout != store.DefaultReadTimeout ||
		o.WriteTimeout != store.DefaultWriteTimeout || o.MaxRetries != store.DefaultMaxRetries || o.DB != 1 {
		t.Errorf("defaults: dial %v read %v write %v retries %d db %d", o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.MaxRetries, o.DB)
	}
	tg, err = store.ParseURL("redis://h1:7000?addr=h2:7001&read_timeout=500ms&max_retries=3&dial_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Cluster
	if c.ReadTimeout != 500*time.Millisecond || c.MaxRetries != 3 || c.DialTimeout >= 0 || len(c.Addrs) != 2 {
		t.Errorf("cluster options from the URL: read %v retries %d dial %v addrs %v", c.ReadTimeout, c.MaxRetries, c.DialTimeout, c.Addrs)
	}
	tg, err = store.ParseURL("redis://sp:spw@s1:26379?addr=s2:26379&master_name=m&password=mpw&db=2")
	if err != nil {
		t.Fatal(err)
	}
	f := tg.Failover
	if f.MasterName != "m" || f.Password != "mpw" || f.SentinelPassword != "spw" || f.DB != 2 || len(f.SentinelAddrs) != 2 {
		t.Errorf("sentinel options: %+v", f)
	}
	if s := fmt.Sprint(tg); strings.Contains(s, "pw") || !strings.Contains(s, "master m") {
		t.Errorf("target prints as %q", s)
	}
}

func TestParseURLRefusesWithoutThePassword(t *testing.T) {
	for _, u := range []string{
		"redis://:hunter2@h:6379/0?colour=blue",
		"redis://h1:7000/5?addr=h2:7001&password=hunter2",
		"redis://s1:26379?master_name=m&password=hunter2&route_randomly=maybe",
	} {
		_, err := store.ParseURL(u)
		if err == nil {
			t.Errorf("%s accepted", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the password is in %q", err)
		}
	}
}

// A single address that is a cluster node gets a cluster client, which
// follows keys to the other masters.
func TestDialFindsACluster(t *testing.T) {
	t.Parallel()
	c := storetest.NewCluster(t)
	tg, err := store.ParseURL("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rdb, topo, err := store.Dial(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, ok := rdb.(*redis.ClusterClient); !ok || topo != store.Cluster {
		t.Fatalf("client %T, topology %s; want a cluster client", rdb, topo)
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		if err := rdb.Set(ctx, k, "1", time.Minute).Err(); err != nil {
			t.Errorf("SET %s through the cluster client: %v", k, err)
		}
	}
}

func TestDialNamesTheAddressNotThePassword(t *testing.T) {
	tg, err := store.ParseURL("redis://:hunter2@127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = store.Dial(context.Background(), tg)
	if err == nil || !strings.Contains(err.Error(), "cannot reach 127.0.0.1:1") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Dial error %v", err)
	}
}

// Down, frozen and failing-over Redis is "temporarily unavailable"; a bug
// is not. READONLY, MASTERDOWN and WRONGTYPE are real answers of a
// redis-server turned replica of a master that is gone.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := storetest.NewServer(t)
	rdb := srv.Client(t)
	if err := rdb.LPush(ctx, "list", "x").Err(); err != nil {
		t.Fatal(err)
	}
	wrongType := rdb.Get(ctx, "list").Err()
	if err := rdb.Do(ctx, "REPLICAOF", "127.0.0.1", "1").Err(); err != nil {
		t.Fatal(err)
	}
	readOnly := rdb.Set(ctx, "k", "v", 0).Err()
	if err := rdb.ConfigSet(ctx, "replica-serve-stale-data", "no").Err(); err != nil {
		t.Fatal(err)
	}
	masterDown := rdb.Get(ctx, "k").Err()
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"refused":     {fmt.Errorf("store: read user 1: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		"closed":      {fmt.Errorf("store: %w", io.EOF), true},
		"timeout":     {fmt.Errorf("store: %w", context.DeadlineExceeded), true},
		"pool":        {errors.New("redis: connection pool timeout"), true},
		"readonly":    {fmt.Errorf("store: confirm: %w", readOnly), true},
		"masterdown":  {fmt.Errorf("store: read: %w", masterDown), true},
		"loading":     {errors.New("LOADING Redis is loading the dataset in memory"), true},
		"clusterdown": {errors.New("CLUSTERDOWN The cluster is down"), true},
		"tryagain":    {errors.New("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		"bad record":  {errors.New("store: read user 1: invalid character 'x' looking for beginning of value"), false},
		"wrongtype":   {fmt.Errorf("store: read: %w", wrongType), false},
		"nil":         {nil, false},
	} {
		if got := store.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", name, c.err, got, c.want)
		}
	}
}

// The password before the host of a Sentinel URL is the sentinels'
// (go-redis's form): when the master then refuses the connection, the error
// says where the master's password goes.
func TestDialSentinelPasswordHint(t *testing.T) {
	t.Parallel()
	s := storetest.NewSentinel(t)
	mc := storetest.ServerClient(t, s.Master)
	if err := mc.ConfigSet(context.Background(), "requirepass", "hunter2").Err(); err != nil {
		t.Fatal(err)
	}
	u := strings.Replace(s.URL(), "redis://", "redis://:hunter2@", 1)
	tg, err := store.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err = store.Dial(ctx, tg)
	if err == nil || !strings.Contains(err.Error(), "password= option") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Dial error %v; want the hint, not the password", err)
	}
	tg, err = store.ParseURL(s.URL() + "&password=hunter2")
	if err != nil {
		t.Fatal(err)
	}
	rdb, topo, err := store.Dial(ctx, tg)
	if err != nil || topo != store.Sentinel {
		t.Fatalf("Dial %s: %v, %v", s.URL(), topo, err)
	}
	defer rdb.Close()
	if err := rdb.Set(ctx, "k", "v", time.Minute).Err(); err != nil {
		t.Errorf("write through the sentinels' master: %v", err)
	}
}
