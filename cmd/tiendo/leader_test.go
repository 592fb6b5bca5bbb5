package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
)

// Two copies in polling mode: only the one holding the lease calls
// getUpdates, so nobody gets 409; when it is killed with SIGKILL the other
// takes over within the lease and one check of it (6 s + 2 s) and answers,
// once.
func TestTwoCopiesOnePollsStandbyTakesOver(t *testing.T) {
	rdb := storetest.Redis(t)
	addr := rdb.(*redis.Client).Options().Addr
	prefix := fmt.Sprintf("lead%d", time.Now().UnixNano()%1e9)
	api := telegramtest.New()
	defer api.Close()
	h := &harness{t: t, api: api, rdb: rdb, store: store.New(rdb, prefix), prefix: prefix}

	first := startProcess(t, api, "redis://"+addr+"/0", prefix)
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	tries := &leaseTries{key: h.store.Key("lease", "poller")}
	polls := api.Calls("getUpdates")
	_, stop := h.launch(nil, bot.WithoutReminders(), bot.WithRedisHook(tries))
	defer stop()
	for range 3 {
		got := texts(h.say(admin, "tiến độ xuất khẩu"))
		if n := strings.Count(got, "Kim ngạch xuất khẩu"); n != 1 {
			t.Errorf("answered %d times with two copies running:\n%s", n, got)
		}
	}
	// The standby has looked at the lease twice, a check apart, and found
	// it held both times: in between it had every chance to poll.
	waitUntil(t, 10*time.Second, "the standby's second look at the lease", func() bool { return tries.n.Load() >= 2 })
	if !strings.Contains(h.logs.String(), "standby") {
		t.Errorf("the second copy does not say it waits as standby:\n%s", h.logs.String())
	}
	for _, r := range api.Refused() {
		if r.Method == "getUpdates" {
			t.Errorf("getUpdates refused with two copies running (the standby polls): %d %s", r.Code, r.Description)
		}
	}
	// One leader with a 1 s long poll, for the time the standby took.
	if n, most := api.Calls("getUpdates")-polls, 3+int(2*bot.DefaultLeaseTTL/3/time.Second); n > most {
		t.Errorf("%d getUpdates calls while the standby looked at the lease twice, want at most %d: the standby polls too", n, most)
	}

	first.kill9(t)
	killed := time.Now()
	before := len(api.Sent())
	api.SendText(admin, "tiến độ xuất khẩu")
	got := texts(inChat(admin, h.waitNewWithin(before, 30*time.Second)))
	took := time.Since(killed)
	// The lease runs out at most DefaultLeaseTTL after the killed copy's
	// last renewal, the standby looks every third of it, and then answers.
	bound := bot.DefaultLeaseTTL + bot.DefaultLeaseTTL/3 + 1500*time.Millisecond
	t.Logf("standby answered %v after the leader was killed (bound %v)", took.Round(100*time.Millisecond), bound)
	if took > bound {
		t.Errorf("the standby answered %v after the leader was killed, beyond the lease and one check (%v)", took.Round(100*time.Millisecond), bound)
	}
	if n := strings.Count(got, "Kim ngạch xuất khẩu"); n != 1 {
		t.Errorf("answered %d times after the takeover:\n%s", n, got)
	}
	for name, logs := range map[string]string{"first": first.out.String(), "second": h.logs.String()} {
		if n := strings.Count(logs, "getUpdates failed"); n > 0 {
			t.Errorf("the %s copy logged %d failed getUpdates (409s):\n%s", name, n, logs)
		}
	}
}

// leaseTries counts a copy's attempts to take or renew the lease at key.
type leaseTries struct {
	key string
	n   atomic.Int64
}

func (l *leaseTries) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *leaseTries) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if name := cmd.Name(); (name == "evalsha" || name == "eval") && err == nil && slices.Contains(cmd.Args(), any(l.key)) {
			l.n.Add(1)
		}
		return err
	}
}

func (l *leaseTries) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// waitUntil polls cond until it holds, at most d.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitNewWithin is waitNew with a longer wait, for a takeover.
func (h *harness) waitNewWithin(before int, d time.Duration) []telegramtest.Sent {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for len(h.api.Sent()) <= before {
		if time.Now().After(deadline) {
			h.t.Fatalf("no answer within %v", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return h.waitNew(before)
}

// A copy that stops cleanly (a rolling restart) gives the lease up at once:
// the standby does not wait for it to run out.
func TestCleanStopReleasesThePollingLease(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	stopFirst := h.stopBot
	_, stopSecond := h.launch(nil, bot.WithoutReminders())
	defer stopSecond()
	key := h.store.Key("lease", "poller")
	ctx := context.Background()
	holder, err := h.rdb.Get(ctx, key).Result()
	if err != nil {
		t.Fatalf("no polling lease in Redis: %v", err)
	}
	stopFirst()
	if now, _ := h.rdb.Get(ctx, key).Result(); now == holder {
		t.Fatalf("the stopped copy still holds the lease %s", key)
	}
	stopped := time.Now()
	before := len(h.api.Sent())
	h.api.SendText(admin, "tiến độ xuất khẩu")
	mustContain(t, texts(inChat(admin, h.waitNewWithin(before, 20*time.Second))), "6,4 tỉ USD")
	t.Logf("standby answered %v after a clean stop", time.Since(stopped).Round(100*time.Millisecond))
}
