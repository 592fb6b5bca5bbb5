package storetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// topologyTimeout bounds how long a cluster or a Sentinel set may take to
// form, and a failover to finish.
const topologyTimeout = 30 * time.Second

// needRedis skips t unless redis-server (and redis-cli, when cli is true)
// are on PATH.
func needRedis(t testing.TB, cli bool) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		skipUnlessCI(t, "storetest: no redis-server on PATH (Debian: apt-get install -y redis-server): cannot start a cluster or a Sentinel set")
	}
	if _, err := exec.LookPath("redis-cli"); cli && err != nil {
		skipUnlessCI(t, "storetest: no redis-cli on PATH (it comes with Debian's redis-server): cannot create a cluster")
	}
}

func startT(t testing.TB, argv func(host, port, dir string) []string) *Server {
	t.Helper()
	s, err := startServerWith(argv)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(s.close)
	return s
}

// waitFor polls cond until it holds, failing t with what after topologyTimeout.
func waitFor(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(topologyTimeout)
	for {
		ok, state := cond()
		if os.Getenv("STORETEST_TRACE") != "" && ok {
			fmt.Fprintf(os.Stderr, "%s %s done\n", time.Now().Format("05.000"), what)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("storetest: %s: not within %v (last: %s)", what, topologyTimeout, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func info(addr, section string) string {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := c.Info(ctx, section).Result()
	if err != nil {
		return "error: " + err.Error()
	}
	return s
}

// Freeze stops the server's process (SIGSTOP) without closing anything: a
// Redis that hangs — the kernel still accepts connections, nothing answers.
// Thaw resumes it; a frozen server is thawed when t ends.
func (s *Server) Freeze(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGSTOP)
	t.Cleanup(func() { s.signal(t, syscall.SIGCONT) })
}

// Thaw resumes a server stopped by Freeze.
func (s *Server) Thaw(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGCONT)
}

func (s *Server) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Errorf("storetest: signal %v: %v", sig, err)
	}
}

// Cluster is a Redis Cluster of three masters (no replicas) on loopback,
// started by NewCluster.
type Cluster struct {
	Nodes []*Server
}

// NewCluster starts three redis-server nodes with cluster mode on, joins
// them with redis-cli --cluster create, and waits until every node says
// cluster_state:ok. Everything is stopped and removed when t ends. It skips
// t when redis-server or redis-cli is not on PATH and fails t when the
// cluster does not form.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	needRedis(t, true)
	c, err := startCluster()
	if c != nil {
		t.Cleanup(c.close)
	}
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return c
}

