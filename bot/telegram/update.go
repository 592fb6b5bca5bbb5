// Package telegram is the Telegram channel: where a Telegram message comes
// in (poll.go by long polling, webhook.go by webhook), becomes a
// handlers.Request (update.go), and where the handlers' replies go out
// (sender.go, files.go), over go-telegram/bot and the Bot API. What every
// channel shares (the update log, flood control, the leader, reminders) is
// wired in package bot; nothing here knows Redis beyond the inbox.
package telegram

import (
	"strings"

	"github.com/go-telegram/bot/models"

	"tiendo/handlers"
)

// Request takes what the handlers need out of a Telegram update; ok is false
// for updates the bot does not act on (edits, channel posts, other bots).
func Request(u *models.Update) (handlers.Request, bool) {
	switch {
	case u.Message != nil && u.Message.From != nil && !u.Message.From.IsBot:
		m := u.Message
		text := m.Text
		if text == "" {
			text = m.Caption
		}
		req := handlers.Request{
			UpdateID: u.ID, ChatID: m.Chat.ID, ChatType: string(m.Chat.Type), MessageID: m.ID,
			UserID: m.From.ID, UserName: displayName(m.From), LangCode: m.From.LanguageCode, Text: text,
		}
		if d := m.Document; d != nil { // files.go
			req.Document = &handlers.Document{FileID: d.FileID, Name: d.FileName, MimeType: d.MimeType, Size: d.FileSize}
		}
		return req, true
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		q := u.CallbackQuery
		m := q.Message.Message
		return handlers.Request{
			UpdateID: u.ID, ChatID: m.Chat.ID, ChatType: string(m.Chat.Type), MessageID: m.ID,
			UserID: q.From.ID, UserName: displayName(&q.From), LangCode: q.From.LanguageCode,
			CallbackID: q.ID, Data: q.Data,
		}, true
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil:
		// A press on a message too old for the bot to see: still answered
		// (the handler says the button expired), or it would keep spinning.
		q := u.CallbackQuery
		m := q.Message.InaccessibleMessage
		return handlers.Request{
			UpdateID: u.ID, ChatID: m.Chat.ID, ChatType: string(m.Chat.Type), MessageID: m.MessageID,
			UserID: q.From.ID, UserName: displayName(&q.From), LangCode: q.From.LanguageCode,
			CallbackID: q.ID, Data: q.Data,
		}, true
	}
	return handlers.Request{}, false
}

func displayName(u *models.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	return name
}

// ChatOf is the chat an update belongs to: its updates are handled in order.
func ChatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

// SenderOf is who sent an update: the message's author, the presser (0 for
// neither), for flood control.
func SenderOf(u *models.Update) int64 {
	switch {
	case u.Message != nil && u.Message.From != nil:
		return u.Message.From.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}
