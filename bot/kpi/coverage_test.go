package kpi

import (
	"testing"
	"time"
)

// TestJudgedNeedsHalfTheUnits: retail far behind pace with 1 of 15 units
// reported is not judged behind; with 8 of 15 it is; an indicator the
// department alone reports is judged on its one figure.
func TestJudgedNeedsHalfTheUnits(t *testing.T) {
	p := DefaultPlan()
	ind := p.Indicator("ban-le")
	now := time.Date(2022, 6, 10, 9, 0, 0, 0, time.UTC)
	var rs []Report
	for i, u := range p.ReportingUnits(ind) {
		if i >= 8 {
			break
		}
		rs = append(rs, Report{Indicator: ind.ID, Unit: u.ID, Period: Month(2022, 5), Value: 100 * AmountScale})
		pr := Compute(p, ind, rs, Filter{}, now)
		reported, total := pr.Coverage(p)
		if reported != i+1 || total != 15 {
			t.Fatalf("%d units: coverage %d/%d", i+1, reported, total)
		}
		if !pr.Behind {
			t.Fatalf("%d units: not behind", i+1)
		}
		if want := i+1 >= 8; pr.Judged(p) != want || pr.BehindJudged(p) != want {
			t.Errorf("%d/15 units reported: judged %v, want %v", i+1, pr.Judged(p), want)
		}
	}
	iip := p.Indicator("iip")
	pr := Compute(p, iip, []Report{{Indicator: "iip", Unit: p.Department.ID, Period: Month(2022, 5), Value: 1000}}, Filter{}, now)
	if !pr.Judged(p) || !pr.BehindJudged(p) {
		t.Errorf("iip 1%% of 7%%: judged %v behind %v", pr.Judged(p), pr.BehindJudged(p))
	}
	if none := Compute(p, ind, nil, Filter{}, now); none.Judged(p) {
		t.Error("no figures judged")
	}
}
