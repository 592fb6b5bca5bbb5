package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/zalotest"
)

// With Zalo configured, /metrics counts its Bot API calls by method and
// outcome and says when its poller last succeeded; when getUpdates keeps
// failing (502), /readyz says not ready and names Zalo's poller.
func TestZaloMetricsAndReadiness(t *testing.T) {
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	addr := freeAddr(t)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(), "TIENDO_HTTP_LISTEN": addr},
		bot.WithClock(zaloClock), bot.WithoutReminders(), bot.WithZaloReadyWithin(3*time.Second))
	u := zalotest.From{UserID: "3e7c1a", Name: "Lê Minh"}
	zjoin(t, h, z, u, "/moi xem", "")
	mustContain(t, ztexts(zsay(h, z, u, "tiến độ xuất khẩu")), "xuất khẩu")

	code, body := get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	if v := metric(body, `tiendo_zalo_requests_total{method="sendMessage",outcome="ok"}`); v < 2 {
		t.Errorf("sendMessage ok = %v, want the welcome and the answer", v)
	}
	if v := metric(body, `tiendo_zalo_requests_total{method="getUpdates",outcome="ok"}`); v < 2 {
		t.Errorf("getUpdates ok = %v, want the two messages", v)
	}
	if v := metric(body, `tiendo_zalo_requests_total{method="getUpdates",outcome="5xx"}`); v != 0 {
		t.Errorf("getUpdates 5xx = %v before any failure", v)
	}
	if v := metric(body, `tiendo_zalo_request_duration_seconds_count{method="sendMessage"}`); v < 2 {
		t.Errorf("sendMessage durations = %v", v)
	}
	if v := metric(body, `tiendo_zalo_poll_last_success_timestamp_seconds`); v < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last poll success = %v, want within the last minute", v)
	}
	if code, body := get(t, "http://"+addr+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz while Zalo polls: HTTP %d %s", code, body)
	}

	// The platform fails every getUpdates: the poller backs off, the
	// failures are counted, and the bot is not ready once the poller has
	// gone 3 s without an answer.
	z.FailNext("getUpdates", 1000, http.StatusBadGateway)
	eventuallyStatus(t, "http://"+addr+"/readyz", http.StatusServiceUnavailable)
	_, ready := get(t, "http://"+addr+"/readyz")
	mustContain(t, ready, "zalo getUpdates", "5xx")
	_, body = get(t, "http://"+addr+"/metrics")
	if v := metric(body, `tiendo_zalo_requests_total{method="getUpdates",outcome="5xx"}`); v < 2 {
		t.Errorf("getUpdates 5xx = %v, want the failures counted", v)
	}
	if strings.Contains(body, z.Token()) {
		t.Error("the Zalo token is in /metrics")
	}
}
