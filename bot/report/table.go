// Package report writes the spreadsheets of Tiến Độ: the monthly data table
// (biểu số liệu) in the layout Vietnamese statistical reports use, and the
// template a reporter fills in and sends back, which it also reads. It takes
// kpi values and a function that renders the file's words in the reader's
// language (the words live in locales/); it knows nothing of Telegram or
// Redis.
package report

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"tiendo/bot/kpi"
)

// Text renders message id of locales/ as plain text (not HTML) in the
// reader's language.
type Text func(id string, kv ...any) string

// Number formats of the cells. The codes are written the way the file format
// requires (',' groups thousands, '.' marks decimals); a spreadsheet program
// shows them with its locale's marks, so a Vietnamese one shows #.##0,0.
const (
	fmtMoney   = "#,##0.0"
	fmtPercent = "#,##0.00"
	fmtCount   = "#,##0"
	fmtCompare = "#,##0.0"
	fmtDate    = "dd/mm/yyyy"
	fmtTime    = "dd/mm/yyyy hh:mm"
)

// TableScale is the scale the table and the template write an indicator's
// amounts in, as the department's reports do: money in USD in millions
// ("triệu USD"), in đồng in billions ("tỉ đồng"), anything else as it is.
func TableScale(ind *kpi.Indicator) kpi.Scale { return kpi.DisplayScale(ind) }

// MeasureLabel is the "đơn vị tính" of ind in the table and the template.
func MeasureLabel(ind *kpi.Indicator, t Text, lang string) string {
	switch ind.Measure {
	case kpi.Items:
		return t("XlsxMeasureItems")
	case kpi.Stages:
		return t("XlsxMeasureStage")
	}
	return ind.MeasureLabel(TableScale(ind), lang)
}

// scaled is a in ind's table scale, for a number cell.
func scaled(ind *kpi.Indicator, a kpi.Amount) float64 {
	return a.Float() / math.Pow10(int(TableScale(ind)))
}

func numFmt(ind *kpi.Indicator) string {
	switch ind.Measure {
	case kpi.USD, kpi.VND:
		return fmtMoney
	case kpi.Items:
		return fmtCount
	}
	return fmtPercent
}

// Table is the monthly data table of one period.
type Table struct {
	Plan *kpi.Plan
	// Reports are the counted figures of every indicator, by indicator id.
	Reports map[string][]kpi.Report
	// Period is the reporting period: a month, a quarter, the first half,
	// the year, any span of the plan year.
	Period kpi.Period
	Now    time.Time // "số liệu đến ngày", and what "so far" means for counts
	Lang   string    // "vi" or "en": the words kpi writes itself (periods, stages)
	T      Text
	// LastPlan and LastReports are the year before's plan and its counted
	// figures, for the columns on the same period last year; nil when the
	// bot keeps no plan of that year (the columns stay empty, and say so).
	LastPlan    *kpi.Plan
	LastReports map[string][]kpi.Report
}

// cell names the cell at column col (1-based) and row.
func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// nfc normalises text for the file: a name typed in NFD would otherwise show
// as separate marks in some programs.
func nfc(s string) string { return norm.NFC.String(s) }

// book wraps an excelize file with the styles the sheets share, and keeps
// the first error so the writers read straight.
type book struct {
	f      *excelize.File
	err    error
	styles map[string]int
}

func newBook() *book { return &book{f: excelize.NewFile(), styles: map[string]int{}} }

func (b *book) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

