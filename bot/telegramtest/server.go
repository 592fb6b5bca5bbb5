package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The bot this server pretends to be. The token's numeric prefix is the bot
// id, as in real tokens, so go-telegram's (*bot.Bot).ID() agrees with getMe.
const (
	BotID       int64 = 1000
	BotUsername       = "TienDoBot"
	FakeToken         = "1000:TEST"
	botName           = "Tiến Độ"
)

// Telegram's limits that the server enforces with 400, like Telegram.
const (
	MaxTextLen         = 4096 // message text, UTF-16 code units after entity parsing
	MaxCaptionLen      = 1024 // document caption, same unit
	MaxCallbackData    = 64   // callback_data, bytes
	MaxCallbackAnswer  = 200  // answerCallbackQuery text, UTF-16 code units
	maxCommands        = 100
	maxCommandDescLen  = 256
	defaultUpdateLimit = 100
)

// ErrClosed is returned by the waits when the server is closed under them.
var ErrClosed = errors.New("telegramtest: server closed")

// From is a simulated person writing to the bot.
type From struct {
	UserID       int64
	FirstName    string
	Username     string
	LanguageCode string
	// ChatID 0 means the private chat with the user (ChatID = UserID); for a
	// group or supergroup with ChatID 0 the chat is -UserID.
	ChatID int64
	// ChatType is "private" (default), "group" or "supergroup".
	ChatType  string
	ChatTitle string
}

// Button is one inline keyboard button as the bot sent it.
type Button struct{ Text, Data, URL string }

// Sent is one accepted call of the bot that a person could notice. In
// Messages it is instead the current state of one bot message.
type Sent struct {
	Method    string // as the bot spelled it, e.g. "sendMessage"
	ChatID    int64
	MessageID int
	// Text is the message text or document caption as sent (HTML source when
	// ParseMode is HTML), or the notification text of answerCallbackQuery.
	// Empty for editMessageReplyMarkup.
	Text       string
	ParseMode  string
	Keyboard   [][]Button // inline keyboard; nil when none
	At         time.Time  // server clock (WithClock)
	CallbackID string     // answerCallbackQuery
	ShowAlert  bool       // answerCallbackQuery
	Filename   string     // sendDocument, sendPhoto
	FileSize   int64      // sendDocument, sendPhoto: bytes uploaded
	// ContentType is the uploaded part's Content-Type as the client sent it;
	// Data its bytes (sendDocument, sendPhoto).
	ContentType string
	Data        []byte
	// Width and Height are the decoded size of a sendPhoto's picture.
	Width, Height int
	Edits         int // Messages only: how many edits were applied
}

// Plain is what a person reads: Render(Text) for HTML, else Text.
func (m Sent) Plain() string {
	if strings.EqualFold(m.ParseMode, "HTML") {
		return Render(m.Text)
	}
	return m.Text
}

// Refusal is a call the server refused as Telegram would (bad token, unknown
// method, 400 validation, 409 conflicting pollers, 429 under WithLimits):
// each one is a bug in the bot or a sign of one. Injected faults (FailNext)
// and blocked users (Block) are not refusals.
type Refusal struct {
	Method      string
	ChatID      int64
	Code        int
	Description string
	Text        string
	At          time.Time
}

// BotCommand is one entry of the bot's command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Option configures a Server.
type Option func(*Server)

// WithMaxPoll caps how long getUpdates waits for updates, whatever timeout
// the client asks for; with it a test that forgets to cancel its bot still
// ends quickly. 0 (the default) honours the client's timeout as Telegram does.
func WithMaxPoll(d time.Duration) Option { return func(s *Server) { s.maxPoll = d } }

// WithClock sets the clock for message dates and Sent.At, so a test with a
// fake clock sees consistent dates. Idle detection always uses real time.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Limits are flood limits in messages (sendMessage, sendDocument); a zero
// field is no limit.
type Limits struct {
	PerChatPerSecond  int
	PerGroupPerMinute int // groups and supergroups
	PerSecond         int // all chats together
}

