package main

import (
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// A "lần lượt" sentence gives each indicator its value and comparison, in
// order, confirmed together; "GDP cả nước" is refused naming the country.
func TestRespectivelyReadAndCountryRefused(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "Tháng 3/2022, kim ngạch xuất khẩu và nhập khẩu lần lượt đạt 520 triệu USD và 410 triệu USD, tăng 12% và 8% so với cùng kỳ."))
	mustContain(t, got, "Kiểm tra lại", "520 triệu USD", "410 triệu USD", "so với cùng kỳ +12%", "so với cùng kỳ +8%")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	xk, nk := h.reports("xuat-khau"), h.reports("nhap-khau")
	if len(xk) != 1 || xk[0].Value.Float() != 520e6 || len(xk[0].Stated) != 1 || xk[0].Stated[0].Pct.Float() != 12 {
		t.Fatalf("exports stored %+v; want 520 triệu USD, +12%%", xk)
	}
	if len(nk) != 1 || nk[0].Value.Float() != 410e6 || len(nk[0].Stated) != 1 || nk[0].Stated[0].Pct.Float() != 8 {
		t.Fatalf("imports stored %+v; want 410 triệu USD, +8%%", nk)
	}

	// An average per month is left out, and said so.
	got = texts(h.say(benLuc, "Kim ngạch xuất khẩu quý 1/2022 đạt 1,5 tỷ USD, bình quân mỗi tháng đạt 500 triệu USD."))
	mustContain(t, got, "Kiểm tra lại", "Bỏ qua: 500 triệu USD — số bình quân một tháng")
	h.press(benLuc, h.lastButtons(benLuc), "no:")

	got = texts(h.say(benLuc, "Quý 1/2022, GDP cả nước tăng 5,03% so với cùng kỳ năm trước."))
	// The country's figure: said to be another place's, naming it, with
	// nothing read back or stored.
	mustContain(t, got, "«cả nước»")
	mustNotContain(t, got, "Kiểm tra lại")
	if g := h.reports("grdp"); len(g) != 0 {
		t.Fatalf("GRDP stored from the country's GDP: %+v", g)
	}
}
