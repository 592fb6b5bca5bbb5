package kpi

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

var progZone = time.FixedZone("ICT", 7*3600)

// onDay is a civil date in 2022 unless the text names a year: "03-15" or "2021-10-01".
func onDay(t *testing.T, s string) time.Time {
	t.Helper()
	if len(s) == 5 {
		s = "2022-" + s
	}
	d, err := time.ParseInLocation("2006-01-02", s, progZone)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return d
}

// reportsOf builds reports of indicator ind from lines "unit period value [MM-DD]":
// period is "3" (a month), "1-5" (months 1..5) or "2021/1-12"; value a plain
// decimal; the optional date is when it was confirmed (default: one minute
// after the previous line, so later lines are later confirmations). Via holds
// the line, to tell which report a result came from.
func reportsOf(t *testing.T, ind string, lines ...string) []Report {
	t.Helper()
	var out []Report
	at := time.Date(2022, 6, 1, 8, 0, 0, 0, progZone)
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 3 || len(f) > 4 {
			t.Fatalf("bad line %q", line)
		}
		per := Period{Year: 2022}
		spec := f[1]
		if y, rest, ok := strings.Cut(spec, "/"); ok {
			fmt.Sscanf(y, "%d", &per.Year)
			spec = rest
		}
		from, to, ok := strings.Cut(spec, "-")
		if !ok {
			to = from
		}
		fmt.Sscanf(from, "%d", &per.From)
		fmt.Sscanf(to, "%d", &per.To)
		if !per.Valid() {
			t.Fatalf("bad period in %q", line)
		}
		v, err := ParseDecimal(f[2])
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		at = at.Add(time.Minute)
		if len(f) == 4 {
			at = onDay(t, f[3]).Add(9 * time.Hour)
		}
		out = append(out, Report{Indicator: ind, Unit: f[0], Period: per, Value: v, By: 42, ByName: "cán bộ", At: at, Via: line})
	}
	return out
}

// itemReport builds a count or milestone report: unit, item name or stage id, the
// date it happened, and when it was confirmed.
func itemReport(t *testing.T, ind, unit, name, date, confirmed string) Report {
	t.Helper()
	return Report{Indicator: ind, Unit: unit, Item: name, Value: AmountScale, Date: onDay(t, date),
		At: onDay(t, confirmed).Add(10 * time.Hour), Via: unit + ":" + name}
}

// mustAmount reads a plain decimal or fails the test.
func mustAmount(t *testing.T, s string) Amount {
	t.Helper()
	a, err := ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// unitShorts names units the way a reply lists them.
func unitShorts(us []*Unit) string {
	var names []string
	for _, u := range us {
		names = append(names, u.Short)
	}
	return strings.Join(names, ", ")
}

// allUnitsBut is every district unit except ids, in plan order.
func allUnitsBut(p *Plan, ids ...string) string {
	skip := map[string]bool{}
	for _, id := range ids {
		skip[id] = true
	}
	var names []string
	for _, u := range p.Units {
		if !skip[u.ID] {
			names = append(names, u.Short)
		}
	}
	return strings.Join(names, ", ")
}

// closeTo compares percentages to the precision a reply shows.
func closeTo(got, want float64) bool { return math.Abs(got-want) < 1e-3 }

func TestThroughIsExactOrUnknown(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		m     int
		want  string // "" = not derivable
	}{
		{"months add up", []string{"u 1 100", "u 2 120", "u 3 130"}, 3, "350"},
		{"months up to an earlier month", []string{"u 1 100", "u 2 120", "u 3 130"}, 2, "220"},
		{"no figure for the month yet", []string{"u 1 100", "u 2 120"}, 3, ""},
		{"nothing before January", []string{"u 1-5 500"}, 0, "0"},
		{"year to date is exact", []string{"u 1-5 500"}, 5, "500"},
		{"a year-to-date figure cannot be split", []string{"u 1-5 500"}, 4, ""},
		{"an earlier year-to-date figure answers", []string{"u 1-5 500", "u 1-3 280"}, 3, "280"},
		{"earlier year to date plus a month", []string{"u 1-5 500", "u 1-3 280", "u 4 100"}, 4, "380"},
		{"a quarter cannot be split", []string{"u 1-3 280", "u 4-6 330"}, 5, ""},
		{"a quarter after a year to date", []string{"u 1-3 280", "u 4-6 330"}, 6, "610"},
		{"a quarter without the months before it", []string{"u 4-6 330"}, 6, ""},
		{"year to date wins over the months it covers", []string{"u 1 100", "u 2 100", "u 3 100", "u 1-3 330"}, 3, "330"},
		{"the months still answer earlier months", []string{"u 1 100", "u 2 100", "u 3 100", "u 1-3 330"}, 2, "200"},
		{"a gap", []string{"u 1 100", "u 3 130"}, 3, ""},
		{"a month past the year", []string{"u 1-12 900"}, 13, ""},
		{"a resent figure replaces the first", []string{"u 1-3 280", "u 1-3 300"}, 3, "300"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Through(reportsOf(t, "xuat-khau", c.lines...), c.m)
			switch {
			case c.want == "" && ok:
				t.Fatalf("Through(%d) = %s; want not derivable", c.m, got)
			case c.want != "" && (!ok || got != mustAmount(t, c.want)):
				t.Fatalf("Through(%d) = %s, %v; want %s", c.m, got, ok, c.want)
			}
		})
	}
}

