package handlers

import (
	"context"
	"strconv"
	"strings"

	"tiendo/bot/chart"
	"tiendo/bot/document"
	"tiendo/bot/kpi"
	"tiendo/bot/report"
)

// reportDocument answers "/vanban [tháng 5 | quý 2 | 6 tháng | năm 2022]"
// with the report as a Word document to sign: in Vietnamese whoever asks,
// for it is the department's report upward; the caption in their language.
func (s *session) reportDocument(ctx context.Context, args string) error {
	per, found, err := kpi.Period{}, false, error(nil)
	if strings.TrimSpace(args) == strconv.Itoa(s.Plan.Year) {
		per, found = kpi.YearToDate(s.Plan.Year, 12), true
	} else if per, _, found, err = kpi.ParsePeriod(args, s.Plan.Year); err != nil {
		return err
	}
	if !found {
		var ok bool
		if per, ok = s.defaultMonth(); !ok {
			return s.reply(ctx, s.t("DocumentNeedPeriod", "Year", s.Plan.Year))
		}
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	ids := allIndicators(s.Plan)
	figs, err := s.figureReader().Figures(ctx, s.Plan.ID, ids)
	if err != nil {
		return err
	}
	vi := s.App.plainIn("vi")
	d := document.Document{Plan: s.Plan, Reports: figs.Official, Period: per, Now: s.now(), T: vi}
	last, err := s.lastYear(ctx, ids) // compare.go
	if err != nil {
		return err
	}
	if last != nil {
		d.LastPlan, d.LastReports = last.plan, last.reports
	}
	if d.Chart, err = (chart.Overview{Plan: s.Plan, Reports: figs.Official, Now: s.now(), Lang: "vi", T: vi}).PNG(); err != nil {
		return err
	}
	data, err := d.Bytes()
	if err != nil {
		return err
	}
	return fs.SendFile(ctx, s.ChatID, File{
		Name:    vi("DocumentFile", "Period", report.FileKey(per)) + ".docx",
		Data:    data,
		Caption: s.t("DocumentCaption", "Period", per.Label(s.lang)),
	})
}
