package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Topology is the kind of Redis deployment a REDIS_URL names.
type Topology string

// The topologies Dial connects to.
const (
	Single   Topology = "single"   // one node (with or without replicas behind it)
	Cluster  Topology = "cluster"  // Redis Cluster
	Sentinel Topology = "sentinel" // a master found through Redis Sentinel
)

// Client defaults, used when the URL does not set them. A Redis that freezes
// (stopped, swapping, a dead network) is noticed by the read timeout; with
// one retry a command gives up after about two read timeouts plus a short
// back-off, so a user waits about 4 s for "temporarily unavailable" rather
// than go-redis's 3 retries of 3 s each.
const (
	DefaultDialTimeout  = 2 * time.Second
	DefaultReadTimeout  = 2 * time.Second
	DefaultWriteTimeout = 2 * time.Second
	DefaultMaxRetries   = 1
	DefaultPoolTimeout  = 3 * time.Second
)

// Target is a parsed REDIS_URL: which topology, and the go-redis options for
// it (exactly one of the three is set). A Target returned by ParseURL is
// valid; its options carry the defaults above where the URL set nothing.
type Target struct {
	Topology Topology
	Single   *redis.Options
	Cluster  *redis.ClusterOptions
	Failover *redis.FailoverOptions
	raw      string
}

// ParseURL reads REDIS_URL in go-redis's own forms:
//
//	redis://[user:pass@]host:port[/db][?option=value…]       one node
//	redis://[user:pass@]host1:port?addr=host2:port&addr=…    a cluster (seed nodes)
//	redis://[s_user:s_pass@]sentinel1:port?addr=sentinel2:port&master_name=mymaster[&password=…]
//	                                                        a master through Sentinel
//
// rediss:// for TLS in each. Every query option is go-redis's (dial_timeout,
// read_timeout, max_retries, pool_size, …): known ones are honoured, unknown
// ones refused by name. A single address that turns out to be a cluster node
// is found out by Dial. It returns an error naming the problem, never the
// password.
func ParseURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, errors.New(redactErr(err))
	}
	q := u.Query()
	t := Target{raw: raw}
	switch {
	case q.Has("master_name"):
		if q.Get("master_name") == "" {
			return Target{}, errors.New("master_name is empty")
		}
		t.Topology = Sentinel
		t.Failover, err = redis.ParseFailoverURL(raw)
	case q.Has("addr"):
		t.Topology = Cluster
		t.Cluster, err = parseCluster(u, raw)
	default:
		t.Topology = Single
		t.Single, err = redis.ParseURL(raw)
	}
	if err != nil {
		return Target{}, errors.New(redactErr(err))
	}
	t.defaults()
	return t, nil
}

// parseCluster is redis.ParseClusterURL, which ignores a path: a cluster has
// only database 0, so any other is refused rather than silently dropped.
func parseCluster(u *url.URL, raw string) (*redis.ClusterOptions, error) {
	if p := strings.Trim(u.Path, "/"); p != "" && p != "0" {
		return nil, fmt.Errorf("a Redis Cluster has only database 0, not %q", p)
	}
	if u.Query().Has("db") {
		return nil, errors.New("a Redis Cluster has only database 0: unexpected option db")
	}
	c := *u
	c.Path = ""
	return redis.ParseClusterURL(c.String())
}

func (t *Target) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	// -1 (the URL's "0" or a negative value) disables a timeout or retry on
	// purpose: only an unset 0 takes the default.
	set := func(dial, read, write, pool *time.Duration, retries *int) {
		def(dial, DefaultDialTimeout)
		def(read, DefaultReadTimeout)
		def(write, DefaultWriteTimeout)
		def(pool, DefaultPoolTimeout)
		if *retries == 0 {
			*retries = DefaultMaxRetries
		}
	}
	switch {
	case t.Single != nil:
		o := t.Single
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
	case t.Cluster != nil:
		o := t.Cluster
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
	case t.Failover != nil:
		o := t.Failover
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
	}
}

