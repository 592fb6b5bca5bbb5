package handlers

import (
	"context"
	"errors"
	"strings"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/locales"
)

// fail is the one place an error becomes words. A *kpi.Error is a refusal
// the user should read, in their language; an unreachable Redis is
// "temporarily unavailable"; anything else is logged and answered with the
// generic apology. It returns err for the caller's log, nil for refusals.
func (s *session) fail(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ke *kpi.Error
	if errors.As(err, &ke) {
		msg := s.refusal(ke)
		if s.CallbackID != "" {
			_ = s.out.Answer(ctx, s.CallbackID, "")
		}
		kb, kerr := s.refusalButtons(ctx, ke) // scope.go
		if kerr != nil {
			return kerr
		}
		var rows [][]Button
		if len(kb) > 0 {
			rows = append(rows, kb)
		}
		if rerr := s.reply(ctx, msg, rows...); rerr != nil {
			return rerr
		}
		return nil
	}
	id := "ErrInternal"
	if Unavailable(err) {
		id = "ErrUnavailable"
	}
	if s.CallbackID != "" {
		_ = s.out.Answer(ctx, s.CallbackID, "")
	}
	_ = s.reply(ctx, s.t(id))
	return err
}

// refusal renders a domain refusal. Data that names indicators by id (the
// suggestions, "indicator", "indicators") is turned into names in the user's
// language here, and a refusal about one line of a longer message says which.
func (s *session) refusal(e *kpi.Error) string {
	kv := make([]any, 0, 2*len(e.Data)+2)
	// Examples are dated relative to now: never a past date the bot would
	// then refuse.
	kv = append(kv, "Today", s.now().Format(s.t("LayoutDate")))
	for k, v := range e.Data {
		if k == "example" && v == remind.AddExample {
			v = strings.Replace(v, remind.AddExampleDue, s.exampleDue(), 1)
		}
		switch k {
		case "units": // scope.go
			v = s.placeNames(e.List(k))
		case "suggest", "indicator", "indicators":
			var names []string
			for _, id := range e.List(k) {
				if ind := s.Plan.Indicator(id); ind != nil {
					names = append(names, ind.Name(s.lang))
				}
			}
			if len(names) > 0 {
				sep := "; "
				if k == "indicators" {
					sep = ", "
				}
				v = strings.Join(names, sep)
			}
		}
		kv = append(kv, fieldName(k), v)
	}
	msg := s.t(e.ID, kv...)
	if line := e.Data["line"]; line != "" {
		msg = s.t("LinePrefix", "Line", line) + msg
	}
	if cell := e.Data["cell"]; cell != "" { // a spreadsheet's (files.go)
		msg = s.t("CellPrefix", "Sheet", e.Data["sheet"], "Cell", cell) + msg
	}
	return msg
}

// fieldName turns a domain data key ("plan_year") into a template field ("PlanYear").
func fieldName(k string) string {
	parts := strings.Split(k, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// Unavailable reports whether err means Redis (or the network to it) cannot
// serve right now — down, frozen, or in a failover — as opposed to a bug
// (store.Unavailable).
func Unavailable(err error) bool { return store.Unavailable(err) }

// Fail answers req the way a handler answers err (store.Unavailable errors
// as "temporarily unavailable", anything else with the generic apology),
// without running a handler: for the bot's update loop when Redis failed
// before a handler could start. It returns err, for the caller's log.
func (a *App) Fail(ctx context.Context, out Sender, req Request, err error) error {
	s := &session{App: a, Request: req, out: out, lang: locales.Lang(req.LangCode)}
	return s.fail(ctx, err)
}
