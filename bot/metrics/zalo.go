package metrics

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Zalo is the Zalo channel's collectors: its Bot API calls by method and
// outcome, their duration, and when its poller last took from getUpdates.
// Made by NewZalo only when Zalo is configured.
type Zalo struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	polled   prometheus.Gauge

	start       time.Time
	lastPoll    atomic.Int64 // unix nanoseconds of the last getUpdates that answered (an update or 408)
	lastAnswer  atomic.Int64 // unix nanoseconds of the last call the platform answered (not 5xx)
	pollOutcome atomic.Value // string: the last getUpdates's outcome
	now         func() time.Time
}

// NewZalo registers the Zalo collectors with m's registry, labels for
// methods (and every outcome) at zero. Call it once per Metrics.
func (m *Metrics) NewZalo(methods, outcomes []string) *Zalo {
	z := &Zalo{start: time.Now(), now: time.Now}
	z.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tiendo_zalo_requests_total", Help: "Zalo Bot API calls by method and outcome (ok, no_update — a long poll that ended with nothing —, 401, 403, 429, 4xx, 5xx, network).",
	}, []string{"method", "outcome"})
	z.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tiendo_zalo_request_duration_seconds", Help: "Zalo Bot API call duration by method (getUpdates includes its long-poll wait).",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"method"})
	z.polled = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tiendo_zalo_poll_last_success_timestamp_seconds", Help: "Unix time at which Zalo's getUpdates last answered (an update, or nothing within the wait); 0 before the first, and in webhook mode.",
	})
	m.reg.MustRegister(z.requests, z.latency, z.polled)
	for _, me := range methods {
		for _, o := range outcomes {
			z.requests.WithLabelValues(me, o)
		}
	}
	return z
}

// Observe records one call (zalo.Client's Observe). outcome is
// zalo.Outcome's.
func (z *Zalo) Observe(method, outcome string, took time.Duration) {
	z.requests.WithLabelValues(method, outcome).Inc()
	z.latency.WithLabelValues(method).Observe(took.Seconds())
	now := z.now()
	answered := outcome != "network" && outcome != "5xx"
	if answered {
		z.lastAnswer.Store(now.UnixNano())
	}
	if method == "getUpdates" {
		z.pollOutcome.Store(outcome)
		if outcome == "ok" || outcome == "no_update" {
			z.lastPoll.Store(now.UnixNano())
			z.polled.Set(float64(now.UnixNano()) / 1e9)
		}
	}
}

func (z *Zalo) since(n int64) time.Duration {
	t := z.start
	if n != 0 {
		t = time.Unix(0, n)
	}
	return z.now().Sub(t)
}

// Polling is a readiness check of a long-polling Zalo channel: an error
// when getUpdates has not answered within (counted from NewZalo before the
// first), naming the last outcome; else the poller's state.
func (z *Zalo) Polling(within time.Duration) func(ctx context.Context) (string, error) {
	return func(context.Context) (string, error) {
		d := z.since(z.lastPoll.Load())
		if d > within {
			last, _ := z.pollOutcome.Load().(string)
			if last == "" {
				last = "none yet"
			}
			return "", fmt.Errorf("zalo getUpdates has not answered for %s (last outcome: %s)", d.Round(time.Second), last)
		}
		if z.lastPoll.Load() == 0 {
			return "zalo: polling, starting", nil
		}
		return "zalo: polling, getUpdates answered " + d.Round(time.Second).String() + " ago", nil
	}
}

// Webhook is a readiness check of a Zalo channel on a webhook, where the
// bot may not call Zalo for a while: when Zalo has not answered within, it
// asks probe (getMe).
func (z *Zalo) Webhook(within time.Duration, probe func(ctx context.Context) error) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		if d := z.since(z.lastAnswer.Load()); d <= within && z.lastAnswer.Load() != 0 {
			return "zalo: webhook, Zalo answered " + d.Round(time.Second).String() + " ago", nil
		}
		if err := probe(ctx); err != nil {
			return "", fmt.Errorf("zalo not reached within %s", within)
		}
		return "zalo: webhook, getMe answered", nil
	}
}
