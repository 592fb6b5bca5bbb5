package kpi

import (
	"strings"
	"testing"
	"time"
)

// The issue's sequence: Bến Lức's months 1–3 (3,67 tỉ), then "lũy kế 5
// tháng: 2,51 tỉ" — smaller than the months already stored.
func TestSeriesNeverFallsBelowAnEarlierYearToDate(t *testing.T) {
	rs := reportsOf(t, "xuat-khau", "ben-luc 1 1_200_000_000", "ben-luc 2 1_200_000_000", "ben-luc 3 1_270_000_000", "ben-luc 1-5 2_510_000_000")
	s := UnitSeries("ben-luc", rs)
	prev := Amount(0)
	for m := 1; m <= 12; m++ {
		if y := s.Month(m).YTD; y < prev {
			t.Fatalf("YTD at month %d is %s, below %s at an earlier month", m, y, prev)
		} else {
			prev = y
		}
	}
	if mf := s.Month(5); mf.YTD != mustAmount(t, "3670000000") || mf.Exact || mf.Reach != 3 {
		t.Errorf("month 5: YTD %s exact %v reach %d; want at least 3,67 tỉ through month 3", mf.YTD, mf.Exact, mf.Reach)
	}
	for _, m := range []int{4, 5} {
		if mf := s.Month(m); mf.State != MonthIncluded || mf.In == nil || mf.In.Period.To != 5 {
			t.Errorf("month %d: state %d in %v; want included in lũy kế 5 tháng", m, mf.State, mf.In)
		}
	}
	if !s.Reported(Month(2022, 4)) || s.Reported(Month(2022, 6)) {
		t.Errorf("reported April %v, June %v; want true, false", s.Reported(Month(2022, 4)), s.Reported(Month(2022, 6)))
	}
	cs := Contradictions(rs)
	if len(cs) != 1 || cs[0].Figure.Period.To != 5 || cs[0].Sum != mustAmount(t, "3670000000") || cs[0].Reach != 3 {
		t.Fatalf("contradictions %+v; want lũy kế 5 tháng below the 3 months' 3,67 tỉ", cs)
	}
	p := DefaultPlan()
	pr := Compute(p, p.Indicator("xuat-khau"), rs, Filter{}, onDay(t, "06-25"))
	if pr.Total != mustAmount(t, "3670000000") || !pr.AtLeast || pr.Through != 5 {
		t.Errorf("progress %s at least %v through %d; want at least 3,67 tỉ through 5", pr.Total, pr.AtLeast, pr.Through)
	}
	four := Compute(p, p.Indicator("xuat-khau"), rs, Filter{Period: YearToDate(2022, 4)}, onDay(t, "06-25"))
	if !four.HasData || four.Total != mustAmount(t, "3670000000") || !four.AtLeast || unitShorts(four.Missing) != allUnitsBut(p, "ben-luc") {
		t.Errorf("lũy kế 4 tháng: data %v %s at least %v missing %q; want at least 3,67 tỉ, Bến Lức reported", four.HasData, four.Total, four.AtLeast, unitShorts(four.Missing))
	}
}

func TestSeriesMonthsInsideACumulative(t *testing.T) {
	rs := reportsOf(t, "xuat-khau", "u 1 100", "u 2 100", "u 3 100", "u 1-5 600")
	s := UnitSeries("u", rs)
	if mf := s.Month(5); mf.YTD != 600*AmountScale || !mf.Exact {
		t.Errorf("YTD 5 = %s exact %v; want 600 exact", mf.YTD, mf.Exact)
	}
	if mf := s.Month(4); mf.State != MonthIncluded || mf.Exact || mf.YTD != 300*AmountScale || mf.Reach != 3 {
		t.Errorf("month 4: %+v; want included, YTD at least 300 through 3", mf)
	}
	if v := s.Span(Period{Year: 2022, From: 4, To: 5}); !v.Exact || v.Value != 300*AmountScale {
		t.Errorf("April–May %+v; want exactly 300 (600 − 300)", v)
	}
	if v := s.Span(Month(2022, 4)); v.Exact || !v.Reported || v.In == nil || v.In.Period.To != 5 {
		t.Errorf("April %+v; want reported, inside lũy kế 5 tháng", v)
	}
	if cs := Contradictions(rs); len(cs) != 0 {
		t.Errorf("contradictions %+v; want none", cs)
	}
}

