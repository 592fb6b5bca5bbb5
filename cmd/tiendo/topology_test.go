package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/remind"
	"tiendo/bot/remind/remindtest"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
)

// startOnRedis runs the bot with REDIS_URL redisURL; rdb is the test's own client
// on the same Redis, for setting up users.
func startOnRedis(t *testing.T, rdb redis.UniversalClient, redisURL string, env map[string]string, opts ...bot.Option) *harness {
	t.Helper()
	prefixN.Lock()
	prefixN.n++
	prefix := "topo" + strings.ReplaceAll(t.Name(), "/", "_") + string(rune('a'+prefixN.n%26))
	prefixN.Unlock()
	api := telegramtest.New()
	h := &harness{t: t, api: api, rdb: rdb, prefix: prefix, store: store.New(rdb, prefix), redisURL: redisURL}
	h.app, h.stopBot = h.launch(env, opts...)
	h.stop = func() {
		h.stopBot()
		api.Close()
	}
	t.Cleanup(h.stop)
	return h
}

var ducHue = telegramtest.From{UserID: 601, FirstName: "Tâm", LanguageCode: "vi"}

// topoClock starts on 20 June 2022: May is the last finished month.
func topoClock() *clock { return &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)} }

// startTopology is the bot on a cluster or Sentinel set, with a Bến Lức
// reporter, a Đức Huệ reporter and two one-off deadlines for Đức Huệ (21
// and 22 June, 09:00, reminded an hour before).
func startTopology(t *testing.T, rdb redis.UniversalClient, url string, clk *clock) *harness {
	t.Helper()
	h := startOnRedis(t, rdb, url, nil, bot.WithClock(clk.Now),
		// The production queue (prefix + "-reminders"), on its own hash
		// tag: asynq's keys and the bot's land on different slots.
		bot.WithReminders(func(c *remind.Config) { c.EarlyRetry, c.Queue = 200*time.Millisecond, "" }))
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.addUser(ducHue.UserID, access.Reporter, "duc-hue")
	for _, day := range []string{"21", "22"} {
		got := texts(h.say(admin, "/hanchot them "+day+"/06/2022 09:00 | Kiểm tra hạ tầng "+day+" | Đức Huệ | 1h"))
		mustContain(t, got, "Kiểm tra hạ tầng "+day)
	}
	return h
}

