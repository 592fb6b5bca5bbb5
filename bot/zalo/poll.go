package zalo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"tiendo/bot/chatq"
	"tiendo/bot/store"
)

// Inbox keeps what the poller took until it is done (store.Store): the
// platform forgets an update once getUpdates has handed it out, so the inbox
// is what lets a copy of the bot that starts after a crash handle it.
type Inbox interface {
	SaveUpdates(ctx context.Context, ups []store.Inbound, keep time.Duration) error
	ChannelInbox(ctx context.Context, limit int) ([]store.Inbound, error)
}

// Poller takes updates with getUpdates, one at a time, saves each in the
// inbox, and handles each chat's updates in order, chats in parallel.
type Poller struct {
	API     *Client
	Timeout time.Duration // long-poll wait asked of the platform
	Chats   int           // chats handled at once
	Inbox   Inbox         // nil: nothing survives a crash
	Keep    time.Duration // how long a saved update is kept
	// Handle handles one update and reports whether it is done; false
	// means a live copy of the bot holds it: it is tried again after Retry.
	Handle func(ctx context.Context, u *Update) bool
	Log    *slog.Logger
	Retry  time.Duration
	// RecoverEvery is how often the inbox is read for updates a dead copy
	// left (also once at start).
	RecoverEvery time.Duration

	// mu makes a check of q.InHand and the Add that follows it one step.
	mu sync.Mutex
	q  chatq.Queue[*Update] // the updates in hand, by chat
}

func (p *Poller) init() {
	if p.Retry <= 0 {
		p.Retry = 250 * time.Millisecond
	}
	p.q = chatq.Queue[*Update]{
		Chats:  p.Chats,
		Handle: func(ctx context.Context, u *Update) bool { return !p.Handle(ctx, u) },
		Retry:  func(ctx context.Context) bool { return sleep(ctx, p.Retry) },
	}
	if p.RecoverEvery <= 0 {
		p.RecoverEvery = 10 * time.Second
	}
	if p.Keep <= 0 {
		p.Keep = 24 * time.Hour
	}
	if p.Timeout <= 0 {
		p.Timeout = 30 * time.Second
	}
}

// backoff is the next wait after a failure: doubling from 200 ms to 10 s.
func backoff(d time.Duration) time.Duration {
	return min(max(2*d, 200*time.Millisecond), 10*time.Second)
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Run deletes any webhook (getUpdates does not work while one is set), then
// polls until ctx ends, and returns once the updates being handled are
// finished; those still queued stay in the inbox.
func (p *Poller) Run(ctx context.Context) {
	p.init()
	defer p.q.Wait()
	wait := time.Duration(0)
	for {
		if !sleep(ctx, wait) {
			return
		}
		err := p.API.DeleteWebhook(ctx)
		if err == nil {
			break
		}
		wait = backoff(wait)
		p.Log.Warn("zalo: deleteWebhook failed", "err", err, "retry_in", wait.String())
	}
	wait = 0
	var recovered time.Time
	for {
		if !sleep(ctx, wait) {
			return
		}
		if time.Since(recovered) >= p.RecoverEvery {
			p.recover(ctx)
			recovered = time.Now()
		}
		u, raw, err := p.API.GetUpdates(ctx, p.Timeout)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = backoff(wait)
			p.Log.Warn("zalo: getUpdates failed", "err", err, "retry_in", wait.String())
			continue
		}
		wait = 0
		if u != nil {
			p.accept(ctx, u, raw)
		}
	}
}

func (p *Poller) accept(ctx context.Context, u *Update, raw json.RawMessage) {
	id := UpdateID(u.Message.MessageID)
	p.mu.Lock()
	if p.q.InHand(id) {
		p.mu.Unlock()
		return // delivered again while in hand: the first copy answers
	}
	p.mu.Unlock()
	// Saved before it is handled: once getUpdates has answered, the inbox
	// is the only copy. An update done already is not saved again.
	if p.Inbox != nil {
		if err := p.Inbox.SaveUpdates(ctx, []store.Inbound{{ID: id, Body: raw}}, p.Keep); err != nil {
			p.Log.Warn("zalo: inbox: update handled unsaved", "err", err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.q.InHand(id) {
		p.q.Add(ctx, chatKey(u), id, u)
	}
}

// recover queues what the inbox holds that is not in hand (chatq's Recover).
func (p *Poller) recover(ctx context.Context) {
	if p.Inbox == nil {
		return
	}
	p.q.Recover(ctx, &p.mu, p.Inbox.ChannelInbox, decodeSaved, p.Log, "zalo: ")
}

// decodeSaved is the update saved in the inbox, and its chat; one whose
// message is not the saved update's is unreadable.
func decodeSaved(x store.Inbound) (int64, *Update, error) {
	var u Update
	if err := json.Unmarshal(x.Body, &u); err != nil {
		return 0, nil, err
	}
	if id := UpdateID(u.Message.MessageID); id != x.ID {
		return 0, nil, fmt.Errorf("message %q is update %d", u.Message.MessageID, id)
	}
	return chatKey(&u), &u, nil
}

func chatKey(u *Update) int64 {
	c := u.Message.Chat.ID
	if c == "" {
		c = u.Message.From.ID
	}
	return ChatID(c, u.Group())
}
