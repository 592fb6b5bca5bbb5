package bot

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
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
		tg.WithHTTPClient(0, &http.Client{Transport: telegramTransport()}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	text := "<b>Kim ngạch xuất khẩu</b>\nLũy kế 4 tháng: 2,1 tỉ USD"
	if _, err := (sender{b}).Send(ctx, 5, text, nil); err != nil {
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