// TelegramLimits are the Bot FAQ's figures. Telegram tolerates short bursts
// above them; the server does not, so a bot that passes is safe.
var TelegramLimits = Limits{PerChatPerSecond: 1, PerGroupPerMinute: 20, PerSecond: 30}

// WithLimits makes sends over l fail with 429 and a retry_after of the whole
// seconds until the send would pass, like Telegram's flood control. Such a
// 429 is a Refusal: with limits on, it means the bot's own limiter failed.
// Windows use real time, not WithClock.
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = l } }

// Server is an in-process Telegram Bot API on loopback. It is safe for
// concurrent use.
type Server struct {
	conns   atomic.Int64 // TCP connections accepted
	token   string
	maxPoll time.Duration
	limits  Limits
	now     func() time.Time
	url     string
	http    *http.Server
	done    chan struct{}
	closing sync.Once

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every change
	nextUpdate   int64
	queue        []*queued
	history      map[int64]json.RawMessage
	pollSeq      int64 // the newest getUpdates; older ones get 409
	sent         []Sent
	refused      []Refusal
	calls        map[string]int
	commands     map[string][]BotCommand
	faults       map[string][]*fault
	chats        map[int64]*chat
	callbacks    map[string]*callback
	nextCallback int64
	blocked      map[int64]bool
	handlerDelay time.Duration
	inflight     int
	lastActivity time.Time
	webhook      webhook
	floodAll     []time.Time
	floodChat    map[int64][]time.Time
	floodNow     func() time.Time // real time; tests replace it
	userFiles    map[string]userFile
	nextFile     int
}

// userFile is a file a person sent, for getFile and the download URL.
type userFile struct {
	id, path string
	data     []byte
}

type queued struct {
	id        int64
	body      json.RawMessage
	delivered bool
	forced    bool // a Redeliver copy: returned whatever the offset, acknowledged by the next getUpdates
}

type fault struct {
	code, retryAfter, left int
}

type callback struct {
	chatID    int64
	messageID int
	answered  bool
}

type webhook struct {
	url, secret string
	gen         int
	lastError   string
	lastErrorAt time.Time
}

// chat holds the messages of one chat, both sides, with one message id
// sequence as in Telegram.
type chat struct {
	id                        int64
	typ, title, first, handle string
	nextID                    int
	order                     []*message
	byID                      map[int]*message
}

type message struct {
	id        int
	fromBot   bool
	method    string
	text      string
	parseMode string
	plain     string
	canon     string
	kb        [][]Button
	at        time.Time
	edits     int
	filename  string
	size      int64
	width     int // sendPhoto
	height    int
}

// New starts a server listening on 127.0.0.1:0. It panics if it cannot
// listen, as httptest.NewServer does. Close stops it.
func New(opts ...Option) *Server {
	s := &Server{
		token:        FakeToken,
		now:          time.Now,
		done:         make(chan struct{}),
		changed:      make(chan struct{}),
		nextUpdate:   1,
		history:      map[int64]json.RawMessage{},
		calls:        map[string]int{},
		commands:     map[string][]BotCommand{},
		faults:       map[string][]*fault{},
		chats:        map[int64]*chat{},
		callbacks:    map[string]*callback{},
		blocked:      map[int64]bool{},
		floodChat:    map[int64][]time.Time{},
		floodNow:     time.Now,
		lastActivity: time.Now(),
		userFiles:    map[string]userFile{},
	}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("telegramtest: listen on loopback: %v", err))
	}
	s.url = "http://" + ln.Addr().String()
	// Clients that hang up mid-poll are normal here; their noise is not.
	s.http = &http.Server{Handler: s, ErrorLog: log.New(io.Discard, "", 0),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.conns.Add(1)
			}
		}}
	go func() { _ = s.http.Serve(ln) }()
	return s
}

// URL is the base URL to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.url }

// Connections is how many TCP connections clients have opened to the
// server: a client that keeps none alive opens one per request.
func (s *Server) Connections() int64 { return s.conns.Load() }

// Token is the only token the server accepts; others get 401.
func (s *Server) Token() string { return s.token }

// Close releases pending long polls and stops the server. Calls after Close
// fail with connection errors. Close is idempotent.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			_ = s.http.Close()
		}
	})
}

