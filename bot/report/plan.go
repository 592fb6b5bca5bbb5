package report

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

// A plan as a workbook, for a department that keeps its programme in a
// spreadsheet: three sheets in a fixed layout, read into the same TOML the
// plan files are written in, so that kpi.ParsePlan validates both alike.
//
//	Kế hoạch   two columns, field and value: id, year, province, title_vi,
//	           title_en, source, approval, department_id, department_name,
//	           department_short, department_aliases
//	Đơn vị     one unit a row, under the header id | name | short | aliases
//	Chỉ tiêu   one indicator a row, under the header of planIndicatorCols
//
// Lists (aliases, examples, excludes) are separated by ";"; a milestone's
// stages are "id | tên | name" items separated by ";". Targets are plain
// decimals in the indicator's measure, as in the TOML file.
const (
	PlanSheet           = "Kế hoạch"
	PlanUnitsSheet      = "Đơn vị"
	PlanIndicatorsSheet = "Chỉ tiêu"
)

// Error IDs of the plan workbook reader (besides the form reader's).
const (
	ErrSheetBadLayout = "ErrSheetBadLayout" // Data: sheet, cell, want
)

var (
	planFields = []string{"id", "year", "province", "title_vi", "title_en", "source", "approval",
		"department_id", "department_name", "department_short", "department_aliases"}
	planUnitCols      = []string{"id", "name", "short", "aliases"}
	planIndicatorCols = []string{"id", "name_vi", "name_en", "aliases", "kind", "measure", "scale", "target",
		"target_min", "target_max", "note_vi", "note_en", "reporters", "frequency", "due_day", "approval",
		"stages", "examples", "excludes", "basis"}
	// planIndicatorOptional follow planIndicatorCols; a workbook written
	// before they existed lacks them, and is read without them.
	planIndicatorOptional = []string{"definition_vi", "definition_en", "definition_source"}
)

// Vietnamese headers: each column (and each field of the plan sheet) is
// headed by what a clerk calls it, followed by the plan file's key in
// brackets, "Loại chỉ tiêu (kind)"; the reader takes either form.
var planLabels = map[string]string{
	// the plan sheet
	"year": "Năm", "province": "Tỉnh", "title_vi": "Tên văn bản", "title_en": "Tên văn bản tiếng Anh",
	"source": "Nguồn (số, ngày, cơ quan ban hành)", "department_id": "Mã của sở", "department_name": "Tên sở",
	"department_short": "Tên ngắn của sở", "department_aliases": "Tên gọi khác của sở",
	// units and indicators
	"id": "Mã", "name": "Tên", "short": "Tên ngắn", "aliases": "Tên gọi khác",
	"name_vi": "Tên chỉ tiêu", "name_en": "Tên tiếng Anh", "kind": "Loại chỉ tiêu", "measure": "Đơn vị đo",
	"scale": "Hiển thị theo", "target": "Mục tiêu", "target_min": "Mục tiêu từ", "target_max": "Mục tiêu đến",
	"note_vi": "Ghi chú", "note_en": "Ghi chú tiếng Anh", "reporters": "Ai báo cáo", "frequency": "Kỳ báo cáo",
	"due_day": "Ngày hạn báo cáo", "approval": "Cần duyệt", "stages": "Các giai đoạn (mã | tên | name)",
	"examples": "Ví dụ", "excludes": "Không tính", "basis": "So với",
	"definition_vi": "Định nghĩa", "definition_en": "Định nghĩa tiếng Anh", "definition_source": "Nguồn định nghĩa",
}

// planPlanLabels differ from the indicators' where one word means two
// things: the plan's id is the plan's code.
var planPlanLabels = map[string]string{"id": "Mã kế hoạch", "approval": "Số liệu cần duyệt"}

// planChoices are the values a fixed-choice column takes, offered as a
// list in the workbook (the plan file's own words, which ParsePlan checks).
var planChoices = map[string][]string{
	"kind":      {"cumulative", "rate", "level", "count", "milestone"},
	"measure":   {"USD", "VND", "%", "MWp", "item", "stage"},
	"scale":     {"one", "thousand", "million", "billion"},
	"reporters": {"units", "department"},
	"frequency": {"monthly", "quarterly", "event"},
	"approval":  {"true", "false"},
}

// header is the heading of key: its Vietnamese label and the key.
func header(labels map[string]string, key string) string {
	if l, ok := labels[key]; ok {
		return l + " (" + key + ")"
	}
	if l, ok := planLabels[key]; ok {
		return l + " (" + key + ")"
	}
	return key
}

