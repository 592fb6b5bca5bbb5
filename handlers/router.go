package handlers

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/locales"
)

// command is one bot command with its Vietnamese and English names.
type command struct {
	names []string // first is the Vietnamese name shown in menus, then aliases
	// words start a plain-text message that means this command (folded).
	words []string
	need  access.Role // access.None: anyone
	// public commands run for strangers when TIENDO_PUBLIC is on.
	public bool
	run    func(s *session, ctx context.Context, args string) error
	// menu says whether setMyCommands lists it, and for which least role.
	menu bool
}

func (a *App) commands() []command {
	return []command{
		{names: []string{"start"}, run: (*session).start},
		{names: []string{"trogiup", "help"}, words: []string{"tro giup", "giup do", "help"}, run: (*session).help, menu: true},
		{names: []string{"tiendo", "progress"}, words: []string{"tien do", "progress"}, need: access.Viewer, public: true, run: (*session).progress, menu: true},
		{names: []string{"tongquan", "overview"}, words: []string{"tong quan", "overview"}, need: access.Viewer, public: true, run: (*session).overview, menu: true},
		{names: []string{"capnhat", "update"}, words: []string{"cap nhat", "update"}, run: (*session).update, menu: true},
		{names: []string{"lichsu", "history"}, words: []string{"lich su", "history"}, need: access.Viewer, run: (*session).history, menu: true},
		{names: []string{"hoantac", "undo"}, words: []string{"hoan tac", "undo"}, need: access.Reporter, run: (*session).undo, menu: true},
		{names: []string{"nguoidung", "users"}, need: access.Admin, run: (*session).users, menu: true},
		{names: []string{"moi", "invite"}, need: access.Admin, run: (*session).invite, menu: true},
		{names: []string{"hanchot", "deadlines"}, words: []string{"han chot", "deadlines"}, run: (*session).deadlines, menu: true},
		{names: []string{"ngonngu", "lang", "language"}, words: []string{"ngon ngu", "language"}, run: (*session).language, menu: true},
		// files.go
		{names: []string{"baocao", "report"}, need: access.Viewer, public: true, run: (*session).report, menu: true},
		{names: []string{"bieudo", "chart"}, words: []string{"bieu do", "chart"}, need: access.Viewer, public: true, run: (*session).chart, menu: true},
		{names: []string{"vanban", "document"}, need: access.Viewer, public: true, run: (*session).reportDocument, menu: true}, // document.go
		{names: []string{"maubaocao", "template"}, words: []string{"mau bao cao"}, need: access.Reporter, run: (*session).template, menu: true},
		{names: []string{"choduyet", "pending"}, words: []string{"cho duyet"}, need: access.Editor, run: (*session).awaitingList, menu: true}, // approval.go
		// plans.go
		{names: []string{"kehoach", "plan"}, words: []string{"ke hoach nam"}, need: access.Viewer, public: true, run: (*session).plans, menu: true},
		// link.go: rights checked inside (an admin makes a code, a Zalo account uses it)
		{names: []string{"lienket", "link"}, run: (*session).linkZalo},
	}
}

// MenuEntry is one line of Telegram's command menu.
type MenuEntry struct{ Command, Description string }

// Menu returns the command menu in lang, for setMyCommands.
func (a *App) Menu(lang string) []MenuEntry {
	var out []MenuEntry
	for _, c := range a.commands() {
		if !c.menu {
			continue
		}
		name := c.names[0]
		if lang == "en" && len(c.names) > 1 {
			name = c.names[1]
		}
		out = append(out, MenuEntry{Command: name, Description: a.Cat.T(lang, "Menu_"+c.names[0])})
	}
	return out
}

