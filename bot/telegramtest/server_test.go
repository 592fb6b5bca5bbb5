package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

var alice = From{UserID: 42, FirstName: "Lan", Username: "lan_ba", LanguageCode: "vi"}

// newServer starts a server closed at the end of the test.
func newServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	srv := New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient is the real go-telegram client pointed at srv, not started.
func newClient(t *testing.T, srv *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	all := append([]bot.Option{
		bot.WithServerURL(srv.URL()),
		bot.WithSkipGetMe(),
		bot.WithErrorsHandler(func(error) {}),
	}, opts...)
	b, err := bot.New(srv.Token(), all...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// startBot runs the real client's long polling with handler h until the
// test ends; the bot stops before the server closes.
func startBot(t *testing.T, srv *Server, h bot.HandlerFunc, opts ...bot.Option) *bot.Bot {
	t.Helper()
	b := newClient(t, srv, append([]bot.Option{bot.WithDefaultHandler(h)}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// errs collects handler errors, reported at the end of the test.
type errs struct {
	mu   sync.Mutex
	list []error
}

func (e *errs) add(err error) {
	if err != nil {
		e.mu.Lock()
		e.list = append(e.list, err)
		e.mu.Unlock()
	}
}

func (e *errs) check(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, err := range e.list {
		t.Errorf("handler: %v", err)
	}
}

// echo answers a text with the same text and a callback with "ok".
func echo(e *errs) bot.HandlerFunc {
	return func(ctx context.Context, b *bot.Bot, u *models.Update) {
		switch {
		case u.Message != nil:
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
			e.add(err)
		case u.CallbackQuery != nil:
			_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID, Text: "ok"})
			e.add(err)
		}
	}
}

func noRefusals(t *testing.T, srv *Server) {
	t.Helper()
	for _, r := range srv.Refused() {
		t.Errorf("refused %s: %d %s", r.Method, r.Code, r.Description)
	}
}

func TestEchoThroughRealClient(t *testing.T) {
	srv := newServer(t)
	var e errs
	got := make(chan *models.Update, 1)
	h := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		got <- u
		echo(&e)(ctx, b, u)
	}
	// Without WithSkipGetMe: the client checks the token with getMe first.
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithDefaultHandler(h))
	if err != nil {
		t.Fatalf("bot.New with getMe: %v", err)
	}
	if b.ID() != BotID {
		t.Errorf("token's bot id = %d, want %d (getMe's id)", b.ID(), BotID)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	srv.SendText(alice, "xin chào")
	sent, err := srv.WaitSent(ctxFor(t, 3*time.Second), 1)
	if err != nil {
		t.Fatal(err)
	}
	u := <-got
	if u.Message.From.ID != 42 || u.Message.From.LanguageCode != "vi" || u.Message.Chat.Type != "private" || u.Message.Chat.ID != 42 {
		t.Errorf("update as the handler saw it: from %+v chat %+v", u.Message.From, u.Message.Chat)
	}
	want := Sent{Method: "sendMessage", ChatID: 42, MessageID: 2, Text: "xin chào"}
	if s := sent[0]; s.Method != want.Method || s.ChatID != want.ChatID || s.MessageID != want.MessageID || s.Text != want.Text {
		t.Errorf("sent %+v, want %+v (message 1 is the user's)", s, want)
	}
	if n := srv.Calls("getMe"); n != 1 {
		t.Errorf("getMe calls = %d, want 1", n)
	}
	e.check(t)
	noRefusals(t, srv)
}

func TestGroupChatAndCommandEntities(t *testing.T) {
	srv := newServer(t)
	got := make(chan *models.Update, 1)
	startBot(t, srv, func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u })
	from := From{UserID: 7, FirstName: "Hùng", ChatID: -100123, ChatType: "supergroup", ChatTitle: "Lãnh đạo Sở"}
	srv.SendText(from, "Chào /tiendo@TienDoBot xk")
	var u *models.Update
	select {
	case u = <-got:
	case <-time.After(3 * time.Second):
		t.Fatal("no update")
	}
	m := u.Message
	if m.Chat.ID != -100123 || m.Chat.Type != "supergroup" || m.Chat.Title != "Lãnh đạo Sở" || m.From.ID != 7 {
		t.Errorf("chat %+v from %+v", m.Chat, m.From)
	}
	// "Chào " is 5 UTF-16 units but 6 bytes: offsets are Telegram's units.
	want := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 5, Length: 17}}
	if len(m.Entities) != 1 || m.Entities[0].Type != want[0].Type || m.Entities[0].Offset != 5 || m.Entities[0].Length != 17 {
		t.Errorf("entities = %+v, want %+v", m.Entities, want)
	}
}

