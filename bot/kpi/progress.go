// # Progress
//
// Compute turns one indicator's reports into the figures a user sees (design §1).
// It is a pure function of the plan, the reports, a filter and "now"; it never
// fails: what the reports do not determine is reported as missing, not guessed.
//
// Reports are stored per (indicator, unit, period), or per (indicator, unit,
// item) for counts and milestones, with set semantics (Report.Slot): sending a
// figure again replaces it. Compute receives every report of one indicator (all
// units, all periods) and never counts the same month twice. The store keeps one
// report per slot; Compute dedupes by slot anyway, keeping the latest At, so a
// duplicate can never inflate a total. Reports of another indicator, of a unit
// that does not report the indicator (Plan.ReportingUnits), and of another year
// than the plan's (or the filter's) are ignored.
//
// Cumulative (exports, imports, retail), per unit: a report covers months
// Period.From..To. A report with From 1 is a year-to-date figure ("lũy kế 5
// tháng" = 1..5, "tháng 1" = 1..1, "quý 1" = 1..3, "6 tháng đầu năm" = 1..6).
// The unit's position starts from the year-to-date report with the largest To,
// then walks forward from the next month, taking at each month the report that
// starts there and covers the most months (the quarter 4..6 before the month
// 4..4). A month no report starts at is a gap (listed in UnitTotal.Gaps: what
// the unit still has to send); the walk goes on after it, so a lone "tháng 3"
// counts, and the unit's Through is the last month it reported. No month is
// ever counted twice: each month is covered by one counted report at most, and
// a report that overlaps what is already counted is left out. A year-to-date
// figure beats the months it covers, so "tháng 1", "tháng 2" and then "lũy kế
// 3 tháng" count the year-to-date figure alone; "tháng 3" and then "lũy kế 5
// tháng" count the year-to-date figure alone too.
//
// Through(m), the year-to-date total through month m, is the same walk bounded
// by m: from the largest year-to-date report ending at or before m, forward
// through reports ending at or before m. It is known exactly when the walk ends
// on m; a report that starts before m and ends after it cannot be split, so
// with only "lũy kế 5 tháng" month 4 is unknown. A month's value is
// Through(m) - Through(m-1), with Through(0) = 0.
//
// The province's total is the sum of the unit totals; Through is the latest
// month any unit reached; YearShare = Through/12·100 (5 months reported =
// 41,7% of the year); Percent = Total/Target·100; PacePoints = Percent -
// YearShare; Behind = HasData and PacePoints < 0. Missing lists, in plan
// order, the reporting units whose own Through is below the province's.
//
// With Filter.Unit only that unit counts. With Filter.Period a cumulative
// indicator shows the value over that period, Through(To) - Through(From-1),
// summed over the units where both are known, or the sum of the counted
// reports inside the period when they cover all of it ("tháng 3" asked,
// "tháng 3" sent); a unit that sent only part of the period adds that part
// and is listed in Missing. Percent
// is still of the full-year target; YearShare is To/12·100 for a year-to-date
// period (From 1) and 0 otherwise, where PacePoints is 0 and nothing is behind.
//
// Rate and level (GRDP growth, IIP, households with electricity): the latest
// report by Period.To, then by At; with Filter.Period the report for exactly
// that period. Met = Value >= TargetMin (a range is met from its low end),
// AboveRange = Value > TargetMax for a range, Behind = HasData and not Met. For
// monthly and quarterly indicators, Missing lists the reporting units with no
// report for that latest period.
//
// Count (new industrial clusters, convenience stores): every item report counts
// once per slot, as one item whatever its Value. Behind = Achieved < Target ×
// the share of the plan year elapsed at now (whole months finished / 12; 0
// before the year, 1 after it), the expectation rounded down. With
// Filter.Period only items dated inside it count, and pace is not judged.
//
// Milestone (the solar plant): each report's Item is a stage id; Stage is the
// furthest stage reached and StageDates the date each stage was reported to
// happen. Stages may predate the plan year (construction began earlier), so
// milestones ignore the year and Filter.Period. Behind = now is after the plan
// year and the last stage is not reached.
//
// For every kind: HasData is false when nothing counted, and then Behind is
// false. Amounts are summed as int64; only ratios use floating point.
package kpi

