package report

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

// A plan written as a workbook and read back is the same plan: every unit,
// indicator, target, stage and alias, validated by kpi.ParsePlan as a file.
func TestPlanBookRoundTrip(t *testing.T) {
	p := kpi.DefaultPlan()
	data, err := PlanBook(p)
	if err != nil {
		t.Fatal(err)
	}
	src, err := PlanTOML(data)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kpi.ParsePlan("plan.xlsx", src)
	if err != nil {
		t.Fatalf("ParsePlan of the workbook's TOML: %v\n%s", err, src)
	}
	if q.ID != p.ID || q.Year != p.Year || q.Province != p.Province || q.Department.Name != p.Department.Name ||
		len(q.Units) != len(p.Units) || len(q.Indicators) != len(p.Indicators) {
		t.Fatalf("read back %s %d %q %q, %d units, %d indicators", q.ID, q.Year, q.Province, q.Department.Name, len(q.Units), len(q.Indicators))
	}
	for i, u := range p.Units {
		if q.Units[i].ID != u.ID || q.Units[i].Short != u.Short || strings.Join(q.Units[i].Aliases, ";") != strings.Join(u.Aliases, ";") {
			t.Errorf("unit %d: %+v, want %+v", i, q.Units[i], u)
		}
	}
	for i, ind := range p.Indicators {
		got := q.Indicators[i]
		if got.ID != ind.ID || got.Kind != ind.Kind || got.Target != ind.Target || got.TargetMin != ind.TargetMin ||
			got.TargetMax != ind.TargetMax || len(got.Stages) != len(ind.Stages) || got.DueDay != ind.DueDay ||
			strings.Join(got.Excludes, ";") != strings.Join(ind.Excludes, ";") ||
			got.DefinitionVI != ind.DefinitionVI || got.DefinitionEN != ind.DefinitionEN || got.DefinitionSource != ind.DefinitionSource {
			t.Errorf("indicator %s read back as %+v", ind.ID, got)
		}
	}
}

// The workbook a clerk opens: Vietnamese headings (the plan file's key in
// brackets), targets and years as numbers, not "6_400_000_000", and the
// fixed choices as lists.
func TestPlanBookIsForClerks(t *testing.T) {
	data, err := PlanBook(kpi.DefaultPlan())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, want := range map[string]map[string]string{
		PlanSheet:           {"A1": "Mục (field)", "A3": "Năm (year)"},
		PlanUnitsSheet:      {"A1": "Mã (id)", "C1": "Tên ngắn (short)"},
		PlanIndicatorsSheet: {"E1": "Loại chỉ tiêu (kind)", "F1": "Đơn vị đo (measure)", "H1": "Mục tiêu (target)", "O1": "Ngày hạn báo cáo (due_day)"},
	} {
		for c, w := range want {
			if got, _ := f.GetCellValue(sheet, c); got != w {
				t.Errorf("%s!%s = %q, want %q", sheet, c, got, w)
			}
		}
	}
	rows, _ := f.GetRows(PlanIndicatorsSheet)
	for r, row := range rows[1:] {
		if len(row) < 8 || row[0] != "xuat-khau" {
			continue
		}
		c := cell(8, r+2)
		if typ, _ := f.GetCellType(PlanIndicatorsSheet, c); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("the exports target %s is a %v cell, want a number", c, typ)
		}
		if v, _ := f.GetCellValue(PlanIndicatorsSheet, c, excelize.Options{RawCellValue: true}); v != "6400000000" {
			t.Errorf("the exports target is %q, want 6400000000", v)
		}
	}
	if typ, _ := f.GetCellType(PlanSheet, "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the year is a %v cell, want a number", typ)
	}
	dvs, err := f.GetDataValidations(PlanIndicatorsSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	for c, w := range map[string]string{"E2": "cumulative", "F2": "USD", "M2": "department", "N2": "quarterly", "P2": "true"} {
		if !strings.Contains(lists[c], w) {
			t.Errorf("column %s offers %q, want a list with %s", c[:1], lists[c], w)
		}
	}
}

