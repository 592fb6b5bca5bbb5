package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
)

// The people of the approval tests; ids apart from the other tests' users.
var (
	apReporter = telegramtest.From{UserID: 601, FirstName: "Hùng", LanguageCode: "vi"}
	apEditor   = telegramtest.From{UserID: 602, FirstName: "Quang", LanguageCode: "vi"}
	apEditor2  = telegramtest.From{UserID: 603, FirstName: "Mai", LanguageCode: "vi"}
)

// apClock is 20 May 2022: March and April are finished months.
func apClock() time.Time {
	return time.Date(2022, 5, 20, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
}

// approvalPlan writes the Long An 2022 plan with approval asked for the
// whole plan and returns its path.
func approvalPlan(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../bot/kpi/plans/long-an-2022.toml")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(src, []byte("\napproval = false\n")) != 1 {
		t.Fatal("the embedded plan no longer has one top-level `approval = false` to flip")
	}
	path := filepath.Join(t.TempDir(), "long-an-2022-approval.toml")
	if err := os.WriteFile(path, bytes.Replace(src, []byte("\napproval = false\n"), []byte("\napproval = true\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// apButtons returns the bot's last message in chat that has a button whose
// data starts with prefix.
func apButtons(h *harness, chat int64, prefix string) telegramtest.Sent {
	h.t.Helper()
	msgs := h.api.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Data, prefix) {
					return msgs[i]
				}
			}
		}
	}
	h.t.Fatalf("no message with a %q button in chat %d", prefix, chat)
	return telegramtest.Sent{}
}

func apData(h *harness, msg telegramtest.Sent, prefix string) string {
	h.t.Helper()
	for _, row := range msg.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data
			}
		}
	}
	h.t.Fatalf("no %q button on %+v", prefix, msg.Keyboard)
	return ""
}

// apPress presses data on message id in from's chat and returns everything
// the bot then did, in any chat.
func apPress(h *harness, from telegramtest.From, id int, data string) []telegramtest.Sent {
	h.t.Helper()
	before := len(h.api.Sent())
	h.api.Press(from, id, data)
	return h.waitNew(before)
}

// apNow is the text of message id in chat as its reader sees it now, and
// whether it still has buttons.
func apNow(h *harness, chat int64, id int) (string, bool) {
	for _, m := range h.api.Messages(chat) {
		if m.MessageID == id {
			return telegramtest.Render(m.Text), len(m.Keyboard) > 0
		}
	}
	return "", false
}

func apTo(ss []telegramtest.Sent, chat int64, method string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range ss {
		if s.ChatID == chat && s.Method == method {
			out = append(out, s)
		}
	}
	return out
}

func apCount(ss []telegramtest.Sent, method string) int {
	n := 0
	for _, s := range ss {
		if s.Method == method {
			n++
		}
	}
	return n
}

