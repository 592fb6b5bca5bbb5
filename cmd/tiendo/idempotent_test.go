package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
)

// The tests of issue 15's items 3 to 8: writes once per update, plans
// checked at their confirmation, presses of people who may not act. Users 15xx.

// takenOver sends text as from and waits for the answer; then, as when the
// copy that handled it was paused or killed before marking it done and
// another took it over, restarts the bot, leaves the update's claim to a
// copy whose heartbeat has stopped, and has Telegram deliver the same update
// again. It returns what the bot said to each delivery.
func (h *harness) takenOver(from telegramtest.From, text string, opts ...bot.Option) (first, again string) {
	h.t.Helper()
	before := len(h.api.Sent())
	id := h.api.SendText(from, text)
	first = texts(inChat(from, h.waitNew(before)))
	again = h.redeliverTakenOver(from, id, opts...)
	return first, again
}

// redeliverTakenOver restarts the bot, hands update id's claim to a dead
// copy and has Telegram deliver it again; it returns the answer.
func (h *harness) redeliverTakenOver(from telegramtest.From, id int64, opts ...bot.Option) string {
	h.t.Helper()
	h.stopBot()
	key := "{" + h.prefix + "}:upd:" + itoa(id)
	if err := h.rdb.Set(context.Background(), key, "claimed:0000dead0000", 24*time.Hour).Err(); err != nil {
		h.t.Fatal(err)
	}
	h.app, h.stopBot = h.launch(nil, opts...)
	before := len(h.api.Sent())
	h.api.Redeliver(id)
	return texts(inChat(from, h.waitNew(before)))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A copy that takes over an update repeats at most its reply: /hanchot
// them stores one deadline with one set of reminders, /moi makes one
// invite, and a user added then changed by a later command keeps the
// change.
func TestTakenOverCommandsWriteOnce(t *testing.T) {
	clk := &clock{t: time.Date(2026, 6, 20, 10, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now))
	ctx := context.Background()

	first, again := h.takenOver(admin, "/hanchot them 30/06/2026 17:00 | Nghiệm thu đóng điện | Bến Lức | 7d,1d", bot.WithClock(clk.Now))
	mustContain(t, first, "Đã thêm hạn chót 1")
	mustContain(t, again, "Đã thêm hạn chót 1")
	ds, err := h.store.Deadlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 {
		t.Errorf("%d deadlines stored from one update handled twice, want 1", len(ds))
	}
	jobs := h.jobs("")
	if jobs == 0 {
		t.Error("no reminders scheduled")
	}
	// Scheduling is asynchronous to nothing here, but give a stray second
	// set no room: the count is read after the second answer.
	if n := h.jobs(":2:"); n != 0 {
		t.Errorf("%d reminders of a second deadline", n)
	}

	// "Nhắc lại sau 1 giờ", handled again two minutes later: one snooze.
	before := len(h.api.Sent())
	press := h.api.Press(admin, 0, "sz:1|unit:ben-luc")
	h.waitNew(before)
	clk.Set(clk.Now().Add(2 * time.Minute))
	h.redeliverTakenOver(admin, press, bot.WithClock(clk.Now))
	if n := h.jobs(":snooze:"); n != 1 {
		t.Errorf("%d snoozed reminders from one press handled twice, want 1", n)
	}

	first, again = h.takenOver(admin, "/moi baocao Bến Lức", bot.WithClock(clk.Now))
	link := func(s string) string {
		i := strings.Index(s, "?start=")
		if i < 0 {
			t.Fatalf("no invite link in %q", s)
		}
		return strings.Fields(s[i:])[0]
	}
	if link(first) != link(again) {
		t.Errorf("the repeat made another invite: %s, then %s", link(first), link(again))
	}
	n := 0
	iter := h.rdb.Scan(ctx, 0, "{"+h.prefix+"}:invite:*", 1000).Iterator()
	for iter.Next(ctx) {
		n++
	}
	if n != 1 {
		t.Errorf("%d invites stored from one /moi handled twice, want 1", n)
	}

	// A read-back: the repeat shows the same buttons, one submission.
	h.takenOver(admin, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD", bot.WithClock(clk.Now))
	var okData []string
	for _, m := range h.api.Messages(admin.UserID) {
		for _, row := range m.Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "ok:") {
					okData = append(okData, b.Data)
				}
			}
		}
	}
	if len(okData) != 2 || okData[0] != okData[1] {
		t.Errorf("read-back buttons of one update handled twice = %v, want the same submission twice", okData)
	}

	// Added, changed by a later command, then the first handled again.
	before = len(h.api.Sent())
	add := h.api.SendText(admin, "/nguoidung them 1501 baocao Bến Lức")
	h.waitNew(before)
	mustContain(t, texts(h.say(admin, "/nguoidung sua 1501 xem")), "1501")
	h.redeliverTakenOver(admin, add, bot.WithClock(clk.Now))
	if u, err := h.store.User(ctx, 1501); err != nil || u.Role != access.Viewer {
		t.Errorf("user 1501 = %+v, %v; the repeat of an older command undid a later change", u, err)
	}
}

