package handlers

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/report"
	"tiendo/bot/store"
)

// This file keeps every year's plan: /kehoach lists the years and shows one,
// and a plan file (TOML) an admin sends is checked, read back and, on Xác
// nhận, made the plan of its year.

// MaxPlanSize is the largest plan file read: the 2022 plan is about 12 KB.
const MaxPlanSize = 256 << 10

// isPlanFile reports whether d is a plan file (TOML) rather than a form.
func isPlanFile(d *Document) bool {
	return strings.EqualFold(path.Ext(d.Name), ".toml")
}

// planFile checks a plan file an admin sent and reads it back with Xác
// nhận / Hủy. Nothing changes until Xác nhận.
func (s *session) planFile(ctx context.Context) error {
	if !s.user.Role.AtLeast(access.Admin) {
		if s.IsGroup() {
			return nil
		}
		return s.reply(ctx, s.t("PlanAdminOnly"))
	}
	d := s.Document
	if d.Size > MaxPlanSize {
		return kpi.Fail("ErrPlanTooLarge", "max_kb", strconv.Itoa(MaxPlanSize>>10))
	}
	fs, err := s.files()
	if err != nil {
		return err
	}
	data, err := fs.Download(ctx, d.FileID, MaxPlanSize)
	if errors.Is(err, ErrFileTooLarge) {
		return kpi.Fail("ErrPlanTooLarge", "max_kb", strconv.Itoa(MaxPlanSize>>10))
	} else if err != nil {
		return fmt.Errorf("handlers: download %s: %w", d.FileID, err)
	}
	return s.planFrom(ctx, d.Name, data, false)
}

// planBook reads a plan sent as a workbook (report.PlanTOML's layout) into a
// plan file and goes on as with one, its errors placed in the workbook's
// sheets and rows.
func (s *session) planBook(ctx context.Context, name string, book []byte) error {
	if !s.user.Role.AtLeast(access.Admin) {
		if s.IsGroup() {
			return nil
		}
		return s.reply(ctx, s.t("PlanAdminOnly"))
	}
	data, err := report.PlanTOML(book)
	if err != nil {
		return err
	}
	return s.planFrom(ctx, name, data, true)
}

// planFrom checks plan file data and reads it back with Xác nhận / Hủy;
// book says it came from a workbook.
func (s *session) planFrom(ctx context.Context, name string, data []byte, book bool) error {
	p, err := kpi.ParsePlan(name, data)
	if err == nil {
		err = s.planClash(ctx, name, p)
		var pe *kpi.PlanError
		if err != nil && !errors.As(err, &pe) {
			return s.planServerFault(ctx, err)
		}
	}
	if err != nil {
		if book {
			err = inBook(err)
		}
		return s.planErrors(ctx, err)
	}
	old, err := s.planOf(ctx, p.Year)
	if err != nil {
		return s.planServerFault(ctx, err)
	}
	id, err := s.planDraftStore().PutPlanDraft(ctx, store.PlanRecord{Year: p.Year, Name: name, Source: data, By: s.UserID, At: s.now()}, PendingTTL)
	if err != nil {
		return s.planServerFault(ctx, err)
	}
	lines := []string{s.t("PlanReadBackTitle", "File", name)}
	lines = append(lines, s.planLines(p)...)
	switch {
	case old == nil:
		lines = append(lines, "", s.t("PlanNew", "Year", p.Year))
	case old.ID == p.ID:
		lines = append(lines, "", s.t("PlanReplaces", "Year", p.Year))
	default:
		lines = append(lines, "", s.t("PlanReplacesOtherID", "Year", p.Year, "Old", old.ID, "New", p.ID))
	}
	lines = append(lines, s.t("ReadBackAsk"))
	return s.reply(ctx, strings.Join(lines, "\n"), []Button{
		{Text: s.t("ButtonConfirm"), Data: Action{Kind: cbPlanOK, ID: id}.String()},
		{Text: s.t("ButtonCancel"), Data: Action{Kind: cbPlanCancel, ID: id}.String()},
	})
}

