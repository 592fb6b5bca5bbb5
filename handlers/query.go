package handlers

import (
	"context"
	"errors"
	"html"
	"strings"
	"time"

	"tiendo/bot/kpi"
	"tiendo/locales"
)

// progress answers "tiến độ xuất khẩu [Bến Lức] [quý 1]".
func (s *session) progress(ctx context.Context, args string) error {
	// The same question at the same data version: the answer kept (answers.go).
	kept, key, version, hit := s.kept("q", args, false)
	if hit {
		return s.reply(ctx, kept)
	}
	q, err := s.Plan.ParseQuestion(args)
	if switched, serr := s.switchYear(ctx, wrongYear(err)); serr != nil {
		return serr
	} else if switched { // "xuất khẩu năm 2023" while 2022's plan is in force
		q, err = s.Plan.ParseQuestion(args)
	}
	aspect := kpi.AskedAspect(args)
	if err != nil {
		var ke *kpi.Error
		if errors.As(err, &ke) && aspect == kpi.AspectProjection && (ke.ID == kpi.ErrNoIndicator || ke.ID == kpi.ErrUnknownIndicator) {
			return s.projections(ctx) // "có đạt kế hoạch không?"
		}
		if errors.As(err, &ke) && ke.ID == "ErrNoIndicator" {
			return s.overview(ctx, args) // "tiến độ Bến Lức": the unit's overview
		}
		// In a group, plain talk that names no indicator is not for the bot.
		if s.IsGroup() && !strings.HasPrefix(s.Text, "/") && errors.As(err, &ke) && (ke.ID == kpi.ErrUnknownIndicator || ke.ID == kpi.ErrNotUnderstood || ke.ID == kpi.ErrOffTopic) {
			return nil
		}
		if errors.As(err, &ke) { // ask.go
			switch ke.ID {
			case kpi.ErrNotPlanUnit:
				return s.otherPlace(ctx, ke)
			case kpi.ErrWrongYear:
				return s.noPlanYear(ctx, args, ke)
			}
		}
		return err
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, []string{q.Indicator.ID})
	if err != nil {
		return err
	}
	reports := figs.Official[q.Indicator.ID]
	if (aspect == kpi.AspectProjection || q.Indicator.Kind == kpi.Cumulative) && q.Period == kpi.YearToDate(s.Plan.Year, 12) {
		// "dự báo cả năm", "năm 2022", "lũy kế 12 tháng": the year, one
		// answer whatever the words (a closed year is judged as closed).
		q.Period = kpi.Period{}
	}
	x := answerExtras{reports: reports}
	if q.Indicator.Kind == kpi.Cumulative {
		if x.last, err = s.lastYear(ctx, []string{q.Indicator.ID}); err != nil {
			return err
		}
		x.province = kpi.Compute(s.Plan, q.Indicator, reports, kpi.Filter{Period: q.Period}, s.now())
		switch aspect { // compare.go
		case kpi.AspectMonthly:
			text := s.monthByMonth(q, reports, x.last)
			s.keep(key, version, text)
			return s.reply(ctx, text)
		case kpi.AspectRanking:
			text := s.ranking(q, x.province)
			s.keep(key, version, text)
			return s.reply(ctx, text)
		}
	}
	// "xuất khẩu Bến Lức và Cần Đước": one answer per unit named, in one
	// reply; none named, the province.
	units := q.Units
	if len(units) == 0 {
		units = []*kpi.Unit{nil}
	}
	var parts []string
	for _, u := range units {
		one := q
		one.Unit = u
		f := kpi.Filter{Period: q.Period}
		if u != nil {
			f.Unit = u.ID
		} else if q.Group != nil {
			f.Group = q.Group.ID
		}
		p := kpi.Compute(s.Plan, q.Indicator, reports, f, s.now())
		if p.Overflow {
			return kpi.Fail("ErrTotalOverflow", "indicator", q.Indicator.ID)
		}
		text := s.renderProgress(one, p, x)
		// Figures awaiting approval, marked, below the official ones (approval.go).
		if extra := s.awaitingProgress(one, reports, figs.Awaiting[q.Indicator.ID], f); extra != "" {
			text += "\n" + extra
		}
		parts = append(parts, text)
	}
	answer := s.definitionHead(q.Indicator, args) + strings.Join(parts, "\n\n")
	s.keep(key, version, answer)
	return s.reply(ctx, answer)
}

