package main

import (
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// A figure the report rounded ("đạt hơn 520 triệu USD, tăng gần 14%") is
// read, shown as approximate at the read-back, stored with its word, and
// shown so in the history.
func TestApproximateFigureStoredAndShown(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "Kim ngạch xuất khẩu tháng 3/2022 ước đạt hơn 520 triệu USD, tăng gần 14% so với cùng kỳ năm trước."))
	mustContain(t, got, "Kiểm tra lại", "≈ hơn 520 triệu USD", "so với cùng kỳ ≈ gần +14%")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	rs := h.reports("xuat-khau")
	if len(rs) != 1 || rs[0].Approx != "hơn" || len(rs[0].Stated) != 1 || rs[0].Stated[0].Approx != "gần" {
		t.Fatalf("stored %+v; want 520 triệu USD marked «hơn», its comparison «gần»", rs)
	}
	got = texts(h.say(benLuc, "/lichsu xuất khẩu"))
	mustContain(t, got, "≈ hơn 520 triệu USD")
	// The answer shows the stated comparison as the report rounded it.
	got = texts(h.say(benLuc, "xuất khẩu tháng 3/2022 Bến Lức?"))
	mustContain(t, got, "So với cùng kỳ: ≈ gần +14%")

	// A range stays asked about.
	got = texts(h.say(benLuc, "Kim ngạch xuất khẩu tháng 3/2022 ước đạt từ 500 đến 520 triệu USD."))
	mustNotContain(t, got, "Kiểm tra lại")
}
