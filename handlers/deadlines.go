package handlers

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
)

// Scheduler is what the deadline commands need of the reminder jobs.
type Scheduler interface {
	Schedule(ctx context.Context, d remind.Deadline) error
	Snooze(ctx context.Context, o remind.Occurrence, delay time.Duration) error
}

// Sub-command words of /hanchot, folded.
var (
	deadlineAddWords    = []string{"them", "add"}
	deadlineDoneWords   = []string{"xong", "done"}
	deadlineRemoveWords = []string{"xoa", "remove", "delete"}
	deadlineGroupWords  = []string{"nhom", "group", "leaders"}
)

// deadlines lists, adds, closes and removes deadlines:
//
//	/hanchot
//	/hanchot them 30/06/2022 17:00 | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d
//	/hanchot xong 12
//	/hanchot xoa 12
//	/hanchot nhom            (in the leaders' group)
func (s *session) deadlines(ctx context.Context, args string) error {
	if !s.known {
		return s.stranger(ctx)
	}
	verb, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	v := kpi.Fold(verb)
	switch {
	case v == "":
		return s.listDeadlines(ctx, 0)
	case isYear(v):
		// "/hanchot 2022": that year's plan's reporting deadlines the
		// unit has not met, the whole year.
		y, _ := strconv.Atoi(v)
		if s.Plan.Year != y {
			if ok, err := s.switchYear(ctx, y); err != nil {
				return err
			} else if !ok {
				return kpi.Fail("ErrNoPlanYear", "year", v, "years", strconv.Itoa(s.Plan.Year))
			}
		}
		return s.listDeadlines(ctx, y)
	case in(v, deadlineAddWords):
		if !s.Policy.CanManageDeadlines(s.user) {
			return kpi.Fail("ErrDeadlineEditorsOnly")
		}
		return s.addDeadline(ctx, rest)
	case in(v, deadlineDoneWords):
		return s.doneDeadline(ctx, strings.TrimSpace(rest), false)
	case in(v, deadlineRemoveWords):
		if !s.Policy.CanManageDeadlines(s.user) {
			return kpi.Fail("ErrDeadlineEditorsOnly")
		}
		return s.removeDeadline(ctx, strings.TrimSpace(rest))
	case in(v, deadlineGroupWords):
		if s.user.Role != access.Admin {
			return kpi.Fail("ErrNotAllowedAdmin")
		}
		if !s.IsGroup() {
			return kpi.Fail("ErrLeadersNotGroup")
		}
		if err := s.deadlineStore().SetLeadersChat(ctx, s.ChatID); err != nil {
			return err
		}
		return s.reply(ctx, s.t("LeadersSet"))
	}
	// A unit or year named otherwise is honoured or refused, not answered
	// with the usage alone (scope.go).
	sc, err := s.Plan.ParseScope(args)
	if y := wrongYear(err); y != 0 {
		return s.deadlines(ctx, strconv.Itoa(y))
	}
	switch {
	case err != nil:
		return err
	case len(sc.Units) > 0 || sc.Group != nil:
		return s.scopeRefusal("/hanchot", sc, ErrCommandOwnUnit)
	case sc.HasPeriod && sc.Period == kpi.YearToDate(s.Plan.Year, 12): // "/hanchot năm 2022"
		return s.listDeadlines(ctx, s.Plan.Year)
	}
	return s.reply(ctx, s.t("DeadlinesUsage", "Due", s.exampleDue()))
}

