package zalo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot/store"
	"tiendo/bot/zalotest"
	"tiendo/handlers"
	"tiendo/locales"
)

type memDir struct {
	mu      sync.Mutex
	ids     map[int64]string
	choices map[int64][]string
}

func newMemDir() *memDir { return &memDir{ids: map[int64]string{}, choices: map[int64][]string{}} }

func (d *memDir) RememberZalo(_ context.Context, id int64, z string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids[id] = z
	return nil
}

func (d *memDir) ZaloID(_ context.Context, id int64) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	z, ok := d.ids[id]
	if !ok {
		return "", store.ErrNotFound
	}
	return z, nil
}

func (d *memDir) SetZaloChoices(_ context.Context, chat int64, data []string, _ time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.choices[chat] = data
	return nil
}

func (d *memDir) ZaloChoice(_ context.Context, chat int64, n int) (string, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.choices[chat]
	if n < 1 || n > len(c) {
		return "", false, nil
	}
	return c[n-1], true, nil
}

func TestIDsKeepOutOfTelegramsRanges(t *testing.T) {
	u, g := UserID("e4ea2cd5189df1c3a88c"), ChatID("e4ea2cd5189df1c3a88c", true)
	if u < 1<<62 || g > -(1<<62) || !IsZalo(u) || !IsZalo(g) {
		t.Fatalf("user %d, group %d: outside Zalo's ranges", u, g)
	}
	if UserID("e4ea2cd5189df1c3a88c") != u || UserID("other") == u {
		t.Fatal("UserID is not a stable function of the id")
	}
	if ChatID("e4ea2cd5189df1c3a88c", false) != u {
		t.Fatal("a private chat's id is not its user's")
	}
	for _, tg := range []int64{7_000_000_000, -1_001_234_567_890, 1 << 53} {
		if IsZalo(tg) {
			t.Fatalf("Telegram id %d taken for a Zalo one", tg)
		}
	}
	if id := UpdateID("16f6366b3f02645a3d15"); id != UpdateID(strings.Clone("16f6366b3f02645a3d15")) || UpdateID("a") < store.OtherChannels {
		t.Fatal("UpdateID is not stable or not in the other channels' range")
	}
}

func TestLongHTMLReplyArrivesInOrderedPlainParts(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 5000*2; i++ {
		b.WriteString("<b>Xuất khẩu</b> &amp; nhập khẩu: dòng " + strings.Repeat("x", i%40) + " <i>(triệu USD)</i>\n")
	}
	html := b.String()
	parts := Parts(html, MaxText)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want at least 3", len(parts))
	}
	if got, want := strings.Join(parts, "\n"), strings.TrimSpace(Plain(html)); got != want {
		t.Fatal("the parts joined are not the text in order")
	}
	for i, p := range parts {
		if n := len([]rune(p)); n > MaxText || n == 0 {
			t.Fatalf("part %d has %d characters", i, n)
		}
		if strings.ContainsAny(p, "<>") || strings.Contains(p, "&amp;") {
			t.Fatalf("part %d leaks markup: %.80q", i, p)
		}
	}
	if got := Plain(`Xem <a href="https://x.vn/a?b=1&amp;c=2">bảng</a> &lt;ok&gt;`); got != "Xem bảng (https://x.vn/a?b=1&c=2) <ok>" {
		t.Fatalf("Plain = %q", got)
	}
}

