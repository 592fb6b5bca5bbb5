// Package metrics is what an operator monitors: Prometheus metrics of the
// bot (updates, answer latency, figures, reminders, the outbox, Telegram's
// refusals, Redis errors, build info) and the HTTP endpoints /metrics,
// /healthz and /readyz. Each Metrics has its own registry, so several bots
// in one process (the tests) do not mix their numbers.
package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
)

// Update outcomes, the values of the outcome label of tiendo_updates_total.
const (
	OutcomeOK          = "ok"          // handled, the user answered
	OutcomeError       = "error"       // a bug: the user got the generic apology
	OutcomeUnavailable = "unavailable" // Redis could not serve: "temporarily unavailable"
	OutcomeDuplicate   = "duplicate"   // a redelivered update, skipped
	OutcomeIgnored     = "ignored"     // nothing the bot acts on (a channel post, a join)
	OutcomeGivenUp     = "given_up"    // it stopped the bot every time it was handled: dropped, sender and admins told
)

// Reminder outcomes, the values of the outcome label of tiendo_reminders_total.
const (
	ReminderSent          = "sent"
	ReminderFailed        = "failed"        // asynq retries it
	ReminderUndeliverable = "undeliverable" // the user blocked the bot
	ReminderHeld          = "held"          // put off past the quiet hours
)

// Metrics holds the bot's collectors. The zero value is not usable: call New.
type Metrics struct {
	reg *prometheus.Registry

	updates     *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	confirmed   prometheus.Counter
	reminders   *prometheus.CounterVec
	outboxDepth prometheus.Gauge
	outboxWait  prometheus.Histogram
	telegram    *prometheus.CounterVec
	redisErrors *prometheus.CounterVec
	leader      prometheus.Gauge

	queued       atomic.Int64
	lastTelegram atomic.Int64 // unix nanoseconds of the last answer from the Bot API
}

// New returns the collectors, registered with a registry of their own
// together with Go's and the process's, and tiendo_build_info for version.
func New(version string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tiendo_updates_total", Help: "Telegram updates handled, by kind (message, callback, other) and outcome.",
	}, []string{"kind", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tiendo_update_duration_seconds", Help: "Time from taking an update to having answered it, by kind.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"kind"})
	m.confirmed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "tiendo_figures_confirmed_total", Help: "Figures stored by a press of Confirm.",
	})
	m.reminders = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tiendo_reminders_total", Help: "Reminders (one per deadline, assignee and moment) by outcome: sent (to every recipient of the assignee, possibly none), failed (retried), undeliverable (blocked), held (quiet hours).",
	}, []string{"outcome"})
	m.outboxDepth = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tiendo_outbox_queued", Help: "Messages waiting in the outbox for their turn under Telegram's limits, or being sent.",
	})
	m.outboxWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "tiendo_outbox_wait_seconds", Help: "How long a message waited in the outbox before its first send.",
		Buckets: []float64{.01, .05, .1, .5, 1, 2, 5, 10, 30, 60, 300},
	})
	m.telegram = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tiendo_telegram_errors_total", Help: "Bot API answers that are refusals: 429 (too many requests), 403 (blocked), 5xx, and network errors (status \"network\").",
	}, []string{"status"})
	m.redisErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tiendo_redis_errors_total", Help: "Redis commands that failed, by kind: unavailable (down, timeout, failover) or other.",
	}, []string{"kind"})
	m.leader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tiendo_polling_leader", Help: "1 while this copy holds the polling lease and calls getUpdates, 0 on a standby (and in webhook mode).",
	})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tiendo_build_info", Help: "Always 1; the labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	build.Set(1)
	m.reg.MustRegister(m.updates, m.latency, m.confirmed, m.reminders, m.outboxDepth, m.outboxWait,
		m.telegram, m.redisErrors, m.leader, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The labels every dashboard looks for exist from the start, at zero.
	for _, s := range []string{"429", "403", "5xx", "network"} {
		m.telegram.WithLabelValues(s)
	}
	for _, o := range []string{ReminderSent, ReminderFailed, ReminderUndeliverable, ReminderHeld} {
		m.reminders.WithLabelValues(o)
	}
	for _, k := range []string{"unavailable", "other"} {
		m.redisErrors.WithLabelValues(k)
	}
	return m
}

// Registry returns the registry the collectors are in.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Update records one update of kind with its outcome, taken at start.
func (m *Metrics) Update(kind, outcome string, start time.Time) {
	m.updates.WithLabelValues(kind, outcome).Inc()
	if outcome != OutcomeDuplicate && outcome != OutcomeIgnored {
		m.latency.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	}
}

// Leading records whether this copy holds the polling lease.
func (m *Metrics) Leading(on bool) {
	if on {
		m.leader.Set(1)
	} else {
		m.leader.Set(0)
	}
}

