package handlers

import (
	"context"
	"html"
	"strings"

	"tiendo/bot/kpi"
	"tiendo/locales"
)

// This file holds what a cumulative answer says beyond the year's total:
// the change on the same period last year and on the month before, the
// end-of-year projection, and a unit's own place among the units.

// yearFigures is one year's plan with its official figures, by indicator.
type yearFigures struct {
	plan    *kpi.Plan
	reports map[string][]kpi.Report
}

// lastYear returns the plan of the year before the request's and its
// official figures of ids, or nil when no such plan is kept.
func (s *session) lastYear(ctx context.Context, ids []string) (*yearFigures, error) {
	lp, err := s.planOf(ctx, s.Plan.Year-1)
	if err != nil || lp == nil {
		return nil, err
	}
	figs, err := s.figureReader().Figures(ctx, lp.ID, ids)
	if err != nil {
		return nil, err
	}
	return &yearFigures{plan: lp, reports: figs.Official}, nil
}

// signedChange writes a change in percent with its sign: "+15,4%", "−3,2%".
func signedChange(pct float64, lang string) string {
	if pct < 0 {
		return "−" + kpi.FormatPercent(-pct, 1, lang)
	}
	return "+" + kpi.FormatPercent(pct, 1, lang)
}

// answerSpan is the span a cumulative answer covers: the period asked, or
// the year to date its data reaches.
func answerSpan(q kpi.Question, p kpi.Progress, year int) (kpi.Period, bool) {
	if !q.Period.IsZero() {
		return q.Period, q.Period.Valid()
	}
	if !p.HasData || p.Through == 0 {
		return kpi.Period{}, false
	}
	return kpi.YearToDate(year, p.Through), true
}

// comparisonLines are the changes on the same period last year and, for a
// month, on the month before: computed where the earlier figures exist,
// else as the report stated them, marked so.
func (s *session) comparisonLines(q kpi.Question, p kpi.Progress, reports []kpi.Report, last *yearFigures) []string {
	ind := q.Indicator
	span, ok := answerSpan(q, p, s.Plan.Year)
	if !ok || ind.Kind != kpi.Cumulative {
		return nil
	}
	cf, pf := scopeFilters(q)
	now := s.now()
	var lines []string
	stated := func(b kpi.Basis) (kpi.Stated, bool) {
		// A stated comparison belongs to one report: shown only when the
		// answer is that report's figure.
		if len(p.Counted) != 1 || p.Counted[0].Period != span {
			return kpi.Stated{}, false
		}
		for _, st := range p.Counted[0].Stated {
			if st.Basis == b {
				return st, true
			}
		}
		return kpi.Stated{}, false
	}
	line := func(id string, c kpi.Change) string {
		l := s.t(id, "Period", c.Span.Label(s.lang), "Change", signedChange(c.Pct, s.lang), "Prev", ind.FormatAmount(c.Prev, s.lang))
		if c.Of > 0 {
			l += s.t("CompareOver", "Units", c.Units, "Of", c.Of)
		}
		return l
	}
	done := false
	if last != nil {
		if c, ok := kpi.Compare(kpi.SamePeriod, s.Plan, ind, reports, span, last.plan, last.reports[ind.ID], kpi.LastYear(span), cf, pf, now); ok {
			lines, done = append(lines, line("CompareSamePeriod", c)), true
		}
	}
	if st, ok := stated(kpi.SamePeriod); ok && !done {
		lines = append(lines, s.t("CompareStatedSame", "Change", locales.HTML(s.statedChange(st))))
	}
	if pm, ok := kpi.PreviousMonth(span); ok {
		done = false
		pp, pr, ppf := s.Plan, reports, cf
		if pm.Year != s.Plan.Year {
			ppf = pf
			pp, pr = nil, nil
			if last != nil {
				pp, pr = last.plan, last.reports[ind.ID]
			}
		}
		if pp != nil {
			if c, ok := kpi.Compare(kpi.PrevPeriod, s.Plan, ind, reports, span, pp, pr, pm, cf, ppf, now); ok {
				lines, done = append(lines, line("ComparePrevPeriod", c)), true
			}
		}
		if st, ok := stated(kpi.PrevPeriod); ok && !done {
			lines = append(lines, s.t("CompareStatedPrev", "Change", locales.HTML(s.statedChange(st))))
		}
	}
	return lines
}