var thin = []excelize.Border{
	{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
	{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
}

// style returns the id of a named style, made on first use.
func (b *book) style(name string) int {
	if id, ok := b.styles[name]; ok {
		return id
	}
	font := &excelize.Font{Family: "Times New Roman", Size: 12}
	var st excelize.Style
	st.Font = font
	wrapLeft := &excelize.Alignment{Vertical: "center", WrapText: true}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	switch name {
	case "org":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}
	case "title":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 14, Bold: true}
		st.Alignment = center
	case "subtitle":
		st.Alignment = center
	case "asof":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 12, Italic: true}
		st.Alignment = center
	case "head":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 11, Bold: true}
		st.Alignment = center
		st.Border = thin
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}
	case "colno":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 10, Italic: true}
		st.Alignment = center
		st.Border = thin
	case "text":
		st.Alignment = wrapLeft
		st.Border = thin
	case "center":
		st.Alignment = center
		st.Border = thin
	case "note":
		st.Font = &excelize.Font{Family: "Times New Roman", Size: 11, Italic: true}
		st.Alignment = &excelize.Alignment{Vertical: "top", WrapText: true}
	case "input":
		st.Alignment = &excelize.Alignment{Vertical: "center", WrapText: true}
		st.Border = thin
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
		st.Protection = &excelize.Protection{Locked: false}
	default:
		// "num:<format>", "input:<format>"
		kind, code, _ := strings.Cut(name, ":")
		st.NumFmt = 0
		st.CustomNumFmt = &code
		st.Border = thin
		st.Alignment = &excelize.Alignment{Horizontal: "right", Vertical: "center"}
		if kind == "input" {
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
			st.Protection = &excelize.Protection{Locked: false}
		}
	}
	id, err := b.f.NewStyle(&st)
	b.fail(err)
	b.styles[name] = id
	return id
}

func (b *book) set(sheet string, col, row int, v any, style string) {
	c := cell(col, row)
	if s, ok := v.(string); ok {
		v = nfc(s)
	}
	if v != nil {
		b.fail(b.f.SetCellValue(sheet, c, v))
	}
	if style != "" {
		b.fail(b.f.SetCellStyle(sheet, c, c, b.style(style)))
	}
}

// num writes a number with a format, or leaves the cell empty (bordered)
// when ok is false: an empty cell is "no figure", never 0.
func (b *book) num(sheet string, col, row int, v float64, ok bool, format string) {
	c := cell(col, row)
	if ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
		b.fail(b.f.SetCellFloat(sheet, c, v, -1, 64))
	}
	b.fail(b.f.SetCellStyle(sheet, c, c, b.style("num:"+format)))
}

func (b *book) merge(sheet string, c1, r1, c2, r2 int, v any, style string) {
	b.set(sheet, c1, r1, v, style)
	if c2 > c1 || r2 > r1 {
		b.fail(b.f.MergeCell(sheet, cell(c1, r1), cell(c2, r2)))
		if style != "" {
			b.fail(b.f.SetCellStyle(sheet, cell(c1, r1), cell(c2, r2), b.style(style)))
		}
	}
}

func (b *book) width(sheet string, col int, w float64) {
	name, _ := excelize.ColumnNumberToName(col)
	b.fail(b.f.SetColWidth(sheet, name, name, w))
}

// fitWidth is a column width, in characters, for texts: the longest line of
// them (Vietnamese marks do not widen a letter), within lo..hi.
func fitWidth(lo, hi float64, texts ...string) float64 {
	w := lo
	for _, t := range texts {
		for _, line := range strings.Split(t, "\n") {
			w = max(w, float64(utf8.RuneCountInString(nfc(line)))*1.1+2)
		}
	}
	return min(w, hi)
}

// printSetup makes sheet print on A4 landscape, one page wide, with the
// header rows repeated on every page.
func (b *book) printSetup(sheet string, headerRows int) {
	size, orient, fit := 9, "landscape", 1 // 9 is A4 in the file format
	fitH := 0
	b.fail(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fit, FitToHeight: &fitH}))
	m := 0.5
	b.fail(b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}))
	fitToPage := true
	b.fail(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fitToPage}))
	if headerRows > 0 {
		b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, headerRows, headerRows)}))
	}
}

// freeze keeps rows 1..rows and columns 1..cols in view.
func (b *book) freeze(sheet string, cols, rows int) {
	b.fail(b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows,
		TopLeftCell: cell(cols+1, rows+1), ActivePane: "bottomRight"}))
}