// SetHandlerDelay makes every method except getUpdates wait d before it
// acts and answers, like a slow network. A request whose client goes away
// during the wait (the bot was killed) is not carried out, as a request
// that never fully reached Telegram.
func (s *Server) SetHandlerDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlerDelay = d
}

// notifyLocked wakes every waiter; the caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ---- simulated users ----

// chatForLocked finds or creates the chat a person writes in.
func (s *Server) chatForLocked(f From) *chat {
	typ := f.ChatType
	if typ == "" {
		typ = "private"
	}
	id := f.chatID()
	c := s.chatLocked(id)
	c.typ = typ
	if typ == "private" {
		c.first, c.handle = firstName(f), f.Username
	} else {
		c.title = f.ChatTitle
		if c.title == "" {
			c.title = "Group " + strconv.FormatInt(-id, 10)
		}
	}
	return c
}

// chatLocked finds or creates a chat by id. Unknown chats are created rather
// than refused: a test may message a user before that user ever wrote.
func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		c = &chat{id: id, typ: "private", byID: map[int]*message{}}
		if id < 0 {
			c.typ, c.title = "group", "Group "+strconv.FormatInt(-id, 10)
		}
		s.chats[id] = c
	}
	return c
}

func (c *chat) add(m *message) {
	c.nextID++
	m.id = c.nextID
	c.order = append(c.order, m)
	c.byID[m.id] = m
}

func firstName(f From) string {
	if f.FirstName != "" {
		return f.FirstName
	}
	return "User " + strconv.FormatInt(f.UserID, 10)
}

func (s *Server) enqueueLocked(build func(id int64) any) int64 {
	id := s.nextUpdate
	s.nextUpdate++
	body, err := json.Marshal(build(id))
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode update: %v", err)) // our own types: cannot happen
	}
	s.queue = append(s.queue, &queued{id: id, body: body})
	s.history[id] = body
	s.lastActivity = time.Now()
	s.notifyLocked()
	return id
}

// SendText queues a message update from the person, with bot_command
// entities as Telegram marks them, and returns its update_id.
func (s *Server) SendText(from From, text string) (updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(from)
	m := &message{text: text, plain: text, at: s.now()}
	c.add(m)
	msg := wireMessage{
		MessageID: m.id,
		From:      userOf(from),
		Chat:      c.wire(),
		Date:      m.at.Unix(),
		Text:      text,
		Entities:  commandEntities(text),
	}
	return s.enqueueLocked(func(id int64) any { return wireUpdate{UpdateID: id, Message: &msg} })
}

// Press queues a callback_query: the person pressed the button with data on
// the bot's message messageID in from's chat. Each press gets a new callback
// id. The server does not check that such a button is shown, so a test can
// press a stale button; if the message does not exist the update carries an
// inaccessible message (date 0), as Telegram does for old messages.
func (s *Server) Press(from From, messageID int, data string) (updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatForLocked(from)
	s.nextCallback++
	cbID := strconv.FormatInt(4_000_000_000_000+s.nextCallback, 10)
	s.callbacks[cbID] = &callback{chatID: c.id, messageID: messageID}
	cq := wireCallback{
		ID:           cbID,
		From:         *userOf(from),
		ChatInstance: strconv.FormatInt(-c.id*7919, 10),
		Data:         data,
	}
	if m := c.byID[messageID]; m != nil && m.fromBot {
		cq.Message = s.wireBotMessage(c, m)
	} else {
		cq.Message = &wireMessage{MessageID: messageID, Chat: c.wire()}
	}
	return s.enqueueLocked(func(id int64) any { return wireUpdate{UpdateID: id, CallbackQuery: &cq} })
}

// Redeliver queues update updateID again with the same update_id, as Telegram
// does when it did not see an acknowledgement. The copy is returned by the
// next getUpdates whatever offset it asks for. It returns false if updateID
// was never queued.
func (s *Server) Redeliver(updateID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, ok := s.history[updateID]
	if !ok {
		return false
	}
	s.queue = append(s.queue, &queued{id: updateID, body: body, forced: true})
	s.lastActivity = time.Now()
	s.notifyLocked()
	return true
}

