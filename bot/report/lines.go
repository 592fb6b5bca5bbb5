package report

import "tiendo/bot/kpi"

// Line is one indicator's figures for the table's period, as its data table
// row shows them, for writers of other forms of the same report (the .docx
// document): amounts in the table's scale (TableScale), comparisons in
// percent. A figure the reports do not give has its Has… false.
type Line struct {
	Indicator *kpi.Indicator
	// Plan is the year's target; PlanText its words for a range or a stage.
	Plan     float64
	HasPlan  bool
	PlanText string
	// Cur is the period's figure (a count: the items of the period), YTD
	// the year to date's (a level: the latest within it, of YTDPeriod).
	Cur, YTD       float64
	HasCur, HasYTD bool
	YTDText        string // a milestone's stage reached
	YTDPeriod      kpi.Period
	// CurChange and YTDChange are the change on the same period last year
	// in percent (+12 is 12% more), where last year's figures are kept.
	CurChange, YTDChange       float64
	HasCurChange, HasYTDChange bool
	// OfPlan is the year to date's share of the year's target, in percent.
	OfPlan    float64
	HasOfPlan bool
	// CurStatus and YTDStatus are the least final status among the figures
	// counted in the period and in the year to date (StatusNone: unsaid).
	CurStatus, YTDStatus kpi.Status
	// Missing are the units that have not reported the period (cumulative
	// indicators).
	Missing []*kpi.Unit
	// Items are a count's items or a milestone's stages within the year to
	// date, oldest first.
	Items []kpi.Report
}

// Lines returns the data table's rows for tb.Period, in plan order, computed
// as the table computes them.
func (tb Table) Lines() []Line {
	per := tb.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	prev, hasPrev := previous(per)
	out := make([]Line, 0, len(tb.Plan.Indicators))
	for i := range tb.Plan.Indicators {
		ind := &tb.Plan.Indicators[i]
		x := tb.indicatorRow(ind, per, prev, hasPrev, ytd)
		rs := tb.Reports[ind.ID]
		ln := Line{Indicator: ind,
			Plan: x.plan, HasPlan: x.hasPlan, PlanText: x.planText,
			Cur: x.cur, HasCur: x.hasCur, YTD: x.ytd, HasYTD: x.hasYTD, YTDText: x.ytdText, YTDPeriod: ytd,
			CurChange: x.curYoY - 100, HasCurChange: x.hasCurYoY, YTDChange: x.ytdYoY - 100, HasYTDChange: x.hasYTDYoY,
			OfPlan: x.ytdPlan, HasOfPlan: x.hasYTDPlan,
		}
		// Status, the latest level and the items: read from the series, as
		// the table's own cells are (kpi.Compute).
		cur := kpi.Compute(tb.Plan, ind, rs, kpi.Filter{Period: per}, tb.Now)
		all := kpi.Compute(tb.Plan, ind, rs, kpi.Filter{Period: ytd}, tb.Now)
		ln.CurStatus, ln.YTDStatus = cur.LeastFinal(), all.LeastFinal()
		switch ind.Kind {
		case kpi.Cumulative:
			ln.Missing = tb.behind(ind, per)
		case kpi.Level:
			if all.HasData && !x.hasCur {
				ln.YTDPeriod = all.Period
			}
		case kpi.Count, kpi.Milestone:
			ln.Items = append(ln.Items, all.Items...)
		}
		out = append(out, ln)
	}
	return out
}
