package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"tiendo/bot/store"
	"tiendo/bot/zalo"
	"tiendo/handlers"
)

// zaloChannel is the Zalo channel beside Telegram: its client and its
// Sender; run hands its requests to the same handlers through the same
// update log as Telegram's (handleRequest).
type zaloChannel struct {
	api    *zalo.Client
	out    *zalo.Sender
	inbox  *store.Store // where the webhook saves each update first
	handle atomic.Value // func(context.Context, *zalo.Update) bool, once run starts
	upload atomic.Value // func(context.Context, zalo.Upload) zalo.UploadResult, once run starts (zalo_upload.go)
}

// newZalo checks the token (getMe) and builds the channel.
func newZalo(ctx context.Context, cfg Config, app *handlers.App, st *store.Store, pollWait time.Duration, now func() time.Time) (*zaloChannel, error) {
	token := cfg.ZaloToken.Reveal()
	api := zalo.NewClient(token, cfg.ZaloAPIURL, &http.Client{Timeout: pollWait + 30*time.Second})
	if _, err := api.GetMe(ctx); err != nil {
		return nil, fmt.Errorf("zalo: the Bot API at %s did not accept the token (getMe): %s", cfg.ZaloAPIURL, redact(err.Error(), token))
	}
	if cfg.ZaloWebhookURL != "" {
		// Registered at start: updates posted before the server listens
		// are posted again.
		if err := api.SetWebhook(ctx, cfg.ZaloWebhookURL, zaloWebhookSecret(cfg)); err != nil {
			return nil, fmt.Errorf("zalo: setWebhook: %s", redact(err.Error(), token))
		}
	}
	out := &zalo.Sender{API: api, Dir: st, Cat: app.Cat, LangOf: func(ctx context.Context, chatID int64) string {
		// A private chat's id is its user's; a linked account speaks its
		// user's language. A group reads Vietnamese.
		if chatID < 0 {
			return ""
		}
		if alias, err := st.ZaloAlias(ctx, chatID); err == nil && alias != 0 {
			chatID = alias
		}
		l, _ := st.Lang(ctx, chatID)
		return l
	}}
	z := &zaloChannel{api: api, out: out, inbox: st}
	if cfg.PublicURL != "" {
		out.Links = &zalo.Links{Base: cfg.PublicURL, Key: fileKey(cfg), Store: st, Now: now}
		out.Uploads = z.newUploads(cfg, app, out.Links)
	}
	return z, nil
}

// fileKey is the key of the file links' signatures: TIENDO_FILE_SECRET, else
// one derived from the Zalo token (a new token voids the links out).
func fileKey(cfg Config) []byte {
	if cfg.FileSecret != "" {
		return []byte(cfg.FileSecret.Reveal())
	}
	m := hmac.New(sha256.New, []byte(cfg.ZaloToken.Reveal()))
	m.Write([]byte("tiendo file links"))
	return m.Sum(nil)
}

// handleFn is handleRequest with the application bound.
type handleFn func(ctx context.Context, out handlers.Sender, id int64, req handlers.Request, ok bool) outcome

// mounts are the channel's handlers on TIENDO_HTTP_LISTEN: the file links
// and the webhook. The webhook answers 503 until run gives it the
// handlers.
func (z *zaloChannel) mounts(cfg Config) map[string]http.Handler {
	m := map[string]http.Handler{}
	if z == nil {
		return m
	}
	if z.out.Links != nil {
		m["/f/"] = z.out.Links
	}
	if z.out.Uploads != nil {
		m["/u/"] = z.out.Uploads
	}
	if cfg.ZaloWebhookURL != "" {
		m[webhookPath(cfg.ZaloWebhookURL)] = &zalo.Webhook{Secret: zaloWebhookSecret(cfg), Handle: func(r *http.Request, u *zalo.Update) bool {
			h, _ := z.handle.Load().(func(context.Context, *zalo.Update) bool)
			return h != nil && h(context.WithoutCancel(r.Context()), u)
		}, Inbox: z.inbox, Keep: keepDone}
	}
	return m
}

// zaloWebhookSecret is TIENDO_ZALO_WEBHOOK_SECRET, else one derived from the
// Zalo token (40 hex digits).
func zaloWebhookSecret(cfg Config) string {
	if cfg.ZaloWebhookSecret != "" {
		return cfg.ZaloWebhookSecret.Reveal()
	}
	m := hmac.New(sha256.New, []byte(cfg.ZaloToken.Reveal()))
	m.Write([]byte("tiendo zalo webhook"))
	return hex.EncodeToString(m.Sum(nil))[:40]
}

// run takes Zalo's updates until ctx ends: by webhook when one is
// configured (registered by newZalo), else by long polling.
func (z *zaloChannel) run(ctx context.Context, cfg Config, st *store.Store, pollWait time.Duration, log *slog.Logger, handle handleFn) {
	log = log.With("channel", "zalo")
	h := func(ctx context.Context, u *zalo.Update) bool {
		req, ok := zalo.Request(u)
		id := zalo.UpdateID(u.Message.MessageID)
		if ok {
			if err := z.prepare(ctx, st, u, &req); err != nil {
				log.Warn("zalo: update", "update_id", id, "err", err)
				if store.Unavailable(err) {
					return false // tried again: the chat's way back is not kept yet
				}
			}
		}
		// Nothing to act on (a sticker): handleRequest marks it done.
		return handle(ctx, z.out, id, req, ok) == handled
	}
	z.handle.Store(h)
	z.upload.Store(z.uploadFn(st, log, handle))
	if cfg.ZaloWebhookURL != "" {
		// The webhook (mounts) takes the updates; what a copy killed while
		// handling one left in the inbox is taken up here.
		zalo.Recover(ctx, st, webhookRecoverEvery, log, h)
		return
	}
	p := &zalo.Poller{API: z.api, Timeout: pollWait, Chats: chats, Inbox: st, Keep: keepDone, Log: log, Handle: h}
	p.Run(ctx)
}