// projectionLines project the year's end of a province-wide cumulative
// answer for the year to date; a unit has no share of the target to be
// projected against unless the plan gives it one.
func (s *session) projectionLines(q kpi.Question, p kpi.Progress, last *yearFigures) []string {
	if q.Unit != nil || q.Group != nil || !q.Period.IsZero() {
		return nil
	}
	var lr []kpi.Report
	var lp *kpi.Plan
	if last != nil {
		lp, lr = last.plan, last.reports[q.Indicator.ID]
	}
	if p.Closed || !p.HasData {
		return nil // a closed year has its verdict; no figures, nothing to rest on
	}
	missing := len(p.Missing)
	pr, ok := kpi.Project(q.Indicator, p, lp, lr, s.now())
	if !ok {
		return []string{s.t("ProjectionTooLittle", "Months", p.Months, "Missing", missing, "Units", len(p.Units),
			"Through", p.Through, "Min", kpi.MinProjectionMonths)}
	}
	ind := q.Indicator
	verdict := func(pct float64) string {
		if pct >= 100 {
			return s.t("ProjectionMet")
		}
		return s.t("ProjectionShort")
	}
	lines := []string{s.n("ProjectionBasis", p.Months, "Months", p.Months, "Missing", missing, "Units", len(p.Units), "Through", p.Through)}
	lines = append(lines, s.t("ProjectionPace", "Months", pr.Through, "Value", ind.FormatAmount(pr.Pace, s.lang),
		"Percent", kpi.FormatPercent(pr.PacePercent, 0, s.lang), "Verdict", locales.HTML(verdict(pr.PacePercent))))
	if pr.SeasonYear != 0 {
		lines = append(lines, s.t("ProjectionSeasonal", "Year", pr.SeasonYear, "Value", ind.FormatAmount(pr.Seasonal, s.lang),
			"Percent", kpi.FormatPercent(pr.SeasonalPercent, 0, s.lang), "Verdict", locales.HTML(verdict(pr.SeasonalPercent))))
	}
	return lines
}

// unitLines are a unit's own cumulative answer: its figure, its share of
// the province total and its rank, and, only where the plan allocates the
// unit a target, its progress against that target.
func (s *session) unitLines(q kpi.Question, p kpi.Progress, province kpi.Progress) []string {
	ind := q.Indicator
	lines := []string{s.t("UnitCumulative", "Total", atLeast(p.AtLeast)+ind.FormatAmount(p.Total, s.lang))}
	if st, ok := kpi.UnitStanding(province, q.Unit.ID); ok {
		lines = append(lines, s.t("UnitStanding", "Share", kpi.FormatPercent(st.Share, 1, s.lang),
			"Province", ind.FormatAmount(st.Province, s.lang), "Rank", st.Rank, "Of", st.Of))
	}
	if target, ok := ind.UnitTarget(q.Unit.ID); ok {
		pct := kpi.PercentOf(p.Total, target)
		lines = append(lines, s.t("UnitTarget", "Target", ind.FormatAmount(target, s.lang), "Percent", kpi.FormatPercent(pct, 1, s.lang)))
		if q.Period.IsZero() {
			if line := s.paceLine(p, pct-p.YearShare); line != "" {
				lines = append(lines, line)
			}
		}
	} else {
		lines = append(lines, s.t("UnitNoTarget", "Target", ind.FormatTarget(s.lang)))
	}
	if len(p.Missing) > 0 && p.Through > 0 {
		lines = append(lines, s.n("ProgressMissing", len(p.Missing), "Month", p.Through, "Units", s.unitNames(p.Missing)))
	}
	return append(lines, s.seriesLines(q, p)...)
}

// atLeast marks a figure that is a lower bound (kpi.Progress.AtLeast).
func atLeast(yes bool) string {
	if yes {
		return "≥ "
	}
	return ""
}

// projections answers "có đạt kế hoạch không?" without an indicator: the
// projection of every cumulative indicator.
func (s *session) projections(ctx context.Context) error {
	var ids []string
	for i := range s.Plan.Indicators {
		if s.Plan.Indicators[i].Kind == kpi.Cumulative {
			ids = append(ids, s.Plan.Indicators[i].ID)
		}
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, ids)
	if err != nil {
		return err
	}
	last, err := s.lastYear(ctx, ids)
	if err != nil {
		return err
	}
	lines := []string{s.t("ProjectionsTitle", "Year", s.Plan.Year)}
	for _, id := range ids {
		ind := s.Plan.Indicator(id)
		p := kpi.Compute(s.Plan, ind, figs.Official[id], kpi.Filter{}, s.now())
		q := kpi.Question{Indicator: ind}
		pl := s.projectionLines(q, p, last)
		if len(pl) == 0 {
			pl = []string{s.t("ProjectionNone")}
		}
		lines = append(lines, "", s.t("ProjectionHead", "Name", ind.Name(s.lang), "Total", ind.FormatAmount(p.Total, s.lang), "Target", ind.FormatTarget(s.lang)))
		lines = append(lines, pl...)
	}
	return s.reply(ctx, strings.Join(lines, "\n"))
}

