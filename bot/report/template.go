package report

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

// The template's fixed places. The figures sheet has a head, then one row
// per indicator from templateFirst; the hidden sheet metaSheet says which
// plan, unit and period the file is for.
const (
	metaSheet     = "tiendo"
	templateMagic = "tiendo-template/1"
	templateHead  = 6
	templateFirst = 7

	tCode    = 1 // A: indicator id
	tNo      = 2 // B
	tName    = 3 // C
	tMeasure = 4 // D
	tValue   = 5 // E: the figure, the item's name, or the stage
	tDate    = 6 // F: the item's or stage's date
	tStatus  = 7 // G: estimate / official, not kept yet
	tHint    = 8 // H
	tCols    = tHint
)

// Limits on a file sent back. A month's template of one unit is about 10 KB
// with a dozen rows; these are far above that and far below what could
// hurt the bot.
const (
	MaxFileSize    = 1 << 20 // bytes of the .xlsx itself
	maxUnzipped    = 8 << 20 // bytes of all its parts, unpacked
	maxPart        = 4 << 20 // bytes of one part unpacked (a sheet, the shared strings)
	maxParts       = 64      // files inside the zip
	MaxRows        = 200     // rows of the figures sheet
	maxCells       = 20_000  // cells of the figures sheet
	maxCellRunes   = 500     // characters of one cell read
	templateSuffix = ".xlsx"
)

// Error IDs of the template reader; each is a *kpi.Error, so handlers word
// it like any refusal. Refusals about one cell carry Data "sheet" and "cell".
const (
	ErrSheetTooLarge     = "ErrSheetTooLarge"     // Data: max_kb
	ErrSheetUnreadable   = "ErrSheetUnreadable"   // the file is not an .xlsx workbook
	ErrSheetNotTemplate  = "ErrSheetNotTemplate"  // Data: sheet (the hidden sheet expected)
	ErrSheetMissing      = "ErrSheetMissing"      // Data: sheet
	ErrSheetOtherPlan    = "ErrSheetOtherPlan"    // Data: plan, want
	ErrSheetTooManyRows  = "ErrSheetTooManyRows"  // Data: sheet, max
	ErrSheetFormula      = "ErrSheetFormula"      // Data: sheet, cell
	ErrSheetCellTooLong  = "ErrSheetCellTooLong"  // Data: sheet, cell, max
	ErrSheetBadCode      = "ErrSheetBadCode"      // Data: sheet, cell, code
	ErrSheetBadDate      = "ErrSheetBadDate"      // Data: sheet, cell, text
	ErrSheetBadNumber    = "ErrSheetBadNumber"    // Data: sheet, cell, text
	ErrSheetNoFigures    = "ErrSheetNoFigures"    // Data: sheet, cell
	ErrSheetDuplicateRow = "ErrSheetDuplicateRow" // Data: sheet, cell, indicator, first
	ErrSheetNotAFigure   = "ErrSheetNotAFigure"   // Data: sheet, cell, text
	ErrSheetErrorCell    = "ErrSheetErrorCell"    // Data: sheet, cell, text
	ErrSheetDateInValue  = "ErrSheetDateInValue"  // Data: sheet, cell, text
)

// Template is the form of one unit for one period.
type Template struct {
	Plan   *kpi.Plan
	Unit   *kpi.Unit
	Period kpi.Period // a month, normally the last finished one
	Lang   string
	T      Text
}

// TemplateIndicators are the indicators unit reports, in plan order: the
// rows of its template.
func TemplateIndicators(p *kpi.Plan, unit *kpi.Unit) []*kpi.Indicator {
	var out []*kpi.Indicator
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		for _, u := range p.ReportingUnits(ind) {
			if u.ID == unit.ID {
				out = append(out, ind)
				break
			}
		}
	}
	return out
}

