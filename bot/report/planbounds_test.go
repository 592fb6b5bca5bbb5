package report

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

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
