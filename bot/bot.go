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
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/metrics"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
	"tiendo/bot/zalo"
	"tiendo/bot/zalotest"
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
	redisDesc := "memory"
	if cfg.Redis.Topology != "" {
		redisDesc = cfg.Redis.String()
	}
	log.Info("starting", "version", Version(), "redis", redisDesc, "prefix", cfg.KeyPrefix)
	met := metrics.New(Version())

	// The embedded plan and TIENDO_PLAN seed the store's plans (one per
	// year); a plan an admin loaded in chat is never overwritten by them.
	seeds := []store.PlanRecord{{Year: kpi.DefaultPlan().Year, Name: kpi.DefaultPlanName, Source: kpi.DefaultPlanSource()}}
	if cfg.PlanPath != "" {
		src, err := os.ReadFile(cfg.PlanPath)
		if err != nil {
			return &ConfigError{Err: &kpi.PlanError{File: cfg.PlanPath, Place: "file", Problem: err.Error()}}
		}
		p, err := kpi.ParsePlan(cfg.PlanPath, src)
		if err != nil {
			return &ConfigError{Err: err}
		}
		seeds = append(seeds, store.PlanRecord{Year: p.Year, Name: filepath.Base(cfg.PlanPath), Source: src})
	}

	rdb, closeRedis, err := openRedis(ctx, cfg, stdio.Err, log)
	if err != nil {
		return err
	}
	defer closeRedis()
	rdb.AddHook(met.RedisHook(store.Unavailable))
	for _, h := range o.hooks {
		rdb.AddHook(h)
	}
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
	for _, rec := range seeds {
		rec.At = o.now()
		if wrote, err := st.SeedPlan(sctx, rec); err != nil {
			return fmt.Errorf("redis: seed plan %d: %w", rec.Year, err)
		} else if !wrote {
			log.Info("plan kept: an admin loaded this year's plan", "year", rec.Year, "file", rec.Name)
		}
	}
	plans := store.NewPlans(st)
	// Count and milestone records kept without their year move to slots
	// with it; a record that cannot be moved is logged, not fatal.
	if years, err := plans.Years(sctx); err != nil {
		return fmt.Errorf("redis: plan years: %w", err)
	} else {
		for _, y := range years {
			p, err := plans.Year(sctx, y)
			if err != nil || p == nil {
				log.Error("item slots not migrated", "year", y, "err", err)
				continue
			}
			if n, err := st.MigrateItemSlots(sctx, p); err != nil {
				log.Error("item slots not migrated", "plan", p.ID, "moved", n, "err", err)
			} else if n > 0 {
				log.Info("item slots migrated: count and milestone records now carry their year", "plan", p.ID, "moved", n)
			}
		}
	}
	// The plan in force at start: reminders of plan deadlines follow it.
	plan, err := plans.InForce(sctx, o.now().In(cfg.Loc))
	if err != nil {
		return fmt.Errorf("redis: plan in force: %w", err)
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	cat.Missing = func(lang, id string, err error) { log.Error("locale message", "lang", lang, "id", id, "err", err) }

	var b *tg.Bot
	var tgClient *http.Client
	me := &models.User{}
	if !zaloOnly {
		if b, me, tgClient, err = startTelegram(sctx, cfg, token, apiURL, met, log); err != nil {
			return err
		}
	}

	quiet, err := remind.ParseQuiet(cfg.QuietHours)
	if err != nil {
		return err
	}
	app := &handlers.App{
		Plan: plan, Plans: plans, Store: st, Cat: cat,
		Policy: access.Policy{Public: cfg.Public},
		Now:    o.now, Loc: cfg.Loc, Log: log,
		BotUsername: me.Username, UndoWindow: cfg.UndoWindow, Admins: admins,
		Quiet: quiet, Confirmed: met.Confirmed,
	}
	if terminal && len(cfg.Admins) == 0 {
		app.LocalAdmin = local.UserID
	}
	if b != nil {
		setMenus(sctx, b, app, log)
	}
	var zc *zaloChannel // bot/zalo.go
	var zsrv *zalotest.Server
	if terminal && cfg.Channel == "zalo" {
		// The terminal chat as a Zalo user, linked to the local admin.
		zsrv = zalotest.New()
		defer zsrv.Close()
		cfg.ZaloToken, cfg.ZaloAPIURL = Secret(zsrv.Token()), zsrv.URL()
	}
	if cfg.ZaloToken != "" {
		if zc, err = newZalo(sctx, cfg, app, st, o.pollWait, o.now); err != nil {
			return err
		}
	}
	if o.zaloReady <= 0 {
		o.zaloReady = zaloReadyWithin(o.pollWait)
	}
	zaloReady := zc.instrument(met, cfg, o.zaloReady) // zalo_ops.go
	if zsrv != nil {
		code, err := st.PutZaloLink(sctx, local.UserID, time.Minute)
		if err == nil {
			_, err = st.TakeZaloLink(sctx, code, zalo.UserID(terminalZaloUser))
		}
		if err != nil {
			return fmt.Errorf("redis: %w", err)
		}
	}

	// Reminders: asynq jobs on the same Redis, sent through the outbox.
	limits := cfg.Limits
	if o.limits != (outbox.Limits{}) {
		limits = o.limits
	}
	ob := outbox.New(func(ctx context.Context, chatID int64, html string, kb [][]outbox.Button) error {
		if zc != nil && zalo.IsZalo(chatID) {
			_, err := zc.out.Send(ctx, chatID, html, kb)
			return err
		}
		if b == nil {
			return fmt.Errorf("chat %d: no Telegram in a Zalo-only bot", chatID)
		}
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: noPreview, ReplyMarkup: keyboard(kb)})
		return err
	}, limits)
	ob.Observe = met.OutboxQueued
	rcfg := remind.Config{
		Redis: rdb, Store: st, Plan: plan, Loc: cfg.Loc, Quiet: quiet, Now: o.now, Logger: log,
		Notifier: countingNotifier{next: &handlers.Notifier{App: app, Out: ob, Log: st, Linked: zc.linked(st), Photo: func(ctx context.Context, chatID int64, f handlers.File) error { // files.go
			if zalo.IsZalo(chatID) || b == nil {
				return fmt.Errorf("chat %d: files go out only on Telegram", chatID)
			}
			return ob.Do(ctx, chatID, func(ctx context.Context) error { return sender{b: b}.sendFile(ctx, chatID, f) })
		}}, m: met},
		Plans: func(ctx context.Context) ([]*kpi.Plan, error) {
			ys, err := plans.Years(ctx)
			if err != nil {
				return nil, err
			}
			var out []*kpi.Plan
			for _, y := range ys {
				p, err := plans.Year(ctx, y)
				if err != nil {
					return nil, err
				}
				if p != nil {
					out = append(out, p)
				}
			}
			return out, nil
		},
		// A deadline's period names its year, and so the plan its report is kept under.
		Reported: func(ctx context.Context, unit, indicator, period string) (bool, error) {
			id := plan.ID
			if per, err := kpi.ParsePeriodKey(period); err == nil {
				if p, err := plans.Year(ctx, per.Year); err != nil {
					return false, err
				} else if p != nil {
					id = p.ID
				}
			}
			return st.Reported(ctx, id, unit, indicator, period)
		},
		OnHeld: func() { met.Reminder(metrics.ReminderHeld) },
	}
	for _, f := range o.remind {
		f(&rcfg)
	}
	if rcfg.Queue == "" {
		// The queue is namespaced like every key: two bots with different
		// prefixes on one Redis never take each other's reminders, nor
		// collide on task ids (asynq keeps a queue's tasks, ids included,
		// under "asynq:{<queue>}:"). The default prefix gives the queue
		// earlier versions used, "tiendo-reminders".
		rcfg.Queue = cfg.KeyPrefix + "-reminders"
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
	if !terminal && cfg.HTTPListen != "" {
		health := metrics.Health{
			Writable:       st.Writable,
			TelegramWithin: o.pollWait + 2*time.Minute,
			Probe:          func(ctx context.Context) error { _, err := b.GetMe(ctx); return err },
			Zalo:           zaloReady,
		}
		if b == nil { // Zalo only: no Telegram to check
			health.TelegramWithin, health.Probe = 0, nil
		}
		stopOps, err := serveOps(ctx, cfg.HTTPListen, met, health, log, zc.mounts(cfg))
		if err != nil {
			return err
		}
		defer stopOps()
	}
	log.Info("started", "bot", me.Username, "plan", plan.ID, "terminal", terminal, "version", Version())
	if o.onReady != nil {
		o.onReady(app)
	}

	instance := store.NewInstanceID()
	if err := st.Heartbeat(sctx, instance, aliveTTL); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	stopBeat := heartbeat(ctx, st, instance, log)
	defer stopBeat()

	// Each channel answers on its own and reaches other chats on theirs
	// (bot/zalo.go). Telegram's text replies go as one JSON request.
	tgOut := sender{b: b}
	var tgs handlers.Sender
	if b != nil {
		tgOut.api = &botAPI{url: apiURL + "/bot" + token, token: token, client: tgClient}
		tgs = tgOut
	}
	out := route(tgOut, tgs, zc)
	marks := &doneMarks{log: st, keep: keepDone}
	fl := newFlood()
	if o.noFlood || terminal {
		// allow lets everything through. The terminal chat sends a line
		// only once the answer to the last one is printed, and a script
		// piped into it must not be muted part-way.
		fl = nil
	}
	p := &poller{
		url:     apiURL + "/bot" + token,
		client:  &http.Client{Timeout: o.pollWait + 30*time.Second, Transport: met.Transport(nil)},
		timeout: o.pollWait,
		chats:   chats,
		log:     log,
		flood:   fl,
		inbox:   st,
		keep:    keepDone,
		skipped: func(u *models.Update) {
			req, ok := request(u)
			kind := updateKind(req, ok)
			met.Update(kind, metrics.OutcomeDuplicate, time.Now())
			log.Debug("update", "update_id", u.ID, "kind", kind, "outcome", metrics.OutcomeDuplicate, "duration_ms", 0)
		},
		drop: func(ctx context.Context, u *models.Update, first bool) {
			if o.busy != nil {
				o.busy(1)
				defer o.busy(-1)
			}
			dropUpdate(ctx, app, out, log, u, first)
		},
		handle: func(ctx context.Context, u *models.Update) outcome {
			if o.busy != nil {
				o.busy(1)
				defer o.busy(-1)
			}
			return handleUpdate(ctx, app, st, marks, instance, out, log, met, u)
		},
	}
	if zc != nil {
		zctx, stopZalo := context.WithCancel(ctx)
		zdone := make(chan struct{})
		go func() {
			defer close(zdone)
			zc.run(zctx, cfg, st, o.pollWait, log, func(ctx context.Context, out handlers.Sender, id int64, req handlers.Request, ok bool) outcome {
				if o.busy != nil {
					o.busy(1)
					defer o.busy(-1)
				}
				if allowed, first := fl.allow(req.UserID); ok && !allowed {
					// Flood control as on Telegram; marked done, or the
					// inbox would bring it back.
					dropRequest(ctx, app, out, log, req, first)
					if err := marks.mark(ctx, id); err != nil {
						log.Warn("update log", "update_id", id, "err", err)
					}
					return handled
				}
				return handleRequest(ctx, app, st, marks, instance, route(out, tgs, zc), log, met, id, req, ok)
			})
		}()
		defer func() { stopZalo(); <-zdone }()
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
	if zaloOnly {
		<-ctx.Done() // Zalo's poller or webhook, above, takes the updates
		log.Info("stopped")
		return nil
	}
	if !terminal {
		lead(ctx, st, o.leaseTTL, log, met.Leading, p.run)
		log.Info("stopped")
		return nil
	}
	p.timeout = time.Second
	p.client.Timeout = 30 * time.Second
	// The terminal prints an answer once the Bot API is idle: acknowledged
	// only when done, an update being handled (a chart drawn on a busy
	// machine) keeps it from looking idle. The terminal's Redis is in
	// memory: an inbox would save nothing across a crash anyway.
	p.inbox = nil
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.run(pctx); close(done) }()
	// With updates acknowledged only when done, idle means answered: a
	// short silence is enough.
	term := &telegramtest.Terminal{Server: srv, In: stdio.In, Out: stdio.Out, User: local, FilesDir: cfg.FilesDir,
		Quiet: 30 * time.Millisecond}
	if f, ok := stdio.In.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			term.Prompt = "> " // a person types; piped input gets a plain transcript
		}
	}
	if zsrv != nil {
		zt := &zalotest.Terminal{Server: zsrv, In: stdio.In, Out: stdio.Out, Prompt: term.Prompt,
			User: zalotest.From{UserID: terminalZaloUser, Name: "Admin"}}
		err = zt.Run(ctx)
	} else {
		err = term.Run(ctx)
	}
	stop()
	<-done
	return err
}

