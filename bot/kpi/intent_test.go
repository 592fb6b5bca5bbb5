package kpi

import "testing"

func TestIntent(t *testing.T) {
	p := DefaultPlan()
	for _, tc := range []struct {
		text string
		want Intent
	}{
		{"xuất khẩu tháng 3/2022: 520 triệu USD", IntentReport},
		{"xk t3 520 trieu usd", IntentReport},
		{"Kim ngạch xuất khẩu tháng 3 ước đạt 520 triệu USD, tăng 12% so với cùng kỳ", IntentReport},
		{"IIP tháng 3 tăng 7%", IntentReport},
		{"Kính gửi Sở Công Thương\nBáo cáo tháng 3\nxuất khẩu: 520 triệu USD\nnhập khẩu: 410 triệu USD", IntentReport},
		{"cụm công nghiệp Hựu Thạnh đi vào hoạt động 15/06/2022", IntentReport},
		{"xuất khẩu quý 1", IntentQuestion},
		{"xk tháng 3", IntentQuestion},
		{"tiến độ bán lẻ?", IntentQuestion},
		{"xuất khẩu tăng bao nhiêu so với cùng kỳ?", IntentQuestion},
		{"6 tháng đầu năm xuất khẩu thế nào", IntentQuestion},
		{"xk 520", IntentEither},
		{"xuất khẩu tháng 3 đạt 520 triệu USD chưa?", IntentEither},
		{"xuất khẩu tăng 12%", IntentEither},
		{"tổng kim ngạch xuất nhập khẩu tháng 5 đạt 900 triệu USD", IntentReport}, // read, then refused with its reason
		{"hello", IntentQuestion},
	} {
		if got := p.Intent(tc.text, "vi"); got != tc.want {
			t.Errorf("Intent(%q) = %d; want %d", tc.text, got, tc.want)
		}
	}
}
