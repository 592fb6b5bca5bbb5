package report

import (
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// The 6-month and year tables: a filled total says how far it reaches
// beside who is missing, IIP shows the figure the chat shows (May's 8,1%,
// its period noted), and the "%" columns carry the formats the README
// states. A unit whose "lũy kế 5 tháng" covers April is not on the April
// "Chưa báo cáo" sheet, as the reminders do not chase it.
func TestSpanTablesAgreeWithTheSeries(t *testing.T) {
	p := kpi.DefaultPlan()
	now := time.Date(2022, 6, 20, 10, 15, 0, 0, zone)
	for _, per := range []kpi.Period{kpi.YearToDate(2022, 6), kpi.YearToDate(2022, 12)} {
		tb := Table{Plan: p, Reports: sample(t), Period: per, Now: now, Lang: "vi", T: textIn(t, "vi")}
		data, err := tb.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		f := open(t, data)
		const sh = "Biểu số liệu"
		r := rowOf(t, f, sh, "B", "Kim ngạch xuất khẩu")
		if got := get(t, f, sh, cellAt("L", r)); got != "Số liệu mới đến hết tháng 5: 15/15 đơn vị chưa báo cáo hết kỳ" {
			t.Errorf("%s: exports note = %q", per.Label("vi"), got)
		}
		if got := get(t, f, sh, cellAt("F", r)); got != "2630.5" {
			t.Errorf("%s: exports = %q, want 2630.5", per.Label("vi"), got)
		}
		iip := rowOf(t, f, sh, "B", "Chỉ số sản xuất công nghiệp")
		if got := get(t, f, sh, cellAt("F", iip)); got != "8.1" {
			t.Errorf("%s: IIP = %q, want 8.1 (May's, as the chat shows)", per.Label("vi"), got)
		}
		if got := get(t, f, sh, cellAt("L", iip)); !strings.Contains(got, "tháng 5/2022") {
			t.Errorf("%s: IIP note = %q, want its period named", per.Label("vi"), got)
		}
		for col, want := range map[string]string{"F": "#,##0.0", "J": "#,##0.0"} {
			if got := numFormat(t, f, sh, cellAt(col, r)); got != want {
				t.Errorf("exports %s format = %q, want %q", col, got, want)
			}
		}
		if got := numFormat(t, f, sh, cellAt("F", iip)); got != "#,##0.00" {
			t.Errorf("IIP format = %q, want #,##0.00", got)
		}
	}
	april := Table{Plan: p, Reports: sample(t), Period: kpi.Month(2022, 4), Now: now, Lang: "vi", T: textIn(t, "vi")}
	for _, m := range april.Missing() {
		if m.Unit.ID == "tan-an" {
			for _, ind := range m.Indicators {
				if ind.ID == "xuat-khau" {
					t.Errorf("Tân An is missing April exports, though its lũy kế 5 tháng covers April")
				}
			}
		}
	}
}