// planServerFault answers a plan file that could not be checked because the
// store failed: a fault of the server, to try again, never one of the file.
// It is logged at Error; an unreachable Redis is "temporarily unavailable".
func (s *session) planServerFault(ctx context.Context, err error) error {
	if Unavailable(err) {
		return err
	}
	s.Log.Error("plan file: store failed", "err", err, "user_id", s.UserID, "update_id", s.UpdateID)
	return s.reply(ctx, s.t("PlanServerFault"))
}

// inBook places the plan errors of a workbook's TOML in its sheets and rows.
func inBook(err error) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var pe *kpi.PlanError
		if errors.As(e, &pe) {
			c := *pe
			c.Place = report.PlanPlace(pe.Place)
			e = &c
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// planClash refuses a plan whose id is another year's: figures are kept by
// plan id, so two years under one id would add up into one total.
func (s *session) planClash(ctx context.Context, name string, p *kpi.Plan) error {
	if s.Plans == nil {
		return nil
	}
	ys, err := s.Plans.Years(ctx)
	if err != nil {
		return err
	}
	for _, y := range ys {
		if y == p.Year {
			continue
		}
		o, err := s.Plans.Year(ctx, y)
		if err != nil {
			return err
		}
		if o != nil && o.ID == p.ID {
			return &kpi.PlanError{File: name, Place: "id", Problem: fmt.Sprintf("%q is the id of the %d plan; each year's plan needs its own id", p.ID, y)}
		}
	}
	return nil
}

// planErrors answers a plan file that does not hold: every problem, with its
// file and place, as the program says them at start.
func (s *session) planErrors(ctx context.Context, err error) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	lines := []string{s.t("PlanInvalid")}
	const most = 20
	for i, e := range list {
		if i == most {
			lines = append(lines, s.n("PlanMoreErrors", len(list)-most))
			break
		}
		var pe *kpi.PlanError
		if errors.As(e, &pe) {
			lines = append(lines, s.t("PlanErrorLine", "File", pe.File, "Place", pe.Place, "Problem", pe.Problem))
		} else if Unavailable(e) {
			return e
		} else {
			lines = append(lines, s.t("PlanErrorLine", "File", s.Document.Name, "Place", "file", "Problem", e.Error()))
		}
	}
	lines = append(lines, s.t("PlanFixAndResend"))
	return s.reply(ctx, strings.Join(lines, "\n"))
}

// planLines is what a plan holds: year, title, units, indicators and targets.
func (s *session) planLines(p *kpi.Plan) []string {
	lines := []string{s.t("PlanHead", "Year", p.Year, "Title", p.Title(s.lang), "ID", p.ID)}
	if p.Source != "" {
		lines = append(lines, s.t("PlanSource", "Source", p.Source))
	}
	names := make([]string, len(p.Units))
	for i, u := range p.Units {
		names[i] = u.Short
	}
	lines = append(lines, s.n("PlanUnits", len(p.Units), "Units", strings.Join(names, ", ")))
	lines = append(lines, s.n("PlanIndicators", len(p.Indicators)))
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		lines = append(lines, s.t("PlanIndicatorLine", "Name", ind.Name(s.lang), "Target", ind.FormatTarget(s.lang)))
	}
	return lines
}

