// Package bot is the application: it wires configuration, the plan, Redis,
// the handlers and Telegram together and runs them until the context ends —
// long polling against the Bot API, or, with no token, a chat in the
// terminal against an in-process Bot API on loopback.
package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
	"tiendo/handlers"
	"tiendo/locales"
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
	limits   outbox.Limits
}

// WithoutReminders runs the bot without its reminder jobs (tests of other things).
func WithoutReminders() Option { return func(o *runOptions) { o.noRemind = true } }

// WithReminders adjusts the reminder jobs' configuration (queue, polling);
// several apply in order.
func WithReminders(f func(*remind.Config)) Option {
	return func(o *runOptions) { o.remind = append(o.remind, f) }
}

// WithLimits sets the outbox's sending rates.
func WithLimits(l outbox.Limits) Option { return func(o *runOptions) { o.limits = l } }

// WithClock makes the bot read the time from now.
func WithClock(now func() time.Time) Option { return func(o *runOptions) { o.now = now } }

// WithPollTimeout changes the long-poll wait asked of the Bot API.
func WithPollTimeout(d time.Duration) Option { return func(o *runOptions) { o.pollWait = d } }

// WithReady is called once the bot is about to take updates.
func WithReady(f func(*handlers.App)) Option { return func(o *runOptions) { o.onReady = f } }