// webhookRecoverEvery is how often the webhook mode reads the inbox for
// updates a dead copy left.
const webhookRecoverEvery = 5 * time.Second

// prepare keeps the way back to the person and the chat (for replies and
// reminders), puts a linked account's user in the request, and makes a
// bare number a press of the chat's latest choices.
func (z *zaloChannel) prepare(ctx context.Context, st *store.Store, u *zalo.Update, req *handlers.Request) error {
	chat := u.Message.Chat.ID
	if chat == "" {
		chat = u.Message.From.ID
	}
	if err := z.out.Remember(ctx, req.UserID, u.Message.From.ID); err != nil {
		return err
	}
	if req.ChatID != req.UserID {
		if err := z.out.Remember(ctx, req.ChatID, chat); err != nil {
			return err
		}
	}
	// A Zalo account linked to a user (/lienket) acts as that user.
	alias, err := st.ZaloAlias(ctx, req.UserID)
	if err != nil {
		return err
	}
	if alias != 0 {
		// Under the name on record: the Zalo display name would replace it
		// (the handlers keep a user's latest name) each time they switch.
		req.UserID = alias
		if rec, err := st.User(ctx, alias); err == nil && rec.Name != "" {
			req.UserName = rec.Name
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return zalo.Press(ctx, st, req, u.Message.MessageID)
}

// linked is the handlers.Notifier's Linked: the Zalo account linked to a
// Telegram user, a delivery of its own beside the user's Telegram chat;
// nil without Zalo.
func (z *zaloChannel) linked(st *store.Store) func(ctx context.Context, userID int64) (int64, error) {
	if z == nil {
		return nil
	}
	return func(ctx context.Context, userID int64) (int64, error) {
		if userID <= 0 || zalo.IsZalo(userID) {
			return 0, nil
		}
		return st.LinkedZalo(ctx, userID)
	}
}

// channels is the handlers' Sender for one channel's requests: replies and
// the answer to a press go back on that channel (own); a message to another
// chat goes out on the channel that chat belongs to — an approver on
// Telegram asked about a figure reported on Zalo, a reporter on Zalo told
// that an editor on Telegram approved it.
type channels struct {
	own handlers.Sender
	tg  handlers.Sender // nil: Zalo alone
	zl  handlers.Sender // nil: Telegram only
}

var (
	_ handlers.Sender = channels{}
	_ handlers.Files  = channels{}
)

// route returns own when there is a single channel, else the Sender that
// picks each chat's channel.
func route(own, tg handlers.Sender, zc *zaloChannel) handlers.Sender {
	if zc == nil || tg == nil {
		return own
	}
	return channels{own: own, tg: tg, zl: zc.out}
}

func (c channels) pick(chatID int64) handlers.Sender {
	if zalo.IsZalo(chatID) {
		return c.zl
	}
	return c.tg
}

func (c channels) Send(ctx context.Context, chatID int64, html string, kb [][]handlers.Button) (int, error) {
	return c.pick(chatID).Send(ctx, chatID, html, kb)
}

func (c channels) Edit(ctx context.Context, chatID int64, messageID int, html string, kb [][]handlers.Button) error {
	return c.pick(chatID).Edit(ctx, chatID, messageID, html, kb)
}

func (c channels) Answer(ctx context.Context, callbackID, text string) error {
	return c.own.Answer(ctx, callbackID, text)
}

func (c channels) SendFile(ctx context.Context, chatID int64, f handlers.File) error {
	if fs, ok := c.pick(chatID).(handlers.Files); ok {
		return fs.SendFile(ctx, chatID, f)
	}
	return handlers.ErrNoFiles
}

// Download fetches a file the request's user sent, on their channel.
func (c channels) Download(ctx context.Context, fileID string, max int64) ([]byte, error) {
	if fs, ok := c.own.(handlers.Files); ok {
		return fs.Download(ctx, fileID, max)
	}
	return nil, handlers.ErrNoFiles
}

// startZalo sets Zalo's updates coming in (run), by long polling or webhook,
// until the function returned is called, which waits for the updates in hand;
// nothing without Zalo. Flood control is Telegram's; a reply goes back on
// Zalo, a message to a Telegram chat on Telegram.
func startZalo(ctx context.Context, w *wiring) func() {
	zc := w.zalo
	if zc == nil {
		return func() {}
	}
	tgs := w.telegramSender()
	zctx, stopZalo := context.WithCancel(ctx)
	zdone := make(chan struct{})
	go func() {
		defer close(zdone)
		zc.run(zctx, w.cfg, w.st, w.o.pollWait, w.log, func(ctx context.Context, out handlers.Sender, id int64, req handlers.Request, ok bool) outcome {
			defer w.busy()()
			if allowed, first := w.flood.allow(req.UserID); ok && !allowed {
				// Flood control as on Telegram; marked done, or the
				// inbox would bring it back.
				dropRequest(ctx, w.app, out, w.log, req, first)
				if err := w.marks.mark(ctx, id); err != nil {
					w.log.Warn("update log", "update_id", id, "err", err)
				}
				return handled
			}
			return w.handle(ctx, route(out, tgs, zc), id, req, ok)
		})
	}()
	return func() { stopZalo(); <-zdone }
}