// FileName is the template's file name: "mau-bao-cao-ben-luc-2022-05.xlsx".
func (tp Template) FileName() string {
	return tp.T("XlsxTemplateFile", "Unit", tp.Unit.ID, "Period", FileKey(tp.Period)) + templateSuffix
}

// Bytes writes the template. It fails only if the spreadsheet library does.
func (tp Template) Bytes() ([]byte, error) {
	t, l := tp.T, tp.Lang
	b := newBook()
	sh := t("XlsxSheetTemplate")
	b.fail(b.f.SetSheetName("Sheet1", sh))
	b.merge(sh, 1, 1, tCols, 1, strings.ToUpper(t("XlsxTemplateTitle", "Plan", tp.Plan.Title(l))), "title")
	b.merge(sh, 1, 2, tCols, 2, t("XlsxTemplateUnit", "Unit", tp.Unit.Name), "subtitle")
	b.merge(sh, 1, 3, tCols, 3, t("XlsxPeriod", "Period", tp.Period.Label(l)), "subtitle")
	b.merge(sh, 1, 4, tCols, 4, t("XlsxTemplateHelp"), "note")
	_ = b.f.SetRowHeight(sh, 1, 36)
	_ = b.f.SetRowHeight(sh, 4, 48)
	heads := []string{t("XlsxColCode"), t("XlsxColNo"), t("XlsxColIndicator"), t("XlsxColMeasure"),
		t("XlsxColValue", "Period", tp.Period.Label(l)), t("XlsxColDate"), t("XlsxColStatus"), t("XlsxColHint")}
	for i, h := range heads {
		b.set(sh, i+1, templateHead, h, "head")
	}
	_ = b.f.SetRowHeight(sh, templateHead, 45)
	names := []string{heads[tName-1]}
	hints := []string{}
	r := templateFirst
	for i, ind := range TemplateIndicators(tp.Plan, tp.Unit) {
		name := ind.Name(l)
		names = append(names, name)
		b.set(sh, tCode, r, ind.ID, "colno")
		b.set(sh, tNo, r, i+1, "center")
		b.set(sh, tName, r, name, "text")
		b.set(sh, tMeasure, r, MeasureLabel(ind, t, l), "center")
		var hint string
		switch ind.Kind {
		case kpi.Cumulative, kpi.Rate, kpi.Level:
			b.set(sh, tValue, r, nil, "input:"+numFmt(ind))
			b.set(sh, tDate, r, nil, "center")
			hint = t("XlsxHintNumber", "Measure", MeasureLabel(ind, t, l))
			if ind.Kind == kpi.Rate {
				hint = t("XlsxHintRate")
			}
		case kpi.Count:
			b.set(sh, tValue, r, nil, "input")
			b.set(sh, tDate, r, nil, "input:"+fmtDate)
			hint = t("XlsxHintItem")
		case kpi.Milestone:
			b.set(sh, tValue, r, nil, "input")
			b.set(sh, tDate, r, nil, "input:"+fmtDate)
			stages := make([]string, len(ind.Stages))
			for k, s := range ind.Stages {
				stages[k] = nfc(s.Name(l))
			}
			hint = t("XlsxHintStage", "Stages", strings.Join(stages, "; "))
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(cell(tValue, r))
			if dv.SetDropList(stages) == nil {
				b.fail(b.f.AddDataValidation(sh, dv))
			}
		}
		hints = append(hints, hint)
		b.set(sh, tStatus, r, nil, "input")
		b.set(sh, tHint, r, hint, "note")
		r++
	}
	b.width(sh, tCode, 16)
	b.width(sh, tNo, 5)
	b.width(sh, tName, fitWidth(28, 48, names...))
	b.width(sh, tMeasure, 11)
	b.width(sh, tValue, 22)
	b.width(sh, tDate, 13)
	b.width(sh, tStatus, 14)
	b.width(sh, tHint, fitWidth(30, 60, hints...))
	b.freeze(sh, tName, templateHead)
	b.printSetup(sh, templateHead)

	_, err := b.f.NewSheet(metaSheet)
	b.fail(err)
	for i, kv := range [][2]string{
		{"format", templateMagic}, {"plan", tp.Plan.ID}, {"unit", tp.Unit.ID},
		{"period", tp.Period.Key()}, {"sheet", sh}, {"lang", l},
	} {
		b.set(metaSheet, 1, i+1, kv[0], "")
		b.set(metaSheet, 2, i+1, kv[1], "")
	}
	b.fail(b.f.SetSheetVisible(metaSheet, false, true))
	b.f.SetActiveSheet(0)
	return b.bytes()
}