// Run runs the bot until ctx ends (or, in the terminal chat, until the end of
// input). It returns an error when start-up fails: the plan, Redis, Telegram.
func Run(ctx context.Context, cfg Config, stdio IO, opts ...Option) error {
	o := runOptions{now: time.Now, pollWait: pollTimeout}
	for _, f := range opts {
		f(&o)
	}
	terminal := cfg.Token == ""
	log := newLogger(cfg, stdio.Err, terminal)
	redis.SetLogger(redisLogger{log})

	plan := kpi.DefaultPlan()
	if cfg.PlanPath != "" {
		var err error
		if plan, err = kpi.LoadPlan(cfg.PlanPath); err != nil {
			return err
		}
	}

	rdb, closeRedis, err := openRedis(ctx, cfg, stdio.Err)
	if err != nil {
		return err
	}
	defer closeRedis()
	st := store.New(rdb, cfg.KeyPrefix)

	token, apiURL := cfg.Token.Reveal(), cfg.APIURL
	var local telegramtest.From
	var srv *telegramtest.Server
	admins := cfg.Admins
	if terminal {
		srv = telegramtest.New()
		defer srv.Close()
		token, apiURL = srv.Token(), srv.URL()
		local = telegramtest.From{UserID: LocalUserID, FirstName: "Admin", LanguageCode: "vi"}
		if len(admins) > 0 {
			local.UserID = admins[0]
		} else {
			admins = []int64{LocalUserID}
		}
	}
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := st.EnsureAdmins(sctx, admins, o.now()); err != nil {
		return fmt.Errorf("redis: set up admins: %w", err)
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	cat.Missing = func(lang, id string, err error) { log.Error("locale message", "lang", lang, "id", id, "err", err) }

	b, err := tg.New(token,
		tg.WithServerURL(apiURL),
		tg.WithSkipGetMe(),
		tg.WithErrorsHandler(func(err error) { log.Error("telegram", "err", redact(err.Error(), token)) }),
		tg.WithHTTPClient(time.Minute, &http.Client{Timeout: time.Minute}),
	)
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	me, err := b.GetMe(sctx)
	if err != nil {
		return fmt.Errorf("telegram: the Bot API at %s did not accept the token (getMe): %s", apiURL, redact(err.Error(), token))
	}
	// A webhook left over from another deployment makes getUpdates fail with 409.
	if cfg.WebhookURL == "" {
		if _, err := b.DeleteWebhook(sctx, &tg.DeleteWebhookParams{}); err != nil {
			return fmt.Errorf("telegram: deleteWebhook: %s", redact(err.Error(), token))
		}
	}

	quiet, err := remind.ParseQuiet(cfg.QuietHours)
	if err != nil {
		return err
	}
	app := &handlers.App{
		Plan: plan, Store: st, Cat: cat,
		Policy: access.Policy{Public: cfg.Public},
		Now:    o.now, Loc: cfg.Loc, Log: log,
		BotUsername: me.Username, UndoWindow: cfg.UndoWindow, Admins: admins,
		Quiet: quiet,
	}
	setMenus(sctx, b, app, log)

	// Reminders: asynq jobs on the same Redis, sent through the outbox.
	limits := cfg.Limits
	if o.limits != (outbox.Limits{}) {
		limits = o.limits
	}
	ob := outbox.New(func(ctx context.Context, chatID int64, html string, kb [][]outbox.Button) error {
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: noPreview, ReplyMarkup: keyboard(kb)})
		return err
	}, limits)
	rcfg := remind.Config{
		Redis: rdb, Store: st, Plan: plan, Loc: cfg.Loc, Quiet: quiet, Now: o.now, Logger: log,
		Notifier: &handlers.Notifier{App: app, Out: ob, Log: st},
		Reported: func(ctx context.Context, unit, indicator, period string) (bool, error) {
			return st.Reported(ctx, plan.ID, unit, indicator, period)
		},
	}
	for _, f := range o.remind {
		f(&rcfg)
	}
	rem, err := remind.New(rcfg)
	if err != nil {
		return err
	}
	if !o.noRemind {
		if err := rem.Start(ctx); err != nil {
			return err
		}
		defer rem.Shutdown()
	}
	app.Reminders = rem
	log.Info("started", "bot", me.Username, "plan", plan.ID, "terminal", terminal)
	if o.onReady != nil {
		o.onReady(app)
	}

	instance := store.NewInstanceID()
	if err := st.Heartbeat(sctx, instance, aliveTTL); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	stopBeat := heartbeat(ctx, st, instance, log)
	defer stopBeat()

	out := sender{b: b}
	fl := newFlood()
	p := &poller{
		url:     apiURL + "/bot" + token,
		client:  &http.Client{Timeout: o.pollWait + 30*time.Second},
		timeout: o.pollWait,
		chats:   chats,
		log:     log,
		flood:   fl,
		inbox:   st,
		keep:    keepDone,
		drop: func(ctx context.Context, u *models.Update, first bool) {
			dropUpdate(ctx, app, out, log, u, first)
		},
		handle: func(ctx context.Context, u *models.Update) outcome {
			return handleUpdate(ctx, app, st, instance, out, log, u)
		},
	}
	if !terminal && cfg.WebhookURL != "" {
		w := &webhook{
			path: webhookPath(cfg.WebhookURL), secret: webhookSecret(cfg), log: log,
			handle: p.handle, drop: p.drop, flood: fl, health: st.Ping, chats: map[int64]*chatLock{},
		}
		err := serveWebhook(ctx, cfg, b, w)
		log.Info("stopped")
		return err
	}
	if !terminal {
		p.run(ctx)
		log.Info("stopped")
		return nil
	}
	p.timeout = time.Second
	p.client.Timeout = 30 * time.Second
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.run(pctx); close(done) }()
	term := &telegramtest.Terminal{Server: srv, In: stdio.In, Out: stdio.Out, User: local}
	err = term.Run(ctx)
	stop()
	<-done
	return err
}

// handleUpdate runs one update once: the update log in Redis makes a
// redelivered update (same update_id) a no-op once it is done, holds it back
// while a live copy of the bot is on it, and lets it through again at once
// if the copy that took it died before finishing.
func handleUpdate(ctx context.Context, app *handlers.App, st *store.Store, instance string, out handlers.Sender, log *slog.Logger, u *models.Update) outcome {
	req, ok := request(u)
	if !ok {
		return handled
	}
	claim, err := st.ClaimUpdate(ctx, u.ID, instance, claimLease)
	switch {
	case err != nil:
		// Redis is down: answer anyway; the handler will say "temporarily unavailable".
		log.Warn("update log unavailable", "update_id", u.ID, "err", err)
	case claim == store.UpdateDone:
		log.Info("duplicate update skipped", "update_id", u.ID)
		// Saved again by a poller that got it before its acknowledgement:
		// take it out of the inbox.
		if err := st.DoneUpdate(ctx, u.ID, keepDone); err != nil {
			log.Warn("update log", "update_id", u.ID, "err", err)
		}
		return handled
	case claim == store.UpdateBusy:
		log.Info("update held by a live copy", "update_id", u.ID)
		return held
	case claim == store.UpdateTakenOver:
		log.Warn("update taken over from a copy that died while handling it", "update_id", u.ID)
	}
	if herr := app.Handle(ctx, out, req); herr != nil {
		log.Error("handle", "update_id", u.ID, "chat_id", req.ChatID, "user_id", req.UserID, "err", herr)
	}
	// The user has been answered, even if only with an apology: a
	// redelivery must not answer again.
	if err := st.DoneUpdate(ctx, u.ID, keepDone); err != nil {
		log.Warn("update log", "update_id", u.ID, "err", err)
	}
	return handled
}

