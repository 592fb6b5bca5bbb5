package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/metrics"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/telegram"
	"tiendo/handlers"
	"tiendo/locales"
)

// wiring is the bot once started: what every channel shares — the store,
// the handlers, the update log (handleRequest, the done marks, this copy's
// heartbeat), flood control, the metrics, the log — and the channels, each
// started by a function of its own (bot/telegram.go, bot/zalo.go). The run
// modes (bot.go) take it from there.
type wiring struct {
	cfg Config
	o   runOptions
	log *slog.Logger
	met *metrics.Metrics
	st  *store.Store
	app *handlers.App

	marks    *doneMarks
	flood    *flood // nil: every update is let through
	instance string // this copy, in the update log

	tg   *telegramChannel // nil: Zalo alone
	zalo *zaloChannel     // nil: Telegram alone
	term *terminalChat    // the terminal chat's in-process APIs, or nil

	closers []func() // run in reverse order by close
}

// start opens the store, seeds the plans, starts the channels' clients
// (their tokens checked), the reminders, the ops server and the heartbeat,
// and sets Zalo's updates coming in; Telegram's come in by the run mode. It
// returns an error when one of them fails, having stopped what had started.
func start(ctx context.Context, cfg Config, o runOptions, stdio IO, log *slog.Logger, terminal, zaloOnly bool) (*wiring, error) {
	w := &wiring{cfg: cfg, o: o, log: log}
	log.Info("starting", "version", Version(), "redis", redisName(cfg), "prefix", cfg.KeyPrefix)
	w.met = metrics.New(Version())
	started := false
	defer func() {
		if !started {
			w.close()
		}
	}()
	seeds, err := planSeeds(cfg)
	if err != nil {
		return nil, err
	}
	rdb, err := w.openStore(ctx, stdio.Err)
	if err != nil {
		return nil, err
	}
	if terminal {
		w.term = newTerminalChat(&w.cfg)
		w.onClose(w.term.close)
	}
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	plans, plan, err := preparePlans(sctx, w.st, seeds, w.cfg.Admins, o.now, w.cfg.Loc, log)
	if err != nil {
		return nil, err
	}
	if !zaloOnly {
		if w.tg, err = newTelegram(sctx, w.cfg, w.met, log); err != nil {
			return nil, err
		}
	}
	if err := w.newApp(plans, plan); err != nil {
		return nil, err
	}
	if w.tg != nil {
		telegram.SetMenus(sctx, w.tg.b, w.app.Menu, log)
	}
	if w.cfg.ZaloToken != "" {
		if w.zalo, err = newZalo(sctx, w.cfg, w.app, w.st, o.pollWait, o.now); err != nil {
			return nil, err
		}
	}
	if err := w.term.linkZalo(sctx, w.st); err != nil {
		return nil, err
	}
	if err := w.startReminders(ctx, rdb, plans, plan); err != nil {
		return nil, err
	}
	if !terminal && cfg.HTTPListen != "" {
		if err := w.startOps(ctx); err != nil {
			return nil, err
		}
	}
	log.Info("started", "bot", w.tg.username(), "plan", plan.ID, "terminal", terminal, "version", Version())
	if o.onReady != nil {
		o.onReady(w.app)
	}
	if err := w.startHeartbeat(ctx, sctx); err != nil {
		return nil, err
	}
	w.marks = &doneMarks{log: w.st, keep: keepDone}
	if !o.noFlood && !terminal {
		// Else everything is let through. The terminal chat sends a line
		// only once the answer to the last one is printed, and a script
		// piped into it must not be muted part-way.
		w.flood = newFlood()
	}
	w.onClose(startZalo(ctx, w))
	started = true
	return w, nil
}

// onClose has close run f (the last added first).
func (w *wiring) onClose(f func()) { w.closers = append(w.closers, f) }

// close stops what start started, in reverse order.
func (w *wiring) close() {
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
	w.closers = nil
}

// busy tells WithBusy's function that an update is taken up; the function
// returned says it is done with.
func (w *wiring) busy() func() {
	if w.o.busy == nil {
		return func() {}
	}
	w.o.busy(1)
	return func() { w.o.busy(-1) }
}

// handle is handleRequest with what the channels share.
func (w *wiring) handle(ctx context.Context, out handlers.Sender, updateID int64, req handlers.Request, ok bool) outcome {
	return handleRequest(ctx, w.app, w.st, w.marks, w.instance, out, w.log, w.met, updateID, req, ok)
}

// telegramSender is Telegram's Sender, or nil in a Zalo-only bot.
func (w *wiring) telegramSender() handlers.Sender {
	if w.tg == nil {
		return nil
	}
	return w.tg.out
}

