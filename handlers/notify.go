package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/locales"
)

// SnoozeFor is how much later "remind me later" reminds.
const SnoozeFor = time.Hour

// Notifier sends what the reminder jobs decided, through the outbox (the one
// rate-limited path for messages nobody asked for). It implements
// remind.Notifier.
type Notifier struct {
	App *App
	Out *outbox.Outbox
	// Log is remind's sent log, per recipient (and per part of a long
	// message), so a retry after a partial failure does not send again
	// what went out. nil: no log.
	Log SentLog
	// Photo sends a picture through the outbox (the digest's chart, files.go);
	// nil sends none.
	Photo func(ctx context.Context, chatID int64, f File) error
	// Linked gives the chat of the same person on the other channel (the
	// Zalo account linked to a Telegram user), 0 when none; nil: one
	// channel. Each channel is a delivery of its own (notify_linked.go).
	Linked func(ctx context.Context, userID int64) (int64, error)
}

// SentLog records what went out to whom (store.Store).
type SentLog interface {
	ClaimSend(ctx context.Context, key string, lease time.Duration) (remind.SendState, error)
	MarkSent(ctx context.Context, key string) (bool, error)
	ReleaseSend(ctx context.Context, key string) error
}

var _ remind.Notifier = (*Notifier)(nil)

// recipient is one chat a reminder goes to, in its language.
type recipient struct {
	chatID int64
	lang   string
	user   *access.User // nil for a group
	// also is the person's chat on the other channel, 0 when none; own
	// blocked: chatID blocked the bot, only also is sent to.
	also       int64
	ownBlocked bool
}