// A month's value is the difference of two year-to-date totals.
func TestMonthValueFromYearToDateDifferences(t *testing.T) {
	rs := reportsOf(t, "xuat-khau", "u 1-2 300", "u 1-3 450", "u 4 200", "u 1-6 1000")
	month := func(m int) (Amount, bool) {
		hi, ok1 := Through(rs, m)
		lo, ok2 := Through(rs, m-1)
		return hi - lo, ok1 && ok2
	}
	cases := []struct {
		name string
		m    int
		want string // "" = not derivable
	}{
		{"March from two year-to-date figures", 3, "150"},
		{"April as sent", 4, "200"},
		{"February needs January", 2, ""},
		{"May is inside the half-year figure", 5, ""},
		{"June needs May", 6, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := month(c.m)
			switch {
			case c.want == "" && ok:
				t.Fatalf("month %d = %s; want not derivable", c.m, got)
			case c.want != "" && (!ok || got != mustAmount(t, c.want)):
				t.Fatalf("month %d = %s, %v; want %s", c.m, got, ok, c.want)
			}
		})
	}
}

func TestCumulativeTotalNeverCountsAMonthTwice(t *testing.T) {
	cases := []struct {
		name    string
		lines   []string
		total   string
		through int
		gaps    []int
	}{
		{"T1, T2, then lũy kế 3 tháng", []string{"u 1 100", "u 2 120", "u 1-3 400"}, "400", 3, nil},
		{"lũy kế 5 tháng then T6", []string{"u 1-5 500", "u 6 110"}, "610", 6, nil},
		{"Q1 then T4", []string{"u 1-3 300", "u 4 90"}, "390", 4, nil},
		{"T1..T3 and Q1: the quarter alone", []string{"u 1 100", "u 2 100", "u 3 100", "u 1-3 330"}, "330", 3, nil},
		{"T4..T6 and Q2: the quarter alone", []string{"u 1 1", "u 2 2", "u 3 3", "u 4 4", "u 5 5", "u 6 6", "u 4-6 20"}, "26", 6, nil},
		{"6 tháng đầu năm over the quarters", []string{"u 1-3 300", "u 4-6 330", "u 1-6 650"}, "650", 6, nil},
		{"a gap: T1 and T3 both count, month 2 is still due", []string{"u 1 100", "u 3 130"}, "230", 3, []int{2}},
		{"a gap before a quarter", []string{"u 1 100", "u 4-6 330"}, "430", 6, []int{2, 3}},
		{"two gaps", []string{"u 1 100", "u 3 130", "u 5 150"}, "380", 5, []int{2, 4}},
		{"a lone March counts, January and February are still due", []string{"u 3 520"}, "520", 3, []int{1, 2}},
		// June is inside the quarter: reported, though not counted (the
		// quarter overlaps the year to date); the total is a lower bound.
		{"a quarter overlapping the year to date is skipped", []string{"u 1-5 500", "u 4-6 330", "u 7 100"}, "600", 7, nil},
		{"the gap filled", []string{"u 1 100", "u 3 130", "u 2 120"}, "350", 3, nil},
		{"nothing", nil, "0", 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CumulativeTotal(reportsOf(t, "xuat-khau", c.lines...))
			if got.Total != mustAmount(t, c.total) || got.Through != c.through || !reflect.DeepEqual(got.Gaps, c.gaps) {
				t.Fatalf("total %s through %d gaps %v; want %s through %d gaps %v", got.Total, got.Through, got.Gaps, c.total, c.through, c.gaps)
			}
		})
	}
}