import (
	"math/big"
	"sort"
	"time"
)

// planMonths is the number of months a plan year has; periods run 1..12.
const planMonths = 12

// UnitTotal is one unit's cumulative position.
type UnitTotal struct {
	Unit  string // unit id
	Total Amount // year-to-date total through Through; under a period filter, the value over the period
	// Through: the last month a figure of the unit covers (0: none). Under a
	// period filter it still describes the unit's data, not the period.
	Through int
	// Gaps are months before Through that no figure covers: what the unit
	// must still send.
	Gaps []int
	// Exact: Total is the value, not a lower bound ("at least").
	Exact bool
	// Reported: figures cover every month asked (the year to date through
	// the province's Through, or the period).
	Reported bool
	// In: reported but not exact, the figure of several months that holds
	// the part that cannot be split ("lũy kế 5 tháng" for April).
	In *Report
}

// Progress is where one indicator stands. Which fields are set depends on the
// indicator's kind, as grouped below.
type Progress struct {
	Indicator *Indicator
	HasData   bool
	Latest    *Report // the most recently confirmed report counted (by At): "as of … reported by …"; nil without data
	// Counted are the period figures the answer counted (cumulative,
	// rate, level); Provisional picks the estimates among them.
	Counted []Report
	// cumulative
	Total      Amount      // sum over units (the period's value under a period filter)
	Percent    float64     // of target, 0..∞ (also set for counts)
	Through    int         // data covers months 1..Through (the latest month any counted unit reached)
	YearShare  float64     // Through/12*100 ("5 months reported = 41,7% of the year")
	PacePoints float64     // Percent - YearShare; negative = behind pace
	Missing    []*Unit     // reporting units that have not reported month Through (cumulative), or the latest period (rate/level, periodic)
	Units      []UnitTotal // per unit, in plan order
	// rate, level
	Value      Amount // latest value (by Period end, then At)
	Period     Period // its period; for cumulative, the span Total covers
	Met        bool   // Value >= TargetMin (a range counts as met from its low end)
	AboveRange bool   // Value > TargetMax for a range
	// count (Items also lists a milestone's stage reports)
	Items    []Report // counted items, oldest Date first
	Achieved int
	// milestone
	Stage      int         // index of the furthest stage reached, -1 none
	StageDates []time.Time // per stage, zero when not reached
	// all kinds
	Behind bool // marked in the overview
	// AtLeast: Total is a lower bound: a unit's figure for part of the
	// span is inside a figure of more months (UnitTotal.In), or a unit's
	// months have gaps.
	AtLeast bool
	// Closed: the plan year is over and the whole year was asked (no
	// period, "năm 2022", "lũy kế 12 tháng"): the verdict is on the year,
	// YearShare is 100.
	Closed bool
	// Silent are the months (through Through, or through the months
	// elapsed, or the whole of a closed year) that no unit's figure covers.
	Silent []int
	// Months is how many months 1..Through some unit's figure covers;
	// UnitMonths how many (unit, month) pairs of them are covered, of
	// len(Units)×Through: what a projection rests on.
	Months, UnitMonths int
	// Conflicts are the contradictions among the units' stored figures
	// (Contradictions), for the answer to name; the totals never fall
	// because of them.
	Conflicts []Conflict
	// Overflow: a sum did not fit in an Amount. Total is then meaningless
	// (saturated) and must be shown as an error, not as a figure; it can
	// only come from figures stored before the ceilings (Indicator.Ceiling).
	Overflow bool
}

// Filter narrows a progress question to one unit or one period.
type Filter struct {
	Unit   string // unit id; "" = all
	Group  string // group id: only its units; "" = all
	Period Period // zero = the year to date
}