func (s *session) addDeadline(ctx context.Context, text string) error {
	now := s.now()
	draft, err := remind.ParseAdd(text, s.Loc, now)
	if err != nil {
		return err
	}
	if last, err := s.lastDueYear(ctx); err != nil {
		return err
	} else if draft.Due.Year() > last {
		return kpi.Fail("ErrDueTooFar", "due", draft.Due.In(s.Loc).Format(remind.DateLayout),
			"last", strconv.Itoa(last), "example", remind.AddExample)
	}
	users, err := s.deadlineStore().Users(ctx)
	if err != nil {
		return err
	}
	known := func(id int64) bool {
		for _, u := range users {
			if u.ID == id {
				return true
			}
		}
		return false
	}
	who, err := remind.ResolveWho(s.Plan, draft.Who, s.ChatID, s.IsGroup(), known)
	if err != nil {
		return err
	}
	if err := draft.CheckLoad(len(who)); err != nil {
		return err
	}
	// One step with its new id, once per update: the same update handled
	// again (a copy that took it over) gets the deadline it added.
	d, _, err := s.deadlineStore().AddDeadline(ctx, draft.Deadline("", who, s.UserID, now))
	if err != nil {
		return err
	}
	// Saved first: if scheduling fails now, the hourly sync schedules it.
	// Scheduling again is a no-op: the task ids are the deadline's.
	if s.Reminders != nil {
		if err := s.Reminders.Schedule(ctx, d); err != nil {
			s.Log.Warn("schedule deadline", "deadline", d.ID, "err", err)
		}
	}
	var names []string
	for _, a := range who {
		names = append(names, s.assigneeName(ctx, s.lang, a))
	}
	var when []string
	for _, l := range d.Leads {
		when = append(when, s.Quiet.Hold(d.Due.Add(-l), s.Loc).In(s.Loc).Format(s.t("LayoutDateTime")))
	}
	when = append(when, d.Due.In(s.Loc).Format(s.t("LayoutDateTime")))
	return s.reply(ctx, s.t("DeadlineAdded", "ID", d.ID, "Title", d.Title,
		"Due", d.Due.In(s.Loc).Format(s.t("LayoutDateTime")), "Who", strings.Join(names, ", "),
		"When", strings.Join(when, "; ")))
}

// lastDueYear is the last year a one-off deadline may fall in: the year
// after the latest plan's, or after this one when that is later. A date
// beyond (31/12/9999) is a slip, and its reminder tasks would live for ever.
func (s *session) lastDueYear(ctx context.Context) (int, error) {
	last := max(s.Plan.Year, s.now().Year())
	if s.Plans != nil {
		ys, err := s.Plans.Years(ctx)
		if err != nil {
			return 0, err
		}
		for _, y := range ys {
			last = max(last, y)
		}
	}
	return last + 1, nil
}

// listDeadlines shows the user's open deadlines (all of them for editors
// and admins) with their ids, and the plan's reporting deadlines their unit
// still has to meet.
// isYear reports whether v is a four-digit year.
func isYear(v string) bool {
	y, err := strconv.Atoi(v)
	return err == nil && len(v) == 4 && y >= 2000 && y <= 2100
}

// listDeadlines lists the deadlines that concern the user: the one-off
// ones, and their unit's reporting deadlines not met — the coming month's
// of the plan in force and of last year's (December's figures are due in
// January), or, for year, every one of that year's plan up to now.
func (s *session) listDeadlines(ctx context.Context, year int) error {
	ds, err := s.deadlineStore().Deadlines(ctx)
	if err != nil {
		return err
	}
	all := s.user.Role.AtLeast(access.Editor)
	lines := []string{s.t("DeadlinesTitle")}
	n := 0
	for _, d := range ds {
		if !all && !d.Concerns(s.UserID, s.user.Unit) && !(s.IsGroup() && d.Assigned(remind.Assignee{ChatID: s.ChatID})) {
			continue
		}
		var open []string
		for _, a := range d.Assignees {
			if !d.IsDone(a) {
				open = append(open, s.assigneeName(ctx, s.lang, a))
			}
		}
		lines = append(lines, s.t("DeadlineLine", "ID", d.ID, "Title", d.Title,
			"Due", d.Due.In(s.Loc).Format(s.t("LayoutDateTime")), "Who", strings.Join(open, ", ")))
		n++
	}
	// The unit's reporting deadlines, not yet met.
	if s.user.Unit != "" {
		now := s.now()
		from, to := now, now.AddDate(0, 1, 0)
		plans := []*kpi.Plan{s.Plan}
		if year != 0 {
			from = time.Date(year, time.January, 1, 0, 0, 0, 0, s.Loc)
			to = now
		} else if lp, err := s.planOf(ctx, s.Plan.Year-1); err != nil {
			return err
		} else if lp != nil {
			plans = append(plans, lp)
		}
		for _, p := range plans {
			for _, d := range remind.PlanDeadlines(p, s.Loc, from, to) {
				a := remind.Assignee{Unit: s.user.Unit}
				if !d.Assigned(a) {
					continue
				}
				if ok, err := s.deadlineStore().Reported(ctx, p.ID, s.user.Unit, d.Indicator, d.Period); err != nil {
					return err
				} else if ok {
					continue
				}
				lines = append(lines, s.t("PlanDeadlineLine", "Title", s.title(s.lang, d),
					"Due", d.Due.In(s.Loc).Format(s.t("LayoutDateTime"))))
				n++
			}
		}
	}
	if n == 0 {
		lines = append(lines, s.t("DeadlinesNone"))
	}
	if s.Policy.CanManageDeadlines(s.user) {
		lines = append(lines, "", s.t("DeadlinesUsage", "Due", s.exampleDue()))
	}
	return s.reply(ctx, strings.Join(lines, "\n"))
}

