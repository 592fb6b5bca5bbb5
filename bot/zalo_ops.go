package bot

import (
	"context"
	"time"

	"tiendo/bot/metrics"
	"tiendo/bot/zalo"
)

// WithZaloReadyWithin changes how long Zalo may go without answering before
// /readyz fails (zaloReadyWithin).
func WithZaloReadyWithin(d time.Duration) Option { return func(o *runOptions) { o.zaloReady = d } }

// zaloReadyWithin is how long the Zalo channel may go without an answer
// and be ready: a working poller's getUpdates answers at least every poll
// wait, and its back-off after failures tops out at 10 s, so a minute on
// top of the wait is minutes of failures, not one.
func zaloReadyWithin(pollWait time.Duration) time.Duration { return pollWait + time.Minute }

// instrument counts the channel's Bot API calls in met and returns its
// readiness check for /readyz: getUpdates answered lately when polling;
// Zalo answered lately, else getMe, on a webhook. nil without Zalo.
func (z *zaloChannel) instrument(met *metrics.Metrics, cfg Config, within time.Duration) func(ctx context.Context) (string, error) {
	if z == nil {
		return nil
	}
	zm := met.NewZalo([]string{"getUpdates", "sendMessage"}, []string{zalo.OutcomeOK, zalo.OutcomeNoUpdate, "401", "403", "429",
		zalo.Outcome4xx, zalo.Outcome5xx, zalo.OutcomeNetwork})
	z.api.Observe = func(method, outcome string, took time.Duration) {
		zm.Observe(zalo.MethodLabel(method), outcome, took)
	}
	if cfg.ZaloWebhookURL != "" {
		return zm.Webhook(within, func(ctx context.Context) error { _, err := z.api.GetMe(ctx); return err })
	}
	return zm.Polling(within)
}
