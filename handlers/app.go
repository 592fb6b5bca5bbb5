// Package handlers holds one file per use case of Tiến Độ. A handler turns a
// Request (a message or a button press, already taken out of Telegram's
// update by package bot) into a domain call, and the domain's answer into a
// localized HTML reply sent through a Sender. Nothing here knows Telegram's
// wire format; nothing below here knows Telegram exists.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/locales"
)

// Request is one thing a user did: a message, or a press of one of the bot's buttons.
type Request struct {
	UpdateID  int64
	ChatID    int64
	ChatType  string // "private", "group", "supergroup"
	MessageID int    // the user's message, or the bot's message whose button was pressed
	UserID    int64
	UserName  string // first name and last name, or @username
	LangCode  string // Telegram's language_code
	Text      string
	// CallbackID and Data are set for a button press.
	CallbackID string
	Data       string
	// Document is set for a message carrying a file (files.go); Text is
	// then its caption.
	Document *Document
	// Caller, when set, is the user's record and language as read with the
	// update's claim (store.ClaimUpdateFrom): identify then reads neither
	// again. Nil: identify reads them.
	Caller *store.Caller
}

// IsGroup reports whether the request came from a group chat.
func (r Request) IsGroup() bool { return r.ChatType == "group" || r.ChatType == "supergroup" }

// Button is an inline keyboard button: Data for a callback, or URL. It is
// the outbox's button, so replies and reminders build keyboards alike.
type Button = outbox.Button

// Sender delivers replies. Texts are Telegram HTML; the Sender splits texts
// longer than Telegram allows.
type Sender interface {
	// Send posts a message and returns the id of its last part.
	Send(ctx context.Context, chatID int64, html string, kb [][]Button) (int, error)
	// Edit replaces a message's text and keyboard (nil kb removes the buttons).
	Edit(ctx context.Context, chatID int64, messageID int, html string, kb [][]Button) error
	// Answer answers a button press, with a short notice when text is not empty.
	Answer(ctx context.Context, callbackID, text string) error
}

// PlanSource gives each request its plan: plans are kept per year and an
// admin may load one at any time (plans.go). store.Plans implements it.
type PlanSource interface {
	// InForce returns the plan of now's year, else the latest.
	InForce(ctx context.Context, now time.Time) (*kpi.Plan, error)
	// Year returns the plan of year, or nil when there is none.
	Year(ctx context.Context, year int) (*kpi.Plan, error)
	// Years returns the years that have a plan, oldest first.
	Years(ctx context.Context) ([]int, error)
}

// App is the bot's use cases and what they need.
type App struct {
	// Plan is the plan used when Plans is nil, and the one reminders of
	// plan deadlines are computed from.
	Plan *kpi.Plan
	// Plans, when set, gives each request the plan in force at the time of
	// the request, or the plan of the year it names.
	Plans PlanSource
	// Store is the Redis store. No handler reads it: each use case reaches
	// it as the small interface of what it needs (needs.go), which a test
	// fakes.
	Store       *store.Store
	Cat         *locales.Catalog
	Policy      access.Policy
	Now         func() time.Time
	Loc         *time.Location
	Log         *slog.Logger
	BotUsername string        // for deep links and /cmd@bot in groups
	UndoWindow  time.Duration // how long /hoantac may revert a change
	// Admins are TIENDO_ADMINS: always admins, even if their record is lost.
	Admins []int64
	// LocalAdmin is the terminal chat's own admin when TIENDO_ADMINS is not
	// set (0 otherwise): refused as such, not as one of TIENDO_ADMINS.
	LocalAdmin int64
	// Reminders schedules one-off deadlines and snoozes; nil disables them.
	Reminders Scheduler
	Quiet     remind.Quiet
	// Confirmed, when set, is told how many figures each confirmation
	// stored (metrics).
	Confirmed func(n int)

	// answers are the answers kept per data version (answers.go).
	answers answerCache
	// needs are a test's fakes for one use case's storage (needs.go).
	needs needs
}

// session is one request with who made it and in which language to answer.
type session struct {
	*App
	Request
	// Plan is the request's plan: the plan in force, or the plan of the
	// year the request names (plans.go). It shadows App.Plan.
	Plan *kpi.Plan
	out  Sender
	user access.User
	lang string
	// known is false for a user the bot has no record of.
	known bool
	// expect is what a bare figure is for, after "report now" (router.go):
	// the reader's default indicator and period. Zero otherwise.
	expect expectation
}

func (s *session) t(id string, kv ...any) string { return s.Cat.T(s.lang, id, kv...) }

func (s *session) n(id string, count int, kv ...any) string {
	return s.Cat.N(s.lang, id, count, kv...)
}

// reply sends html to the request's chat.
func (s *session) reply(ctx context.Context, html string, kb ...[]Button) error {
	_, err := s.out.Send(ctx, s.ChatID, html, kb)
	return err
}

func (s *session) now() time.Time { return s.Now().In(s.Loc) }

// planNow returns the plan in force: from Plans when set, else Plan.
func (a *App) planNow(ctx context.Context) (*kpi.Plan, error) {
	if a.Plans == nil {
		return a.Plan, nil
	}
	p, err := a.Plans.InForce(ctx, a.Now().In(a.Loc))
	if errors.Is(err, store.ErrNotFound) && a.Plan != nil {
		return a.Plan, nil
	}
	return p, err
}

// planOf returns the plan of year: the request's own when it is of that
// year, nil when no plan of that year is kept.
func (s *session) planOf(ctx context.Context, year int) (*kpi.Plan, error) {
	if s.Plan != nil && s.Plan.Year == year {
		return s.Plan, nil
	}
	if s.Plans == nil {
		return nil, nil
	}
	return s.Plans.Year(ctx, year)
}

// switchYear makes the request's plan the plan of year, when one is kept,
// and reports whether it did.
func (s *session) switchYear(ctx context.Context, year int) (bool, error) {
	if year == 0 || (s.Plan != nil && s.Plan.Year == year) {
		return false, nil
	}
	p, err := s.planOf(ctx, year)
	if err != nil || p == nil {
		return false, err
	}
	s.Plan = p
	return true, nil
}

// wrongYear returns the year an ErrWrongYear names, or 0.
func wrongYear(err error) int {
	var ke *kpi.Error
	if !errors.As(err, &ke) || ke.ID != kpi.ErrWrongYear {
		return 0
	}
	y, _ := ke.Int("year")
	return y
}
