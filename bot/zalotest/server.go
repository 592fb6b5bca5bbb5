// Package zalotest is an in-process Zalo Bot API on loopback, from the
// platform's public documentation, for tests of the Zalo channel:
//
//	srv := zalotest.New()
//	defer srv.Close()
//	// point the bot at srv.URL() with token srv.Token()
//	id := srv.SendText(zalotest.From{UserID: "u1"}, "tiến độ xuất khẩu")
//	sent, err := srv.WaitSent(ctx, 1)
//
// Every call is a POST of a JSON body to /bot<token>/<method>; answers are
// {"ok":true,"result":…} or {"ok":false,"error_code":N,"description":"…"}
// with the HTTP status equal to error_code (401 for a wrong token, 404 for
// an unknown method, 400 for a refusal).
//
// Receiving follows the platform: getUpdates ({"timeout":"30"}, seconds,
// as a string or a number) answers ONE update object, not an array, and
// takes no offset; with nothing queued it waits up to its timeout and then
// answers 408. An update once answered is gone: there is nothing to
// acknowledge, so a bot must deduplicate by message_id itself, and
// Redeliver queues the same update (same message_id) again to test that.
// While a webhook is set, getUpdates is refused (400) and each update is
// POSTed to the webhook URL with the header X-Bot-Api-Secret-Token; an
// update the webhook does not answer with 2xx is posted again shortly
// (WithWebhookOnce: never, for the platform does not promise it).
//
// Ids (message_id, chat.id, from.id) are strings; date is in milliseconds.
//
// It refuses with 400, as the platform would, sendMessage with an empty text
// or one over 2000 characters, a caption over 2000 characters, a sendPhoto
// whose photo is not an http(s) URL or whose URL cannot be fetched (the
// server fetches it, as Zalo does, and records the bytes in Sent.Data), a
// setWebhook secret_token outside 8–256 characters. Every refusal is kept in
// Refused so a test can assert there were none. There are no buttons, no
// callbacks, no documents and no edits, as on the platform.
//
// For tests of failures: FailNext answers a method's next calls with an
// error code, SetSendDelay keeps replies in flight (to kill the bot under
// them). Terminal (terminal.go) is the terminal chat of `tiendo -channel
// zalo`.
package zalotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The bot this server pretends to be.
const (
	BotID     = "2000"
	FakeToken = BotID + ":ZALOTEST"
	botName   = "Tiến Độ"
)

// Limits the server enforces with 400, like the platform.
const (
	MaxText      = 2000 // sendMessage text, characters
	MaxCaption   = 2000 // sendPhoto caption, characters
	minSecretLen = 8
	maxSecretLen = 256
	// defaultTimeout is getUpdates' wait when the client asks none.
	defaultTimeout = 30 * time.Second
)

// SecretHeader is the header carrying a webhook's secret token.
const SecretHeader = "X-Bot-Api-Secret-Token"

// ErrClosed is returned by the waits when the server is closed under them.
var ErrClosed = errors.New("zalotest: server closed")

// From is a simulated person writing to the bot.
type From struct {
	UserID string
	Name   string // display_name; "Người dùng <UserID>" when empty
	// ChatID "" means the private chat with the user (ChatID = UserID).
	ChatID string
	// ChatType is "PRIVATE" (default) or "GROUP".
	ChatType string
}

// Sent is one accepted call of the bot that a person could notice
// (sendMessage, sendPhoto).
type Sent struct {
	Method    string
	ChatID    string
	MessageID string
	Text      string // sendMessage text, or sendPhoto caption
	Photo     string // sendPhoto: the URL as sent
	// Data and ContentType are what the server fetched from Photo.
	Data        []byte
	ContentType string
	At          time.Time
}

// Refusal is a call the server refused as the platform would.
type Refusal struct {
	Method      string
	ChatID      string
	Code        int
	Description string
	Text        string
}

// Option configures a Server.
type Option func(*Server)

// WithMaxPoll caps how long getUpdates waits, whatever timeout the client
// asks for.
func WithMaxPoll(d time.Duration) Option { return func(s *Server) { s.maxPoll = d } }

// WithWebhookOnce makes the server post each update to the webhook once,
// whatever the answer: the platform's documentation does not say that it
// posts again an update the bot did not answer 200 (a bot killed while
// handling it), so the bot must not count on it.
func WithWebhookOnce() Option { return func(s *Server) { s.postOnce = true } }

