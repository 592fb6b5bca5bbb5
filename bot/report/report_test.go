package report

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
	"tiendo/locales"
)

var zone = time.FixedZone("ICT", 7*3600)

func textIn(t testing.TB, lang string) Text {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat.Missing = func(l, id string, err error) { t.Errorf("locale %s %s: %v", l, id, err) }
	return func(id string, kv ...any) string { return html.UnescapeString(cat.T(lang, id, kv...)) }
}

// amount is a plain decimal in the measure ("520000000").
func amount(t testing.TB, s string) kpi.Amount {
	t.Helper()
	a, err := kpi.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sample is a plausible June 2022: exports of three units for April and
// May, a rate, a count and a milestone.
func sample(t testing.TB) map[string][]kpi.Report {
	at := func(d int) time.Time { return time.Date(2022, 6, d, 9, 30, 0, 0, zone) }
	rep := func(ind, unit string, m int, v string, d int) kpi.Report {
		return kpi.Report{Indicator: ind, Unit: unit, Period: kpi.Month(2022, m), Value: amount(t, v), By: 7, ByName: "Lê Thị Hồng", At: at(d)}
	}
	return map[string][]kpi.Report{
		"xuat-khau": {
			rep("xuat-khau", "ben-luc", 4, "500000000", 1), rep("xuat-khau", "ben-luc", 5, "520000000", 10),
			rep("xuat-khau", "duc-hoa", 4, "300000000", 2), rep("xuat-khau", "duc-hoa", 5, "310500000", 11),
			{Indicator: "xuat-khau", Unit: "tan-an", Period: kpi.YearToDate(2022, 5), Value: amount(t, "1000000000"), ByName: "Trần Văn Đức", At: at(12)},
		},
		"iip": {
			{Indicator: "iip", Unit: "so-cong-thuong", Period: kpi.Month(2022, 5), Value: amount(t, "8.1"), ByName: "Sở", At: at(5)},
		},
		"cum-cong-nghiep": {
			{Indicator: "cum-cong-nghiep", Unit: "duc-hoa", Item: "CCN Hựu Thạnh", Value: kpi.AmountScale,
				Date: time.Date(2022, 5, 15, 0, 0, 0, 0, zone), ByName: "Nguyễn Ánh", At: at(3)},
		},
		"dien-mat-troi": {
			{Indicator: "dien-mat-troi", Unit: "so-cong-thuong", Item: "thi-cong", Date: time.Date(2022, 3, 1, 0, 0, 0, 0, zone), At: at(1)},
		},
	}
}

func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the file does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func get(t testing.TB, f *excelize.File, sheet, c string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, c, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, c, err)
	}
	return v
}

