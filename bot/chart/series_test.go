package chart

import (
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// The chart's numbers come from the series: a month inside a unit's
// "lũy kế 5 tháng" has no bar of its own, and the year-to-date line never
// falls, even after a cumulative smaller than the months before it.
func TestCumulativeSeriesFromTheUnitSeries(t *testing.T) {
	p := kpi.DefaultPlan()
	at := time.Date(2022, 6, 1, 9, 0, 0, 0, zone)
	rep := func(per kpi.Period, v int64, min int) kpi.Report {
		return kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: per, Value: kpi.Amount(v * 1_000_000 * kpi.AmountScale), At: at.Add(time.Duration(min) * time.Minute)}
	}
	rs := []kpi.Report{rep(kpi.Month(2022, 1), 1200, 1), rep(kpi.Month(2022, 2), 1200, 2), rep(kpi.Month(2022, 3), 1270, 3), rep(kpi.YearToDate(2022, 5), 2510, 4)}
	cu := Cumulative{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: rs, Now: time.Date(2022, 6, 10, 9, 0, 0, 0, zone), Lang: "vi", T: textIn(t, "vi")}
	s := cu.Series()
	for m, want := range []bool{true, true, true, false, false, false} {
		if s.HasMonth[m] != want {
			t.Errorf("month %d has a bar %v; want %v", m+1, s.HasMonth[m], want)
		}
	}
	prev := 0.0
	for m := 0; m < s.Through; m++ {
		if s.YTD[m] < prev {
			t.Fatalf("the year-to-date line falls at month %d: %v < %v", m+1, s.YTD[m], prev)
		}
		prev = s.YTD[m]
	}
	if s.Through != 5 || prev != 3670 {
		t.Errorf("line reaches month %d at %v; want month 5 at 3670 (at least the months)", s.Through, prev)
	}
}