func TestRedeliverSameUpdateID(t *testing.T) {
	srv := newServer(t)
	ids := make(chan int64, 4)
	startBot(t, srv, func(_ context.Context, _ *bot.Bot, u *models.Update) { ids <- u.ID })
	first := srv.SendText(alice, "một")
	next := func() int64 {
		t.Helper()
		select {
		case id := <-ids:
			return id
		case <-time.After(3 * time.Second):
			t.Fatal("update not delivered")
			return 0
		}
	}
	if id := next(); id != first {
		t.Fatalf("delivered %d, want %d", id, first)
	}
	if !srv.Redeliver(first) {
		t.Fatal("Redeliver of a queued update returned false")
	}
	if id := next(); id != first {
		t.Errorf("redelivered %d, want the same update_id %d", id, first)
	}
	// The client's offset went back to first+1; a new update still arrives once.
	second := srv.SendText(alice, "hai")
	if id := next(); id != second {
		t.Errorf("after redelivery got %d, want %d", id, second)
	}
	if err := srv.WaitIdle(ctxFor(t, 3*time.Second), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-ids:
		t.Errorf("unexpected extra delivery of %d", id)
	default:
	}
	if srv.Redeliver(999) {
		t.Error("Redeliver of an unknown update returned true")
	}
}

type pollResult struct {
	code int
	ids  []int64
	desc string
}