func TestSeriesDerivesAMonthOnlyFromTwoKnownCumulatives(t *testing.T) {
	s := UnitSeries("u", reportsOf(t, "xuat-khau", "u 1-3 300", "u 1-4 420", "u 1-6 700"))
	if mf := s.Month(4); mf.State != MonthKnown || mf.Value != 120*AmountScale {
		t.Errorf("April %+v; want known 120 (420 − 300)", mf)
	}
	for _, m := range []int{5, 6} {
		if mf := s.Month(m); mf.State != MonthIncluded {
			t.Errorf("month %d %+v; want included (only their sum, 280, is known)", m, mf)
		}
	}
	if mf := s.Month(2); mf.State != MonthIncluded {
		t.Errorf("February %+v; want included in lũy kế 3 tháng", mf)
	}
}

func TestNewContradictions(t *testing.T) {
	cases := []struct {
		name     string
		stored   []string
		incoming []string
		want     string // "" none; else the figure's period and the parts' sum
	}{
		{"a cumulative smaller than the months", []string{"u 1 1200", "u 2 1200", "u 3 1270"}, []string{"u 1-5 2510"}, "1-5 3670"},
		{"a cumulative smaller than an earlier cumulative", []string{"u 1-3 900"}, []string{"u 1-5 800"}, "1-5 900"},
		{"a month that pushes the months past a later cumulative", []string{"u 1-3 300", "u 1-5 500"}, []string{"u 4 300"}, "1-5 600"},
		{"a quarter that disagrees with its months", []string{"u 4 100", "u 5 100", "u 6 100"}, []string{"u 4-6 350"}, "4-6 300"},
		{"a consistent cumulative", []string{"u 1 100", "u 2 100"}, []string{"u 1-5 600"}, ""},
		{"a correction that removes the contradiction", []string{"u 1 100", "u 2 100", "u 1-2 150"}, []string{"u 1-2 200"}, ""},
		{"an old contradiction is not the new figure's", []string{"u 1 100", "u 2 100", "u 1-2 150"}, []string{"u 7 10"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stored := reportsOf(t, "xuat-khau", c.stored...)
			in := reportsOf(t, "xuat-khau", c.incoming...)
			for i := range in {
				in[i].At = time.Time{} // replaces its slot whatever its time
			}
			got := NewContradictions(stored, in)
			desc := ""
			if len(got) > 0 {
				desc = periodSpec(got[0].Figure.Period) + " " + got[0].Sum.String()
			}
			if desc != c.want || len(got) > 1 {
				t.Errorf("got %q (%d); want %q", desc, len(got), c.want)
			}
		})
	}
}

func periodSpec(p Period) string {
	if p.IsMonth() {
		return itoa(p.From)
	}
	return itoa(p.From) + "-" + itoa(p.To)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

func TestPaceBand(t *testing.T) {
	for _, c := range []struct {
		pts, share float64
		want       Pace
	}{{-0.04, 40, PaceOn}, {-0.05, 40, PaceBehind}, {0.049, 40, PaceOn}, {0.05, 40, PaceAhead}, {-3, 0, PaceNone}} {
		if got := PaceOf(c.pts, c.share); got != c.want {
			t.Errorf("PaceOf(%v, %v) = %d; want %d", c.pts, c.share, got, c.want)
		}
	}
}

// A month inside a cumulative has no value of its own: it is not compared
// with the same month last year as if it were 0.
func TestCompareSkipsAMonthInsideACumulative(t *testing.T) {
	p := DefaultPlan()
	src := strings.Replace(strings.Replace(string(DefaultPlanSource()), `id = "long-an-2022"`, `id = "long-an-2021"`, 1), "year = 2022", "year = 2021", 1)
	last, err := ParsePlan("2021.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ind := p.Indicator("xuat-khau")
	cur := reportsOf(t, "xuat-khau", "ben-luc 1-5 2_510_000_000", "tan-an 4 100")
	prev := reportsOf(t, "xuat-khau", "ben-luc 2021/4 400", "tan-an 2021/4 80")
	c, ok := Compare(SamePeriod, p, ind, cur, Month(2022, 4), last, prev, Month(2021, 4), Filter{}, Filter{}, onDay(t, "06-25"))
	if !ok || c.Cur != 100*AmountScale || c.Prev != 80*AmountScale || c.Units != 1 {
		t.Fatalf("change %+v ok %v; want Tân An alone, 100 on 80", c, ok)
	}
}
