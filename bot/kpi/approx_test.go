package kpi

import (
	"errors"
	"testing"
)

// TestApproximateRead: a figure an official rounded ("ước đạt hơn 350.000
// tỷ đồng", "gần 721 triệu USD") is read and marked with its word; a
// comparison's rounding word is kept with the comparison; a bound, a range
// and a forecast stay refused.
func TestApproximateRead(t *testing.T) {
	p := DefaultPlan()
	o := UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: corpusNow}
	for _, c := range []struct {
		text, approx, value string
		stated              string // the approximate comparison's word, or ""
	}{
		{"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng năm 2022 ước đạt hơn 350.000 tỷ đồng, tăng 12% so với cùng kỳ.", "hơn", "350000000000000", ""},
		{"Kim ngạch xuất khẩu tháng 7/2022 đạt gần 721 triệu USD, tăng gần 42% so với cùng kỳ.", "gần", "721000000", "gần"},
		{"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ 6 tháng đầu năm 2022 đạt khoảng 104.100 tỷ đồng.", "khoảng", "104100000000000", ""},
		{"Lũy kế 4 tháng đầu năm 2022, kim ngạch xuất khẩu của tỉnh đạt trên 2,5 tỷ USD.", "trên", "2500000000", ""},
		{"Chỉ số sản xuất công nghiệp (IIP) 9 tháng năm 2022 tăng khoảng 13,89% so với cùng kỳ.", "khoảng", "13.89", ""},
	} {
		rd, err := p.Read(c.text, o)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if len(rd.Reports) != 1 {
			t.Errorf("%q: %d figures, want 1", c.text, len(rd.Reports))
			continue
		}
		r := rd.Reports[0]
		if r.Approx != c.approx || amountText(r.Value) != c.value {
			t.Errorf("%q: value %s approx %q, want %s approx %q", c.text, amountText(r.Value), r.Approx, c.value, c.approx)
		}
		if c.stated != "" && (len(r.Stated) == 0 || r.Stated[0].Approx != c.stated) {
			t.Errorf("%q: comparisons %+v, want one marked %q", c.text, r.Stated, c.stated)
		}
	}
	for text, id := range map[string]string{
		"GRDP năm 2022 tăng khoảng 7,5–8% so với cùng kỳ.":                    ErrApproximate,
		"Kim ngạch xuất khẩu tháng 10/2022 đạt từ 500 đến 520 triệu USD.":     ErrApproximate,
		"Kim ngạch xuất khẩu tháng 10/2022 đạt dưới 500 triệu USD.":           ErrApproximate,
		"Kim ngạch xuất khẩu năm 2022 dự kiến đạt khoảng 6,5 tỷ USD.":         ErrForecast,
		"Năm 2022 tỉnh phấn đấu kim ngạch xuất khẩu đạt trên 6,5 tỷ USD nhé.": ErrForecast,
	} {
		_, err := p.Read(text, o)
		var e *Error
		if !errors.As(err, &e) || e.ID != id {
			t.Errorf("%q: %v, want %s", text, err, id)
		}
	}
}
