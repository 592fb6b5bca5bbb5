package main

import (
	"fmt"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// buttonData returns the data of the button labelled text on msg.
func buttonData(t *testing.T, msg telegramtest.Sent, text string) string {
	t.Helper()
	for _, row := range msg.Keyboard {
		for _, b := range row {
			if b.Text == text {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q on %+v", text, msg.Keyboard)
	return ""
}

// A report sentence without its period is read, and only the period is
// asked, with a button per likely period: one press stores the figures
// for that period; nothing is stored before.
func TestSentenceWithoutPeriodAsksOnlyThePeriod(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "Kim ngạch xuất khẩu ước đạt 1,5 tỷ USD, tăng 12% so với cùng kỳ, nhập khẩu đạt 1,1 tỷ USD."))
	mustContain(t, got, "không ghi kỳ", "1,5 tỉ USD", "1,1 tỉ USD", "kỳ chưa ghi", "so với cùng kỳ +12%")
	ask := h.lastButtons(benLuc)
	mustContain(t, fmt.Sprint(ask.Keyboard), "tháng 3/2022", "quý 1/2022", "Hủy")
	mustNotContain(t, fmt.Sprint(ask.Keyboard), "Xác nhận")
	if rs := h.reports("xuat-khau"); len(rs) != 0 {
		t.Fatalf("stored before a period was chosen: %+v", rs)
	}
	h.press(benLuc, ask, buttonData(t, ask, "quý 1/2022"))
	xk, nk := h.reports("xuat-khau"), h.reports("nhap-khau")
	if len(xk) != 1 || xk[0].Period.Key() != "2022-01..03" || xk[0].Value.Float() != 1.5e9 || len(xk[0].Stated) != 1 ||
		len(nk) != 1 || nk[0].Period.Key() != "2022-01..03" {
		t.Fatalf("stored %+v and %+v; want both for quý 1/2022", xk, nk)
	}
	// The same button again finds nothing to do.
	h.press(benLuc, ask, buttonData(t, ask, "tháng 3/2022"))
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("a second press stored again: %+v", rs)
	}
}

// A period chosen for a figure far outside the unit's history does not
// store it at once: the usual read-back with its warning asks to confirm
// twice. A forged choice is refused.
func TestPeriodChosenStillChecksOutliers(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "xuất khẩu tháng 2/2022: 50 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	h.say(benLuc, "Kim ngạch xuất khẩu ước đạt 52 tỷ USD, tăng 12% so với cùng kỳ năm trước.")
	ask := h.lastButtons(benLuc)
	data := buttonData(t, ask, "tháng 3/2022")
	forged := data[:len(data)-1] + "9"
	before := len(h.api.Sent())
	h.api.Press(benLuc, ask.MessageID, forged)
	got := texts(h.waitNew(before))
	mustNotContain(t, got, "Đã ghi")
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("a forged choice stored %+v", rs)
	}
	h.press(benLuc, ask, data)
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("stored %+v before the outlier was confirmed twice", rs)
	}
	confirm := h.lastButtonsFor(benLuc, "ok:")
	mustContain(t, telegramtest.Render(confirm.Text), "tháng 3/2022", "52 tỉ USD")
	h.press(benLuc, confirm, "ok:")
	h.press(benLuc, h.lastButtonsFor(benLuc, "ok:"), "ok:")
	var march bool
	for _, r := range h.reports("xuat-khau") {
		march = march || (r.Period.Key() == "2022-03" && r.Value.Float() == 52e9)
	}
	if !march {
		t.Fatalf("stored %+v; want March's 52 tỉ USD after two presses", h.reports("xuat-khau"))
	}
}