// Through returns, from one unit's cumulative reports (same indicator, one
// unit, one year: the caller filters), the exact year-to-date total through
// month m, and ok=false when the reports do not determine it or m is outside
// 0..12. Through(reports, 0) is 0, true. Reports with an Item or an invalid
// period are ignored; of reports sharing a slot the latest At counts.
func Through(reports []Report, m int) (Amount, bool) {
	if m < 0 || m > planMonths {
		return 0, false
	}
	w := walkFigures(periodFigures(reports), m)
	if w.through != m || w.overflow {
		return 0, false
	}
	return w.total, true
}

// CumulativeTotal returns one unit's position from its reports (same
// indicator, one unit, one year). Without usable reports it returns a zero
// UnitTotal (named after the first report's unit, if any).
func CumulativeTotal(reports []Report) UnitTotal {
	unit := ""
	if len(reports) > 0 {
		unit = reports[0].Unit
	}
	s := UnitSeries(unit, reports)
	mf := s.Month(s.Last)
	ut := UnitTotal{Unit: unit, Total: mf.YTD, Through: s.Last, Exact: s.Last > 0 && mf.Exact}
	for m := 1; m < s.Last; m++ {
		if s.Months[m-1].State == MonthNone {
			ut.Gaps = append(ut.Gaps, m)
		}
	}
	return ut
}

// Compute returns the progress of ind under plan p from reports (all the
// indicator's reports, all units and periods), narrowed by f, judged at now.
// It never fails: with nil p or ind, or nothing that counts, HasData is false.
func Compute(p *Plan, ind *Indicator, reports []Report, f Filter, now time.Time) Progress {
	pr := Progress{Indicator: ind, Stage: -1}
	if p == nil || ind == nil {
		return pr
	}
	year := p.Year
	if !f.Period.IsZero() {
		year = f.Period.Year
	}
	if ind.Kind == Cumulative && f.Period == YearToDate(year, planMonths) {
		f.Period = Period{} // "lũy kế 12 tháng", "năm 2022": the year
	}
	var units []*Unit
	allowed := map[string]bool{}
	g := p.Group(f.Group)
	if f.Group != "" && g == nil {
		return pr // a group this plan does not have: nothing to count
	}
	for _, u := range p.ReportingUnits(ind) {
		if (f.Unit == "" || f.Unit == u.ID) && (g == nil || g.Has(u.ID)) {
			units = append(units, u)
			allowed[u.ID] = true
		}
	}
	var rs []Report
	for _, r := range reports {
		if r.Indicator == ind.ID && allowed[r.Unit] {
			rs = append(rs, r)
		}
	}
	rs = latestPerSlot(rs)

	switch ind.Kind {
	case Cumulative:
		var figs []Report
		for _, r := range rs { // one per slot already
			if r.Item == "" && r.Period.Valid() && r.Period.Year == year {
				figs = append(figs, r)
			}
		}
		pr.cumulative(ind, units, figs, year, f.Period, now)
	case Rate, Level:
		// With a period, the figure for exactly that period; without one,
		// the latest within it ("IIP 6 tháng" answered by May's 7,5%, its
		// period named), as the answer without a period shows the latest.
		var figs, within []Report
		for _, r := range periodFigures(rs) {
			if r.Period.Year != year {
				continue
			}
			if f.Period.IsZero() || r.Period == f.Period {
				figs = append(figs, r)
			} else if r.Period.From >= f.Period.From && r.Period.To <= f.Period.To {
				within = append(within, r)
			}
		}
		if len(figs) == 0 {
			figs = within
		}
		pr.latest(ind, units, figs)
	case Count:
		pr.count(ind, rs, year, f.Period, now)
	case Milestone:
		pr.milestone(ind, rs, p.Year, now)
	}
	if !pr.HasData {
		pr.Behind = false
	}
	return pr
}

// noFigures is the series of a unit without figures (shared, never written).
var noFigures Series

// add returns a+b, noting an overflow in pr.
func (pr *Progress) add(a, b Amount) Amount {
	s, ok := a.Add(b)
	if !ok {
		pr.Overflow = true
	}
	return s
}

