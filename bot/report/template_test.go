package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

var june20 = time.Date(2022, 6, 20, 10, 0, 0, 0, zone)

func template(t testing.TB, unit, lang string) []byte {
	t.Helper()
	p := kpi.DefaultPlan()
	tp := Template{Plan: p, Unit: p.Unit(unit), Period: kpi.Month(2022, 5), Lang: lang, T: textIn(t, lang)}
	data, err := tp.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fill sets cells of the form's first sheet ("E7" → value) and returns the file.
func fill(t testing.TB, data []byte, cells map[string]any) []byte {
	t.Helper()
	f := open(t, data)
	sh := f.GetSheetName(0)
	for c, v := range cells {
		if err := f.SetCellValue(sh, c, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowFor is the template row of indicator id.
func rowFor(t testing.TB, data []byte, id string) int {
	t.Helper()
	f := open(t, data)
	return rowOf(t, f, f.GetSheetName(0), "A", id)
}

func opts(lang string) kpi.UpdateOptions { return kpi.UpdateOptions{Lang: lang, Now: june20} }

func TestTemplateLayout(t *testing.T) {
	data := template(t, "ben-luc", "vi")
	f := open(t, data)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Mẫu báo cáo|tiendo" {
		t.Fatalf("sheets = %s", got)
	}
	if vis, _ := f.GetSheetVisible("tiendo"); vis {
		t.Error("the sheet of ids is visible")
	}
	sh := "Mẫu báo cáo"
	for c, want := range map[string]string{
		"A2": "Đơn vị báo cáo: Huyện Bến Lức", "A3": "Kỳ báo cáo: tháng 5/2022",
		"A6": "Mã chỉ tiêu (không sửa)", "C6": "Chỉ tiêu", "D6": "Đơn vị tính", "E6": "Số liệu tháng 5/2022", "G6": "Trạng thái số liệu",
	} {
		if got := get(t, f, sh, c); got != want {
			t.Errorf("%s = %q, want %q", c, got, want)
		}
	}
	// A district reports the cumulative and count indicators, not the
	// department's rates.
	rows, _ := f.GetRows(sh)
	var ids []string
	for _, r := range rows[templateFirst-1:] {
		ids = append(ids, r[0])
	}
	if got := strings.Join(ids, ","); got != "ban-le,xuat-khau,nhap-khau,cum-cong-nghiep,cua-hang-tien-ich" {
		t.Errorf("rows = %s", got)
	}
	xk := rowFor(t, data, "xuat-khau")
	if got := get(t, f, sh, cellAt("D", xk)); got != "triệu USD" {
		t.Errorf("exports measure = %q", got)
	}
	if got := numFormat(t, f, sh, cellAt("E", xk)); got != "#,##0.0" {
		t.Errorf("exports input format = %q", got)
	}
	if got := numFormat(t, f, sh, cellAt("F", rowFor(t, data, "cum-cong-nghiep"))); got != "dd/mm/yyyy" {
		t.Errorf("date format = %q", got)
	}
	if got := (Template{Plan: kpi.DefaultPlan(), Unit: kpi.DefaultPlan().Unit("ben-luc"), Period: kpi.Month(2022, 5), T: textIn(t, "vi")}).FileName(); got != "mau-bao-cao-ben-luc-2022-05.xlsx" {
		t.Errorf("file name = %q", got)
	}
}

// Every kind of indicator goes through the form and comes back as the
// report a typed message would have made.
func TestTemplateRoundTripEveryKind(t *testing.T) {
	p := kpi.DefaultPlan()
	d := func(m, day int) time.Time { return time.Date(2022, time.Month(m), day, 0, 0, 0, 0, zone) }
	district := template(t, "ben-luc", "vi")
	xk, nk, bl := rowFor(t, district, "xuat-khau"), rowFor(t, district, "nhap-khau"), rowFor(t, district, "ban-le")
	ch := rowFor(t, district, "cua-hang-tien-ich")
	filled := fill(t, district, map[string]any{
		cellAt("E", xk): 520.3,           // a number in the column's unit: million USD
		cellAt("E", nk): "410 triệu USD", // typed as text, with its unit
		cellAt("E", bl): "2.150",         // text without a unit: the column's, tỉ đồng
		cellAt("E", ch): "Bách Hóa Xanh Bến Lức",
		cellAt("F", ch): d(5, 12),   // a date cell
		cellAt("G", xk): "ước tính", // status: read, not kept
	})
	got, err := ReadTemplate(filled, p, opts("vi"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Unit.ID != "ben-luc" || got.Period != kpi.Month(2022, 5) {
		t.Errorf("unit, period = %s, %v", got.Unit.ID, got.Period)
	}
	want := []kpi.Report{
		{Indicator: "ban-le", Unit: "ben-luc", Period: kpi.Month(2022, 5), Value: amount(t, "2150000000000")},
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 5), Value: amount(t, "520300000")},
		{Indicator: "nhap-khau", Unit: "ben-luc", Period: kpi.Month(2022, 5), Value: amount(t, "410000000")},
		{Indicator: "cua-hang-tien-ich", Unit: "ben-luc", Item: "Bách Hóa Xanh Bến Lức", Value: kpi.AmountScale, Date: d(5, 12)},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("read %d rows: %+v", len(got.Rows), got.Rows)
	}
	for i, w := range want {
		g := got.Rows[i].Report
		if g.Indicator != w.Indicator || g.Unit != w.Unit || g.Period != w.Period || g.Value != w.Value || g.Item != w.Item || !g.Date.Equal(w.Date) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if got.Rows[1].Cell != cellAt("E", xk) {
		t.Errorf("cell = %s", got.Rows[1].Cell)
	}

	// The department's form: rates (negative allowed), a level, a milestone.
	dept := template(t, "so-cong-thuong", "en")
	iip, grdp, el, solar := rowFor(t, dept, "iip"), rowFor(t, dept, "grdp"), rowFor(t, dept, "ho-dung-dien"), rowFor(t, dept, "dien-mat-troi")
	filled = fill(t, dept, map[string]any{
		cellAt("E", iip):   -2.5,
		cellAt("E", grdp):  "6.8",
		cellAt("E", el):    99.95,
		cellAt("E", solar): "Energised",
		cellAt("F", solar): "18/05/2022",
	})
	got, err = ReadTemplate(filled, p, opts("en"))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]kpi.Report{}
	for _, r := range got.Rows {
		byID[r.Report.Indicator] = r.Report
	}
	if byID["iip"].Value != amount(t, "-2.5") || byID["grdp"].Value != amount(t, "6.8") || byID["ho-dung-dien"].Value != amount(t, "99.95") {
		t.Errorf("rates and level = %+v", byID)
	}
	if s := byID["dien-mat-troi"]; s.Item != "dong-dien" || !s.Date.Equal(d(5, 18)) || s.Unit != "so-cong-thuong" {
		t.Errorf("milestone = %+v", s)
	}
}

func kpiID(err error) string {
	var ke *kpi.Error
	if errors.As(err, &ke) {
		return ke.ID + " " + ke.Data["cell"]
	}
	if err == nil {
		return "nil"
	}
	return "not a refusal: " + err.Error()
}

// A filled form is refused as a typed report would be, naming the cell.
func TestTemplateRefusals(t *testing.T) {
	p := kpi.DefaultPlan()
	district := template(t, "ben-luc", "vi")
	xk := rowFor(t, district, "xuat-khau")
	ccn := rowFor(t, district, "cum-cong-nghiep")
	e := func(r int) string { return cellAt("E", r) }
	cases := []struct {
		name  string
		cells map[string]any
		want  string
	}{
		{"nothing filled", nil, ErrSheetNoFigures + " E7"},
		{"negative", map[string]any{e(xk): -5}, kpi.ErrNegative + " " + e(xk)},
		{"wrong unit", map[string]any{e(xk): "520 tỉ đồng"}, kpi.ErrWrongMeasure + " " + e(xk)},
		{"not a number", map[string]any{e(xk): "năm trăm"}, kpi.ErrNumberUnreadable + " " + e(xk)},
		{"too precise", map[string]any{e(xk): 0.0000000001}, kpi.ErrTooPrecise + " " + e(xk)},
		{"unknown code", map[string]any{cellAt("A", xk): "xuat-khau-2"}, ErrSheetBadCode + " " + cellAt("A", xk)},
		{"count without a name", map[string]any{e(ccn): "123"}, kpi.ErrNeedItemName + " " + e(ccn)},
		{"future date", map[string]any{e(ccn): "CCN Hựu Thạnh", cellAt("F", ccn): "25/06/2022"}, kpi.ErrFutureDate + " " + cellAt("F", ccn)},
		{"bad date", map[string]any{e(ccn): "CCN Hựu Thạnh", cellAt("F", ccn): "hôm qua"}, ErrSheetBadDate + " " + cellAt("F", ccn)},
		{"figure without a code", map[string]any{"E40": 5}, ErrSheetBadCode + " A40"},
		{"duplicate row", map[string]any{e(xk): 5, "A40": "xuat-khau", "E40": 6}, ErrSheetDuplicateRow + " E40"},
		{"long cell", map[string]any{e(xk): strings.Repeat("5", 600)}, ErrSheetCellTooLong + " " + e(xk)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTemplate(fill(t, district, c.cells), p, opts("vi"))
			if got := kpiID(err); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}

	// The period is in the file: read before it is over, it is refused.
	_, err := ReadTemplate(fill(t, district, map[string]any{e(xk): 5}), p, kpi.UpdateOptions{Lang: "vi", Now: time.Date(2022, 5, 20, 8, 0, 0, 0, zone)})
	if got := kpiID(err); got != kpi.ErrFuturePeriod+" "+e(xk) {
		t.Errorf("future period: %s", got)
	}
}

func TestTemplateFormulaRefused(t *testing.T) {
	district := template(t, "ben-luc", "vi")
	xk := rowFor(t, district, "xuat-khau")
	f := open(t, district)
	sh := f.GetSheetName(0)
	if err := f.SetCellFormula(sh, cellAt("E", xk), "=1+1"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = f.WriteTo(&buf)
	_, err := ReadTemplate(buf.Bytes(), kpi.DefaultPlan(), opts("vi"))
	if got := kpiID(err); got != ErrSheetFormula+" "+cellAt("E", xk) {
		t.Errorf("got %s", got)
	}
}

// Files that are not the form, or are hostile, are refused with a reason,
// quickly, without unpacking what they claim to hold.
func TestTemplateOtherFilesRefused(t *testing.T) {
	p := kpi.DefaultPlan()
	district := template(t, "ben-luc", "vi")

	other := excelize.NewFile()
	_ = other.SetCellValue("Sheet1", "A1", "xuất khẩu")
	var plain bytes.Buffer
	_, _ = other.WriteTo(&plain)

	renamed := open(t, district)
	_ = renamed.SetSheetName("Mẫu báo cáo", "Số liệu")
	var ren bytes.Buffer
	_, _ = renamed.WriteTo(&ren)

	otherPlan := open(t, district)
	_ = otherPlan.SetCellValue(metaSheet, "B2", "tay-ninh-2026")
	var op bytes.Buffer
	_, _ = otherPlan.WriteTo(&op)

	tooMany := open(t, district)
	_ = tooMany.SetCellValue("Mẫu báo cáo", "A500", "x")
	var tm bytes.Buffer
	_, _ = tooMany.WriteTo(&tm)

	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("hello, this is not a spreadsheet"), ErrSheetUnreadable},
		{"empty", nil, ErrSheetUnreadable},
		{"truncated", district[:len(district)/2], ErrSheetUnreadable},
		{"another workbook", plain.Bytes(), ErrSheetNotTemplate},
		{"renamed sheet", ren.Bytes(), ErrSheetMissing},
		{"another plan", op.Bytes(), ErrSheetOtherPlan},
		{"too many rows", tm.Bytes(), ErrSheetTooManyRows},
		{"over 1 MB", bytes.Repeat([]byte{'x'}, MaxFileSize+1), ErrSheetTooLarge},
		{"zip bomb", zipWith(t, "xl/worksheets/sheet1.xml", 64<<20), ErrSheetTooLarge},
		{"huge shared strings", zipWith(t, "xl/sharedStrings.xml", 6<<20), ErrSheetTooLarge},
		{"many parts", manyParts(t, 200), ErrSheetUnreadable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTemplate(c.data, p, opts("vi"))
			var ke *kpi.Error
			if !errors.As(err, &ke) || ke.ID != c.want {
				t.Errorf("got %v, want %s", err, c.want)
			}
		})
	}
	if len(zipWith(t, "xl/worksheets/sheet1.xml", 64<<20)) > MaxFileSize {
		t.Error("the zip bomb is not small")
	}
}

// zipWith is a small zip holding one part of n zero bytes (a zip bomb in
// miniature: 64 MB of zeros pack into about 64 KB).
func zipWith(t testing.TB, name string, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(part)
		_, _ = w.Write([]byte("<x/>"))
	}
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		_, _ = w.Write(chunk[:k])
		n -= k
	}
	_ = zw.Close()
	return buf.Bytes()
}

