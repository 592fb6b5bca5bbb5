package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"tiendo/bot"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Webhook mode: Telegram posts updates to the bot; a wrong secret gets 401
// (not the silent 200 of the library's handler); a redelivered update is
// answered once; /healthz says whether Redis answers.
func TestWebhookMode(t *testing.T) {
	addr := freeAddr(t)
	h := start(t, map[string]string{
		"TIENDO_WEBHOOK_URL":    "http://" + addr + "/tg/hook",
		"TIENDO_WEBHOOK_LISTEN": addr,
		"TIENDO_WEBHOOK_SECRET": "s3cret_-value",
	}, bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")

	if n := h.answersToRedelivered(admin, "/tongquan"); n != 1 {
		t.Errorf("%d answers to one update delivered twice by webhook, want 1", n)
	}

	body := `{"update_id": 999999, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": false, "first_name": "x"}, "text": "/tongquan"}}`
	for _, secret := range []string{"", "wrong"} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg/hook", strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: HTTP %d, want 401", secret, resp.StatusCode)
		}
	}
	resp, err := http.Get(fmt.Sprintf("http://%s/healthz", addr))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: HTTP %d", resp.StatusCode)
	}
}
