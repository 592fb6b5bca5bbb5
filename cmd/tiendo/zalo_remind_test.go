package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/zalotest"
)

// startLinked starts the bot with Zalo and the reminders, and links the
// Zalo account u to the Telegram reporter id of Đức Huệ.
func startLinked(t *testing.T, clk *clock, id int64, u zalotest.From) (*harness, *zalotest.Server) {
	t.Helper()
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(), "TIENDO_PLAN": eventPlan(t)},
		bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) {
			c.EarlyRetry, c.RetryBase = 200*time.Millisecond, 300*time.Millisecond
		}))
	if err := h.store.PutUser(context.Background(), access.User{ID: id, Name: "Tâm", Role: access.Reporter, Unit: "duc-hue"}); err != nil {
		t.Fatal(err)
	}
	made := texts(h.say(admin, "/lienket "+strconv.FormatInt(id, 10)))
	i := strings.Index(made, "/lienket ")
	if i < 0 {
		t.Fatalf("no code:\n%s", made)
	}
	mustContain(t, ztexts(zsay(h, z, u, "/lienket "+strings.Fields(made[i+len("/lienket "):])[0])), "Đã liên kết")
	return h, z
}

// zcount is how many messages to a Zalo user contain all of words.
func zcount(z *zalotest.Server, to string, words ...string) int {
	n := 0
	for _, s := range z.SentTo(to) {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(s.Text, w)
		}
		if ok {
			n++
		}
	}
	return n
}

// A person linked on Telegram and Zalo who blocked the bot on Telegram (403)
// still gets each reminder on Zalo, exactly once; the admins are told of
// the block once, and the next reminder goes to Zalo without trying
// Telegram again, even after the person wrote to the bot on Zalo.
func TestZaloReminderWhenTelegramBlocked(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	u := zalotest.From{UserID: "b10c4ed", Name: "Tâm Zalo"}
	h, z := startLinked(t, clk, 6701, u)
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 2h,1h")
	h.api.Block(6701)

	clk.Set(time.Date(2022, 6, 21, 7, 0, 30, 0, hcm))
	eventually(t, "the 2-hour reminder on Zalo", func() bool { return zcount(z, u.UserID, "Nhắc hạn", "còn 2 giờ") >= 1 })
	eventually(t, "the admins told of the block", func() bool { return h.count(admin.UserID, "chặn bot") >= 1 })
	h.drained(clk.Now)
	// Writing on Zalo says nothing of the Telegram chat: it stays blocked.
	mustContain(t, ztexts(zsay(h, z, u, "tiến độ xuất khẩu")), "xuất khẩu")
	tgCalls := h.api.Calls("sendMessage")

	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the 1-hour reminder on Zalo", func() bool { return zcount(z, u.UserID, "Nhắc hạn", "còn 1 giờ") >= 1 })
	h.drained(clk.Now)
	for _, lead := range []string{"còn 2 giờ", "còn 1 giờ"} {
		if n := zcount(z, u.UserID, "Nhắc hạn", lead); n != 1 {
			t.Errorf("the reminder %q reached Zalo %d times, want once", lead, n)
		}
	}
	if n := h.count(admin.UserID, "chặn bot"); n != 1 {
		t.Errorf("admins told %d times, want once", n)
	}
	if n := h.api.Calls("sendMessage"); n != tgCalls {
		t.Errorf("%d more sendMessage calls to Telegram: the blocked chat was tried again", n-tgCalls)
	}
	if r := z.Refused(); len(r) != 0 {
		t.Errorf("Zalo refused: %+v", r)
	}
}

// The reverse: Zalo fails (502s, longer than the outbox tries by itself)
// at a reminder's time. Telegram gets it at once and only once; Zalo gets
// it once the job tries again, once.
func TestZaloOutageDoesNotStopOrRepeatTelegram(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	u := zalotest.From{UserID: "0a7a6e", Name: "Tâm Zalo"}
	h, z := startLinked(t, clk, 6702, u)
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 1h")

	z.FailNext("sendMessage", outbox.MaxAttempts+2, http.StatusBadGateway)
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the reminder on Telegram", func() bool { return h.count(6702, "Nhắc hạn", "còn 1 giờ") >= 1 })
	eventually(t, "the reminder on Zalo after the outage", func() bool { return zcount(z, u.UserID, "Nhắc hạn", "còn 1 giờ") >= 1 })
	h.drained(clk.Now)
	if n := h.count(6702, "Nhắc hạn"); n != 1 {
		t.Errorf("the reminder reached Telegram %d times, want once", n)
	}
	if n := zcount(z, u.UserID, "Nhắc hạn"); n != 1 {
		t.Errorf("the reminder reached Zalo %d times, want once", n)
	}
}