// confirmPlan makes a read-back plan the plan of its year. Who may act is
// checked before anything changes: an admin's press on another admin's
// read-back is answered and leaves it as it is. The plan's id is checked
// against the other years' plans at the write (store.ConfirmPlanDraft).
func (s *session) confirmPlan(ctx context.Context, id string) error {
	if !s.user.Role.AtLeast(access.Admin) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrNotAllowedAdmin"))
	}
	rec, p, _, err := s.planDraftStore().ConfirmPlanDraft(ctx, id, s.UserID, s.now())
	var pe *kpi.PlanError
	switch {
	case errors.Is(err, store.ErrExpired):
		return s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	case errors.Is(err, store.ErrNotYours):
		return s.out.Answer(ctx, s.CallbackID, s.t("PlanNotYours"))
	case errors.As(err, &pe):
		// Another year's plan took this id since the file was sent.
		text := strings.Join([]string{s.t("PlanInvalid"),
			s.t("PlanErrorLine", "File", pe.File, "Place", pe.Place, "Problem", pe.Problem),
			s.t("PlanFixAndResend")}, "\n")
		return s.editAnswer(ctx, text)
	case err != nil:
		return err
	}
	s.Log.Info("plan loaded", "year", p.Year, "plan", p.ID, "user_id", s.UserID, "file", rec.Name)
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, s.t("PlanLoaded", "Year", p.Year, "ID", p.ID), nil); err != nil {
		return err
	}
	return s.out.Answer(ctx, s.CallbackID, s.t("RecordedShort"))
}

// cancelPlan drops a plan read-back, if the presser sent it: anyone else's
// press is answered and changes nothing.
func (s *session) cancelPlan(ctx context.Context, id string) error {
	switch err := s.planDraftStore().DropPlanDraft(ctx, id, s.UserID); {
	case errors.Is(err, store.ErrExpired):
		return s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	case errors.Is(err, store.ErrNotYours):
		return s.out.Answer(ctx, s.CallbackID, s.t("PlanNotYours"))
	case err != nil:
		return err
	}
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, s.t("Cancelled"), nil); err != nil {
		return err
	}
	return s.out.Answer(ctx, s.CallbackID, "")
}

// plans answers /kehoach [năm]: the years that have a plan, and one plan
// (the one in force, or the year named).
func (s *session) plans(ctx context.Context, args string) error {
	years := []int{s.Plan.Year}
	if s.Plans != nil {
		var err error
		if years, err = s.Plans.Years(ctx); err != nil {
			return err
		}
	}
	show := s.Plan
	a := strings.TrimSpace(args)
	// "/kehoach 2022 xlsx": the plan as a workbook, to start the next
	// year's from (report.PlanBook's layout, which a plan may be sent in).
	book := false
	for _, w := range []string{"xlsx", "excel"} {
		if f := kpi.Fold(a); strings.HasSuffix(f, " "+w) || f == w {
			book, a = true, strings.TrimSpace(a[:len(a)-len(w)])
		}
	}
	if a != "" {
		y, err := strconv.Atoi(strings.TrimPrefix(kpi.Fold(a), "nam "))
		if err != nil {
			return kpi.Fail("ErrPlanYear", "text", a, "plan_year", strconv.Itoa(s.Plan.Year))
		}
		if show, err = s.planOf(ctx, y); err != nil {
			return err
		}
		if show == nil {
			return kpi.Fail("ErrNoPlanYear", "year", strconv.Itoa(y), "years", joinYears(years))
		}
	}
	if book {
		data, err := report.PlanBook(show)
		if err != nil {
			return err
		}
		fs, err := s.files()
		if err != nil {
			return err
		}
		return fs.SendFile(ctx, s.ChatID, File{Name: show.ID + ".xlsx", Data: data,
			Caption: s.t("PlanBookCaption", "Year", show.Year)})
	}
	marked := make([]string, len(years))
	for i, y := range years {
		marked[i] = strconv.Itoa(y)
		if y == s.Plan.Year {
			marked[i] += " " + s.t("PlanInForceMark")
		}
	}
	lines := []string{s.t("PlanYears", "Years", strings.Join(marked, ", ")), ""}
	lines = append(lines, s.planLines(show)...)
	// "Another year" offers one that is not the year shown; none when the
	// bot has a plan for one year only.
	other := ""
	for _, y := range years {
		if y != show.Year {
			other = strconv.Itoa(y)
			break
		}
	}
	lines = append(lines, "", s.t("PlanHowToLoad", "Year", other))
	return s.reply(ctx, strings.Join(lines, "\n"))
}

func joinYears(ys []int) string {
	out := make([]string, len(ys))
	for i, y := range ys {
		out[i] = strconv.Itoa(y)
	}
	return strings.Join(out, ", ")
}