// Handle answers one request. It never panics: a panic is logged with its
// stack and the user gets the generic apology. The error it returns is for
// the caller's log only; the user has already been answered.
func (a *App) Handle(ctx context.Context, out Sender, req Request) (err error) {
	s := &session{App: a, Request: req, out: out, lang: locales.Lang(req.LangCode)}
	// Every write of the request is done once per update (store/effects.go).
	ctx = store.WithUpdate(ctx, req.UpdateID)
	defer func() {
		if p := recover(); p != nil {
			a.Log.Error("handler panic", "panic", fmt.Sprint(p), "update_id", req.UpdateID, "stack", string(debug.Stack()))
			err = fmt.Errorf("handlers: panic: %v", p)
			_ = s.reply(ctx, s.t("ErrInternal"))
		}
	}()
	if err := s.identify(ctx); err != nil {
		return s.fail(ctx, err)
	}
	if s.Plan, err = a.planNow(ctx); err != nil {
		return s.fail(ctx, err)
	}
	if req.CallbackID != "" || req.Data != "" {
		return s.fail(ctx, s.callback(ctx))
	}
	return s.fail(ctx, s.text(ctx))
}

// identify loads the user and picks the answer's language: the user's
// choice, else Telegram's language_code, else Vietnamese.
func (s *session) identify(ctx context.Context) error {
	u, err := s.readUser(ctx)
	switch {
	case err == nil:
		s.user, s.known = u, true
		if u.Lang != "" {
			s.lang = u.Lang
		}
		// A linked account writing on the other channel (notify_linked.go)
		// says nothing of the user's own chat, which stays blocked, and
		// acts under the name on record.
		if linkedElsewhere(s.Request) || (!u.Blocked && (s.UserName == "" || u.Name == s.UserName)) {
			return nil
		}
		// They write to the bot again, so they unblocked it; users added by
		// id get their name once they write. Only those two fields change,
		// on the record as it is now: an admin's change made meanwhile stays.
		nu, err := s.callerStore().EditUser(ctx, s.UserID, func(u *access.User) bool {
			changed := u.Blocked || (s.UserName != "" && u.Name != s.UserName)
			u.Blocked = false
			if s.UserName != "" {
				u.Name = s.UserName
			}
			return changed
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Removed meanwhile: a stranger now.
			s.user, s.known = access.User{ID: s.UserID, Name: s.UserName}, false
			return nil
		case err != nil:
			return err
		}
		s.user = nu
		s.user.Lang = u.Lang
		return nil
	case errors.Is(err, store.ErrNotFound) && slices.Contains(s.Admins, s.UserID):
		// A configured admin whose record is gone (a Redis without
		// persistence restarted): restore it rather than lock them out.
		// CreateUser writes only if there is still no record.
		s.user = access.User{ID: s.UserID, Name: s.UserName, Role: access.Admin, AddedAt: s.now()}
		if _, err := s.callerStore().CreateUser(ctx, s.user); err != nil {
			return err
		}
		u, err := s.callerStore().User(ctx, s.UserID)
		if err != nil {
			return err
		}
		s.user, s.known = u, true
		if u.Lang != "" {
			s.lang = u.Lang
		}
		return nil
	case errors.Is(err, store.ErrNotFound):
		s.user = access.User{ID: s.UserID, Name: s.UserName}
		lang, err := s.readLang(ctx)
		if err != nil {
			return err
		}
		if lang != "" {
			s.lang = lang
		}
		return nil
	default:
		return err
	}
}

// readUser is Store.User, unless the update's claim read it already.
func (s *session) readUser(ctx context.Context) (access.User, error) {
	switch c := s.Caller; {
	case c == nil:
		return s.callerStore().User(ctx, s.UserID)
	case !c.Found:
		return access.User{}, store.ErrNotFound
	default:
		return c.User, nil
	}
}

// readLang is Store.Lang, unless the update's claim read it already.
func (s *session) readLang(ctx context.Context) (string, error) {
	if s.Caller != nil {
		return s.Caller.Lang, nil
	}
	return s.callerStore().Lang(ctx, s.UserID)
}

func (s *session) text(ctx context.Context) error {
	if s.Document != nil { // files.go: a filled form sent back
		return s.document(ctx)
	}
	text := strings.TrimSpace(s.Text)
	if text == "" {
		if s.IsGroup() {
			return nil // photos and stickers in a group are not for the bot
		}
		return s.reply(ctx, s.t("ErrNotText"))
	}
	cmds := s.commands()
	if strings.HasPrefix(text, "/") {
		name, args, forUs := splitCommand(text, s.BotUsername)
		if !forUs {
			return nil
		}
		for i := range cmds {
			for _, n := range cmds[i].names {
				if n == name {
					return s.run(ctx, &cmds[i], args)
				}
			}
		}
		if s.IsGroup() {
			return nil // another bot's command, most likely
		}
		return s.reply(ctx, s.t("ErrUnknownCommand", "Command", "/"+name))
	}
	// An editor who pressed Trả lại writes the reason next (approval.go).
	if ok, err := s.returnReason(ctx, text); ok || err != nil {
		return err
	}
	// "cảm ơn", "xin chào", "👍": a polite word back and the help hint
	// (ask.go). In a group such talk is not for the bot.
	read := readText(text) // answers.go
	if st := read.small; st != kpi.NotSmallTalk && (s.known || s.Policy.CanView(s.user)) {
		if s.IsGroup() {
			return nil
		}
		return s.smallTalk(ctx, st)
	}
	folded := read.folded
	for i := range cmds {
		for _, w := range cmds[i].words {
			if folded == w || strings.HasPrefix(folded, w+" ") {
				return s.run(ctx, &cmds[i], text)
			}
		}
	}
	// A bare figure after "report now" on a reminder is that report.
	if s.user.Role.AtLeast(access.Reporter) {
		if ok, err := s.expected(ctx, text); ok || err != nil {
			return err
		}
	}
	// A figure typed or pasted without "cập nhật" is a report, in a
	// private chat, from someone who may report; where it could be either,
	// the user says which. Nothing with a figure in it is dropped unsaid.
	if !s.IsGroup() && s.known {
		intent := s.intent(text)
		switch {
		case intent == kpi.IntentQuestion:
		case !s.user.Role.AtLeast(access.Reporter):
			if err := s.reply(ctx, s.t("FigureNotRecordedViewer")); err != nil {
				return err
			}
		case intent == kpi.IntentReport:
			return s.update(ctx, text)
		default:
			return s.askIntent(ctx, text)
		}
	}
	return s.question(ctx, text)
}

// question answers text as a question about an indicator.
func (s *session) question(ctx context.Context, text string) error {
	cmds := s.commands()
	for i := range cmds {
		if cmds[i].names[0] == "tiendo" {
			return s.run(ctx, &cmds[i], text)
		}
	}
	return nil
}

// askIntent asks whether a message is a report or a question, with two
// buttons; the message waits in the store under a short id.
func (s *session) askIntent(ctx context.Context, text string) error {
	id, err := s.choiceStore().PutChoice(ctx, s.UserID, text, PendingTTL)
	if err != nil {
		return err
	}
	return s.reply(ctx, s.t("AskReportOrQuestion", "Text", clipRunes(text, maxQuote)), []Button{
		{Text: s.t("ButtonAsReport"), Data: Action{Kind: cbAsReport, ID: id}.String()},
		{Text: s.t("ButtonAsQuestion"), Data: Action{Kind: cbAsQuestion, ID: id}.String()},
	})
}

// choose reads the kept message the way the user chose.
func (s *session) choose(ctx context.Context, id string, report bool) error {
	text, err := s.choiceStore().TakeChoice(ctx, id, s.UserID)
	switch {
	case errors.Is(err, store.ErrExpired):
		return s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	case err != nil:
		return err
	}
	if err := s.out.Answer(ctx, s.CallbackID, ""); err != nil {
		return err
	}
	s.Text, s.CallbackID = text, ""
	if report {
		return s.update(ctx, text)
	}
	return s.question(ctx, text)
}

// run checks the user's role for c, then runs it.
func (s *session) run(ctx context.Context, c *command, args string) error {
	switch {
	case c.need == access.None:
	case c.public && s.Policy.CanView(s.user):
	case s.user.Role.AtLeast(c.need):
	case !s.known:
		return s.stranger(ctx)
	default:
		return s.reply(ctx, s.t("ErrNotAllowed"))
	}
	return c.run(s, ctx, args)
}

// splitCommand reads "/name@bot args": the name lower-cased, the rest, and
// whether the command is for this bot (no @, or @ our own name).
func splitCommand(text, botUsername string) (name, args string, forUs bool) {
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		rest = head[i+1:] + " " + rest
		head = head[:i]
	}
	name, at, hasAt := strings.Cut(head, "@")
	forUs = !hasAt || strings.EqualFold(at, botUsername)
	return strings.ToLower(name), strings.TrimSpace(rest), forUs
}