func manyParts(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		w, _ := zw.Create("x/" + strings.Repeat("a", i%50) + string(rune('a'+i%26)) + ".xml")
		_, _ = w.Write([]byte("<x/>"))
	}
	_ = zw.Close()
	return buf.Bytes()
}

// FuzzReadTemplate feeds the reader the forms in testdata and what the
// fuzzer makes of them: it must refuse or read, never panic or hang, and what
// it reads is the file's unit and period.
func FuzzReadTemplate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// And the hostile forms of the bounds and cell tests: a sheet past its
	// columns, a figure hiding another number, an error cell, a date.
	form := template(f, "ben-luc", "vi")
	xk := cellAt("E", rowFor(f, form, "xuat-khau"))
	f.Add(bomb(f, form, "Mẫu báo cáo", 3, "XFD"))
	f.Add(bomb(f, form, metaSheet, 3, "BM"))
	f.Add(wide(f, form, "Mẫu báo cáo", 3, 8))
	for _, v := range []any{"1e308 triệu USD", "5\u200b20 triệu", "0x1p-2", 1e308, "520 triệu USD"} {
		f.Add(fill(f, form, map[string]any{xk: v}))
	}
	f.Add(rawCell(f, form, xk, "<v>#DIV/0!</v>", "e"))
	p := kpi.DefaultPlan()
	o := opts("vi")
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadTemplate(data, p, o)
		if err != nil {
			var ke *kpi.Error
			if !errors.As(err, &ke) {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if len(got.Rows) == 0 || len(got.Rows) > kpi.MaxReportsPerUpdate {
			t.Fatalf("%d rows", len(got.Rows))
		}
		for _, r := range got.Rows {
			if r.Report.Unit != got.Unit.ID || p.CheckReport(r.Report, o) != nil {
				t.Fatalf("row %+v", r)
			}
		}
	})
}

