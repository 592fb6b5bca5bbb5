package document

import (
	"math/big"
	"strconv"
	"strings"

	"tiendo/bot/kpi"
	"tiendo/bot/report"
)

// Paragraph is one indicator's paragraph of the body: sentences written as
// statistics offices write them, each one the bot's own reader reads back to
// the figures it states.
type Paragraph struct {
	Indicator *kpi.Indicator
	Sentences []string
}

// Text joins the sentences.
func (p Paragraph) Text() string { return strings.Join(p.Sentences, " ") }

// Decimals the document writes: amounts in the data table's scale with one
// decimal ("520,3 triệu USD"), rates with two at most, comparisons with one.
const (
	amountDecimals  = 1
	rateDecimals    = 2
	percentDecimals = 1
)

// decimal writes v with at most d decimals, the way Vietnamese writes
// numbers ("2.630,5").
func decimal(v float64, d int) string {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', d, 64))
	if !ok {
		return ""
	}
	return kpi.FormatDecimal(r, d, lang)
}

// Round rounds v to d decimals as the document writes it.
func Round(v float64, d int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
	return f
}

// amount writes a figure of ind in the table's scale with its unit.
func (d Document) amount(ind *kpi.Indicator, v float64) string {
	if ind.Measure == kpi.Percent {
		return decimal(v, rateDecimals) + "%"
	}
	return decimal(v, amountDecimals) + " " + report.MeasureLabel(ind, report.Text(d.T), lang)
}

// reached is the verb of a figure with its status: "ước đạt", "sơ bộ đạt",
// "chính thức đạt", and "đạt" when its reports said none.
func (d Document) reached(st kpi.Status) string {
	return d.T("DocReached_" + statusKey(st))
}

// rose is a rate's verb with its status: "ước tăng", "sơ bộ giảm", "tăng".
func (d Document) rose(st kpi.Status, v float64) string {
	id := "DocUp_"
	if Round(v, rateDecimals) < 0 {
		id = "DocDown_"
	}
	return d.T(id + statusKey(st))
}

func statusKey(st kpi.Status) string {
	if st == kpi.StatusNone {
		return "none"
	}
	return string(st)
}