// Row is one figure read from a filled template, with the cell it came from.
type Row struct {
	Report kpi.Report
	Cell   string // "E9"
}

// Filled is what a filled template holds.
type Filled struct {
	Unit   *kpi.Unit
	Period kpi.Period
	Sheet  string
	Rows   []Row
}

// sheetErr is a refusal about one cell.
func sheetErr(id, sheet, c string, kv ...string) error {
	return kpi.Fail(id, append([]string{"sheet", sheet, "cell", c}, kv...)...)
}

// atCell adds the sheet and cell to a refusal of kpi's about a value.
func atCell(err error, sheet, c string) error {
	var ke *kpi.Error
	if !errors.As(err, &ke) {
		return err
	}
	out := kpi.Fail(ke.ID, "sheet", sheet, "cell", c)
	for k, v := range ke.Data {
		out.Data[k] = v
	}
	return out
}

// ReadTemplate reads a filled template back: every figure as a kpi.Report of
// the file's unit and period (By, At and Via left empty), validated with the
// rules of a typed report (kpi.ParseQuantity, ToAmount, CheckReport), in row
// order. o.Unit is not used: the unit is the file's, and whether the sender
// may report for it is the caller's decision.
//
// It refuses, with a *kpi.Error, a file over MaxFileSize, anything that is
// not an .xlsx workbook or whose parts unpack to more than a few megabytes (a
// zip bomb), a workbook that is not a template of this plan (naming the sheet
// or cell it expected), more than MaxRows rows, a formula in a cell it reads,
// and every figure a typed report would refuse, naming the cell. Before
// excelize reads a sheet, every sheet's XML is streamed and bounded
// (checkSheets); the whole read runs within readBudget. It never
// returns some figures with an error: a batch is confirmed whole or not at all.
func ReadTemplate(data []byte, p *kpi.Plan, o kpi.UpdateOptions) (Filled, error) {
	return withBudget(func(ctx context.Context) (Filled, error) { return readTemplate(ctx, data, p, o) })
}