// Enqueue queues any update (for example my_chat_member) given as a value
// that encodes to a JSON object; update_id is set by the server and
// returned. It fails if update does not encode to a JSON object.
func (s *Server) Enqueue(update any) (int64, error) {
	raw, err := json.Marshal(update)
	if err != nil {
		return 0, fmt.Errorf("telegramtest: enqueue: %w", err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return 0, fmt.Errorf("telegramtest: enqueue: update is not a JSON object: %s", raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(func(id int64) any {
		obj["update_id"] = json.RawMessage(strconv.FormatInt(id, 10))
		return obj
	}), nil
}

// Block makes every send or edit to chatID fail with 403 "Forbidden: bot was
// blocked by the user" until Unblock.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// ---- what the bot did ----

// Sent returns every accepted sendMessage, editMessageText,
// editMessageReplyMarkup, answerCallbackQuery, sendDocument and sendPhoto,
// in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneSent(s.sent)
}

func cloneSent(in []Sent) []Sent {
	out := make([]Sent, len(in))
	for i, m := range in {
		m.Keyboard = cloneKeyboard(m.Keyboard)
		out[i] = m
	}
	return out
}

func cloneKeyboard(kb [][]Button) [][]Button {
	if kb == nil {
		return nil
	}
	out := make([][]Button, len(kb))
	for i, row := range kb {
		out[i] = slices.Clone(row)
	}
	return out
}

// Messages returns the chat as a person sees it: the current text and
// keyboard of each bot message (edits applied), oldest first. Method is
// "sendMessage", "sendDocument" or "sendPhoto"; At is when it was sent. An unknown chat
// has no messages.
func (s *Server) Messages(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Sent
	for _, m := range c.order {
		if m.fromBot {
			out = append(out, m.state(chatID))
		}
	}
	return out
}

func (m *message) state(chatID int64) Sent {
	return Sent{
		Method: m.method, ChatID: chatID, MessageID: m.id, Text: m.text,
		ParseMode: m.parseMode, Keyboard: cloneKeyboard(m.kb), At: m.at,
		Filename: m.filename, FileSize: m.size, Width: m.width, Height: m.height, Edits: m.edits,
	}
}

// Refused returns every call refused as Telegram would refuse it, in order.
// A test that expects a well-behaved bot checks that it is empty.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.refused)
}

// Calls counts the requests of method (any case) that reached the server
// with the right token, failed ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// Commands returns the command menus set with setMyCommands, keyed by
// language_code ("" for the default). Menus set for a scope other than
// "default" are keyed "<scope type>:<language_code>", e.g. "chat:vi".
func (s *Server) Commands() map[string][]BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]BotCommand, len(s.commands))
	for k, v := range s.commands {
		out[k] = slices.Clone(v)
	}
	return out
}

// SentCount is len(Sent()) without copying what was sent.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// WaitSentFrom is WaitSent returning only the calls from index from on: a
// caller that sends many messages need not copy all of them each time.
func (s *Server) WaitSentFrom(ctx context.Context, from, n int) ([]Sent, error) {
	for {
		s.mu.Lock()
		if len(s.sent) >= n {
			out := cloneSent(s.sent[min(from, len(s.sent)):])
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.sentFrom(from), fmt.Errorf("telegramtest: waiting for %d sent: %w", n, ctx.Err())
		case <-s.done:
			return s.sentFrom(from), ErrClosed
		}
	}
}

func (s *Server) sentFrom(from int) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneSent(s.sent[min(from, len(s.sent)):])
}

// WaitSent blocks until at least n calls are recorded in Sent and returns
// them all. If ctx ends or the server closes first it returns what was
// recorded so far and the reason.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	return s.WaitSentFrom(ctx, 0, n)
}

