package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/store/storetest"
)

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric returns the value of the sample whose line starts with name (and
// labels), or -1 when /metrics has no such line.
func metric(body, name string) float64 {
	for line := range strings.SplitSeq(body, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// What an operator monitors, in polling mode: the numbers move with what
// users do, /healthz and /readyz answer, and readiness follows whether Redis
// takes writes — a node turned replica answers PING but is not ready.
func TestMetricsAndReadinessPolling(t *testing.T) {
	t.Parallel()
	srv := storetest.NewServer(t)
	addr := freeAddr(t)
	h := startOnRedis(t, srv.Client(t), "redis://"+srv.Addr()+"/0",
		map[string]string{"TIENDO_HTTP_LISTEN": addr, "TIENDO_LOG_LEVEL": "debug"},
		bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	h.api.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	mustContain(t, texts(h.say(benLuc, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")), "Kiểm tra lại")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	h.answersToRedelivered(admin, "/tongquan")

	code, body := get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	for name, want := range map[string]float64{
		`tiendo_updates_total{kind="message",outcome="ok"}`:        3, // the question, the figure, the overview delivered twice
		`tiendo_updates_total{kind="callback",outcome="ok"}`:       1,
		`tiendo_updates_total{kind="message",outcome="duplicate"}`: 1,
		`tiendo_figures_confirmed_total`:                           1,
		`tiendo_telegram_errors_total{status="429"}`:               1,
		`tiendo_telegram_errors_total{status="403"}`:               0,
		`tiendo_update_duration_seconds_count{kind="callback"}`:    1,
		`tiendo_reminders_total{outcome="sent"}`:                   0,
		`tiendo_outbox_queued`:                                     0,
	} {
		if got := metric(body, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if !regexp.MustCompile(`tiendo_build_info\{goversion="go[^"]+",version="[^"]+"\} 1`).MatchString(body) {
		t.Errorf("no tiendo_build_info with a version in /metrics")
	}
	if code, _ := get(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: HTTP %d", code)
	}
	if code, body := get(t, "http://"+addr+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: HTTP %d %s", code, body)
	}

	// One debug line per update, with its id, kind, outcome and duration,
	// never its text.
	logs := h.logs.String()
	if n := strings.Count(logs, "msg=update "); n != 5 {
		t.Errorf("%d debug lines for updates, want one per update (5):\n%s", n, logs)
	}
	if !regexp.MustCompile(`msg=update update_id=\d+ kind=callback outcome=ok duration_ms=`).MatchString(logs) {
		t.Errorf("no debug line with update_id, kind, outcome and duration:\n%s", logs)
	}
	if strings.Contains(logs, "520 triệu") || strings.Contains(logs, "xuất khẩu") {
		t.Errorf("message text in the log:\n%s", logs)
	}
	if !regexp.MustCompile(`msg=starting version=\S+`).MatchString(strings.SplitN(logs, "\n", 2)[0]) {
		t.Errorf("the first log line does not carry the version: %q", strings.SplitN(logs, "\n", 2)[0])
	}

	// The node becomes a replica (of another server): PING still answers,
	// writes do not, and the bot is not ready; back to master, ready again.
	master := storetest.NewServer(t)
	ctx := context.Background()
	host, port, _ := strings.Cut(master.Addr(), ":")
	rdb := srv.Client(t)
	if err := rdb.Do(ctx, "REPLICAOF", host, port).Err(); err != nil {
		t.Fatal(err)
	}
	eventuallyStatus(t, "http://"+addr+"/readyz", http.StatusServiceUnavailable)
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Errorf("the replica does not answer PING: %v", err)
	}
	if err := rdb.Do(ctx, "REPLICAOF", "NO", "ONE").Err(); err != nil {
		t.Fatal(err)
	}
	eventuallyStatus(t, "http://"+addr+"/readyz", http.StatusOK)
	_, body = get(t, "http://"+addr+"/metrics")
	if v := metric(body, `tiendo_redis_errors_total{kind="unavailable"}`); v < 1 {
		t.Errorf("READONLY answers not counted as Redis errors: %v", v)
	}
}

func eventuallyStatus(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := get(t, url)
		if code == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: HTTP %d %s, want %d", url, code, body, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// In webhook mode the same endpoints answer, on their own port, and
// tiendo healthcheck (the image's HEALTHCHECK) says ready.
func TestMetricsWebhookModeAndHealthcheck(t *testing.T) {
	hook, ops := freeAddr(t), freeAddr(t)
	h := start(t, map[string]string{
		"TIENDO_WEBHOOK_URL":    "http://" + hook + "/tg/hook",
		"TIENDO_WEBHOOK_LISTEN": hook,
		"TIENDO_HTTP_LISTEN":    ops,
	}, bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
	_, body := get(t, "http://"+ops+"/metrics")
	if v := metric(body, `tiendo_updates_total{kind="message",outcome="ok"}`); v != 1 {
		t.Errorf("webhook mode: %v updates counted, want 1", v)
	}
	if code, body := get(t, "http://"+ops+"/readyz"); code != http.StatusOK {
		t.Errorf("webhook mode /readyz: HTTP %d %s", code, body)
	}
	_, port, _ := strings.Cut(ops, ":")
	var out, errb bytes.Buffer
	env := map[string]string{"TIENDO_HTTP_LISTEN": ":" + port}
	if code := run(context.Background(), []string{"tiendo", "healthcheck"}, func(k string) string { return env[k] }, nil, &out, &errb); code != 0 {
		t.Errorf("healthcheck on a ready bot: exit %d, %s", code, errb.String())
	}
	h.stop()
	errb.Reset()
	if code := run(context.Background(), []string{"tiendo", "healthcheck"}, func(k string) string { return env[k] }, nil, &out, &errb); code != 1 || errb.Len() == 0 {
		t.Errorf("healthcheck on a stopped bot: exit %d, %q; want 1 and a reason", code, errb.String())
	}
}

// Production never runs on memory by accident: a token without REDIS_URL
// stops at start with exit code 2 and one line saying why.
func TestTokenWithoutRedisRefused(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc"}
	code := run(context.Background(), []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "REDIS_URL") || !strings.Contains(lines[0], "TIENDO_STORE=memory") {
		t.Errorf("exit %d, stderr %q; want 2 and one line naming REDIS_URL and TIENDO_STORE=memory", code, errb.String())
	}
}

func TestVersionFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"tiendo", "-version"}, func(string) string { return "" }, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !regexp.MustCompile(`^tiendo \S+\n$`).MatchString(out.String()) || out.String() != fmt.Sprintln("tiendo", bot.Version()) {
		t.Errorf("tiendo -version printed %q", out.String())
	}
	if code := run(context.Background(), []string{"tiendo", "-bogus"}, func(string) string { return "" }, nil, &out, &errb); code != 2 {
		t.Errorf("unknown argument: exit %d, want 2", code)
	}
}
