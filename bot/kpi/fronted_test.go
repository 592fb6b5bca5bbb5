package kpi

import (
	"strings"
	"testing"
)

// TestFrontedRateValue: "Với mức tăng X% …, <rate> …" gives the rate its
// value written before it, when the sentence names that rate alone and
// states no other value.
func TestFrontedRateValue(t *testing.T) {
	text := "Với mức tăng 9,2% trong 9 tháng năm 2022, chỉ số sản xuất công nghiệp của tỉnh xếp thứ 5 cả nước."
	got, err := readTexts(t, text)
	if want := "iip 2022-01..09 9.2 status= yoy= plan="; err != nil || strings.Join(got, "\n") != want {
		t.Errorf("%q:\n got %q, %v\nwant %q", text, got, err, want)
	}
	for _, text := range []string{
		"Với mức tăng 9,2% trong 9 tháng năm 2022, xuất khẩu của tỉnh xếp thứ 5 cả nước.",
		"Với mức tăng 9,2% trong năm 2022, GRDP và IIP của tỉnh đều dẫn đầu vùng.",
		"Với mức giảm 2% trong năm 2022, chỉ số sản xuất công nghiệp của tỉnh xếp cuối vùng.",
		"Với mức tăng 9,2% của ngành chế biến năm 2022, chỉ số sản xuất công nghiệp của tỉnh xếp thứ 5.",
		"Với mức tăng 9,2% trong năm 2022, GRDP của tỉnh cao hơn mức tăng 7% của cả nước.",
	} {
		if got, err := readTexts(t, text); len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}