// change is "tăng 12,0% so với cùng kỳ" or "giảm 3,1% so với cùng kỳ".
func (d Document) change(pct float64) string {
	id := "DocChangeUp"
	if Round(pct, percentDecimals) < 0 {
		id = "DocChangeDown"
	}
	return d.T(id, "Percent", decimal(abs(pct), percentDecimals)+"%")
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// sameYearBasis reports whether a rate of ind is a change on the same
// period last year, as IIP and GRDP are: it is then written "tăng 8,1% so
// với cùng kỳ", as the statistics office writes it.
func sameYearBasis(ind *kpi.Indicator) bool {
	return ind.Basis == "" || kpi.Basis(ind.Basis) == kpi.SamePeriod
}

// Paragraphs writes the body: one paragraph per indicator, in plan order.
func (d Document) Paragraphs() []Paragraph {
	tb := d.table()
	var out []Paragraph
	for _, ln := range tb.Lines() {
		out = append(out, Paragraph{Indicator: ln.Indicator, Sentences: d.sentences(ln)})
	}
	return out
}

func (d Document) sentences(ln report.Line) []string {
	ind := ln.Indicator
	name := ind.Name(lang)
	per := d.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	noData := d.T("DocNoData", "Name", name, "Period", per.Label(lang))
	switch ind.Kind {
	case kpi.Cumulative:
		return d.cumulative(ln, name, per, ytd, noData)
	case kpi.Rate, kpi.Level:
		v, p, st, ok := ln.Cur, per, ln.CurStatus, ln.HasCur
		if !ok && ln.HasYTD {
			v, p, st, ok = ln.YTD, ln.YTDPeriod, ln.YTDStatus, true
		}
		if !ok {
			return []string{noData}
		}
		if ind.Kind == kpi.Rate && sameYearBasis(ind) {
			return []string{d.T("DocRate", "Name", name, "Period", p.Label(lang), "Verb", d.rose(st, v),
				"Percent", decimal(abs(v), rateDecimals)+"%")}
		}
		return []string{d.T("DocLevel", "Name", name, "Period", p.Label(lang), "Verb", d.reached(st), "Value", d.amount(ind, v))}
	case kpi.Count:
		id := "DocCount"
		if len(ln.Items) == 0 {
			id = "DocCountNone"
		}
		out := []string{d.T(id, "Name", name, "Period", ytd.Label(lang), "Count", len(ln.Items), "Target", ind.FormatTarget(lang))}
		for _, it := range ln.Items {
			out = append(out, d.T("DocCountItem", "Name", name, "Item", it.Item, "Date", it.Date.Format("02/01/2006")))
		}
		return out
	case kpi.Milestone:
		var out []string
		for _, it := range ln.Items {
			if i := ind.StageIndex(it.Item); i >= 0 {
				out = append(out, d.T("DocStage", "Name", name, "Stage", ind.Stages[i].Name(lang), "Date", it.Date.Format("02/01/2006")))
			}
		}
		if len(out) == 0 {
			return []string{d.T("DocNoStage", "Name", name, "Period", ytd.Label(lang), "Target", ind.FormatTarget(lang))}
		}
		return out
	}
	return []string{noData}
}

// cumulative writes "Kim ngạch xuất khẩu tháng 5/2022 ước đạt 520,3 triệu
// USD, tăng 12,0% so với cùng kỳ; lũy kế 5 tháng đạt 2.630,5 triệu USD,
// bằng 41,1% kế hoạch năm." and the units that have not reported.
func (d Document) cumulative(ln report.Line, name string, per, ytd kpi.Period, noData string) []string {
	ind := ln.Indicator
	var clauses []string
	if ln.HasCur {
		c := d.T("DocFigure", "Name", name, "Period", per.Label(lang), "Verb", d.reached(ln.CurStatus), "Value", d.amount(ind, ln.Cur))
		if ln.HasCurChange {
			c += ", " + d.change(ln.CurChange)
		}
		if per.From == 1 && ln.HasOfPlan { // the period is the year to date
			c += ", " + d.T("DocOfPlan", "Percent", decimal(ln.OfPlan, percentDecimals)+"%")
		}
		clauses = append(clauses, c)
	}
	if per.From != 1 && ln.HasYTD {
		var c string
		if ln.HasCur {
			c = d.T("DocYTD", "Months", ytd.To, "Verb", d.reached(ln.YTDStatus), "Value", d.amount(ind, ln.YTD))
		} else {
			c = d.T("DocFigure", "Name", name, "Period", d.T("DocYTDPeriod", "Months", ytd.To, "Year", ytd.Year),
				"Verb", d.reached(ln.YTDStatus), "Value", d.amount(ind, ln.YTD))
		}
		if ln.HasYTDChange {
			c += ", " + d.change(ln.YTDChange)
		}
		if ln.HasOfPlan {
			c += ", " + d.T("DocOfPlan", "Percent", decimal(ln.OfPlan, percentDecimals)+"%")
		}
		clauses = append(clauses, c)
	}
	var out []string
	if len(clauses) == 0 {
		out = append(out, noData)
	} else {
		out = append(out, strings.Join(clauses, "; ")+".")
	}
	// Every unit missing is said by "chưa có số liệu" already.
	if n := len(ln.Missing); n > 0 && n < len(d.Plan.ReportingUnits(ind)) {
		names := make([]string, n)
		for i, u := range ln.Missing {
			names[i] = u.Short
		}
		out = append(out, d.T("DocMissing", "Period", per.Label(lang), "Units", strings.Join(names, ", "),
			"Count", n, "Total", len(d.Plan.ReportingUnits(ind))))
	}
	return out
}