// planYear returns the embedded plan's file made into year's plan with id.
func planYear(year int, id string) []byte {
	src := kpi.DefaultPlanSource()
	src = bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "`+id+`"`), 1)
	return bytes.Replace(src, []byte("year = 2022"), []byte("year = "+strconv.Itoa(year)), 1)
}

// edits counts the bot's message edits so far.
func (h *harness) edits() int {
	return h.api.Calls("editMessageText") + h.api.Calls("editMessageReplyMarkup")
}

// Two plan files under one id for two years, both read back before either
// is confirmed: the second Xác nhận is refused, saying why. A stranger's
// Hủy on an admin's read-back changes and edits nothing.
func TestPlanDraftsCheckedAtConfirmation(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())

	mustContain(t, h.sendPlan(admin, "a.toml", planYear(2023, "long-an-next")), "Kế hoạch năm 2023")
	m23 := h.lastButtons(admin)
	mustContain(t, h.sendPlan(admin, "b.toml", planYear(2024, "long-an-next")), "Kế hoạch năm 2024")
	m24 := h.lastButtons(admin)

	edits := h.edits()
	got := texts(h.press(stranger, m23, "pn:"))
	mustContain(t, got, "Chỉ quản trị viên đã gửi kế hoạch này")
	if n := h.edits(); n != edits {
		t.Errorf("a stranger's press edited %d messages", n-edits)
	}
	if !h.hasButtons(admin.UserID, m23.MessageID) {
		t.Error("the admin's read-back lost its buttons")
	}

	mustContain(t, texts(h.press(admin, m23, "pl:")), "Đã nạp kế hoạch năm 2023")
	got = texts(h.press(admin, m24, "pl:"))
	mustContain(t, got, `"long-an-next" is the id of the 2023 plan`)
	if got := texts(h.say(admin, "/kehoach")); strings.Contains(got, "2024") {
		t.Errorf("the 2024 plan was stored under 2023's id:\n%s", got)
	}
}

// hasButtons reports whether message id in chat still has buttons.
func (h *harness) hasButtons(chat int64, id int) bool {
	for _, m := range h.api.Messages(chat) {
		if m.MessageID == id {
			return len(m.Keyboard) > 0
		}
	}
	return false
}

// A press by someone who may not act changes nothing and edits nothing; it
// is answered with a short notice. A forged "Giữ nguyên" on a reporter's
// read-back, and an editor's Hoàn tác and a stranger's Giữ nguyên on an
// admin's /hoantac question in a group.
func TestPressesOfOthersEditNothing(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	reporter := telegramtest.From{UserID: 1510, FirstName: "Tâm", LanguageCode: "vi"}
	editor := telegramtest.From{UserID: 1511, FirstName: "Hà", LanguageCode: "vi", ChatID: -1515, ChatType: "group", ChatTitle: "Sở CT"}
	h.addUser(reporter.UserID, access.Reporter, "ben-luc")
	h.addUser(editor.UserID, access.Editor, "")

	// The admin's change, and the admin's /hoantac question in the group.
	h.say(admin, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")
	h.press(admin, h.lastButtons(admin), "ok:")
	inGroup := telegramtest.From{UserID: admin.UserID, FirstName: admin.FirstName, LanguageCode: "vi", ChatID: editor.ChatID, ChatType: "group", ChatTitle: "Sở CT"}
	mustContain(t, texts(h.say(inGroup, "/hoantac")), "Hoàn tác")
	q := h.lastButtons(inGroup)

	// The reporter's read-back, waiting for Xác nhận.
	h.say(reporter, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 530 triệu USD")
	rb := h.lastButtons(reporter)

	edits := h.edits()
	var keep string
	for _, row := range q.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, "uk:") {
				keep = b.Data
			}
		}
	}
	// A stranger forges Giữ nguyên on the reporter's read-back.
	forger := telegramtest.From{UserID: stranger.UserID, FirstName: stranger.FirstName, LanguageCode: "vi", ChatID: reporter.UserID}
	before := len(h.api.Sent())
	h.api.Press(forger, rb.MessageID, keep)
	mustContain(t, notices(h.waitNew(before)), "không dành cho bạn")
	// The editor's Hoàn tác and a stranger's Giữ nguyên on the admin's question.
	mustContain(t, notices(h.press(editor, q, "ud:")), "không dành cho bạn")
	strangerInGroup := telegramtest.From{UserID: stranger.UserID, FirstName: stranger.FirstName, LanguageCode: "vi", ChatID: editor.ChatID, ChatType: "group", ChatTitle: "Sở CT"}
	mustContain(t, notices(h.press(strangerInGroup, q, "uk:")), "không dành cho bạn")

	if n := h.edits(); n != edits {
		t.Errorf("presses of people who may not act edited %d messages", n-edits)
	}
	if !h.hasButtons(reporter.UserID, rb.MessageID) || !h.hasButtons(editor.ChatID, q.MessageID) {
		t.Error("a message lost its buttons to someone else's press")
	}
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value != 520_000_000_000 {
		t.Errorf("exports = %+v; the admin's figure must stand", rs)
	}
	// The admin's own press still works.
	mustContain(t, texts(h.press(inGroup, q, "uk:")), "Đã giữ nguyên")
}

// notices returns the notices of the button answers among ss.
func notices(ss []telegramtest.Sent) string {
	var b strings.Builder
	for _, s := range ss {
		if s.Method == "answerCallbackQuery" {
			b.WriteString(s.Text + "\n")
		}
	}
	return b.String()
}

// /choduyet keeps one record per listed submission, however often it is
// called, and Duyệt on any listing closes them all. A figure whose reporter
// was removed since still counts when an editor approves it, and the
// editor is told the reporter is no longer a user.
func TestPendingListOneRecordPerSubmission(t *testing.T) {
	h := start(t, map[string]string{"TIENDO_PLAN": approvalPlan(t)}, bot.WithClock(apClock), bot.WithoutReminders())
	ctx := context.Background()
	for _, u := range []access.User{
		{ID: apReporter.UserID, Name: "Hùng", Role: access.Reporter, Unit: "ben-luc"},
		{ID: apEditor.UserID, Name: "Quang", Role: access.Editor},
	} {
		if err := h.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	h.say(apReporter, "cập nhật nhập khẩu tháng 3/2022: 410 triệu USD")
	readBack := apButtons(h, apReporter.UserID, "ok:")
	apPress(h, apReporter, readBack.MessageID, apData(h, readBack, "ok:"))
	records := func() int {
		n := 0
		iter := h.rdb.Scan(ctx, 0, "{"+h.prefix+"}:approval:*", 1000).Iterator()
		for iter.Next(ctx) {
			n++
		}
		return n
	}
	asked := records() // the approvers' request at the confirmation
	var listed []telegramtest.Sent
	for range 3 {
		mustContain(t, texts(h.say(apEditor, "/choduyet")), "410 triệu USD")
		listed = append(listed, apButtons(h, apEditor.UserID, "ap:"))
	}
	if n := records() - asked; n != 1 {
		t.Errorf("three /choduyet made %d approval records for one submission, want 1", n)
	}

	mustContain(t, texts(h.say(admin, "/nguoidung xoa "+itoa(apReporter.UserID))), itoa(apReporter.UserID))
	got := notices(apPress(h, apEditor, listed[2].MessageID, apData(h, listed[2], "ap:")))
	mustContain(t, got, "Đã duyệt", "không còn là người dùng")
	if rs, err := h.store.Reports(ctx, "long-an-2022", "nhap-khau"); err != nil || len(rs) != 1 {
		t.Fatalf("imports after Duyệt = %v, %v; want the figure counted", rs, err)
	}
	for i, m := range listed {
		if _, buttons := apNow(h, apEditor.UserID, m.MessageID); buttons {
			t.Errorf("listing %d keeps its buttons after Duyệt", i+1)
		}
	}
}

// A plan replaced between a figure's read-back and its Xác nhận: nothing is
// stored under the plan that is gone. The figure is read back again under
// the new plan, or, when the new plan no longer has the reporter's unit,
// refused saying so.
func TestPlanSwappedBeforeConfirmation(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	ctx := context.Background()
	reporter := telegramtest.From{UserID: 1520, FirstName: "Tâm", LanguageCode: "vi"}
	h.addUser(reporter.UserID, access.Reporter, "ben-luc")
	swap := func(src []byte) {
		t.Helper()
		if err := h.store.PutPlan(ctx, store.PlanRecord{Year: 2022, Name: "moi.toml", Source: src, By: admin.UserID, At: april15()}); err != nil {
			t.Fatal(err)
		}
	}

	// The target changes, the units stay: read back again, then stored.
	h.say(reporter, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")
	rb := h.lastButtons(reporter)
	swap(bytes.Replace(kpi.DefaultPlanSource(), []byte(`target = "6_400_000_000"`), []byte(`target = "7_000_000_000"`), 1))
	got := texts(h.press(reporter, rb, "ok:"))
	mustContain(t, got, "vừa được thay", "đọc lại theo kế hoạch mới", "520 triệu USD")
	if rs := h.reports("xuat-khau"); len(rs) != 0 {
		t.Fatalf("stored under the replaced plan: %+v", rs)
	}
	again := h.lastButtons(reporter)
	if again.MessageID == rb.MessageID {
		t.Fatal("no new read-back")
	}
	mustContain(t, texts(h.press(reporter, again, "ok:")), "Đã ghi nhận")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Unit != "ben-luc" {
		t.Fatalf("exports = %+v, want the figure read back again and confirmed", rs)
	}

	// The reporter's unit is renamed: refused, saying so, nothing stored.
	h.say(reporter, "cập nhật nhập khẩu tháng 3/2022: 410 triệu USD")
	rb = h.lastButtons(reporter)
	swap(bytes.Replace(kpi.DefaultPlanSource(), []byte(`id = "ben-luc"`), []byte(`id = "ben-luc-moi"`), 1))
	got = texts(h.press(reporter, rb, "ok:"))
	mustContain(t, got, "vừa được thay", "không còn đơn vị «ben-luc»", "Không có gì được ghi")
	if rs := h.reports("nhap-khau"); len(rs) != 0 {
		t.Fatalf("stored under a unit the plan no longer has: %+v", rs)
	}
}
