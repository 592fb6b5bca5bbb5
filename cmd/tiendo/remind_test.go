package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/remind/remindtest"
	"tiendo/bot/telegramtest"
)

// clock is a time the test sets; the bot reads it through bot.WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// eventPlan writes the Long An plan with no periodic reporting (only event
// indicators), so that a reminder test hears only its own deadline.
func eventPlan(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../bot/kpi/plans/long-an-2022.toml")
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`frequency = "(monthly|quarterly)"`).ReplaceAllString(string(data), `frequency = "event"`)
	s = regexp.MustCompile(`(?m)^due_day = \d+\n`).ReplaceAllString(s, "")
	path := filepath.Join(t.TempDir(), "plan.toml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// count is how many messages the bot sent to chat containing all of words.
func (h *harness) count(chat int64, words ...string) int {
	n := 0
	for _, s := range h.api.Sent() {
		if s.Method != "sendMessage" || s.ChatID != chat {
			continue
		}
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(telegramtest.Render(s.Text), w)
		}
		if ok {
			n++
		}
	}
	return n
}

// eventually waits until cond holds, at most 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// drained waits until the harness's reminder queue (queue, or the test's
// own) has nothing left that could run at now() and the bot has sent what
// it was sending, so that a second, wrong message would have arrived.
func (h *harness) drained(now func() time.Time, queue ...string) {
	h.t.Helper()
	q := h.prefix
	if len(queue) > 0 {
		q = queue[0]
	}
	remindtest.WaitIdle(h.t, h.rdb, q, now, 20*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.api.WaitIdle(ctx, 100*time.Millisecond); err != nil {
		h.t.Fatalf("the bot did not go quiet: %v", err)
	}
}

// The acceptance: with the clock in June 2022, an admin adds the TTC
// Đức Huệ 2 deadline; both Đức Huệ reporters are reminded 7 days and 1 day
// before, once each, with two copies of the bot running and with the bot
// down at the second moment; pressing done stops the rest.
func TestDeadlineRemindersOnceThroughDowntimeAndTwoCopies(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	env := map[string]string{"TIENDO_PLAN": eventPlan(t)}
	opts := []bot.Option{bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond })}
	h := start(t, env, opts...)
	r1 := telegramtest.From{UserID: 601, FirstName: "Tâm"}
	r2 := telegramtest.From{UserID: 602, FirstName: "Phúc"}
	other := telegramtest.From{UserID: 603, FirstName: "Hùng"}
	h.addUser(r1.UserID, access.Reporter, "duc-hue")
	h.addUser(r2.UserID, access.Reporter, "duc-hue")
	h.addUser(other.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(admin, "/hanchot them 30/06/2022 17:00 | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d"))
	mustContain(t, got, "Nghiệm thu đóng điện TTC Đức Huệ 2", "Đức Huệ", "23/06/2022 17:00; 29/06/2022 17:00; 30/06/2022 17:00")

	// A second copy of the bot on the same Redis.
	_, stop2 := h.launch(env, opts...)

	const title = "Nghiệm thu đóng điện TTC Đức Huệ 2"
	clk.Set(time.Date(2022, 6, 23, 17, 0, 30, 0, hcm))
	eventually(t, "the 7-day reminders", func() bool {
		return h.count(r1.UserID, "Nhắc hạn", title) >= 1 && h.count(r2.UserID, "Nhắc hạn", title) >= 1
	})
	h.drained(clk.Now)
	for _, r := range []telegramtest.From{r1, r2} {
		if n := h.count(r.UserID, "Nhắc hạn", title); n != 1 {
			t.Errorf("reporter %d got the 7-day reminder %d times", r.UserID, n)
		}
	}
	mustContain(t, texts(h.api.Messages(r1.UserID)), "còn 7 ngày")

	// Both copies down when the 1-day reminder is due; one comes back an hour later.
	stop2()
	h.stopBot()
	clk.Set(time.Date(2022, 6, 29, 18, 0, 0, 0, hcm))
	_, stop1 := h.launch(env, opts...)
	h.stopBot = stop1
	eventually(t, "the late 1-day reminders", func() bool {
		return h.count(r1.UserID, "Nhắc hạn", title) >= 2 && h.count(r2.UserID, "Nhắc hạn", title) >= 2
	})
	h.drained(clk.Now)
	for _, r := range []telegramtest.From{r1, r2} {
		if n := h.count(r.UserID, "Nhắc hạn", title); n != 2 {
			t.Errorf("reporter %d got %d reminders by 29 June, want 2", r.UserID, n)
		}
	}
	if n := h.count(other.UserID, title); n != 0 {
		t.Errorf("a Bến Lức reporter got %d reminders of a Đức Huệ deadline", n)
	}

	// Done, pressed on the reminder: no due-time reminder, no overdue notice.
	var reminder telegramtest.Sent
	for _, m := range h.api.Messages(r1.UserID) {
		if strings.Contains(m.Text, title) && len(m.Keyboard) > 0 {
			reminder = m
		}
	}
	h.press(r1, reminder, "dn:")
	mustContain(t, h.current(r1.UserID, reminder.MessageID), "Đã đánh dấu xong")
	clk.Set(time.Date(2022, 6, 30, 18, 30, 0, 0, hcm))
	h.drained(clk.Now)
	for _, r := range []telegramtest.From{r1, r2} {
		if n := h.count(r.UserID, title); n != 2 {
			t.Errorf("reporter %d got %d messages about the deadline after it was done, want the 2 reminders", r.UserID, n)
		}
	}
	if n := h.count(admin.UserID, "Quá hạn"); n != 0 {
		t.Errorf("admins were told a finished deadline is overdue")
	}
}

