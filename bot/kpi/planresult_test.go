package kpi

import (
	"strings"
	"testing"
)

// TestPlanBesideAResult: a result measured against the plan is read, and
// "chỉ tiêu" right before an indicator names it; a plan or a forecast is
// still refused.
func TestPlanBesideAResult(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Kim ngạch xuất khẩu 9 tháng năm 2022 đạt 3,9 tỷ USD, vượt kế hoạch đề ra.",
			"xuat-khau 2022-01..09 3900000000 status= yoy= plan="},
		{"Tăng trưởng kinh tế 6 tháng đầu năm 2022 đạt vượt kế hoạch đề ra, với GRDP tăng 7,5%.",
			"grdp 2022-01..06 7.5 status= yoy= plan="},
		{"Chỉ tiêu tổng sản phẩm trên địa bàn (GRDP) 6 tháng năm 2022 ước tăng 7,11%.",
			"grdp 2022-01..06 7.11 status=estimate yoy= plan="},
		// "chỉ số sản xuất toàn ngành" is the IIP.
		{"Chỉ số sản xuất toàn ngành tháng 9/2022 tăng 8,2% so với cùng kỳ.",
			"iip 2022-09 8.2 status= yoy= plan="},
	} {
		got, err := readTexts(t, c.text)
		if err != nil || strings.Join(got, "\n") != c.want {
			t.Errorf("%q:\n got %q, %v\nwant %q", c.text, got, err, c.want)
		}
	}
	for _, text := range []string{
		"Kim ngạch xuất khẩu cả năm 2022 phấn đấu vượt kế hoạch năm, đạt 4 tỷ USD.",
		"Tỉnh có nhiều khả năng đạt và vượt chỉ tiêu kim ngạch xuất khẩu năm 2022 là 400 triệu USD.",
		"Chỉ tiêu xuất khẩu năm 2022 là 4 tỷ USD.",
		"Chỉ tiêu xuất khẩu năm 2022 đạt 4 tỷ USD.",
		"Xuất khẩu năm 2022 có khả năng vượt kế hoạch năm, đạt 4 tỷ USD.",
		"Chỉ số sản xuất toàn ngành nông nghiệp tháng 9/2022 tăng 3,1%.",
	} {
		if got, err := readTexts(t, text); len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}