func (b *book) bytes() ([]byte, error) {
	if b.err != nil {
		return nil, fmt.Errorf("report: %w", b.err)
	}
	var buf bytes.Buffer
	if _, err := b.f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: write: %w", err)
	}
	return buf.Bytes(), nil
}

// Columns of the data table (1-based).
const (
	colNo = iota + 1
	colName
	colMeasure
	colPlan
	colPrev
	colCur
	colYTD
	colCurYoY
	colYTDYoY
	colYTDPlan
	colStatus
	colNote
	tableCols = colNote
)

// Rows of the data table's head.
const (
	rowHead1   = 6
	rowHead2   = 7
	rowColNo   = 8
	rowFirst   = 9
	headerRows = rowColNo
)

// previous returns the period of the same length just before per in its
// year, or false (January, the first quarter, the first half, the year).
func previous(per kpi.Period) (kpi.Period, bool) {
	n := per.Months()
	if per.From == 1 || per.From-n < 1 {
		return kpi.Period{}, false
	}
	return kpi.Period{Year: per.Year, From: per.From - n, To: per.From - 1}, true
}

// FileKey names per in a file name: "2022-05", "2022-Q2", "2022",
// "2022-01-06".
func FileKey(per kpi.Period) string {
	switch {
	case per.IsMonth():
		return fmt.Sprintf("%04d-%02d", per.Year, per.From)
	case per.From == 1 && per.To == 12:
		return fmt.Sprintf("%04d", per.Year)
	case per.Months() == 3 && per.From%3 == 1:
		return fmt.Sprintf("%04d-Q%d", per.Year, per.To/3)
	}
	return fmt.Sprintf("%04d-%02d-%02d", per.Year, per.From, per.To)
}

// Sheet names of the table, in the reader's language.
func tableSheets(t Text) (table, units, missing string) {
	return t("XlsxSheetTable"), t("XlsxSheetUnits"), t("XlsxSheetMissing")
}

// Bytes writes the table as an .xlsx file: the data table, the figures per
// unit with who reported them and when, and the units that have not
// reported. It fails only if the spreadsheet library does.
func (tb Table) Bytes() ([]byte, error) {
	b := newBook()
	main, units, missing := tableSheets(tb.T)
	b.fail(b.f.SetSheetName("Sheet1", main))
	_, err := b.f.NewSheet(units)
	b.fail(err)
	_, err = b.f.NewSheet(missing)
	b.fail(err)
	tb.writeTable(b, main)
	tb.writeUnits(b, units)
	tb.writeMissing(b, missing)
	b.f.SetActiveSheet(0)
	b.fail(b.f.SetDocProps(&excelize.DocProperties{Title: nfc(tb.T("XlsxTitle", "Plan", tb.Plan.Title(tb.Lang)) + " — " + tb.Period.Label(tb.Lang)),
		Creator: "Tiến Độ", Language: tb.Lang}))
	return b.bytes()
}

// head writes the organisation, the title, the period and "số liệu đến
// ngày" over columns 1..cols.
func (tb Table) head(b *book, sheet string, cols int, titleID string) {
	t := tb.T
	l := tb.Lang
	b.merge(sheet, 1, 1, 4, 1, strings.ToUpper(nfc(t("XlsxIssuer", "Name", tb.Plan.Department.Name))), "org")
	b.merge(sheet, 1, 2, cols, 2, strings.ToUpper(nfc(t(titleID, "Plan", tb.Plan.Title(l)))), "title")
	b.merge(sheet, 1, 3, cols, 3, t("XlsxPeriod", "Period", tb.Period.Label(l)), "subtitle")
	b.merge(sheet, 1, 4, cols, 4, t("XlsxAsOf", "Date", tb.Now.Format("02/01/2006"), "Time", tb.Now.Format("15:04")), "asof")
	_ = b.f.SetRowHeight(sheet, 2, 36)
}