// A deadline nobody finishes: the due-time reminder, the overdue notice to
// the assignee, and one summary to the admins.
func TestOverdueNoticeAndSummary(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	env := map[string]string{"TIENDO_PLAN": eventPlan(t)}
	h := start(t, env, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	r1 := telegramtest.From{UserID: 601, FirstName: "Tâm"}
	h.addUser(r1.UserID, access.Reporter, "duc-hue")
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 1h")
	defer func() {
		if t.Failed() {
			for _, s := range h.api.Sent() {
				t.Logf("%s %d %q", s.Method, s.ChatID, telegramtest.Render(s.Text))
			}
		}
	}()
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the 1-hour reminder", func() bool { return h.count(r1.UserID, "Nhắc hạn", "còn 1 giờ") >= 1 })
	clk.Set(time.Date(2022, 6, 21, 9, 0, 30, 0, hcm))
	eventually(t, "the due-time reminder", func() bool { return h.count(r1.UserID, "Đến hạn") >= 1 })
	clk.Set(time.Date(2022, 6, 21, 10, 0, 30, 0, hcm))
	eventually(t, "the overdue notice and summary", func() bool {
		return h.count(r1.UserID, "Quá hạn", "Gửi báo cáo quý") >= 1 && h.count(admin.UserID, "Quá hạn", "Đức Huệ") >= 1
	})
	h.drained(clk.Now)
	for what, n := range map[string]int{
		"1-hour reminders": h.count(r1.UserID, "Nhắc hạn"), "due-time reminders": h.count(r1.UserID, "Đến hạn"),
		"overdue notices": h.count(r1.UserID, "Quá hạn"), "summaries to the admin": h.count(admin.UserID, "Quá hạn"),
	} {
		if n != 1 {
			t.Errorf("%d %s, want 1", n, what)
		}
	}
}

func TestDeadlineCommandsRefuseWithExamples(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	h := start(t, map[string]string{"TIENDO_PLAN": eventPlan(t)}, bot.WithClock(clk.Now))
	rep := telegramtest.From{UserID: 601, FirstName: "Tâm"}
	h.addUser(rep.UserID, access.Reporter, "duc-hue")
	for _, c := range []struct {
		from       telegramtest.From
		text, want string
	}{
		{admin, "/hanchot them 31/02/2022 17:00 | X | Đức Huệ", "Không đọc được ngày giờ"},
		{admin, "/hanchot them 01/06/2022 17:00 | X | Đức Huệ", "đã qua"},
		{admin, "/hanchot them 30/06/2022 17:00 | X | Hà Nội", "Không tìm thấy «Hà Nội»"},
		{admin, "/hanchot them 30/06/2022 17:00 | X | Đức Huệ | bảy ngày", "7d,1d,2h,30m"},
		{admin, "/hanchot them mai nhé", "/hanchot them"},
		// Bounded by the plans' years: a slip's tasks would live for ever.
		{admin, "/hanchot them 31/12/9999 17:00 | X | Đức Huệ", "quá xa: hạn chót chỉ đặt được đến hết năm 2023"},
		{admin, "/hanchot them 01/01/2024 08:00 | X | Đức Huệ", "đến hết năm 2023"},
		{rep, "/hanchot them 30/06/2022 17:00 | X | Đức Huệ", "Chỉ chuyên viên"},
		{admin, "/hanchot xong 999", "Không có hạn chót"},
	} {
		mustContain(t, texts(h.say(c.from, c.text)), c.want)
	}
	got := texts(h.say(admin, "/hanchot them 30/06/2022 17:00 | Báo cáo CCN | Đức Huệ, 601 | 1d"))
	mustContain(t, got, "Báo cáo CCN", "Đức Huệ, Tâm (#601)")
	mustContain(t, texts(h.say(rep, "/hanchot")), "Báo cáo CCN")
	mustContain(t, texts(h.say(rep, "/hanchot xong 1")), "Đã đánh dấu xong")
	mustContain(t, texts(h.say(admin, "/hanchot xoa 1")), "Đã xóa")
	if got := texts(h.say(admin, "/hanchot")); strings.Contains(got, "Báo cáo CCN") {
		t.Errorf("a removed deadline is still listed:\n%s", got)
	}
}

// "Báo cáo ngay" on a reporting reminder: the next bare figure is that
// report; "Nhắc lại sau 1 giờ" reminds again an hour later.
func TestReportNowAndSnooze(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 16, 59, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	// March's exports are due 20 April 17:00: the 5-day reminder is at 15 April 17:00.
	clk.Set(time.Date(2022, 4, 15, 17, 0, 30, 0, hcm))
	eventually(t, "the 5-day reminder", func() bool {
		return h.count(benLuc.UserID, "Nhắc hạn", "Kim ngạch xuất khẩu tháng 3/2022") >= 1
	})
	var reminder telegramtest.Sent
	for _, m := range h.api.Messages(benLuc.UserID) {
		if strings.Contains(m.Text, "Kim ngạch xuất khẩu tháng 3/2022") && len(m.Keyboard) > 0 {
			reminder = m
		}
	}
	got := texts(inChat(benLuc, h.press(benLuc, reminder, "rn:")))
	mustContain(t, got, "chỉ cần viết số")
	got = texts(h.say(benLuc, "520 triệu USD"))
	mustContain(t, got, "Kim ngạch xuất khẩu", "tháng 3/2022", "520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Unit != "ben-luc" {
		t.Fatalf("after report now: %+v", rs)
	}

	// Snooze the import reminder of the same moment.
	for _, m := range h.api.Messages(benLuc.UserID) {
		if strings.Contains(m.Text, "Kim ngạch nhập khẩu tháng 3/2022") && len(m.Keyboard) > 0 {
			reminder = m
		}
	}
	before := h.count(benLuc.UserID, "Nhắc hạn", "Kim ngạch nhập khẩu tháng 3/2022")
	var answer string
	for _, s := range h.press(benLuc, reminder, "sz:") {
		if s.Method == "answerCallbackQuery" {
			answer = s.Text
		}
	}
	if !strings.Contains(answer, "18:00") {
		t.Errorf("snooze answered %q", answer)
	}
	clk.Set(time.Date(2022, 4, 15, 18, 1, 0, 0, hcm))
	eventually(t, "the snoozed reminder", func() bool {
		return h.count(benLuc.UserID, "Nhắc hạn", "Kim ngạch nhập khẩu tháng 3/2022") > before
	})
	h.drained(clk.Now)
	if n := h.count(benLuc.UserID, "Nhắc hạn", "Kim ngạch nhập khẩu tháng 3/2022"); n != before+1 {
		t.Errorf("%d reminders after snoozing, want %d", n, before+1)
	}
	if n := h.count(benLuc.UserID, "Nhắc hạn", "Kim ngạch xuất khẩu tháng 3/2022"); n != 1 {
		t.Errorf("exports reminded %d times, want once: the unit reported", n)
	}
}

// A user who blocked the bot: reminders stop, the admins are told once.
func TestBlockedUserStopsRemindersAdminsToldOnce(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	h := start(t, map[string]string{"TIENDO_PLAN": eventPlan(t)}, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	r1 := telegramtest.From{UserID: 601, FirstName: "Tâm"}
	h.addUser(r1.UserID, access.Reporter, "duc-hue")
	h.say(admin, "/hanchot them 25/06/2022 17:00 | Gửi hồ sơ | Đức Huệ | 3d,2d,1d")
	h.api.Block(r1.UserID)
	clk.Set(time.Date(2022, 6, 22, 17, 0, 30, 0, hcm))
	eventually(t, "the admins told", func() bool { return h.count(admin.UserID, "chặn bot") >= 1 })
	clk.Set(time.Date(2022, 6, 23, 17, 0, 30, 0, hcm))
	h.drained(clk.Now)
	if n := h.count(admin.UserID, "chặn bot"); n != 1 {
		t.Errorf("admins told %d times, want once", n)
	}
	if n := h.api.Calls("sendMessage"); n > 3 { // the add reply, one refused reminder, the notice
		t.Errorf("%d sendMessage calls: reminders went on to a blocked user", n)
	}
	// Writing to the bot again lifts it.
	h.api.Unblock(r1.UserID)
	h.say(r1, "/hanchot")
	clk.Set(time.Date(2022, 6, 24, 17, 0, 30, 0, hcm))
	eventually(t, "reminders again", func() bool { return h.count(r1.UserID, "Gửi hồ sơ", "Nhắc hạn") >= 1 })
}

// Monday 08:00: the digest to the leaders' group, behind-pace indicators first.
func TestWeeklyDigestToLeadersGroup(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 19, 10, 0, 0, 0, hcm)} // a Sunday
	h := start(t, map[string]string{"TIENDO_PLAN": eventPlan(t)}, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	leaders := admin
	leaders.ChatID, leaders.ChatType, leaders.ChatTitle = -100777, "supergroup", "Lãnh đạo Sở"
	mustContain(t, texts(h.say(leaders, "/hanchot nhom")), "nhóm lãnh đạo")
	// Eight of the fifteen units: enough reported for the pace to be judged
	// (one alone would be "chưa đủ số liệu", not behind).
	for _, u := range []string{"ben-luc", "tan-an", "kien-tuong", "can-duoc", "can-giuoc", "chau-thanh", "duc-hoa", "duc-hue"} {
		if _, err := h.store.PutReport(context.Background(), "long-an-2022", kpiReport("xuat-khau", u, 5, 65_000_000)); err != nil {
			t.Fatal(err)
		}
	}
	h.drained(clk.Now)
	if n := h.count(leaders.ChatID, "Bản tin tuần"); n != 0 {
		t.Fatalf("digest sent on Sunday")
	}
	clk.Set(time.Date(2022, 6, 20, 8, 0, 30, 0, hcm))
	eventually(t, "the digest", func() bool { return h.count(leaders.ChatID, "Bản tin tuần") >= 1 })
	h.drained(clk.Now)
	if n := h.count(leaders.ChatID, "Bản tin tuần"); n != 1 {
		t.Errorf("%d digests, want 1", n)
	}
	var digest string
	for _, s := range h.api.Sent() {
		if s.ChatID == leaders.ChatID && strings.Contains(s.Text, "Bản tin tuần") {
			digest = telegramtest.Render(s.Text)
		}
	}
	xk := strings.Index(digest, "Kim ngạch xuất khẩu")
	grdp := strings.Index(digest, "Tốc độ tăng trưởng")
	if xk < 0 || grdp < 0 || xk > grdp {
		t.Errorf("behind-pace exports are not first:\n%s", digest)
	}
	// The overview chart comes with it (files.go).
	eventually(t, "the digest's chart", func() bool { return len(sentFiles(leaders, h.api.Sent(), "sendPhoto")) == 1 })
	if p := sentFiles(leaders, h.api.Sent(), "sendPhoto")[0]; p.Filename != "bieu-do-tong-quan.png" || p.Width != 1280 || !strings.Contains(p.Plain(), "chậm tiến độ") {
		t.Errorf("digest chart = %+v", p)
	}
}

// A Telegram outage (502s) at a reminder's time: the reminder goes out once
// Telegram is back, once; it is not marked sent before it was.
func TestReminderSurvivesATelegramOutage(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	env := map[string]string{"TIENDO_PLAN": eventPlan(t)}
	h := start(t, env, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) {
		c.EarlyRetry, c.RetryBase = 200*time.Millisecond, 300*time.Millisecond
	}))
	r1 := telegramtest.From{UserID: 601, FirstName: "Tâm"}
	h.addUser(r1.UserID, access.Reporter, "duc-hue")
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 1h")

	// Every send fails for a while: longer than the outbox tries by itself,
	// so the reminder job has to try again.
	h.api.FailNext("sendMessage", outbox.MaxAttempts+2, http.StatusBadGateway, 0)
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the 1-hour reminder after the outage", func() bool { return h.count(r1.UserID, "Nhắc hạn", "còn 1 giờ") >= 1 })
	h.drained(clk.Now)
	if n := h.count(r1.UserID, "Nhắc hạn"); n != 1 {
		t.Errorf("the reminder arrived %d times, want once", n)
	}
}