// TestFuzzSeeds keeps the seeds in testdata what they claim to be: the
// form of Bến Lức for May 2022, empty and filled.
func TestFuzzSeeds(t *testing.T) {
	district := template(t, "ben-luc", "vi")
	xk := rowFor(t, district, "xuat-khau")
	filled := fill(t, district, map[string]any{cellAt("E", xk): 520, cellAt("E", rowFor(t, district, "cum-cong-nghiep")): "CCN Hựu Thạnh"})
	if os.Getenv("TIENDO_UPDATE_SEEDS") != "" {
		_ = os.MkdirAll("testdata", 0o755)
		_ = os.WriteFile(filepath.Join("testdata", "form-ben-luc-2022-05.xlsx"), district, 0o644)
		_ = os.WriteFile(filepath.Join("testdata", "filled-ben-luc-2022-05.xlsx"), filled, 0o644)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "filled-ben-luc-2022-05.xlsx"))
	if err != nil {
		t.Fatalf("%v (make the seeds with TIENDO_UPDATE_SEEDS=1)", err)
	}
	got, err := ReadTemplate(data, kpi.DefaultPlan(), opts("vi"))
	if err != nil || len(got.Rows) != 2 {
		t.Fatalf("filled seed: %+v, %v", got, err)
	}
	if _, err := ReadTemplate(mustRead(t, filepath.Join("testdata", "form-ben-luc-2022-05.xlsx")), kpi.DefaultPlan(), opts("vi")); kpiID(err) != ErrSheetNoFigures+" E7" {
		t.Fatalf("empty seed: %v", err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func BenchmarkReadTemplate(b *testing.B) {
	district := template(b, "ben-luc", "vi")
	filled := fill(b, district, map[string]any{cellAt("E", rowFor(b, district, "xuat-khau")): 520})
	p := kpi.DefaultPlan()
	for b.Loop() {
		if _, err := ReadTemplate(filled, p, opts("vi")); err != nil {
			b.Fatal(err)
		}
	}
}