// startCluster is NewCluster without a test; on error the nodes started so
// far are in the returned Cluster, for close.
func startCluster() (*Cluster, error) {
	c := &Cluster{}
	for range 3 {
		n, err := startServerWith(func(host, port, dir string) []string {
			return []string{"--port", port, "--bind", host, "--save", "", "--appendonly", "no", "--dir", dir,
				"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf"),
				"--cluster-node-timeout", "2000"}
		})
		if err != nil {
			return c, err
		}
		c.Nodes = append(c.Nodes, n)
	}
	args := []string{"--cluster", "create"}
	for _, n := range c.Nodes {
		args = append(args, n.Addr())
	}
	args = append(args, "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), topologyTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		return c, fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(topologyTimeout)
	for _, n := range c.Nodes {
		for {
			rdb := redis.NewClient(&redis.Options{Addr: n.Addr()})
			ci, err := rdb.ClusterInfo(context.Background()).Result()
			_ = rdb.Close()
			if err == nil && strings.Contains(ci, "cluster_state:ok") && strings.Contains(ci, "cluster_known_nodes:3") {
				break
			}
			if time.Now().After(deadline) {
				return c, fmt.Errorf("cluster state not ok on %s within %v: %s %v", n.Addr(), topologyTimeout, ci, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return c, nil
}

func (c *Cluster) close() {
	for _, n := range c.Nodes {
		n.close()
	}
}

// Addrs returns the nodes' addresses.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// URL returns the cluster in go-redis's URL form:
// redis://node1?addr=node2&addr=node3.
func (c *Cluster) URL() string {
	return "redis://" + c.Nodes[0].Addr() + "?addr=" + c.Nodes[1].Addr() + "&addr=" + c.Nodes[2].Addr()
}

// Client returns a cluster client on c, closed when t ends.
func (c *Cluster) Client(t testing.TB) *redis.ClusterClient {
	t.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// SentinelSet is a master, one replica and two sentinels watching them,
// started by NewSentinel.
type SentinelSet struct {
	Name      string // the master's name for Sentinel: "mymaster"
	Master    *Server
	Replica   *Server
	Sentinels []*Server
}

// NewSentinel starts a master, a replica of it, and two sentinels (quorum
// 1, down-after 1 s), and waits until the replica is in sync and both
// sentinels know it. Everything is stopped and removed when t ends. It
// skips t when redis-server is not on PATH and fails t when the set does
// not form.
func NewSentinel(t testing.TB) *SentinelSet {
	t.Helper()
	needRedis(t, false)
	s := &SentinelSet{Name: "mymaster"}
	s.Master = startT(t, nil)
	mhost, mport, _ := net.SplitHostPort(s.Master.Addr())
	s.Replica = startT(t, func(host, port, dir string) []string {
		return []string{"--port", port, "--bind", host, "--save", "", "--appendonly", "no", "--dir", dir,
			"--replicaof", mhost, mport}
	})
	waitFor(t, "replica in sync", func() (bool, string) {
		i := info(s.Replica.Addr(), "replication")
		return strings.Contains(i, "master_link_status:up"), i
	})
	for range 2 {
		s.Sentinels = append(s.Sentinels, startT(t, func(host, port, dir string) []string {
			conf := filepath.Join(dir, "sentinel.conf")
			body := fmt.Sprintf("port %s\nbind %s\ndir %s\n"+
				"sentinel monitor %s %s %s 1\n"+
				"sentinel down-after-milliseconds %[4]s 1000\n"+
				"sentinel failover-timeout %[4]s 10000\n"+
				"sentinel parallel-syncs %[4]s 1\n", port, host, dir, s.Name, mhost, mport)
			if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
				t.Fatalf("storetest: %v", err)
			}
			return []string{conf, "--sentinel"}
		}))
	}
	for _, sn := range s.Sentinels {
		waitFor(t, "sentinel "+sn.Addr()+" knows the replica", func() (bool, string) {
			sc := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr()})
			defer sc.Close()
			reps, err := sc.Replicas(context.Background(), s.Name).Result()
			if err != nil || len(reps) != 1 {
				return false, fmt.Sprint(reps, err)
			}
			r := reps[0]
			return r["flags"] == "slave" && r["master-link-status"] == "ok", fmt.Sprint(r)
		})
	}
	return s
}

// URL returns the set in go-redis's Sentinel URL form:
// redis://sentinel1?addr=sentinel2&master_name=mymaster.
func (s *SentinelSet) URL() string {
	return "redis://" + s.Sentinels[0].Addr() + "?addr=" + s.Sentinels[1].Addr() + "&master_name=" + s.Name
}

// Failover waits until the replica has every write so far, makes the
// sentinels promote it (SENTINEL FAILOVER), and
// waits until both sentinels name it as master and it answers as master.
// Master and Replica are swapped. The old master is turned into a replica
// by the sentinels some seconds later (at their next INFO of it, up to
// 10 s): Failover does not wait for that, clients must not need it.
// It fails t when the failover does not complete.
func (s *SentinelSet) Failover(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	// A planned failover: the replica first has every write the master
	// acknowledged (replication is asynchronous; WAIT waits for it).
	mc := redis.NewClient(&redis.Options{Addr: s.Master.Addr()})
	defer mc.Close()
	if err := mc.Set(ctx, "storetest:failover", time.Now().String(), time.Minute).Err(); err != nil {
		t.Fatalf("storetest: write before failover: %v", err)
	}
	if n, err := mc.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n < 1 {
		t.Fatalf("storetest: replica did not catch up before failover: %d, %v", n, err)
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinels[0].Addr()})
	defer sc.Close()
	waitFor(t, "SENTINEL FAILOVER accepted", func() (bool, string) {
		err := sc.Failover(ctx, s.Name).Err()
		return err == nil, fmt.Sprint(err)
	})
	next := s.Replica.Addr()
	for _, sn := range s.Sentinels {
		waitFor(t, "sentinel "+sn.Addr()+" names the new master", func() (bool, string) {
			c := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr()})
			defer c.Close()
			addr, err := c.GetMasterAddrByName(ctx, s.Name).Result()
			if err != nil || len(addr) != 2 {
				return false, fmt.Sprint(addr, err)
			}
			return net.JoinHostPort(addr[0], addr[1]) == next, fmt.Sprint(addr)
		})
	}
	waitFor(t, "new master answers as master", func() (bool, string) {
		i := info(next, "replication")
		return strings.Contains(i, "role:master"), i
	})
	s.Master, s.Replica = s.Replica, s.Master
}

// ServerClient returns a plain client on one server of a topology, closed
// when t ends.
func ServerClient(t testing.TB, s *Server) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