func TestComputeCumulative(t *testing.T) {
	p := DefaultPlan()
	now := onDay(t, "06-25")
	every := func(value string, but ...string) []string {
		skip := map[string]bool{}
		for _, id := range but {
			skip[id] = true
		}
		var lines []string
		for i := len(p.Units) - 1; i >= 0; i-- { // reverse: order must come from the plan
			if !skip[p.Units[i].ID] {
				lines = append(lines, p.Units[i].ID+" 1-3 "+value)
			}
		}
		return lines
	}
	type want struct {
		total                string
		percent, share, pace float64
		through              int
		hasData, behind      bool
		missing              string
		latest               string // Via of Latest; "" = nil
		units                int
	}
	cases := []struct {
		name  string
		ind   string
		lines []string
		f     Filter
		want  want
	}{
		{
			name:  "design: lũy kế 5 tháng is 41,7% of the year",
			ind:   "xuat-khau",
			lines: []string{"ben-luc 1-5 2_510_000_000"},
			want: want{total: "2510000000", percent: 39.21875, share: 41.667, pace: -2.448, through: 5, hasData: true, behind: true,
				missing: allUnitsBut(p, "ben-luc"), latest: "ben-luc 1-5 2_510_000_000", units: 15},
		},
		{
			name:  "design: 520 triệu USD in March for Bến Lức is 8,125% of 6,4 tỉ",
			ind:   "xuat-khau",
			lines: []string{"ben-luc 1 400_000_000", "ben-luc 2 450_000_000", "ben-luc 3 520_000_000", "tan-an 1-3 900_000_000"},
			f:     Filter{Unit: "ben-luc", Period: Month(2022, 3)},
			want: want{total: "520000000", percent: 8.125, through: 3, hasData: true,
				latest: "ben-luc 3 520_000_000", units: 1},
		},
		{
			name:  "lũy kế 3 tháng of 520 triệu against a quarter of the year",
			ind:   "xuat-khau",
			lines: []string{"ben-luc 1-3 520_000_000"},
			f:     Filter{Unit: "ben-luc"},
			want: want{total: "520000000", percent: 8.125, share: 25, pace: -16.875, through: 3, hasData: true, behind: true,
				latest: "ben-luc 1-3 520_000_000", units: 1},
		},
		{
			name:  "units summed; the laggards missing, in plan order",
			ind:   "xuat-khau",
			lines: append(every("100_000_000", "ben-luc", "vinh-hung"), "ben-luc 1-2 50_000_000"),
			want: want{total: "1350000000", percent: 21.09375, share: 25, pace: -3.906, through: 3, hasData: true, behind: true,
				missing: "Bến Lức, Vĩnh Hưng", latest: "ben-luc 1-2 50_000_000", units: 15},
		},
		{
			name:  "on pace is not behind",
			ind:   "nhap-khau",
			lines: []string{"duc-hoa 1-6 2_600_000_000"},
			want: want{total: "2600000000", percent: 52, share: 50, pace: 2, through: 6, hasData: true,
				missing: allUnitsBut(p, "duc-hoa"), latest: "duc-hoa 1-6 2_600_000_000", units: 15},
		},
		{
			name:  "the department does not report exports",
			ind:   "xuat-khau",
			lines: []string{"so-cong-thuong 1-3 1_000_000_000", "ben-luc 1-3 100_000_000"},
			want: want{total: "100000000", percent: 1.5625, share: 25, pace: -23.4375, through: 3, hasData: true, behind: true,
				missing: allUnitsBut(p, "ben-luc"), latest: "ben-luc 1-3 100_000_000", units: 15},
		},
		{
			name:  "last year's figures do not count",
			ind:   "xuat-khau",
			lines: []string{"ben-luc 2021/1-12 5_000_000_000", "tan-an 2021/1-12 1_000_000_000"},
			want:  want{total: "0", units: 15},
		},
		{
			name:  "latest is the last confirmed figure that counts",
			ind:   "xuat-khau",
			lines: []string{"ben-luc 1-2 200 06-10", "tan-an 1-3 300 06-12", "can-duoc 1 100 06-05", "can-duoc 3 100 06-20"},
			want: want{total: "700", percent: 0.0000109, share: 25, pace: -25, through: 3, hasData: true, behind: true,
				missing: allUnitsBut(p, "tan-an", "can-duoc"), latest: "can-duoc 3 100 06-20", units: 15},
		},
		{
			name:  "a resent figure replaces the first",
			ind:   "ban-le",
			lines: []string{"tan-tru 1-3 4_000_000_000_000 06-02", "tan-tru 1-3 4_820_000_000_000 06-03"},
			f:     Filter{Unit: "tan-tru"},
			want: want{total: "4820000000000", percent: 5, share: 25, pace: -20, through: 3, hasData: true, behind: true,
				latest: "tan-tru 1-3 4_820_000_000_000 06-03", units: 1},
		},
		{
			name:  "a resent figure arriving first still wins by confirmation time",
			ind:   "ban-le",
			lines: []string{"tan-tru 1-3 4_820_000_000_000 06-03", "tan-tru 1-3 4_000_000_000_000 06-02"},
			f:     Filter{Unit: "tan-tru"},
			want: want{total: "4820000000000", percent: 5, share: 25, pace: -20, through: 3, hasData: true, behind: true,
				latest: "tan-tru 1-3 4_820_000_000_000 06-03", units: 1},
		},
		{
			name: "nothing reported",
			ind:  "xuat-khau",
			want: want{total: "0", units: 15},
		},
		{
			name:  "period filter: a quarter from year-to-date differences and from a quarter",
			ind:   "xuat-khau",
			lines: []string{"tan-an 1-3 300_000_000", "tan-an 1-6 800_000_000", "ben-luc 1-3 200_000_000", "ben-luc 4-6 250_000_000", "can-duoc 1-5 700_000_000"},
			f:     Filter{Period: Quarter(2022, 2)},
			want: want{total: "750000000", percent: 11.71875, through: 6, hasData: true,
				missing: allUnitsBut(p, "tan-an", "ben-luc"), latest: "ben-luc 4-6 250_000_000", units: 15},
		},
		{
			name:  "period filter: a year-to-date period is held against the year",
			ind:   "xuat-khau",
			lines: []string{"tan-an 1-3 320_000_000", "tan-an 1-5 600_000_000"},
			f:     Filter{Unit: "tan-an", Period: YearToDate(2022, 3)},
			want: want{total: "320000000", percent: 5, share: 25, pace: -20, through: 3, hasData: true, behind: true,
				latest: "tan-an 1-3 320_000_000", units: 1},
		},
		{
			// May is inside "lũy kế 5 tháng": reported, not missing; the
			// value of May alone is not known (UnitTotal.In says where it is).
			name:  "period filter: a unit that cannot split its figure has reported, its month inside the cumulative",
			ind:   "xuat-khau",
			lines: []string{"tan-an 1-5 600_000_000"},
			f:     Filter{Unit: "tan-an", Period: Month(2022, 5)},
			want:  want{total: "0", through: 5, hasData: true, latest: "tan-an 1-5 600_000_000", units: 1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ind := p.Indicator(c.ind)
			got := Compute(p, ind, reportsOf(t, c.ind, c.lines...), c.f, now)
			w := c.want
			latest := ""
			if got.Latest != nil {
				latest = got.Latest.Via
			}
			if got.Total != mustAmount(t, w.total) || !closeTo(got.Percent, w.percent) || !closeTo(got.YearShare, w.share) || !closeTo(got.PacePoints, w.pace) ||
				got.Through != w.through || got.HasData != w.hasData || got.Behind != w.behind || latest != w.latest || len(got.Units) != w.units {
				t.Errorf("total %s %.4f%% share %.3f pace %.3f through %d data %v behind %v latest %q units %d\nwant  %s %.4f%% share %.3f pace %.3f through %d data %v behind %v latest %q units %d",
					got.Total, got.Percent, got.YearShare, got.PacePoints, got.Through, got.HasData, got.Behind, latest, len(got.Units),
					w.total, w.percent, w.share, w.pace, w.through, w.hasData, w.behind, w.latest, w.units)
			}
			if m := unitShorts(got.Missing); m != w.missing {
				t.Errorf("missing %q\nwant    %q", m, w.missing)
			}
		})
	}
}