func numFormat(t testing.TB, f *excelize.File, sheet, c string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// rowOf finds the row whose column B is name.
func rowOf(t testing.TB, f *excelize.File, sheet, col, name string) int {
	t.Helper()
	rows, _ := f.GetRows(sheet)
	idx := int(col[0] - 'A')
	for i, r := range rows {
		if len(r) > idx && strings.HasPrefix(r[idx], name) {
			return i + 1
		}
	}
	t.Fatalf("no row %q in column %s of %s", name, col, sheet)
	return 0
}

func cellAt(col string, row int) string {
	c, _ := excelize.JoinCellName(col, row)
	return c
}

func TestMonthlyTableLayout(t *testing.T) {
	p := kpi.DefaultPlan()
	now := time.Date(2022, 6, 20, 10, 15, 0, 0, zone)
	tb := Table{Plan: p, Reports: sample(t), Period: kpi.Month(2022, 5), Now: now, Lang: "vi", T: textIn(t, "vi")}
	data, err := tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Biểu số liệu|Theo đơn vị|Chưa báo cáo" {
		t.Fatalf("sheets = %s", got)
	}
	const sh = "Biểu số liệu"
	for c, want := range map[string]string{
		"A1": "SỞ CÔNG THƯƠNG LONG AN",
		"A3": "Kỳ báo cáo: tháng 5/2022",
		"A4": "(Số liệu đến ngày 20/06/2022, lập lúc 10:15)",
		"A6": "STT", "B6": "Chỉ tiêu", "C6": "Đơn vị tính", "D6": "Kế hoạch năm 2022",
		"E6": "Thực hiện tháng 4/2022", "F6": "Ước thực hiện tháng 5/2022",
		"G6": "Lũy kế từ đầu năm (tháng 1–5/2022)", "H6": "So sánh (%)",
		"H7": "Kỳ báo cáo so với cùng kỳ", "I7": "Lũy kế so với cùng kỳ", "J7": "Lũy kế so với kế hoạch năm",
		"K6": "Trạng thái số liệu", "L6": "Ghi chú",
		"A8": "A", "B8": "B", "C8": "C", "D8": "1", "J8": "7",
	} {
		if got := get(t, f, sh, c); got != want {
			t.Errorf("%s = %q, want %q", c, got, want)
		}
	}
	if title := get(t, f, sh, "A2"); !strings.Contains(title, "BIỂU SỐ LIỆU") || !strings.Contains(title, "LONG AN NĂM 2022") {
		t.Errorf("title = %q", title)
	}
	r := rowOf(t, f, sh, "B", "Kim ngạch xuất khẩu")
	cells := map[string]string{
		"C": "triệu USD",
		"D": "6400",
		"E": "800",       // April: Bến Lức 500 + Đức Hòa 300 (Tân An sent only a year-to-date figure)
		"F": "830.5",     // May
		"G": "2630.5",    // 500+520+300+310,5 + Tân An's 1000
		"H": "", "I": "", // no plan of last year given: left empty
		"K": "", // the sample figures state no status
	}
	for col, want := range cells {
		if got := get(t, f, sh, cellAt(col, r)); got != want {
			t.Errorf("exports %s = %q, want %q", col, got, want)
		}
	}
	if got := get(t, f, sh, cellAt("J", r)); !strings.HasPrefix(got, "41.10") {
		t.Errorf("exports ytd/plan = %q, want 41.10…", got)
	}
	for _, col := range []string{"D", "E", "F", "G"} {
		if typ, _ := f.GetCellType(sh, cellAt(col, r)); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("exports %s is stored as %v, not a number", col, typ)
		}
		if got := numFormat(t, f, sh, cellAt(col, r)); got != "#,##0.0" {
			t.Errorf("exports %s format = %q", col, got)
		}
	}
	if got := get(t, f, sh, cellAt("L", r)); got != "12/15 đơn vị chưa báo cáo kỳ này" {
		t.Errorf("exports note = %q", got)
	}
	// Formatted as a spreadsheet shows it.
	if got, _ := f.GetCellValue(sh, cellAt("G", r)); got != "2,630.5" {
		t.Errorf("exports ytd shown as %q", got)
	}
	// No figure: empty, never 0.
	imp := rowOf(t, f, sh, "B", "Kim ngạch nhập khẩu")
	if got := get(t, f, sh, cellAt("F", imp)); got != "" {
		t.Errorf("imports without figures = %q", got)
	}
	iip := rowOf(t, f, sh, "B", "Chỉ số sản xuất công nghiệp")
	if got := get(t, f, sh, cellAt("F", iip)); got != "8.1" {
		t.Errorf("IIP May = %q", got)
	}
	if got := numFormat(t, f, sh, cellAt("F", iip)); got != "#,##0.00" {
		t.Errorf("IIP format = %q", got)
	}
	grdp := rowOf(t, f, sh, "B", "Tốc độ tăng trưởng kinh tế")
	if got := get(t, f, sh, cellAt("D", grdp)); got != "6,5–7%" {
		t.Errorf("GRDP plan = %q", got)
	}
	ccn := rowOf(t, f, sh, "B", "Cụm công nghiệp")
	if got := get(t, f, sh, cellAt("F", ccn)) + " " + get(t, f, sh, cellAt("G", ccn)) + " " + get(t, f, sh, cellAt("J", ccn)); got != "1 1 50" {
		t.Errorf("clusters month, ytd, %% = %q", got)
	}
	if got := get(t, f, sh, cellAt("L", ccn)); got != "CCN Hựu Thạnh" {
		t.Errorf("clusters note = %q", got)
	}
	solar := rowOf(t, f, sh, "B", "Nhà máy điện mặt trời")
	if got := get(t, f, sh, cellAt("G", solar)); got != "Đang thi công" {
		t.Errorf("solar = %q", got)
	}
	if got := get(t, f, sh, cellAt("A", r+100)); got != "" {
		t.Errorf("stray cell")
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 8 || panes.XSplit != 2 {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	pl, err := f.GetPageLayout(sh)
	if err != nil || pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" {
		t.Errorf("page layout = %+v, %v", pl, err)
	}
	if w, _ := f.GetColWidth(sh, "B"); w < 30 {
		t.Errorf("column B is %v wide", w)
	}

	const us = "Theo đơn vị"
	if got := get(t, f, us, "F6"); got != "Lũy kế từ đầu năm (tháng 1–5/2022)" {
		t.Errorf("units F6 = %q", got)
	}
	rows, _ := f.GetRows(us, excelize.Options{RawCellValue: true})
	found := false
	for i, row := range rows {
		if len(row) >= 8 && strings.HasPrefix(row[1], "Kim ngạch xuất khẩu") && row[2] == "Bến Lức" {
			found = true
			if row[4] != "520" || row[5] != "1020" || row[6] != "Lê Thị Hồng" {
				t.Errorf("Bến Lức exports row = %q", row)
			}
			at, _ := f.GetCellValue(us, cellAt("H", i+1))
			if at != "10/06/2022 09:30" {
				t.Errorf("Bến Lức reported at %q", at)
			}
		}
	}
	if !found {
		t.Error("no exports row for Bến Lức")
	}

	const ms = "Chưa báo cáo"
	mrows, _ := f.GetRows(ms)
	text := ""
	for _, row := range mrows {
		text += strings.Join(row, "|") + "\n"
	}
	if strings.Contains(text, "Tân An|Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ; Kim ngạch xuất khẩu") ||
		!strings.Contains(text, "Huyện Bến Lức|Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ; Kim ngạch nhập khẩu|2") ||
		!strings.Contains(text, "Huyện Cần Giuộc|Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ; Kim ngạch xuất khẩu; Kim ngạch nhập khẩu|3") ||
		strings.Contains(text, "Sở Công Thương|") {
		t.Errorf("not reported:\n%s", text)
	}
}

