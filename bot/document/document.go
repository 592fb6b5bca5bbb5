// Package document writes the report a department sends upward as a Word
// document (.docx), laid out as Decree 30/2020/NĐ-CP lays out an
// administrative document: the issuing body and the national motto at the
// top, the number and the place-date lines left for the clerk, the title,
// the body (a paragraph per indicator written as statistics offices write,
// the data table, the overview chart), "Nơi nhận" and the signature block.
//
// It takes kpi values, the figures the data table computes (package
// report) and a function that renders its words (locales/); it knows
// nothing of Telegram or Redis. The document is in Vietnamese whoever asks
// for it: it is the department's report to the provincial People's
// Committee, and its sentences are ones the bot's own reader reads back.
package document

import (
	"fmt"
	"strings"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/report"
)

// lang is the document's language.
const lang = "vi"

// Text renders message id of locales/ as plain text (not HTML) in Vietnamese.
type Text func(id string, kv ...any) string

// Document is the report of one period.
type Document struct {
	Plan *kpi.Plan
	// Reports are the counted figures of every indicator, by indicator id.
	Reports map[string][]kpi.Report
	// Period is the reporting period: a month, a quarter, the first half,
	// the year to date.
	Period kpi.Period
	Now    time.Time // the as-of line, and what "so far" means for counts
	T      Text
	// LastPlan and LastReports are the year before's, for the comparisons
	// with the same period; nil: no comparison is written.
	LastPlan    *kpi.Plan
	LastReports map[string][]kpi.Report
	// Chart is the overview chart as PNG; nil: no picture.
	Chart []byte
}

func (d Document) table() report.Table {
	return report.Table{Plan: d.Plan, Reports: d.Reports, Period: d.Period, Now: d.Now, Lang: lang, T: report.Text(d.T),
		LastPlan: d.LastPlan, LastReports: d.LastReports}
}

// Head is the letterhead with the plan's fields, or what they default to.
type Head struct {
	Authority, Issuer, Symbol, Place, SignerTitle, Signer string
	Recipients                                            []string
}

// Head returns the letterhead of the plan, each missing field derived
// from the province and the department.
func (d Document) Head() Head {
	lh := d.Plan.Letterhead
	h := Head{Authority: lh.Authority, Issuer: lh.Issuer, Symbol: lh.Symbol, Place: lh.Place,
		SignerTitle: lh.SignerTitle, Signer: lh.Signer, Recipients: lh.Recipients}
	if h.Authority == "" && d.Plan.Province != "" {
		h.Authority = d.T("DocAuthority", "Province", d.Plan.Province)
	}
	if h.Issuer == "" {
		h.Issuer = d.Plan.Department.Short
		if h.Issuer == "" {
			h.Issuer = d.Plan.Department.Name
		}
	}
	if h.Symbol == "" {
		h.Symbol = kpi.Initials(h.Issuer)
	}
	if h.Place == "" {
		h.Place = d.Plan.Province
	}
	if h.SignerTitle == "" {
		h.SignerTitle = d.T("DocSignerTitle")
	}
	if len(h.Recipients) == 0 {
		h.Recipients = []string{d.T("DocRecipientAuthority", "Authority", h.Authority), d.T("DocRecipientArchive")}
	}
	return h
}

// Title is the document's summary line (trích yếu).
func (d Document) Title() string {
	return d.T("DocSummary", "Period", d.Period.Label(lang), "Plan", d.Plan.Title(lang))
}

func upper(s string) string { return strings.ToUpper(s) }