// row is one indicator's line of the data table.
type row struct {
	plan, prev, cur, ytd, ytdPlan float64
	hasPlan, hasPrev, hasCur      bool
	hasYTD, hasYTDPlan            bool
	curYoY, ytdYoY                float64 // % change on the same period last year
	hasCurYoY, hasYTDYoY          bool
	status                        string // the least final status of the figures counted
	planText, prevText, curText   string // milestones, ranges: words, not numbers
	ytdText, note                 string
}

func (tb Table) writeTable(b *book, sh string) {
	t := tb.T
	l := tb.Lang
	per := tb.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	prev, hasPrev := previous(per)
	tb.head(b, sh, tableCols, "XlsxTitle")

	prevLabel := ""
	if hasPrev {
		prevLabel = prev.Label(l)
	}
	heads := []struct {
		col  int
		text string
	}{
		{colNo, t("XlsxColNo")}, {colName, t("XlsxColIndicator")}, {colMeasure, t("XlsxColMeasure")},
		{colPlan, t("XlsxColPlan", "Year", tb.Plan.Year)},
		{colPrev, t("XlsxColPrev", "Period", prevLabel)},
		{colCur, t("XlsxColCur", "Period", per.Label(l))},
		{colYTD, t("XlsxColYTD", "Period", spanLabel(ytd, l))},
		{colStatus, t("XlsxColStatus")}, {colNote, t("XlsxColNote")},
	}
	for _, h := range heads {
		b.merge(sh, h.col, rowHead1, h.col, rowHead2, h.text, "head")
	}
	b.merge(sh, colCurYoY, rowHead1, colYTDPlan, rowHead1, t("XlsxColCompare"), "head")
	b.set(sh, colCurYoY, rowHead2, t("XlsxColCurYoY"), "head")
	b.set(sh, colYTDYoY, rowHead2, t("XlsxColYTDYoY"), "head")
	b.set(sh, colYTDPlan, rowHead2, t("XlsxColYTDPlan"), "head")
	_ = b.f.SetRowHeight(sh, rowHead1, 30)
	_ = b.f.SetRowHeight(sh, rowHead2, 60)
	// The column numbers under the head, as statistical tables carry them:
	// A, B, C for the text columns, 1, 2, … for the figures.
	for c := 1; c <= tableCols; c++ {
		label := string(rune('A' + c - 1))
		if c >= colPlan && c < colStatus {
			label = fmt.Sprintf("%d", c-colPlan+1)
		} else if c >= colStatus {
			label = string(rune('D' + c - colStatus))
		}
		b.set(sh, c, rowColNo, label, "colno")
	}

	names := []string{t("XlsxColIndicator")}
	r := rowFirst
	for i := range tb.Plan.Indicators {
		ind := &tb.Plan.Indicators[i]
		x := tb.indicatorRow(ind, per, prev, hasPrev, ytd)
		name := ind.Name(l)
		if note := ind.Note(l); note != "" {
			name += " (" + note + ")"
		}
		names = append(names, name)
		b.set(sh, colNo, r, i+1, "center")
		b.set(sh, colName, r, name, "text")
		b.set(sh, colMeasure, r, MeasureLabel(ind, t, l), "center")
		f := numFmt(ind)
		cellOr := func(col int, v float64, ok bool, text, format string) {
			if text != "" {
				b.set(sh, col, r, text, "center")
				return
			}
			b.num(sh, col, r, v, ok, format)
		}
		cellOr(colPlan, x.plan, x.hasPlan, x.planText, f)
		cellOr(colPrev, x.prev, x.hasPrev, x.prevText, f)
		cellOr(colCur, x.cur, x.hasCur, x.curText, f)
		cellOr(colYTD, x.ytd, x.hasYTD, x.ytdText, f)
		b.num(sh, colCurYoY, r, x.curYoY, x.hasCurYoY, fmtCompare)
		b.num(sh, colYTDYoY, r, x.ytdYoY, x.hasYTDYoY, fmtCompare)
		b.num(sh, colYTDPlan, r, x.ytdPlan, x.hasYTDPlan, fmtCompare)
		b.set(sh, colStatus, r, x.status, "center")
		b.set(sh, colNote, r, x.note, "text")
		r++
	}
	r++
	b.merge(sh, 1, r, tableCols, r, t("XlsxNoteTitle"), "note")
	yoy := "XlsxNoteYoY"
	if tb.LastPlan == nil {
		yoy = "XlsxNoteNoLastYear"
	}
	for _, id := range []string{"XlsxNoteEmpty", yoy, "XlsxNoteStatus", "XlsxNoteScale"} {
		r++
		b.merge(sh, 1, r, tableCols, r, "– "+t(id), "note")
		_ = b.f.SetRowHeight(sh, r, 30)
	}

	b.width(sh, colNo, 5)
	b.width(sh, colName, fitWidth(30, 48, names...))
	b.width(sh, colMeasure, 11)
	for c := colPlan; c <= colYTD; c++ {
		b.width(sh, c, 14)
	}
	for c := colCurYoY; c <= colYTDPlan; c++ {
		b.width(sh, c, 12)
	}
	b.width(sh, colStatus, 12)
	b.width(sh, colNote, 32)
	b.freeze(sh, colName, headerRows)
	b.printSetup(sh, 0)
	b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sh, rowHead1, rowColNo)}))
}