func TestMonthlyTableInEnglish(t *testing.T) {
	p := kpi.DefaultPlan()
	tb := Table{Plan: p, Reports: sample(t), Period: kpi.Quarter(2022, 2), Now: time.Date(2022, 7, 2, 8, 0, 0, 0, zone), Lang: "en", T: textIn(t, "en")}
	data, err := tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Data table|By unit|Not reported" {
		t.Fatalf("sheets = %s", got)
	}
	for c, want := range map[string]string{"A3": "Reporting period: Q2 2022", "E6": "Actual Q1 2022", "F6": "Estimate Q2 2022", "C9": "%"} {
		if got := get(t, f, "Data table", c); got != want {
			t.Errorf("%s = %q, want %q", c, got, want)
		}
	}
	r := rowOf(t, f, "Data table", "B", "Export turnover")
	if got := get(t, f, "Data table", cellAt("C", r)); got != "million USD" {
		t.Errorf("exports measure = %q", got)
	}
	// The department in English words too, and "year to date" once.
	if got := get(t, f, "Data table", "A1"); !strings.Contains(got, "(DEPARTMENT OF INDUSTRY AND TRADE)") {
		t.Errorf("A1 = %q: the issuer in Vietnamese only", got)
	}
	may := Table{Plan: p, Reports: sample(t), Period: kpi.Month(2022, 5), Now: time.Date(2022, 6, 20, 8, 0, 0, 0, zone), Lang: "en", T: textIn(t, "en")}
	data, err = may.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f = open(t, data)
	for sheet, c := range map[string]string{"Data table": "G6", "By unit": "F6"} {
		if got := get(t, f, sheet, c); got != "Year to date (Jan–May 2022)" {
			t.Errorf("%s %s = %q, want \"Year to date (Jan–May 2022)\"", sheet, c, got)
		}
	}
}

// The year and the first half have no previous period of their own in the
// year: that column says so in its head and stays empty.
func TestTableWithoutPreviousPeriod(t *testing.T) {
	p := kpi.DefaultPlan()
	tb := Table{Plan: p, Reports: sample(t), Period: kpi.YearToDate(2022, 12), Now: time.Date(2023, 1, 5, 8, 0, 0, 0, zone), Lang: "vi", T: textIn(t, "vi")}
	data, err := tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	if got := get(t, f, "Biểu số liệu", "E6"); got != "Thực hiện kỳ trước" {
		t.Errorf("E6 = %q", got)
	}
	r := rowOf(t, f, "Biểu số liệu", "B", "Kim ngạch xuất khẩu")
	if got := get(t, f, "Biểu số liệu", cellAt("E", r)); got != "" {
		t.Errorf("previous period = %q", got)
	}
}