// answerExtras is what a cumulative answer needs beyond its own progress:
// the indicator's reports, the province's progress (a unit's share and
// rank) and last year's figures (comparisons, projections).
type answerExtras struct {
	reports  []kpi.Report
	province kpi.Progress
	last     *yearFigures
}

// renderProgress is the full answer for one indicator.
func (s *session) renderProgress(q kpi.Question, p kpi.Progress, x answerExtras) string {
	ind := q.Indicator
	scope := ""
	if q.Unit != nil {
		scope = q.Unit.Short
	} else if q.Group != nil {
		scope = q.Group.Short
	}
	period := s.t("YearLabel", "Year", s.Plan.Year)
	if !q.Period.IsZero() {
		period = q.Period.Label(s.lang)
	}
	lines := []string{s.t("ProgressTitle", "Name", ind.Name(s.lang), "Scope", scope, "Period", period)}
	if note := ind.Note(s.lang); note != "" {
		lines = append(lines, "<i>"+html.EscapeString(note)+"</i>")
	}
	if !p.HasData {
		// A unit's or group's target only where the plan gives one: never
		// the province's as if it were theirs.
		switch {
		case q.Unit != nil:
			if target, own := ind.UnitTarget(q.Unit.ID); own {
				lines = append(lines, s.t("ProgressNoData", "Target", ind.FormatAmount(target, s.lang), "Year", s.Plan.Year))
			} else {
				lines = append(lines, s.t("ProgressNoDataNoTarget", "Scope", q.Unit.Short))
			}
		case q.Group != nil:
			lines = append(lines, s.t("ProgressNoDataNoTarget", "Scope", groupShort(q.Group)))
		default:
			lines = append(lines, s.t("ProgressNoData", "Target", ind.FormatTarget(s.lang), "Year", s.Plan.Year))
		}
		if len(p.Missing) > 0 && ind.Frequency != kpi.OnEvent && q.Unit == nil {
			lines = append(lines, s.n("ProgressNobodyYet", len(p.Missing)))
		}
		return strings.Join(lines, "\n")
	}
	switch ind.Kind {
	case kpi.Cumulative:
		if q.Unit != nil {
			lines = append(lines, s.unitLines(q, p, x.province)...)
		} else if q.Group != nil {
			lines = append(lines, s.groupLines(q, p, x.province)...)
		} else {
			lines = append(lines, s.cumulativeLines(q, p)...)
		}
		lines = append(lines, s.comparisonLines(q, p, x.reports, x.last)...)
		lines = append(lines, s.projectionLines(q, p, x.last)...)
	case kpi.Rate, kpi.Level:
		lines = append(lines, s.rateLines(p)...)
	case kpi.Count:
		lines = append(lines, s.countLines(p)...)
	case kpi.Milestone:
		lines = append(lines, s.milestoneLines(p)...)
	}
	if line := s.provisionalLine(p); line != "" {
		lines = append(lines, line)
	}
	if p.Latest != nil {
		lines = append(lines, s.asOf(p.Latest))
	}
	return strings.Join(lines, "\n")
}

// maxProvisional bounds the figures named as still estimates.
const maxProvisional = 8