// indicatorRow computes one line of the data table. Nothing is invented: a
// figure the reports do not give stays empty.
func (tb Table) indicatorRow(ind *kpi.Indicator, per, prev kpi.Period, hasPrev bool, ytd kpi.Period) row {
	t := tb.T
	l := tb.Lang
	rs := tb.Reports[ind.ID]
	at := func(p kpi.Period) kpi.Progress {
		return kpi.Compute(tb.Plan, ind, rs, kpi.Filter{Period: p}, tb.Now)
	}
	var x row
	switch ind.Kind {
	case kpi.Cumulative:
		x.plan, x.hasPlan = scaled(ind, ind.Target), ind.Target > 0
		if hasPrev {
			if p := at(prev); p.HasData {
				x.prev, x.hasPrev = scaled(ind, p.Total), true
			}
		}
		cur := at(per)
		if cur.HasData {
			x.cur, x.hasCur = scaled(ind, cur.Total), true
		}
		y := at(ytd)
		if y.HasData {
			x.ytd, x.hasYTD = scaled(ind, y.Total), true
			if ind.Target > 0 {
				x.ytdPlan, x.hasYTDPlan = y.Percent, true
			}
		}
		if n := len(tb.behind(ind, per)); n > 0 {
			x.note = t("XlsxNoteMissing", "Missing", n, "Total", len(tb.Plan.ReportingUnits(ind)))
			// A figure that stops short of the period's end says how far it
			// reaches, not only who is missing.
			if all := kpi.Compute(tb.Plan, ind, rs, kpi.Filter{}, tb.Now); cur.HasData && all.Through < per.To {
				x.note = t("XlsxNotePartial", "Missing", n, "Total", len(tb.Plan.ReportingUnits(ind)), "Through", all.Through)
			}
		}
		// The same months of the year before, where that year's plan and
		// figures are kept: computed, never taken from a report's words.
		if tb.LastPlan != nil {
			lr := tb.LastReports[ind.ID]
			if c, ok := kpi.Compare(kpi.SamePeriod, tb.Plan, ind, rs, per, tb.LastPlan, lr, kpi.LastYear(per), kpi.Filter{}, kpi.Filter{}, tb.Now); ok {
				x.curYoY, x.hasCurYoY = 100+c.Pct, true
			}
			if c, ok := kpi.Compare(kpi.SamePeriod, tb.Plan, ind, rs, ytd, tb.LastPlan, lr, kpi.LastYear(ytd), kpi.Filter{}, kpi.Filter{}, tb.Now); ok {
				x.ytdYoY, x.hasYTDYoY = 100+c.Pct, true
			}
		}
	case kpi.Rate, kpi.Level:
		if ind.IsRange() {
			x.planText = ind.FormatTarget(l)
		} else {
			x.plan, x.hasPlan = scaled(ind, ind.Target), true
		}
		if hasPrev {
			if p := at(prev); p.HasData {
				x.prev, x.hasPrev = scaled(ind, p.Value), true
			}
		}
		// A rate or level shows, for a span, the figure for exactly that
		// span or the latest within it (kpi.Compute), its period noted: the
		// figure the chat shows.
		if p := at(per); p.HasData {
			x.cur, x.hasCur = scaled(ind, p.Value), true
			if p.Period != per {
				x.note = t("XlsxNoteRatePeriod", "Period", p.Period.Label(l))
			}
		}
		if p := at(ytd); p.HasData {
			x.ytd, x.hasYTD = scaled(ind, p.Value), true
			if p.Period != ytd && p.Period != per {
				x.note = t("XlsxNoteRatePeriod", "Period", p.Period.Label(l))
			}
		}
	case kpi.Count:
		x.plan, x.hasPlan = scaled(ind, ind.Target), true
		count := func(p kpi.Period) (float64, []string) {
			pr := at(p)
			var names []string
			for _, it := range pr.Items {
				names = append(names, it.Item)
			}
			return float64(pr.Achieved), names
		}
		if hasPrev {
			x.prev, _ = count(prev)
			x.hasPrev = true
		}
		var names []string
		x.cur, names = count(per)
		x.hasCur = true
		x.ytd, _ = count(ytd)
		x.hasYTD = true
		if ind.Target > 0 {
			x.ytdPlan, x.hasYTDPlan = x.ytd/scaled(ind, ind.Target)*100, true
		}
		x.note = strings.Join(names, "; ")
	case kpi.Milestone:
		x.planText = ind.FormatTarget(l)
		ms := at(ytd)
		stage, date := ms.StageBy(ytd.End(tb.Now.Location()))
		if stage >= 0 {
			x.ytdText = ind.Stages[stage].Name(l)
			x.note = t("XlsxNoteStage", "Date", date.Format("02/01/2006"))
		}
	}
	counted := at(ytd)
	if st := counted.LeastFinal(); st != kpi.StatusNone {
		x.status = t("Status_" + string(st))
	}
	if n := tb.approxNote(rs, ytd); n != "" {
		if x.note != "" {
			x.note += "; "
		}
		x.note += n
	}
	return x
}

