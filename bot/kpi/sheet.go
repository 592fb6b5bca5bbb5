package kpi

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file holds what figures read from a spreadsheet need besides the
// typed reader: the label of a measure in a chosen scale, and the rules a
// typed line obeys, applied to a Report built from cells.

// MeasureLabel names the unit of measure of ind's amounts written in scale s,
// as the "đơn vị tính" column of a statistical table does: "triệu USD",
// "tỉ đồng", "%", "MWp"; "" for counts and stages, whose label is a sentence
// of the caller's.
func (ind *Indicator) MeasureLabel(s Scale, lang string) string {
	switch ind.Measure {
	case Items, Stages:
		return ""
	case Percent:
		return "%"
	}
	return strings.TrimSpace(strings.TrimSpace(scaleWord(s, lang)) + measureSuffix(ind.Measure, lang))
}

// CheckReport applies to r, a report built from something other than a
// typed message (a row of the spreadsheet template), the rules ParseUpdate
// applies to a typed line, with the same refusals: ErrUnknownIndicator for
// an indicator the plan lacks, ErrNotReportedByUnit for a unit that does not
// report it, ErrWrongYear and ErrFuturePeriod (or ErrBadPeriod) for its
// period, ErrNegative for a negative value of anything but a rate,
// ErrNeedItemName for a count without a name, ErrUnknownStage for a stage the
// milestone does not have, ErrWrongYear and ErrFutureDate for an item's date.
// Amounts are the caller's to read with ParseQuantity or a Quantity and
// ToAmount, as the typed reader does. Whether the user may report for the
// unit is the caller's decision, as for ParseUpdate.
func (p *Plan) CheckReport(r Report, o UpdateOptions) error {
	ind := p.Indicator(r.Indicator)
	if ind == nil {
		return Fail(ErrUnknownIndicator, "query", clip(r.Indicator), "suggest", "")
	}
	u := p.Unit(r.Unit)
	if u == nil || !reportsUnit(p, ind, u) {
		name := r.Unit
		if u != nil {
			name = u.Short
		}
		return Fail(ErrNotReportedByUnit, "indicator", ind.ID, "unit", name, "reporters", ind.Reporters)
	}
	loc := o.Now.Location()
	y, m, d := o.Now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	monthStart := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	last, _ := LastFinishedMonth(o.Now, p.Year)
	switch ind.Kind {
	case Cumulative, Rate, Level:
		per := r.Period
		switch {
		case !per.Valid():
			return Fail(ErrBadPeriod, "text", per.Key())
		case per.Year != p.Year:
			return Fail(ErrWrongYear, "year", strconv.Itoa(per.Year), "plan_year", strconv.Itoa(p.Year))
		case per.End(loc).After(monthStart):
			return Fail(ErrFuturePeriod, "period", per.Label(o.Lang), "last", last.Label(o.Lang))
		}
		if r.Value < 0 && ind.Kind != Rate {
			return Fail(ErrNegative, "text", FormatDecimal(r.Value.Rat(), 3, o.Lang))
		}
		return nil
	}
	switch ind.Kind {
	case Count:
		if strings.IndexFunc(r.Item, unicode.IsLetter) < 0 {
			ex := "ABC"
			if len(ind.Examples) > 0 {
				ex = ind.Examples[0]
			}
			return Fail(ErrNeedItemName, "indicator", ind.ID, "example", ex, "example_en", ex)
		}
	case Milestone:
		if ind.StageIndex(r.Item) < 0 {
			vi := make([]string, len(ind.Stages))
			en := make([]string, len(ind.Stages))
			for i, s := range ind.Stages {
				vi[i], en[i] = stageName(s, "vi"), stageName(s, "en")
			}
			return Fail(ErrUnknownStage, "indicator", ind.ID, "stages", strings.Join(vi, ", "), "stages_en", strings.Join(en, ", "),
				"example", vi[len(vi)-1], "example_en", en[len(en)-1])
		}
	}
	first := p.Year
	if ind.Kind == Milestone {
		first-- // stages may predate the plan year, as typed
	}
	if r.Date.Year() < first || r.Date.Year() > p.Year {
		return Fail(ErrWrongYear, "year", strconv.Itoa(r.Date.Year()), "plan_year", strconv.Itoa(p.Year))
	}
	if r.Date.After(today) {
		return Fail(ErrFutureDate, "date", r.Date.Format("02/01/2006"), "today", today.Format("02/01/2006"))
	}
	return nil
}

// reportsUnit reports whether u is one of the units that report ind.
func reportsUnit(p *Plan, ind *Indicator, u *Unit) bool {
	for _, x := range p.ReportingUnits(ind) {
		if x.ID == u.ID {
			return true
		}
	}
	return false
}

// StageByName returns the stage of ind named text (Vietnamese or English
// name, or id, in any case, with or without marks), or false.
func (ind *Indicator) StageByName(text string) (Stage, bool) {
	f := Fold(strings.TrimSpace(text))
	for _, s := range ind.Stages {
		if f != "" && (f == Fold(s.VI) || f == Fold(s.EN) || f == Fold(s.ID) || f == Fold(strings.ReplaceAll(s.ID, "-", " "))) {
			return s, true
		}
	}
	return Stage{}, false
}

// Name returns the stage's name in lang ("vi" or "en").
func (s Stage) Name(lang string) string { return stageName(s, lang) }
