package kpi

import (
	"strings"
	"testing"
)

// TestAllGoodsAreTheTrade: "các mặt hàng xuất khẩu" with nothing singling
// some out are all the exports; a group of them stays a part.
func TestAllGoodsAreTheTrade(t *testing.T) {
	text := "Tháng 9/2022, các mặt hàng xuất khẩu của tỉnh tiếp tục tăng trưởng, đạt 520 triệu USD."
	got, err := readTexts(t, text)
	if want := "xuat-khau 2022-09 520000000 status= yoy= plan="; err != nil || strings.Join(got, "\n") != want {
		t.Errorf("%q:\n got %q, %v\nwant %q", text, got, err, want)
	}
	for _, text := range []string{
		"Tháng 9/2022, các mặt hàng xuất khẩu chủ lực đạt 320 triệu USD.",
		"Các mặt hàng xuất khẩu lớn nhất của tỉnh gồm hạt điều và gạo đạt 120 triệu USD trong tháng 9/2022.",
		"Các mặt hàng xuất khẩu sang Trung Quốc tháng 9/2022 đạt 50 triệu USD.",
		"Mặt hàng xuất khẩu tháng 9/2022 đạt 50 triệu USD.",
	} {
		if got, err := readTexts(t, text); len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}
