package kpi

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// plan2023 is the embedded plan made into 2023's, export target 7 tỉ USD.
func plan2023(t *testing.T) *Plan {
	t.Helper()
	src := bytes.Replace(DefaultPlanSource(), []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
	src = bytes.Replace(src, []byte("year = 2022"), []byte("year = 2023"), 1)
	src = bytes.Replace(src, []byte(`target = "6_400_000_000"`), []byte(`target = "7_000_000_000"`), 1)
	p, err := ParsePlan("2023.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// exportsOf returns a month's export figure (million USD) for every unit of p.
func exportsOf(p *Plan, year, month int, million func(unit string) int64) []Report {
	var out []Report
	for _, u := range p.Units {
		if v := million(u.ID); v > 0 {
			out = append(out, Report{Indicator: "xuat-khau", Unit: u.ID, Period: Month(year, month), Value: Amount(v * 1e6 * AmountScale)})
		}
	}
	return out
}

func every(v int64) func(string) int64 { return func(string) int64 { return v } }

func only(unit string, v int64) func(string) int64 {
	return func(u string) int64 {
		if u == unit {
			return v
		}
		return 0
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestCompareSamePeriodAndPreviousMonth(t *testing.T) {
	p22, p23 := DefaultPlan(), plan2023(t)
	xk23 := p23.Indicator("xuat-khau")
	now := time.Date(2023, 4, 15, 0, 0, 0, 0, time.UTC)
	var last []Report
	for m := 1; m <= 12; m++ {
		last = append(last, exportsOf(p22, 2022, m, every(100))...)
	}
	cur := append(exportsOf(p23, 2023, 1, every(90)), exportsOf(p23, 2023, 2, every(100))...)
	cur = append(cur, exportsOf(p23, 2023, 3, only("ben-luc", 120))...)

	// February, every unit in: +0% on February 2022, +11,1% on January.
	c, ok := Compare(SamePeriod, p23, xk23, cur, Month(2023, 2), p22, last, Month(2022, 2), Filter{}, Filter{}, now)
	if !ok || !near(c.Pct, 0) || c.Units != 0 || c.Prev != Amount(1500e6*AmountScale) {
		t.Errorf("February on February 2022 = %+v, %v", c, ok)
	}
	c, ok = Compare(PrevPeriod, p23, xk23, cur, Month(2023, 2), p23, cur, Month(2023, 1), Filter{}, Filter{}, now)
	if !ok || !near(c.Pct, 100.0/90*100-100) {
		t.Errorf("February on January = %+v, %v", c, ok)
	}
	// March, one unit in: compared over that unit alone, and said so.
	c, ok = Compare(SamePeriod, p23, xk23, cur, Month(2023, 3), p22, last, Month(2022, 3), Filter{}, Filter{}, now)
	if !ok || c.Units != 1 || c.Of != 15 || !near(c.Pct, 20) {
		t.Errorf("March, one unit = %+v, %v", c, ok)
	}
	// One unit's own comparison.
	c, ok = Compare(SamePeriod, p23, xk23, cur, YearToDate(2023, 2), p22, last, YearToDate(2022, 2), Filter{Unit: "ben-luc"}, Filter{Unit: "ben-luc"}, now)
	if !ok || !near(c.Pct, 190.0/200*100-100) || c.Units != 0 {
		t.Errorf("Bến Lức Jan–Feb = %+v, %v", c, ok)
	}
	// Nothing last year: no comparison, rather than a made-up one.
	if c, ok := Compare(SamePeriod, p23, xk23, cur, Month(2023, 2), p22, nil, Month(2022, 2), Filter{}, Filter{}, now); ok {
		t.Errorf("without last year's figures = %+v", c)
	}
	// A unit last year's plan does not have: no unit comparison.
	if c, ok := Compare(SamePeriod, p23, xk23, cur, Month(2023, 2), p22, last, Month(2022, 2), Filter{Unit: "phuong-moi"}, Filter{Unit: "phuong-moi"}, now); ok {
		t.Errorf("a unit unknown last year = %+v", c)
	}
	if p, ok := PreviousMonth(Month(2023, 1)); !ok || p != Month(2022, 12) {
		t.Errorf("month before January 2023 = %v", p)
	}
}

func TestProjectAtPaceAndAlongLastYear(t *testing.T) {
	p22, p23 := DefaultPlan(), plan2023(t)
	xk23 := p23.Indicator("xuat-khau")
	now := time.Date(2023, 4, 15, 0, 0, 0, 0, time.UTC)
	// 2022: 100 a month per unit in the first half, 200 in the second.
	var last []Report
	for m := 1; m <= 12; m++ {
		v := int64(100)
		if m > 6 {
			v = 200
		}
		last = append(last, exportsOf(p22, 2022, m, every(v))...)
	}
	var cur []Report
	for m := 1; m <= 3; m++ {
		cur = append(cur, exportsOf(p23, 2023, m, every(110))...)
	}
	pr := Compute(p23, xk23, cur, Filter{}, now)
	got, ok := Project(xk23, pr, p22, last, now)
	if !ok {
		t.Fatal("no projection")
	}
	// At pace: 3 × 110 × 15 = 4 950 million in 3 months → 19 800 million.
	if got.Pace != Amount(19_800e6*AmountScale) || !near(got.PacePercent, 19_800.0/7_000*100) {
		t.Errorf("pace = %v (%v%%)", got.Pace, got.PacePercent)
	}
	// Along 2022: its first 3 months were 1/6 of its year → 29 700 million.
	if got.SeasonYear != 2022 || got.Seasonal != Amount(29_700e6*AmountScale) {
		t.Errorf("seasonal = %v from %d", got.Seasonal, got.SeasonYear)
	}
	// Without last year: the pace alone.
	if got, ok := Project(xk23, pr, nil, nil, now); !ok || got.SeasonYear != 0 {
		t.Errorf("without last year = %+v, %v", got, ok)
	}
	// A rate has no projection.
	if _, ok := Project(p23.Indicator("iip"), pr, nil, nil, now); ok {
		t.Error("a rate was projected")
	}
}

func TestUnitTargetsAndStanding(t *testing.T) {
	src := bytes.Replace(DefaultPlanSource(), []byte(`target = "6_400_000_000"`), []byte(`target = "6_400_000_000"`+"\nunit_targets = { \"ben-luc\" = \"500_000_000\", \"phuong-9\" = \"1\" }"), 1)
	if _, err := ParsePlan("p.toml", src); err == nil || !strings.Contains(err.Error(), "unit_targets.phuong-9: is not a unit of the plan") {
		t.Errorf("a target for a unit the plan lacks: %v", err)
	}
	src = bytes.Replace(src, []byte(`, "phuong-9" = "1"`), nil, 1)
	p, err := ParsePlan("p.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	xk := p.Indicator("xuat-khau")
	if a, ok := xk.UnitTarget("ben-luc"); !ok || a != Amount(500e6*AmountScale) {
		t.Errorf("Bến Lức's target = %v, %v", a, ok)
	}
	if _, ok := xk.UnitTarget("duc-hoa"); ok {
		t.Error("Đức Hòa has a target the plan does not give")
	}
	rs := exportsOf(p, 2022, 1, func(u string) int64 {
		switch u {
		case "ben-luc":
			return 30
		case "duc-hoa":
			return 50
		case "tan-an":
			return 20
		}
		return 0
	})
	prov := Compute(p, xk, rs, Filter{}, time.Date(2022, 2, 10, 0, 0, 0, 0, time.UTC))
	st, ok := UnitStanding(prov, "ben-luc")
	if !ok || st.Rank != 2 || st.Of != 3 || !near(st.Share, 30) {
		t.Errorf("Bến Lức's standing = %+v, %v", st, ok)
	}
	if _, ok := UnitStanding(prov, "moc-hoa"); ok {
		t.Error("a unit without figures has a standing")
	}
}