// getUpdatesRaw calls getUpdates with a urlencoded form, as a minimal client
// would.
func getUpdatesRaw(srv *Server, form url.Values) (pollResult, error) {
	resp, err := http.PostForm(srv.URL()+"/bot"+srv.Token()+"/getUpdates", form)
	if err != nil {
		return pollResult{}, err
	}
	defer resp.Body.Close()
	var body struct {
		Description string
		Result      []struct {
			UpdateID int64 `json:"update_id"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return pollResult{}, err
	}
	r := pollResult{code: resp.StatusCode, desc: body.Description}
	for _, u := range body.Result {
		r.ids = append(r.ids, u.UpdateID)
	}
	return r, nil
}

func poll(t *testing.T, srv *Server, form url.Values) (code int, ids []int64, desc string) {
	t.Helper()
	r, err := getUpdatesRaw(srv, form)
	if err != nil {
		t.Fatal(err)
	}
	return r.code, r.ids, r.desc
}

func TestGetUpdatesAcknowledgesByOffset(t *testing.T) {
	srv := newServer(t)
	a := srv.SendText(alice, "a")
	b := srv.SendText(alice, "b")
	if _, ids, _ := poll(t, srv, url.Values{"limit": {"1"}}); len(ids) != 1 || ids[0] != a {
		t.Errorf("limit 1: %v, want [%d]", ids, a)
	}
	// Not acknowledged yet: a client that died gets them again.
	if _, ids, _ := poll(t, srv, nil); len(ids) != 2 {
		t.Errorf("without offset: %v, want both", ids)
	}
	if _, ids, _ := poll(t, srv, url.Values{"offset": {"2"}}); len(ids) != 1 || ids[0] != b {
		t.Errorf("offset %d: %v, want [%d]", b, ids, b)
	}
	// a is gone for good now.
	if _, ids, _ := poll(t, srv, url.Values{"offset": {"1"}}); len(ids) != 1 || ids[0] != b {
		t.Errorf("after ack: %v, want [%d]", ids, b)
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	t.Run("returns as soon as an update is queued", func(t *testing.T) {
		srv := newServer(t)
		go func() {
			time.Sleep(100 * time.Millisecond)
			srv.SendText(alice, "x")
		}()
		start := time.Now()
		_, ids, _ := poll(t, srv, url.Values{"timeout": {"10"}})
		if len(ids) != 1 || time.Since(start) > 5*time.Second {
			t.Errorf("got %v after %v", ids, time.Since(start))
		}
	})
	t.Run("waits for its timeout", func(t *testing.T) {
		srv := newServer(t)
		start := time.Now()
		_, ids, _ := poll(t, srv, url.Values{"timeout": {"1"}})
		if len(ids) != 0 || time.Since(start) < 900*time.Millisecond {
			t.Errorf("got %v after %v, want nothing after 1s", ids, time.Since(start))
		}
	})
	t.Run("MaxPoll caps the wait", func(t *testing.T) {
		srv := newServer(t, WithMaxPoll(100*time.Millisecond))
		start := time.Now()
		_, ids, _ := poll(t, srv, url.Values{"timeout": {"50"}})
		if len(ids) != 0 || time.Since(start) > 5*time.Second {
			t.Errorf("got %v after %v", ids, time.Since(start))
		}
	})
	t.Run("a second poller ends the first with 409", func(t *testing.T) {
		srv := newServer(t)
		first := make(chan pollResult, 1)
		go func() {
			r, _ := getUpdatesRaw(srv, url.Values{"timeout": {"5"}})
			first <- r
		}()
		for srv.Calls("getUpdates") < 1 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		go func() { _, _ = getUpdatesRaw(srv, url.Values{"timeout": {"1"}}) }()
		select {
		case r := <-first:
			if r.code != http.StatusConflict || !strings.Contains(r.desc, "terminated by other getUpdates") {
				t.Errorf("first poller got %d %q", r.code, r.desc)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("first poller was not ended")
		}
	})
	t.Run("Close releases a waiting poll", func(t *testing.T) {
		srv := New()
		done := make(chan struct{})
		go func() {
			_, _ = http.PostForm(srv.URL()+"/bot"+srv.Token()+"/getUpdates", url.Values{"timeout": {"30"}})
			close(done)
		}()
		for srv.Calls("getUpdates") < 1 {
			time.Sleep(5 * time.Millisecond)
		}
		start := time.Now()
		srv.Close()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatal("poll still waiting after Close")
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("Close took %v", time.Since(start))
		}
	})
}

func TestCallbackPressAndEdit(t *testing.T) {
	srv := newServer(t)
	var e errs
	pressed := make(chan *models.CallbackQuery, 1)
	h := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		if u.Message != nil {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "Ghi <b>520 triệu USD</b>?", ParseMode: models.ParseModeHTML,
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
					{{Text: "Xác nhận", CallbackData: "c:1"}, {Text: "Hủy", CallbackData: "x:1"}},
					{{Text: "Kế hoạch", URL: "https://congthuong.longan.gov.vn"}},
				}},
			})
			e.add(err)
			return
		}
		cq := u.CallbackQuery
		pressed <- cq
		_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "Đã ghi"})
		e.add(err)
		_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
			ChatID: cq.Message.Message.Chat.ID, MessageID: cq.Message.Message.ID, Text: "Đã ghi nhận.",
		})
		e.add(err)
	}
	startBot(t, srv, h)
	srv.SendText(alice, "cập nhật xk t3 520 triệu usd")
	sent, err := srv.WaitSent(ctxFor(t, 3*time.Second), 1)
	if err != nil {
		t.Fatal(err)
	}
	wantKB := [][]Button{{{Text: "Xác nhận", Data: "c:1"}, {Text: "Hủy", Data: "x:1"}}, {{Text: "Kế hoạch", URL: "https://congthuong.longan.gov.vn"}}}
	if !keyboardsEqual(sent[0].Keyboard, wantKB) {
		t.Errorf("keyboard = %+v, want %+v", sent[0].Keyboard, wantKB)
	}
	if got := sent[0].Plain(); got != "Ghi 520 triệu USD?" {
		t.Errorf("plain = %q", got)
	}

	srv.Press(alice, sent[0].MessageID, "c:1")
	if _, err := srv.WaitSent(ctxFor(t, 3*time.Second), 3); err != nil {
		t.Fatal(err)
	}
	cq := <-pressed
	if cq.Data != "c:1" || cq.From.ID != 42 || cq.Message.Message == nil || cq.Message.Message.ID != sent[0].MessageID ||
		cq.Message.Message.Text != "Ghi 520 triệu USD?" || cq.Message.Message.From.ID != BotID {
		t.Errorf("callback as the handler saw it: %+v message %+v", cq, cq.Message.Message)
	}
	if err := srv.WaitIdle(ctxFor(t, 3*time.Second), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var answer *Sent
	for _, s := range srv.Sent() {
		if s.Method == "answerCallbackQuery" {
			answer = &s
		}
	}
	if answer == nil || answer.CallbackID != cq.ID || answer.Text != "Đã ghi" || answer.ChatID != 42 || answer.MessageID != sent[0].MessageID {
		t.Errorf("answer recorded as %+v", answer)
	}
	msgs := srv.Messages(42)
	if len(msgs) != 1 || msgs[0].Text != "Đã ghi nhận." || msgs[0].Keyboard != nil || msgs[0].Edits != 1 {
		t.Errorf("chat as seen: %+v (edit without reply_markup removes the keyboard)", msgs)
	}
	e.check(t)
	noRefusals(t, srv)
}

func TestFaultsAsTheClientReportsThem(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	send := func() error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "nhắc hạn"})
		return err
	}

	srv.FailNext("sendMessage", 1, 429, 3)
	err := send()
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
		t.Errorf("429: err = %v, want *bot.TooManyRequestsError with RetryAfter 3", err)
	}
	if err := send(); err != nil {
		t.Errorf("after the injected 429: %v", err)
	}

	srv.FailNext("sendmessage", 2, 403, 0)
	for i := range 2 {
		if err := send(); !errors.Is(err, bot.ErrorForbidden) {
			t.Errorf("403 #%d: err = %v, want bot.ErrorForbidden", i+1, err)
		}
	}
	srv.FailNext("sendMessage", 1, 500, 0)
	if err := send(); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: err = %v", err)
	}

	srv.Block(42)
	if err := send(); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("blocked: err = %v, want bot.ErrorForbidden", err)
	}
	srv.Unblock(42)
	if err := send(); err != nil {
		t.Errorf("unblocked: %v", err)
	}
	if n := len(srv.Sent()); n != 2 {
		t.Errorf("accepted sends = %d, want 2", n)
	}
	if n := srv.Calls("sendMessage"); n != 7 {
		t.Errorf("calls = %d, want 7 (failures count)", n)
	}
	noRefusals(t, srv) // injected faults and blocks are not the bot's mistakes
}

func TestAuthAndUnknownMethod(t *testing.T) {
	srv := newServer(t)
	_, err := bot.New("1000:WRONG", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("wrong token: err = %v, want bot.ErrorUnauthorized", err)
	}
	b := newClient(t, srv)
	_, err = b.SendVoice(ctxFor(t, 3*time.Second), &bot.SendVoiceParams{ChatID: 42, Voice: &models.InputFileString{Data: "x"}})
	if !errors.Is(err, bot.ErrorNotFound) {
		t.Errorf("unknown method: err = %v, want bot.ErrorNotFound", err)
	}
	if r := srv.Refused(); len(r) != 2 || r[0].Code != 401 || r[1].Code != 404 || r[1].Method != "sendVoice" {
		t.Errorf("refusals = %+v", r)
	}
}

func TestTelegramValidation(t *testing.T) {
	kb := func(buttons ...models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{buttons}}
	}
	cases := []struct {
		name   string
		params bot.SendMessageParams
		refuse string // part of the description; "" = accepted
	}{
		{"plain text", bot.SendMessageParams{Text: "Tiến độ xuất khẩu"}, ""},
		{"empty text", bot.SendMessageParams{Text: ""}, "message text is empty"},
		{"only spaces", bot.SendMessageParams{Text: " \n "}, "message text is empty"},
		{"4096 Vietnamese letters", bot.SendMessageParams{Text: strings.Repeat("ệ", 4096)}, ""},
		{"4097 Vietnamese letters", bot.SendMessageParams{Text: strings.Repeat("ệ", 4097)}, "message is too long"},
		{"2048 emoji are 4096 units", bot.SendMessageParams{Text: strings.Repeat("📈", 2048)}, ""},
		{"2049 emoji are 4098 units", bot.SendMessageParams{Text: strings.Repeat("📈", 2049)}, "message is too long"},
		{"tags do not count", bot.SendMessageParams{Text: "<b>" + strings.Repeat("a", 4096) + "</b>", ParseMode: models.ParseModeHTML}, ""},
		{"escaped user text", bot.SendMessageParams{Text: "<i>" + html.EscapeString(`a < b & "c" 'd'`) + "</i>", ParseMode: models.ParseModeHTML}, ""},
		{"allowed tags", bot.SendMessageParams{Text: `<b>1</b><strong>2</strong><i>3</i><em>4</em><u>5</u><ins>6</ins><s>7</s><strike>8</strike><del>9</del><a href="https://x.vn">10</a><code>11</code><pre><code class="language-go">12</code></pre><tg-spoiler>13</tg-spoiler><span class="tg-spoiler">14</span><blockquote expandable>15</blockquote>`, ParseMode: models.ParseModeHTML}, ""},
		{"unclosed tag", bot.SendMessageParams{Text: "<b>đậm", ParseMode: models.ParseModeHTML}, `Can't find end tag corresponding to start tag "b"`},
		{"end without start", bot.SendMessageParams{Text: "đậm</b>", ParseMode: models.ParseModeHTML}, "Unexpected end tag"},
		{"misnested tags", bot.SendMessageParams{Text: "<b><i>x</b></i>", ParseMode: models.ParseModeHTML}, `expected "</i>", found "</b>"`},
		{"unsupported tag", bot.SendMessageParams{Text: "a<br>b", ParseMode: models.ParseModeHTML}, `Unsupported start tag "br"`},
		{"unescaped less-than", bot.SendMessageParams{Text: "tăng <5%", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"HTML that is empty once parsed", bot.SendMessageParams{Text: "<b></b>", ParseMode: models.ParseModeHTML}, "message text is empty"},
		{"unknown parse mode", bot.SendMessageParams{Text: "x", ParseMode: "html5"}, "unsupported parse_mode"},
		{"64-byte callback data", bot.SendMessageParams{Text: "x", ReplyMarkup: kb(models.InlineKeyboardButton{Text: "Xác nhận", CallbackData: strings.Repeat("ậ", 21) + "a"})}, ""},
		{"65-byte callback data", bot.SendMessageParams{Text: "x", ReplyMarkup: kb(models.InlineKeyboardButton{Text: "Xác nhận", CallbackData: strings.Repeat("ậ", 21) + "ab"})}, "BUTTON_DATA_INVALID"},
		{"button without action", bot.SendMessageParams{Text: "x", ReplyMarkup: kb(models.InlineKeyboardButton{Text: "Xác nhận"})}, "Text buttons are unallowed"},
		{"button with a bad URL", bot.SendMessageParams{Text: "x", ReplyMarkup: kb(models.InlineKeyboardButton{Text: "Mở", URL: "congthuong.longan.gov.vn"})}, "Wrong HTTP URL"},
		{"button without text", bot.SendMessageParams{Text: "x", ReplyMarkup: kb(models.InlineKeyboardButton{CallbackData: "c"})}, "Text must be non-empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			b := newClient(t, srv)
			p := tc.params
			p.ChatID = 42
			_, err := b.SendMessage(ctxFor(t, 3*time.Second), &p)
			if tc.refuse == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(srv.Sent()) != 1 || len(srv.Messages(42)) != 1 {
					t.Errorf("accepted but not recorded")
				}
				return
			}
			if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.refuse) {
				t.Errorf("err = %v, want 400 containing %q", err, tc.refuse)
			}
			if r := srv.Refused(); len(r) != 1 || r[0].Code != 400 || r[0].ChatID != 42 {
				t.Errorf("refusals = %+v", r)
			}
			if len(srv.Sent()) != 0 || len(srv.Messages(42)) != 0 {
				t.Errorf("refused message was recorded")
			}
		})
	}
}

