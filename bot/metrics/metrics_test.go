package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// value returns the value of the counter or gauge name with the label
// label=lv ("" for none), or -1.
func value(t *testing.T, m *Metrics, name, label, lv string) float64 {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			ok := label == ""
			for _, l := range s.GetLabel() {
				ok = ok || (l.GetName() == label && l.GetValue() == lv)
			}
			if !ok {
				continue
			}
			switch {
			case s.Counter != nil:
				return s.GetCounter().GetValue()
			case s.Gauge != nil:
				return s.GetGauge().GetValue()
			}
		}
	}
	return -1
}

func TestTransportCountsRefusalsAndReach(t *testing.T) {
	codes := []int{200, 429, 403, 502, 404}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(codes[i])
		i++
	}))
	defer srv.Close()
	m := New("test")
	c := &http.Client{Transport: m.Transport(nil)}
	for range codes {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	srv.Close()
	if _, err := c.Get(srv.URL); err == nil {
		t.Fatal("a closed server answered")
	}
	for status, want := range map[string]float64{"429": 1, "403": 1, "5xx": 1, "network": 1} {
		if got := value(t, m, "tiendo_telegram_errors_total", "status", status); got != want {
			t.Errorf("status %s: %v, want %v", status, got, want)
		}
	}
	if time.Since(m.TelegramReached()) > time.Minute {
		t.Errorf("Telegram reached at %v, want just now", m.TelegramReached())
	}
}

func TestRedisHookCountsFailuresNotNil(t *testing.T) {
	m := New("test")
	h := m.RedisHook(func(err error) bool { return errors.Is(err, context.DeadlineExceeded) })
	for _, err := range []error{nil, redis.Nil, context.Canceled, context.DeadlineExceeded, errors.New("WRONGTYPE")} {
		_ = h.ProcessHook(func(context.Context, redis.Cmder) error { return err })(context.Background(), nil)
	}
	if got := value(t, m, "tiendo_redis_errors_total", "kind", "unavailable"); got != 1 {
		t.Errorf("unavailable: %v, want 1", got)
	}
	if got := value(t, m, "tiendo_redis_errors_total", "kind", "other"); got != 1 {
		t.Errorf("other: %v, want 1", got)
	}
}

func TestOutboxQueuedDepthAndWait(t *testing.T) {
	m := New("test")
	started1, done1 := m.OutboxQueued()
	_, done2 := m.OutboxQueued()
	if got := value(t, m, "tiendo_outbox_queued", "", ""); got != 2 {
		t.Errorf("depth %v with two waiting, want 2", got)
	}
	started1()
	started1() // a retry: the wait is observed once
	done1()
	done1()
	if got := value(t, m, "tiendo_outbox_queued", "", ""); got != 1 {
		t.Errorf("depth %v after one left (done called twice), want 1", got)
	}
	done2()
	fams, _ := m.Registry().Gather()
	for _, f := range fams {
		if f.GetName() == "tiendo_outbox_wait_seconds" {
			if n := f.GetMetric()[0].GetHistogram().GetSampleCount(); n != 1 {
				t.Errorf("%d waits observed, want 1", n)
			}
		}
	}
}
