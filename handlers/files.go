package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"image/png"
	"path"
	"strconv"
	"strings"

	"tiendo/bot/access"
	"tiendo/bot/chart"
	"tiendo/bot/kpi"
	"tiendo/bot/report"
)

// This file answers with files and reads files: /baocao (the data table as
// .xlsx), /bieudo (a chart as PNG), /maubaocao (the form a reporter fills in)
// and the filled form sent back.

// Document is a file a user sent.
type Document struct {
	FileID   string
	Name     string
	MimeType string
	Size     int64
}

// File is a file the bot sends: a document, or a photo shown in the chat.
type File struct {
	Name    string
	Data    []byte
	Caption string // Telegram HTML
	Photo   bool
	// Fill: a form the user may send back filled in (a channel without
	// files offers a way to upload it).
	Fill bool
}

// Files sends files and fetches the ones users send. The Sender of package
// bot implements it; a Sender that does not is told so by ErrNoFiles.
type Files interface {
	// SendFile posts f to the chat.
	SendFile(ctx context.Context, chatID int64, f File) error
	// Download returns the bytes of a file a user sent, failing when it is
	// larger than max bytes.
	Download(ctx context.Context, fileID string, max int64) ([]byte, error)
}

// ErrNoFiles is returned when the Sender cannot send or fetch files.
var ErrNoFiles = errors.New("handlers: this sender does not handle files")

// xlsxMIME is what spreadsheet programs call an .xlsx file.
const xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *session) files() (Files, error) {
	f, ok := s.out.(Files)
	if !ok {
		return nil, ErrNoFiles
	}
	return f, nil
}

// plain renders a message for a file or a picture: no HTML there.
func (s *session) plain(id string, kv ...any) string { return html.UnescapeString(s.t(id, kv...)) }

func (a *App) plainIn(lang string) func(id string, kv ...any) string {
	return func(id string, kv ...any) string { return html.UnescapeString(a.Cat.T(lang, id, kv...)) }
}

func allIndicators(plan *kpi.Plan) []string {
	ids := make([]string, len(plan.Indicators))
	for i := range plan.Indicators {
		ids[i] = plan.Indicators[i].ID
	}
	return ids
}

// defaultMonth is the month a file is for when none is named: the last
// finished month of the plan year, or December once the year is over.
func (s *session) defaultMonth() (kpi.Period, bool) {
	return kpi.DefaultMonth(s.now(), s.Plan.Year)
}

// report answers "/baocao [tháng 5/2022 | quý 2 | 6 tháng | năm 2022]" with
// the data table as an .xlsx document.
func (s *session) report(ctx context.Context, args string) error {
	// The table is the province's, every unit in it: a unit named is refused.
	if sc, err := s.Plan.ParseScope(args); err != nil && wrongYear(err) == 0 {
		return err
	} else if err := s.scopeRefusal("/baocao", sc, ErrCommandWholeProvince); err != nil {
		return err
	}
	per, found, err := kpi.Period{}, false, error(nil)
	if y, yerr := strconv.Atoi(strings.TrimSpace(args)); yerr == nil && isYear(strings.TrimSpace(args)) {
		// "/baocao 2022": that year's plan, wherever it is kept.
		if _, err := s.switchYear(ctx, y); err != nil {
			return err
		}
		if s.Plan.Year != y {
			return kpi.Fail(kpi.ErrWrongYear, "year", strconv.Itoa(y), "plan_year", strconv.Itoa(s.Plan.Year))
		}
		per, found = kpi.YearToDate(s.Plan.Year, 12), true
	} else {
		per, _, found, err = kpi.ParsePeriod(args, s.Plan.Year)
		if switched, serr := s.switchYear(ctx, wrongYear(err)); serr != nil {
			return serr
		} else if switched { // "/baocao tháng 5/2022" while 2023's plan is in force
			per, _, found, err = kpi.ParsePeriod(args, s.Plan.Year)
		}
		if err != nil {
			return err
		}
	}
	if !found {
		var ok bool
		if per, ok = s.defaultMonth(); !ok {
			return s.reply(ctx, s.t("ReportNeedPeriod", "Year", s.Plan.Year))
		}
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, allIndicators(s.Plan))
	if err != nil {
		return err
	}
	tb := report.Table{Plan: s.Plan, Reports: figs.Official, Period: per, Now: s.now(), Lang: s.lang, T: s.plain}
	last, err := s.lastYear(ctx, allIndicators(s.Plan)) // compare.go
	if err != nil {
		return err
	}
	if last != nil {
		tb.LastPlan, tb.LastReports = last.plan, last.reports
	}
	data, err := tb.Bytes()
	if err != nil {
		return err
	}
	return fs.SendFile(ctx, s.ChatID, File{
		Name:    s.plain("ReportFile", "Period", report.FileKey(per)) + ".xlsx",
		Data:    data,
		Caption: s.t("ReportCaption", "Period", per.Label(s.lang), "Title", s.Plan.Title(s.lang)),
	})
}