// Confirmed records n figures stored by a confirmation.
func (m *Metrics) Confirmed(n int) { m.confirmed.Add(float64(n)) }

// Reminder records one reminder with its outcome.
func (m *Metrics) Reminder(outcome string) { m.reminders.WithLabelValues(outcome).Inc() }

// OutboxQueued is called when a message enters the outbox; the returned
// function when its first send starts (wait observed) and done when it
// leaves. Either may be called more than once; only the first counts.
func (m *Metrics) OutboxQueued() (started, done func()) {
	at := time.Now()
	m.outboxDepth.Set(float64(m.queued.Add(1)))
	var s, d atomic.Bool
	return func() {
			if s.CompareAndSwap(false, true) {
				m.outboxWait.Observe(time.Since(at).Seconds())
			}
		}, func() {
			if d.CompareAndSwap(false, true) {
				m.outboxDepth.Set(float64(m.queued.Add(-1)))
			}
		}
}

// Transport wraps the HTTP transport of the Telegram client: it counts
// 429, 403 and 5xx answers and network errors, and notes when the Bot API
// last answered at all (for /readyz). nil rt means http.DefaultTransport.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return roundTripper{m: m, next: rt}
}

type roundTripper struct {
	m    *Metrics
	next http.RoundTripper
}

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil:
		if !errors.Is(err, context.Canceled) {
			t.m.telegram.WithLabelValues("network").Inc()
		}
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusForbidden:
		t.m.telegram.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
	case resp.StatusCode >= 500:
		t.m.telegram.WithLabelValues("5xx").Inc()
	}
	if err == nil && resp.StatusCode < 500 {
		t.m.lastTelegram.Store(time.Now().UnixNano())
	}
	return resp, err
}

// TelegramReached returns when the Bot API last answered (zero: never).
func (m *Metrics) TelegramReached() time.Time {
	n := m.lastTelegram.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// TelegramAnswered records that the Bot API answered, for a client that
// does not go through Transport.
func (m *Metrics) TelegramAnswered() { m.lastTelegram.Store(time.Now().UnixNano()) }

// RedisHook returns a go-redis hook that counts failed commands; redis.Nil
// (no such key) is an answer, not a failure. unavailable says which errors
// mean Redis cannot serve (store.Unavailable).
func (m *Metrics) RedisHook(unavailable func(error) bool) redis.Hook {
	return redisHook{m: m, unavailable: unavailable}
}

type redisHook struct {
	m           *Metrics
	unavailable func(error) bool
}

func (h redisHook) count(err error) {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) {
		return
	}
	kind := "other"
	if h.unavailable(err) {
		kind = "unavailable"
	}
	h.m.redisErrors.WithLabelValues(kind).Inc()
}

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		h.count(err)
		return conn, err
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.count(err)
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && !errors.Is(err, redis.Nil) {
			h.count(err)
		}
		return err
	}
}

// Health is what /readyz checks.
type Health struct {
	// Writable returns an error unless Redis accepts a write.
	Writable func(ctx context.Context) error
	// TelegramWithin: the Bot API must have answered within this long (a
	// long poll answers at least every poll timeout; a webhook bot calls
	// getMe when it has not heard from Telegram for this long). 0: not checked.
	TelegramWithin time.Duration
	// Probe asks Telegram when it has been silent too long (getMe); nil: no probe.
	Probe func(ctx context.Context) error
	Now   func() time.Time
	// Zalo, when Zalo is configured, returns the channel's state, or an
	// error unless it is working (Zalo.Polling, Zalo.Webhook).
	Zalo func(ctx context.Context) (string, error)
}

// Handler serves /metrics, /healthz (the process answers: 200) and /readyz
// (200 when Redis accepts a write and Telegram — and Zalo, when configured —
// answered recently, else 503 with the reason).
func (m *Metrics) Handler(h Health) http.Handler {
	if h.Now == nil {
		h.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 4*time.Second)
		defer cancel()
		if h.Writable != nil {
			if err := h.Writable(ctx); err != nil {
				http.Error(w, "not ready: redis does not accept a write", http.StatusServiceUnavailable)
				return
			}
		}
		if h.TelegramWithin > 0 && h.Now().Sub(m.TelegramReached()) > h.TelegramWithin {
			if h.Probe == nil || h.Probe(ctx) != nil {
				http.Error(w, "not ready: telegram not reached within "+h.TelegramWithin.String(), http.StatusServiceUnavailable)
				return
			}
			m.TelegramAnswered()
		}
		state := ""
		if h.Zalo != nil {
			var err error
			if state, err = h.Zalo(ctx); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			state += "\n"
		}
		_, _ = io.WriteString(w, "ready\n"+state)
	})
	return mux
}