func TestEditsAndAnswersLikeTelegram(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	keyboard := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Xong", CallbackData: "d:1"}}}}
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "<b>Hạn</b> 20/3", ParseMode: models.ParseModeHTML, ReplyMarkup: keyboard})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Hạn 20/3" || m.From.ID != BotID {
		t.Errorf("returned message %+v", m)
	}
	// Same content, entity spelled differently: still "not modified".
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: m.ID, Text: "<b>H&#7841;n</b> 20/3", ParseMode: models.ParseModeHTML, ReplyMarkup: keyboard})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("identical edit: err = %v", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 42, MessageID: m.ID}); err != nil {
		t.Errorf("removing the keyboard: %v", err)
	}
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: 99, Text: "x"}); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of a missing message: %v", err)
	}
	id := srv.Press(alice, m.ID, "d:1")
	cbID := callbackIDOf(t, srv, id)
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cbID}); err != nil {
		t.Errorf("first answer: %v", err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cbID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second answer to the same press: err = %v, want 400", err)
	}
	msgs := srv.Messages(42)
	if len(msgs) != 1 || msgs[0].Keyboard != nil || msgs[0].Edits != 1 || msgs[0].Plain() != "Hạn 20/3" {
		t.Errorf("chat = %+v", msgs)
	}
	if n := len(srv.Refused()); n != 3 {
		t.Errorf("refusals = %d, want 3 (not modified, not found, answered twice)", n)
	}
}