// The design's examples, exactly as a reply would print them.
func TestComputeDesignExamplesPrintAsWritten(t *testing.T) {
	p := DefaultPlan()
	ind := p.Indicator("xuat-khau")
	now := onDay(t, "06-25")
	five := Compute(p, ind, reportsOf(t, "xuat-khau", "ben-luc 1-5 2_510_000_000"), Filter{}, now)
	if s := fmt.Sprintf("%.1f", five.YearShare); s != "41.7" {
		t.Errorf("5 months reported are %s%% of the year; want 41.7", s)
	}
	if five.Period != YearToDate(2022, 5) {
		t.Errorf("total covers %+v; want months 1..5", five.Period)
	}
	march := Compute(p, ind, reportsOf(t, "xuat-khau", "ben-luc 1 400_000_000", "ben-luc 2 450_000_000", "ben-luc 3 520_000_000"),
		Filter{Unit: "ben-luc", Period: Month(2022, 3)}, now)
	if march.Percent != 8.125 {
		t.Errorf("520 triệu of 6,4 tỉ is %v%%; want exactly 8.125", march.Percent)
	}
}

func TestComputeListsEveryUnitInPlanOrder(t *testing.T) {
	p := DefaultPlan()
	rs := reportsOf(t, "xuat-khau", "vinh-hung 1-4 40", "ben-luc 1 10", "ben-luc 3 30", "tan-an 1-3 30")
	got := Compute(p, p.Indicator("xuat-khau"), rs, Filter{}, onDay(t, "06-25"))
	if len(got.Units) != len(p.Units) {
		t.Fatalf("%d units; want %d", len(got.Units), len(p.Units))
	}
	want := map[string]UnitTotal{
		"tan-an":    {Unit: "tan-an", Total: 30 * AmountScale, Through: 3, Exact: true},
		"ben-luc":   {Unit: "ben-luc", Total: 40 * AmountScale, Through: 3, Gaps: []int{2}},
		"vinh-hung": {Unit: "vinh-hung", Total: 40 * AmountScale, Through: 4, Exact: true, Reported: true},
	}
	for i, ut := range got.Units {
		if ut.Unit != p.Units[i].ID {
			t.Errorf("Units[%d] is %s; want %s (plan order)", i, ut.Unit, p.Units[i].ID)
		}
		w, ok := want[ut.Unit]
		if !ok {
			w = UnitTotal{Unit: ut.Unit}
		}
		if !reflect.DeepEqual(ut, w) {
			t.Errorf("%s: %+v; want %+v", ut.Unit, ut, w)
		}
	}
	if got.Total != 110*AmountScale || got.Through != 4 {
		t.Errorf("province %s through %d; want 110 through 4", got.Total, got.Through)
	}
}