// provisionalLine names the counted figures that are still estimates or
// preliminary, or is "" when all are final (or unsaid).
func (s *session) provisionalLine(p kpi.Progress) string {
	prov := p.Provisional()
	if len(prov) == 0 {
		return ""
	}
	var items []string
	for i, r := range prov {
		if i == maxProvisional {
			items = append(items, "…")
			break
		}
		items = append(items, s.t("ProvisionalItem", "Unit", s.unitShort(r.Unit), "Period", r.Period.Label(s.lang), "Status", s.t("StatusShort_"+string(r.Status))))
	}
	return s.n("ProgressProvisional", len(prov), "Items", strings.Join(items, "; "))
}

func (s *session) cumulativeLines(q kpi.Question, p kpi.Progress) []string {
	ind := q.Indicator
	id := "ProgressCumulative"
	if p.AtLeast {
		id = "ProgressCumulativeAtLeast"
	}
	lines := []string{s.t(id,
		"Total", ind.FormatAmount(p.Total, s.lang),
		"Target", ind.FormatTarget(s.lang),
		"Percent", kpi.FormatPercent(p.Percent, 1, s.lang))}
	// The province behind pace while most units have not reported is the
	// units missing, not the province (kpi.Progress.Judged): said so.
	if !p.Closed && q.Unit == nil && q.Group == nil && kpi.PaceOf(p.PacePoints, p.YearShare) == kpi.PaceBehind && !p.Judged(s.Plan) {
		reported, total := p.Coverage(s.Plan)
		lines = append(lines, s.t("PaceTooFew", "Month", p.Through, "Share", kpi.FormatPercent(p.YearShare, 1, s.lang),
			"Reported", reported, "Total", total))
	} else if line := s.paceLine(p, p.PacePoints); line != "" {
		lines = append(lines, line)
	}
	if len(p.Missing) > 0 && p.Through > 0 {
		lines = append(lines, s.n("ProgressMissing", len(p.Missing),
			"Month", p.Through, "Units", s.unitNames(p.Missing)))
	}
	lines = append(lines, s.seriesLines(q, p)...)
	return lines
}

// paceLine is the verdict on a year-to-date figure whose percentage is
// pts points from the share of the year (kpi.PaceOf: one band everywhere),
// or, once the plan year is over, on the year; "" when not judged.
func (s *session) paceLine(p kpi.Progress, pts float64) string {
	abs := pts
	if abs < 0 {
		abs = -abs
	}
	points := kpi.FormatDecimal(floatRat(abs), 1, s.lang)
	if p.Closed {
		if kpi.PaceOf(pts, p.YearShare) == kpi.PaceBehind {
			return s.t("YearClosedShort", "Year", p.Period.Year, "Points", points, "Month", p.Through)
		}
		return s.t("YearClosedMet", "Year", p.Period.Year, "Month", p.Through)
	}
	id := ""
	switch kpi.PaceOf(pts, p.YearShare) {
	case kpi.PaceBehind:
		id = "PaceBehind"
	case kpi.PaceOn:
		id = "PaceOn"
	case kpi.PaceAhead:
		id = "PaceAhead"
	default:
		return ""
	}
	if p.Months < p.Through && p.Period.From == 1 && len(p.Silent) > 0 {
		// Judged on the months that have figures (kpi: Progress.Months).
		return s.t(id+"Months", "Months", p.Months, "Share", kpi.FormatPercent(p.YearShare, 1, s.lang), "Points", points)
	}
	return s.t(id, "Month", p.Through, "Share", kpi.FormatPercent(p.YearShare, 1, s.lang), "Points", points)
}

// seriesLines say what the units' series add to a cumulative answer: the
// months no unit has reported, the units whose figure for the span is
// inside a figure of more months, and contradictions among stored figures.
func (s *session) seriesLines(q kpi.Question, p kpi.Progress) []string {
	var lines []string
	ind := q.Indicator
	if len(p.Silent) > 0 && q.Period.IsZero() {
		lines = append(lines, s.t("ProgressSilent", "Months", monthList(p.Silent)))
	}
	for _, ut := range p.Units {
		if ut.In != nil && !ut.Exact && !q.Period.IsZero() {
			lines = append(lines, s.t("ProgressIncluded", "Unit", s.unitShort(ut.Unit), "Period", q.Period.Label(s.lang),
				"In", ut.In.Period.Label(s.lang), "Value", ind.FormatAmount(ut.In.Value, s.lang)))
		}
	}
	for _, c := range p.Conflicts {
		lines = append(lines, s.t("ProgressConflict", "Unit", s.unitShort(c.Figure.Unit), "Text", s.conflictText(ind, c, nil)))
	}
	return lines
}