func BenchmarkMonthlyTable(b *testing.B) {
	p := kpi.DefaultPlan()
	// A full year: every unit, every month, every cumulative indicator.
	reports := map[string][]kpi.Report{}
	for _, ind := range p.Indicators {
		if ind.Kind != kpi.Cumulative {
			continue
		}
		for _, u := range p.Units {
			for m := 1; m <= 12; m++ {
				reports[ind.ID] = append(reports[ind.ID], kpi.Report{Indicator: ind.ID, Unit: u.ID, Period: kpi.Month(2022, m),
					Value: kpi.Amount(int64(m)*30_000_000) * kpi.AmountScale, ByName: "Người báo cáo", At: time.Date(2022, time.Month(m)+1, 5, 0, 0, 0, 0, zone)})
			}
		}
	}
	tb := Table{Plan: p, Reports: reports, Period: kpi.Month(2022, 12), Now: time.Date(2023, 1, 5, 8, 0, 0, 0, zone), Lang: "vi", T: textIn(b, "vi")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tb.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmptyWorkbook is the baseline of BenchmarkMonthlyTable: an
// .xlsx with one cell, written by the same library.
func BenchmarkEmptyWorkbook(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		bk := newBook()
		bk.set("Sheet1", 1, 1, "x", "")
		if _, err := bk.bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFileKey(t *testing.T) {
	for per, want := range map[kpi.Period]string{
		kpi.Month(2022, 5): "2022-05", kpi.Quarter(2022, 2): "2022-Q2", kpi.YearToDate(2022, 12): "2022",
		kpi.YearToDate(2022, 6): "2022-01-06", kpi.YearToDate(2022, 3): "2022-Q1",
	} {
		if got := FileKey(per); got != want {
			t.Errorf("FileKey(%v) = %q, want %q", per, got, want)
		}
	}
}

// With last year's plan and figures kept, the columns on the same period
// last year are computed (as an index: 112.0 is up 12%), and the status
// column names the least final status of the figures counted.
func TestTableComparesWithLastYear(t *testing.T) {
	p := kpi.DefaultPlan()
	src := bytes.Replace(kpi.DefaultPlanSource(), []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2021"`), 1)
	src = bytes.Replace(src, []byte("year = 2022"), []byte("year = 2021"), 1)
	last, err := kpi.ParsePlan("2021.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 6, 20, 10, 15, 0, 0, zone)
	// Bến Lức, January to May of both years (the year to date has no gap).
	cur := map[string][]kpi.Report{"xuat-khau": {
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Quarter(2022, 1), Value: amount(t, "300000000"), Status: kpi.Official},
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 4), Value: amount(t, "500000000"), Status: kpi.Official},
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 5), Value: amount(t, "560000000"), Status: kpi.Estimate},
	}}
	prev := map[string][]kpi.Report{"xuat-khau": {
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Quarter(2021, 1), Value: amount(t, "300000000")},
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2021, 4), Value: amount(t, "400000000")},
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2021, 5), Value: amount(t, "500000000")},
	}}
	tb := Table{Plan: p, Reports: cur, Period: kpi.Month(2022, 5), Now: now, Lang: "vi", T: textIn(t, "vi"),
		LastPlan: last, LastReports: prev}
	data, err := tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	sh := f.GetSheetName(0)
	r := rowOf(t, f, sh, "B", "Kim ngạch xuất khẩu")
	for col, want := range map[string]string{"H": "112", "I": "113.333333333333", "K": "ước tính"} {
		if got := get(t, f, sh, cellAt(col, r)); got != want {
			t.Errorf("exports %s = %q, want %q", col, got, want)
		}
	}
	// Without last year's plan the columns stay empty and the note says why.
	tb.LastPlan, tb.LastReports = nil, nil
	data, err = tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f = open(t, data)
	if got := get(t, f, sh, cellAt("H", r)); got != "" {
		t.Errorf("without last year, H = %q", got)
	}
	rows, _ := f.GetRows(sh)
	if !strings.Contains(fmt.Sprint(rows), "không lưu kế hoạch và số liệu của năm trước") {
		t.Error("no note that last year's figures are not kept")
	}
}

// A figure its report rounded ("đạt hơn 520 triệu USD") is noted in the
// table, with its unit.
func TestMonthlyTableNotesApproximate(t *testing.T) {
	p := kpi.DefaultPlan()
	now := time.Date(2022, 6, 20, 10, 15, 0, 0, zone)
	rs := sample(t)
	for i, r := range rs["xuat-khau"] {
		if r.Unit == "ben-luc" && r.Period == kpi.Month(2022, 5) {
			rs["xuat-khau"][i].Approx = "hơn"
		}
	}
	tb := Table{Plan: p, Reports: rs, Period: kpi.Month(2022, 5), Now: now, Lang: "vi", T: textIn(t, "vi")}
	data, err := tb.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	const sh = "Biểu số liệu"
	r := rowOf(t, f, sh, "B", "Kim ngạch xuất khẩu")
	if got := get(t, f, sh, cellAt("L", r)); got != "12/15 đơn vị chưa báo cáo kỳ này; số ước chừng (≈) của Bến Lức" {
		t.Errorf("exports note = %q", got)
	}
}