// approxNote names the units whose figures within span their report
// rounded ("ước đạt hơn 350.000 tỷ đồng"), or "".
func (tb Table) approxNote(rs []kpi.Report, span kpi.Period) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Approx == "" || !r.Period.Valid() || r.Period.From < span.From || r.Period.To > span.To || seen[r.Unit] {
			continue
		}
		seen[r.Unit] = true
		name := r.Unit
		if u := tb.Plan.Unit(r.Unit); u != nil {
			name = u.Short
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return ""
	}
	return tb.T("XlsxNoteApprox", "Units", strings.Join(names, ", "))
}

// Columns of the units sheet.
const (
	uNo = iota + 1
	uIndicator
	uUnit
	uMeasure
	uCur
	uYTD
	uBy
	uAt
	uNote
	unitCols = uNote
)

func (tb Table) writeUnits(b *book, sh string) {
	t := tb.T
	l := tb.Lang
	per := tb.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	tb.head(b, sh, unitCols, "XlsxUnitsTitle")
	heads := []string{t("XlsxColNo"), t("XlsxColIndicator"), t("XlsxColUnit"), t("XlsxColMeasure"),
		t("XlsxColCur", "Period", per.Label(l)), t("XlsxColYTD", "Period", spanLabel(ytd, l)),
		t("XlsxColBy"), t("XlsxColAt"), t("XlsxColNote")}
	const hr = 6
	for i, h := range heads {
		b.set(sh, i+1, hr, h, "head")
	}
	_ = b.f.SetRowHeight(sh, hr, 45)
	end := ytd.End(tb.Now.Location())
	r := hr + 1
	n := 0
	var indNames, unitNames []string
	for i := range tb.Plan.Indicators {
		ind := &tb.Plan.Indicators[i]
		indNames = append(indNames, ind.Name(l))
		f := numFmt(ind)
		for _, u := range tb.Plan.ReportingUnits(ind) {
			unitNames = append(unitNames, u.Short)
			filter := func(p kpi.Period) kpi.Progress {
				return kpi.Compute(tb.Plan, ind, tb.Reports[ind.ID], kpi.Filter{Unit: u.ID, Period: p}, tb.Now)
			}
			n++
			b.set(sh, uNo, r, n, "center")
			b.set(sh, uIndicator, r, ind.Name(l), "text")
			b.set(sh, uUnit, r, u.Short, "text")
			b.set(sh, uMeasure, r, MeasureLabel(ind, t, l), "center")
			cur, y := filter(per), filter(ytd)
			note := ""
			switch ind.Kind {
			case kpi.Cumulative:
				b.num(sh, uCur, r, scaled(ind, cur.Total), cur.HasData, f)
				b.num(sh, uYTD, r, scaled(ind, y.Total), y.HasData, f)
			case kpi.Rate, kpi.Level:
				b.num(sh, uCur, r, scaled(ind, cur.Value), cur.HasData, f)
				b.num(sh, uYTD, r, scaled(ind, y.Value), y.HasData, f)
			case kpi.Count:
				b.num(sh, uCur, r, float64(cur.Achieved), true, f)
				b.num(sh, uYTD, r, float64(y.Achieved), true, f)
				var names []string
				for _, it := range y.Items {
					names = append(names, it.Item+" ("+it.Date.Format("02/01/2006")+")")
				}
				note = strings.Join(names, "; ")
			case kpi.Milestone:
				b.set(sh, uCur, r, "", "center")
				stage := ""
				if i, d := y.StageBy(end); i >= 0 {
					stage = ind.Stages[i].Name(l)
					note = d.Format("02/01/2006")
				}
				b.set(sh, uYTD, r, stage, "center")
			}
			// Who reported last what counts up to the end of the period:
			// the latest figure the unit's year to date rests on.
			last := y.Latest
			if last != nil {
				b.set(sh, uBy, r, last.ByName, "text")
				b.set(sh, uAt, r, last.At.In(tb.Now.Location()), "num:"+fmtTime)
			} else {
				b.set(sh, uBy, r, "", "text")
				b.set(sh, uAt, r, nil, "num:"+fmtTime)
			}
			b.set(sh, uNote, r, note, "text")
			r++
		}
	}
	b.fail(b.f.AutoFilter(sh, cell(1, hr)+":"+cell(unitCols, max(r-1, hr+1)), nil))
	b.width(sh, uNo, 6)
	b.width(sh, uIndicator, fitWidth(20, 40, indNames...))
	b.width(sh, uUnit, fitWidth(14, 30, unitNames...))
	b.width(sh, uMeasure, 11)
	b.width(sh, uCur, 14)
	b.width(sh, uYTD, 14)
	b.width(sh, uBy, 22)
	b.width(sh, uAt, 17)
	b.width(sh, uNote, 36)
	b.freeze(sh, uUnit, hr)
	b.printSetup(sh, hr)
}