func TestComputeRateAndLevel(t *testing.T) {
	p := DefaultPlan()
	now := onDay(t, "07-25")
	iipByUnits := *p.Indicator("iip")
	iipByUnits.Reporters = ByUnits
	cases := []struct {
		name               string
		ind                *Indicator
		lines              []string
		f                  Filter
		value              string // "" = no data
		period             Period
		met, above, behind bool
		missing            string
	}{
		{name: "GRDP 6,2% is below 6,5–7%", ind: p.Indicator("grdp"), lines: []string{"so-cong-thuong 1-6 6.2"},
			value: "6.2", period: YearToDate(2022, 6), behind: true},
		{name: "GRDP 6,8% is within the range", ind: p.Indicator("grdp"), lines: []string{"so-cong-thuong 1-6 6.8"},
			value: "6.8", period: YearToDate(2022, 6), met: true},
		{name: "GRDP 6,5% meets the range at its low end", ind: p.Indicator("grdp"), lines: []string{"so-cong-thuong 1-6 6.5"},
			value: "6.5", period: YearToDate(2022, 6), met: true},
		{name: "GRDP 7,3% is met and above the range", ind: p.Indicator("grdp"), lines: []string{"so-cong-thuong 1-6 7.3"},
			value: "7.3", period: YearToDate(2022, 6), met: true, above: true},
		{name: "GRDP: the later quarter wins", ind: p.Indicator("grdp"), lines: []string{"so-cong-thuong 1-6 6.8", "so-cong-thuong 1-3 7.1"},
			value: "6.8", period: YearToDate(2022, 6), met: true},
		{name: "IIP: the latest period wins, not the latest confirmation", ind: p.Indicator("iip"),
			lines: []string{"so-cong-thuong 1-5 8.1 06-20", "so-cong-thuong 1-4 6.5 06-28"},
			value: "8.1", period: YearToDate(2022, 5), met: true},
		{name: "IIP for a chosen period", ind: p.Indicator("iip"),
			lines: []string{"so-cong-thuong 1-5 8.1 06-20", "so-cong-thuong 1-4 6.5 06-28"}, f: Filter{Period: YearToDate(2022, 4)},
			value: "6.5", period: YearToDate(2022, 4), behind: true},
		// Nobody reported 1..6: the latest within it, its own period named
		// (the 6-month table and the chat show the same IIP).
		{name: "IIP for a period nobody reported exactly: the latest within it", ind: p.Indicator("iip"),
			lines: []string{"so-cong-thuong 1-5 8.1"}, f: Filter{Period: YearToDate(2022, 6)},
			value: "8.1", period: YearToDate(2022, 5), met: true},
		{name: "IIP for a period with nothing within it", ind: p.Indicator("iip"),
			lines: []string{"so-cong-thuong 1-5 8.1"}, f: Filter{Period: Quarter(2022, 3)}},
		{name: "households with electricity 99,95% is behind 99,97%", ind: p.Indicator("ho-dung-dien"), lines: []string{"so-cong-thuong 1-3 99.95"},
			value: "99.95", period: Quarter(2022, 1), behind: true},
		{name: "households with electricity 99,97% is met", ind: p.Indicator("ho-dung-dien"), lines: []string{"so-cong-thuong 1-3 99.95", "so-cong-thuong 1-6 99.97"},
			value: "99.97", period: YearToDate(2022, 6), met: true},
		{name: "a periodic rate lists the units without the latest period", ind: &iipByUnits,
			lines: []string{"tan-an 1-5 7.5", "ben-luc 1-5 7.2", "can-duoc 1-4 7.0"},
			value: "7.2", period: YearToDate(2022, 5), met: true, missing: allUnitsBut(p, "tan-an", "ben-luc")},
		{name: "a unit filter picks that unit's latest", ind: &iipByUnits,
			lines: []string{"tan-an 1-5 7.5", "can-duoc 1-4 6.0"}, f: Filter{Unit: "can-duoc"},
			value: "6", period: YearToDate(2022, 4), behind: true},
		{name: "nothing reported", ind: p.Indicator("grdp")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Compute(p, c.ind, reportsOf(t, c.ind.ID, c.lines...), c.f, now)
			if c.value == "" {
				if got.HasData || got.Behind || got.Latest != nil {
					t.Fatalf("data %v behind %v latest %v; want no data", got.HasData, got.Behind, got.Latest)
				}
				return
			}
			if !got.HasData || got.Value != mustAmount(t, c.value) || got.Period != c.period || got.Met != c.met || got.AboveRange != c.above || got.Behind != c.behind {
				t.Errorf("data %v value %s %+v met %v above %v behind %v\nwant value %s %+v met %v above %v behind %v",
					got.HasData, got.Value, got.Period, got.Met, got.AboveRange, got.Behind, c.value, c.period, c.met, c.above, c.behind)
			}
			if got.Latest == nil || got.Latest.Value != got.Value || got.Latest.Period != got.Period {
				t.Errorf("latest %+v; want the report shown", got.Latest)
			}
			if m := unitShorts(got.Missing); m != c.missing {
				t.Errorf("missing %q\nwant    %q", m, c.missing)
			}
		})
	}
}

