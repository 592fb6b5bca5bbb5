package handlers

import (
	"context"
	"errors"
	"fmt"

	"tiendo/bot/access"
	"tiendo/bot/outbox"
	"tiendo/locales"
)

// GiveUp answers an update the bot has given up: it stopped the process
// every one of tries times it was handled (store.UpdateGivenUp), so it is
// not handled again. The sender is told in the chat they wrote in (a
// pressed button is answered too), and every admin who has not blocked the
// bot is told who sent what — the kind of update and a file's name, never
// a message's text. The caller calls it once per update: the claim that
// gave the update up is the only one. It returns the failures, for the log.
func (a *App) GiveUp(ctx context.Context, out Sender, req Request, tries int) error {
	lang := locales.Lang(req.LangCode)
	if req.Caller != nil && req.Caller.Lang != "" {
		lang = req.Caller.Lang
	}
	var errs []error
	if req.CallbackID != "" {
		if err := out.Answer(ctx, req.CallbackID, ""); err != nil {
			errs = append(errs, err)
		}
	}
	what := func(lang string) string {
		switch {
		case req.Document != nil:
			return a.Cat.T(lang, "GivenUpFile", "Name", req.Document.Name)
		case req.CallbackID != "":
			return a.Cat.T(lang, "GivenUpPress")
		}
		return a.Cat.T(lang, "GivenUpMessage")
	}
	if req.ChatID != 0 {
		if _, err := out.Send(ctx, req.ChatID, a.Cat.T(lang, "GivenUpSender", "What", what(lang), "Tries", tries), nil); err != nil {
			errs = append(errs, fmt.Errorf("tell the sender: %w", err))
		}
	}
	users, err := a.userLister().Users(ctx)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("find the admins: %w", err))...)
	}
	name := req.UserName
	for i := range users {
		u := &users[i]
		if u.ID == req.UserID {
			name = u.Name
		}
	}
	for i := range users {
		u := &users[i]
		if u.Role != access.Admin || u.Blocked {
			continue
		}
		l := langOr(u.Lang)
		text := a.Cat.T(l, "GivenUpAdmin", "What", what(l), "Name", name, "User", req.UserID,
			"Chat", req.ChatID, "Update", req.UpdateID, "Tries", tries)
		if _, err := out.Send(ctx, u.ID, text, nil); err != nil && !errors.Is(err, outbox.ErrBlocked) {
			errs = append(errs, fmt.Errorf("tell admin %d: %w", u.ID, err))
		}
	}
	return errors.Join(errs...)
}