// WaitIdle blocks until every queued update has been acknowledged (by the
// offset of a later getUpdates, or a 2xx webhook answer), no request other
// than a waiting getUpdates is in progress, and nothing happened for quiet.
// A bot that acknowledges only after handling (as ours does) is then surely
// done; with go-telegram's Start, which acknowledges on receipt, it is a
// heuristic: a handler that computes longer than quiet between two calls
// looks idle. It returns the context's error if ctx ends first, ErrClosed if
// the server closes.
func (s *Server) WaitIdle(ctx context.Context, quiet time.Duration) error {
	for {
		s.mu.Lock()
		busy := s.inflight > 0 || len(s.queue) > 0
		since := time.Since(s.lastActivity)
		ch := s.changed
		s.mu.Unlock()
		wait := quiet
		if !busy {
			if since >= quiet {
				return nil
			}
			wait = quiet - since
		}
		t := time.NewTimer(wait)
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("telegramtest: waiting for idle: %w", ctx.Err())
		case <-s.done:
			t.Stop()
			return ErrClosed
		}
		t.Stop()
	}
}

// ---- faults ----

// FailNext makes the next n calls of method (any case) answer with error
// code: 429 carries parameters.retry_after = retryAfter, 403 says "Forbidden:
// bot was blocked by the user", others their usual description. Calls queue
// up: FailNext twice fails 2 calls, in the order given.
func (s *Server) FailNext(method string, n int, code int, retryAfter int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := strings.ToLower(method)
	s.faults[m] = append(s.faults[m], &fault{code: code, retryAfter: retryAfter, left: n})
}

func (s *Server) takeFaultLocked(method string) *apiError {
	fs := s.faults[method]
	if len(fs) == 0 {
		return nil
	}
	f := fs[0]
	f.left--
	if f.left <= 0 {
		s.faults[method] = fs[1:]
	}
	e := &apiError{code: f.code, injected: true}
	switch f.code {
	case http.StatusTooManyRequests:
		e.desc = "Too Many Requests: retry after " + strconv.Itoa(f.retryAfter)
		e.retryAfter = f.retryAfter
	case http.StatusForbidden:
		e.desc = "Forbidden: bot was blocked by the user"
	case http.StatusBadRequest:
		e.desc = "Bad Request: injected failure"
	default:
		e.desc = http.StatusText(f.code)
		if e.desc == "" {
			e.desc = "Error " + strconv.Itoa(f.code)
		}
	}
	return e
}

// ---- HTTP ----

// apiError is an ok:false answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	injected   bool
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }

type params struct {
	values map[string]string
	files  map[string]fileInfo
}

type fileInfo struct {
	name        string
	size        int64
	contentType string
	data        []byte
}

func (p params) get(k string) string { return p.values[k] }

func (p params) int(k string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(p.values[k]), 10, 64)
	return v, err == nil
}

func (p params) bool(k string) bool {
	v, _ := strconv.ParseBool(p.values[k])
	return v
}

// readParams reads a request the way the Bot API does: multipart form (what
// go-telegram sends, nested objects as JSON strings), urlencoded form, JSON
// body, or query string.
func readParams(r *http.Request) (params, error) {
	p := params{values: map[string]string{}, files: map[string]fileInfo{}}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, io.EOF) {
			return p, err
		}
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				if len(fhs) > 0 {
					fi := fileInfo{name: fhs[0].Filename, size: fhs[0].Size, contentType: fhs[0].Header.Get("Content-Type")}
					if f, err := fhs[0].Open(); err == nil {
						fi.data, _ = io.ReadAll(f)
						f.Close()
					}
					p.files[k] = fi
				}
			}
			defer r.MultipartForm.RemoveAll()
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&obj); err != nil && !errors.Is(err, io.EOF) {
			return p, err
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p.values[k] = str
			} else {
				p.values[k] = string(raw)
			}
		}
	}
	if err := r.ParseForm(); err != nil {
		return p, err
	}
	for k, v := range r.Form {
		if _, done := p.values[k]; !done && len(v) > 0 {
			p.values[k] = v[0]
		}
	}
	return p, nil
}