// A workbook of another layout, a formula, an error in a target: refused,
// naming the sheet and the cell (or row).
func TestPlanBookRefusals(t *testing.T) {
	p := kpi.DefaultPlan()
	good, err := PlanBook(p)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(t *testing.T, f func(*excelize.File)) []byte {
		t.Helper()
		x, err := excelize.OpenReader(bytes.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		f(x)
		var b bytes.Buffer
		if err := x.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	cases := []struct {
		name string
		data []byte
		id   string
		cell string
	}{
		{"not a workbook", []byte("hello"), ErrSheetUnreadable, ""},
		{"no indicators sheet", edit(t, func(x *excelize.File) { _ = x.DeleteSheet(PlanIndicatorsSheet) }), ErrSheetMissing, ""},
		{"a renamed column", edit(t, func(x *excelize.File) { _ = x.SetCellValue(PlanIndicatorsSheet, "H1", "muc tieu") }), ErrSheetBadLayout, "H1"},
		{"a formula", edit(t, func(x *excelize.File) { _ = x.SetCellFormula(PlanIndicatorsSheet, "H5", "=1+1") }), ErrSheetFormula, "H5"},
		{"a year in words", edit(t, func(x *excelize.File) { _ = x.SetCellValue(PlanSheet, "B3", "hai nghìn") }), ErrSheetBadNumber, "B3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := PlanTOML(c.data)
			var e *kpi.Error
			if !errors.As(err, &e) || e.ID != c.id || (c.cell != "" && e.Data["cell"] != c.cell) {
				t.Fatalf("PlanTOML = %v; want %s at %q", err, c.id, c.cell)
			}
		})
	}
	// A bad target passes the layout and is refused by the plan's own
	// validation, at the row a person sees.
	bad := edit(t, func(x *excelize.File) { _ = x.SetCellValue(PlanIndicatorsSheet, "H5", "nhiều") })
	src, err := PlanTOML(bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kpi.ParsePlan("plan.xlsx", src)
	var pe *kpi.PlanError
	if !errors.As(err, &pe) {
		t.Fatalf("ParsePlan = %v; want a PlanError", err)
	}
	if got := PlanPlace(pe.Place); !strings.HasPrefix(got, "Chỉ tiêu, row 5") {
		t.Errorf("PlanPlace(%q) = %q; want the indicators sheet, row 5", pe.Place, got)
	}
}

// A workbook written before the definition columns existed is still read,
// without definitions.
func TestPlanBookWithoutDefinitions(t *testing.T) {
	data, err := PlanBook(kpi.DefaultPlan())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for range planIndicatorOptional {
		col, _ := excelize.ColumnNumberToName(len(planIndicatorCols) + 1)
		if err := f.RemoveCol(PlanIndicatorsSheet, col); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	src, err := PlanTOML(buf.Bytes())
	if err != nil {
		t.Fatalf("an older workbook refused: %v", err)
	}
	q, err := kpi.ParsePlan("plan.xlsx", src)
	if err != nil {
		t.Fatal(err)
	}
	if d := q.Indicators[0].DefinitionVI; d != "" {
		t.Errorf("definition %q read from a workbook without the column", d)
	}
}

// FuzzPlanTOML feeds the plan workbook reader the plan's own workbook,
// hostile versions of it, and what the fuzzer makes of them: it must
// refuse with a *kpi.Error or write TOML, never panic or hang, and what it
// writes is read by kpi.ParsePlan without a panic.
func FuzzPlanTOML(f *testing.F) {
	book, err := PlanBook(kpi.DefaultPlan())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(book)
	f.Add(bomb(f, book, PlanIndicatorsSheet, 3, "XFD"))
	f.Add(bomb(f, book, PlanUnitsSheet, 3, "BM"))
	f.Add(wide(f, book, PlanSheet, 3, 8))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := PlanTOML(data)
		if err != nil {
			var ke *kpi.Error
			if !errors.As(err, &ke) {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		_, _ = kpi.ParsePlan("fuzz.xlsx", src)
	})
}

// A plan workbook beyond the plan's limits is refused with the limit and
// the number found, on the sheet that holds the list.
func TestPlanBookOverTheLimits(t *testing.T) {
	p := kpi.DefaultPlan()
	data, err := PlanBook(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for r := len(p.Units) + 2; r <= kpi.MaxPlanUnits+2; r++ {
		_ = f.SetCellValue(PlanUnitsSheet, cell(1, r), "xa-"+strconv.Itoa(r))
		_ = f.SetCellValue(PlanUnitsSheet, cell(2, r), "Xã "+strconv.Itoa(r))
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	src, err := PlanTOML(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	_, err = kpi.ParsePlan("plan.xlsx", src)
	var pe *kpi.PlanError
	if !errors.As(err, &pe) || PlanPlace(pe.Place) != PlanUnitsSheet || pe.Problem != "at most 200 units, not 201" {
		t.Fatalf("got %v", err)
	}
}
