package kpi

import (
	"math"
	"sort"
	"time"
)

// Change is a cumulative figure held against the same indicator over
// another span: the same months of the year before (SamePeriod) or the
// month before (PrevPeriod).
type Change struct {
	Basis Basis
	Span  Period // the span compared with
	Cur   Amount // the figure over the asked span
	Prev  Amount // the figure over Span
	Pct   float64
	// Units and Of: the change is over Units of the Of units that report
	// (those with figures for both spans); both 0 when every unit, or the
	// one unit asked about, has both.
	Units, Of int
}

// Compare returns the change (on basis, which it only records) of ind's figures over cur (plan cp, its
// reports cr) on its figures over prev (plan pp, which may be the same or
// the year before's, and its reports pr), for one unit or, with unit "",
// the province (cf and pf: Unit or Group, for each side; their Period is
// ignored). Units are matched by id: where the two plans' units differ
// (a reorganisation), only complete province totals are compared. ok is
// false when either side has no figure, the earlier one is zero, or the
// indicator is not cumulative in both plans.
func Compare(basis Basis, cp *Plan, ind *Indicator, cr []Report, cur Period, pp *Plan, pr []Report, prev Period, cf, pf Filter, now time.Time) (Change, bool) {
	if cp == nil || pp == nil || ind == nil || ind.Kind != Cumulative {
		return Change{}, false
	}
	pind := pp.Indicator(ind.ID)
	if pind == nil || pind.Kind != Cumulative {
		return Change{}, false
	}
	cf.Period, pf.Period = cur, prev
	a := Compute(cp, ind, cr, cf, now)
	b := Compute(pp, pind, pr, pf, now)
	if !a.HasData || !b.HasData || a.Overflow || b.Overflow {
		return Change{}, false
	}
	c := Change{Basis: basis, Span: prev}
	if len(a.Missing) == 0 && len(b.Missing) == 0 && !a.AtLeast && !b.AtLeast {
		c.Cur, c.Prev = a.Total, b.Total
	} else {
		// Only units whose figure is known exactly on both sides: a month
		// inside a unit's "lũy kế 5 tháng" is reported but has no value.
		missA, missB := unitSet(a.Missing), unitSet(b.Missing)
		before := map[string]Amount{}
		for _, ut := range b.Units {
			if !missB[ut.Unit] && ut.Exact {
				before[ut.Unit] = ut.Total
			}
		}
		for _, ut := range a.Units {
			if v, ok := before[ut.Unit]; ok && !missA[ut.Unit] && ut.Exact {
				c.Cur += ut.Total
				c.Prev += v
				c.Units++
			}
		}
		c.Of = len(a.Units)
		if c.Units == 0 {
			return Change{}, false
		}
	}
	if c.Prev <= 0 {
		return Change{}, false
	}
	c.Pct = (c.Cur.Float() - c.Prev.Float()) / c.Prev.Float() * 100
	return c, true
}

func unitSet(us []*Unit) map[string]bool {
	m := map[string]bool{}
	for _, u := range us {
		m[u.ID] = true
	}
	return m
}

// PreviousMonth returns the month before month p, which may be December of
// the year before; ok is false when p is not a month.
func PreviousMonth(p Period) (Period, bool) {
	if !p.IsMonth() || !p.Valid() {
		return Period{}, false
	}
	if p.From == 1 {
		return Month(p.Year-1, 12), true
	}
	return Month(p.Year, p.From-1), true
}

// LastYear returns p a year earlier.
func LastYear(p Period) Period { return Period{Year: p.Year - 1, From: p.From, To: p.To} }

// Projection is where a cumulative indicator would end the year.
type Projection struct {
	Through int // months the projection starts from
	// Pace: the year at the pace of the months so far (total ÷ months × 12).
	Pace        Amount
	PacePercent float64 // of target
	// Seasonal: along the shape of the year before (this year's total ×
	// last year's full year ÷ last year's same months), when last year's
	// figures are complete; SeasonYear is that year, 0 without.
	Seasonal        Amount
	SeasonalPercent float64
	SeasonYear      int
}

// MinProjectionMonths is how many months must have figures before the end
// of the year is projected.
const MinProjectionMonths = 3

// CanProject says whether cur, a year-to-date progress without a unit
// filter, rests on enough to project the year: the year is not over, at
// least MinProjectionMonths of months 1..Through have figures, and the
// units' figures cover at least half of the (unit, month) reports due
// through Through. With only November reported, or a lone unit of fifteen,
// nothing is projected: the answer says what is missing instead.
func CanProject(cur Progress) bool {
	return cur.HasData && !cur.Closed && !cur.Overflow && cur.Through > 0 && cur.Through < planMonths &&
		cur.Months >= MinProjectionMonths && 2*cur.UnitMonths >= len(cur.Units)*cur.Through
}

