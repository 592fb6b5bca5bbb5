package kpi

import "testing"

func TestAskedAspect(t *testing.T) {
	for text, want := range map[string]Aspect{
		"có đạt kế hoạch không?":          AspectProjection,
		"xuất khẩu có đạt kế hoạch không": AspectProjection,
		"co dat ke hoach khong":           AspectProjection,
		"dự báo xuất khẩu cả năm":         AspectProjection,
		"will exports meet the plan?":     AspectProjection,
		"export forecast":                 AspectProjection,
		"tiến độ xuất khẩu":               AspectNone,
		"xuất khẩu từng tháng":            AspectMonthly,
		"xuat khau theo thang":            AspectMonthly,
		"exports month by month":          AspectMonthly,
		"xếp hạng xuất khẩu các đơn vị":   AspectRanking,
		"exports ranked by unit":          AspectRanking,
		"xuất khẩu Bến Lức":               AspectNone,
		"xuất khẩu so với cùng kỳ":        AspectNone,
		"xuất khẩu quý 1":                 AspectNone,
	} {
		if got := AskedAspect(text); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}