// dropUpdate answers an update refused by flood control: a button press is
// answered (or it spins), and the first message of a mute gets a notice in
// a private chat. In a group nothing is said.
func dropUpdate(ctx context.Context, app *handlers.App, out handlers.Sender, log *slog.Logger, u *models.Update, first bool) {
	req, ok := request(u)
	if !ok {
		return
	}
	if first {
		log.Warn("flood: user muted", "user_id", req.UserID, "chat_id", req.ChatID, "for", floodMute.String())
	}
	switch {
	case req.CallbackID != "":
		_ = out.Answer(ctx, req.CallbackID, "")
	case first && !req.IsGroup():
		text := app.Cat.N(locales.Lang(req.LangCode), "FloodMuted", int(floodMute/time.Minute))
		if _, err := out.Send(ctx, req.ChatID, text, nil); err != nil {
			log.Warn("flood notice", "chat_id", req.ChatID, "err", err)
		}
	}
}

// heartbeat keeps instance alive in Redis until the returned function is
// called, which also retires it (what it held is taken over at once).
func heartbeat(ctx context.Context, st *store.Store, instance string, log *slog.Logger) func() {
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(aliveEvery)
		defer t.Stop()
		for {
			select {
			case <-bctx.Done():
				return
			case <-t.C:
				if err := st.Heartbeat(bctx, instance, aliveTTL); err != nil && bctx.Err() == nil {
					log.Warn("heartbeat", "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		rctx, rcancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer rcancel()
		_ = st.Retire(rctx, instance)
	}
}

// setMenus publishes the command menu in Vietnamese (also the default) and English.
func setMenus(ctx context.Context, b *tg.Bot, app *handlers.App, log *slog.Logger) {
	for _, lang := range []string{"", "vi", "en"} {
		menuLang := lang
		if menuLang == "" {
			menuLang = "vi"
		}
		var cmds []models.BotCommand
		for _, m := range app.Menu(menuLang) {
			cmds = append(cmds, models.BotCommand{Command: m.Command, Description: m.Description})
		}
		if _, err := b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			log.Warn("setMyCommands", "lang", lang, "err", err)
		}
	}
}

// openRedis connects to REDIS_URL, or starts the embedded in-memory Redis.
func openRedis(ctx context.Context, cfg Config, stderr io.Writer) (redis.UniversalClient, func(), error) {
	if cfg.RedisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, fmt.Errorf("embedded redis: %w", err)
		}
		fmt.Fprintln(stderr, "warning: REDIS_URL is not set: using an embedded in-memory Redis; nothing survives a restart")
		rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{mr.Addr()}})
		return rdb, func() { _ = rdb.Close(); mr.Close() }, nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: []string{opt.Addr}, DB: opt.DB, Username: opt.Username, Password: opt.Password, TLSConfig: opt.TLSConfig,
		DialTimeout: 3 * time.Second, ReadTimeout: 3 * time.Second, WriteTimeout: 3 * time.Second,
	})
	pctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, nil, fmt.Errorf("redis: cannot reach %s: %v", opt.Addr, err)
	}
	return rdb, func() { _ = rdb.Close() }, nil
}

func newLogger(cfg Config, w io.Writer, terminal bool) *slog.Logger {
	if terminal {
		// The terminal is a chat: only problems go to stderr.
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// redact removes the token from a message (the client's errors carry URLs).
func redact(msg, token string) string {
	if token == "" {
		return msg
	}
	return strings.ReplaceAll(msg, token, "[redacted]")
}

// redisLogger sends go-redis's own messages (reconnects, pool dial failures)
// to our log at debug level: the errors that matter reach a handler anyway,
// and a Redis outage must not flood the terminal chat.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
