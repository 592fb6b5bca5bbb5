package main

import (
	"fmt"
	"strings"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// A reporter types a figure the way their report reads, without "cập
// nhật": it is read back, not answered as a question.
func TestReportWithoutKeyword(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "xuất khẩu tháng 3/2022: 520 triệu USD"))
	mustContain(t, got, "Kiểm tra lại", "Kim ngạch xuất khẩu", "Bến Lức", "tháng 3/2022", "520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value.Float() != 520e6 {
		t.Fatalf("stored %+v; want 520 triệu USD", rs)
	}

	// A pasted sentence: two figures, status, comparisons, what was left out.
	got = texts(h.say(benLuc, "Kim ngạch xuất khẩu tháng 3 ước đạt 530 triệu USD, tăng 12% so với cùng kỳ, lũy kế 3 tháng đạt 1,5 tỷ USD, bằng 23,4% kế hoạch năm; xuất siêu 40 triệu USD."))
	mustContain(t, got, "520 triệu USD → ước 530 triệu USD", "quý 1/2022: 1,5 tỉ USD",
		"ước tính", "so với cùng kỳ +12%", "bằng 23,4% kế hoạch",
		"đọc từ: «Kim ngạch xuất khẩu tháng 3 ước đạt 530 triệu USD»",
		"Bỏ qua: 40 triệu USD — «xuất siêu» không phải chỉ tiêu của kế hoạch")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	var found bool
	for _, r := range h.reports("xuat-khau") {
		if r.Period.Key() == "2022-03" {
			found = r.Status == "estimate" && len(r.Stated) == 1 && strings.Contains(r.Quote, "ước đạt 530")
		}
	}
	if !found {
		t.Errorf("the March figure lost its status, comparison or quote: %+v", h.reports("xuat-khau"))
	}

	// A question with a number in it stays a question.
	got = texts(h.say(benLuc, "xuất khẩu quý 1"))
	mustContain(t, got, "Kim ngạch xuất khẩu")
	mustNotContain(t, got, "Kiểm tra lại")
}

// Where a message could be a figure or a question, the bot asks, with two
// buttons; each button does what it says, once.
func TestReportOrQuestionAsked(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "xk 520"))
	mustContain(t, got, "ghi số liệu này hay xem tiến độ")
	ask := h.lastButtons(benLuc)
	mustContain(t, fmt.Sprint(ask.Keyboard), "Ghi số liệu", "Xem tiến độ")
	got = texts(h.press(benLuc, ask, "rd:"))
	// "520" has no unit: the report path says what to write instead.
	mustContain(t, got, "thiếu đơn vị")
	got = texts(h.press(benLuc, ask, "rd:"))
	mustNotContain(t, got, "thiếu đơn vị") // used once

	h.say(benLuc, "xuất khẩu tháng 3 đạt 520 triệu USD chưa?")
	got = texts(h.press(benLuc, h.lastButtons(benLuc), "rq:"))
	mustContain(t, got, "Kim ngạch xuất khẩu")
	mustNotContain(t, got, "Kiểm tra lại")
}

// A viewer who sends a figure is told it was not recorded, then answered.
func TestViewerFigureNotDropped(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	viewer := telegramtest.From{UserID: 601, FirstName: "Mai", LanguageCode: "vi"}
	h.addUser(viewer.UserID, access.Viewer, "")
	got := texts(h.say(viewer, "xuất khẩu tháng 3/2022: 520 triệu USD"))
	mustContain(t, got, "không có quyền báo cáo", "Kim ngạch xuất khẩu")
	if len(h.reports("xuat-khau")) != 0 {
		t.Error("a viewer's figure was stored")
	}
}

func mustNotContain(t *testing.T, got string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Errorf("reply has %q:\n%s", w, got)
		}
	}
}
