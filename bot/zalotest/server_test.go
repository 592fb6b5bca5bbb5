package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

func call(t *testing.T, s *Server, token, method string, body any) (int, answer) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL()+"/bot"+token+"/"+method, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, a
}

type update struct {
	EventName string `json:"event_name"`
	Message   struct {
		MessageID string `json:"message_id"`
		Date      int64  `json:"date"`
		Chat      struct {
			ID       string `json:"id"`
			ChatType string `json:"chat_type"`
		} `json:"chat"`
		From struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
		} `json:"from"`
		Text string `json:"text"`
	} `json:"message"`
}

func TestGetUpdatesOneObjectNoOffsetAndRedeliver(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	s := New(WithClock(func() time.Time { return now }))
	defer s.Close()
	id := s.SendText(From{UserID: "u1", Name: "Chị Lan"}, "tiến độ xuất khẩu")
	code, a := call(t, s, s.Token(), "getUpdates", map[string]string{"timeout": "1"})
	if code != 200 || !a.OK {
		t.Fatalf("getUpdates: %d %+v", code, a)
	}
	var u update
	if err := json.Unmarshal(a.Result, &u); err != nil {
		t.Fatalf("result is not one update object: %s", a.Result)
	}
	if u.EventName != "message.text.received" || u.Message.MessageID != id || u.Message.Chat.ID != "u1" ||
		u.Message.From.DisplayName != "Chị Lan" || u.Message.Text != "tiến độ xuất khẩu" || u.Message.Chat.ChatType != "PRIVATE" {
		t.Fatalf("update = %+v", u)
	}
	if u.Message.Date != now.UnixMilli() {
		t.Fatalf("date = %d, want milliseconds %d", u.Message.Date, now.UnixMilli())
	}
	// Nothing left: the poll waits its timeout and answers 408.
	start := time.Now()
	code, a = call(t, s, s.Token(), "getUpdates", map[string]any{"timeout": 1})
	if code != 408 || a.OK || a.ErrorCode != 408 {
		t.Fatalf("empty poll: %d %+v", code, a)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Fatalf("empty poll answered after %v, want its timeout", el)
	}
	// The same message again, as the platform may deliver it.
	if !s.Redeliver(id) {
		t.Fatal("Redeliver: unknown message")
	}
	_, a = call(t, s, s.Token(), "getUpdates", map[string]string{"timeout": "1"})
	var again update
	_ = json.Unmarshal(a.Result, &again)
	if again.Message.MessageID != id {
		t.Fatalf("redelivered %q, want %q", again.Message.MessageID, id)
	}
	if len(s.Refused()) != 0 {
		t.Fatalf("refused: %+v", s.Refused())
	}
}

func TestBadTokenAndUnknownMethod(t *testing.T) {
	s := New()
	defer s.Close()
	if code, a := call(t, s, "1:wrong", "getMe", nil); code != 401 || a.ErrorCode != 401 {
		t.Fatalf("bad token: %d %+v", code, a)
	}
	if code, _ := call(t, s, s.Token(), "sendDocument", map[string]string{"chat_id": "u1"}); code != 404 {
		t.Fatalf("sendDocument: %d, want 404 (the platform has none)", code)
	}
	code, a := call(t, s, s.Token(), "getMe", nil)
	if code != 200 || !strings.Contains(string(a.Result), `"can_join_groups":false`) {
		t.Fatalf("getMe: %d %s", code, a.Result)
	}
}

func TestSendMessageLimits(t *testing.T) {
	s := New()
	defer s.Close()
	for _, tc := range []struct {
		text string
		code int
	}{
		{"", 400},
		{strings.Repeat("ế", MaxText), 200}, // characters, not bytes
		{strings.Repeat("a", MaxText+1), 400},
	} {
		code, a := call(t, s, s.Token(), "sendMessage", map[string]string{"chat_id": "u1", "text": tc.text})
		if code != tc.code {
			t.Fatalf("text of %d chars: %d %+v, want %d", len([]rune(tc.text)), code, a, tc.code)
		}
		if code == 200 && !strings.Contains(string(a.Result), `"message_id":"`) {
			t.Fatalf("answer %s: want a string message_id", a.Result)
		}
	}
	if got := len(s.Refused()); got != 2 {
		t.Fatalf("refused %d calls, want 2", got)
	}
	if got := s.SentTo("u1"); len(got) != 1 || len([]rune(got[0].Text)) != MaxText {
		t.Fatalf("sent = %+v", got)
	}
}

