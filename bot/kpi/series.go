// # Series
//
// One unit's figures of one cumulative indicator for one year (months,
// year-to-date figures such as "lũy kế 5 tháng", quarters, halves) are
// combined by one function, UnitSeries, into one series of twelve months.
// Every view reads it through Compute: the answers, the overview, the
// month-by-month list, the ranking, the table, the charts, who has not
// reported and the reminders' "has reported" (Reported).
//
// Each month is in one of three states:
//
//   - MonthKnown: its own figure was sent ("tháng 4"), or it is the
//     difference of two year-to-date figures that are both known exactly
//     ("lũy kế 4 tháng" minus "lũy kế 3 tháng");
//   - MonthIncluded: a figure covering several months covers it ("lũy kế 5
//     tháng" covers April), but the month alone cannot be told: the unit has
//     reported it, its value is inside that figure (MonthFigure.In);
//   - MonthNone: no figure covers it: the unit has not reported it.
//
// The year-to-date at the end of month m is exact when a walk of
// non-overlapping figures from January reaches m exactly (Through), else
// a lower bound, "at least X, through month Reach": the sum of the figures
// that lie within 1..m without overlapping. Cumulative indicators are never
// negative, so the year-to-date never falls: a figure smaller than one
// already known for an earlier month (a contradiction, see Contradictions)
// does not make it fall; the series keeps the larger, marked not exact.
package kpi

import (
	"sort"
	"time"
)

// MonthState is what a unit's series knows of one month.
type MonthState uint8

// The states of a month.
const (
	MonthNone     MonthState = iota // no figure covers it
	MonthKnown                      // its value is known
	MonthIncluded                   // covered by a figure of several months that cannot be split
)

// MonthFigure is one month of a unit's series.
type MonthFigure struct {
	State MonthState
	Value Amount  // MonthKnown: the month's value
	In    *Report // MonthIncluded: the shortest figure covering the month
	// YTD is the year-to-date at the end of the month: exact when Exact,
	// else a lower bound made of the figures that reach month Reach.
	YTD   Amount
	Exact bool
	Reach int
	used  []Report // the figures YTD rests on, when Exact
	low   best     // the figures YTD rests on, when not
}

// rests returns the figures the month's YTD rests on.
func (mf MonthFigure) rests() []Report {
	if mf.Exact || mf.low.fig == nil {
		return mf.used
	}
	return mf.low.figures()
}

// Series is one unit's months of one cumulative indicator and year.
type Series struct {
	Unit   string
	Months [planMonths]MonthFigure
	// Last is the last month any figure covers (0: none).
	Last int
	// Overflow: a sum did not fit in an Amount.
	Overflow bool
	figs     []Report
}

// Month returns month m's figure (1..12); a zero MonthFigure outside.
func (s *Series) Month(m int) MonthFigure {
	if m < 1 || m > planMonths {
		return MonthFigure{Exact: m == 0}
	}
	return s.Months[m-1]
}

// UnitSeries combines one unit's figures (same indicator, unit and year:
// the caller filters; reports with an Item or an invalid period are
// ignored, of reports sharing a slot the latest At counts) into its series.
func UnitSeries(unit string, reports []Report) Series {
	if len(reports) == 0 {
		return Series{Unit: unit}
	}
	return unitSeries(unit, periodFigures(reports))
}

// unitSeries is UnitSeries of figures already one per slot (periodFigures).
func unitSeries(unit string, figs []Report) Series {
	if len(figs) == 0 {
		return Series{Unit: unit}
	}
	s := Series{Unit: unit, figs: figs}
	for _, r := range figs {
		s.Last = max(s.Last, r.Period.To)
	}
	// The year to date at m is the best lower bound the figures give (the
	// largest sum of non-overlapping figures within 1..m): it never falls
	// from month to month nor when a figure is added. It is exact when a
	// chain of figures reaches m exactly and nothing within 1..m shows more.
	lows, of := prefixBest(figs)
	s.Overflow = of
	for m := 1; m <= planMonths; m++ {
		mf := &s.Months[m-1]
		lo := lows[m]
		mf.YTD, mf.Reach, mf.low = lo.sum, lo.reach, lo
		w := walkFigures(figs, m)
		s.Overflow = s.Overflow || w.overflow
		if w.through == m && w.total == lo.sum {
			mf.Exact, mf.Reach, mf.used = true, m, w.used
		}
	}
	for m := 1; m <= planMonths; m++ {
		mf := &s.Months[m-1]
		if r := figureFor(figs, Month(0, m)); r != nil {
			mf.State, mf.Value = MonthKnown, r.Value
			continue
		}
		prev := s.Month(m - 1)
		if mf.Exact && prev.Exact && mf.YTD >= prev.YTD {
			mf.State, mf.Value = MonthKnown, mf.YTD-prev.YTD
			continue
		}
		if r := covering(figs, m); r != nil {
			mf.State, mf.In = MonthIncluded, r
		}
	}
	return s
}