// myKeys are the assignee keys a press or a "xong" by this user stands for.
func (s *session) myKeys() []remind.Assignee { return s.keysOf(s.user) }

// keysOf are the assignee keys u stands for in this chat: themselves, their
// unit, the group they write in; none for someone the bot does not know.
func (s *session) keysOf(u access.User) []remind.Assignee {
	if !u.Role.Valid() {
		return nil
	}
	as := []remind.Assignee{{UserID: u.ID}}
	if u.Unit != "" {
		as = append(as, remind.Assignee{Unit: u.Unit})
	}
	if s.IsGroup() {
		as = append(as, remind.Assignee{ChatID: s.ChatID})
	}
	return as
}

// doneDeadline marks a deadline done for the user (their unit, this group);
// an editor or admin who is not an assignee closes it for everyone.
//
// A press is checked like the typed command: the deadline must exist and the
// presser be a registered user it is assigned to (by id, unit or this group),
// or an editor or admin. A refused press is answered on the button alone, so
// a stranger's presses in a group make no noise there.
func (s *session) doneDeadline(ctx context.Context, id string, pressed bool) error {
	d, err := s.deadline(ctx, id)
	var ke *kpi.Error
	if pressed && errors.As(err, &ke) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	if err != nil {
		return err
	}
	if pressed && !s.known {
		return s.out.Answer(ctx, s.CallbackID, s.t("ButtonNotYours"))
	}
	var mine []remind.Assignee
	for _, a := range s.myKeys() {
		if d.Assigned(a) {
			mine = append(mine, a)
		}
	}
	if len(mine) == 0 {
		if !s.Policy.CanManageDeadlines(s.user) {
			if pressed {
				return s.out.Answer(ctx, s.CallbackID, s.t("ButtonNotYours"))
			}
			return kpi.Fail("ErrDeadlineNotYours", "id", id)
		}
		mine = d.Assignees
	}
	keys := make([]string, len(mine))
	for i, a := range mine {
		keys[i] = a.Key()
	}
	// Checked again at the write, on the user's record then: someone moved
	// to another unit or removed meanwhile marks nothing.
	err = s.deadlineStore().MarkDoneAs(ctx, id, keys, s.now(), s.UserID, func(u access.User) error {
		if s.Policy.CanManageDeadlines(u) {
			return nil
		}
		for _, a := range mine {
			if !slices.Contains(s.keysOf(u), a) {
				return s.rightsChanged(u)
			}
		}
		return nil
	})
	var refused *kpi.Error
	switch {
	case pressed && errors.As(err, &refused):
		return s.out.Answer(ctx, s.CallbackID, s.t("NotRecordedShort"))
	case err != nil:
		return err
	}
	text := s.t("DeadlineDone", "ID", id, "Title", d.Title)
	if pressed {
		if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, nil); err != nil {
			return err
		}
		return s.out.Answer(ctx, s.CallbackID, s.t("DeadlineDoneShort"))
	}
	return s.reply(ctx, text)
}

