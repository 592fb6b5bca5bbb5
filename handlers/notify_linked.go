package handlers

import (
	"context"
	"errors"

	"tiendo/bot/access"
	"tiendo/bot/outbox"
	"tiendo/bot/store"
)

// otherChannel reports whether a user or chat id is of a channel other
// than Telegram (Zalo's ids are at least 2^62 from zero).
func otherChannel(id int64) bool { return id >= store.OtherChannels || id <= -store.OtherChannels }

// linkedElsewhere reports whether req comes from an account linked to its
// user on the other channel: a Telegram user writing on Zalo.
func linkedElsewhere(req Request) bool { return otherChannel(req.ChatID) != otherChannel(req.UserID) }

// toPerson is the recipient for a user: their own chat, and the chat of
// the account linked to them on the other channel (Linked). A user who
// blocked the bot on their own channel is still reached on the linked one;
// ok is false when the bot can reach them nowhere.
func (n *Notifier) toPerson(ctx context.Context, u *access.User) (r recipient, ok bool, err error) {
	r = recipient{chatID: u.ID, lang: langOr(u.Lang), user: u, ownBlocked: u.Blocked}
	if n.Linked != nil {
		if r.also, err = n.Linked(ctx, u.ID); err != nil {
			return recipient{}, false, err
		}
	}
	return r, !r.ownBlocked || r.also != 0, nil
}

// deliver sends to each of the recipient's chats as a delivery of its
// own, each with its own once-only marks (the task and the chat): a chat
// that refuses (a 403, an outage) neither stops nor delays the other, and
// the job's retry sends only to the chat that did not get it.
//
// It returns nil when every chat got it, or some did and the others
// blocked the bot; ErrBlocked (wrapped) when every chat blocked it; else
// the first other failure, for the job to retry.
func (n *Notifier) deliver(ctx context.Context, task string, r recipient, text string, kb [][]Button) error {
	chats := make([]int64, 0, 2)
	if !r.ownBlocked {
		chats = append(chats, r.chatID)
	}
	if r.also != 0 && r.also != r.chatID {
		chats = append(chats, r.also)
	}
	var failed, blocked error
	sent := 0
	for _, chat := range chats {
		err := n.deliverChat(ctx, task, chat, r, text, kb)
		switch {
		case err == nil:
			sent++
		case errors.Is(err, outbox.ErrBlocked):
			if len(chats) > 1 {
				n.App.Log.Warn("reminder: one of a person's channels blocked the bot", "chat_id", chat, "user_id", r.chatID, "err", err)
			}
			blocked = err
		case failed == nil:
			failed = err
		default:
			n.App.Log.Warn("reminder: not sent, retried", "chat_id", chat, "err", err)
		}
	}
	switch {
	case failed != nil:
		return failed
	case sent == 0 && blocked != nil:
		return blocked
	}
	return nil
}
