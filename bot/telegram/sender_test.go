package telegram

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/bot/telegramtest"
	"tiendo/handlers"
)

// A reply goes to the Bot API as one body of known length, not chunked
// field by field as go-telegram/bot streams it; a file arrives whole.
func TestTelegramRequestsHaveALength(t *testing.T) {
	type seen struct {
		length   int64
		encoding []string
		text     string
		file     []byte
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{length: r.ContentLength, encoding: r.TransferEncoding}
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("form: %v", err)
		}
		s.text = r.FormValue("text")
		if f, _, err := r.FormFile("document"); err == nil {
			s.file, _ = io.ReadAll(f)
		}
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":7,"date":1,"chat":{"id":5,"type":"private"}}}`)
	}))
	defer srv.Close()
	b, err := tg.New("1:x", tg.WithServerURL(srv.URL), tg.WithSkipGetMe(),
		tg.WithHTTPClient(0, &http.Client{Transport: Transport(64)}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	text := "<b>Kim ngạch xuất khẩu</b>\nLũy kế 4 tháng: 2,1 tỉ USD"
	if _, err := (Sender{b: b}).Send(ctx, 5, text, nil); err != nil {
		t.Fatal(err)
	}
	file := bytes.Repeat([]byte("PK\x03\x04"), 5000)
	if _, err := b.SendDocument(ctx, &tg.SendDocumentParams{ChatID: 5,
		Document: &models.InputFileUpload{Filename: "baocao.xlsx", Data: bytes.NewReader(file)}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	for i, s := range got {
		if s.length <= 0 || len(s.encoding) > 0 {
			t.Errorf("request %d: Content-Length %d, Transfer-Encoding %v: want a length, not chunked", i, s.length, s.encoding)
		}
	}
	if got[0].text != text {
		t.Errorf("text %q, want %q", got[0].text, text)
	}
	if !bytes.Equal(got[1].file, file) {
		t.Errorf("file of %d bytes arrived as %d bytes", len(file), len(got[1].file))
	}
}

// A reply sent as one JSON request arrives as the library's would (text,
// HTML, no preview, buttons) with the message's id back, and a refusal is
// the library's error: a 429 is waited out and tried again, a 403 is
// ErrorForbidden for the outbox, and the token is in no error.
func TestReplySentAsJSON(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	lan := telegramtest.From{UserID: 77, FirstName: "Lan", LanguageCode: "vi"}
	api.SendText(lan, "tiến độ xuất khẩu")
	s := Sender{api: &botAPI{url: api.URL() + "/bot" + api.Token(), token: api.Token(), client: &http.Client{Transport: Transport(64)}}}
	ctx := context.Background()
	text := "<b>Kim ngạch xuất khẩu — năm 2022</b>\nLũy kế 4 tháng: 2,1 tỉ USD &amp; hơn"
	kb := [][]handlers.Button{{{Text: "Từng tháng", Data: "m:xuat-khau"}}}
	id, err := s.Send(ctx, 77, text, kb)
	if err != nil {
		t.Fatal(err)
	}
	sent := api.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d sent, want 1", len(sent))
	}
	m := sent[0]
	if m.Method != "sendMessage" || m.ChatID != 77 || m.ParseMode != "HTML" || m.MessageID != id || id == 0 {
		t.Errorf("sent %+v, id %d", m, id)
	}
	if m.Text != text {
		t.Errorf("text %q, want %q", m.Text, text)
	}
	if len(m.Keyboard) != 1 || len(m.Keyboard[0]) != 1 || m.Keyboard[0][0] != (telegramtest.Button{Text: "Từng tháng", Data: "m:xuat-khau"}) {
		t.Errorf("keyboard %+v", m.Keyboard)
	}

	api.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	start := time.Now()
	if _, err := s.Send(ctx, 77, "lần hai", nil); err != nil {
		t.Fatalf("after a 429 of 1 s: %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("sent again after %v, before retry_after", d)
	}
	api.FailNext("sendMessage", 2, http.StatusTooManyRequests, 1)
	_, err = s.Send(ctx, 77, "lần ba", nil)
	var tm *tg.TooManyRequestsError
	if !errors.As(err, &tm) || tm.RetryAfter != 1 {
		t.Errorf("two 429s: %v, want a *TooManyRequestsError with retry_after 1", err)
	}

	api.Block(77)
	if _, err := s.Send(ctx, 77, "bị chặn", nil); !errors.Is(err, tg.ErrorForbidden) {
		t.Errorf("blocked: %v, want ErrorForbidden", err)
	}
	api.Close()
	_, err = s.Send(ctx, 77, "đóng", nil)
	if err == nil || strings.Contains(err.Error(), api.Token()) {
		t.Errorf("server closed: %v (want an error without the token)", err)
	}
}
