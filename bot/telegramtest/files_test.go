package telegramtest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A photo arrives with its name, bytes and size; what Telegram would refuse
// is refused.
func TestSendPhoto(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	pic := pngOf(t, 64, 48)
	m, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Caption: "Biểu đồ <b>xuất khẩu</b>", ParseMode: models.ParseModeHTML,
		Photo: &models.InputFileUpload{Filename: "bieu-do.png", Data: bytes.NewReader(pic)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Photo) != 1 || m.Photo[0].Width != 64 || m.Caption != "Biểu đồ xuất khẩu" {
		t.Errorf("returned %+v", m)
	}
	s := srv.Sent()
	if len(s) != 1 || s[0].Method != "sendPhoto" || s[0].Filename != "bieu-do.png" || s[0].Width != 64 || s[0].Height != 48 ||
		!bytes.Equal(s[0].Data, pic) || s[0].ContentType == "" {
		t.Errorf("sent = %+v", s)
	}
	for name, data := range map[string][]byte{"not an image": []byte("hello"), "too thin": pngOf(t, 2100, 100)} {
		_, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Photo: &models.InputFileUpload{Filename: "x.png", Data: bytes.NewReader(data)}})
		if !errors.Is(err, bot.ErrorBadRequest) {
			t.Errorf("%s: err = %v, want 400", name, err)
		}
	}
	if len(srv.Refused()) != 2 {
		t.Errorf("refusals = %+v", srv.Refused())
	}
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "x"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("editing a photo's text: %v", err)
	}
}

// A person's document reaches the bot as Telegram delivers it, and the bot
// downloads it with getFile and the file URL.
func TestDocumentFromUser(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	data := []byte("PK\x03\x04 a spreadsheet")
	got := make(chan *models.Message, 1)
	b2 := newClient(t, srv, bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
		if u.Message != nil {
			got <- u.Message
		}
	}))
	go b2.Start(ctx)
	srv.SendDocument(alice, "mau-bao-cao.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, "số liệu tháng 5")
	var m *models.Message
	select {
	case m = <-got:
	case <-ctx.Done():
		t.Fatal("no update")
	}
	if m.Document == nil || m.Document.FileName != "mau-bao-cao.xlsx" || m.Document.FileSize != int64(len(data)) || m.Caption != "số liệu tháng 5" ||
		m.Document.MimeType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("message = %+v", m)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: m.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Errorf("download: %d %q", resp.StatusCode, body)
	}
	if _, err := b.GetFile(ctx, &bot.GetFileParams{FileID: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("unknown file: %v", err)
	}
	if resp, err := http.Get(srv.URL() + "/file/bot" + srv.Token() + "/documents/none.xlsx"); err != nil || resp.StatusCode != 404 {
		t.Errorf("unknown path: %v %v", resp, err)
	}
}