// cumulative fills the fields of a cumulative indicator from figs, the unit
// figures of the year, each unit's read through its series (UnitSeries).
func (pr *Progress) cumulative(ind *Indicator, units []*Unit, figs []Report, year int, per Period, now time.Time) {
	byUnit := map[string][]Report{}
	for _, r := range figs {
		byUnit[r.Unit] = append(byUnit[r.Unit], r)
	}
	series := make([]*Series, len(units))
	for i, u := range units {
		series[i] = &noFigures
		if figs := byUnit[u.ID]; len(figs) > 0 {
			s := unitSeries(u.ID, figs)
			series[i] = &s
			pr.Overflow = pr.Overflow || s.Overflow
		}
	}
	if per.IsZero() {
		for i := range units {
			s := series[i]
			mf := s.Month(s.Last)
			ut := UnitTotal{Unit: units[i].ID, Total: mf.YTD, Through: s.Last, Exact: s.Last > 0 && mf.Exact}
			for m := 1; m < s.Last; m++ {
				if s.Months[m-1].State == MonthNone {
					ut.Gaps = append(ut.Gaps, m)
				}
			}
			pr.Total = pr.add(pr.Total, ut.Total)
			pr.Through = max(pr.Through, ut.Through)
			pr.noteLatest(mf.rests())
			pr.Units = append(pr.Units, ut)
			pr.Conflicts = append(pr.Conflicts, contradictions(byUnit[units[i].ID])...)
		}
		pr.HasData = pr.Through > 0
		for i, u := range units {
			ut := &pr.Units[i]
			ut.Reported = series[i].Reported(YearToDate(year, pr.Through))
			if ut.Through < pr.Through {
				pr.Missing = append(pr.Missing, u)
			}
			pr.AtLeast = pr.AtLeast || (ut.Through > 0 && !ut.Exact)
		}
		if pr.HasData {
			pr.Period = YearToDate(year, pr.Through)
		}
		pr.YearShare = yearShare(pr.Through)
		if pr.HasData && YearClosed(year, now) {
			pr.Closed = true
			pr.YearShare = 100
		}
		defer func() {
			// The current year's pace is judged on the months that have
			// figures: with only November reported, on one month, not on
			// eleven (the months nobody reported are named: Silent).
			if !pr.Closed && pr.HasData && pr.Months < pr.Through {
				pr.YearShare = yearShare(pr.Months)
				pr.PacePoints = pr.Percent - pr.YearShare
				pr.Behind = pr.Pace() == PaceBehind
			}
		}()
		last := max(pr.Through, MonthsElapsed(year, now))
		for m := 1; m <= last; m++ {
			any := false
			for i := range series {
				if series[i].Months[m-1].State != MonthNone {
					any = true
					if m <= pr.Through {
						pr.UnitMonths++
					}
				}
			}
			if any && m <= pr.Through {
				pr.Months++
			}
			if !any && pr.HasData {
				pr.Silent = append(pr.Silent, m)
			}
		}
	} else {
		for i, u := range units {
			s := series[i]
			ut := UnitTotal{Unit: u.ID, Through: s.Last}
			if per.Valid() {
				v := s.Span(per)
				ut.Total, ut.Exact, ut.Reported, ut.In = v.Value, v.Exact, v.Reported, v.In
				if v.Exact || len(v.used) > 0 || v.In != nil {
					pr.HasData = true
					pr.noteLatest(v.used)
				}
				if v.In != nil && !v.Exact {
					pr.noteLatest([]Report{*v.In})
				}
				pr.AtLeast = pr.AtLeast || (!v.Exact && (len(v.used) > 0 || v.In != nil))
			}
			if !ut.Reported {
				pr.Missing = append(pr.Missing, u)
			}
			pr.Total = pr.add(pr.Total, ut.Total)
			pr.Units = append(pr.Units, ut)
		}
		if pr.HasData {
			pr.Through = per.To
			pr.Period = per
		}
		if per.From == 1 {
			// Only a year-to-date span can be held against the share of the
			// year: a quarter's value says nothing about the pace of the year.
			pr.YearShare = yearShare(per.To)
		}
	}
	pr.Percent = percentOf(pr.Total, ind.Target)
	if pr.HasData && pr.YearShare > 0 {
		pr.PacePoints = pr.Percent - pr.YearShare
	}
	pr.Behind = pr.Pace() == PaceBehind
}

