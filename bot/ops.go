package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"tiendo/bot/metrics"
	"tiendo/bot/remind"
	"tiendo/handlers"
)

// ConfigError is a start-up failure that is the operator's configuration
// (a plan file that cannot be read or is malformed): the program exits with
// code 2, like for a bad variable, not 1.
type ConfigError struct{ Err error }

// Error returns the underlying problem's message.
func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *ConfigError) Unwrap() error { return e.Err }

// serveOps serves /metrics, /healthz and /readyz on addr until the returned
// function is called (or ctx ends). It returns an error when addr cannot be
// listened on.
//
// mounts are further handlers by path (Zalo's file links and webhook).
func serveOps(ctx context.Context, addr string, m *metrics.Metrics, h metrics.Health, log *slog.Logger, mounts map[string]http.Handler) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("TIENDO_HTTP_LISTEN: %w", err)
	}
	handler := m.Handler(h)
	if len(mounts) > 0 {
		mux := http.NewServeMux()
		for path, h := range mounts {
			mux.Handle(path, h)
		}
		mux.Handle("/", handler)
		handler = mux
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http", "err", err)
		}
	}()
	log.Info("http", "listen", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	stop := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}
	return stop, nil
}

// startOps serves the ops endpoints and Zalo's mounts on
// TIENDO_HTTP_LISTEN until close. Ready is Redis writable and, with
// Telegram, the Bot API reached lately; in a Zalo-only bot, Redis alone.
func (w *wiring) startOps(ctx context.Context) error {
	health := metrics.Health{Writable: w.st.Writable}
	if w.tg != nil {
		b := w.tg.b
		health.TelegramWithin = w.o.pollWait + 2*time.Minute
		health.Probe = func(ctx context.Context) error { _, err := b.GetMe(ctx); return err }
	}
	zready := w.o.zaloReady
	if zready <= 0 {
		zready = zaloReadyWithin(w.o.pollWait)
	}
	health.Zalo = w.zalo.instrument(w.met, w.cfg, zready) // zalo_ops.go
	stop, err := serveOps(ctx, w.cfg.HTTPListen, w.met, health, w.log, w.zalo.mounts(w.cfg))
	if err != nil {
		return err
	}
	w.onClose(stop)
	return nil
}

// updateKind is the kind label of an update: message, callback or other.
func updateKind(req handlers.Request, ok bool) string {
	switch {
	case !ok:
		return "other"
	case req.CallbackID != "":
		return "callback"
	}
	return "message"
}

// countingNotifier counts the reminders the jobs send, by outcome.
type countingNotifier struct {
	next remind.Notifier
	m    *metrics.Metrics
}

func (n countingNotifier) count(err error, items int) error {
	outcome := metrics.ReminderSent
	switch {
	case errors.Is(err, remind.ErrUndeliverable):
		outcome = metrics.ReminderUndeliverable
	case err != nil:
		outcome = metrics.ReminderFailed
	}
	for range items {
		n.m.Reminder(outcome)
	}
	return err
}

func (n countingNotifier) Remind(ctx context.Context, o remind.Occurrence, d remind.Deadline) error {
	return n.count(n.next.Remind(ctx, o, d), 1)
}

func (n countingNotifier) CatchUp(ctx context.Context, a remind.Assignee, items []remind.Item) error {
	return n.count(n.next.CatchUp(ctx, a, items), len(items))
}

func (n countingNotifier) Overdue(ctx context.Context, task string, late []remind.Late) error {
	return n.next.Overdue(ctx, task, late)
}

func (n countingNotifier) Digest(ctx context.Context, task string, late []remind.Late) error {
	return n.next.Digest(ctx, task, late)
}

// GaveUp tells the admins; the failed attempts were counted as they came.
func (n countingNotifier) GaveUp(ctx context.Context, g remind.GivenUp) error {
	return n.next.GaveUp(ctx, g)
}