// unitOverview is one unit's overview (/tongquan Bến Lức): each indicator
// the unit reports, its figure, its share of the province and its rank,
// and its own target where the plan allocates one.
func (s *session) unitOverview(u *kpi.Unit, all map[string][]kpi.Report) string {
	now := s.now()
	lines := []string{s.t("UnitOverviewTitle", "Unit", u.Name, "Year", s.Plan.Year), ""}
	for i := range s.Plan.Indicators {
		ind := &s.Plan.Indicators[i]
		if ind.Reporters != kpi.ByUnits {
			continue
		}
		p := kpi.Compute(s.Plan, ind, all[ind.ID], kpi.Filter{Unit: u.ID}, now)
		var summary string
		switch {
		case !p.HasData && ind.Kind != kpi.Count:
			summary = s.t("UnitOverviewNoData")
		case ind.Kind == kpi.Cumulative:
			province := kpi.Compute(s.Plan, ind, all[ind.ID], kpi.Filter{}, now)
			summary = atLeast(p.AtLeast) + ind.FormatAmount(p.Total, s.lang)
			if st, ok := kpi.UnitStanding(province, u.ID); ok {
				summary += " " + s.t("UnitOverviewStanding", "Share", kpi.FormatPercent(st.Share, 1, s.lang), "Rank", st.Rank, "Of", st.Of)
			}
			if target, ok := ind.UnitTarget(u.ID); ok {
				summary += " " + s.t("UnitOverviewTarget", "Target", ind.FormatAmount(target, s.lang), "Percent", kpi.FormatPercent(kpi.PercentOf(p.Total, target), 1, s.lang))
			}
			if len(p.Provisional()) > 0 {
				summary += " " + s.t("SummaryProvisional")
			}
		case ind.Kind == kpi.Count:
			summary = s.n("UnitOverviewCount", p.Achieved)
		default:
			summary = ind.FormatAmount(p.Value, s.lang) + " (" + p.Period.Label(s.lang) + ")"
		}
		lines = append(lines, s.t("OverviewLine", "Mark", "▫️", "Name", ind.Name(s.lang), "Summary", locales.HTML(summary)))
	}
	return strings.Join(lines, "\n")
}

// monthByMonth answers "xuất khẩu từng tháng": each month of the year so
// far, its status, and the same month last year where it is kept.
func (s *session) monthByMonth(q kpi.Question, reports []kpi.Report, last *yearFigures) string {
	ind := q.Indicator
	now := s.now()
	cf, pf := scopeFilters(q)
	scope := ""
	switch {
	case q.Unit != nil:
		scope = q.Unit.Short
	case q.Group != nil:
		scope = q.Group.Short
	}
	through := 0 // the months that have ended
	if d, ok := kpi.DefaultMonth(now, s.Plan.Year); ok {
		through = d.To
	}
	lines := []string{s.t("MonthlyTitle", "Name", ind.Name(s.lang), "Scope", scope, "Year", s.Plan.Year)}
	shown := false
	for m := 1; m <= through; m++ {
		per := kpi.Month(s.Plan.Year, m)
		f := cf
		f.Period = per
		p := kpi.Compute(s.Plan, ind, reports, f, now)
		if !p.HasData {
			lines = append(lines, s.t("MonthlyNone", "Month", per.Label(s.lang)))
			continue
		}
		shown = true
		// Units whose month is inside a figure of more months, by that figure.
		var inside []string
		var in kpi.Period
		exact := false
		for _, ut := range p.Units {
			switch {
			case ut.Exact:
				exact = true
			case ut.In != nil:
				inside = append(inside, s.unitShort(ut.Unit))
				in = ut.In.Period
			}
		}
		if !exact && len(inside) > 0 {
			lines = append(lines, s.t("MonthlyIncluded", "Month", per.Label(s.lang), "In", in.Label(s.lang), "Units", strings.Join(inside, ", ")))
			continue
		}
		value := ind.FormatAmount(p.Total, s.lang)
		if p.AtLeast && len(inside) == 0 {
			value = "≥ " + value
		}
		line := s.t("MonthlyLine", "Month", per.Label(s.lang), "Value", value)
		if len(inside) > 0 {
			line += " " + s.t("MonthlyIncludedSuffix", "Units", strings.Join(inside, ", "), "In", in.Label(s.lang))
		}
		if len(p.Provisional()) > 0 {
			line += " " + s.t("MonthlyProvisional")
		}
		if len(p.Missing) > 0 && q.Unit == nil {
			line += " " + s.n("MonthlyMissing", len(p.Missing))
		}
		if last != nil {
			if c, ok := kpi.Compare(kpi.SamePeriod, s.Plan, ind, reports, per, last.plan, last.reports[ind.ID], kpi.LastYear(per), cf, pf, now); ok {
				line += " " + s.t("MonthlyLastYear", "Year", last.plan.Year, "Prev", ind.FormatAmount(c.Prev, s.lang), "Change", signedChange(c.Pct, s.lang))
				if c.Of > 0 {
					line += s.t("CompareOver", "Units", c.Units, "Of", c.Of)
				}
			}
		}
		lines = append(lines, line)
	}
	if !shown {
		lines = append(lines, s.t("ProgressNoData", "Target", ind.FormatTarget(s.lang), "Year", s.Plan.Year))
	}
	return strings.Join(lines, "\n")
}