func readTemplate(ctx context.Context, data []byte, p *kpi.Plan, o kpi.UpdateOptions) (Filled, error) {
	f, err := openBook(ctx, data)
	if err != nil {
		return Filled{}, err
	}
	defer f.Close()
	meta, err := readMeta(f)
	if err != nil {
		return Filled{}, err
	}
	if meta["format"] != templateMagic {
		return Filled{}, kpi.Fail(ErrSheetNotTemplate, "sheet", metaSheet)
	}
	if meta["plan"] != p.ID {
		return Filled{}, kpi.Fail(ErrSheetOtherPlan, "plan", clipText(meta["plan"]), "want", p.ID)
	}
	sh := meta["sheet"]
	unit := p.Unit(meta["unit"])
	per, perr := kpi.ParsePeriodKey(meta["period"])
	if unit == nil || perr != nil || sh == "" {
		return Filled{}, kpi.Fail(ErrSheetNotTemplate, "sheet", metaSheet)
	}
	if idx, _ := f.GetSheetIndex(sh); idx < 0 {
		return Filled{}, kpi.Fail(ErrSheetMissing, "sheet", clipText(sh))
	}
	rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
	if err != nil {
		return Filled{}, kpi.Fail(ErrSheetUnreadable)
	}
	if len(rows) > MaxRows {
		return Filled{}, kpi.Fail(ErrSheetTooManyRows, "sheet", sh, "max", strconv.Itoa(MaxRows))
	}
	cells := 0
	for _, r := range rows {
		cells += len(r)
	}
	if cells > maxCells {
		return Filled{}, kpi.Fail(ErrSheetTooManyRows, "sheet", sh, "max", strconv.Itoa(MaxRows))
	}
	rd := &reader{f: f, p: p, o: o, sheet: sh, unit: unit, per: per}
	out := Filled{Unit: unit, Period: per, Sheet: sh}
	seen := map[string]string{} // indicator|slot → cell
	for i := templateFirst - 1; i < len(rows); i++ {
		if ctx.Err() != nil {
			return Filled{}, errBudget()
		}
		row, err := rd.row(i+1, rows[i])
		if err != nil {
			return Filled{}, err
		}
		if row == nil {
			continue
		}
		key := row.Report.Indicator + "|" + row.Report.Slot()
		if first, dup := seen[key]; dup {
			return Filled{}, sheetErr(ErrSheetDuplicateRow, sh, row.Cell, "indicator", row.Report.Indicator, "first", first)
		}
		seen[key] = row.Cell
		out.Rows = append(out.Rows, *row)
		if len(out.Rows) > kpi.MaxReportsPerUpdate {
			return Filled{}, kpi.Fail(kpi.ErrTooManyLines, "max", strconv.Itoa(kpi.MaxReportsPerUpdate))
		}
	}
	if len(out.Rows) == 0 {
		return Filled{}, kpi.Fail(ErrSheetNoFigures, "sheet", sh, "cell", cell(tValue, templateFirst))
	}
	return out, nil
}

// checkZip looks at the archive's directory before anything is unpacked:
// too many parts, or parts that claim to unpack to more than the limits,
// are refused (Go's zip reader then refuses a part that unpacks to more
// than it claimed).
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return kpi.Fail(ErrSheetUnreadable)
	}
	if len(zr.File) > maxParts {
		return kpi.Fail(ErrSheetUnreadable)
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if zf.UncompressedSize64 > maxPart || total > maxUnzipped {
			return kpi.Fail(ErrSheetTooLarge, "max_kb", strconv.Itoa(MaxFileSize>>10))
		}
	}
	return nil
}

func readMeta(f *excelize.File) (map[string]string, error) {
	if idx, _ := f.GetSheetIndex(metaSheet); idx < 0 {
		return nil, kpi.Fail(ErrSheetNotTemplate, "sheet", metaSheet)
	}
	rows, err := f.GetRows(metaSheet, excelize.Options{RawCellValue: true})
	if err != nil || len(rows) > 20 {
		return nil, kpi.Fail(ErrSheetNotTemplate, "sheet", metaSheet)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			m[strings.TrimSpace(r[0])] = strings.TrimSpace(r[1])
		}
	}
	return m, nil
}

