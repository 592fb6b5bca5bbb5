package kpi

import (
	"strings"
	"testing"
)

// TestSourceAndSidePlaces: the country's statistics office publishing the
// plan province's own figure is its source; places ranked ahead with their
// figures in brackets are side phrases. The country's figure and another
// place's unbracketed figure stay refused.
func TestSourceAndSidePlaces(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Cục Thống kê, Bộ Tài chính vừa công bố chỉ số sản xuất công nghiệp của Long An tháng 9/2022 tăng 9,1% so với cùng kỳ.",
			"iip 2022-09 9.1 status= yoy= plan="},
		{"Kim ngạch xuất khẩu của Long An năm 2022 đạt 7,2 tỷ USD, chỉ đứng sau Bình Dương (32,5 tỷ USD) và Đồng Nai (25,6 tỷ USD).",
			"xuat-khau 2022-01..12 7200000000 status= yoy= plan="},
		{"Chỉ số IIP năm 2022 tăng 12,5%, chỉ đứng sau Bắc Giang (26,4%), Ninh Bình (22,8%) và Bắc Ninh (17,1%).",
			"iip 2022-01..12 12.5 status= yoy= plan="},
		// The field of a ranking, and the place ahead in a bracketed aside
		// with its own figure.
		{"Năm 2022, Long An xếp tốp các tỉnh dẫn đầu, như: kim ngạch xuất khẩu đạt 7,2 tỷ USD, đứng thứ 3 cả nước (sau tỉnh Bình Dương đạt 32,5 tỷ USD).",
			"xuat-khau 2022-01..12 7200000000 status= yoy= plan="},
	} {
		got, err := readTexts(t, c.text)
		if err != nil || strings.Join(got, "\n") != c.want {
			t.Errorf("%q:\n got %q, %v\nwant %q", c.text, got, err, c.want)
		}
	}
	for _, text := range []string{
		"Theo Cục Thống kê (Bộ Tài chính), chỉ số sản xuất công nghiệp tháng 9/2022 tăng 9,1% so với cùng kỳ.",
		"Kim ngạch xuất khẩu năm 2022 chỉ đứng sau Bình Dương đạt 32,5 tỷ USD.",
		"Theo Cục Thống kê, Bộ Tài chính, chỉ số sản xuất công nghiệp tháng 9/2022 tăng 8%, trong đó tỉnh Long An tăng 12%.",
		"Năm 2022, tỉnh Bình Dương dẫn đầu các tỉnh với kim ngạch xuất khẩu 32,5 tỷ USD.",
		"Năm 2022, các tỉnh có kim ngạch xuất khẩu tăng 12%.",
		"Chỉ đứng sau Bình Dương (32,5 tỷ USD), Đồng Nai có kim ngạch xuất khẩu năm 2022 đạt 25,6 tỷ USD.",
	} {
		if got, err := readTexts(t, text); len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}
