// Package bot is the application: it wires configuration, the plans, Redis,
// the handlers and the channels (Telegram in bot/telegram, Zalo in
// bot/zalo) together and runs them until the context ends — long polling
// or a webhook against the Bot APIs, or, with no token, a chat in the
// terminal against an in-process Bot API on loopback.
//
// Run (this file) picks the run mode; start (run.go) builds what the
// channels share: the store, the handlers, one request's handling
// (handle.go) and its done marks (marks.go), flood control (flood.go), the
// polling lease (leader.go), the reminders and the outbox (reminders.go),
// the metrics and the HTTP ops server (ops.go). Each channel's start
// function is in its own file (telegram.go, zalo.go); the terminal chat is
// terminal.go.
package bot

import (
	"context"
	"io"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/handlers"
)

// Timings of the update loop.
const (
	pollTimeout  = 25 * time.Second // long-poll wait asked of Telegram
	claimLease   = 2 * time.Minute  // a live copy stuck this long on an update loses it
	keepDone     = 24 * time.Hour   // Telegram redelivers within a day at most
	startTimeout = 10 * time.Second
	chats        = 64 // chats whose updates are handled at once
	// A running copy renews its heartbeat every aliveEvery; one whose
	// heartbeat is older than aliveTTL is dead, and the updates it held are
	// taken over by the next delivery.
	aliveEvery = time.Second
	aliveTTL   = 4 * time.Second
)

// LocalUserID is the terminal chat's user when TIENDO_ADMINS names nobody.
const LocalUserID = 1000001

// terminalZaloUser is the terminal chat's Zalo id with -channel zalo.
const terminalZaloUser = "10ca1ad312"

// IO is the program's standard streams.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Option changes how Run runs, for tests.
type Option func(*runOptions)

type runOptions struct {
	now      func() time.Time
	pollWait time.Duration
	onReady  func(*handlers.App)
	remind   []func(*remind.Config)
	noRemind bool
	noFlood  bool
	limits   outbox.Limits
	leaseTTL time.Duration
	hooks    []redis.Hook
	busy     func(delta int)
	// zaloReady: how long Zalo may be silent and /readyz say ready (zalo_ops.go).
	zaloReady time.Duration
}

// WithBusy is told +1 when the bot takes an update up and -1 when it is
// done with it (answered, refused or muted), so that a test can wait until
// the bot has nothing in hand rather than for a silence.
func WithBusy(f func(delta int)) Option { return func(o *runOptions) { o.busy = f } }

// WithRedisHook installs h on the bot's Redis client, after the bot's own
// hooks (tests count the commands and round trips an update costs).
func WithRedisHook(h redis.Hook) Option { return func(o *runOptions) { o.hooks = append(o.hooks, h) } }

// WithoutFloodControl lets every update through, however many one user
// sends (tests of other limits, such as the press rate, or of races that
// send one user's commands all at once).
func WithoutFloodControl() Option { return func(o *runOptions) { o.noFlood = true } }

// WithoutReminders runs the bot without its reminder jobs (tests of other things).
func WithoutReminders() Option { return func(o *runOptions) { o.noRemind = true } }

// WithReminders adjusts the reminder jobs' configuration (queue, polling);
// several apply in order.
func WithReminders(f func(*remind.Config)) Option {
	return func(o *runOptions) { o.remind = append(o.remind, f) }
}

// WithLimits sets the outbox's sending rates.
func WithLimits(l outbox.Limits) Option { return func(o *runOptions) { o.limits = l } }

// WithLeaseTTL changes how long the polling lease lasts (DefaultLeaseTTL).
func WithLeaseTTL(d time.Duration) Option { return func(o *runOptions) { o.leaseTTL = d } }

// WithClock makes the bot read the time from now.
func WithClock(now func() time.Time) Option { return func(o *runOptions) { o.now = now } }

// WithPollTimeout changes the long-poll wait asked of the Bot API.
func WithPollTimeout(d time.Duration) Option { return func(o *runOptions) { o.pollWait = d } }

// WithReady is called once the bot is about to take updates.
func WithReady(f func(*handlers.App)) Option { return func(o *runOptions) { o.onReady = f } }

// Run runs the bot until ctx ends (or, in the terminal chat, until the end of
// input). It returns an error when start-up fails: the plan, Redis, Telegram.
func Run(ctx context.Context, cfg Config, stdio IO, opts ...Option) error {
	o := runOptions{now: time.Now, pollWait: pollTimeout, leaseTTL: DefaultLeaseTTL}
	for _, f := range opts {
		f(&o)
	}
	terminal := cfg.Token == "" && cfg.ZaloToken == ""
	// zaloOnly: a Zalo bot with no Telegram side (bot/zalo.go).
	zaloOnly := cfg.Token == "" && !terminal
	log := newLogger(cfg, stdio.Err, terminal)
	redis.SetLogger(redisLogger{log})
	w, err := start(ctx, cfg, o, stdio, log, terminal, zaloOnly)
	if err != nil {
		return err
	}
	defer w.close()
	switch {
	case terminal:
		return w.runTerminal(ctx, stdio)
	case zaloOnly:
		<-ctx.Done() // Zalo's poller or webhook (startZalo) takes the updates
	case cfg.WebhookURL != "":
		err = w.tg.serveWebhook(ctx, w)
	default:
		w.tg.poll(ctx, w)
	}
	log.Info("stopped")
	return err
}