func TestComputeCount(t *testing.T) {
	p := DefaultPlan()
	const ccn, stores, logistics = "cum-cong-nghiep", "cua-hang-tien-ich", "logistics"
	storeItems := func(n int) []Report {
		var rs []Report
		for i := range n {
			rs = append(rs, itemReport(t, stores, p.Units[i].ID, fmt.Sprintf("Bách Hóa Xanh %d", i+1), fmt.Sprintf("%02d-10", i%6+1), "06-20"))
		}
		return rs
	}
	cases := []struct {
		name     string
		ind      string
		reports  []Report
		f        Filter
		now      string
		achieved int
		behind   bool
		items    string // Via of the items, in order
	}{
		{name: "two new clusters meet the target", ind: ccn, now: "07-01",
			reports: []Report{
				itemReport(t, ccn, "ben-luc", "CCN Hựu Thạnh", "05-10", "05-12"),
				itemReport(t, ccn, "duc-hoa", "CCN Đức Hòa 1", "03-01", "03-02"),
			},
			achieved: 2, items: "duc-hoa:CCN Đức Hòa 1, ben-luc:CCN Hựu Thạnh"},
		{name: "the same cluster sent twice counts once, the later confirmation kept", ind: ccn, now: "07-01",
			reports: []Report{
				itemReport(t, ccn, "ben-luc", "ccn huu thanh", "05-12", "05-13"),
				itemReport(t, ccn, "ben-luc", "CCN Hựu Thạnh", "05-10", "05-12"),
			},
			achieved: 1, items: "ben-luc:ccn huu thanh"},
		{name: "one cluster of two in December is on pace", ind: ccn, now: "12-15",
			reports:  []Report{itemReport(t, ccn, "ben-luc", "CCN Hựu Thạnh", "05-10", "05-12")},
			achieved: 1, items: "ben-luc:CCN Hựu Thạnh"},
		{name: "one cluster of two after the year is behind", ind: ccn, now: "2023-01-05",
			reports:  []Report{itemReport(t, ccn, "ben-luc", "CCN Hựu Thạnh", "05-10", "05-12")},
			achieved: 1, behind: true, items: "ben-luc:CCN Hựu Thạnh"},
		{name: "three stores of ten by July are behind (five expected)", ind: stores, now: "07-10",
			reports: storeItems(3), achieved: 3, behind: true,
			items: "tan-an:Bách Hóa Xanh 1, kien-tuong:Bách Hóa Xanh 2, ben-luc:Bách Hóa Xanh 3"},
		{name: "five stores of ten by July are on pace", ind: stores, now: "07-10",
			reports: storeItems(5), achieved: 5,
			items: "tan-an:Bách Hóa Xanh 1, kien-tuong:Bách Hóa Xanh 2, ben-luc:Bách Hóa Xanh 3, can-duoc:Bách Hóa Xanh 4, can-giuoc:Bách Hóa Xanh 5"},
		{name: "one store in February is on pace (none expected yet)", ind: stores, now: "02-10",
			reports: storeItems(1), achieved: 1, items: "tan-an:Bách Hóa Xanh 1"},
		{name: "a unit filter counts that unit's items", ind: stores, now: "07-10", f: Filter{Unit: "kien-tuong"},
			reports: storeItems(5), achieved: 1, behind: true, items: "kien-tuong:Bách Hóa Xanh 2"},
		{name: "a period filter counts the items dated in it and judges no pace", ind: stores, now: "12-10", f: Filter{Period: Quarter(2022, 2)},
			reports: storeItems(6), achieved: 3,
			items: "can-duoc:Bách Hóa Xanh 4, can-giuoc:Bách Hóa Xanh 5, chau-thanh:Bách Hóa Xanh 6"},
		{name: "a cluster opened last year does not count", ind: ccn, now: "07-01",
			reports: []Report{itemReport(t, ccn, "ben-luc", "CCN Hựu Thạnh", "2021-11-10", "05-12")}},
		{name: "logistics is the department's: a district's item is ignored", ind: logistics, now: "07-01",
			reports: []Report{itemReport(t, logistics, "ben-luc", "Trung tâm logistics Bến Lức", "05-10", "05-12")}},
		{name: "nothing achieved after the year: no data, not marked", ind: ccn, now: "2023-02-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Compute(p, p.Indicator(c.ind), c.reports, c.f, onDay(t, c.now))
			var names []string
			for _, it := range got.Items {
				names = append(names, it.Via)
			}
			if got.Achieved != c.achieved || got.HasData != (c.achieved > 0) || got.Behind != c.behind || strings.Join(names, ", ") != c.items {
				t.Errorf("achieved %d data %v behind %v items %q\nwant     %d behind %v items %q",
					got.Achieved, got.HasData, got.Behind, strings.Join(names, ", "), c.achieved, c.behind, c.items)
			}
		})
	}
}

