package kpi

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

// readTexts reads text as a Bến Lức reporter in January 2023 and returns its
// figures in the corpus's terms, sorted.
func readTexts(t *testing.T, text string) ([]string, error) {
	t.Helper()
	p := DefaultPlan()
	rd, err := p.Read(text, UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: corpusNow})
	var got []string
	for _, r := range rd.Reports {
		got = append(got, figureText(p, r))
	}
	sort.Strings(got)
	return got, err
}

// TestSidePhraseRefusesItsOwnNumber: a phrase that is not the plan's
// indicator or unit refuses its own number only; the clauses that state the
// plan's indicators are read. Other provinces, regions and product groups
// that are the subject stay refused, naming the phrase.
func TestSidePhraseRefusesItsOwnNumber(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Năm 2022, GRDP của tỉnh tăng 8,24%, đứng thứ 11/34 tỉnh, thành phố trong cả nước, đứng thứ hai tiểu vùng Bắc Trung Bộ (sau Thanh Hóa).",
			"grdp 2022-01..12 8.24 status= yoy= plan="},
		{"Kim ngạch nhập khẩu tháng 9/2022 đạt 410 triệu USD, tăng 5% so với cùng kỳ, chủ yếu từ các mặt hàng nguyên liệu.",
			"nhap-khau 2022-09 410000000 status= yoy=5 plan="},
		{"Năm 2022, kim ngạch xuất nhập khẩu 11,885 tỉ USD (xuất khẩu 7,247 tỉ USD; nhập khẩu 4,638 tỉ USD).",
			"nhap-khau 2022-01..12 4638000000 status= yoy= plan=\nxuat-khau 2022-01..12 7247000000 status= yoy= plan="},
		// Comparison and value wording.
		{"Kim ngạch xuất khẩu tháng 8/2022 đạt 520 triệu USD, tăng 12% so với tháng cùng kỳ năm 2021.",
			"xuat-khau 2022-08 520000000 status= yoy=12 plan="},
		{"Kim ngạch xuất khẩu 8 tháng năm 2022 đạt 3,5 tỷ USD, tăng 12% so với cùng thời gian năm trước.",
			"xuat-khau 2022-01..08 3500000000 status= yoy=12 plan="},
		{"Kim ngạch xuất khẩu tháng 8/2022 đạt 520 triệu USD, cũng tăng mạnh 15,06% so với cùng kỳ.",
			"xuat-khau 2022-08 520000000 status= yoy=15.06 plan="},
		{"Chỉ số sản xuất công nghiệp tháng 9/2022 giảm nhẹ 1,5% so với cùng kỳ.",
			"iip 2022-09 -1.5 status= yoy= plan="},
		{"Tổng kim ngạch xuất nhập khẩu 9 tháng năm 2022 đạt 75 tỉ USD, tăng 10%. Trong đó, xuất khẩu đạt 42,67 tỉ USD, tăng 12%; nhập khẩu đạt 32,33 tỉ USD.",
			"nhap-khau 2022-01..09 32330000000 status= yoy= plan=\nxuat-khau 2022-01..09 42670000000 status= yoy=12 plan="},
	} {
		got, err := readTexts(t, c.text)
		if err != nil || strings.Join(got, "\n") != c.want {
			t.Errorf("%q:\n got %q, %v\nwant %q", c.text, got, err, c.want)
		}
	}
	for text, phrase := range map[string]string{
		"Kim ngạch xuất khẩu tháng 9/2022 của Kiên Giang đạt 410 triệu USD, đứng thứ 3 vùng.":                                 "Kiên Giang",
		"Kim ngạch xuất khẩu tháng 9/2022 đạt 410 triệu USD, đứng sau Bình Dương với 900 triệu USD.":                          "Bình Dương",
		"Tháng 9/2022, kim ngạch xuất khẩu của cả nước đạt 30 tỷ USD, chủ yếu từ các mặt hàng điện tử.":                       "cả nước",
		"Tổng mức bán lẻ hàng hóa tháng 9/2022 đạt 2.150 tỷ đồng.":                                                            "bán lẻ hàng hóa",
		"Kim ngạch xuất khẩu tháng 9/2022 của 13 tỉnh vùng Đồng bằng sông Cửu Long đạt 3 tỷ USD, nhờ mặt hàng gạo tăng mạnh.": "vùng",
	} {
		_, err := readTexts(t, text)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Data["phrase"]+e.Data["place"], phrase) {
			t.Errorf("%q: %v, want a refusal naming «%s»", text, err, phrase)
		}
	}
}