// startTelegram makes the Telegram client, checks the token (getMe) and,
// for long polling, deletes a webhook left over from another deployment
// (getUpdates fails with 409 while one is set).
func startTelegram(ctx context.Context, cfg Config, token, apiURL string, met *metrics.Metrics, log *slog.Logger) (*tg.Bot, *models.User, *http.Client, error) {
	client := &http.Client{Timeout: time.Minute, Transport: met.Transport(telegramTransport())}
	b, err := tg.New(token,
		tg.WithServerURL(apiURL),
		tg.WithSkipGetMe(),
		tg.WithErrorsHandler(func(err error) { log.Error("telegram", "err", redact(err.Error(), token)) }),
		tg.WithHTTPClient(time.Minute, client),
	)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("telegram: %w", err)
	}
	me, err := b.GetMe(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("telegram: the Bot API at %s did not accept the token (getMe): %s", apiURL, redact(err.Error(), token))
	}
	// A webhook left over from another deployment makes getUpdates fail with 409.
	if cfg.WebhookURL == "" {
		if _, err := b.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
			return nil, nil, nil, fmt.Errorf("telegram: deleteWebhook: %s", redact(err.Error(), token))
		}
	}
	return b, me, client, nil
}

// telegramTransport is the HTTP transport to the Bot API: Go's default,
// keeping as many idle connections to it as chats are answered at once.
// The default keeps two per host, so with more replies in flight than that
// each one beyond the second opened a new connection and closed it after.
//
// go-telegram/bot streams each request's form through a pipe, of unknown
// length: sent chunked, every field is a write of its own on the socket
// (and a read on the other side). wholeBody sends it in one.
func telegramTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = chats + 4
	return wholeBody{t}
}

