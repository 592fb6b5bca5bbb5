// Package outbox is the one path for every message the bot sends on its own
// initiative (reminders, overdue notices, digests, notices to admins). It
// keeps to Telegram's limits — about 30 messages a second in all, one a
// second per chat, twenty a minute per group — obeys a 429's retry_after,
// and reports a 403 (the user blocked the bot) as ErrBlocked so the caller
// can stop writing to that chat.
//
// Replies to what a user just wrote do not go through here: they are one
// message per request and a user is waiting for them.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"golang.org/x/time/rate"
)

// Limits are the sending rates. The zero value of a field means the default.
type Limits struct {
	Global   rate.Limit // messages per second over all chats
	PerChat  rate.Limit // messages per second to one private chat
	PerGroup rate.Limit // messages per second to one group
}

// DefaultLimits are Telegram's published limits.
var DefaultLimits = Limits{Global: 30, PerChat: 1, PerGroup: rate.Limit(20.0 / 60)}

// MaxAttempts bounds the tries of one message on repeated 429s and errors.
const MaxAttempts = 5

// idleAfter is how long a chat's limiter is kept without use.
const idleAfter = 5 * time.Minute

// ErrBlocked is returned when Telegram answers 403: the user blocked the
// bot, or it was removed from the group.
var ErrBlocked = errors.New("outbox: the chat blocked the bot")

// ErrRefused is returned (wrapped, with the client's error) when Telegram
// answers 400: the message itself is wrong, and sending it again cannot help.
var ErrRefused = errors.New("outbox: Telegram refused the message")

// SendFunc sends one message; it is go-telegram/bot's SendMessage in
// production and a fake in tests. Errors are the client's: a 429 as
// *bot.TooManyRequestsError, a 403 wrapping bot.ErrorForbidden.
type SendFunc func(ctx context.Context, chatID int64, html string, buttons [][]Button) error

// Button is an inline button: Data for a callback, or URL.
type Button struct{ Text, Data, URL string }

// Outbox sends within the limits. It is safe for concurrent use.
type Outbox struct {
	send   SendFunc
	limits Limits
	global *rate.Limiter
	sleep  func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	chats map[int64]*chatLimiter

	// Observe, when set (before the first Send), is told of each message as
	// it enters Send; it returns what to call when its first try starts and
	// when it leaves (metrics: queue depth and wait).
	Observe func() (started, done func())
}

// chatLimiter spaces one chat's messages by the time they actually went
// out, not by when they were allowed to queue: a message held back by the
// global limit must not make the next one to the same chat come too soon.
type chatLimiter struct {
	mu       sync.Mutex // held for the whole send: one message per chat at a time
	interval time.Duration
	next     time.Time // earliest time of the next send
	used     time.Time // guarded by Outbox.mu
}

// New returns an Outbox sending with send under limits (zero fields: defaults).
func New(send SendFunc, limits Limits) *Outbox {
	if limits.Global <= 0 {
		limits.Global = DefaultLimits.Global
	}
	if limits.PerChat <= 0 {
		limits.PerChat = DefaultLimits.PerChat
	}
	if limits.PerGroup <= 0 {
		limits.PerGroup = DefaultLimits.PerGroup
	}
	return &Outbox{
		send:   send,
		limits: limits,
		global: rate.NewLimiter(limits.Global, 1),
		chats:  map[int64]*chatLimiter{},
		sleep:  sleepCtx,
	}
}

// Limits returns the limits in force.
func (o *Outbox) Limits() Limits { return o.limits }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// isGroup tells a group from a private chat by its id: Telegram's group and
// supergroup ids are negative.
func isGroup(chatID int64) bool { return chatID < 0 }

func (o *Outbox) chat(chatID int64) *chatLimiter {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	c, ok := o.chats[chatID]
	if !ok {
		r := o.limits.PerChat
		if isGroup(chatID) {
			r = o.limits.PerGroup
		}
		c = &chatLimiter{interval: time.Duration(float64(time.Second) / float64(r))}
		o.chats[chatID] = c
		if len(o.chats)%1024 == 0 {
			for id, x := range o.chats {
				if now.Sub(x.used) > idleAfter && x.mu.TryLock() {
					x.mu.Unlock()
					delete(o.chats, id)
				}
			}
		}
	}
	c.used = now
	return c
}

// Send delivers one message, waiting for its turn under the limits. A text
// over MaxText is sent as several messages, split on lines (Split), in
// order, the buttons under the last. On a 429 it waits retry_after and
// tries again (MaxAttempts in all); on a 403 it returns ErrBlocked at once;
// other errors are retried with a short backoff. It returns ctx's error if
// ctx ends first; parts sent before a failure stay sent.
func (o *Outbox) Send(ctx context.Context, chatID int64, html string, buttons [][]Button) error {
	chat := o.chat(chatID)
	chat.mu.Lock()
	defer chat.mu.Unlock()
	parts := Split(html, MaxText)
	for i, part := range parts {
		var kb [][]Button
		if i == len(parts)-1 {
			kb = buttons
		}
		err := o.attempt(ctx, chat, chatID, func(ctx context.Context) error { return o.send(ctx, chatID, part, kb) })
		if err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			return err
		}
	}
	return nil
}

// Do runs send, one message to chatID that is not text (the digest's
// chart), under the limits and retry rules of Send, with its errors.
func (o *Outbox) Do(ctx context.Context, chatID int64, send func(ctx context.Context) error) error {
	chat := o.chat(chatID)
	chat.mu.Lock()
	defer chat.mu.Unlock()
	return o.attempt(ctx, chat, chatID, send)
}

// attempt sends one message (send) under the limits, retrying as Send
// says; the caller holds chat.mu.
func (o *Outbox) attempt(ctx context.Context, chat *chatLimiter, chatID int64, send func(ctx context.Context) error) error {
	started, done := func() {}, func() {}
	if o.Observe != nil {
		started, done = o.Observe()
	}
	defer done()
	var err error
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		// The chat's turn first, then the global one right before sending:
		// a message held back by its chat must not use up a global slot.
		if d := time.Until(chat.next); d > 0 {
			if serr := o.sleep(ctx, d); serr != nil {
				return serr
			}
		}
		if werr := o.global.Wait(ctx); werr != nil {
			return werr
		}
		chat.next = time.Now().Add(chat.interval)
		started()
		err = send(ctx)
		if err == nil {
			return nil
		}
		var tm *tg.TooManyRequestsError
		switch {
		case errors.Is(err, tg.ErrorForbidden):
			return fmt.Errorf("%w: chat %d: %v", ErrBlocked, chatID, err)
		case errors.As(err, &tm):
			wait := time.Duration(tm.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			if serr := o.sleep(ctx, wait); serr != nil {
				return serr
			}
		case errors.Is(err, tg.ErrorBadRequest):
			return fmt.Errorf("%w: chat %d: %w", ErrRefused, chatID, err) // sending again cannot help
		default:
			if serr := o.sleep(ctx, time.Duration(attempt)*200*time.Millisecond); serr != nil {
				return serr
			}
		}
	}
	return fmt.Errorf("outbox: chat %d: gave up after %d attempts: %w", chatID, MaxAttempts, err)
}