func TestCommandsAndDocument(t *testing.T) {
	srv := newServer(t)
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	vi := []models.BotCommand{{Command: "tiendo", Description: "Tiến độ một chỉ tiêu"}, {Command: "trogiup", Description: "Trợ giúp"}}
	en := []models.BotCommand{{Command: "progress", Description: "Progress of one indicator"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: vi}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: en, LanguageCode: "en", Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "TienDo", Description: "x"}}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("upper-case command: err = %v, want 400", err)
	}
	got := srv.Commands()
	if len(got[""]) != 2 || got[""][0] != (BotCommand{"tiendo", "Tiến độ một chỉ tiêu"}) || len(got["all_private_chats:en"]) != 1 {
		t.Errorf("commands = %+v", got)
	}

	data := bytes.Repeat([]byte("x"), 1234)
	m, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42, Caption: "Báo cáo <b>tháng 3</b>", ParseMode: models.ParseModeHTML,
		Document: &models.InputFileUpload{Filename: "bao-cao-t3.xlsx", Data: bytes.NewReader(data)}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Document == nil || m.Document.FileName != "bao-cao-t3.xlsx" || m.Caption != "Báo cáo tháng 3" {
		t.Errorf("returned %+v", m)
	}
	s := srv.Sent()
	if len(s) != 1 || s[0].Method != "sendDocument" || s[0].Filename != "bao-cao-t3.xlsx" || s[0].FileSize != 1234 {
		t.Errorf("sent = %+v", s)
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 42, Action: models.ChatActionUploadDocument}); err != nil {
		t.Errorf("sendChatAction: %v", err)
	}
}