// ranking answers "xếp hạng xuất khẩu các đơn vị": the units by their
// figure over the period asked (the year to date by default), largest first.
func (s *session) ranking(q kpi.Question, province kpi.Progress) string {
	ind := q.Indicator
	period := s.t("YearLabel", "Year", s.Plan.Year)
	if !q.Period.IsZero() {
		period = q.Period.Label(s.lang)
	}
	lines := []string{s.t("RankingTitle", "Name", ind.Name(s.lang), "Period", period)}
	rows := kpi.Ranking(province)
	var none []string
	for _, ut := range province.Units {
		if ut.Total <= 0 {
			none = append(none, s.unitShort(ut.Unit))
		}
	}
	for _, r := range rows {
		value := atLeast(r.AtLeast) + ind.FormatAmount(r.Total, s.lang)
		lines = append(lines, s.t("RankingLine", "Rank", r.Rank, "Unit", s.unitShort(r.Unit), "Value", value,
			"Share", kpi.FormatPercent(r.Share, 1, s.lang)))
	}
	if len(rows) == 0 {
		lines = append(lines, s.t("ProgressNoData", "Target", ind.FormatTarget(s.lang), "Year", s.Plan.Year))
	}
	if len(none) > 0 && len(rows) > 0 {
		lines = append(lines, s.n("RankingNone", len(none), "Units", strings.Join(none, ", ")))
	}
	return strings.Join(lines, "\n")
}

// scopeFilters are the filters of a question's scope for this year (cf) and
// for the year before (pf): one unit, by id in both; a group, continued by
// the group (or whole province) its plan names as its predecessor.
func scopeFilters(q kpi.Question) (cf, pf kpi.Filter) {
	switch {
	case q.Unit != nil:
		return kpi.Filter{Unit: q.Unit.ID}, kpi.Filter{Unit: q.Unit.ID}
	case q.Group != nil:
		cf = kpi.Filter{Group: q.Group.ID}
		switch q.Group.Previous {
		case "*":
			return cf, kpi.Filter{}
		case "":
			return cf, cf
		}
		return cf, kpi.Filter{Group: q.Group.Previous}
	}
	return kpi.Filter{}, kpi.Filter{}
}

// groupLines are a group's cumulative answer: its total and its share of
// the province; a group has no target of its own.
func (s *session) groupLines(q kpi.Question, p kpi.Progress, province kpi.Progress) []string {
	ind := q.Indicator
	lines := []string{s.t("UnitCumulative", "Total", atLeast(p.AtLeast)+ind.FormatAmount(p.Total, s.lang))}
	if province.Total > 0 {
		lines = append(lines, s.t("GroupShare", "Share", kpi.FormatPercent(kpi.PercentOf(p.Total, province.Total), 1, s.lang),
			"Province", ind.FormatAmount(province.Total, s.lang), "Units", len(q.Group.Units)))
	}
	if len(p.Missing) > 0 && p.Through > 0 {
		lines = append(lines, s.n("ProgressMissing", len(p.Missing), "Month", p.Through, "Units", s.unitNames(p.Missing)))
	}
	return append(lines, s.seriesLines(q, p)...)
}

// statedChange is a comparison as its report stated it, "≈ gần +14%" when
// the report rounded it; safe HTML.
func (s *session) statedChange(st kpi.Stated) string {
	v := signedChange(st.Pct.Float(), s.lang)
	if st.Approx == "" {
		return html.EscapeString(v)
	}
	return s.t("ApproxValue", "Word", st.Approx, "Value", v)
}
