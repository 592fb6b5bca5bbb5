package handlers

import (
	"context"
	"errors"
	"strconv"
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
	// "/lichsu xuất khẩu năm 2022" while 2023's plan is in force: the
	// year named is looked up among all kept plans, as questions do.
	if switched, serr := s.switchYear(ctx, wrongYear(err)); serr != nil {
		return serr
	} else if switched {
		q, err = s.Plan.ParseQuestion(args)
	}
	if err != nil {
		var ke *kpi.Error
		if errors.As(err, &ke) && ke.ID == "ErrNoIndicator" {
			return kpi.Fail("ErrHistoryUsage")
		}
		return err
	}
	if q.Group != nil || len(q.Units) > 1 { // one unit's changes, or all
		return s.scopeRefusal("/lichsu", kpi.Scope{Group: q.Group, Units: q.Units[min(1, len(q.Units)):]}, ErrCommandNoGroup)
	}
	unit := ""
	scope := ""
	if q.Unit != nil {
		unit, scope = q.Unit.ID, q.Unit.Short
	}
	changes, err := s.historyReader().History(ctx, s.Plan.ID, q.Indicator.ID, unit, historyLines)
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

// undo says which of the user's own changes /hoantac would revert (within
// the undo window), value before and after, and asks to confirm.
func (s *session) undo(ctx context.Context, _ string) error {
	if !s.user.Role.AtLeast(access.Reporter) {
		return kpi.Fail("ErrNotReporter", "id", itoa(s.UserID))
	}
	batch, err := s.undoStore().NextUndoBatch(ctx, s.Plan.ID, s.UserID, s.UndoWindow, s.now())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// A change to last year's plan (December's figure sent in January) may
	// be the later one: each plan keeps its own undo list.
	if lp, lerr := s.planOf(ctx, s.Plan.Year-1); lerr != nil {
		return lerr
	} else if lp != nil {
		lb, lerr := s.undoStore().NextUndoBatch(ctx, lp.ID, s.UserID, s.UndoWindow, s.now())
		switch {
		case lerr == nil && (err != nil || lb[0].At.After(batch[0].At) || (lb[0].At.Equal(batch[0].At) && laterEntry(lb[0].ID, batch[0].ID))):
			batch, err, s.Plan = lb, nil, lp
		case lerr != nil && !errors.Is(lerr, store.ErrNotFound):
			return lerr
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return kpi.Fail("ErrNothingToUndo", "hours", itoa(int64(s.UndoWindow.Hours())))
	}
	for _, c := range batch {
		if err := s.mayUndo(s.user, c); err != nil {
			return err
		}
	}
	c := batch[0]
	lines := make([]string, 0, len(batch))
	name := c.Indicator
	if ind := s.Plan.Indicator(c.Indicator); ind != nil {
		name = ind.Name(s.lang)
	}
	for _, b := range batch {
		if ind := s.Plan.Indicator(b.Indicator); ind != nil {
			line := s.changeLine(ind, b)
			if len(batch) > 1 {
				line = s.t("UndoBatchLine", "Name", ind.Name(s.lang), "Line", locales.HTML(line))
			}
			lines = append(lines, line)
		}
	}
	// The head of the batch and its size: a press undoes that batch, or,
	// if it has changed since, nothing.
	undo := Action{Kind: cbUndo, Year: s.Plan.Year, ID: c.ID}
	text := s.t("UndoAsk", "Name", name, "Line", locales.HTML(strings.Join(lines, "\n")))
	if len(batch) > 1 {
		undo.N = len(batch)
		text = s.n("UndoAskBatch", len(batch), "Lines", locales.HTML(strings.Join(lines, "\n")))
	}
	return s.reply(ctx, text, []Button{
		{Text: s.t("ButtonUndo"), Data: undo.String()},
		{Text: s.t("ButtonUndoKeep"), Data: Action{Kind: cbUndoKeep, Year: s.Plan.Year, ID: c.ID}.String()},
	})
}

// confirmUndo reverts the change the /hoantac question showed, if it is
// still the user's last one.
func (s *session) confirmUndo(ctx context.Context, act Action) error {
	if !s.user.Role.AtLeast(access.Reporter) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	// The plan's year, then the change shown, and how many changes
	// confirmed together with it were shown (act.N).
	if act.Year > 0 {
		if _, err := s.switchYear(ctx, act.Year); err != nil {
			return err
		}
	}
	id := act.ID
	// Only the user whose change it is may act: anyone else's press (an
	// editor's in a group, a forged one) changes and edits nothing.
	if ok, err := s.ownChange(ctx, []*kpi.Plan{s.Plan}, id); !ok {
		return err
	}
	if act.N > 0 {
		return s.confirmUndoBatch(ctx, id, act.N)
	}
	c, err := s.undoStore().UndoIf(ctx, s.Plan.ID, s.UserID, id, s.UndoWindow, s.now(), s.UserName, s.mayUndo)
	var refused *kpi.Error
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
		return s.editAnswer(ctx, s.t("UndoGone"))
	case errors.Is(err, store.ErrConflict):
		return s.editAnswer(ctx, s.refusal(kpi.Fail("ErrUndoConflict")))
	case errors.As(err, &refused):
		return s.editAnswer(ctx, s.refusal(refused))
	case err != nil:
		return err
	}
	line := ""
	if ind := s.Plan.Indicator(c.Indicator); ind != nil {
		line = s.changeLine(ind, c)
	}
	return s.editAnswer(ctx, s.t("Undone", "Line", locales.HTML(line)))
}

// confirmUndoBatch reverts the n changes confirmed together that the
// /hoantac question showed, newest first, if they are still the user's
// last ones; each is one atomic step, and a refusal mid-way says what was
// undone before it.
func (s *session) confirmUndoBatch(ctx context.Context, head string, n int) error {
	batch, err := s.undoStore().NextUndoBatch(ctx, s.Plan.ID, s.UserID, s.UndoWindow, s.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s.editAnswer(ctx, s.t("UndoGone"))
	case err != nil:
		return err
	case batch[0].ID != head || len(batch) != n:
		return s.editAnswer(ctx, s.t("UndoGone"))
	}
	var done []string
	for _, b := range batch {
		c, err := s.undoStore().UndoIf(ctx, s.Plan.ID, s.UserID, b.ID, s.UndoWindow, s.now(), s.UserName, s.mayUndo)
		var refused *kpi.Error
		var why string
		switch {
		case err == nil:
			if ind := s.Plan.Indicator(c.Indicator); ind != nil {
				done = append(done, s.t("UndoBatchLine", "Name", ind.Name(s.lang), "Line", locales.HTML(s.changeLine(ind, c))))
			}
			continue
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
			why = s.t("UndoGone")
		case errors.Is(err, store.ErrConflict):
			why = s.refusal(kpi.Fail("ErrUndoConflict"))
		case errors.As(err, &refused):
			why = s.refusal(refused)
		default:
			return err
		}
		if len(done) == 0 {
			return s.editAnswer(ctx, why)
		}
		return s.editAnswer(ctx, s.t("Undone", "Line", locales.HTML(strings.Join(done, "\n")))+"\n"+why)
	}
	return s.editAnswer(ctx, s.t("Undone", "Line", locales.HTML(strings.Join(done, "\n"))))
}

// keepUndo answers "Giữ nguyên" on the /hoantac question ("uk:<year>:<audit
// id>", or "uk:<audit id>" on a question asked before the year was added),
// if the presser asked it: anyone else's press edits nothing.
func (s *session) keepUndo(ctx context.Context, act Action) error {
	plans := []*kpi.Plan{s.Plan}
	id := act.ID
	if act.Year > 0 {
		p, err := s.planOf(ctx, act.Year)
		if err != nil {
			return err
		}
		plans = []*kpi.Plan{p}
	} else if lp, err := s.planOf(ctx, s.Plan.Year-1); err != nil {
		return err
	} else if lp != nil {
		plans = append(plans, lp)
	}
	if ok, err := s.ownChange(ctx, plans, id); !ok {
		return err
	}
	return s.editAnswer(ctx, s.t("UndoKept"))
}

// ownChange reports whether audit entry id of one of plans is a change the
// session's user made, the one their /hoantac question showed. When it is
// not (someone else's, or no such entry), the press is answered with a short
// notice, nothing is edited, and ok is false; err is set only when the store
// fails.
func (s *session) ownChange(ctx context.Context, plans []*kpi.Plan, id string) (ok bool, err error) {
	if s.known && s.user.Role.AtLeast(access.Reporter) {
		for _, p := range plans {
			if p == nil {
				continue
			}
			c, err := s.undoStore().ChangeByID(ctx, p.ID, id)
			switch {
			case errors.Is(err, store.ErrNotFound):
				continue
			case err != nil:
				return false, err
			}
			if c.By == s.UserID {
				return true, nil
			}
			break
		}
	}
	return false, s.out.Answer(ctx, s.CallbackID, s.t("PressNotYours"))
}

// editAnswer replaces the pressed message with text, without buttons, and
// answers the press.
func (s *session) editAnswer(ctx context.Context, text string) error {
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, nil); err != nil {
		if _, serr := s.out.Send(ctx, s.ChatID, text, nil); serr != nil {
			return serr
		}
	}
	return s.out.Answer(ctx, s.CallbackID, "")
}

// laterEntry reports whether audit entry a was written after b: stream ids
// are "<unix ms>-<seq>" of when Redis wrote them, comparable across streams.
func laterEntry(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	x, _ := strconv.ParseInt(am, 10, 64)
	y, _ := strconv.ParseInt(bm, 10, 64)
	if x != y {
		return x > y
	}
	p, _ := strconv.Atoi(as)
	q, _ := strconv.Atoi(bs)
	return p > q
}