// ServeHTTP answers /bot<token>/<method> like the Bot API, and
// /file/bot<token>/<file_path> with a file a person sent.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if path, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.token+"/"); ok {
		s.serveFile(w, path)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	tok, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	method = strings.TrimPrefix(method, "test/") // bot.UseTestEnvironment
	name := strings.ToLower(method)
	if tok != s.token {
		s.refuse(method, 0, &apiError{code: 401, desc: "Unauthorized"}, "")
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	p, err := readParams(r)
	if err != nil {
		e := badRequest("can't read request: " + err.Error())
		s.refuse(method, 0, e, "")
		writeError(w, e)
		return
	}
	// Reading the body to its end lets net/http notice a client that goes
	// away (it cancels r.Context()); a multipart reader stops at the last
	// boundary.
	_, _ = io.Copy(io.Discard, r.Body)

	s.mu.Lock()
	s.calls[name]++
	poll := name == "getupdates"
	if !poll {
		s.inflight++
		s.lastActivity = time.Now()
		s.notifyLocked()
	}
	delay := s.handlerDelay
	s.mu.Unlock()
	if !poll {
		defer func() {
			s.mu.Lock()
			s.inflight--
			s.lastActivity = time.Now()
			s.notifyLocked()
			s.mu.Unlock()
		}()
		if delay > 0 {
			t := time.NewTimer(delay)
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

	s.mu.Lock()
	fe := s.takeFaultLocked(name)
	s.mu.Unlock()
	if fe != nil {
		writeError(w, fe)
		return
	}
	h := methods[name]
	if h == nil {
		e := &apiError{code: 404, desc: "Not Found: method not found"}
		s.refuse(method, 0, e, "")
		writeError(w, e)
		return
	}
	res, e := h(s, r, p)
	if e != nil {
		chatID, _ := p.int("chat_id")
		s.refuse(method, chatID, e, p.get("text")+p.get("caption"))
		writeError(w, e)
		return
	}
	writeResult(w, res)
}

// floodLocked applies Limits to one more message to c, and counts it if it
// passes.
func (s *Server) floodLocked(c *chat) *apiError {
	l := s.limits
	if l == (Limits{}) {
		return nil
	}
	now := s.floodNow()
	keep := func(ts []time.Time, window time.Duration) []time.Time {
		return slices.DeleteFunc(ts, func(t time.Time) bool { return now.Sub(t) >= window })
	}
	// wait is how long until the oldest of the last n sends leaves window.
	wait := time.Duration(0)
	check := func(ts []time.Time, n int, window time.Duration) {
		if n > 0 && len(ts) >= n {
			wait = max(wait, ts[len(ts)-n].Add(window).Sub(now))
		}
	}
	s.floodAll = keep(s.floodAll, time.Second)
	check(s.floodAll, l.PerSecond, time.Second)
	chatTimes := keep(s.floodChat[c.id], time.Minute)
	s.floodChat[c.id] = chatTimes
	lastSecond := slices.DeleteFunc(slices.Clone(chatTimes), func(t time.Time) bool { return now.Sub(t) >= time.Second })
	check(lastSecond, l.PerChatPerSecond, time.Second)
	if c.typ != "private" {
		check(chatTimes, l.PerGroupPerMinute, time.Minute)
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &apiError{code: http.StatusTooManyRequests, desc: "Too Many Requests: retry after " + strconv.Itoa(secs), retryAfter: secs}
	}
	s.floodAll = append(s.floodAll, now)
	s.floodChat[c.id] = append(chatTimes, now)
	return nil
}

func (s *Server) refuse(method string, chatID int64, e *apiError, text string) {
	if e.injected || e.code == http.StatusForbidden {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = append(s.refused, Refusal{Method: method, ChatID: chatID, Code: e.code, Description: e.desc, Text: text, At: s.now()})
	s.notifyLocked()
}

func writeResult(w http.ResponseWriter, res any) {
	body, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, res})
	if err != nil {
		writeError(w, &apiError{code: 500, desc: "Internal Server Error: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	type parameters struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	out := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{false, e.code, e.desc, nil}
	if e.retryAfter > 0 {
		out.Parameters = &parameters{RetryAfter: e.retryAfter}
	}
	body, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	code := e.code
	if code < 400 || code > 599 {
		code = http.StatusInternalServerError
	}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// record appends an accepted call to Sent; the caller holds s.mu.
func (s *Server) recordLocked(m Sent) {
	m.Keyboard = cloneKeyboard(m.Keyboard)
	s.sent = append(s.sent, m)
	s.notifyLocked()
}
