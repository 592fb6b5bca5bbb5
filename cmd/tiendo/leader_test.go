package main

import (
	"context"
	"fmt"
	"strings"
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
// takes over within the lease (6 s) and answers, once.
func TestTwoCopiesOnePollsStandbyTakesOver(t *testing.T) {
	rdb := storetest.Redis(t)
	addr := rdb.(*redis.Client).Options().Addr
	prefix := fmt.Sprintf("lead%d", time.Now().UnixNano()%1e9)
	api := telegramtest.New()
	defer api.Close()
	h := &harness{t: t, api: api, rdb: rdb, store: store.New(rdb, prefix), prefix: prefix}

	first := startProcess(t, api, "redis://"+addr+"/0", prefix)
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	_, stop := h.launch(nil, bot.WithoutReminders())
	defer stop()
	for range 3 {
		got := texts(h.say(admin, "tiến độ xuất khẩu"))
		if n := strings.Count(got, "Kim ngạch xuất khẩu"); n != 1 {
			t.Errorf("answered %d times with two copies running:\n%s", n, got)
		}
	}
	polls := api.Calls("getUpdates")
	time.Sleep(2 * time.Second) // the standby would have polled by now
	if n := api.Calls("getUpdates") - polls; n > 3 {
		t.Errorf("%d getUpdates calls in 2 s of quiet with a 1 s long poll: the standby polls too", n)
	}
	if !strings.Contains(h.logs.String(), "standby") {
		t.Errorf("the second copy does not say it waits as standby:\n%s", h.logs.String())
	}

	first.kill9(t)
	killed := time.Now()
	before := len(api.Sent())
	api.SendText(admin, "tiến độ xuất khẩu")
	got := texts(inChat(admin, h.waitNewWithin(before, 30*time.Second)))
	t.Logf("standby answered %v after the leader was killed", time.Since(killed).Round(100*time.Millisecond))
	if n := strings.Count(got, "Kim ngạch xuất khẩu"); n != 1 {
		t.Errorf("answered %d times after the takeover:\n%s", n, got)
	}
	for name, logs := range map[string]string{"first": first.out.String(), "second": h.logs.String()} {
		if n := strings.Count(logs, "getUpdates failed"); n > 0 {
			t.Errorf("the %s copy logged %d failed getUpdates (409s):\n%s", name, n, logs)
		}
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