func TestSenderNumberedChoicesAndPress(t *testing.T) {
	srv := zalotest.New()
	defer srv.Close()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := newMemDir()
	s := &Sender{API: NewClient(srv.Token(), srv.URL(), nil), Dir: dir, Cat: cat}
	ctx := context.Background()
	chat := UserID("u1")
	if _, err := s.Send(ctx, chat, "hi", nil); err == nil {
		t.Fatal("sent to a chat the bot never heard from")
	}
	if err := s.Remember(ctx, chat, "u1"); err != nil {
		t.Fatal(err)
	}
	kb := [][]handlers.Button{{{Text: "✅ Xác nhận", Data: "ok:1"}, {Text: "❌ Hủy", Data: "no:1"}}, {{Text: "Hướng dẫn", URL: "https://x.vn/hd"}}}
	if _, err := s.Send(ctx, chat, "<b>Đọc lại</b>: xuất khẩu tháng 3/2026 = 120 triệu USD", kb); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo("u1")
	want := "Đọc lại: xuất khẩu tháng 3/2026 = 120 triệu USD\n\nGõ 1 để ✅ Xác nhận, 2 để ❌ Hủy.\nHướng dẫn: https://x.vn/hd"
	if len(sent) != 1 || sent[0].Text != want {
		t.Fatalf("sent %+v\nwant %q", sent, want)
	}
	for _, tc := range []struct{ text, data string }{{"2", "no:1"}, {" 1 ", "ok:1"}, {"3", ""}, {"1 tháng", ""}} {
		req := handlers.Request{ChatID: chat, Text: tc.text}
		if err := Press(ctx, dir, &req, "m1"); err != nil {
			t.Fatal(err)
		}
		if req.Data != tc.data || (tc.data != "" && (req.CallbackID == "" || req.Text != "")) || (tc.data == "" && req.Text != tc.text) {
			t.Fatalf("%q: %+v", tc.text, req)
		}
	}
	// Answering the press with a notice reaches the chat; an edit without
	// buttons closes the choices.
	if err := s.Answer(ctx, PressID(chat, "m1"), "Đã hết hạn"); err != nil {
		t.Fatal(err)
	}
	if err := s.Edit(ctx, chat, 0, "Đã ghi", nil); err != nil {
		t.Fatal(err)
	}
	if sent := srv.SentTo("u1"); len(sent) != 3 || sent[1].Text != "Đã hết hạn" || sent[2].Text != "Đã ghi" {
		t.Fatalf("sent %+v", sent)
	}
	req := handlers.Request{ChatID: chat, Text: "1"}
	_ = Press(ctx, dir, &req, "m2")
	if req.Data != "" {
		t.Fatal("a choice stayed open after its message was answered")
	}
	if r := srv.Refused(); len(r) != 0 {
		t.Fatalf("refused: %+v", r)
	}
}

func TestPollerDeletesWebhookBacksOffAndHandlesEachMessage(t *testing.T) {
	srv := zalotest.New(zalotest.WithMaxPoll(200 * time.Millisecond))
	defer srv.Close()
	api := NewClient(srv.Token(), srv.URL(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := api.SetWebhook(ctx, "https://bot.example.vn/zalo", "0123456789"); err != nil {
		t.Fatal(err)
	}
	srv.FailNext("getUpdates", 2, 502)
	got := make(chan string, 10)
	p := &Poller{API: api, Timeout: time.Second, Chats: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handle: func(_ context.Context, u *Update) bool { got <- u.Message.Text; return true }}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(pctx); close(done) }()
	srv.SendText(zalotest.From{UserID: "u1"}, "một")
	srv.SendText(zalotest.From{UserID: "u1"}, "hai")
	for _, want := range []string{"một", "hai"} {
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("handled %q, want %q (in order)", g, want)
			}
		case <-ctx.Done():
			t.Fatalf("%q never handled", want)
		}
	}
	stop()
	<-done
	if srv.Webhook() != "" || srv.Calls("getUpdates") < 3 {
		t.Fatalf("webhook %q, %d polls", srv.Webhook(), srv.Calls("getUpdates"))
	}
}

type memFiles struct {
	mu    sync.Mutex
	files map[string][2]string
}

func (m *memFiles) SaveFile(_ context.Context, id, name string, data []byte, _ time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[id] = [2]string{name, string(data)}
	return nil
}

func (m *memFiles) File(_ context.Context, id string) (string, []byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[id]
	if !ok {
		return "", nil, store.ErrNotFound
	}
	return f[0], []byte(f[1]), nil
}

