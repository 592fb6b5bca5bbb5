package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Limits of the webhook server. Telegram sends one small JSON update per
// request and waits up to 60 s for the answer; anything slower or bigger is
// not Telegram, and must not hold a connection (a file descriptor) open.
const (
	maxUpdateBody     = 1 << 20 // bytes of one update
	maxHeaderBytes    = 16 << 10
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second // the whole request, body included
	writeTimeout      = 65 * time.Second // handling and answering: Telegram gives up after 60 s
	idleTimeout       = 60 * time.Second
)

// Webhook serves Telegram's webhook requests. It answers only after the
// update is handled, so a crash or an error makes Telegram deliver it again
// (go-telegram/bot's own handler answers on receipt, and answers 200 to a
// wrong secret); a wrong secret gets 401 before the body is read, and the
// connection is closed. An update that a live copy of the bot is handling
// gets 503, so that Telegram posts it again and it is not lost if that copy
// dies. Updates of one chat are handled one at a time.
type Webhook struct {
	Path   string // the path of the public URL Telegram posts to
	Secret string // what Telegram sends in X-Telegram-Bot-Api-Secret-Token
	// Handle handles one update and reports whether it is done; false
	// means a live copy of the bot holds it.
	Handle func(ctx context.Context, u *models.Update) bool
	Drop   func(ctx context.Context, u *models.Update, first bool)
	// Allow is flood control, as the Poller's (nil: every update).
	Allow  func(user int64) (ok, first bool)
	Log    *slog.Logger
	Health func(ctx context.Context) error // for GET /healthz

	mu    sync.Mutex
	chats map[int64]*chatLock
}

type chatLock struct {
	mu   sync.Mutex
	refs int
}

func (w *Webhook) lock(chat int64) func() {
	w.mu.Lock()
	if w.chats == nil {
		w.chats = map[int64]*chatLock{}
	}
	l := w.chats[chat]
	if l == nil {
		l = &chatLock{}
		w.chats[chat] = l
	}
	l.refs++
	w.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		w.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(w.chats, chat)
		}
		w.mu.Unlock()
	}
}

func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" && r.Method == http.MethodGet {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := w.Health(ctx); err != nil {
			http.Error(rw, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(rw, "ok\n")
		return
	}
	if r.URL.Path != w.Path || r.Method != http.MethodPost {
		http.NotFound(rw, r)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(w.Secret)) != 1 {
		w.Log.Warn("webhook: wrong secret token", "remote", r.RemoteAddr)
		refuse(rw, http.StatusUnauthorized, "unauthorized")
		return
	}
	var u models.Update
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, maxUpdateBody)).Decode(&u); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.Log.Error("webhook: update too large", "limit", tooBig.Limit)
			refuse(rw, http.StatusRequestEntityTooLarge, "too large")
			return
		}
		// Telegram would send the same bytes again: acknowledge and log.
		w.Log.Error("webhook: unreadable update", "err", err)
		rw.WriteHeader(http.StatusOK)
		return
	}
	// The handler outlives a client that hung up: the answer still goes out.
	ctx := context.WithoutCancel(r.Context())
	if ok, first := allow(w.Allow, SenderOf(&u)); !ok {
		if w.Drop != nil {
			go w.Drop(ctx, &u, first)
		}
		rw.WriteHeader(http.StatusOK)
		return
	}
	unlock := w.lock(ChatOf(&u))
	defer unlock()
	if !w.Handle(ctx, &u) {
		// Another copy is on it: ask Telegram to post it again later.
		rw.Header().Set("Retry-After", "1")
		http.Error(rw, "update in progress elsewhere", http.StatusServiceUnavailable)
		return
	}
	rw.WriteHeader(http.StatusOK)
}

// refuse answers code and closes the connection without reading what the
// client still sends: net/http would otherwise read up to 256 kB of an
// unread body first, and a slow one would hold the connection until the
// read timeout.
func refuse(rw http.ResponseWriter, code int, msg string) {
	rw.Header().Set("Connection", "close")
	http.Error(rw, msg, code)
	_ = http.NewResponseController(rw).SetReadDeadline(time.Now())
}

// newWebhookServer is the HTTP server of webhook mode, with the limits above.
func newWebhookServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
	}
}

// ServeWebhook listens on listen, registers the webhook at publicURL with
// Telegram and serves it until ctx ends, then finishes the requests in hand.
// It returns an error when listen cannot be listened on or setWebhook fails
// (without the token, which b's errors may quote).
func ServeWebhook(ctx context.Context, b *tg.Bot, token, listen, publicURL string, w *Webhook) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := newWebhookServer(w)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if _, err := b.SetWebhook(sctx, &tg.SetWebhookParams{
		URL:            publicURL,
		SecretToken:    w.Secret,
		AllowedUpdates: []string{"message", "callback_query", "my_chat_member"},
	}); err != nil {
		_ = srv.Close()
		return errors.New("telegram: setWebhook failed: " + redact(err.Error(), token))
	}
	w.Log.Info("webhook", "url", publicURL, "listen", ln.Addr().String())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	return srv.Shutdown(shutdown)
}