// WithClock sets the clock for message dates and Sent.At.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is the double. Its methods are safe for concurrent use.
type Server struct {
	token   string
	url     string
	srv     *http.Server
	ln      net.Listener
	now     func() time.Time
	maxPoll time.Duration
	fetch   *http.Client
	// postOnce: an update posted to the webhook is not posted again
	// (WithWebhookOnce).
	postOnce bool

	mu      sync.Mutex
	queue   []json.RawMessage
	updates map[string]json.RawMessage // by message_id, for Redeliver
	sent    []Sent
	refused []Refusal
	calls   map[string]int
	faults  map[string][]int // method → error codes to answer next
	delay   time.Duration    // before answering a send (SetSendDelay)
	webhook struct {
		url, secret string
		at          time.Time
	}
	changed chan struct{} // closed and replaced on every change
	done    chan struct{}
	wg      sync.WaitGroup
}

// New starts a server on a free loopback port.
func New(opts ...Option) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("zalotest: listen: %v", err))
	}
	s := &Server{
		token: FakeToken, ln: ln, url: "http://" + ln.Addr().String(),
		now:     time.Now,
		fetch:   &http.Client{Timeout: 10 * time.Second},
		updates: map[string]json.RawMessage{},
		calls:   map[string]int{},
		faults:  map[string][]int{},
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); _ = s.srv.Serve(ln) }()
	go func() { defer s.wg.Done(); s.deliver() }()
	return s
}

// URL is the base URL to give the bot (ZALO_API_URL).
func (s *Server) URL() string { return s.url }

// Token is the bot token the server accepts (ZALO_BOT_TOKEN).
func (s *Server) Token() string { return s.token }

// Close stops the server; waits under way return ErrClosed.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
	}
	close(s.done)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	s.wg.Wait()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// newID is a message id shaped like the platform's: 20 hex digits.
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SendText queues a text message from a person and returns its message_id.
func (s *Server) SendText(from From, text string) (messageID string) {
	chatID, typ := from.ChatID, from.ChatType
	if chatID == "" {
		chatID = from.UserID
	}
	if typ == "" {
		typ = "PRIVATE"
	}
	name := from.Name
	if name == "" {
		name = "Người dùng " + from.UserID
	}
	id := newID()
	u := map[string]any{
		"event_name": "message.text.received",
		"message": map[string]any{
			"message_id": id,
			"date":       s.now().UnixMilli(),
			"chat":       map[string]any{"id": chatID, "chat_type": typ},
			"from":       map[string]any{"id": from.UserID, "display_name": name, "is_bot": false},
			"text":       text,
		},
	}
	raw, _ := json.Marshal(u)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates[id] = raw
	s.queue = append(s.queue, raw)
	s.notifyLocked()
	return id
}

// Redeliver queues again the update of messageID, as the platform may: a
// bot must handle it once. It reports whether the message is known.
func (s *Server) Redeliver(messageID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.updates[messageID]
	if ok {
		s.queue = append(s.queue, raw)
		s.notifyLocked()
	}
	return ok
}

// Enqueue queues an update given as any JSON-marshalable value (an event
// the helpers do not build: an image, a sticker, …).
func (s *Server) Enqueue(update any) error {
	raw, err := json.Marshal(update)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, raw)
	s.notifyLocked()
	return nil
}

// Queued is how many updates wait to be taken.
func (s *Server) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// FailNext makes the next n calls of method fail with code (500, 429, …).
func (s *Server) FailNext(method string, n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], code)
	}
}

// SetSendDelay makes sendMessage and sendPhoto wait d before they are
// accepted, so that a reply is in flight (a test kills the bot then); a
// send whose client went away meanwhile is not recorded.
func (s *Server) SetSendDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Sent returns the accepted sends, oldest first.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the accepted sends to chatID, oldest first.
func (s *Server) SentTo(chatID string) []Sent {
	var out []Sent
	for _, m := range s.Sent() {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Refused returns the calls refused as the platform would.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refused...)
}

// Calls is how many times method was called (accepted or not).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Webhook returns the webhook URL set, "" when none.
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url
}

// WaitSent waits until at least n sends were accepted and returns them all.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	return s.wait(ctx, func() bool { return len(s.sent) >= n })
}

