package handlers

import (
	"context"
	"errors"
	"strings"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/locales"
)

// historyLines is how many changes /lichsu shows.
const historyLines = 15

// history shows who reported what, when, old → new: "/lichsu xuất khẩu [Bến Lức]".
func (s *session) history(ctx context.Context, args string) error {
	q, err := s.Plan.ParseQuestion(args)
	if err != nil {
		var ke *kpi.Error
		if errors.As(err, &ke) && ke.ID == "ErrNoIndicator" {
			return kpi.Fail("ErrHistoryUsage")
		}
		return err
	}
	unit := ""
	scope := ""
	if q.Unit != nil {
		unit, scope = q.Unit.ID, q.Unit.Short
	}
	changes, err := s.Store.History(ctx, s.Plan.ID, q.Indicator.ID, unit, historyLines)
	if err != nil {
		return err
	}
	lines := []string{s.t("HistoryTitle", "Name", q.Indicator.Name(s.lang), "Scope", scope)}
	if len(changes) == 0 {
		lines = append(lines, s.t("HistoryEmpty"))
	}
	for _, c := range changes {
		lines = append(lines, s.changeLine(q.Indicator, c))
	}
	return s.reply(ctx, strings.Join(lines, "\n"))
}

// changeLine is one audit entry: when, who, what, old → new.
func (s *session) changeLine(ind *kpi.Indicator, c store.Change) string {
	what := ""
	if p, err := kpi.ParsePeriodKey(c.Period); err == nil {
		what = p.Label(s.lang)
	} else {
		what = c.Item
		if ind.Kind == kpi.Milestone {
			if i := ind.StageIndex(c.Item); i >= 0 {
				what = stageName(ind.Stages[i], s.lang)
			}
		}
	}
	show := func(r *kpi.Report) string {
		if r == nil {
			return "—"
		}
		if ind.Kind == kpi.Count || ind.Kind == kpi.Milestone {
			return s.date(r.Date)
		}
		return s.statusValue(ind, *r)
	}
	by := c.ByName
	if by == "" {
		by = "#" + itoa(c.By)
	}
	action := ""
	if c.Action != store.ActionSet {
		action = s.t("Action_" + c.Action)
	} else if c.New != nil && kpi.IsRevision(c.Old, *c.New) {
		action = s.t("Action_revision")
	}
	return s.t("HistoryLine",
		"At", c.At.In(s.Loc).Format(s.t("LayoutDateTime")),
		"By", by, "Unit", s.unitShort(c.Unit), "What", what,
		"Old", show(c.Old), "New", show(c.New),
		"Action", action)
}

// undo reverts the user's own last change within the undo window.
func (s *session) undo(ctx context.Context, _ string) error {
	if !s.user.Role.AtLeast(access.Reporter) {
		return kpi.Fail("ErrNotReporter", "id", itoa(s.UserID))
	}
	c, err := s.Store.Undo(ctx, s.Plan.ID, s.UserID, s.UndoWindow, s.now(), s.UserName, s.mayUndo)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return kpi.Fail("ErrNothingToUndo", "hours", itoa(int64(s.UndoWindow.Hours())))
	case errors.Is(err, store.ErrConflict):
		return kpi.Fail("ErrUndoConflict")
	case err != nil:
		return err
	}
	ind := s.Plan.Indicator(c.Indicator)
	if ind == nil {
		return s.reply(ctx, s.t("Undone", "Line", ""))
	}
	return s.reply(ctx, s.t("Undone", "Line", locales.HTML(s.changeLine(ind, c))))
}