// usable checks what a user notices on the Redis behind h: a question is
// answered, a figure is confirmed and then counts, and the reminder of
// deadline day goes out once it is due. After a failover the first answers
// may be "temporarily unavailable": the question is asked again until the
// figures come back (at most 20 s), and how long that took is logged.
func usable(t *testing.T, h *harness, clk *clock, indicator, figure, total, day string) {
	t.Helper()
	start := time.Now()
	var got string
	for {
		got = texts(h.say(admin, "tiến độ "+indicator))
		if strings.Contains(got, "tỉ USD") || time.Since(start) > 20*time.Second {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	mustContain(t, got, "tỉ USD")
	t.Logf("questions answered again after %v", time.Since(start).Round(10*time.Millisecond))

	got = texts(h.say(benLuc, "cập nhật "+indicator+" tháng 5/2022: "+figure))
	mustContain(t, got, "Kiểm tra lại", figure)
	// A reminder of the plan's own deadlines may come in after the
	// read-back: press the read-back's button.
	h.press(benLuc, h.lastButtonsFor(benLuc, "ok:"), "ok:")
	mustContain(t, texts(h.api.Messages(benLuc.UserID)), "Đã ghi nhận")
	mustContain(t, texts(h.say(admin, "tiến độ "+indicator)), total, "Bến Lức")

	clk.Set(time.Date(2022, 6, atoi(day), 8, 0, 30, 0, hcm))
	title := "Kiểm tra hạ tầng " + day
	eventually(t, "the reminder of "+title, func() bool { return h.count(ducHue.UserID, "Nhắc hạn", title) >= 1 })
	// Deadline 1 is due on the 21st, 2 on the 22nd (startTopology); the
	// plan's own reporting reminders may still be going out, a second a
	// chat: only this deadline's are waited for.
	deadline := map[string]string{"21": "1", "22": "2"}[day]
	remindtest.WaitIdleFor(t, h.rdb, h.prefix+"-reminders", deadline, clk.Now, 20*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h.settle(ctx)
	if n := h.count(ducHue.UserID, "Nhắc hạn", title); n != 1 {
		t.Errorf("%d reminders of %s, want 1", n, title)
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// The bot runs unchanged on a 3-master Redis Cluster: every key of the bot
// is under one hash tag, and asynq's under its queue's.
func TestOnRedisCluster(t *testing.T) {
	t.Parallel()
	c := storetest.NewCluster(t)
	clk := topoClock()
	h := startTopology(t, c.Client(t), c.URL(), clk)
	usable(t, h, clk, "xuất khẩu", "520 triệu USD", "0,52 tỉ USD", "21")
	usable(t, h, clk, "nhập khẩu", "410 triệu USD", "0,41 tỉ USD", "22")
}

// On a Sentinel set the bot follows the master through a failover: before
// and after it, questions, confirmations and reminders work, and the
// reminder scheduled before the failover goes out after it.
func TestOnSentinelThroughFailover(t *testing.T) {
	t.Parallel()
	s := storetest.NewSentinel(t)
	opt, err := redis.ParseFailoverURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewFailoverClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	clk := topoClock()
	h := startTopology(t, rdb, s.URL(), clk)
	usable(t, h, clk, "xuất khẩu", "520 triệu USD", "0,52 tỉ USD", "21")
	s.Failover(t)
	usable(t, h, clk, "nhập khẩu", "410 triệu USD", "0,41 tỉ USD", "22")
}

// Two bots with different prefixes on one Redis: each sends all of its own
// reminders and none of the other's, although their deadlines have the same
// ids, assignees and times (so the same asynq task ids).
func TestTwoPrefixesShareOneRedis(t *testing.T) {
	clk := topoClock()
	opts := []bot.Option{bot.WithClock(clk.Now),
		bot.WithReminders(func(c *remind.Config) { c.EarlyRetry, c.Queue = 200*time.Millisecond, "" })}
	ops, plan := freeAddr(t), eventPlan(t) // no reporting deadlines: only the test's own
	bots := map[string]*harness{
		"A": start(t, map[string]string{"TIENDO_HTTP_LISTEN": ops, "TIENDO_PLAN": plan}, opts...),
		"B": start(t, map[string]string{"TIENDO_PLAN": plan}, opts...),
	}
	for name, h := range bots {
		h.addUser(ducHue.UserID, access.Reporter, "duc-hue")
		for i := range 3 {
			title := "Việc của " + name + string(rune('1'+i))
			mustContain(t, texts(h.say(admin, "/hanchot them 21/06/2022 09:00 | "+title+" | Đức Huệ | 1h")), title)
		}
	}
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	for name, h := range bots {
		eventually(t, "bot "+name+"'s reminders", func() bool { return h.count(ducHue.UserID, "Nhắc hạn", "Việc của "+name) >= 3 })
		h.drained(clk.Now, h.prefix+"-reminders")
	}
	for name, h := range bots {
		for _, other := range []string{"A", "B"} {
			for i := range 3 {
				title := "Việc của " + other + string(rune('1'+i))
				want := 0
				if other == name {
					want = 1
				}
				if n := h.count(ducHue.UserID, "Nhắc hạn", title); n != want {
					t.Errorf("bot %s sent %q %d times, want %d", name, title, n, want)
				}
			}
		}
	}
	// Bot A's numbers: its three reminders, each through the outbox.
	_, body := get(t, "http://"+ops+"/metrics")
	if v := metric(body, `tiendo_reminders_total{outcome="sent"}`); v != 3 {
		t.Errorf("bot A counts %v reminders sent, want 3", v)
	}
	if v := metric(body, `tiendo_outbox_wait_seconds_count`); v < 3 {
		t.Errorf("bot A's outbox saw %v messages, want at least its 3 reminders", v)
	}
}

// A Redis that freezes (SIGSTOP: connections accepted, nothing answered) is
// answered "temporarily unavailable" within the client's timeouts (two
// tries of the 2 s read timeout, and 1,5 s for the back-off and the reply), and the
// bot answers normally once it thaws. How long the answer took is logged.
func TestFrozenRedisIsUnavailable(t *testing.T) {
	t.Parallel()
	srv := storetest.NewServer(t)
	h := startOnRedis(t, srv.Client(t), "redis://"+srv.Addr()+"/0", nil, bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	srv.Freeze(t)
	before := len(h.api.Sent())
	asked := time.Now()
	h.api.SendText(admin, "tiến độ xuất khẩu")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.api.WaitSent(ctx, before+1); err != nil {
		t.Fatalf("no answer with Redis frozen: %v", err)
	}
	// A command gives up after its tries of one read timeout each and a
	// short back-off; the reply then goes out at once.
	took := time.Since(asked)
	bound := time.Duration(store.DefaultMaxRetries+1)*store.DefaultReadTimeout + 1500*time.Millisecond
	t.Logf("frozen Redis: answered after %v (bound %v)", took.Round(10*time.Millisecond), bound)
	if took > bound {
		t.Errorf("frozen Redis: answered after %v, beyond the client's timeouts (%v)", took.Round(10*time.Millisecond), bound)
	}
	mustContain(t, texts(inChat(admin, h.api.Sent()[before:])), "tạm thời")
	srv.Thaw(t)
	deadline := time.Now().Add(10 * time.Second)
	var got string
	for {
		got = texts(h.say(admin, "tiến độ xuất khẩu"))
		if strings.Contains(got, "6,4 tỉ USD") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	mustContain(t, got, "6,4 tỉ USD")
}