// WaitSentTo waits until at least n sends to chatID were accepted and
// returns those.
func (s *Server) WaitSentTo(ctx context.Context, chatID string, n int) ([]Sent, error) {
	_, err := s.wait(ctx, func() bool {
		k := 0
		for _, m := range s.sent {
			if m.ChatID == chatID {
				k++
			}
		}
		return k >= n
	})
	if err != nil {
		return s.SentTo(chatID), err
	}
	return s.SentTo(chatID), nil
}

// WaitDrained waits until every queued update was taken.
func (s *Server) WaitDrained(ctx context.Context) error {
	_, err := s.wait(ctx, func() bool { return len(s.queue) == 0 })
	return err
}

func (s *Server) wait(ctx context.Context, cond func() bool) ([]Sent, error) {
	for {
		s.mu.Lock()
		if cond() {
			out := append([]Sent(nil), s.sent...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Sent(), ctx.Err()
		case <-s.done:
			return s.Sent(), ErrClosed
		}
	}
}

// apiError is a refusal or an injected fault.
type apiError struct {
	code     int
	desc     string
	injected bool
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: desc} }

// params is a call's JSON body; values may be strings or numbers.
type params map[string]any

func (p params) str(k string) string {
	switch v := p[k].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// ServeHTTP answers /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	tok, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	s.mu.Lock()
	s.calls[method]++
	var fault *apiError
	if f := s.faults[method]; len(f) > 0 {
		fault = &apiError{code: f[0], desc: http.StatusText(f[0]), injected: true}
		s.faults[method] = f[1:]
	}
	s.mu.Unlock()
	if tok != s.token {
		s.refuse(method, "", &apiError{code: 401, desc: "Unauthorized"}, "")
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, &apiError{code: 405, desc: "Method Not Allowed"})
		return
	}
	p := params{}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		err = dec.Decode(&p)
	}
	if err != nil {
		e := badRequest("invalid JSON body")
		s.refuse(method, "", e, "")
		writeError(w, e)
		return
	}
	if fault != nil {
		writeError(w, fault)
		return
	}
	if method == "sendMessage" || method == "sendPhoto" {
		s.mu.Lock()
		d := s.delay
		s.mu.Unlock()
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
			case <-s.done:
			}
			t.Stop()
			if r.Context().Err() != nil {
				return
			}
		}
	}
	var res any
	var e *apiError
	switch method {
	case "getMe":
		res = map[string]any{"id": BotID, "account_name": "bot.tiendo", "account_type": "BASIC", "can_join_groups": false, "display_name": botName}
	case "getUpdates":
		res, e = s.getUpdates(r.Context(), p)
	case "setWebhook":
		res, e = s.setWebhook(p)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook.url, s.webhook.secret = "", ""
		s.webhook.at = s.now()
		s.notifyLocked()
		s.mu.Unlock()
		res = map[string]any{"url": "", "updated_at": s.now().UnixMilli()}
	case "getWebhookInfo":
		s.mu.Lock()
		res = map[string]any{"url": s.webhook.url, "updated_at": s.webhook.at.UnixMilli()}
		s.mu.Unlock()
	case "sendMessage":
		res, e = s.sendMessage(p)
	case "sendPhoto":
		res, e = s.sendPhoto(r.Context(), p)
	case "sendChatAction":
		if p.str("chat_id") == "" {
			e = badRequest("chat_id is required")
		} else {
			res = map[string]any{}
		}
	default:
		e = &apiError{code: 404, desc: "Not Found: method not found"}
	}
	if e != nil {
		if e.code != http.StatusRequestTimeout {
			s.refuse(method, p.str("chat_id"), e, p.str("text")+p.str("caption"))
		}
		writeError(w, e)
		return
	}
	writeResult(w, res)
}

func (s *Server) getUpdates(ctx context.Context, p params) (any, *apiError) {
	wait := defaultTimeout
	if t := p.str("timeout"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return nil, badRequest("timeout must be a number of seconds")
		}
		wait = time.Duration(n) * time.Second
	}
	if s.maxPoll > 0 {
		wait = min(wait, s.maxPoll)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, badRequest("getUpdates is not available while a webhook is set")
		}
		if len(s.queue) > 0 {
			raw := s.queue[0]
			s.queue = s.queue[1:]
			s.notifyLocked()
			s.mu.Unlock()
			return raw, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return nil, &apiError{code: http.StatusRequestTimeout, desc: "Request timeout"}
		case <-ctx.Done():
			return nil, &apiError{code: http.StatusRequestTimeout, desc: "Request timeout"}
		case <-s.done:
			return nil, &apiError{code: http.StatusRequestTimeout, desc: "Request timeout"}
		}
	}
}