// figureFor returns the figure sent for exactly the months of per (any
// year: figs are one year's), or nil.
func figureFor(figs []Report, per Period) *Report {
	for i := range figs {
		if figs[i].Period.From == per.From && figs[i].Period.To == per.To {
			return &figs[i]
		}
	}
	return nil
}

// covering returns the shortest figure covering month m (the latest
// confirmed of equal length), or nil.
func covering(figs []Report, m int) *Report {
	var best *Report
	for i := range figs {
		r := &figs[i]
		if r.Period.From > m || r.Period.To < m {
			continue
		}
		if best == nil || r.Period.Months() < best.Period.Months() ||
			(r.Period.Months() == best.Period.Months() && r.At.After(best.At)) {
			best = r
		}
	}
	return best
}

// best is the best lower bound of a span: a sum of non-overlapping
// figures and the last month they reach; the figures are found by walking
// back from fig through prev.
type best struct {
	sum   Amount
	reach int
	fig   *Report // the last figure of the sum; nil: none
	prev  int     // index of the best the sum extends
	all   []best  // the table it belongs to
}

// figures returns the figures of b, in period order.
func (b best) figures() []Report {
	var out []Report
	for cur := b; cur.fig != nil; cur = cur.all[cur.prev] {
		out = append(out, *cur.fig)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// bestWithin returns, for k = 0..to-from+1, the largest sum of figures
// lying within from..from+k-1 without overlapping (the figures being never
// negative, a lower bound of the span's value, and the best one the figures
// give), and whether a sum overflowed. Adding a figure never lowers it: a
// "lũy kế 7 tháng" sent after "6 tháng cuối năm" does not hide the larger
// half-year.
func bestWithin(figs []Report, from, to int) ([]best, bool) {
	if from < 1 || to > planMonths || from > to {
		return make([]best, 1), false
	}
	overflow := false
	b := make([]best, to-from+2)
	for m := from; m <= to; m++ {
		k := m - from + 1
		b[k] = b[k-1]
		for i := range figs {
			r := &figs[i]
			if r.Period.To != m || r.Period.From < from {
				continue
			}
			pk := r.Period.From - from
			v, ok := b[pk].sum.Add(r.Value)
			if !ok {
				overflow = true
				continue
			}
			if v > b[k].sum || (v == b[k].sum && b[k].fig == nil) {
				b[k] = best{sum: v, reach: m, fig: r, prev: pk}
			}
		}
	}
	for k := range b {
		b[k].all = b
	}
	return b, overflow
}

// prefixBest is bestWithin(figs, 1, 12), indexed by month (0..12).
func prefixBest(figs []Report) ([]best, bool) { return bestWithin(figs, 1, planMonths) }

// gapWalk returns the best lower bound of from..to (bestWithin): its sum,
// the last month it reaches, its figures, and whether a sum overflowed.
func gapWalk(figs []Report, from, to int) (sum Amount, reach int, used []Report, overflow bool) {
	b, of := bestWithin(figs, from, to)
	last := b[len(b)-1]
	return last.sum, last.reach, last.figures(), of
}

// Reported says whether every month of per (From..To) is covered by one
// of the unit's figures: a unit whose "lũy kế 5 tháng" covers April has
// reported April. It is what closes a deadline and what keeps a unit off
// the "not reported" lists.
func (s *Series) Reported(per Period) bool {
	if !per.Valid() {
		return false
	}
	for m := per.From; m <= per.To; m++ {
		if s.Months[m-1].State == MonthNone {
			return false
		}
	}
	return true
}

// Covered says whether one unit's figures (same indicator, unit and year)
// cover every month of per: UnitSeries(...).Reported(per), for callers
// that have only the figures' periods (the reminders' store check).
func Covered(reports []Report, per Period) bool {
	s := UnitSeries("", reports)
	return s.Reported(per)
}

// SpanValue is a unit's value over a span of months.
type SpanValue struct {
	Value    Amount
	Exact    bool // Value is the span's value; else a lower bound
	Reported bool // every month of the span is covered by a figure
	// In: not exact but reported, the figure that holds the part that
	// cannot be split ("lũy kế 5 tháng" for April).
	In   *Report
	used []Report
}

// Span returns the unit's value over per (its From..To; the year is the
// caller's): the difference of two exact year-to-date figures, or the
// figures that tile the span exactly, else a lower bound.
func (s *Series) Span(per Period) SpanValue {
	var v SpanValue
	if !per.Valid() {
		return v
	}
	v.Reported = s.Reported(per)
	hi, lo := s.Month(per.To), s.Month(per.From-1)
	if hi.Exact && lo.Exact && hi.YTD >= lo.YTD {
		v.Value, v.Exact = hi.YTD-lo.YTD, true
		v.used = append(append(v.used, hi.used...), lo.used...)
		if per.From == 1 {
			v.used = hi.used
		}
		return v
	}
	sum, reach, used, _ := gapWalk(s.figs, per.From, per.To)
	covered := 0
	for _, r := range used {
		covered += r.Period.Months()
	}
	v.Value, v.used = sum, used
	v.Exact = covered == per.Months() && reach == per.To
	if !v.Exact && per.From == 1 && hi.YTD > v.Value {
		v.Value, v.used = hi.YTD, hi.rests()
	}
	if !v.Exact && v.Reported {
		for m := per.From; m <= per.To; m++ {
			if mf := s.Months[m-1]; mf.State == MonthIncluded {
				v.In = mf.In
				break
			}
		}
	}
	return v
}

// Conflict is a figure that contradicts others of the same unit: a figure
// of several months smaller than the figures it covers (Smaller), or one
// that differs from figures covering exactly its months (Disagree).
type Conflict struct {
	Figure Report // the figure of several months
	// Sum is what the figures within it add up to; Parts are those
	// figures; Reach the last month they reach.
	Sum   Amount
	Parts []Report
	Reach int
	Exact bool // the parts cover all its months: they should equal it
	// Chain: when Figure is not one stored figure but the year to date a
	// chain of them makes ("lũy kế 11 tháng" + "tháng 12"), those figures.
	Chain []Report
}

// Stored are the stored figures on the Figure side of c: Chain, or Figure.
func (c Conflict) Stored() []Report {
	if c.Chain != nil {
		return c.Chain
	}
	return []Report{c.Figure}
}

// Contradictions returns the contradictions among one unit's figures of
// one cumulative indicator and year, in period order: each figure of
// several months held against the non-overlapping figures within it. A
// "lũy kế 5 tháng" of 2,51 tỉ after months 1–3 adding up to 3,67 tỉ is
// one; so is a month that pushes the months past a later cumulative, and
// a quarter that differs from its three months.
func Contradictions(reports []Report) []Conflict {
	if len(reports) < 2 {
		return nil
	}
	return contradictions(periodFigures(reports))
}

// contradictions is Contradictions of figures already one per slot.
func contradictions(figs []Report) []Conflict {
	if len(figs) < 2 {
		return nil
	}
	var out []Conflict
	for _, r := range figs {
		if r.Period.Months() < 2 {
			continue
		}
		var inside []Report
		for _, o := range figs {
			if o.Period.From >= r.Period.From && o.Period.To <= r.Period.To && o.Period != r.Period {
				inside = append(inside, o)
			}
		}
		sum, reach, used, overflow := gapWalk(inside, r.Period.From, r.Period.To)
		if len(used) == 0 || overflow {
			continue
		}
		covered := 0
		for _, u := range used {
			covered += u.Period.Months()
		}
		c := Conflict{Figure: r, Sum: sum, Parts: used, Reach: reach, Exact: covered == r.Period.Months()}
		if sum > r.Value || (c.Exact && sum != r.Value) {
			out = append(out, c)
		}
	}
	// A chain of figures that reaches month m exactly ("lũy kế 11 tháng"
	// then "tháng 12") but adds up to less than other figures within
	// 1..m show ("6 tháng cuối năm" alone more than that).
	seen := map[string]bool{}
	for _, c := range out {
		seen[conflictKey(c)] = true
	}
	lows, _ := prefixBest(figs)
	for m := 1; m <= planMonths; m++ {
		w := walkFigures(figs, m)
		if w.through != m || w.overflow || w.total >= lows[m].sum {
			continue
		}
		c := Conflict{Sum: lows[m].sum, Parts: lows[m].figures(), Reach: lows[m].reach, Exact: true}
		if len(w.used) == 1 {
			c.Figure = w.used[0]
		} else {
			last := w.used[len(w.used)-1]
			c.Figure = Report{Indicator: last.Indicator, Unit: last.Unit, Period: YearToDate(last.Period.Year, m), Value: w.total}
			c.Chain = w.used
		}
		if !seen[conflictKey(c)] {
			seen[conflictKey(c)] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Figure.Period, out[j].Figure.Period
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return out
}

// NewContradictions returns the contradictions that incoming (one unit's
// figures of one indicator and year about to be stored, each replacing the
// stored figure of its slot) would make with stored, and that stored alone
// does not already have. It is the read-back's check and the write's
// re-check: both call it on what they read.
func NewContradictions(stored, incoming []Report) []Conflict {
	before := map[string]bool{}
	for _, c := range Contradictions(stored) {
		before[conflictKey(c)] = true
	}
	// Each incoming figure replaces the stored one of its slot, whatever
	// their confirmation times say.
	in := map[string]bool{}
	for _, r := range incoming {
		in[r.Slot()] = true
	}
	var after []Report
	for _, r := range stored {
		if !in[r.Slot()] {
			after = append(after, r)
		}
	}
	var out []Conflict
	for _, c := range Contradictions(append(after, incoming...)) {
		if !before[conflictKey(c)] {
			out = append(out, c)
		}
	}
	return out
}

// Replaced returns the stored figures that go when incoming (the new
// figures of one unit, indicator and year) are kept despite contradicting
// stored ones: for each contradiction, the side the new figures are not on
// (the months inside a new cumulative, or a stored cumulative a new month
// pushes past), again until nothing the new figures make contradicts. A
// figure on both sides stays; an incoming slot is never removed.
func Replaced(stored, incoming []Report) []Report {
	in := map[string]bool{}
	for _, r := range incoming {
		in[r.Slot()] = true
	}
	var cur []Report
	for _, r := range stored {
		if !in[r.Slot()] {
			cur = append(cur, r)
		}
	}
	var out []Report
	for range len(cur) + 1 {
		cs := NewContradictions(cur, incoming)
		if len(cs) == 0 {
			break
		}
		gone := map[string]bool{}
		for _, c := range cs {
			side, other := c.Stored(), c.Parts
			for _, r := range side {
				if in[r.Slot()] {
					side, other = c.Parts, c.Stored()
					break
				}
			}
			keep := map[string]bool{}
			for _, r := range other {
				keep[r.Slot()] = true
			}
			for _, r := range side {
				if !in[r.Slot()] && !keep[r.Slot()] {
					gone[r.Slot()] = true
				}
			}
		}
		if len(gone) == 0 {
			break
		}
		var next []Report
		for _, r := range cur {
			if gone[r.Slot()] {
				out = append(out, r)
			} else {
				next = append(next, r)
			}
		}
		cur = next
	}
	return out
}

func conflictKey(c Conflict) string {
	k := c.Figure.Slot() + "=" + c.Figure.Value.String() + "/" + c.Sum.String()
	return k
}

// Pace is the verdict on a year-to-date figure against the share of the
// year it covers.
type Pace int8

// The verdicts. The band is ±0,05 points: what rounds to "0,0 điểm" is on
// pace, everywhere (answers, overview, charts, digest).
const (
	PaceNone   Pace = iota // no verdict: no data, or not a year-to-date span
	PaceBehind             // below the share by 0,05 points or more
	PaceOn                 // within ±0,05 points
	PaceAhead              // above by 0,05 points or more
)

// paceBand is half a tenth of a point: the smallest gap a reply shows.
const paceBand = 0.05

// PaceOf returns the verdict on points (percent of target minus the share
// of the year), judged only when share > 0.
func PaceOf(points, share float64) Pace {
	switch {
	case share <= 0:
		return PaceNone
	case points <= -paceBand:
		return PaceBehind
	case points >= paceBand:
		return PaceAhead
	}
	return PaceOn
}

// Pace is the verdict of a cumulative progress.
func (pr *Progress) Pace() Pace {
	if !pr.HasData {
		return PaceNone
	}
	return PaceOf(pr.PacePoints, pr.YearShare)
}

// MonthsElapsed is the number of whole months of the plan year finished at
// now: 0 before the year, 12 after it. Every "how far into the year" (the
// pace of counts, the overview's tick, the default month) uses it.
func MonthsElapsed(year int, now time.Time) int { return yearMonthsElapsed(year, now) }

// YearClosed says whether the plan year is over at now.
func YearClosed(year int, now time.Time) bool { return now.Year() > year }

// DisplayScale is the scale the table, the form and the charts write an
// indicator's amounts in, as the department's reports do: money in USD in
// millions ("triệu USD"), in đồng in billions ("tỉ đồng"), anything else
// as it is.
func DisplayScale(ind *Indicator) Scale {
	switch ind.Measure {
	case USD:
		return Million
	case VND:
		return Billion
	}
	return One
}