func TestWaitIdleAndWaitSent(t *testing.T) {
	srv := newServer(t)
	srv.SendText(alice, "không ai nghe")
	if err := srv.WaitIdle(ctxFor(t, 200*time.Millisecond), 20*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("undelivered update: WaitIdle = %v, want deadline exceeded", err)
	}
	if _, err := srv.WaitSent(ctxFor(t, 100*time.Millisecond), 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("nothing sent: WaitSent = %v", err)
	}
	var e errs
	slow := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		for i := range 3 {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: strings.Repeat("•", i+1)})
			e.add(err)
		}
	}
	srv.SetHandlerDelay(20 * time.Millisecond)
	startBot(t, srv, slow)
	if err := srv.WaitIdle(ctxFor(t, 3*time.Second), 400*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Sent()); n != 3 {
		t.Errorf("idle after %d of 3 answers", n)
	}
	e.check(t)
}

func TestWebhookDelivery(t *testing.T) {
	srv := newServer(t)
	type hit struct {
		secret string
		update models.Update
	}
	hits := make(chan hit, 4)
	fail := 1 // the first delivery fails: Telegram retries
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var u models.Update
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &u)
		hits <- hit{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), u}
	}))
	defer hook.Close()
	b := newClient(t, srv)
	ctx := ctxFor(t, 5*time.Second)
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	id := srv.SendText(alice, "qua webhook")
	select {
	case h := <-hits:
		if h.secret != "s3cret" || h.update.ID != id || h.update.Message.Text != "qua webhook" {
			t.Errorf("webhook got %+v", h)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("update not delivered to the webhook")
	}
	if code, _, desc := poll(t, srv, nil); code != http.StatusConflict || !strings.Contains(desc, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %d %q", code, desc)
	}
	if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		t.Fatal(err)
	}
	if info, err := b.GetWebhookInfo(ctx); err != nil || info.URL != "" {
		t.Errorf("webhook info after delete: %+v %v", info, err)
	}
}

