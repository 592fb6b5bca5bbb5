package kpi

import (
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"
)

// coherenceRuns is how many generated report sequences the coherence
// property test runs: TIENDO_COHERENCE_N, else 10 000 (a few seconds).
func coherenceRuns(t *testing.T) int {
	if v := os.Getenv("TIENDO_COHERENCE_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("TIENDO_COHERENCE_N=%q: want a positive count", v)
		}
		return n
	}
	if testing.Short() {
		return 1000
	}
	return 10_000
}

// genStep is one thing that happens to a plan's exports: a figure
// confirmed (a month, a year to date, a quarter, a half; an estimate or an
// official figure; a revision of a figure already sent), or an undo of the
// last one.
type genStep struct {
	r    Report
	undo bool
}

// genSequence makes a sequence of reports for a few units over two years
// (the plan's and the year before), with gaps, overlaps and revisions.
// Values are drawn so that most figures agree and some contradict.
func genSequence(rng *rand.Rand, units []string) []genStep {
	n := 3 + rng.Intn(18)
	at := time.Date(2022, 1, 1, 8, 0, 0, 0, progZone)
	var out []genStep
	// A unit's "true" months, so that cumulatives usually agree with months.
	truth := map[string][12]Amount{}
	for _, u := range units {
		var m [12]Amount
		for i := range m {
			m[i] = Amount(int64(50+rng.Intn(200)) * AmountScale)
		}
		truth[u] = m
	}
	sum := func(u string, from, to int) Amount {
		var s Amount
		for m := from; m <= to; m++ {
			s += truth[u][m-1]
		}
		return s
	}
	statuses := []Status{StatusNone, Estimate, Preliminary, Official}
	for i := 0; i < n; i++ {
		at = at.Add(time.Hour)
		if i > 0 && rng.Intn(12) == 0 {
			out = append(out, genStep{undo: true})
			continue
		}
		u := units[rng.Intn(len(units))]
		year := 2022
		if rng.Intn(6) == 0 {
			year = 2021
		}
		var per Period
		switch k := rng.Intn(10); {
		case k < 5:
			per = Month(year, 1+rng.Intn(12))
		case k < 8:
			per = YearToDate(year, 1+rng.Intn(12))
		case k < 9:
			per = Quarter(year, 1+rng.Intn(4))
		default:
			per = Period{Year: year, From: 7, To: 12}
		}
		v := sum(u, per.From, per.To)
		if rng.Intn(8) == 0 { // a revision or a contradiction
			v = Amount(int64(rng.Intn(int(v/AmountScale)*2+1)) * AmountScale)
		}
		out = append(out, genStep{r: Report{Indicator: "xuat-khau", Unit: u, Period: per, Value: v,
			Status: statuses[rng.Intn(len(statuses))], At: at, By: 1, ByName: "x"}})
	}
	return out
}

// apply runs steps against a slot store the way the bot's store does (one
// figure per slot, an undo restoring what the slot held), and reports for
// each step whether the province's year to date may fall after it: only a
// confirmed revision (a slot's value lowered) or an undo may lower it; a
// figure that contradicts the stored ones is stored only when the
// read-back's "replace" removes what it contradicts, as the bot does, and
// otherwise cancelled.
func apply(t *testing.T, p *Plan, ind *Indicator, steps []genStep, now time.Time, check func(rs []Report, mayFall bool)) {
	type undoRec struct {
		slot string
		old  *Report
		rem  []Report
	}
	slots := map[string]Report{}
	var order []string
	var undo []undoRec
	list := func() []Report {
		var rs []Report
		for _, s := range order {
			if r, ok := slots[s]; ok {
				rs = append(rs, r)
			}
		}
		return rs
	}
	for _, st := range steps {
		mayFall := false
		if st.undo {
			if len(undo) == 0 {
				continue
			}
			u := undo[len(undo)-1]
			undo = undo[:len(undo)-1]
			delete(slots, u.slot)
			if u.old != nil {
				slots[u.slot] = *u.old
			}
			for _, r := range u.rem {
				slots[r.Slot()] = r
			}
			mayFall = true
		} else {
			r := st.r
			var stored []Report
			for _, o := range list() {
				if o.Unit == r.Unit && o.Period.Year == r.Period.Year {
					stored = append(stored, o)
				}
			}
			rec := undoRec{slot: r.Slot()}
			if old, ok := slots[r.Slot()]; ok {
				o := old
				rec.old = &o
				mayFall = r.Value < old.Value
			}
			if cs := NewContradictions(stored, []Report{r}); len(cs) > 0 {
				// The read-back asks; half the time the user replaces.
				if r.At.Minute()%2 == 0 && r.Value%2 == 0 {
					continue
				}
				for _, g := range Replaced(stored, []Report{r}) {
					if cur, ok := slots[g.Slot()]; ok {
						rec.rem = append(rec.rem, cur)
						delete(slots, g.Slot())
					}
				}
				mayFall = true
			}
			if _, ok := slots[r.Slot()]; !ok {
				order = append(order, r.Slot())
			}
			slots[r.Slot()] = r
			undo = append(undo, rec)
		}
		check(list(), mayFall)
	}
}

