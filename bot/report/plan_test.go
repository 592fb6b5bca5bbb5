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
			strings.Join(got.Excludes, ";") != strings.Join(ind.Excludes, ";") {
			t.Errorf("indicator %s read back as %+v", ind.ID, got)
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