// conflictText is one contradiction in words: "lũy kế 5 tháng 2022 2,51 tỉ
// USD nhỏ hơn tổng 3 tháng đã ghi 3,67 tỉ USD".
// fresh are the slots of figures not yet stored (the read-back's): parts
// that include one are "with the new figure", not "already recorded".
func (s *session) conflictText(ind *kpi.Indicator, c kpi.Conflict, fresh map[string]bool) string {
	months := 0
	withNew := ""
	for _, r := range c.Parts {
		months += r.Period.Months()
		if fresh[r.Slot()] {
			withNew = "New"
		}
	}
	id := "ConflictSmaller" + withNew
	if c.Sum <= c.Figure.Value {
		id = "ConflictDiffer" + withNew
	}
	return s.t(id, "Figure", c.Figure.Period.Label(s.lang), "Value", ind.FormatAmount(c.Figure.Value, s.lang),
		"Months", months, "Sum", ind.FormatAmount(c.Sum, s.lang))
}

// monthList writes months as runs: "6–12", "2, 4, 6–12".
func monthList(ms []int) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		for j+1 < len(ms) && ms[j+1] == ms[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, itoa(int64(ms[i]))+"–"+itoa(int64(ms[j])))
		} else {
			parts = append(parts, itoa(int64(ms[i])))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func (s *session) rateLines(p kpi.Progress) []string {
	ind := p.Indicator
	verdict := s.t("VerdictMet")
	switch {
	case p.AboveRange:
		verdict = s.t("VerdictAbove")
	case !p.Met:
		gap := (ind.TargetMin - p.Value).Float()
		verdict = s.t("VerdictBelow", "Points", kpi.FormatDecimal(floatRat(gap), 2, s.lang))
	}
	lines := []string{s.t("ProgressLatest",
		"Value", ind.FormatAmount(p.Value, s.lang),
		"Period", p.Period.Label(s.lang),
		"Target", ind.FormatTarget(s.lang),
		"Verdict", locales.HTML(verdict))}
	if len(p.Missing) > 0 {
		lines = append(lines, s.n("ProgressMissingPeriod", len(p.Missing), "Units", s.unitNames(p.Missing)))
	}
	return lines
}

func (s *session) countLines(p kpi.Progress) []string {
	ind := p.Indicator
	lines := []string{s.t("ProgressCount", "Achieved", p.Achieved, "Target", ind.FormatTarget(s.lang))}
	for _, it := range p.Items {
		unit := ""
		if u := s.Plan.Unit(it.Unit); u != nil {
			unit = u.Short
		}
		lines = append(lines, s.t("ProgressItem", "Item", it.Item, "Unit", unit, "Date", s.date(it.Date)))
	}
	return lines
}

func (s *session) milestoneLines(p kpi.Progress) []string {
	ind := p.Indicator
	var lines []string
	if p.Stage >= 0 {
		st := ind.Stages[p.Stage]
		lines = append(lines, s.t("ProgressStage", "Stage", stageName(st, s.lang), "Date", s.date(p.StageDates[p.Stage]), "Goal", ind.FormatTarget(s.lang)))
	}
	for i, st := range ind.Stages {
		if i < len(p.StageDates) && !p.StageDates[i].IsZero() {
			lines = append(lines, s.t("StageDone", "Stage", stageName(st, s.lang), "Date", s.date(p.StageDates[i])))
		} else {
			lines = append(lines, s.t("StageOpen", "Stage", stageName(st, s.lang)))
		}
	}
	return lines
}

func stageName(st kpi.Stage, lang string) string {
	if lang == "en" && st.EN != "" {
		return st.EN
	}
	return st.VI
}

// asOf says when the latest counted figure came and from whom.
func (s *session) asOf(r *kpi.Report) string {
	unit := ""
	if u := s.Plan.Unit(r.Unit); u != nil {
		unit = u.Short
	}
	by := r.ByName
	if by == "" {
		by = "#" + itoa(r.By)
	}
	return s.t("AsOf", "At", r.At.In(s.Loc).Format(s.t("LayoutDateTime")), "By", by, "Unit", unit)
}

func (s *session) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Loc).Format(s.t("LayoutDate"))
}