// Bytes writes the .docx. It fails only on a chart that is not a PNG.
func (d Document) Bytes() ([]byte, error) {
	h := d.Head()
	t := d.T
	doc := &docx{title: d.Title(), lang: "vi-VN", now: d.Now}

	// The header: issuing body on the left, the motto on the right, each
	// with its line under it; the number and the place-date below.
	const leftW, rightW = 3900, textWidth - 3900
	line := func(n int) para {
		// A short rule: underlined spaces, as many as the line is long.
		return para{align: "center", runs: []run{{text: strings.Repeat("\u00a0", n), underline: true, size: 16}}}
	}
	var left []para
	if h.Authority != "" {
		left = append(left, para{align: "center", runs: []run{{text: upper(h.Authority), size: szHead}}})
	}
	left = append(left, para{align: "center", runs: []run{{text: upper(h.Issuer), bold: true, size: szHead}}}, line(18),
		para{align: "center", before: 120, runs: []run{{text: t("DocNumber", "Symbol", h.Symbol), size: szHead}}})
	right := []para{
		{align: "center", runs: []run{{text: t("DocMotto"), bold: true, size: 24}}},
		{align: "center", runs: []run{{text: t("DocMottoLine"), bold: true, size: szHead}}},
		line(44),
		{align: "center", before: 120, runs: []run{{text: t("DocPlaceDate", "Place", h.Place, "Year", d.Now.Year()), italic: true, size: szHead}}},
	}
	doc.table(table{widths: []int{leftW, rightW}, rows: [][]cell{{{paras: left, width: leftW}, {paras: right, width: rightW}}}})

	// The title and the summary.
	doc.para(para{align: "center", before: 240, runs: []run{{text: t("DocKind"), bold: true}}})
	doc.para(para{align: "center", runs: []run{{text: d.Title(), bold: true}}})
	doc.para(line(24))

	body := func(text string, heading bool) {
		doc.para(para{align: "both", indent: 567, after: 120, keepNext: heading, runs: []run{{text: text, bold: heading}}})
	}
	body(t("DocIntro", "Issuer", h.Issuer, "Plan", d.Plan.Title(lang), "Period", d.Period.Label(lang)), false)
	body(t("DocAsOf", "Date", d.Now.Format("02/01/2006"), "Time", d.Now.Format("15:04")), false)
	body(t("DocSectionResults"), true)
	for i, p := range d.Paragraphs() {
		doc.para(para{align: "both", indent: 567, after: 120, runs: []run{
			{text: fmt.Sprintf("%d. ", i+1)}, {text: p.Text()}}})
	}

	body(t("DocSectionTable"), true)
	doc.table(d.dataTable())
	doc.para(para{align: "both", after: 120, runs: []run{{text: t("DocTableNote", "Year", d.Plan.Year), italic: true, size: szTable}}})

	if len(d.Chart) > 0 {
		body(t("DocSectionChart"), true)
		img, err := doc.image(d.Chart, textWidth)
		if err != nil {
			return nil, err
		}
		doc.para(img)
	}

	// Nơi nhận on the left, the signature on the right.
	recv := []para{{runs: []run{{text: t("DocRecipients"), bold: true, italic: true, size: szSmall}}}}
	for i, r := range h.Recipients {
		end := ";"
		if i == len(h.Recipients)-1 {
			end = "."
		}
		recv = append(recv, para{runs: []run{{text: "- " + strings.TrimRight(r, ";.") + end, size: szReceiver}}})
	}
	// "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC": a title of two lines, one per line.
	var sign []para
	for _, l := range strings.Split(h.SignerTitle, "\n") {
		sign = append(sign, para{align: "center", runs: []run{{text: upper(strings.TrimSpace(l)), bold: true}}})
	}
	for range 4 {
		sign = append(sign, para{})
	}
	sign = append(sign, para{align: "center", runs: []run{{text: h.Signer, bold: true}}})
	doc.para(para{before: 240})
	doc.table(table{widths: []int{leftW + 600, rightW - 600}, rows: [][]cell{{{paras: recv, width: leftW + 600}, {paras: sign, width: rightW - 600}}}})
	return doc.bytes()
}

// dataTable is the data table as a Word table: the columns of the
// spreadsheet's that fit a portrait page.
func (d Document) dataTable() table {
	t := d.T
	per := d.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	widths := []int{620, 2900, 1000, 1100, 1100, 1100, 850, 900}
	sum := 0
	for _, w := range widths {
		sum += w
	}
	widths[1] += textWidth - sum
	head := []string{t("XlsxColNo"), t("XlsxColIndicator"), t("XlsxColMeasure"), t("XlsxColPlan", "Year", d.Plan.Year),
		t("XlsxColCur", "Period", per.Label(lang)), t("XlsxColYTD", "Period", ytd.Label(lang)), t("DocColYoY"), t("DocColOfPlan")}
	cellText := func(i int, s string, bold bool, align string) cell {
		return cell{width: widths[i], paras: []para{{align: align, runs: []run{{text: s, bold: bold, size: szTable}}}}}
	}
	var rows [][]cell
	var hr []cell
	for i, h := range head {
		hr = append(hr, cellText(i, h, true, "center"))
	}
	rows = append(rows, hr)
	for i, ln := range d.table().Lines() {
		ind := ln.Indicator
		num := func(v float64, ok bool, text string) string {
			switch {
			case text != "":
				return text
			case !ok:
				return ""
			case ind.Measure == kpi.Percent:
				return decimal(v, rateDecimals)
			case ind.Measure == kpi.Items:
				return decimal(v, 0)
			}
			return decimal(v, amountDecimals)
		}
		pct := func(v float64, ok bool) string {
			if !ok {
				return ""
			}
			return decimal(v, percentDecimals)
		}
		ytdText := ln.YTDText
		cur, hasCur := ln.Cur, ln.HasCur
		if ind.Kind == kpi.Milestone {
			hasCur = false
		}
		rows = append(rows, []cell{
			cellText(0, fmt.Sprint(i+1), false, "center"),
			cellText(1, ind.Name(lang), false, "left"),
			cellText(2, report.MeasureLabel(ind, report.Text(d.T), lang), false, "center"),
			cellText(3, num(ln.Plan, ln.HasPlan, ln.PlanText), false, "right"),
			cellText(4, num(cur, hasCur, ""), false, "right"),
			cellText(5, num(ln.YTD, ln.HasYTD, ytdText), false, "right"),
			cellText(6, pct(100+ln.CurChange, ln.HasCurChange), false, "right"),
			cellText(7, pct(ln.OfPlan, ln.HasOfPlan), false, "right"),
		})
	}
	return table{widths: widths, rows: rows, borders: true, header: 1}
}