// Missing lists, for the period, the units that have not sent a figure of
// an indicator they report every month (or quarter, at a quarter's end),
// with the indicators they owe, in plan order.
func (tb Table) Missing() []UnitMissing {
	per := tb.Period
	owed := map[string][]*kpi.Indicator{}
	for i := range tb.Plan.Indicators {
		ind := &tb.Plan.Indicators[i]
		due := ind.Frequency == kpi.Monthly || (ind.Frequency == kpi.Quarterly && per.To%3 == 0)
		if !due || ind.Kind == kpi.Count || ind.Kind == kpi.Milestone {
			continue
		}
		var missing []*kpi.Unit
		switch ind.Kind {
		case kpi.Cumulative:
			missing = tb.behind(ind, per)
		default:
			for _, u := range tb.Plan.ReportingUnits(ind) {
				var figs []kpi.Report
				for _, r := range tb.Reports[ind.ID] {
					if r.Unit == u.ID && r.Period.Year == per.Year {
						figs = append(figs, r)
					}
				}
				if !kpi.Covered(figs, kpi.Month(per.Year, per.To)) {
					missing = append(missing, u)
				}
			}
		}
		for _, u := range missing {
			owed[u.ID] = append(owed[u.ID], ind)
		}
	}
	var out []UnitMissing
	all := append([]kpi.Unit{tb.Plan.Department}, tb.Plan.Units...)
	for i := range all {
		if inds := owed[all[i].ID]; len(inds) > 0 {
			out = append(out, UnitMissing{Unit: tb.Plan.Unit(all[i].ID), Indicators: inds})
		}
	}
	return out
}