// headerKey is the key a heading names: the bracketed key of "Label
// (key)", or the heading itself (a workbook written before the labels).
func headerKey(h string) string {
	h = strings.TrimSpace(h)
	if strings.HasSuffix(h, ")") {
		if i := strings.LastIndex(h, "("); i >= 0 {
			return strings.TrimSpace(h[i+1 : len(h)-1])
		}
	}
	return h
}

// planNumber is a number written in the plan file ("6_400_000_000",
// "6.5") as a number cell's value, when a float holds it exactly.
func planNumber(s string) (float64, bool) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(t)
	return f, ok && new(big.Rat).SetFloat64(f).Cmp(r) == 0
}

// setPlanValue writes v, as a number when key is numeric and v one.
func (b *book) setPlanValue(sheet string, col, row int, key, v string) {
	switch key {
	case "year", "target", "target_min", "target_max", "due_day":
		if f, ok := planNumber(v); ok {
			b.fail(b.f.SetCellFloat(sheet, cell(col, row), f, -1, 64))
			return
		}
	}
	b.set(sheet, col, row, v, "")
}

// choices offers key's fixed values as a list on rows 2 to maxPlanRows of
// column col.
func (b *book) choices(sheet string, col int, key string) {
	vals, ok := planChoices[key]
	if !ok {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell(col, 2) + ":" + cell(col, maxPlanRows)
	b.fail(dv.SetDropList(vals))
	dv.SetError(excelize.DataValidationErrorStyleStop, header(nil, key), strings.Join(vals, ", "))
	b.fail(b.f.AddDataValidation(sheet, dv))
}

// maxPlanRows bounds each sheet of a plan workbook: a plan has tens of units
// (96 communes and wards in Tây Ninh) and tens of indicators.
const maxPlanRows = 500

// PlanBook writes plan p as a workbook in the layout above: what an admin
// downloads to start next year's plan from this one. It fails only if the
// workbook cannot be written.
func PlanBook(p *kpi.Plan) ([]byte, error) {
	b := newBook()
	b.f.SetSheetName(b.f.GetSheetName(0), PlanSheet)
	b.set(PlanSheet, 1, 1, "Mục (field)", "head")
	b.set(PlanSheet, 2, 1, "Giá trị (value)", "head")
	vals := map[string]string{
		"id": p.ID, "year": strconv.Itoa(p.Year), "province": p.Province, "title_vi": p.TitleVI,
		"title_en": p.TitleEN, "source": p.Source, "approval": strconv.FormatBool(p.Approval),
		"department_id": p.Department.ID, "department_name": p.Department.Name,
		"department_short": p.Department.Short, "department_aliases": strings.Join(p.Department.Aliases, "; "),
	}
	for i, f := range planFields {
		b.set(PlanSheet, 1, i+2, header(planPlanLabels, f), "")
		b.setPlanValue(PlanSheet, 2, i+2, f, vals[f])
		if f == "approval" {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = cell(2, i+2)
			b.fail(dv.SetDropList(planChoices["approval"]))
			b.fail(b.f.AddDataValidation(PlanSheet, dv))
		}
	}
	b.width(PlanSheet, 1, 36)
	b.width(PlanSheet, 2, 70)

	if _, err := b.f.NewSheet(PlanUnitsSheet); err != nil {
		return nil, err
	}
	for c, h := range planUnitCols {
		b.set(PlanUnitsSheet, c+1, 1, header(nil, h), "head")
	}
	for r, u := range p.Units {
		for c, v := range []string{u.ID, u.Name, u.Short, strings.Join(u.Aliases, "; ")} {
			b.set(PlanUnitsSheet, c+1, r+2, v, "")
		}
	}
	if _, err := b.f.NewSheet(PlanIndicatorsSheet); err != nil {
		return nil, err
	}
	for c, h := range append(planIndicatorCols[:len(planIndicatorCols):len(planIndicatorCols)], planIndicatorOptional...) {
		b.set(PlanIndicatorsSheet, c+1, 1, header(nil, h), "head")
		b.choices(PlanIndicatorsSheet, c+1, h)
	}
	for r, ind := range p.Indicators {
		stages := make([]string, len(ind.Stages))
		for i, s := range ind.Stages {
			stages[i] = s.ID + " | " + s.VI + " | " + s.EN
		}
		approval := ""
		if ind.Approval != nil {
			approval = strconv.FormatBool(*ind.Approval)
		}
		due := ""
		if ind.DueDay != 0 {
			due = strconv.Itoa(ind.DueDay)
		}
		row := map[string]string{
			"id": ind.ID, "name_vi": ind.NameVI, "name_en": ind.NameEN, "aliases": strings.Join(ind.Aliases, "; "),
			"kind": string(ind.Kind), "measure": string(ind.Measure), "scale": ind.ScaleWord,
			"target": ind.TargetText, "target_min": ind.TargetMinText, "target_max": ind.TargetMaxText,
			"note_vi": ind.NoteVI, "note_en": ind.NoteEN, "reporters": ind.Reporters, "frequency": ind.Frequency,
			"due_day": due, "approval": approval, "stages": strings.Join(stages, "; "),
			"examples": strings.Join(ind.Examples, "; "), "excludes": strings.Join(ind.Excludes, "; "), "basis": ind.Basis,
			"definition_vi": ind.DefinitionVI, "definition_en": ind.DefinitionEN, "definition_source": ind.DefinitionSource,
		}
		for c, h := range append(planIndicatorCols[:len(planIndicatorCols):len(planIndicatorCols)], planIndicatorOptional...) {
			b.setPlanValue(PlanIndicatorsSheet, c+1, r+2, h, row[h])
		}
	}
	for _, sh := range []string{PlanUnitsSheet, PlanIndicatorsSheet} {
		b.freeze(sh, 1, 1)
	}
	return b.bytes()
}

// planTOML is the shape of a plan file, for writing one from a workbook.
type planTOML struct {
	ID         string           `toml:"id"`
	Year       int              `toml:"year"`
	Province   string           `toml:"province,omitempty"`
	TitleVI    string           `toml:"title_vi,omitempty"`
	TitleEN    string           `toml:"title_en,omitempty"`
	Source     string           `toml:"source,omitempty"`
	Approval   bool             `toml:"approval"`
	Department unitTOML         `toml:"department"`
	Units      []unitTOML       `toml:"units"`
	Indicators []map[string]any `toml:"indicators"`
}

type unitTOML struct {
	ID      string   `toml:"id"`
	Name    string   `toml:"name"`
	Short   string   `toml:"short"`
	Aliases []string `toml:"aliases,omitempty"`
}

// PlanTOML reads a plan workbook in the layout above into a plan file's
// TOML, for kpi.ParsePlan to validate as it validates a file. It refuses,
// naming the sheet and the cell, a workbook of another layout, a formula,
// a cell too long, a number where a whole number is wanted; and, like the
// form reader, a file too large, a zip bomb, a sheet past the bounds of
// checkSheets, too many rows, a read over readBudget.
func PlanTOML(data []byte) ([]byte, error) {
	return withBudget(func(ctx context.Context) ([]byte, error) { return readPlanBook(ctx, data) })
}

func readPlanBook(ctx context.Context, data []byte) ([]byte, error) {
	f, err := openBook(ctx, data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	read := func(sheet string) ([][]string, error) {
		if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
			return nil, kpi.Fail(ErrSheetMissing, "sheet", sheet)
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, kpi.Fail(ErrSheetUnreadable)
		}
		if len(rows) > maxPlanRows {
			return nil, kpi.Fail(ErrSheetTooManyRows, "sheet", sheet, "max", strconv.Itoa(maxPlanRows))
		}
		for r, row := range rows {
			if ctx.Err() != nil {
				return nil, errBudget()
			}
			for c, v := range row {
				name := cell(c+1, r+1)
				if fm, _ := f.GetCellFormula(sheet, name); fm != "" {
					return nil, sheetErr(ErrSheetFormula, sheet, name)
				}
				if len([]rune(v)) > maxCellRunes {
					return nil, sheetErr(ErrSheetCellTooLong, sheet, name, "max", strconv.Itoa(maxCellRunes))
				}
			}
		}
		return rows, nil
	}
	head, err := read(PlanSheet)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	for r, row := range head {
		if r == 0 || len(row) == 0 || strings.TrimSpace(row[0]) == "" {
			continue
		}
		k := headerKey(row[0])
		if !contains(planFields, k) {
			return nil, sheetErr(ErrSheetBadLayout, PlanSheet, cell(1, r+1), "want", strings.Join(planFields, ", "))
		}
		if len(row) > 1 {
			fields[k] = strings.TrimSpace(row[1])
		}
	}
	pt := planTOML{ID: fields["id"], Province: fields["province"], TitleVI: fields["title_vi"],
		TitleEN: fields["title_en"], Source: fields["source"]}
	if pt.Year, err = wholeField(fields["year"], PlanSheet, planFieldCell(head, "year")); err != nil {
		return nil, err
	}
	pt.Approval = strings.EqualFold(fields["approval"], "true") || fields["approval"] == "1"
	pt.Department = unitTOML{ID: fields["department_id"], Name: fields["department_name"],
		Short: fields["department_short"], Aliases: list(fields["department_aliases"])}

	units, err := read(PlanUnitsSheet)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(units, PlanUnitsSheet, planUnitCols); err != nil {
		return nil, err
	}
	for _, row := range units[1:] {
		get := func(c int) string { return at(row, c) }
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		pt.Units = append(pt.Units, unitTOML{ID: get(0), Name: get(1), Short: get(2), Aliases: list(get(3))})
	}

	inds, err := read(PlanIndicatorsSheet)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(inds, PlanIndicatorsSheet, planIndicatorCols); err != nil {
		return nil, err
	}
	for r, row := range inds[1:] {
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		m := map[string]any{}
		for c, h := range append(planIndicatorCols[:len(planIndicatorCols):len(planIndicatorCols)], planIndicatorOptional...) {
			if c >= len(planIndicatorCols) && headerKey(at(inds[0], c)) != h {
				continue // an optional column this workbook lacks
			}
			v := at(row, c)
			if v == "" {
				continue
			}
			switch h {
			case "aliases", "examples", "excludes":
				m[h] = list(v)
			case "due_day":
				n, err := wholeField(v, PlanIndicatorsSheet, cell(c+1, r+2))
				if err != nil {
					return nil, err
				}
				m[h] = n
			case "approval":
				m[h] = strings.EqualFold(v, "true") || v == "1"
			case "stages":
				var stages []map[string]string
				for _, s := range list(v) {
					parts := strings.Split(s, "|")
					for len(parts) < 3 {
						parts = append(parts, "")
					}
					stages = append(stages, map[string]string{"id": strings.TrimSpace(parts[0]),
						"vi": strings.TrimSpace(parts[1]), "en": strings.TrimSpace(parts[2])})
				}
				m[h] = stages
			default:
				m[h] = v
			}
		}
		pt.Indicators = append(pt.Indicators, m)
	}
	var out bytes.Buffer
	if err := toml.NewEncoder(&out).Encode(pt); err != nil {
		return nil, fmt.Errorf("report: write plan: %w", err)
	}
	return out.Bytes(), nil
}

// IsPlanBook reports whether data is a workbook in the plan layout (its
// three sheets), rather than a unit's form. It reads only the workbook's
// directory, under the form reader's limits and bounds (checkSheets) and
// its time budget; a file beyond them is not a plan book, and the form
// reader then refuses it with the reason.
func IsPlanBook(data []byte) bool {
	ok, _ := withBudget(func(ctx context.Context) (bool, error) {
		f, err := openBook(ctx, data)
		if err != nil {
			return false, nil
		}
		defer f.Close()
		for _, sh := range []string{PlanSheet, PlanUnitsSheet, PlanIndicatorsSheet} {
			if idx, _ := f.GetSheetIndex(sh); idx < 0 {
				return false, nil
			}
		}
		return true, nil
	})
	return ok
}

// placeRE reads the place of a kpi.PlanError about a list entry.
var placeRE = regexp.MustCompile(`^(units|indicators)\[(\d+)\]`)

// PlanPlace turns the place of a kpi.PlanError found in a workbook's TOML
// ("indicators[2] (xuat-khau).target") into the workbook's words ("Chỉ
// tiêu, row 4 (xuat-khau).target"), in the row numbers a person sees.
func PlanPlace(place string) string {
	m := placeRE.FindStringSubmatchIndex(place)
	if m == nil {
		switch place { // a whole list: "units: at most 200 units, not 1000"
		case "units":
			return PlanUnitsSheet
		case "indicators":
			return PlanIndicatorsSheet
		}
		return PlanSheet + ", " + place
	}
	sheet := PlanUnitsSheet
	if place[m[2]:m[3]] == "indicators" {
		sheet = PlanIndicatorsSheet
	}
	i, _ := strconv.Atoi(place[m[4]:m[5]])
	return fmt.Sprintf("%s, row %d%s", sheet, i+2, place[m[1]:])
}

func checkHeader(rows [][]string, sheet string, want []string) error {
	if len(rows) == 0 {
		return sheetErr(ErrSheetBadLayout, sheet, "A1", "want", strings.Join(want, ", "))
	}
	for c, h := range want {
		if headerKey(at(rows[0], c)) != h {
			return sheetErr(ErrSheetBadLayout, sheet, cell(c+1, 1), "want", header(nil, h))
		}
	}
	return nil
}

func at(row []string, c int) string {
	if c < len(row) {
		return strings.TrimSpace(row[c])
	}
	return ""
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// planFieldCell returns the cell holding the value of field k in the plan sheet.
func planFieldCell(rows [][]string, k string) string {
	for r, row := range rows {
		if len(row) > 0 && headerKey(row[0]) == k {
			return cell(2, r+1)
		}
	}
	return "B1"
}

// wholeField reads a whole number written in a cell ("2026", "20"); an
// empty cell is 0, for kpi.ParsePlan to refuse if it must be set.
func wholeField(v, sheet, c string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f == float64(int(f)) {
		return int(f), nil
	}
	return 0, sheetErr(ErrSheetBadNumber, sheet, c, "text", clipText(v))
}