func (s *session) removeDeadline(ctx context.Context, id string) error {
	if id == "" {
		return kpi.Fail("ErrDeadlineID")
	}
	d, err := s.deadlineStore().RemoveDeadline(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return kpi.Fail("ErrDeadlineNotFound", "id", id)
	} else if err != nil {
		return err
	}
	return s.reply(ctx, s.t("DeadlineRemoved", "ID", id, "Title", d.Title))
}

// snooze answers "remind me in 1 hour" on a reminder. Nothing is scheduled
// unless the deadline exists, the assignee the button names is still on it
// and not done, and the presser stands for that assignee (or is an editor or
// admin): forged presses schedule nothing.
func (s *session) snooze(ctx context.Context, id, key string) error {
	a, ok := remind.ParseAssigneeKey(key)
	if !ok || s.Reminders == nil {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	d, found, err := s.anyDeadline(ctx, id)
	if err != nil {
		return err
	}
	if !found || !d.Assigned(a) || d.IsDone(a) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	if !s.standsFor(a) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ButtonNotYours"))
	}
	// The time it counts from is the first run's: a copy that takes the
	// press over schedules the same reminder, not a second one.
	now := s.now()
	if at, err := s.deadlineStore().Once(ctx, "snooze", now.Format(time.RFC3339Nano)); err != nil {
		return err
	} else if t, perr := time.Parse(time.RFC3339Nano, at); perr == nil {
		now = t.In(s.Loc)
	}
	o := remind.Occurrence{DeadlineID: id, Assignee: a, Kind: remind.KindSnooze, Nominal: now, At: now}
	if err := s.Reminders.Snooze(ctx, o, SnoozeFor); err != nil {
		return err
	}
	at := s.Quiet.Hold(now.Add(SnoozeFor), s.Loc)
	return s.out.Answer(ctx, s.CallbackID, s.t("Snoozed", "At", at.In(s.Loc).Format("15:04")))
}

// reportNow answers "report now" on a plan reminder: the line to send, and
// the next message with only a figure is taken for that indicator and period.
func (s *session) reportNow(ctx context.Context, id string) error {
	d, ok := remind.PlanDeadline(s.Plan, s.Loc, id)
	ind := s.Plan.Indicator(d.Indicator)
	per, err := kpi.ParsePeriodKey(d.Period)
	if !ok || ind == nil || err != nil {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	if !s.user.Role.AtLeast(access.Reporter) || !(s.Policy.CanManageDeadlines(s.user) || d.Assigned(remind.Assignee{Unit: s.user.Unit})) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ButtonNotYours"))
	}
	if err := s.deadlineStore().SetExpect(ctx, s.UserID, expectation{Indicator: ind.ID, Period: per}.String(), PendingTTL); err != nil {
		return err
	}
	if err := s.out.Answer(ctx, s.CallbackID, ""); err != nil {
		return err
	}
	return s.reply(ctx, s.t("ReportNowHint", "Indicator", ind.Name(s.lang), "Period", per.Label(s.lang)))
}

// standsFor reports whether the session's user may act for assignee a: a
// registered user who is a, reports for a's unit, or presses in a's group;
// or an editor or admin.
func (s *session) standsFor(a remind.Assignee) bool {
	if !s.known {
		return false
	}
	if s.Policy.CanManageDeadlines(s.user) {
		return true
	}
	return slices.Contains(s.myKeys(), a)
}

// anyDeadline loads deadline id, one-off (stored) or from the plan
// (computed). found is false when there is no such deadline.
func (s *session) anyDeadline(ctx context.Context, id string) (d remind.Deadline, found bool, err error) {
	if strings.HasPrefix(id, remind.PlanIDPrefix) {
		d, found = remind.PlanDeadline(s.Plan, s.Loc, id)
		return d, found, nil
	}
	d, err = s.deadlineStore().Deadline(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return d, false, nil
	}
	return d, err == nil, err
}

// deadline loads the one-off deadline id names, refusing a missing or
// unknown id with what to write.
func (s *session) deadline(ctx context.Context, id string) (remind.Deadline, error) {
	if id == "" {
		return remind.Deadline{}, kpi.Fail("ErrDeadlineID")
	}
	d, err := s.deadlineStore().Deadline(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return d, kpi.Fail("ErrDeadlineNotFound", "id", id)
	}
	return d, err
}
