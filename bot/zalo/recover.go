package zalo

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// Recover takes up the updates left in the inbox — saved by a copy of the
// bot that died before it was done with them — at once and then every
// every, until ctx ends, one at a time. It is for the webhook mode; the
// Poller does the same itself. An update a live copy holds (handle returns
// false) is tried again at the next round; one that is done has left the
// inbox.
func Recover(ctx context.Context, in Inbox, every time.Duration, log *slog.Logger, handle func(ctx context.Context, u *Update) bool) {
	for {
		ups, err := in.ChannelInbox(ctx, 1000)
		if err != nil && ctx.Err() == nil {
			log.Warn("zalo: inbox", "err", err)
		}
		for _, x := range ups {
			if ctx.Err() != nil {
				return
			}
			var u Update
			if err := json.Unmarshal(x.Body, &u); err != nil || UpdateID(u.Message.MessageID) != x.ID {
				log.Error("zalo: inbox: unreadable update", "update_id", x.ID, "err", err)
				continue
			}
			if handle(ctx, &u) {
				log.Info("zalo: inbox: update taken up again", "update_id", x.ID)
			}
		}
		if !sleep(ctx, every) {
			return
		}
	}
}
