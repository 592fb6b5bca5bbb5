package chatq

import (
	"context"
	"log/slog"
	"sync"

	"tiendo/bot/store"
)

// recoverLimit is how many saved updates one Recover reads.
const recoverLimit = 1000

// Recover queues what an inbox holds that is not in hand: updates a dead
// copy of the bot had taken, or this one before a restart. Both pollers
// call it at start and then every so often.
//
// read reads the inbox (at most limit updates); decode makes the update,
// and the chat it is queued on, of one saved; one it cannot read is logged
// and skipped (it stays in the inbox until it expires). lock is the
// caller's lock that makes a check of InHand and the Add after it one step,
// as around the caller's own Adds. Each log line begins with prefix (the
// channel's, "zalo: "; "" for Telegram's).
func (q *Queue[U]) Recover(ctx context.Context, lock sync.Locker, read func(ctx context.Context, limit int) ([]store.Inbound, error),
	decode func(store.Inbound) (chat int64, u U, err error), log *slog.Logger, prefix string) {
	in, err := read(ctx, recoverLimit)
	if err != nil {
		log.Warn(prefix+"inbox", "err", err)
		return
	}
	lock.Lock()
	defer lock.Unlock()
	for _, x := range in {
		if q.InHand(x.ID) {
			continue
		}
		chat, u, err := decode(x)
		if err != nil {
			log.Error(prefix+"inbox: unreadable update", "update_id", x.ID, "err", err)
			continue
		}
		log.Info(prefix+"inbox: update taken up again", "update_id", x.ID)
		q.Add(ctx, chat, x.ID, u)
	}
}
