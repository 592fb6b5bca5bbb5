package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The Zalo poller is ready while getUpdates answers (an update or 408);
// failures count by outcome and, past the window, make it not ready with
// the last outcome named; an answer again makes it ready.
func TestZaloPollingReadiness(t *testing.T) {
	m := New("test")
	z := m.NewZalo([]string{"getUpdates"}, []string{"ok", "5xx"})
	now := time.Unix(1_800_000_000, 0)
	z.now = func() time.Time { return now }
	z.start = now
	ready := z.Polling(time.Minute)
	ctx := context.Background()
	if st, err := ready(ctx); err != nil || st != "zalo: polling, starting" {
		t.Fatalf("ready at start: %q %v", st, err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := ready(ctx); err == nil || !strings.Contains(err.Error(), "none yet") {
		t.Fatalf("no getUpdates for 2 min: %v, want not ready", err)
	}
	z.Observe("getUpdates", "no_update", 30*time.Second)
	now = now.Add(3 * time.Second)
	if st, err := ready(ctx); err != nil || st != "zalo: polling, getUpdates answered 3s ago" {
		t.Fatalf("after a 408: %q %v", st, err)
	}
	if got := value(t, m, "tiendo_zalo_poll_last_success_timestamp_seconds", "", ""); got != float64(now.Unix()-3) {
		t.Errorf("last success gauge = %v, want %v", got, now.Unix()-3)
	}
	for range 5 {
		now = now.Add(20 * time.Second)
		z.Observe("getUpdates", "5xx", 10*time.Millisecond)
	}
	_, err := ready(ctx)
	if err == nil || !strings.Contains(err.Error(), "5xx") {
		t.Fatalf("after 100 s of 502s: %v, want not ready naming 5xx", err)
	}
	if got := value(t, m, "tiendo_zalo_requests_total", "outcome", "5xx"); got != 5 {
		t.Errorf("5xx counted %v times, want 5", got)
	}
	z.Observe("getUpdates", "ok", time.Second)
	if _, err := ready(ctx); err != nil {
		t.Errorf("after an update: %v", err)
	}
}

// On a webhook the bot may not call Zalo for a while: past the window it
// asks getMe, and is not ready only when that fails too.
func TestZaloWebhookReadiness(t *testing.T) {
	m := New("test")
	z := m.NewZalo(nil, nil)
	now := time.Unix(1_800_000_000, 0)
	z.now = func() time.Time { return now }
	z.start = now
	var probeErr error
	probes := 0
	ready := z.Webhook(time.Minute, func(context.Context) error { probes++; return probeErr })
	ctx := context.Background()
	z.Observe("sendMessage", "ok", time.Millisecond)
	now = now.Add(30 * time.Second)
	if _, err := ready(ctx); err != nil || probes != 0 {
		t.Fatalf("answered 30 s ago: %v, %d probes", err, probes)
	}
	now = now.Add(time.Hour)
	if _, err := ready(ctx); err != nil || probes != 1 {
		t.Fatalf("silent, probe ok: %v, %d probes", err, probes)
	}
	probeErr = errors.New("unreachable")
	z.Observe("sendMessage", "network", time.Second) // not an answer
	if _, err := ready(ctx); err == nil {
		t.Fatal("silent and the probe fails: ready")
	}
}