func (s *session) unitNames(us []*kpi.Unit) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Short
	}
	return strings.Join(names, ", ")
}

// overview shows every indicator on one screen, behind-pace ones marked:
// "/tongquan [đơn vị] [năm 2022]". A unit, group, year or indicator named is
// honoured or refused (scope.go), never dropped.
func (s *session) overview(ctx context.Context, args string) error {
	// It says the time to the minute: kept for that minute (answers.go).
	kept, key, version, hit := s.kept("o", args, true)
	if hit {
		return s.reply(ctx, kept)
	}
	sc, err := s.Plan.ParseScope(args)
	if switched, serr := s.switchYear(ctx, wrongYear(err)); serr != nil {
		return serr
	} else if switched { // "/tongquan năm 2022" while 2023's plan is in force
		sc, err = s.Plan.ParseScope(args)
	}
	switch {
	case err != nil:
		return err
	case sc.Indicator != nil: // "/tongquan xuất khẩu": that indicator's answer
		return s.progress(ctx, args)
	case sc.Group != nil:
		return s.scopeRefusal("/tongquan", sc, ErrCommandNoGroup)
	case sc.HasPeriod && sc.Period != kpi.YearToDate(s.Plan.Year, 12):
		return kpi.Fail(ErrOverviewPeriod, "period", sc.Period.Label(s.lang), "example", s.exampleIndicator()+" "+sc.Period.Label(s.lang))
	}
	ids := make([]string, len(s.Plan.Indicators))
	for i := range s.Plan.Indicators {
		ids[i] = s.Plan.Indicators[i].ID
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, ids)
	if err != nil {
		return err
	}
	if len(sc.Units) > 0 {
		parts := make([]string, len(sc.Units))
		for i, u := range sc.Units {
			parts[i] = s.unitOverview(u, figs.Official) // compare.go
		}
		answer := strings.Join(parts, "\n\n")
		s.keep(key, version, answer)
		return s.reply(ctx, answer)
	}
	last, err := s.lastYear(ctx, ids)
	if err != nil {
		return err
	}
	answer := s.renderOverview(s.Plan, s.lang, figs.Official, figs.Awaiting, false, last)
	s.keep(key, version, answer)
	return s.reply(ctx, answer)
}