func TestLinksExpireAndRefuseChanges(t *testing.T) {
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	l := &Links{Base: "https://bot.example.vn", Key: []byte("0123456789abcdef"), Store: &memFiles{files: map[string][2]string{}},
		Now: func() time.Time { return now }}
	link, err := l.Publish(context.Background(), "bảng số liệu.xlsx", []byte("PK data"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string) {
		rec := httptest.NewRecorder()
		l.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, l.Base), nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get(link); code != 200 || body != "PK data" {
		t.Fatalf("GET %s: %d %q", link, code, body)
	}
	later := strings.Replace(link, "e=", "e=9", 1)
	if code, _ := get(later); code != 404 {
		t.Fatalf("a link with its expiry pushed back: %d, want 404", code)
	}
	now = now.Add(LinkTTL + time.Second)
	if code, _ := get(link); code != 410 {
		t.Fatalf("an expired link: %d, want 410", code)
	}
}

// A reply of 5000 characters arrives through the platform as ordered parts
// of at most 2000 characters, without markup, the choices on the last.
func TestLongReplyThroughThePlatform(t *testing.T) {
	srv := zalotest.New()
	defer srv.Close()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Sender{API: NewClient(srv.Token(), srv.URL(), nil), Dir: newMemDir(), Cat: cat}
	ctx := context.Background()
	chat := UserID("u9")
	_ = s.Remember(ctx, chat, "u9")
	var b strings.Builder
	for i := 0; len([]rune(Plain(b.String()))) < 5000; i++ {
		fmt.Fprintf(&b, "<b>%03d</b> Kim ngạch xuất khẩu &amp; nhập khẩu — <i>Bến Lức</i>: 520 triệu USD\n", i)
	}
	if _, err := s.Send(ctx, chat, b.String(), [][]handlers.Button{{{Text: "Xác nhận", Data: "ok:9"}}}); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo("u9")
	if len(sent) < 3 {
		t.Fatalf("%d messages, want at least 3", len(sent))
	}
	next := 0
	for i, m := range sent {
		if n := len([]rune(m.Text)); n > zalotest.MaxText {
			t.Fatalf("message %d: %d characters", i, n)
		}
		if strings.ContainsAny(m.Text, "<>") || strings.Contains(m.Text, "&amp;") {
			t.Fatalf("message %d leaks markup", i)
		}
		for _, line := range strings.Split(m.Text, "\n") {
			var k int
			if _, err := fmt.Sscanf(line, "%03d", &k); err == nil {
				if k != next {
					t.Fatalf("line %d arrived where %d was due", k, next)
				}
				next++
			}
		}
	}
	if !strings.HasSuffix(sent[len(sent)-1].Text, "Gõ 1 để Xác nhận.") {
		t.Fatalf("last message does not end with the choices: %q", sent[len(sent)-1].Text)
	}
	if len(srv.Refused()) != 0 {
		t.Fatalf("refused: %+v", srv.Refused())
	}
}

// Each call is told to Observe with its outcome: ok, the 408 of an empty
// long poll, a 5xx, and no answer at all (network), never with the token.
func TestClientObservesOutcomes(t *testing.T) {
	type call struct{ method, outcome string }
	var got []call
	code := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		if code == http.StatusOK {
			_, _ = w.Write([]byte(`{"ok":true,"result":{"message_id":"m1","date":1}}`))
			return
		}
		_, _ = fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":"x"}`, code)
	}))
	c := NewClient("123:secret", srv.URL, nil)
	c.Observe = func(method, outcome string, _ time.Duration) { got = append(got, call{method, outcome}) }
	ctx := context.Background()
	if _, err := c.SendMessage(ctx, "u1", "hi"); err != nil {
		t.Fatal(err)
	}
	code = http.StatusRequestTimeout
	if u, _, err := c.GetUpdates(ctx, time.Second); err != nil || u != nil {
		t.Fatalf("408: %v %v", u, err)
	}
	code = http.StatusBadGateway
	if _, _, err := c.GetUpdates(ctx, time.Second); err == nil {
		t.Fatal("502: no error")
	}
	code = http.StatusTooManyRequests
	_, _ = c.SendMessage(ctx, "u1", "hi")
	srv.Close()
	if _, _, err := c.GetUpdates(ctx, time.Second); err == nil {
		t.Fatal("unreachable: no error")
	}
	want := []call{{"sendMessage", "ok"}, {"getUpdates", "no_update"}, {"getUpdates", "5xx"}, {"sendMessage", "429"}, {"getUpdates", "network"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("observed %v, want %v", got, want)
	}
	if MethodLabel("bot123:secret") != "other" || MethodLabel("sendPhoto") != "sendPhoto" {
		t.Error("MethodLabel lets an unknown method through")
	}
}