func TestSendPhotoFetchesTheURL(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nfake")
	img := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/f/chart.png" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png)
	}))
	defer img.Close()
	s := New()
	defer s.Close()
	code, _ := call(t, s, s.Token(), "sendPhoto", map[string]string{"chat_id": "u1", "photo": img.URL + "/f/chart.png", "caption": "Biểu đồ"})
	if code != 200 {
		t.Fatalf("sendPhoto: %d %+v", code, s.Refused())
	}
	got := s.Sent()
	if len(got) != 1 || !bytes.Equal(got[0].Data, png) || got[0].ContentType != "image/png" || got[0].Text != "Biểu đồ" {
		t.Fatalf("sent = %+v", got)
	}
	if code, _ := call(t, s, s.Token(), "sendPhoto", map[string]string{"chat_id": "u1", "photo": img.URL + "/gone.png"}); code != 400 {
		t.Fatalf("photo at a dead URL: %d, want 400", code)
	}
	if code, _ := call(t, s, s.Token(), "sendPhoto", map[string]string{"chat_id": "u1", "photo": "chart.png"}); code != 400 {
		t.Fatalf("photo not a URL: %d, want 400", code)
	}
}

func TestWebhookPostsWithSecretAndRetries(t *testing.T) {
	type hit struct {
		secret string
		body   []byte
	}
	hits := make(chan hit, 10)
	fail := 1
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits <- hit{r.Header.Get(SecretHeader), b}
		if fail > 0 {
			fail--
			http.Error(w, "busy", 500)
		}
	}))
	defer hook.Close()
	s := New()
	defer s.Close()
	if code, _ := call(t, s, s.Token(), "setWebhook", map[string]string{"url": hook.URL, "secret_token": "short"}); code != 400 {
		t.Fatalf("secret of 5 characters: %d, want 400", code)
	}
	if code, a := call(t, s, s.Token(), "setWebhook", map[string]string{"url": hook.URL, "secret_token": "s3cret-token"}); code != 200 {
		t.Fatalf("setWebhook: %d %+v", code, a)
	}
	if code, _ := call(t, s, s.Token(), "getUpdates", map[string]string{"timeout": "1"}); code != 400 {
		t.Fatalf("getUpdates with a webhook set: %d, want 400", code)
	}
	id := s.SendText(From{UserID: "u2"}, "/start")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 2 { // refused once, then posted again
		select {
		case h := <-hits:
			var u update
			if err := json.Unmarshal(h.body, &u); err != nil || u.Message.MessageID != id || h.secret != "s3cret-token" {
				t.Fatalf("post %d: secret %q body %s", i, h.secret, h.body)
			}
		case <-ctx.Done():
			t.Fatalf("post %d never came", i)
		}
	}
	if err := s.WaitDrained(ctx); err != nil {
		t.Fatal(err)
	}
	if _, a := call(t, s, s.Token(), "getWebhookInfo", nil); !strings.Contains(string(a.Result), hook.URL) {
		t.Fatalf("getWebhookInfo: %s", a.Result)
	}
	call(t, s, s.Token(), "deleteWebhook", nil)
	if s.Webhook() != "" {
		t.Fatal("webhook still set after deleteWebhook")
	}
}

func TestFailNext(t *testing.T) {
	s := New()
	defer s.Close()
	s.FailNext("getUpdates", 1, 500)
	if code, _ := call(t, s, s.Token(), "getUpdates", map[string]string{"timeout": "0"}); code != 500 {
		t.Fatalf("injected fault: %d, want 500", code)
	}
	if code, _ := call(t, s, s.Token(), "getUpdates", map[string]string{"timeout": "0"}); code != 408 {
		t.Fatalf("after the fault: %d, want 408", code)
	}
	if len(s.Refused()) != 0 {
		t.Fatalf("an injected fault is not a refusal: %+v", s.Refused())
	}
}