func TestClockDatesMessages(t *testing.T) {
	at := time.Date(2022, 3, 20, 8, 0, 0, 0, time.UTC)
	srv := newServer(t, WithClock(func() time.Time { return at }))
	got := make(chan *models.Update, 1)
	startBot(t, srv, func(ctx context.Context, b *bot.Bot, u *models.Update) {
		got <- u
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "ok"})
	})
	srv.SendText(alice, "giờ?")
	u := <-got
	if u.Message.Date != int(at.Unix()) {
		t.Errorf("message date %d, want %d", u.Message.Date, at.Unix())
	}
	sent, err := srv.WaitSent(ctxFor(t, 3*time.Second), 1)
	if err != nil || !sent[0].At.Equal(at) {
		t.Errorf("sent at %v (%v), want %v", sent, err, at)
	}
}

// callbackIDOf reads the callback id of a queued press, as the bot would.
func callbackIDOf(t *testing.T, srv *Server, updateID int64) string {
	t.Helper()
	srv.mu.Lock()
	body := srv.history[updateID]
	srv.mu.Unlock()
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.CallbackQuery == nil {
		t.Fatalf("update %d is not a callback query: %s (%v)", updateID, body, err)
	}
	return u.CallbackQuery.ID
}

func TestFloodLimits(t *testing.T) {
	send := func(t *testing.T, b *bot.Bot, chatID int64) error {
		t.Helper()
		_, err := b.SendMessage(ctxFor(t, 3*time.Second), &bot.SendMessageParams{ChatID: chatID, Text: "nhắc"})
		return err
	}
	retryAfter := func(err error) int {
		var tm *bot.TooManyRequestsError
		if errors.As(err, &tm) {
			return tm.RetryAfter
		}
		return 0
	}
	// A frozen limiter clock: a slow machine must not let sends slip into
	// the next window.
	frozen := func(srv *Server) *Server {
		at := time.Now()
		srv.floodNow = func() time.Time { return at }
		return srv
	}
	t.Run("one message a second per chat", func(t *testing.T) {
		srv := frozen(newServer(t, WithLimits(TelegramLimits)))
		b := newClient(t, srv)
		if err := send(t, b, 42); err != nil {
			t.Fatal(err)
		}
		if got := retryAfter(send(t, b, 42)); got != 1 {
			t.Errorf("second message in the same second: retry_after %d, want 1", got)
		}
		if err := send(t, b, 43); err != nil {
			t.Errorf("another chat is not limited: %v", err)
		}
		if r := srv.Refused(); len(r) != 1 || r[0].Code != 429 {
			t.Errorf("refusals = %+v, want the 429", r)
		}
	})
	t.Run("per group per minute", func(t *testing.T) {
		srv := frozen(newServer(t, WithLimits(Limits{PerGroupPerMinute: 3})))
		b := newClient(t, srv)
		for i := range 3 {
			if err := send(t, b, -100); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		if got := retryAfter(send(t, b, -100)); got != 60 {
			t.Errorf("4th group message: retry_after %d, want 60", got)
		}
		if err := send(t, b, 42); err != nil {
			t.Errorf("private chats have no per-minute limit: %v", err)
		}
	})
	t.Run("in all", func(t *testing.T) {
		srv := frozen(newServer(t, WithLimits(Limits{PerSecond: 2})))
		b := newClient(t, srv)
		_, _ = send(t, b, 1), send(t, b, 2)
		if got := retryAfter(send(t, b, 3)); got != 1 {
			t.Errorf("3rd message in a second: retry_after %d, want 1", got)
		}
	})
}

func TestEnqueueAnyUpdate(t *testing.T) {
	srv := newServer(t)
	got := make(chan *models.Update, 1)
	startBot(t, srv, func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u })
	id, err := srv.Enqueue(map[string]any{"my_chat_member": map[string]any{
		"chat": map[string]any{"id": 42, "type": "private"}, "from": map[string]any{"id": 42, "is_bot": false, "first_name": "Lan"},
		"date":            1647763200,
		"old_chat_member": map[string]any{"status": "member", "user": map[string]any{"id": BotID, "is_bot": true, "first_name": "x"}},
		"new_chat_member": map[string]any{"status": "kicked", "user": map[string]any{"id": BotID, "is_bot": true, "first_name": "x"}, "until_date": 0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-got:
		if u.ID != id || u.MyChatMember == nil || u.MyChatMember.Chat.ID != 42 {
			t.Errorf("update %+v, want my_chat_member with id %d", u, id)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("not delivered")
	}
	if _, err := srv.Enqueue([]int{1}); err == nil {
		t.Error("Enqueue of a JSON array succeeded")
	}
}

// BenchmarkEchoRoundTrip measures one message in and one answer out through
// the real client: the floor under any handler benchmark.
func BenchmarkEchoRoundTrip(b *testing.B) {
	srv := New()
	defer srv.Close()
	var e errs
	client, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(), bot.WithDefaultHandler(echo(&e)))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { client.Start(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	wait, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	b.ResetTimer()
	for i := range b.N {
		srv.SendText(alice, "ping")
		if _, err := srv.WaitSent(wait, i+1); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPressOnAMessageTheBotNeverSent(t *testing.T) {
	srv := newServer(t)
	got := make(chan *models.CallbackQuery, 1)
	startBot(t, srv, func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u.CallbackQuery })
	srv.Press(alice, 77, "c:old")
	select {
	case cq := <-got:
		if cq == nil || cq.Message.Message != nil || cq.Message.InaccessibleMessage == nil ||
			cq.Message.InaccessibleMessage.MessageID != 77 || cq.Message.InaccessibleMessage.Chat.ID != 42 {
			t.Errorf("callback %+v, want an inaccessible message 77 in chat 42", cq)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("not delivered")
	}
}

// A poller that acknowledges only after handling (bot/telegram/poll.go does) makes
// WaitIdle exact: it waits however long the handler thinks.
func TestWaitIdleWaitsForTheAcknowledgement(t *testing.T) {
	srv := newServer(t)
	id := srv.SendText(alice, "tính lâu")
	go func() {
		r, err := getUpdatesRaw(srv, url.Values{"timeout": {"1"}})
		if err != nil || len(r.ids) != 1 {
			return
		}
		time.Sleep(300 * time.Millisecond) // a slow handler, quiet towards the API
		_, _ = http.PostForm(srv.URL()+"/bot"+srv.Token()+"/sendMessage", url.Values{"chat_id": {"42"}, "text": {"xong"}})
		_, _ = getUpdatesRaw(srv, url.Values{"offset": {strconv.FormatInt(id+1, 10)}, "timeout": {"1"}})
	}()
	if err := srv.WaitIdle(ctxFor(t, 5*time.Second), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if s := srv.Sent(); len(s) != 1 || s[0].Text != "xong" {
		t.Errorf("idle before the handler answered: sent %+v", s)
	}
}

// A bot killed with its request still in the network (the handler delay)
// has not reached Telegram: the message is not sent.
func TestRequestCutShortIsNotCarriedOut(t *testing.T) {
	srv := newServer(t)
	srv.SetHandlerDelay(2 * time.Second)
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "xin chào"})
		done <- err
	}()
	for srv.Calls("sendMessage") == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel() // the client goes away, as a killed process's connection does
	if err := <-done; err == nil {
		t.Fatal("the cut request succeeded")
	}
	srv.SetHandlerDelay(0)
	if err := srv.WaitIdle(ctxFor(t, 5*time.Second), 2500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if s := srv.Sent(); len(s) != 0 {
		t.Errorf("the cut request was carried out: %+v", s)
	}
}