// Project returns the end-of-year projection of a cumulative indicator from
// its year-to-date progress cur (no period filter) and, when lp is not nil,
// the plan and reports of the year before for the seasonal shape. ok is
// false for other kinds, without data, or with a full year already in.
func Project(ind *Indicator, cur Progress, lp *Plan, lr []Report, now time.Time) (Projection, bool) {
	if ind == nil || ind.Kind != Cumulative || !CanProject(cur) {
		return Projection{}, false
	}
	pr := Projection{Through: cur.Through}
	pr.Pace = fromFloat(cur.Total.Float() / float64(cur.Through) * planMonths)
	pr.PacePercent = percentOf(pr.Pace, ind.Target)
	if lp != nil {
		if lind := lp.Indicator(ind.ID); lind != nil && lind.Kind == Cumulative {
			y := lp.Year
			part := Compute(lp, lind, lr, Filter{Period: YearToDate(y, cur.Through)}, now)
			full := Compute(lp, lind, lr, Filter{Period: YearToDate(y, planMonths)}, now)
			if part.HasData && full.HasData && len(part.Missing) == 0 && len(full.Missing) == 0 && part.Total > 0 && !part.Overflow && !full.Overflow {
				pr.Seasonal = fromFloat(cur.Total.Float() * full.Total.Float() / part.Total.Float())
				pr.SeasonalPercent = percentOf(pr.Seasonal, ind.Target)
				pr.SeasonYear = y
			}
		}
	}
	return pr, true
}

// fromFloat turns a value in base units into an Amount, saturating.
func fromFloat(v float64) Amount {
	x := math.Round(v * AmountScale)
	if x >= math.MaxInt64 {
		return math.MaxInt64
	}
	if x <= math.MinInt64 {
		return math.MinInt64
	}
	return Amount(x)
}

// UnitTarget returns the target the plan allocates to unit, if it does.
func (ind *Indicator) UnitTarget(unit string) (Amount, bool) {
	a, ok := ind.UnitTargets[unit]
	return a, ok
}

// PercentOf returns a as a percentage of target (0 when target is 0).
func PercentOf(a, target Amount) float64 { return percentOf(a, target) }

// Standing is a unit's place in a cumulative indicator's province total.
type Standing struct {
	Unit     string  // unit id
	AtLeast  bool    // Total is a lower bound (UnitTotal.Exact false)
	Total    Amount  // the unit's figure
	Province Amount  // the province total it is part of
	Share    float64 // percent of Province
	Rank     int     // 1 = the largest figure
	Of       int     // units with a figure
}

// UnitStanding returns unit's share of the province total and its rank
// among the units with a figure, from province, a cumulative progress
// without a unit filter. ok is false when the unit has no figure.
func UnitStanding(province Progress, unit string) (Standing, bool) {
	for _, st := range Ranking(province) {
		if st.Unit == unit {
			return st, true
		}
	}
	return Standing{}, false
}

// Ranking returns the units of province (a cumulative progress without a
// unit filter) that have a figure, largest first; equal figures keep the
// plan's order and share a rank. It is the one rule of "xếp hạng" and of a
// unit's rank in its answers and overview.
func Ranking(province Progress) []Standing {
	var out []Standing
	if province.Total <= 0 {
		return nil
	}
	for _, ut := range province.Units {
		if ut.Total > 0 {
			out = append(out, Standing{Unit: ut.Unit, Total: ut.Total, Province: province.Total,
				Share: percentOf(ut.Total, province.Total), AtLeast: !ut.Exact})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	for i := range out {
		out[i].Of = len(out)
		out[i].Rank = i + 1
		if i > 0 && out[i].Total == out[i-1].Total {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// matchGroup finds the group named in toks (the longest name), as whole
// words, with or without marks.
func (p *Plan) matchGroup(toks []token, skip func(int) bool) (g *Group, from, to int, ok bool) {
	best := 0
	for gi := range p.Groups {
		cand := &p.Groups[gi]
		for _, ph := range cand.phr {
			for i := range toks {
				if !matchWords(toks, i, ph) || !sameMarks(toks[i:i+len(ph.words)], ph) {
					continue
				}
				end := i + len(ph.words)
				blocked := false
				for k := i; k < end && skip != nil; k++ {
					blocked = blocked || skip(k)
				}
				if !blocked && len(ph.words) > best {
					g, from, to, ok, best = cand, i, end, true, len(ph.words)
				}
			}
		}
	}
	return g, from, to, ok
}