func clipText(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// reader reads the rows of one filled template.
type reader struct {
	f     *excelize.File
	p     *kpi.Plan
	o     kpi.UpdateOptions
	sheet string
	unit  *kpi.Unit
	per   kpi.Period
}

// value returns a cell's raw text (numbers as the file stores them),
// refusing a formula or a cell longer than maxCellRunes.
func (rd *reader) value(cols []string, col, row int) (string, error) {
	c := cell(col, row)
	if fm, _ := rd.f.GetCellFormula(rd.sheet, c); fm != "" {
		return "", sheetErr(ErrSheetFormula, rd.sheet, c)
	}
	if col > len(cols) {
		return "", nil
	}
	v := strings.TrimSpace(cols[col-1])
	if utf8.RuneCountInString(v) > maxCellRunes {
		return "", sheetErr(ErrSheetCellTooLong, rd.sheet, c, "max", strconv.Itoa(maxCellRunes))
	}
	return v, nil
}

// row reads row n (1-based); nil when it holds no figure.
func (rd *reader) row(n int, cols []string) (*Row, error) {
	code, err := rd.value(cols, tCode, n)
	if err != nil {
		return nil, err
	}
	val, err := rd.value(cols, tValue, n)
	if err != nil {
		return nil, err
	}
	date, err := rd.value(cols, tDate, n)
	if err != nil {
		return nil, err
	}
	if code == "" {
		if val != "" || date != "" {
			return nil, sheetErr(ErrSheetBadCode, rd.sheet, cell(tCode, n), "code", "")
		}
		return nil, nil
	}
	ind := rd.p.Indicator(code)
	if ind == nil {
		return nil, sheetErr(ErrSheetBadCode, rd.sheet, cell(tCode, n), "code", clipText(code))
	}
	if val == "" {
		return nil, nil // not reported this time
	}
	c := cell(tValue, n)
	r := kpi.Report{Indicator: ind.ID, Unit: rd.unit.ID}
	switch ind.Kind {
	case kpi.Cumulative, kpi.Rate, kpi.Level:
		r.Period = rd.per
		typ, _ := rd.f.GetCellType(rd.sheet, c)
		if err := rd.figureCell(c, val, typ); err != nil {
			return nil, err
		}
		a, err := rd.amount(ind, val, typ)
		if err != nil {
			return nil, atCell(err, rd.sheet, c)
		}
		r.Value = a
	case kpi.Count:
		r.Item = strings.Join(strings.Fields(val), " ")
		r.Value = kpi.AmountScale
	case kpi.Milestone:
		s, ok := ind.StageByName(val)
		if !ok {
			s.ID = val // CheckReport refuses it, with the stages
		}
		r.Item = s.ID
	}
	if ind.Kind == kpi.Count || ind.Kind == kpi.Milestone {
		dc := cell(tDate, n)
		d, err := rd.date(date, dc)
		if err != nil {
			return nil, err
		}
		r.Date = d
		if err := rd.p.CheckReport(r, rd.o); err != nil {
			if date != "" {
				var ke *kpi.Error
				if errors.As(err, &ke) && (ke.ID == kpi.ErrFutureDate || ke.ID == kpi.ErrWrongYear) {
					c = dc
				}
			}
			return nil, atCell(err, rd.sheet, c)
		}
		return &Row{Report: r, Cell: c}, nil
	}
	if err := rd.p.CheckReport(r, rd.o); err != nil {
		return nil, atCell(err, rd.sheet, c)
	}
	return &Row{Report: r, Cell: c}, nil
}

// amount reads a figure: a number cell is in the column's unit of measure
// (the table scale); a text cell is read as a typed figure is ("520 triệu
// USD", "520"), a bare number again in the column's unit.
func (rd *reader) amount(ind *kpi.Indicator, val string, typ excelize.CellType) (kpi.Amount, error) {
	scale := TableScale(ind)
	var q kpi.Quantity
	if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
		// A spreadsheet holds binary doubles: 520.3 may be stored as
		// 520.29999999999995. Its own display precision, 15 digits, is
		// what the person typed.
		fv, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return 0, kpi.Fail(ErrSheetBadNumber, "text", clipText(val))
		}
		rat, ok := new(big.Rat).SetString(strconv.FormatFloat(fv, 'g', 15, 64))
		if !ok {
			return 0, kpi.Fail(ErrSheetBadNumber, "text", clipText(val))
		}
		if rat.Sign() < 0 && ind.Kind != kpi.Rate {
			return 0, kpi.Fail(kpi.ErrNegative, "text", clipText(val))
		}
		q = kpi.Quantity{Value: rat.Mul(rat, pow10(int(scale))), Measure: ind.Measure, Scale: scale, Text: val}
	} else {
		// The typed reader's own: "520 triệu USD", a rate's "âm 2%".
		var neg bool
		var used string
		var err error
		q, neg, used, err = ind.ReadFigure(val, rd.o.Lang)
		if err != nil {
			return 0, err
		}
		if rest := leftOver(val, used); rest != "" {
			// "1e308 triệu USD" is 1 and "e308 triệu USD"; "5<ZWSP>20" is
			// 5 and "20": a cell holds one figure, and nothing else.
			return 0, kpi.Fail(ErrSheetNotAFigure, "text", clipText(val))
		}
		if q.Measure == "" && q.Scale == kpi.One && q.Value != nil {
			q.Value.Mul(q.Value, pow10(int(scale)))
			q.Measure, q.Scale = ind.Measure, scale
		}
		if neg && q.Value != nil {
			q.Value.Neg(q.Value)
		}
	}
	return ind.ToAmount(q)
}