func (s *Server) setWebhook(p params) (any, *apiError) {
	u, secret := p.str("url"), p.str("secret_token")
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return nil, badRequest("url must be an https URL")
	}
	if n := utf8.RuneCountInString(secret); n < minSecretLen || n > maxSecretLen {
		return nil, badRequest("secret_token must be 8 to 256 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook.url, s.webhook.secret, s.webhook.at = u, secret, s.now()
	s.notifyLocked()
	return map[string]any{"url": u, "updated_at": s.webhook.at.UnixMilli()}, nil
}

func (s *Server) answer(m Sent) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	s.notifyLocked()
	return map[string]any{"message_id": m.MessageID, "date": m.At.UnixMilli()}
}

func (s *Server) sendMessage(p params) (any, *apiError) {
	chat, text := p.str("chat_id"), p.str("text")
	if chat == "" {
		return nil, badRequest("chat_id is required")
	}
	if n := utf8.RuneCountInString(text); n < 1 || n > MaxText {
		return nil, badRequest(fmt.Sprintf("text must be 1 to %d characters, got %d", MaxText, n))
	}
	return s.answer(Sent{Method: "sendMessage", ChatID: chat, MessageID: newID(), Text: text, At: s.now()}), nil
}

func (s *Server) sendPhoto(ctx context.Context, p params) (any, *apiError) {
	chat, photo, caption := p.str("chat_id"), p.str("photo"), p.str("caption")
	if chat == "" {
		return nil, badRequest("chat_id is required")
	}
	if n := utf8.RuneCountInString(caption); n > MaxCaption {
		return nil, badRequest(fmt.Sprintf("caption must be at most %d characters, got %d", MaxCaption, n))
	}
	if !strings.HasPrefix(photo, "https://") && !strings.HasPrefix(photo, "http://") {
		return nil, badRequest("photo must be a URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, photo, nil)
	if err != nil {
		return nil, badRequest("photo must be a URL")
	}
	resp, err := s.fetch.Do(req)
	if err != nil {
		return nil, badRequest("photo: cannot fetch the URL")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 20<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, badRequest(fmt.Sprintf("photo: the URL answered HTTP %d", resp.StatusCode))
	}
	return s.answer(Sent{Method: "sendPhoto", ChatID: chat, MessageID: newID(), Text: caption, Photo: photo,
		Data: data, ContentType: resp.Header.Get("Content-Type"), At: s.now()}), nil
}

// deliver posts queued updates to the webhook while one is set.
func (s *Server) deliver() {
	client := &http.Client{Timeout: 30 * time.Second}
	for {
		s.mu.Lock()
		url, secret := s.webhook.url, s.webhook.secret
		var raw json.RawMessage
		if url != "" && len(s.queue) > 0 {
			raw = s.queue[0]
		}
		ch := s.changed
		s.mu.Unlock()
		if raw == nil {
			select {
			case <-ch:
				continue
			case <-s.done:
				return
			}
		}
		ok := false
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(SecretHeader, secret)
			if resp, err := client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				ok = resp.StatusCode/100 == 2
			}
		}
		if ok || s.postOnce {
			s.mu.Lock()
			if len(s.queue) > 0 && bytes.Equal(s.queue[0], raw) {
				s.queue = s.queue[1:]
				s.notifyLocked()
			}
			s.mu.Unlock()
			continue
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-s.done:
			return
		}
	}
}

func (s *Server) refuse(method, chatID string, e *apiError, text string) {
	if e.injected {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = append(s.refused, Refusal{Method: method, ChatID: chatID, Code: e.code, Description: e.desc, Text: text})
	s.notifyLocked()
}

func writeResult(w http.ResponseWriter, res any) {
	body, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, res})
	if err != nil {
		writeError(w, &apiError{code: 500, desc: "Internal Server Error"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body, _ := json.Marshal(struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
	}{false, e.code, e.desc})
	w.Header().Set("Content-Type", "application/json")
	code := e.code
	if code < 400 || code > 599 {
		code = http.StatusInternalServerError
	}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
