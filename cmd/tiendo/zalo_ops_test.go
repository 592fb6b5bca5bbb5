package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
	"tiendo/bot/zalo"
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
	if code, body := get(t, "http://"+addr+"/readyz"); code != http.StatusOK || !strings.Contains(body, "zalo: polling, getUpdates answered") {
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

// A sticker (nothing the bot acts on) leaves the inbox once taken: it is
// not handed out again every recovery round for a day.
func TestZaloIgnoredEventLeavesTheInbox(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "57c4e7", Name: "Mai"}
	if err := z.Enqueue(map[string]any{"event_name": "message.sticker.received", "message": map[string]any{
		"message_id": "sticker1", "date": time.Now().UnixMilli(),
		"chat": map[string]any{"id": u.UserID, "chat_type": "PRIVATE"},
		"from": map[string]any{"id": u.UserID, "display_name": u.Name, "is_bot": false},
	}}); err != nil {
		t.Fatal(err)
	}
	settleZalo(h, z)
	eventually(t, "the sticker out of the inbox", func() bool {
		in, err := h.store.ChannelInbox(context.Background(), 10)
		return err == nil && len(in) == 0
	})
	if n := len(z.SentTo(u.UserID)); n != 0 {
		t.Errorf("%d answers to a sticker", n)
	}
}

// Webhook mode, kill -9 while a Zalo message is being handled, against a
// platform that posts each update once (its documentation does not promise
// to post again): the webhook saved the update in the inbox before handling
// it, so the restarted process answers it, once.
func TestZaloWebhookKill9AnsweredFromTheInbox(t *testing.T) {
	rdb := storetest.Redis(t)
	redisURL := "redis://" + rdb.(*redis.Client).Options().Addr + "/0"
	prefix := fmt.Sprintf("zwcrash%d", time.Now().UnixNano()%1e9)
	api := telegramtest.New()
	t.Cleanup(api.Close)
	z := zalotest.New(zalotest.WithWebhookOnce())
	t.Cleanup(z.Close)
	u := zalotest.From{UserID: "bead5", Name: "Lý Thu"}
	st := store.New(rdb, prefix)
	if err := st.PutUser(context.Background(), access.User{ID: zalo.UserID(u.UserID), Role: access.Viewer, Name: u.Name}); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	env := []string{"ZALO_BOT_TOKEN=" + z.Token(), "ZALO_API_URL=" + z.URL(), "TIENDO_HTTP_LISTEN=" + addr,
		"TIENDO_ZALO_WEBHOOK_URL=http://" + addr + "/zalo"}
	p := startProcess(t, api, redisURL, prefix, env...)
	z.SetSendDelay(5 * time.Second) // the reply is in flight when the process dies
	before := z.Calls("sendMessage")
	z.SendText(u, "tiến độ xuất khẩu")
	deadline := time.Now().Add(20 * time.Second)
	for z.Calls("sendMessage") <= before {
		if time.Now().After(deadline) {
			t.Fatalf("no sendMessage call:\n%s", p.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.kill9(t)
	z.SetSendDelay(0)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	if err := z.WaitDrained(ctx); err != nil {
		t.Fatal(err)
	}

	startProcess(t, api, redisURL, prefix, env...)
	if _, err := z.WaitSentTo(ctx, u.UserID, 1); err != nil {
		t.Fatalf("the message in flight at kill -9 was never answered: %v", err)
	}
	// A later message is answered too, and the first not again.
	z.SendText(u, "tiến độ nhập khẩu")
	for !strings.Contains(ztexts(z.SentTo(u.UserID)), "nhập khẩu") {
		if _, err := z.WaitSentTo(ctx, u.UserID, len(z.SentTo(u.UserID))+1); err != nil {
			t.Fatalf("the later question was not answered: %v\n%s", err, ztexts(z.SentTo(u.UserID)))
		}
	}
	if n := strings.Count(ztexts(z.SentTo(u.UserID)), "Kim ngạch xuất khẩu"); n != 1 {
		t.Errorf("the Zalo message in flight at kill -9 was answered %d times, want 1", n)
	}
}