// latest fills the fields of a rate or level indicator from figs, the
// figures that may be shown (already narrowed to the filter's period).
func (pr *Progress) latest(ind *Indicator, units []*Unit, figs []Report) {
	var best *Report
	for i := range figs {
		r := &figs[i]
		if best == nil || newerValue(r, best) {
			best = r
		}
	}
	if best == nil {
		return
	}
	pr.HasData = true
	pr.noteLatest([]Report{*best})
	pr.Value = best.Value
	pr.Period = best.Period
	pr.Met = best.Value >= ind.TargetMin
	pr.AboveRange = ind.IsRange() && best.Value > ind.TargetMax
	pr.Behind = !pr.Met
	if ind.Frequency == Monthly || ind.Frequency == Quarterly {
		reported := map[string]bool{}
		for _, r := range figs {
			if r.Period == best.Period {
				reported[r.Unit] = true
			}
		}
		for _, u := range units {
			if !reported[u.ID] {
				pr.Missing = append(pr.Missing, u)
			}
		}
	}
}

// newerValue reports whether a is a more recent value than b: a later period end,
// then a later confirmation, then the shorter (more recent) period.
func newerValue(a, b *Report) bool {
	if a.Period.To != b.Period.To {
		return a.Period.To > b.Period.To
	}
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.Period.From > b.Period.From
}

// count fills the fields of a count indicator from rs (one report per slot).
func (pr *Progress) count(ind *Indicator, rs []Report, year int, per Period, now time.Time) {
	for _, r := range rs {
		if r.Item == "" {
			continue
		}
		if per.IsZero() {
			// An item without a date is taken as belonging to the year it
			// was reported for; a dated one must fall inside it.
			if !r.Date.IsZero() && r.Date.Year() != year {
				continue
			}
		} else if !dateInPeriod(per, r.Date) {
			continue
		}
		pr.Items = append(pr.Items, r)
	}
	sortByDate(pr.Items)
	pr.Achieved = len(pr.Items)
	pr.HasData = pr.Achieved > 0
	pr.noteLatest(pr.Items)
	pr.Percent = percentOf(Amount(int64(pr.Achieved)*AmountScale), ind.Target)
	if pr.HasData && per.IsZero() {
		expected := int64(ind.Target) * int64(yearMonthsElapsed(year, now)) / (planMonths * AmountScale)
		pr.Behind = int64(pr.Achieved) < expected
	}
}

// milestone fills the fields of a milestone indicator from rs.
func (pr *Progress) milestone(ind *Indicator, rs []Report, year int, now time.Time) {
	pr.StageDates = make([]time.Time, len(ind.Stages))
	byStage := map[int]Report{}
	for _, r := range rs {
		i := ind.StageIndex(r.Item)
		if r.Item == "" || i < 0 {
			continue
		}
		// Two units may report the same stage (slots differ by unit): the
		// latest confirmation is the current word on it.
		if old, ok := byStage[i]; !ok || r.At.After(old.At) {
			byStage[i] = r
		}
	}
	for i, r := range byStage {
		pr.StageDates[i] = r.Date
		pr.Stage = max(pr.Stage, i)
		pr.Items = append(pr.Items, r)
	}
	sortByDate(pr.Items)
	pr.HasData = len(pr.Items) > 0
	pr.noteLatest(pr.Items)
	afterYear := !now.Before(time.Date(year+1, time.January, 1, 0, 0, 0, 0, now.Location()))
	pr.Behind = pr.HasData && afterYear && pr.Stage < len(ind.Stages)-1
}

// noteLatest keeps in pr.Latest the most recently confirmed of used.
func (pr *Progress) noteLatest(used []Report) {
	for _, r := range used {
		if r.Item == "" {
			pr.Counted = append(pr.Counted, r)
		}
		if pr.Latest == nil || r.At.After(pr.Latest.At) {
			c := r
			pr.Latest = &c
		}
	}
}