func TestComputeCountPercentAndLatest(t *testing.T) {
	p := DefaultPlan()
	rs := []Report{
		itemReport(t, "cum-cong-nghiep", "duc-hoa", "CCN Đức Hòa 1", "03-01", "06-02"),
		itemReport(t, "cum-cong-nghiep", "ben-luc", "CCN Hựu Thạnh", "05-10", "05-12"),
	}
	got := Compute(p, p.Indicator("cum-cong-nghiep"), rs[:1], Filter{}, onDay(t, "07-01"))
	if got.Percent != 50 {
		t.Errorf("1 of 2 clusters is %v%%; want 50", got.Percent)
	}
	got = Compute(p, p.Indicator("cum-cong-nghiep"), rs, Filter{}, onDay(t, "07-01"))
	if got.Latest == nil || got.Latest.Via != "duc-hoa:CCN Đức Hòa 1" {
		t.Errorf("latest %+v; want the Đức Hòa cluster, confirmed last", got.Latest)
	}
}

func TestComputeMilestone(t *testing.T) {
	p := DefaultPlan()
	const solar = "dien-mat-troi"
	begun := []Report{
		itemReport(t, solar, "so-cong-thuong", "lap-dat", "05-10", "05-11"),
		itemReport(t, solar, "so-cong-thuong", "thi-cong", "2021-10-01", "02-20"),
	}
	done := append([]Report{
		itemReport(t, solar, "so-cong-thuong", "nghiem-thu", "06-28", "06-29"),
		itemReport(t, solar, "so-cong-thuong", "dong-dien", "06-30", "07-01"),
	}, begun...)
	cases := []struct {
		name    string
		reports []Report
		now     string
		stage   int
		dates   []string // per stage, "" = not reached
		behind  bool
		latest  string
	}{
		{name: "construction begun last year, installation done", reports: begun, now: "12-31",
			stage: 1, dates: []string{"2021-10-01", "05-10", "", ""}, latest: "so-cong-thuong:lap-dat"},
		{name: "not energised after the year is behind", reports: begun, now: "2023-01-02",
			stage: 1, dates: []string{"2021-10-01", "05-10", "", ""}, behind: true, latest: "so-cong-thuong:lap-dat"},
		{name: "energised is done", reports: done, now: "2023-01-02",
			stage: 3, dates: []string{"2021-10-01", "05-10", "06-28", "06-30"}, latest: "so-cong-thuong:dong-dien"},
		{name: "an unknown stage is ignored", now: "2023-01-02",
			reports: []Report{itemReport(t, solar, "so-cong-thuong", "khanh-thanh", "06-30", "07-01")},
			stage:   -1, dates: []string{"", "", "", ""}},
		{name: "nothing reported after the year: no data, not marked", now: "2023-01-02",
			stage: -1, dates: []string{"", "", "", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Compute(p, p.Indicator(solar), c.reports, Filter{}, onDay(t, c.now))
			var dates []string
			for _, d := range got.StageDates {
				s := ""
				if !d.IsZero() {
					s = d.Format("2006-01-02")
				}
				dates = append(dates, s)
			}
			var want []string
			for _, d := range c.dates {
				if d != "" {
					d = onDay(t, d).Format("2006-01-02")
				}
				want = append(want, d)
			}
			latest := ""
			if got.Latest != nil {
				latest = got.Latest.Via
			}
			if got.Stage != c.stage || !reflect.DeepEqual(dates, want) || got.Behind != c.behind || got.HasData != (c.stage >= 0) || latest != c.latest {
				t.Errorf("stage %d dates %v behind %v data %v latest %q\nwant  %d dates %v behind %v latest %q",
					got.Stage, dates, got.Behind, got.HasData, latest, c.stage, want, c.behind, c.latest)
			}
		})
	}
}