func TestApprovalEndToEnd(t *testing.T) {
	h := start(t, map[string]string{"TIENDO_PLAN": approvalPlan(t)}, bot.WithClock(apClock), bot.WithoutReminders())
	ctx := context.Background()
	for _, u := range []access.User{
		{ID: apReporter.UserID, Name: "Hùng", Role: access.Reporter, Unit: "ben-luc"},
		{ID: apEditor.UserID, Name: "Quang", Role: access.Editor},
		{ID: apEditor2.UserID, Name: "Mai", Role: access.Editor},
		{ID: 604, Name: "Blocked", Role: access.Editor, Blocked: true},
		{ID: 605, Name: "Viewer", Role: access.Viewer},
		{ID: 606, Name: "Anna", Role: access.Admin, Lang: "en"},
	} {
		if err := h.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	official := func(indicator string) int {
		t.Helper()
		rs, err := h.store.Reports(ctx, "long-an-2022", indicator)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	approvers := []int64{apEditor.UserID, apEditor2.UserID, admin.UserID}

	// A reporter submits and confirms: the figure waits, every approver is asked.
	got := texts(h.say(apReporter, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD"))
	mustContain(t, got, "520 triệu USD", "sẽ chờ chuyên viên duyệt")
	readBack := apButtons(h, apReporter.UserID, "ok:")
	did := apPress(h, apReporter, readBack.MessageID, apData(h, readBack, "ok:"))
	text, buttons := apNow(h, apReporter.UserID, readBack.MessageID)
	mustContain(t, text, "chờ chuyên viên duyệt", "520 triệu USD")
	if buttons || strings.Contains(text, "Đã ghi nhận") {
		t.Errorf("the reporter's read-back after confirming says %q (buttons left: %v), want it awaiting, without buttons", text, buttons)
	}
	asked := map[int64]telegramtest.Sent{}
	for _, id := range approvers {
		m := apButtons(h, id, "ap:")
		mustContain(t, telegramtest.Render(m.Text), "chờ duyệt", "Hùng", "Bến Lức", "Kim ngạch xuất khẩu", "tháng 3/2022", "520 triệu USD")
		for _, row := range m.Keyboard {
			for _, b := range row {
				if len(b.Data) > 64 {
					t.Errorf("callback data %q is %d bytes, over Telegram's 64", b.Data, len(b.Data))
				}
			}
		}
		mustContain(t, apData(h, m, "rt:"), "rt:")
		asked[id] = m
	}
	enCopy := apButtons(h, 606, "ap:")
	mustContain(t, telegramtest.Render(enCopy.Text), "Figures awaiting approval", "Hùng", "March 2022", "520 million USD")
	if n := len(apTo(did, 604, "sendMessage")) + len(apTo(did, 605, "sendMessage")); n != 0 {
		t.Errorf("a blocked editor or a viewer was asked to approve (%d messages)", n)
	}
	if n := official("xuat-khau"); n != 0 {
		t.Fatalf("%d official reports before approval, want none", n)
	}

	// Progress shows it awaiting, not counted.
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Chưa có số liệu", "Chờ duyệt: 1 số liệu", "0,52 tỉ USD", "Bến Lức", "520 triệu USD", "Hùng")
	if strings.Contains(got, "Đã đạt") {
		t.Errorf("an awaiting figure was counted:\n%s", got)
	}
	got = texts(h.say(admin, "/tongquan"))
	mustContain(t, got, "chờ duyệt 1 số liệu, nếu duyệt: 0,52 tỉ USD")

	// An editor approves: it counts, the reporter is told, the other copies close.
	m := asked[apEditor.UserID]
	did = apPress(h, apEditor, m.MessageID, apData(h, m, "ap:"))
	text, buttons = apNow(h, apEditor.UserID, m.MessageID)
	mustContain(t, text, "Đã duyệt bởi Quang", "520 triệu USD")
	if buttons {
		t.Errorf("the approving editor's message kept its buttons")
	}
	other := asked[apEditor2.UserID]
	text, buttons = apNow(h, apEditor2.UserID, other.MessageID)
	mustContain(t, text, "Đã duyệt bởi Quang")
	if buttons {
		t.Errorf("another editor's copy kept its buttons after the approval")
	}
	if text, _ := apNow(h, 606, enCopy.MessageID); !strings.Contains(text, "Approved by Quang") {
		t.Errorf("the English admin's copy reads %q, want it closed in English", text)
	}
	told := texts(apTo(did, apReporter.UserID, "sendMessage"))
	mustContain(t, told, "Quang duyệt", "đã được tính", "520 triệu USD")
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Đã đạt ít nhất 0,52 tỉ USD", "8,1%", "Hùng")
	if strings.Contains(got, "Chờ duyệt") {
		t.Errorf("an approved figure is still shown awaiting:\n%s", got)
	}

	// A second press, by another editor on their stale copy: nothing changes.
	did = apPress(h, apEditor2, other.MessageID, apData(h, other, "ap:"))
	if n := apCount(did, "sendMessage") + apCount(did, "editMessageText"); n != 0 {
		t.Errorf("a second approval sent or edited %d messages: %+v", n, did)
	}
	mustContain(t, texts(did), "đã được xử lý")
	if n := official("xuat-khau"); n != 1 {
		t.Errorf("%d official reports after the second press, want 1", n)
	}
	h1, err := h.store.History(ctx, "long-an-2022", "xuat-khau", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	approvals := 0
	for _, c := range h1 {
		if c.Action == store.ActionApprove {
			approvals++
		}
	}
	if approvals != 1 {
		t.Errorf("%d approve entries in the trail, want 1", approvals)
	}

	// A correction is returned with a reason: the reporter is told why and
	// what to do, and the approved figure stays.
	h.say(apReporter, "cập nhật xuất khẩu tháng 3/2022: 530 triệu USD")
	readBack = apButtons(h, apReporter.UserID, "ok:")
	apPress(h, apReporter, readBack.MessageID, apData(h, readBack, "ok:"))
	m = apButtons(h, apEditor.UserID, "rt:")
	mustContain(t, telegramtest.Render(m.Text), "520 triệu USD → 530 triệu USD")
	other = apButtons(h, apEditor2.UserID, "rt:")
	did = apPress(h, apEditor, m.MessageID, apData(h, m, "rt:"))
	mustContain(t, texts(apTo(did, apEditor.UserID, "sendMessage")), "Gửi lý do trả lại", "Hùng")
	const reason = "Số tháng 3 chưa khớp với số liệu Cục Hải quan, đề nghị kiểm tra lại"
	got = texts(h.say(apEditor, reason))
	mustContain(t, got, "Đã trả lại", "Hùng")
	reporterMsgs := h.api.Messages(apReporter.UserID)
	told = telegramtest.Render(reporterMsgs[len(reporterMsgs)-1].Text)
	mustContain(t, told, "trả lại", "Quang", "chưa được tính", "530 triệu USD", reason, "/capnhat", "Kim ngạch xuất khẩu tháng 3/2022")
	text, buttons = apNow(h, apEditor2.UserID, other.MessageID)
	mustContain(t, text, "Đã trả lại bởi Quang", reason)
	if buttons {
		t.Errorf("another editor's copy kept its buttons after the return")
	}
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Đã đạt ít nhất 0,52 tỉ USD")
	if strings.Contains(got, "Chờ duyệt") || strings.Contains(got, "0,53") {
		t.Errorf("a returned figure shows in progress:\n%s", got)
	}
	// The reason was taken once: the editor's next message is a question again.
	got = texts(h.say(apEditor, "tiến độ xuất khẩu"))
	mustContain(t, got, "Kim ngạch xuất khẩu", "0,52 tỉ USD")

	// /hoantac withdraws a submission still awaiting: the editors' buttons
	// then change nothing.
	h.say(apReporter, "cập nhật xuất khẩu tháng 4/2022: 90 triệu USD")
	readBack = apButtons(h, apReporter.UserID, "ok:")
	apPress(h, apReporter, readBack.MessageID, apData(h, readBack, "ok:"))
	m = apButtons(h, apEditor.UserID, "ap:")
	mustContain(t, texts(h.say(apReporter, "/hoantac")), "Hoàn tác thay đổi gần nhất", "90 triệu USD")
	undo := apButtons(h, apReporter.UserID, "ud:")
	apPress(h, apReporter, undo.MessageID, apData(h, undo, "ud:"))
	if text, _ := apNow(h, apReporter.UserID, undo.MessageID); !strings.Contains(text, "Đã hoàn tác") {
		t.Errorf("the undo question after Hoàn tác reads %q", text)
	}
	did = apPress(h, apEditor, m.MessageID, apData(h, m, "ap:"))
	mustContain(t, texts(did), "đã được xử lý")
	if n := apCount(did, "sendMessage") + apCount(did, "editMessageText"); n != 0 {
		t.Errorf("approving a withdrawn submission sent or edited %d messages", n)
	}
	if got := texts(h.say(admin, "tiến độ xuất khẩu")); strings.Contains(got, "Chờ duyệt") || strings.Contains(got, "90 triệu") {
		t.Errorf("a withdrawn submission shows in progress:\n%s", got)
	}

	// An editor's own figure counts at once, and nobody is asked.
	got = texts(h.say(apEditor, "cập nhật xuất khẩu tháng 4/2022 Bến Lức: 100 triệu USD"))
	if strings.Contains(got, "chờ chuyên viên duyệt") {
		t.Errorf("an editor's own figure was read back as awaiting:\n%s", got)
	}
	readBack = apButtons(h, apEditor.UserID, "ok:")
	did = apPress(h, apEditor, readBack.MessageID, apData(h, readBack, "ok:"))
	text, _ = apNow(h, apEditor.UserID, readBack.MessageID)
	mustContain(t, text, "Đã ghi nhận", "100 triệu USD")
	for _, id := range []int64{apEditor2.UserID, admin.UserID} {
		if n := len(apTo(did, id, "sendMessage")); n != 0 {
			t.Errorf("an editor's own figure asked approver %d for approval", id)
		}
	}
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Đã đạt ít nhất 0,62 tỉ USD")
	if strings.Contains(got, "Chờ duyệt") {
		t.Errorf("an editor's figure shows as awaiting:\n%s", got)
	}
}

// /choduyet lists what awaits, one message per submission with its buttons,
// for editors and admins only; its Duyệt counts the figures.
func TestPendingListApproves(t *testing.T) {
	h := start(t, map[string]string{"TIENDO_PLAN": approvalPlan(t)}, bot.WithClock(apClock), bot.WithoutReminders())
	ctx := context.Background()
	for _, u := range []access.User{
		{ID: apReporter.UserID, Name: "Hùng", Role: access.Reporter, Unit: "ben-luc"},
		{ID: apEditor.UserID, Name: "Quang", Role: access.Editor},
		{ID: 605, Name: "Viewer", Role: access.Viewer},
	} {
		if err := h.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, texts(h.say(apEditor, "/choduyet")), "Không có số liệu nào chờ duyệt")
	h.say(apReporter, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD\nnhập khẩu tháng 3/2022: 410 triệu USD")
	readBack := apButtons(h, apReporter.UserID, "ok:")
	apPress(h, apReporter, readBack.MessageID, apData(h, readBack, "ok:"))

	got := texts(h.say(apEditor, "/choduyet"))
	mustContain(t, got, "1 lần gửi số liệu chờ duyệt", "Hùng", "Bến Lức", "520 triệu USD", "410 triệu USD", "Duyệt")
	mustContain(t, texts(h.say(telegramtest.From{UserID: 605, FirstName: "V", LanguageCode: "vi"}, "/choduyet")), "không có quyền")
	m := apButtons(h, apEditor.UserID, "ap:")
	apPress(h, apEditor, m.MessageID, apData(h, m, "ap:"))
	if rs, err := h.store.Reports(ctx, "long-an-2022", "nhap-khau"); err != nil || len(rs) != 1 {
		t.Fatalf("imports after Duyệt from /choduyet = %v, %v", rs, err)
	}
	mustContain(t, texts(h.say(apEditor, "/pending")), "Không có số liệu nào chờ duyệt")
}
