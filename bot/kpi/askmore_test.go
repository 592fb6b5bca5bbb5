package kpi

import "testing"

// TestAskMore: greetings to the department and thanks that approve are
// small talk; "X là gì? …" is a definition whatever the article's other
// words; places counted are other places, said before anything else; GRDP
// per person is not the plan's GRDP.
func TestAskMore(t *testing.T) {
	p := DefaultPlan()
	for text, want := range map[string]string{
		"Xin chào Sở Công Thương":                                                          "hello",
		"chào admin ạ":                                                                     "hello",
		"cảm ơn bot nhé, số liệu chuẩn rồi":                                                "thanks",
		"ok cảm ơn, chính xác rồi":                                                         "thanks",
		"Xuất khẩu là gì? Thủ tục xuất khẩu gồm những gì":                                  "define:xuat-khau",
		"Chỉ số IIP là gì và quy định về công bố IIP":                                      "define:iip",
		"6 địa phương có tăng trưởng GRDP hai con số":                                      "other-place",
		"Những tỉnh có kim ngạch xuất khẩu lớn nhất":                                       "other-place",
		"Top 5 địa phương có kim ngạch xuất khẩu lớn nhất, mặt hàng nào dẫn đầu":           "other-place",
		"Năm 2022, 4 địa phương gánh 60% kim ngạch xuất khẩu cả nước, thu về 120 nghìn tỷ": "other-place",
		"Kim ngạch xuất khẩu tháng 9/2022 đạt 520 triệu USD":                               "report",
		"GRDP bình quân đầu người là bao nhiêu?":                                           "unknown",
		// Still: an off-topic word before the definition, the plan's own
		// units, a thanks that asks for more.
		"Thuế xuất khẩu là gì":                      "refuse",
		"Nhập khẩu nhiều hơn xuất khẩu gọi là gì":   "off-topic",
		"xuất khẩu các địa phương":                  "answer:xuat-khau",
		"những địa phương nào xuất khẩu nhiều nhất": "answer:xuat-khau",
		"xuất khẩu các huyện":                       "answer:xuat-khau",
		"cảm ơn, số liệu xuất khẩu tháng 9 đâu":     "answer:xuat-khau:2022-09",
	} {
		if got := questionOutcome(p, text); !questionRight(want, got) {
			t.Errorf("%q: got %s, want %s", text, got, want)
		}
	}
}