// chartWords are the words that open a chart request written as text
// ("biểu đồ xuất khẩu"), folded, cut before the indicator is read.
var chartWords = []string{"bieu do", "chart"}

// chart answers "/bieudo [chỉ tiêu]" and "biểu đồ …" with a PNG: the
// indicator's year for a cumulative one, else the overview.
func (s *session) chart(ctx context.Context, args string) error {
	rest := strings.TrimSpace(args)
	for _, w := range chartWords {
		n := len(strings.Fields(w))
		if f := strings.Fields(rest); len(f) >= n && kpi.Fold(strings.Join(f[:n], " ")) == w {
			rest = strings.Join(f[n:], " ")
			break
		}
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	// The chart is the province's: a unit named is refused.
	if sc, err := s.Plan.ParseScope(rest); err != nil && wrongYear(err) == 0 {
		return err
	} else if err := s.scopeRefusal("/bieudo", sc, ErrCommandWholeProvince); err != nil {
		return err
	}
	var ind *kpi.Indicator
	if rest != "" {
		q, err := s.Plan.ParseQuestion(rest)
		if switched, serr := s.switchYear(ctx, wrongYear(err)); serr != nil {
			return serr
		} else if switched { // "/bieudo xuất khẩu năm 2022" while 2023's plan is in force
			q, err = s.Plan.ParseQuestion(rest)
		}
		var ke *kpi.Error
		switch {
		case errors.As(err, &ke) && ke.ID == "ErrNoIndicator":
		case err != nil:
			return err
		default:
			ind = q.Indicator
		}
	}
	if ind != nil && kpi.AskedAspect(rest) == kpi.AspectRanking {
		q, _ := s.Plan.ParseQuestion(rest) // read above: only its period is wanted
		return s.rankingChart(ctx, fs, ind, q.Period)
	}
	ids := allIndicators(s.Plan)
	if ind != nil && ind.Kind == kpi.Cumulative {
		ids = []string{ind.ID}
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, ids)
	if err != nil {
		return err
	}
	if ind != nil && ind.Kind == kpi.Cumulative {
		cu := chart.Cumulative{Plan: s.Plan, Indicator: ind, Reports: figs.Official[ind.ID], Now: s.now(), Lang: s.lang, T: s.plain}
		data, err := cu.PNG()
		if err != nil {
			return err
		}
		return fs.SendFile(ctx, s.ChatID, File{Name: s.plain("ChartFile", "ID", ind.ID) + ".png", Data: data,
			Caption: html.EscapeString(cu.Caption()), Photo: true})
	}
	f, err := s.App.overviewChart(s.Plan, s.lang, figs.Official)
	if err != nil {
		return err
	}
	if ind != nil {
		f.Caption = s.t("ChartOnlyCumulative") + "\n" + f.Caption
	}
	return fs.SendFile(ctx, s.ChatID, f)
}

// rankingChart answers "/bieudo xếp hạng xuất khẩu [quý 1]": the units
// ranked by their figure over the period (the year to date by default), a
// picture as long as the units need.
func (s *session) rankingChart(ctx context.Context, fs Files, ind *kpi.Indicator, per kpi.Period) error {
	if ind.Kind != kpi.Cumulative {
		return s.reply(ctx, s.t("ChartRankingOnlyCumulative"))
	}
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, []string{ind.ID})
	if err != nil {
		return err
	}
	r := chart.Ranking{Plan: s.Plan, Indicator: ind, Reports: figs.Official[ind.ID], Period: per, Now: s.now(), Lang: s.lang, T: s.plain}
	data, err := r.PNG()
	if err != nil {
		return err
	}
	// Telegram refuses a photo whose width and height add up to more than
	// 10,000 pixels: a ranking that long goes as a document.
	photo := true
	if cfg, err := png.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width+cfg.Height > 10_000 {
		photo = false
	}
	return fs.SendFile(ctx, s.ChatID, File{Name: s.plain("ChartFile", "ID", "xep-hang-"+ind.ID) + ".png", Data: data,
		Caption: html.EscapeString(r.Caption()), Photo: photo})
}

