package telegramtest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// menuBot echoes text, offers buttons on "menu" and confirms on a press.
func menuBot(e *errs) bot.HandlerFunc {
	return func(ctx context.Context, b *bot.Bot, u *models.Update) {
		switch {
		case u.Message != nil && u.Message.Text == "menu":
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "<b>Ghi</b> 520 triệu USD?", ParseMode: models.ParseModeHTML,
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "Xác nhận", CallbackData: "c"}, {Text: "Hủy", CallbackData: "x"}},
					{{Text: "Kế hoạch", URL: "https://congthuong.longan.gov.vn"}},
				}},
			})
			e.add(err)
		case u.Message != nil:
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
			e.add(err)
		case u.CallbackQuery != nil && u.CallbackQuery.Data == "c":
			cq := u.CallbackQuery
			_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "Đã ghi"})
			e.add(err)
			_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
				ChatID: cq.Message.Message.Chat.ID, MessageID: cq.Message.Message.ID,
				Text: "Đã ghi nhận:\n<i>520 triệu USD</i>", ParseMode: models.ParseModeHTML,
			})
			e.add(err)
		}
	}
}

func TestTerminalTranscript(t *testing.T) {
	srv := newServer(t)
	var e errs
	startBot(t, srv, menuBot(&e))
	var out strings.Builder
	term := &Terminal{
		Server: srv, In: strings.NewReader("xin chào\n\n   \nmenu\n3\n1\n5\n"), Out: &out,
		User: From{UserID: 1, FirstName: "Admin"}, Echo: true, Quiet: 250 * time.Millisecond,
	}
	if err := term.Run(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := `> xin chào
» xin chào

> menu
» Ghi 520 triệu USD?
  [1] Xác nhận   [2] Hủy
  [3] Kế hoạch ↗

> 3
↗ https://congthuong.longan.gov.vn

> 1
ⓘ Đã ghi

✎ Đã ghi nhận:
  520 triệu USD

> 5
» 5

`
	if out.String() != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", out.String(), want)
	}
	e.check(t)
	noRefusals(t, srv)
}

// syncBuffer is an io.Writer the test can read while Run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTerminalPrintsWhatTheBotSendsOnItsOwn(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	in, feed := io.Pipe()
	var out syncBuffer
	term := &Terminal{Server: srv, In: in, Out: &out, User: From{UserID: 1}, Quiet: 50 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- term.Run(context.Background()) }()

	ctx := ctxFor(t, 5*time.Second)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 99, Text: "cho người khác"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 1, Caption: "Báo cáo",
		Document: &models.InputFileUpload{Filename: "t3.xlsx", Data: strings.NewReader("12345")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "Nhắc: hạn báo cáo 20/3\n\nCòn 2 ngày"}); err != nil {
		t.Fatal(err)
	}
	want := "» 📎 t3.xlsx (5 B)\n  Báo cáo\n\n» Nhắc: hạn báo cáo 20/3\n\n  Còn 2 ngày\n\n"
	deadline := time.Now().Add(3 * time.Second)
	for out.String() != want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	feed.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run at end of input: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return at end of input")
	}
}

func TestTerminalStops(t *testing.T) {
	t.Run("context", func(t *testing.T) {
		srv := newServer(t)
		in, _ := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- (&Terminal{Server: srv, In: in, Out: io.Discard, User: From{UserID: 1}}).Run(ctx) }()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want context.Canceled", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("Run ignored its context")
		}
	})
	t.Run("server closed", func(t *testing.T) {
		srv := New()
		in, _ := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- (&Terminal{Server: srv, In: in, Out: io.Discard, User: From{UserID: 1}}).Run(context.Background())
		}()
		srv.Close()
		select {
		case err := <-done:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("Run = %v, want ErrClosed", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("Run did not notice the server closing")
		}
	})
}

func TestNthButton(t *testing.T) {
	kb := [][]Button{{{Text: "a"}, {Text: "b"}}, {{Text: "c"}}}
	cases := []struct {
		name string
		n    int
		want string
		ok   bool
	}{
		{"first", 1, "a", true},
		{"second row", 3, "c", true},
		{"zero", 0, "", false},
		{"past the end", 4, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := nthButton(kb, tc.n)
			if ok != tc.ok || b.Text != tc.want {
				t.Errorf("nthButton(%d) = %q %v, want %q %v", tc.n, b.Text, ok, tc.want, tc.ok)
			}
		})
	}
}