// renderOverview renders every indicator's progress in lang from all
// reports, in plan order or, with behindFirst (the weekly digest), the
// behind-pace ones first. When awaiting is not nil, each indicator's figures
// awaiting approval are marked after its official summary.
func (a *App) renderOverview(plan *kpi.Plan, lang string, all, awaiting map[string][]kpi.Report, behindFirst bool, last *yearFigures) string {
	now := a.Now().In(a.Loc)
	t := func(id string, kv ...any) string { return a.Cat.T(lang, id, kv...) }
	head := []string{t("OverviewTitle", "Title", plan.Title(lang), "Now", now.Format(t("LayoutDateTime"))), ""}
	var behindLines, otherLines []string
	behind := 0
	for i := range plan.Indicators {
		ind := &plan.Indicators[i]
		p := kpi.Compute(plan, ind, all[ind.ID], kpi.Filter{}, now)
		// Behind pace only when enough units have reported to say so
		// (kpi.Progress.Judged), as the overview chart says it.
		mark, judged := "▫️", p.Judged(plan)
		switch {
		case p.Behind && judged:
			mark = "⚠️"
		case p.HasData && judged:
			mark = "✅"
		}
		line := t("OverviewLine", "Mark", mark, "Name", ind.Name(lang), "Summary", locales.HTML(a.summary(lang, plan, ind, p)))
		if p.HasData && !judged {
			reported, total := p.Coverage(plan)
			line += " " + t("OverviewTooFew", "Reported", reported, "Total", total)
		}
		if len(p.Provisional()) > 0 {
			line += " " + t("SummaryProvisional")
		}
		if last != nil && ind.Kind == kpi.Cumulative && p.HasData {
			span := kpi.YearToDate(plan.Year, p.Through)
			if c, ok := kpi.Compare(kpi.SamePeriod, plan, ind, all[ind.ID], span, last.plan, last.reports[ind.ID], kpi.LastYear(span), kpi.Filter{}, kpi.Filter{}, now); ok {
				line += " " + t("SummarySamePeriod", "Change", signedChange(c.Pct, lang))
			}
		}
		if aw := awaiting[ind.ID]; len(aw) > 0 { // approval.go
			line += " " + a.awaitingSummary(lang, ind, all[ind.ID], aw, now)
		}
		if p.Behind && judged {
			behind++
		}
		if p.Behind && judged && behindFirst {
			behindLines = append(behindLines, line)
		} else {
			otherLines = append(otherLines, line)
		}
	}
	lines := append(append(head, behindLines...), otherLines...)
	lines = append(lines, "", a.Cat.N(lang, "OverviewFooter", behind))
	return strings.Join(lines, "\n")
}

// summary is the short form of one indicator's progress for the overview.
func (a *App) summary(lang string, plan *kpi.Plan, ind *kpi.Indicator, p kpi.Progress) string {
	t := func(id string, kv ...any) string { return a.Cat.T(lang, id, kv...) }
	if p.Overflow {
		return t("SummaryOverflow")
	}
	if !p.HasData {
		return t("SummaryNoData", "Target", ind.FormatTarget(lang))
	}
	switch ind.Kind {
	case kpi.Cumulative:
		pts := p.PacePoints
		if pts < 0 {
			pts = -pts
		}
		total := ind.FormatAmount(p.Total, lang)
		if p.AtLeast {
			total = "≥ " + total
		}
		id := "SummaryCumulativeAhead"
		switch pace := p.Pace(); {
		case p.Closed && pace == kpi.PaceBehind:
			id = "SummaryCumulativeClosedShort"
		case p.Closed:
			id = "SummaryCumulativeClosedMet"
		case pace == kpi.PaceBehind && !p.Judged(plan):
			id = "SummaryCumulativeUnjudged" // too few units to say behind
		case pace == kpi.PaceBehind:
			id = "SummaryCumulativeBehind"
		case pace == kpi.PaceOn:
			id = "SummaryCumulativeOn"
		}
		return t(id, "Total", total, "Target", ind.FormatTarget(lang),
			"Percent", kpi.FormatPercent(p.Percent, 1, lang), "Points", kpi.FormatDecimal(floatRat(pts), 1, lang))
	case kpi.Rate, kpi.Level:
		return t("SummaryLatest", "Value", ind.FormatAmount(p.Value, lang), "Period", p.Period.Label(lang), "Target", ind.FormatTarget(lang))
	case kpi.Count:
		return t("SummaryCount", "Achieved", p.Achieved, "Target", ind.FormatTarget(lang))
	case kpi.Milestone:
		st := ""
		if p.Stage >= 0 {
			st = stageName(ind.Stages[p.Stage], lang)
		}
		return t("SummaryStage", "Stage", st, "Goal", ind.FormatTarget(lang))
	}
	return ""
}