// overviewChart is the overview as a photo with its caption.
func (a *App) overviewChart(plan *kpi.Plan, lang string, official map[string][]kpi.Report) (File, error) {
	o := chart.Overview{Plan: plan, Reports: official, Now: a.Now().In(a.Loc), Lang: lang, T: a.plainIn(lang)}
	data, err := o.PNG()
	if err != nil {
		return File{}, err
	}
	return File{Name: a.plainIn(lang)("ChartFile", "ID", "tong-quan") + ".png", Data: data, Caption: html.EscapeString(o.Caption()), Photo: true}, nil
}

// reporterUnit is the unit a submission is for by default: a reporter's
// own; nil for editors and admins, who name it. It refuses users who may not
// report.
func (s *session) reporterUnit() (*kpi.Unit, error) {
	if !s.user.Role.AtLeast(access.Reporter) {
		return nil, kpi.Fail("ErrNotReporter", "id", itoa(s.UserID))
	}
	if s.user.Role != access.Reporter {
		return nil, nil
	}
	own := s.Plan.Unit(s.user.Unit)
	if own == nil {
		return nil, kpi.Fail("ErrReporterNeedsUnit", "id", itoa(s.UserID))
	}
	return own, nil
}

// template answers "/maubaocao [đơn vị]" with the form of the reporter's
// unit (an editor's or admin's named one) for the last finished month.
func (s *session) template(ctx context.Context, args string) error {
	unit, err := s.reporterUnit()
	if err != nil {
		return err
	}
	if unit == nil {
		// A unit misspelt is refused with the units meant (scope.go).
		sc, err := s.Plan.ParseScope(args)
		if err != nil && wrongYear(err) == 0 {
			return err
		}
		if len(sc.Units) == 0 {
			return s.reply(ctx, s.t("TemplateNeedUnit"))
		}
		unit = sc.Units[0]
	}
	per, ok := s.defaultMonth()
	if !ok {
		return s.reply(ctx, s.t("TemplateNeedPeriod", "Year", s.Plan.Year))
	}
	if len(report.TemplateIndicators(s.Plan, unit)) == 0 {
		return s.reply(ctx, s.t("TemplateNoIndicators", "Unit", unit.Name))
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	tp := report.Template{Plan: s.Plan, Unit: unit, Period: per, Lang: s.lang, T: s.plain}
	data, err := tp.Bytes()
	if err != nil {
		return err
	}
	return fs.SendFile(ctx, s.ChatID, File{Name: tp.FileName(), Data: data, Fill: true,
		Caption: s.t("TemplateCaption", "Unit", unit.Name, "Period", per.Label(s.lang))})
}

// document reads a filled form sent back and reads its figures back, with
// Xác nhận / Hủy, exactly as typed figures: same refusals, same checks of
// the unit, the same pending submission stored on one press.
func (s *session) document(ctx context.Context) error {
	if isPlanFile(s.Document) { // plans.go
		return s.planFile(ctx)
	}
	if !s.user.Role.AtLeast(access.Reporter) {
		if s.IsGroup() {
			return nil
		}
		if !s.known {
			return s.stranger(ctx)
		}
	}
	d := s.Document
	own, err := s.reporterUnit()
	if err != nil {
		return err
	}
	if ext := strings.ToLower(path.Ext(d.Name)); ext != ".xlsx" && (ext != "" || d.MimeType != xlsxMIME) {
		if s.IsGroup() {
			return nil
		}
		return s.reply(ctx, s.t("FileNotSheet"))
	}
	if d.Size > report.MaxFileSize {
		return kpi.Fail(report.ErrSheetTooLarge, "max_kb", strconv.Itoa(report.MaxFileSize>>10))
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	data, err := fs.Download(ctx, d.FileID, report.MaxFileSize)
	if errors.Is(err, ErrFileTooLarge) {
		return kpi.Fail(report.ErrSheetTooLarge, "max_kb", strconv.Itoa(report.MaxFileSize>>10))
	} else if err != nil {
		return fmt.Errorf("handlers: download %s: %w", d.FileID, err)
	}
	if report.IsPlanBook(data) { // a plan, not a form (plans.go)
		return s.planBook(ctx, d.Name, data)
	}
	filled, err := report.ReadTemplate(data, s.Plan, kpi.UpdateOptions{Unit: own, Lang: s.lang, Now: s.now()})
	if err != nil {
		return err
	}
	reports := make([]kpi.Report, len(filled.Rows))
	for i, r := range filled.Rows {
		reports[i] = r.Report
	}
	return s.propose(ctx, reports, nil, own, "FileReadBackTitle")
}

// ErrFileTooLarge is what Files.Download returns for a file over its limit.
var ErrFileTooLarge = errors.New("handlers: file too large")