// A line ending in a backslash goes on: the lines are one message, with
// their line breaks. The prompt shows each time the terminal waits.
func TestTerminalMultiLineAndPrompt(t *testing.T) {
	srv := newServer(t)
	var e errs
	startBot(t, srv, menuBot(&e))
	var out strings.Builder
	term := &Terminal{
		Server: srv, In: strings.NewReader("cập nhật tháng 3 \\\nxuất khẩu: 520 triệu USD\\\nnhập khẩu: 410 triệu USD\nmột dòng\n"), Out: &out,
		User: From{UserID: 1, FirstName: "Admin"}, Prompt: "tiendo> ", Quiet: 250 * time.Millisecond,
	}
	if err := term.Run(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	msgs := srv.Messages(1)
	var got []string
	for _, m := range msgs {
		got = append(got, m.Text)
	}
	want := []string{"cập nhật tháng 3 \nxuất khẩu: 520 triệu USD\nnhập khẩu: 410 triệu USD", "một dòng"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the bot got %q; want %q", got, want)
	}
	if n := strings.Count(out.String(), "tiendo> "); n != 3 {
		t.Errorf("prompt shown %d times; want 3 (start, after each answer):\n%s", n, out.String())
	}
	e.check(t)
}

// fileBot sends a document on "báo cáo", tells a document's name, size and
// sender back, and echoes other text with its sender's id.
func fileBot(e *errs) bot.HandlerFunc {
	return func(ctx context.Context, b *bot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		m := u.Message
		var err error
		switch {
		case m.Document != nil:
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: m.Chat.ID,
				Text: "nhận " + m.Document.FileName + " " + strconv.FormatInt(m.Document.FileSize, 10) + " B: " + m.Caption})
		case m.Text == "báo cáo":
			_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: m.Chat.ID, Caption: "Báo cáo tháng 5",
				Document: &models.InputFileUpload{Filename: "bao-cao.xlsx", Data: strings.NewReader("PK-xlsx")}})
		case strings.HasPrefix(m.Text, "gửi "):
			to, _ := strconv.ParseInt(strings.TrimPrefix(m.Text, "gửi "), 10, 64)
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: to, Text: "tin cho " + strconv.FormatInt(to, 10)})
		default:
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: m.Chat.ID,
				Text: m.From.FirstName + " #" + strconv.FormatInt(m.From.ID, 10) + ": " + m.Text})
		}
		e.add(err)
	}
}

// Files the bot sends are written to FilesDir (a second of the same name
// beside the first) and their paths printed; ":file" sends one to the bot.
func TestTerminalFiles(t *testing.T) {
	srv := newServer(t)
	var e errs
	startBot(t, srv, fileBot(&e))
	dir := t.TempDir()
	files := filepath.Join(dir, "out")
	form := filepath.Join(dir, "mẫu đã điền.xlsx")
	if err := os.WriteFile(form, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	in := "báo cáo\nbáo cáo\n:file \"" + form + "\" tháng 5\n:file " + filepath.Join(dir, "none.xlsx") + "\n"
	term := &Terminal{Server: srv, In: strings.NewReader(in), Out: &out, User: From{UserID: 1}, FilesDir: files, Quiet: 100 * time.Millisecond}
	if err := term.Run(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	first, second := filepath.Join(files, "bao-cao.xlsx"), filepath.Join(files, "bao-cao-2.xlsx")
	want := "» 📎 bao-cao.xlsx (7 B)\n  → " + first + "\n  Báo cáo tháng 5\n\n" +
		"» 📎 bao-cao.xlsx (7 B)\n  → " + second + "\n  Báo cáo tháng 5\n\n" +
		"» nhận mẫu đã điền.xlsx 5 B: tháng 5\n\n" +
		"✗ open " + filepath.Join(dir, "none.xlsx") + ": no such file or directory\n\n"
	if out.String() != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", out.String(), want)
	}
	for _, p := range []string{first, second} {
		if b, err := os.ReadFile(p); err != nil || string(b) != "PK-xlsx" {
			t.Errorf("%s: %q %v, want the bytes the bot sent", p, b, err)
		}
	}
	e.check(t)
	noRefusals(t, srv)
}

// ":as" writes as another user from then on and shows what came to them
// meanwhile; ":as admin" goes back; ":help" and unknown commands never
// reach the bot.
func TestTerminalActsAsAnotherUser(t *testing.T) {
	srv := newServer(t)
	var e errs
	startBot(t, srv, fileBot(&e))
	var out strings.Builder
	in := ":help\ngửi 1002\n:as 1002 Hùng\nxin chào\n:as\n:as abc\n:bogus\n:as admin\nlại đây\n:)\n"
	term := &Terminal{Server: srv, In: strings.NewReader(in), Out: &out, User: From{UserID: 1, FirstName: "Admin"}, Quiet: 100 * time.Millisecond}
	if err := term.Run(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := out.String()
	i := strings.Index(got, "ⓘ now writing")
	if i < 0 {
		t.Fatalf("no switch of user:\n%s", got)
	}
	help, rest := got[:i], got[i:]
	for _, w := range []string{":file PATH [caption]", ":as ID [name]", ":as admin", ":help", "not saved"} {
		if !strings.Contains(help, w) {
			t.Errorf(":help lacks %q:\n%s", w, help)
		}
	}
	want := `ⓘ now writing as Hùng (#1002)

» tin cho 1002

» Hùng #1002: xin chào

ⓘ writing as Hùng (#1002)

✗ :as needs a Telegram user id (a positive number), e.g. :as 1002 Hùng; :as admin goes back

✗ :bogus is not a terminal command (:help lists them)

ⓘ now writing as Admin (#1)

» Admin #1: lại đây

» Admin #1: :)

`
	if rest != want {
		t.Errorf("transcript after :help:\n%s\nwant:\n%s", rest, want)
	}
	var texts []string
	for _, m := range srv.Messages(1) {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, "|") != "Admin #1: lại đây|Admin #1: :)" {
		t.Errorf("the bot heard in the admin's chat %q; terminal commands must not reach it", texts)
	}
	e.check(t)
}