// The overdue summary of half a year of unreported plan figures (15 units,
// several indicators, January to May) is far over Telegram's 4096
// characters: the admin gets it all, in several messages, in order, and
// the Bot API refuses none.
func TestLongOverdueSummaryArrivesWhole(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 18, 0, 30, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	var parts []telegramtest.Sent
	collect := func() bool {
		parts = nil
		for _, s := range h.api.Sent() {
			if s.Method == "sendMessage" && s.ChatID == admin.UserID {
				parts = append(parts, s)
			}
		}
		return len(parts) >= 2
	}
	eventually(t, "the overdue summary", collect)
	h.drained(clk.Now)
	collect()
	if !strings.Contains(telegramtest.Render(parts[0].Text), "Quá hạn") {
		t.Errorf("the first part is not the summary's head:\n%s", telegramtest.Render(parts[0].Text))
	}
	total := 0
	for _, p := range parts {
		total += len([]rune(telegramtest.Render(p.Text)))
		for _, line := range strings.Split(telegramtest.Render(p.Text), "\n") {
			if !strings.HasPrefix(line, "•") && !strings.Contains(line, "Quá hạn") {
				t.Errorf("a line cut in two: %q", line)
			}
		}
	}
	if total <= 4096 {
		t.Errorf("the summary is only %d characters: the test shows nothing", total)
	}
	if r := h.api.Refused(); len(r) > 0 {
		t.Errorf("refused: %+v", r[0])
	}
}
