package kpi

import (
	"strings"
	"testing"
)

// TestNotTheSubjectIsRefused: a figure of a part of an indicator or of
// something else is never offered as the indicator's. Each sentence is one
// rule: a trade channel, a sector as the subject, a product named before,
// an effect of one cause, places counted, another subject's growth, a
// project's progress, a target set.
func TestNotTheSubjectIsRefused(t *testing.T) {
	for _, text := range []string{
		// A trade channel is a part of exports.
		"Kim ngạch xuất khẩu biên mậu tháng 9/2022 đạt 12 triệu USD, tăng 4%.",
		"Xuất khẩu tiểu ngạch tháng 9/2022 ước đạt 5,2 triệu USD, giảm nhẹ so với tháng trước.",
		// A sector as the subject of the sentence.
		"Các doanh nghiệp FDI tiếp tục dẫn đầu, với kim ngạch xuất khẩu tháng 9/2022 đạt 350 triệu USD.",
		"Trong 9 tháng năm 2022, khu vực công nghiệp - xây dựng giữ vai trò động lực, chiếm 52% GRDP và tăng 9,5%.",
		// A sector heading the sentence, with no clause of its own.
		"Riêng khu vực FDI, kim ngạch xuất khẩu tháng 9/2022 đạt 350 triệu USD.",
		// A product named before the indicator again.
		"Tháng 9/2022, xuất khẩu hạt điều của tỉnh khởi sắc, đưa kim ngạch xuất khẩu lên 80 triệu USD.",
		"Xuất khẩu cà phê tăng mạnh giúp kim ngạch xuất khẩu tháng 9/2022 đạt 520 triệu USD.",
		// What one cause did.
		"Dịch bệnh kéo dài làm GRDP quý III/2022 giảm 1,2%.",
		// Places counted.
		"Năm 2022, có 12 tỉnh, thành phố đạt tăng trưởng GRDP trên 9%.",
		"Trong 9 tháng năm 2022, nhiều địa phương có kim ngạch xuất khẩu tăng trên 20%.",
		// Growth of another subject.
		"Doanh thu du lịch 9 tháng năm 2022 đạt mức tăng trưởng 25% so với cùng kỳ.",
		"Động lực tăng trưởng chính 9 tháng năm 2022 là giá nông sản, tăng gần 30% so với cùng kỳ năm trước.",
		// A project's progress.
		"Đến tháng 9/2022, dự án điện mặt trời đã đạt 85% tiến độ.",
		"Nhiều công trình đang được đẩy nhanh, như Nhiệt điện Long An I đã đạt hơn 90% tiến độ.",
		// A target set, not a result.
		"GRDP 6 tháng đầu năm 2022 của tỉnh đã vượt kế hoạch mà tỉnh đặt ra là 7,5%.",
	} {
		got, err := readTexts(t, text)
		if len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}

// TestNotTheSubjectKeepsTheWhole: the same words around the indicator's
// own figure still let it be read.
func TestNotTheSubjectKeepsTheWhole(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		// A sector after the total is its breakdown.
		{"Tổng kim ngạch xuất khẩu tháng 9/2022 đạt 520 triệu USD, trong đó khu vực FDI đạt 300 triệu USD.",
			"xuat-khau 2022-09 520000000 status= yoy= plan="},
		// The economy's growth, with only fillers before it.
		{"Theo đó, tốc độ tăng trưởng 6 tháng đầu năm 2022 của tỉnh đạt 7,2%.",
			"grdp 2022-01..06 7.2 status= yoy= plan="},
		{"Nền kinh tế của tỉnh năm 2022 đạt mức tăng trưởng 8,5%.",
			"grdp 2022-01..12 8.5 status= yoy= plan="},
		// A sector with a clause of its own does not reach the next one.
		{"Khu vực dịch vụ của tỉnh duy trì đà tăng trưởng cao, tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tháng 9/2022 đạt 9.000 tỷ đồng.",
			"ban-le 2022-09 9000000000000 status= yoy= plan="},
		// A concession before "nhưng" does not say whose growth it is.
		{"Dù nền kinh tế còn nhiều khó khăn nhưng tốc độ tăng trưởng quý 3/2022 của tỉnh đã tăng 7,21%.",
			"grdp 2022-07..09 7.21 status= yoy= plan="},
		// A year before the province counts no places.
		{"Năm 2022, tỉnh Long An đạt kim ngạch xuất khẩu 22,8 tỷ USD.",
			"xuat-khau 2022-01..12 22800000000 status= yoy= plan="},
		// "bằng X% so cùng kỳ" is a ratio: the figure is read without a
		// change; "bằng X% kế hoạch" is still the share of the plan.
		{"Kim ngạch nhập khẩu tháng 9/2022 đạt 300 triệu USD, bằng 97,5% so với cùng kỳ năm 2021.",
			"nhap-khau 2022-09 300000000 status= yoy= plan="},
		{"Kim ngạch xuất khẩu 9 tháng năm 2022 đạt 3,9 tỷ USD, tăng 8% so cùng kỳ và bằng 75,5% kế hoạch năm.",
			"xuat-khau 2022-01..09 3900000000 status= yoy=8 plan=75.5"},
	} {
		got, err := readTexts(t, c.text)
		if err != nil || strings.Join(got, "\n") != c.want {
			t.Errorf("%q:\n got %q, %v\nwant %q", c.text, got, err, c.want)
		}
	}
}