// Every view of one plan's exports agrees on the same figures: the answer
// (no period, "năm 2022", "lũy kế 12 tháng"), the year to date by period,
// month by month, the ranking, the table's "not reported" and the
// reminders' "has reported", the chart's year-to-date line; the stored
// figures never contradict each other; and the year to date never falls
// unless a confirmed revision, a replacement or an undo says so.
func TestCoherenceOfEveryView(t *testing.T) {
	p := DefaultPlan()
	ind := p.Indicator("xuat-khau")
	units := []string{"ben-luc", "tan-an", "duc-hoa", "can-duoc"}
	runs := coherenceRuns(t)
	rng := rand.New(rand.NewSource(14))
	nows := []time.Time{time.Date(2022, 9, 10, 9, 0, 0, 0, progZone), time.Date(2026, 3, 1, 9, 0, 0, 0, progZone)}
	for run := 0; run < runs; run++ {
		steps := genSequence(rng, units)
		now := nows[run%2]
		var last Amount
		apply(t, p, ind, steps, now, func(rs []Report, mayFall bool) {
			pr := Compute(p, ind, rs, Filter{}, now)
			if pr.Total < last && !mayFall {
				t.Fatalf("run %d: the year to date fell from %s to %s without a revision\n%v", run, last, pr.Total, rs)
			}
			last = pr.Total
			for _, u := range units {
				var mine []Report
				for _, r := range rs {
					if r.Unit == u && r.Period.Year == 2022 {
						mine = append(mine, r)
					}
				}
				if cs := Contradictions(mine); len(cs) > 0 {
					t.Fatalf("run %d: stored figures contradict: %+v", run, cs[0])
				}
			}
		})
		rs := finalReports(t, p, ind, steps, now)
		coherent(t, run, p, ind, rs, now)
	}
}

// finalReports is what the slot store holds after steps.
func finalReports(t *testing.T, p *Plan, ind *Indicator, steps []genStep, now time.Time) []Report {
	var out []Report
	apply(t, p, ind, steps, now, func(rs []Report, _ bool) { out = rs })
	return out
}

// coherent asserts that every view of rs agrees.
func coherent(t *testing.T, run int, p *Plan, ind *Indicator, rs []Report, now time.Time) {
	t.Helper()
	pr := Compute(p, ind, rs, Filter{}, now)
	for _, f := range []Filter{{Period: YearToDate(2022, 12)}} {
		if other := Compute(p, ind, rs, f, now); other.Total != pr.Total || other.Behind != pr.Behind || other.Closed != pr.Closed ||
			unitShorts(other.Missing) != unitShorts(pr.Missing) || !closeTo(other.Percent, pr.Percent) {
			t.Fatalf("run %d: the year and 'lũy kế 12 tháng' differ: %s %v vs %s %v", run, pr.Total, pr.Behind, other.Total, other.Behind)
		}
	}
	if pr.Behind != (pr.Pace() == PaceBehind) {
		t.Fatalf("run %d: Behind %v but the pace verdict is %d", run, pr.Behind, pr.Pace())
	}
	if !pr.HasData {
		return
	}
	// The year to date by period (the table's cell, the chart's line) at
	// Through is the answer's figure; the line never falls.
	var prev Amount
	for _, m := range []int{1, (pr.Through + 1) / 2, pr.Through - 1, pr.Through} {
		if m < 1 {
			continue
		}
		y := Compute(p, ind, rs, Filter{Period: YearToDate(2022, m)}, now)
		if y.Total < prev {
			t.Fatalf("run %d: the year-to-date line falls at month %d: %s < %s", run, m, y.Total, prev)
		}
		prev = y.Total
	}
	if prev != pr.Total {
		t.Fatalf("run %d: year to date through %d is %s by period, %s in the answer", run, pr.Through, prev, pr.Total)
	}
	// Ranking adds up to the province.
	var ranked Amount
	for _, st := range Ranking(pr) {
		ranked += st.Total
	}
	if ranked != pr.Total {
		t.Fatalf("run %d: the ranking adds up to %s, the province to %s", run, ranked, pr.Total)
	}
	// Who has not reported month Through: the answer, the period view (the
	// table's sheet) and the reminders' check agree, unit by unit.
	month := Compute(p, ind, rs, Filter{Period: Month(2022, pr.Through)}, now)
	if unitShorts(month.Missing) != unitShorts(pr.Missing) {
		t.Fatalf("run %d: not reported month %d: answer %q, period view %q", run, pr.Through, unitShorts(pr.Missing), unitShorts(month.Missing))
	}
	missing := map[string]bool{}
	for _, u := range pr.Missing {
		missing[u.ID] = true
	}
	for _, u := range p.ReportingUnits(ind) {
		var mine []Report
		for _, r := range rs {
			if r.Unit == u.ID && r.Period.Year == 2022 {
				mine = append(mine, r)
			}
		}
		if Covered(mine, Month(2022, pr.Through)) == missing[u.ID] {
			t.Fatalf("run %d: %s: reminders' reported %v, answer's missing %v", run, u.ID, !missing[u.ID], missing[u.ID])
		}
		// Month by month: a unit whose months are all known adds up to its
		// year to date.
		s := UnitSeries(u.ID, mine)
		all := s.Last > 0
		var sum Amount
		for m := 1; m <= s.Last; m++ {
			mf := s.Month(m)
			all = all && mf.State == MonthKnown
			sum += mf.Value
		}
		if all {
			for _, ut := range pr.Units {
				if ut.Unit == u.ID && (ut.Total != sum || !ut.Exact) {
					t.Fatalf("run %d: %s months add up to %s, its year to date is %s (exact %v)", run, u.ID, sum, ut.Total, ut.Exact)
				}
			}
		}
	}
	// Last year's figures change nothing of this year's.
	var this []Report
	for _, r := range rs {
		if r.Period.Year == 2022 {
			this = append(this, r)
		}
	}
	if again := Compute(p, ind, this, Filter{}, now); again.Total != pr.Total || again.Through != pr.Through {
		t.Fatalf("run %d: last year's figures moved this year's: %s vs %s", run, again.Total, pr.Total)
	}
}