// The order reports come in (from a Redis scan, say) must not change anything.
func TestComputeDoesNotDependOnReportOrder(t *testing.T) {
	p := DefaultPlan()
	ind := p.Indicator("xuat-khau")
	rs := reportsOf(t, "xuat-khau", "ben-luc 1 10", "ben-luc 2 20", "ben-luc 1-3 70", "ben-luc 4-6 90", "ben-luc 4 25",
		"tan-an 1-5 300", "tan-an 6 50", "can-duoc 1 5", "can-duoc 3 7")
	want := Compute(p, ind, rs, Filter{}, onDay(t, "07-25"))
	for i := range len(rs) {
		rot := append(append([]Report{}, rs[i:]...), rs[:i]...)
		for j := range rot[:len(rot)/2] {
			rot[j], rot[len(rot)-1-j] = rot[len(rot)-1-j], rot[j]
		}
		got := Compute(p, ind, rot, Filter{}, onDay(t, "07-25"))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("order %d: total %s through %d units %+v\nwant total %s through %d units %+v", i, got.Total, got.Through, got.Units, want.Total, want.Through, want.Units)
		}
	}
	if want.Total != (70+90+350+5+7)*AmountScale || want.Through != 6 {
		t.Errorf("total %s through %d; want 522 through 6", want.Total, want.Through)
	}
}

// Two figures that each fit an Amount but whose sum does not make the total
// an error (Overflow), never a wrapped negative number.
func TestComputeReportsAnOverflowingTotal(t *testing.T) {
	p := DefaultPlan()
	ind := p.Indicator("xuat-khau")
	huge := MaxAmount/2 + 1
	rs := []Report{
		{Indicator: ind.ID, Unit: "ben-luc", Period: Month(2022, 3), Value: huge},
		{Indicator: ind.ID, Unit: "can-duoc", Period: Month(2022, 3), Value: huge},
	}
	pr := Compute(p, ind, rs, Filter{}, onDay(t, "06-25"))
	if !pr.Overflow {
		t.Errorf("Overflow = false with a total of %d", pr.Total)
	}
	if pr.Total < 0 {
		t.Errorf("the total wrapped around: %d", pr.Total)
	}
	// One unit's months: the walk overflows too.
	one := []Report{
		{Indicator: ind.ID, Unit: "ben-luc", Period: Month(2022, 1), Value: huge},
		{Indicator: ind.ID, Unit: "ben-luc", Period: Month(2022, 2), Value: huge},
	}
	if pr := Compute(p, ind, one, Filter{}, onDay(t, "06-25")); !pr.Overflow {
		t.Errorf("Overflow = false for one unit's months, total %d", pr.Total)
	}
	if _, ok := Through(one, 2); ok {
		t.Errorf("Through of an overflowing walk is known")
	}
	if pr := Compute(p, ind, one, Filter{Period: Quarter(2022, 1)}, onDay(t, "06-25")); !pr.Overflow {
		t.Errorf("Overflow = false under a period filter, total %d", pr.Total)
	}
	// Within bounds nothing is flagged.
	if pr := Compute(p, ind, rs[:1], Filter{}, onDay(t, "06-25")); pr.Overflow || pr.Total != huge {
		t.Errorf("one huge figure: Overflow %v, Total %d", pr.Overflow, pr.Total)
	}
}

func TestAmountAdd(t *testing.T) {
	for _, c := range []struct {
		a, b Amount
		sum  Amount
		ok   bool
	}{
		{1, 2, 3, true},
		{MaxAmount, 1, MaxAmount, false},
		{-MaxAmount - 1, -1, -MaxAmount - 1, false},
		{MaxAmount, -1, MaxAmount - 1, true},
	} {
		if sum, ok := c.a.Add(c.b); sum != c.sum || ok != c.ok {
			t.Errorf("%d.Add(%d) = %d, %v; want %d, %v", c.a, c.b, sum, ok, c.sum, c.ok)
		}
	}
}