// recipients resolves an assignee: a unit's reporters, a user, a group.
// Users who blocked the bot are left out, unless they have a linked chat
// on the other channel.
func (n *Notifier) recipients(ctx context.Context, a remind.Assignee) ([]recipient, error) {
	if a.ChatID != 0 {
		return []recipient{{chatID: a.ChatID, lang: locales.Languages[0]}}, nil
	}
	if a.UserID != 0 {
		u, err := n.App.notifyStore().User(ctx, a.UserID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, nil // removed since: nobody to remind
		case err != nil:
			return nil, err
		}
		r, ok, err := n.toPerson(ctx, &u)
		if err != nil || !ok {
			return nil, err
		}
		return []recipient{r}, nil
	}
	users, err := n.App.notifyStore().Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []recipient
	for i := range users {
		u := &users[i]
		if (a.UserID != 0 && u.ID == a.UserID) || (a.Unit != "" && u.Unit == a.Unit && u.Role == access.Reporter) {
			r, ok, err := n.toPerson(ctx, u)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func langOr(l string) string {
	if l == "" {
		return locales.Languages[0]
	}
	return l
}

// title names a deadline in lang: a plan deadline is "Báo cáo <indicator>
// <period>", a one-off its own title.
func (a *App) title(lang string, d remind.Deadline) string { return a.titleIn(a.Plan, lang, d) }

// deadlinePlan is the plan of a plan deadline's period year (the plan in
// force for a one-off, or when that year has none).
func (a *App) deadlinePlan(ctx context.Context, d remind.Deadline) (*kpi.Plan, error) {
	if per, err := kpi.ParsePeriodKey(d.Period); err == nil && d.Plan && a.Plans != nil {
		if p, err := a.Plans.Year(ctx, per.Year); err != nil || p != nil {
			return p, err
		}
	}
	return a.planNow(ctx)
}

// unitNameIn is a unit's short name in plan, or its id.
func unitNameIn(plan *kpi.Plan, id string) string {
	if plan != nil {
		if u := plan.Unit(id); u != nil {
			return u.Short
		}
	}
	return id
}

// titleIn is title with the indicator named from plan.
func (a *App) titleIn(plan *kpi.Plan, lang string, d remind.Deadline) string {
	if !d.Plan || plan == nil {
		return d.Title
	}
	ind := plan.Indicator(d.Indicator)
	per, err := kpi.ParsePeriodKey(d.Period)
	if ind == nil || err != nil {
		return d.Title
	}
	return a.Cat.T(lang, "PlanDeadlineTitle", "Indicator", ind.Name(lang), "Period", per.Label(lang))
}

// Remind sends one reminder to every recipient of its assignee.
func (n *Notifier) Remind(ctx context.Context, o remind.Occurrence, d remind.Deadline) error {
	rs, err := n.recipients(ctx, o.Assignee)
	if err != nil {
		return err
	}
	now := n.App.Now()
	delivered, blocked := 0, 0
	// The indicator and unit are named from the plan of the deadline's
	// period, as the digest names them from the plan in force, not from the
	// plan loaded at start.
	plan, err := n.App.deadlinePlan(ctx, d)
	if err != nil {
		return err
	}
	for _, r := range rs {
		t := func(id string, kv ...any) string { return n.App.Cat.T(r.lang, id, kv...) }
		due := d.Due.In(n.App.Loc).Format(t("LayoutDateTime"))
		title := n.App.titleIn(plan, r.lang, d)
		var text string
		// The wording follows the real time, not the kind: a reminder that
		// goes out late (the bot was down) must not say "7 days left" after
		// the deadline.
		switch {
		case o.Kind == remind.KindOverdue:
			text = t("ReminderOverdue", "Title", title, "Due", due, "Late", n.App.duration(r.lang, now.Sub(d.Due)))
		case now.Sub(d.Due) >= time.Minute:
			text = t("ReminderLate", "Title", title, "Due", due, "Late", n.App.duration(r.lang, now.Sub(d.Due)))
		case o.Kind == remind.KindDue || !now.Before(d.Due.Add(-time.Minute)):
			text = t("ReminderDue", "Title", title, "Due", due)
		default:
			text = t("ReminderLead", "Title", title, "Due", due, "Left", n.App.duration(r.lang, d.Due.Sub(now)))
		}
		if o.Assignee.Unit != "" {
			text += "\n" + t("ReminderUnit", "Unit", unitNameIn(plan, o.Assignee.Unit))
		}
		err := n.deliver(ctx, o.TaskID(), r, text, n.App.reminderButtons(r.lang, d, o.Assignee))
		switch {
		case errors.Is(err, outbox.ErrBlocked):
			blocked++
		case err != nil:
			return err
		default:
			delivered++
		}
	}
	if blocked > 0 && delivered == 0 {
		return fmt.Errorf("%w: every recipient blocked the bot", remind.ErrUndeliverable)
	}
	return nil
}

// errSending is what deliver returns while another worker sends the same
// message: the job is tried again later, and finds it sent.
var errSending = errors.New("handlers: being sent by another worker")

// deliver (notify_linked.go) sends to one recipient once per task, on each
// of their channels (the user's own chat, the linked one), and
// handles a 403. A long text goes part by part, each marked sent only once
// the channel took it: a failure (an outage, a 5xx) leaves the rest for
// the job's retry, and nothing that went out is sent again.
// deliverChat sends to one chat of the recipient, part by part, each part
// once per task and chat.
func (n *Notifier) deliverChat(ctx context.Context, task string, chat int64, r recipient, text string, kb [][]Button) error {
	parts := outbox.Split(text, outbox.MaxText)
	for i, part := range parts {
		key := task + "#" + fmt.Sprint(chat)
		if i > 0 {
			key += "/" + fmt.Sprint(i+1)
		}
		var buttons [][]Button
		if i == len(parts)-1 {
			buttons = kb
		}
		if err := n.deliverOnce(ctx, key, chat, r, part, buttons); err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) deliverOnce(ctx context.Context, key string, chat int64, r recipient, text string, kb [][]Button) error {
	log := n.Log
	if strings.HasPrefix(key, "#") {
		log = nil // no task to log it under
	}
	if log != nil {
		st, err := log.ClaimSend(ctx, key, remind.SendLease)
		switch {
		case err != nil:
			return err
		case st == remind.SendDone:
			return nil
		case st == remind.SendBusy:
			return errSending
		}
	}
	err := n.Out.Send(ctx, chat, text, kb)
	if log != nil {
		// The job's context may be what ended; the log must still be told.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err == nil || errors.Is(err, outbox.ErrBlocked) {
			if _, merr := log.MarkSent(lctx, key); merr != nil {
				n.App.Log.Error("reminder sent, not logged", "key", key, "err", merr)
			}
		} else if rerr := log.ReleaseSend(lctx, key); rerr != nil {
			n.App.Log.Warn("release send", "key", key, "err", rerr)
		}
	}
	// Only the user's own chat blocking the bot marks the user: a linked
	// account that refuses stops nothing on the user's own channel.
	if errors.Is(err, outbox.ErrBlocked) && r.user != nil && chat == r.chatID {
		n.blocked(ctx, *r.user)
	}
	if errors.Is(err, outbox.ErrRefused) {
		return fmt.Errorf("%w: %w", remind.ErrRefused, err)
	}
	return err
}

// GaveUp tells the admins that a delivery failed for good.
func (n *Notifier) GaveUp(ctx context.Context, g remind.GivenUp) error {
	return n.toAdmins(ctx, "gaveup:"+g.Task, func(lang string) string {
		switch g.Kind {
		case remind.TypeSummary:
			return n.App.Cat.T(lang, "GaveUpSummary", "Error", g.Err)
		case remind.TypeDigest:
			return n.App.Cat.T(lang, "GaveUpDigest", "Error", g.Err)
		}
		lines := []string{n.App.Cat.T(lang, "GaveUpReminders", "Error", g.Err)}
		for _, it := range g.Items {
			due := it.Deadline.Due.In(n.App.Loc).Format(n.App.Cat.T(lang, "LayoutDateTime"))
			lines = append(lines, n.App.Cat.T(lang, "GaveUpLine", "Title", n.App.title(lang, it.Deadline), "Due", due,
				"Who", n.App.assigneeName(ctx, lang, it.Occurrence.Assignee)))
		}
		return strings.Join(lines, "\n")
	})
}

// blocked stops reminders to a user who blocked the bot and tells the admins, once.
func (n *Notifier) blocked(ctx context.Context, u access.User) {
	// Only the flag is set, on the record as it is now; the admins are told
	// by whoever set it.
	first := false
	_, err := n.App.notifyStore().EditUser(ctx, u.ID, func(u *access.User) bool {
		first = !u.Blocked
		u.Blocked = true
		return first
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		n.App.Log.Warn("mark blocked", "user_id", u.ID, "err", err)
		return
	}
	if !first {
		return
	}
	err = n.toAdmins(ctx, "", func(lang string) string {
		return n.App.Cat.T(lang, "UserBlockedBot", "ID", u.ID, "Name", u.Name, "Unit", n.App.unitName(u.Unit))
	})
	if err != nil {
		n.App.Log.Warn("notify admins", "err", err)
	}
}

// toAdmins sends a message to every admin who has not blocked the bot, each
// once per task (no task: no sent log). It returns the failures other than
// a blocked chat, for the job to retry; admins who got it are not sent it
// again.
func (n *Notifier) toAdmins(ctx context.Context, task string, text func(lang string) string) error {
	users, err := n.App.notifyStore().Users(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for i := range users {
		u := &users[i]
		if u.Role != access.Admin {
			continue
		}
		r, ok, err := n.toPerson(ctx, u)
		if err != nil {
			errs = append(errs, fmt.Errorf("admin %d: %w", u.ID, err))
			continue
		}
		if !ok {
			continue
		}
		if err := n.deliver(ctx, task, r, text(r.lang), nil); err != nil && !errors.Is(err, outbox.ErrBlocked) {
			errs = append(errs, fmt.Errorf("admin %d: %w", u.ID, err))
		}
	}
	return errors.Join(errs...)
}

// CatchUp folds reminders more than a day late into one message.
func (n *Notifier) CatchUp(ctx context.Context, a remind.Assignee, items []remind.Item) error {
	rs, err := n.recipients(ctx, a)
	if err != nil {
		return err
	}
	for _, r := range rs {
		lines := []string{n.App.Cat.N(r.lang, "CatchUpTitle", len(items))}
		for _, it := range items {
			due := it.Deadline.Due.In(n.App.Loc).Format(n.App.Cat.T(r.lang, "LayoutDateTime"))
			lines = append(lines, n.App.Cat.T(r.lang, "CatchUpLine", "Title", n.App.title(r.lang, it.Deadline), "Due", due))
		}
		task := "catchup"
		if len(items) > 0 {
			task += ":" + items[0].Occurrence.TaskID()
		}
		if err := n.deliver(ctx, task, r, strings.Join(lines, "\n"), nil); err != nil && !errors.Is(err, outbox.ErrBlocked) {
			return err
		}
	}
	return nil
}

// Overdue sends the summary of who is late to the admins and the leaders' group.
func (n *Notifier) Overdue(ctx context.Context, task string, late []remind.Late) error {
	render := func(lang string) string {
		lines := []string{n.App.Cat.N(lang, "OverdueTitle", len(late))}
		lines = append(lines, n.App.lateLines(ctx, lang, late)...)
		return strings.Join(lines, "\n")
	}
	err := n.toAdmins(ctx, task, render)
	// A store error is not "no group": the job fails and is retried (what
	// went out already is in the sent log and does not go again).
	chat, cerr := n.App.notifyStore().LeadersChat(ctx)
	if cerr != nil && !errors.Is(cerr, store.ErrNotFound) {
		n.App.Log.Error("overdue summary: cannot read the leaders' group; retried", "task", task, "err", cerr)
		err = errors.Join(err, cerr)
	}
	if cerr == nil && chat != 0 {
		lang := locales.Languages[0]
		if lerr := n.deliver(ctx, task, recipient{chatID: chat, lang: lang}, render(lang), nil); lerr != nil && !errors.Is(lerr, outbox.ErrBlocked) {
			err = errors.Join(err, lerr)
		}
	}
	return err
}

// lateLines lists late deadlines with who has not finished them.
func (a *App) lateLines(ctx context.Context, lang string, late []remind.Late) []string {
	var lines []string
	for _, l := range late {
		var who []string
		for _, as := range l.Assignees {
			who = append(who, a.assigneeName(ctx, lang, as))
		}
		due := l.Deadline.Due.In(a.Loc).Format(a.Cat.T(lang, "LayoutDateTime"))
		lines = append(lines, a.Cat.T(lang, "OverdueLine", "Title", a.title(lang, l.Deadline), "Due", due, "Who", strings.Join(who, ", ")))
	}
	return lines
}

// Digest sends the weekly overview, behind-pace indicators first, and the
// late units, to the leaders' group.
func (n *Notifier) Digest(ctx context.Context, task string, late []remind.Late) error {
	chat, err := n.App.notifyStore().LeadersChat(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && chat == 0):
		n.App.Log.Info("weekly digest skipped: no leaders' group (/hanchot nhom)")
		return nil
	case err != nil:
		// Not "no group": the job fails and is retried.
		n.App.Log.Error("weekly digest: cannot read the leaders' group; retried", "task", task, "err", err)
		return err
	}
	plan, err := n.App.planNow(ctx)
	if err != nil {
		return err
	}
	all, err := n.App.notifyStore().AllReports(ctx, plan.ID, allIndicators(plan))
	if err != nil {
		return err
	}
	lang := locales.Languages[0]
	text := n.App.Cat.T(lang, "DigestTitle") + "\n\n" + n.App.renderOverview(plan, lang, all, nil, true, nil)
	if len(late) > 0 {
		text += "\n\n" + n.App.Cat.N(lang, "DigestLate", len(late)) + "\n" + strings.Join(n.App.lateLines(ctx, lang, late), "\n")
	}
	err = n.deliver(ctx, task, recipient{chatID: chat, lang: lang}, text, nil)
	if errors.Is(err, outbox.ErrBlocked) {
		n.App.Log.Warn("weekly digest: the bot is not in the leaders' group any more", "chat_id", chat)
		return nil
	}
	if err != nil {
		return err
	}
	return n.digestChart(ctx, chat, plan, lang, all)
}

// digestChart sends the overview chart after the digest's text. The text is
// out already: a chart that fails is logged, not retried with the text.
func (n *Notifier) digestChart(ctx context.Context, chat int64, plan *kpi.Plan, lang string, all map[string][]kpi.Report) error {
	if n.Photo == nil {
		return nil
	}
	f, err := n.App.overviewChart(plan, lang, all)
	if err == nil {
		err = n.Photo(ctx, chat, f)
	}
	if err != nil {
		n.App.Log.Warn("weekly digest: chart not sent", "chat_id", chat, "err", err.Error())
	}
	return nil
}

func (a *App) unitName(id string) string {
	if u := a.Plan.Unit(id); u != nil {
		return u.Short
	}
	return id
}

// assigneeName names an assignee as people know them: a unit by its short
// name, a user by their name and id ("Lan (#1002)"; the id alone when the
// bot has no name for them), a group as "this group".
func (a *App) assigneeName(ctx context.Context, lang string, as remind.Assignee) string {
	switch {
	case as.Unit != "":
		return a.unitName(as.Unit)
	case as.UserID != 0:
		if u, err := a.userReader().User(ctx, as.UserID); err == nil && u.Name != "" {
			return u.Name + " (#" + itoa(as.UserID) + ")"
		}
		return "#" + itoa(as.UserID)
	}
	return a.Cat.T(lang, "ThisGroup")
}

// reminderButtons: report now (plan deadlines) or done (one-off), and
// later. Ids are ASCII and short, so every button's data fits Telegram's 64
// bytes; one that would not is left out rather than refused by Telegram.
func (a *App) reminderButtons(lang string, d remind.Deadline, as remind.Assignee) [][]Button {
	first, label := Action{Kind: cbDone, ID: d.ID}, "ButtonDone"
	if d.Plan {
		first.Kind, label = cbReportNow, "ButtonReportNow"
	}
	var row []Button
	for _, b := range []struct {
		act   Action
		label string
	}{{first, label}, {Action{Kind: cbSnooze, ID: d.ID, Key: as.Key()}, "ButtonLater"}} {
		if b.act.Fits() {
			row = append(row, Button{Text: a.Cat.T(lang, b.label), Data: b.act.String()})
		}
	}
	return [][]Button{row}
}

// duration says how long d is in words: "2 ngày 3 giờ", "45 phút".
func (a *App) duration(lang string, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, a.Cat.N(lang, "DurDays", days))
	}
	if hours > 0 {
		parts = append(parts, a.Cat.N(lang, "DurHours", hours))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, a.Cat.N(lang, "DurMinutes", mins))
	}
	if len(parts) == 0 {
		return a.Cat.N(lang, "DurMinutes", 0)
	}
	return strings.Join(parts, " ")
}