// Button presses allowed per user per window: far above what a person
// presses, low enough that a script forging presses does little.
const (
	PressLimit  = 30
	PressWindow = time.Minute
)

// callback routes a button press by the kind of its Action ("lang:en").
// Every press is answered (answerCallbackQuery), so no button keeps
// spinning: empty, unknown or forged data gets "this button has expired".
func (s *session) callback(ctx context.Context) error {
	if ok, err := s.callerStore().Allow(ctx, s.UserID, PressLimit, PressWindow); err != nil {
		return err
	} else if !ok {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrTooManyPresses"))
	}
	act, err := ParseAction(s.Data)
	if err != nil {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	arg := act.ID
	switch act.Kind {
	case cbConfirm:
		return s.confirm(ctx, arg)
	case cbReplace: // update.go: keep the new figures, remove what they contradict
		return s.confirmAs(ctx, arg, true)
	case cbDone:
		return s.doneDeadline(ctx, arg, true)
	case cbSnooze:
		return s.snooze(ctx, arg, act.Key)
	case cbReportNow:
		return s.reportNow(ctx, arg)
	case cbCancel:
		return s.cancel(ctx, arg)
	case cbPeriod: // update.go
		return s.choosePeriod(ctx, arg, act.N)
	case cbAlternative:
		return s.chooseAlternative(ctx, arg, act.N)
	case cbAsReport:
		return s.choose(ctx, arg, true)
	case cbAsQuestion:
		return s.choose(ctx, arg, false)
	case cbRerun: // scope.go
		return s.rerun(ctx, arg)
	case cbApprove: // approval.go
		return s.approve(ctx, arg)
	case cbReturn: // approval.go
		return s.askReason(ctx, arg)
	case cbUndo: // history.go
		return s.confirmUndo(ctx, act)
	case cbUndoKeep:
		return s.keepUndo(ctx, act)
	case cbPlanOK: // plans.go
		return s.confirmPlan(ctx, arg)
	case cbPlanCancel:
		return s.cancelPlan(ctx, arg)
	case cbLang:
		if err := s.setLanguage(ctx, arg); err != nil {
			return err
		}
		return s.out.Answer(ctx, s.CallbackID, s.t("LangSet"))
	}
	return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
}

// expected reads a bare figure as the report a reminder's "report now"
// asked for: the indicator and period are passed to the reader as values,
// never rebuilt into a sentence to be read again. ok is false when nothing
// was expected or text has no number.
func (s *session) expected(ctx context.Context, text string) (bool, error) {
	if _, err := kpi.ParseQuantity(text, s.lang); err != nil {
		return false, nil
	}
	if _, named := s.Plan.MatchIndicator(text); named {
		return false, nil // a question or a full report: leave the expectation
	}
	what, err := s.choiceStore().TakeExpect(ctx, s.UserID)
	if err != nil || what == "" {
		return false, err
	}
	e, ok := parseExpectation(what)
	if !ok || s.Plan.Indicator(e.Indicator) == nil {
		return false, nil
	}
	s.expect = e
	return true, s.update(ctx, text)
}

// expectation is what a user's next bare figure is for, as held in the
// store: "xuat-khau|2026-03", an indicator id and a period key.
type expectation struct {
	Indicator string
	Period    kpi.Period
}

// String is the held form; parseExpectation reads it back.
func (e expectation) String() string { return e.Indicator + "|" + e.Period.Key() }

// parseExpectation reads what String wrote; ok is false for anything else.
func parseExpectation(s string) (expectation, bool) {
	id, key, found := strings.Cut(s, "|")
	per, err := kpi.ParsePeriodKey(key)
	if !found || id == "" || err != nil {
		return expectation{}, false
	}
	return expectation{Indicator: id, Period: per}, true
}