// An upload link works for its chat and form until it expires: changed in
// any way it is 404 before the body is read, expired it is 410; a file
// over the limit is 413 and never reaches Handle.
func TestUploadLinks(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var got []Upload
	u := &Uploads{Base: "https://bot.example", Key: []byte("0123456789abcdef"), MaxSize: 1000, Cat: cat,
		Now:    func() time.Time { return now },
		Handle: func(_ context.Context, up Upload) UploadResult { got = append(got, up); return UploadHandled }}
	chat := UserID("abc")
	link := u.Link(chat, "mau.xlsx")
	post := func(link string, data []byte) int {
		var body strings.Builder
		body.WriteString("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\mau.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n")
		body.Write(data)
		body.WriteString("\r\n--B--\r\n")
		r := httptest.NewRequest(http.MethodPost, link, strings.NewReader(body.String()))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		w := httptest.NewRecorder()
		u.ServeHTTP(w, r)
		return w.Code
	}
	if c := post(link, []byte("PK data")); c != http.StatusOK || len(got) != 1 || got[0].Chat != chat || got[0].Name != "mau.xlsx" || string(got[0].Data) != "PK data" {
		t.Fatalf("upload: %d %+v", c, got)
	}
	if post(link, []byte("PK data")); len(got) != 2 || got[0].ID != got[1].ID {
		t.Errorf("the same file twice through one link: ids %v, want the same", got)
	}
	if post(link, []byte("PK other")); got[2].ID == got[0].ID {
		t.Error("another file has the same update id")
	}
	for _, bad := range []string{
		strings.Replace(link, "mau.xlsx", "mau2.xlsx", 1),
		strings.Replace(link, "/u/", "/u/"+fmt.Sprint(UserID("xyz"))+"/", 1),
		link[:len(link)-3] + "abc",
		strings.Replace(link, "e=", "e=1", 1),
	} {
		if c := post(bad, []byte("PK")); c != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", bad, c)
		}
	}
	if c := post(link, make([]byte, 1001)); c != http.StatusRequestEntityTooLarge {
		t.Errorf("1001 bytes: %d, want 413", c)
	}
	n := len(got)
	now = now.Add(UploadTTL + time.Second)
	if c := post(link, []byte("PK data")); c != http.StatusGone {
		t.Errorf("expired: %d, want 410", c)
	}
	if len(got) != n {
		t.Errorf("%d uploads handled through bad links", len(got)-n)
	}
}

// A private text about sending a file (no figure in it), a bare photo and
// an event Zalo does not deliver (a file) stand for /maubaocao; in a group,
// or with a figure, a text stays what it is.
func TestFileEventsStandForTheForm(t *testing.T) {
	ev := func(name, text, chatType string) *Update {
		u := &Update{EventName: name}
		u.Message.MessageID, u.Message.From.ID, u.Message.Chat.ID, u.Message.Chat.ChatType = "m", "u", "u", chatType
		u.Message.Text = text
		return u
	}
	for _, c := range []struct {
		u    *Update
		want string
		ok   bool
	}{
		{ev("message.text.received", "Em đã gửi file báo cáo tháng 4/2026 rồi ạ", "PRIVATE"), "/maubaocao", true},
		{ev("message.text.received", "gửi tệp thế nào?", "PRIVATE"), "/maubaocao", true},
		{ev("message.text.received", "FILE ĐÍNH KÈM", "PRIVATE"), "/maubaocao", true},
		{ev("message.text.received", "gửi file: xuất khẩu tháng 4 đạt 520 triệu USD", "PRIVATE"), "gửi file: xuất khẩu tháng 4 đạt 520 triệu USD", true},
		{ev("message.text.received", "em gửi file rồi", "GROUP"), "em gửi file rồi", true},
		{ev("message.text.received", "profile của tôi", "PRIVATE"), "profile của tôi", true},
		{ev("message.image.received", "", "PRIVATE"), "/maubaocao", true},
		{ev("message.unsupported.received", "", "PRIVATE"), "/maubaocao", true},
		{ev("message.unsupported.received", "", "GROUP"), "", false},
		{ev("message.sticker.received", "", "PRIVATE"), "", false},
	} {
		req, ok := Request(c.u)
		if ok != c.ok || req.Text != c.want {
			t.Errorf("%s %q (%s) = %q %v, want %q %v", c.u.EventName, c.u.Message.Text, c.u.Message.Chat.ChatType, req.Text, ok, c.want, c.ok)
		}
	}
}