// planSeeds are the plans the store is seeded with: the embedded one and
// TIENDO_PLAN's. A plan file that cannot be read or parsed is a
// *ConfigError.
func planSeeds(cfg Config) ([]store.PlanRecord, error) {
	// The embedded plan and TIENDO_PLAN seed the store's plans (one per
	// year); a plan an admin loaded in chat is never overwritten by them.
	seeds := []store.PlanRecord{{Year: kpi.DefaultPlan().Year, Name: kpi.DefaultPlanName, Source: kpi.DefaultPlanSource()}}
	if cfg.PlanPath != "" {
		src, err := os.ReadFile(cfg.PlanPath)
		if err != nil {
			return nil, &ConfigError{Err: &kpi.PlanError{File: cfg.PlanPath, Place: "file", Problem: err.Error()}}
		}
		p, err := kpi.ParsePlan(cfg.PlanPath, src)
		if err != nil {
			return nil, &ConfigError{Err: err}
		}
		seeds = append(seeds, store.PlanRecord{Year: p.Year, Name: filepath.Base(cfg.PlanPath), Source: src})
	}
	return seeds, nil
}

// openStore connects to Redis (openRedis) with the metrics' hook and the
// tests' after it, and makes the store; close closes the connection.
func (w *wiring) openStore(ctx context.Context, stderr io.Writer) (redis.UniversalClient, error) {
	rdb, closeRedis, err := openRedis(ctx, w.cfg, stderr, w.log)
	if err != nil {
		return nil, err
	}
	w.onClose(closeRedis)
	rdb.AddHook(w.met.RedisHook(store.Unavailable))
	for _, h := range w.o.hooks {
		rdb.AddHook(h)
	}
	w.st = store.New(rdb, w.cfg.KeyPrefix)
	return rdb, nil
}

// redisName is how the log names the Redis in use.
func redisName(cfg Config) string {
	if cfg.Redis.Topology == "" {
		return "memory"
	}
	return cfg.Redis.String()
}

// preparePlans makes the admins, seeds the plans, moves old item slots
// (migrateItemSlots), and returns the plans and the plan in force now. It
// returns an error when Redis fails.
func preparePlans(ctx context.Context, st *store.Store, seeds []store.PlanRecord, admins []int64, now func() time.Time, loc *time.Location, log *slog.Logger) (*store.Plans, *kpi.Plan, error) {
	if err := st.EnsureAdmins(ctx, admins, now()); err != nil {
		return nil, nil, fmt.Errorf("redis: set up admins: %w", err)
	}
	for _, rec := range seeds {
		rec.At = now()
		if wrote, err := st.SeedPlan(ctx, rec); err != nil {
			return nil, nil, fmt.Errorf("redis: seed plan %d: %w", rec.Year, err)
		} else if !wrote {
			log.Info("plan kept: an admin loaded this year's plan", "year", rec.Year, "file", rec.Name)
		}
	}
	plans := store.NewPlans(st)
	if err := migrateItemSlots(ctx, st, plans, log); err != nil {
		return nil, nil, err
	}
	// The plan in force at start: reminders of plan deadlines follow it.
	plan, err := plans.InForce(ctx, now().In(loc))
	if err != nil {
		return nil, nil, fmt.Errorf("redis: plan in force: %w", err)
	}
	return plans, plan, nil
}

// migrateItemSlots moves count and milestone records kept without their
// year to slots with it; a record that cannot be moved is logged, not
// fatal. It returns an error when the plans' years cannot be read.
func migrateItemSlots(ctx context.Context, st *store.Store, plans *store.Plans, log *slog.Logger) error {
	years, err := plans.Years(ctx)
	if err != nil {
		return fmt.Errorf("redis: plan years: %w", err)
	}
	for _, y := range years {
		p, err := plans.Year(ctx, y)
		if err != nil || p == nil {
			log.Error("item slots not migrated", "year", y, "err", err)
			continue
		}
		if n, err := st.MigrateItemSlots(ctx, p); err != nil {
			log.Error("item slots not migrated", "plan", p.ID, "moved", n, "err", err)
		} else if n > 0 {
			log.Info("item slots migrated: count and milestone records now carry their year", "plan", p.ID, "moved", n)
		}
	}
	return nil
}

// newApp makes the handlers, on the messages of locales/ and the quiet
// hours of the configuration; it returns an error when either is bad.
func (w *wiring) newApp(plans *store.Plans, plan *kpi.Plan) error {
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	log := w.log
	cat.Missing = func(lang, id string, err error) { log.Error("locale message", "lang", lang, "id", id, "err", err) }
	quiet, err := remind.ParseQuiet(w.cfg.QuietHours)
	if err != nil {
		return err
	}
	w.app = &handlers.App{
		Plan: plan, Plans: plans, Store: w.st, Cat: cat,
		Policy: access.Policy{Public: w.cfg.Public},
		Now:    w.o.now, Loc: w.cfg.Loc, Log: log,
		BotUsername: w.tg.username(), UndoWindow: w.cfg.UndoWindow, Admins: w.cfg.Admins,
		Quiet: quiet, Confirmed: w.met.Confirmed,
	}
	if w.term != nil {
		w.app.LocalAdmin = w.term.localAdmin
	}
	return nil
}

// startHeartbeat makes this copy known alive in the update log, and keeps
// it so (heartbeat) until close. It returns an error when Redis fails.
func (w *wiring) startHeartbeat(ctx, sctx context.Context) error {
	w.instance = store.NewInstanceID()
	if err := w.st.Heartbeat(sctx, w.instance, aliveTTL); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	w.onClose(heartbeat(ctx, w.st, w.instance, w.log))
	return nil
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