// Addrs returns the addresses the URL names (seed nodes, sentinels), for logs.
func (t Target) Addrs() []string {
	switch {
	case t.Single != nil:
		return []string{t.Single.Addr}
	case t.Cluster != nil:
		return t.Cluster.Addrs
	case t.Failover != nil:
		return t.Failover.SentinelAddrs
	}
	return nil
}

// String describes the target for a log line, without credentials.
func (t Target) String() string {
	s := strings.Join(t.Addrs(), ",")
	switch {
	case t.Cluster != nil:
		s = "cluster " + s
	case t.Failover != nil:
		s = "master " + t.Failover.MasterName + " through sentinels " + s
	}
	return s
}

// Dial returns the client for t — *redis.Client for one node or a Sentinel
// master (go-redis's failover client, which follows the master on a
// failover), *redis.ClusterClient for a cluster — once Redis answers PING.
// A single URL whose node says cluster_enabled:1 gets a cluster client with
// that node as seed. It returns the topology actually used, and an error
// naming the addresses (never the password) when Redis cannot be reached
// before ctx ends.
func Dial(ctx context.Context, t Target) (redis.UniversalClient, Topology, error) {
	var rdb redis.UniversalClient
	switch {
	case t.Single != nil:
		c := redis.NewClient(t.Single)
		if clusterNode(ctx, c) {
			_ = c.Close()
			u, _ := url.Parse(t.raw)
			copts, err := parseCluster(u, t.raw)
			if err != nil {
				return nil, "", fmt.Errorf("redis: %s is a cluster node: %s", t.Single.Addr, redactErr(err))
			}
			ct := Target{Topology: Cluster, Cluster: copts, raw: t.raw}
			ct.defaults()
			return Dial(ctx, ct)
		}
		rdb = c
	case t.Cluster != nil:
		rdb = redis.NewClusterClient(t.Cluster)
	case t.Failover != nil:
		rdb = redis.NewFailoverClient(t.Failover)
	default:
		return nil, "", errors.New("store: no Redis target")
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		hint := ""
		if t.Failover != nil && t.Failover.SentinelPassword != "" && t.Failover.Password == "" &&
			strings.Contains(strings.ToUpper(err.Error()), "AUTH") {
			hint = " (the password before the host is the sentinels'; the master's goes in the password= option)"
		}
		return nil, "", fmt.Errorf("redis: cannot reach %s: %s%s", t, redactErr(err), hint)
	}
	return rdb, t.Topology, nil
}

// clusterNode reports whether the node behind c runs in cluster mode. A node
// that cannot be asked is taken as a single node: Ping then says why.
func clusterNode(ctx context.Context, c *redis.Client) bool {
	info, err := c.Info(ctx, "cluster").Result()
	return err == nil && strings.Contains(info, "cluster_enabled:1")
}

// Unavailable reports whether err means Redis cannot serve right now — down,
// unreachable, frozen past the timeouts, loading its data, or in a failover
// (a replica answering READONLY, a cluster without a master for a slot) — as
// opposed to a bug. The caller should say "temporarily unavailable": the
// client reconnects by itself.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, redis.ErrClosed),
		redis.IsReadOnlyError(err), redis.IsLoadingError(err), redis.IsClusterDownError(err),
		redis.IsTryAgainError(err), redis.IsMasterDownError(err), redis.IsNoReplicasError(err):
		return true
	}
	// go-redis's pool and failover conditions, which it reports as plain errors.
	msg := err.Error()
	return strings.Contains(msg, "connection pool timeout") ||
		strings.Contains(msg, "redis: all sentinels specified in configuration are unreachable") ||
		strings.Contains(msg, "redis: nil master")
}

// redactErr keeps a password out of an error line, even when the URL is too
// malformed to parse.
func redactErr(err error) string {
	s := userinfoRE.ReplaceAllString(err.Error(), "://***@")
	return passwordRE.ReplaceAllString(s, "${1}password=***")
}

var (
	userinfoRE = regexp.MustCompile(`://[^/@\s"]*@`)
	passwordRE = regexp.MustCompile(`([?&])password=[^&\s"]*`)
)