// figureCell refuses a value cell that cannot hold a figure whatever its
// text: an error (#DIV/0!), a true/false, a date — a date cell's number is
// a count of days, 44712 for 31/05/2022, never a figure.
func (rd *reader) figureCell(c, val string, typ excelize.CellType) error {
	switch typ {
	case excelize.CellTypeError:
		return sheetErr(ErrSheetErrorCell, rd.sheet, c, "text", clipText(val))
	case excelize.CellTypeBool:
		return sheetErr(ErrSheetBadNumber, rd.sheet, c, "text", clipText(val))
	case excelize.CellTypeDate:
		return sheetErr(ErrSheetDateInValue, rd.sheet, c, "text", clipText(val))
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		if id, err := rd.f.GetCellStyle(rd.sheet, c); err == nil && id > 0 {
			if st, err := rd.f.GetStyle(id); err == nil && dateFormat(st) {
				return sheetErr(ErrSheetDateInValue, rd.sheet, c, "text", clipText(val))
			}
		}
	}
	return nil
}

// dateFormat reports whether a cell style shows its number as a date or a
// time: one of Excel's built-in date formats, or a format of its own with
// day, month-with-year, year, hour or second codes outside quoted text.
func dateFormat(st *excelize.Style) bool {
	switch n := st.NumFmt; {
	case n >= 14 && n <= 22, n >= 27 && n <= 36, n >= 45 && n <= 47, n >= 50 && n <= 58:
		return true
	}
	if st.CustomNumFmt == nil {
		return false
	}
	quoted, bracket := false, false
	for _, r := range strings.ToLower(*st.CustomNumFmt) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case r == 'd' || r == 'y' || r == 'h' || r == 's':
			return true
		}
	}
	return false
}

// leftOver is what text holds besides the figure read from it (written):
// "" when nothing but spaces, invisible format characters and a final
// full stop or comma.
func leftOver(text, written string) string {
	rest := text
	if i := strings.Index(text, written); i >= 0 && written != "" {
		rest = text[:i] + " " + text[i+len(written):]
	}
	rest = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1 // zero-width space and joiners, around the figure
		}
		return r
	}, strings.TrimSpace(rest))
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), ".,;"))
}

func pow10(n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil))
}

// date reads an item's date: a date cell, or "15/06/2022" typed as text;
// empty means the last day of the template's period, or today if that is
// not over, as a typed report without a date would have.
func (rd *reader) date(val, c string) (time.Time, error) {
	loc := rd.o.Now.Location()
	if val == "" {
		end := rd.per.End(loc).AddDate(0, 0, -1)
		y, m, d := rd.o.Now.Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, loc)
		if end.After(today) {
			end = today
		}
		return end, nil
	}
	if fv, err := strconv.ParseFloat(val, 64); err == nil {
		t, err := excelize.ExcelDateToTime(fv, false)
		if err != nil || fv < 1 || fv > 2958465 {
			return time.Time{}, sheetErr(ErrSheetBadDate, rd.sheet, c, "text", clipText(val))
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, val, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, sheetErr(ErrSheetBadDate, rd.sheet, c, "text", clipText(val))
}

// String names the template for logs.
func (tp Template) String() string {
	return fmt.Sprintf("template %s %s %s", tp.Plan.ID, tp.Unit.ID, tp.Period.Key())
}