// ytdWalk is how far a unit's figures reach, what they add up to, and
// which reports were added.
type ytdWalk struct {
	total   Amount
	through int
	used    []Report
	// overflow: the total did not fit in an Amount (it is then saturated).
	overflow bool
}

// add adds v to the walk's total, noting an overflow.
func (w *ytdWalk) add(v Amount) {
	var ok bool
	if w.total, ok = w.total.Add(v); !ok {
		w.overflow = true
	}
}

// walkFigures returns the exact year-to-date position of one unit's figures using
// only reports that end at or before limit: the largest year-to-date report,
// then, month after month, the longest report starting there.
func walkFigures(figs []Report, limit int) ytdWalk {
	var w ytdWalk
	var start *Report
	for i := range figs {
		r := &figs[i]
		if r.Period.From == 1 && r.Period.To <= limit && (start == nil || r.Period.To > start.Period.To) {
			start = r
		}
	}
	if start != nil {
		w = ytdWalk{total: start.Value, through: start.Period.To, used: []Report{*start}}
	}
	for w.through < limit {
		var next *Report
		for i := range figs {
			r := &figs[i]
			if r.Period.From == w.through+1 && r.Period.To <= limit && (next == nil || r.Period.To > next.Period.To) {
				next = r
			}
		}
		if next == nil {
			// A gap. Figures after it are not added: the total would then
			// depend on how the gap is later filled (a month, or a
			// year-to-date figure that already contains them), and it would
			// jump or shrink when it is. The unit's Gaps say what to send.
			break
		}
		w.add(next.Value)
		w.through = next.Period.To
		w.used = append(w.used, *next)
	}
	return w
}

// periodFigures returns the period figures of rs (no item, a valid period), one per
// slot.
func periodFigures(rs []Report) []Report {
	var out []Report
	for _, r := range rs {
		if r.Item == "" && r.Period.Valid() {
			out = append(out, r)
		}
	}
	return latestPerSlot(out)
}

// latestPerSlot returns rs with one report per slot, the one confirmed last
// (the later in rs on equal At), in slot order so results do not depend on
// the order reports arrive in.
func latestPerSlot(rs []Report) []Report {
	type keyed struct {
		slot string
		r    Report
	}
	idx := map[string]int{}
	var ks []keyed
	for _, r := range rs {
		s := r.Slot()
		if i, ok := idx[s]; ok {
			if !r.At.Before(ks[i].r.At) {
				ks[i].r = r
			}
			continue
		}
		idx[s] = len(ks)
		ks = append(ks, keyed{s, r})
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].slot < ks[j].slot })
	out := make([]Report, len(ks))
	for i, k := range ks {
		out[i] = k.r
	}
	return out
}

// sortByDate orders items oldest Date first, then by confirmation, then name.
func sortByDate(items []Report) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.Slot() < b.Slot()
	})
}

// dateInPeriod reports whether the civil date d falls in the months of per.
func dateInPeriod(per Period, d time.Time) bool {
	return !d.IsZero() && d.Year() == per.Year && int(d.Month()) >= per.From && int(d.Month()) <= per.To
}

// yearMonthsElapsed is the number of whole months of year finished at now.
func yearMonthsElapsed(year int, now time.Time) int {
	switch {
	case now.Year() < year:
		return 0
	case now.Year() > year:
		return planMonths
	}
	return int(now.Month()) - 1
}

// yearShare is the percentage of the year that months 1..through make.
func yearShare(through int) float64 {
	return float64(through) * 100 / planMonths
}

// percentOf returns a as a percentage of target, rounded once from the exact
// ratio (so 520 triệu of 6,4 tỉ is exactly 8.125), or 0 without a target.
func percentOf(a, target Amount) float64 {
	if target == 0 {
		return 0
	}
	r := new(big.Rat).SetFrac(big.NewInt(int64(a)), big.NewInt(int64(target)))
	f, _ := r.Mul(r, big.NewRat(100, 1)).Float64()
	return f
}