// handleUpdate runs one update once: the update log in Redis makes a
// redelivered update (same update_id) a no-op once it is done, holds it back
// while a live copy of the bot is on it, and lets it through again at once
// if the copy that took it died before finishing.
func handleUpdate(ctx context.Context, app *handlers.App, st *store.Store, marks *doneMarks, instance string, out handlers.Sender, log *slog.Logger, met *metrics.Metrics, u *models.Update) outcome {
	req, ok := request(u)
	return handleRequest(ctx, app, st, marks, instance, out, log, met, u.ID, req, ok)
}

// handleRequest is handleUpdate for a request of any channel, taken out of
// the update whose id (unique across channels) is updateID.
func handleRequest(ctx context.Context, app *handlers.App, st *store.Store, marks *doneMarks, instance string, out handlers.Sender, log *slog.Logger, met *metrics.Metrics, updateID int64, req handlers.Request, ok bool) outcome {
	start := time.Now()
	kind := updateKind(req, ok)
	result := metrics.OutcomeOK
	defer func() {
		met.Update(kind, result, start)
		// Never the text: ids, kind, outcome and time only.
		log.Debug("update", "update_id", updateID, "kind", kind, "outcome", result, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	}()
	if !ok {
		result = metrics.OutcomeIgnored
		return handled
	}
	// The claim reads the user's record and language in the same round
	// trip; the handler does not read them again.
	claim, caller, err := st.ClaimUpdateFrom(ctx, updateID, instance, claimLease, req.UserID)
	req.Caller = caller
	if caller != nil {
		// And the plans' digests: which plan is in force costs no read.
		ctx = store.WithPlanSums(ctx, caller.PlanSums)
	}
	switch {
	case err != nil && store.Unavailable(err):
		// Redis cannot serve: say so now rather than wait out the same
		// timeouts a second time in the handler.
		log.Warn("update log unavailable", "update_id", updateID, "err", err)
		result = metrics.OutcomeUnavailable
		_ = app.Fail(ctx, out, req, err)
		return handled
	case err != nil:
		log.Warn("update log", "update_id", updateID, "err", err)
	case claim == store.UpdateDone:
		log.Info("duplicate update skipped", "update_id", updateID)
		result = metrics.OutcomeDuplicate
		// Saved again by a poller that got it before its acknowledgement:
		// take it out of the inbox.
		if err := marks.mark(ctx, updateID); err != nil {
			log.Warn("update log", "update_id", updateID, "err", err)
		}
		return handled
	case claim == store.UpdateBusy:
		log.Info("update held by a live copy", "update_id", updateID)
		result = metrics.OutcomeDuplicate
		return held
	case claim == store.UpdateGivenUp:
		// Taken up MaxUpdateTries times and never finished: it takes the
		// process down. It is marked done already; tell and move on.
		log.Error("update given up: it stopped the bot every time it was handled", "update_id", updateID,
			"tries", store.MaxUpdateTries, "kind", kind, "chat_id", req.ChatID, "user_id", req.UserID)
		result = metrics.OutcomeGivenUp
		if err := app.GiveUp(ctx, out, req, store.MaxUpdateTries); err != nil {
			log.Warn("update given up: notice", "update_id", updateID, "err", err)
		}
		return handled
	case claim == store.UpdateTakenOver:
		log.Warn("update taken over from a copy that died while handling it", "update_id", updateID)
	}
	if herr := app.Handle(ctx, out, req); herr != nil {
		result = metrics.OutcomeError
		if store.Unavailable(herr) {
			result = metrics.OutcomeUnavailable
		}
		log.Error("handle", "update_id", updateID, "chat_id", req.ChatID, "user_id", req.UserID, "err", herr)
	}
	// The user has been answered, even if only with an apology: a
	// redelivery must not answer again.
	if err := marks.mark(ctx, updateID); err != nil {
		log.Warn("update log", "update_id", updateID, "err", err)
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
	dropRequest(ctx, app, out, log, req, first)
}

// dropRequest is dropUpdate for a request of any channel.
func dropRequest(ctx context.Context, app *handlers.App, out handlers.Sender, log *slog.Logger, req handlers.Request, first bool) {
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
func openRedis(ctx context.Context, cfg Config, stderr io.Writer, log *slog.Logger) (redis.UniversalClient, func(), error) {
	if cfg.Redis.Topology == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, fmt.Errorf("embedded redis: %w", err)
		}
		fmt.Fprintln(stderr, "warning: REDIS_URL is not set: using an embedded in-memory Redis; nothing survives a restart")
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		return rdb, func() { _ = rdb.Close(); mr.Close() }, nil
	}
	pctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	rdb, topo, err := store.Dial(pctx, cfg.Redis)
	if err != nil {
		return nil, nil, err
	}
	if topo != cfg.Redis.Topology {
		log.Info("redis: the node is part of a cluster: using a cluster client", "redis", cfg.Redis.String())
	}
	return rdb, func() { _ = rdb.Close() }, nil
}

func newLogger(cfg Config, w io.Writer, terminal bool) *slog.Logger {
	if terminal {
		// The terminal is a chat: only problems go to stderr.
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
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