// behind returns the units whose figures of the cumulative ind do not cover
// the end of per (kpi.Series.Reported, as the reminders judge it): a unit
// that sent "lũy kế 5 tháng" has reported April and May.
func (tb Table) behind(ind *kpi.Indicator, per kpi.Period) []*kpi.Unit {
	return kpi.Compute(tb.Plan, ind, tb.Reports[ind.ID], kpi.Filter{Period: kpi.Month(per.Year, per.To)}, tb.Now).Missing
}

// UnitMissing is one unit that owes figures for the period.
type UnitMissing struct {
	Unit       *kpi.Unit
	Indicators []*kpi.Indicator
}

func (tb Table) writeMissing(b *book, sh string) {
	t := tb.T
	l := tb.Lang
	const cols = 4
	tb.head(b, sh, cols, "XlsxMissingTitle")
	const hr = 6
	for i, h := range []string{t("XlsxColNo"), t("XlsxColUnit"), t("XlsxColMissingIndicators"), t("XlsxColMissingCount")} {
		b.set(sh, i+1, hr, h, "head")
	}
	r := hr + 1
	var names, lists []string
	for i, m := range tb.Missing() {
		var inds []string
		for _, ind := range m.Indicators {
			inds = append(inds, ind.Name(l))
		}
		list := strings.Join(inds, "; ")
		names, lists = append(names, m.Unit.Name), append(lists, list)
		b.set(sh, 1, r, i+1, "center")
		b.set(sh, 2, r, m.Unit.Name, "text")
		b.set(sh, 3, r, list, "text")
		b.set(sh, 4, r, len(inds), "center")
		r++
	}
	if r == hr+1 {
		b.merge(sh, 1, r, cols, r, t("XlsxMissingNone"), "text")
	}
	b.width(sh, 1, 6)
	b.width(sh, 2, fitWidth(20, 36, names...))
	b.width(sh, 3, fitWidth(40, 80, lists...))
	b.width(sh, 4, 14)
	b.freeze(sh, 0, hr)
	b.printSetup(sh, hr)
}

// spanLabel names the months of a year-to-date period without saying
// "year to date" again, for the head "Lũy kế từ đầu năm (…)": "tháng
// 1–5/2022", "Jan–May 2022"; a month, a quarter, a half or the year as
// Label writes them.
func spanLabel(p kpi.Period, lang string) string {
	if p.From != 1 || p.To == 1 || p.To == 3 || p.To == 6 || p.To == 12 {
		return p.Label(lang)
	}
	if lang == "en" {
		return time.Month(p.From).String()[:3] + "–" + time.Month(p.To).String()[:3] + " " + strconv.Itoa(p.Year)
	}
	return "tháng " + strconv.Itoa(p.From) + "–" + strconv.Itoa(p.To) + "/" + strconv.Itoa(p.Year)
}
