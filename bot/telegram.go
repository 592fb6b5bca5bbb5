package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/bot/metrics"
	"tiendo/bot/store"
	"tiendo/bot/telegram"
	"tiendo/handlers"
)

// telegramChannel is the Telegram channel (bot/telegram) beside Zalo: its
// client and its Sender. Its updates come in by long polling, from the copy
// of the bot that holds the polling lease (poll), or by webhook
// (serveWebhook), and go to the same handling as Zalo's (handleRequest).
type telegramChannel struct {
	b     *tg.Bot
	me    *models.User
	out   telegram.Sender
	url   string // base URL + "/bot" + token
	token string
}

// newTelegram checks the token (getMe) and builds the channel; its text
// replies go to the Bot API as one JSON request each.
func newTelegram(ctx context.Context, cfg Config, met *metrics.Metrics, log *slog.Logger) (*telegramChannel, error) {
	token := cfg.Token.Reveal()
	b, me, client, err := telegram.Start(ctx, token, cfg.APIURL, cfg.WebhookURL != "", met.Transport(telegram.Transport(chats)), log)
	if err != nil {
		return nil, err
	}
	return &telegramChannel{b: b, me: me, out: telegram.NewSender(b, cfg.APIURL, token, client),
		url: cfg.APIURL + "/bot" + token, token: token}, nil
}

// username is the bot's, or "" without Telegram.
func (t *telegramChannel) username() string {
	if t == nil {
		return ""
	}
	return t.me.Username
}

// updateFuncs are what the poller and the webhook do with an update: handle it
// (done, or held by a live copy), or answer it when flood control refused
// it. Replies go back on Telegram, messages to Zalo chats on Zalo.
func (t *telegramChannel) updateFuncs(w *wiring) (handle func(context.Context, *models.Update) bool, drop func(context.Context, *models.Update, bool)) {
	out := route(t.out, t.out, w.zalo)
	handle = func(ctx context.Context, u *models.Update) bool {
		defer w.busy()()
		return handleUpdate(ctx, w.app, w.st, w.marks, w.instance, out, w.log, w.met, u) == handled
	}
	drop = func(ctx context.Context, u *models.Update, first bool) {
		defer w.busy()()
		dropUpdate(ctx, w.app, out, w.log, u, first)
	}
	return handle, drop
}

// poller takes Telegram's updates by getUpdates, keeping them in the inbox
// until done.
func (t *telegramChannel) poller(w *wiring) *telegram.Poller {
	handle, drop := t.updateFuncs(w)
	met, log := w.met, w.log
	return &telegram.Poller{
		URL:     t.url,
		Client:  &http.Client{Timeout: w.o.pollWait + 30*time.Second, Transport: met.Transport(nil)},
		Timeout: w.o.pollWait,
		Chats:   chats,
		Log:     log,
		Allow:   w.flood.allow,
		Inbox:   w.st,
		Keep:    keepDone,
		Skipped: func(u *models.Update) {
			req, ok := telegram.Request(u)
			kind := updateKind(req, ok)
			met.Update(kind, metrics.OutcomeDuplicate, time.Now())
			log.Debug("update", "update_id", u.ID, "kind", kind, "outcome", metrics.OutcomeDuplicate, "duration_ms", 0)
		},
		Drop:   drop,
		Handle: handle,
	}
}

// poll runs the poller while this copy holds the polling lease (lead), until
// ctx ends.
func (t *telegramChannel) poll(ctx context.Context, w *wiring) {
	lead(ctx, w.st, w.o.leaseTTL, w.log, w.met.Leading, t.poller(w).Run)
}

// serveWebhook registers the webhook and serves Telegram's updates on
// TIENDO_WEBHOOK_LISTEN until ctx ends. It returns an error when it cannot
// listen or Telegram refuses the webhook.
func (t *telegramChannel) serveWebhook(ctx context.Context, w *wiring) error {
	handle, drop := t.updateFuncs(w)
	wh := &telegram.Webhook{
		Path: webhookPath(w.cfg.WebhookURL), Secret: webhookSecret(w.cfg), Log: w.log,
		Handle: handle, Drop: drop, Allow: w.flood.allow, Health: w.st.Ping,
	}
	return telegram.ServeWebhook(ctx, t.b, t.token, w.cfg.WebhookListen, w.cfg.WebhookURL, wh)
}

// handleUpdate runs one Telegram update once (handleRequest).
func handleUpdate(ctx context.Context, app *handlers.App, st *store.Store, marks *doneMarks, instance string, out handlers.Sender, log *slog.Logger, met *metrics.Metrics, u *models.Update) outcome {
	req, ok := telegram.Request(u)
	return handleRequest(ctx, app, st, marks, instance, out, log, met, u.ID, req, ok)
}

// dropUpdate answers a Telegram update refused by flood control (dropRequest).
func dropUpdate(ctx context.Context, app *handlers.App, out handlers.Sender, log *slog.Logger, u *models.Update, first bool) {
	req, ok := telegram.Request(u)
	if !ok {
		return
	}
	dropRequest(ctx, app, out, log, req, first)
}

// webhookSecret is the secret Telegram sends back in every webhook request:
// TIENDO_WEBHOOK_SECRET, or one derived from the token so that every copy
// of the bot agrees on it without configuration.
func webhookSecret(cfg Config) string {
	if cfg.WebhookSecret != "" {
		return cfg.WebhookSecret.Reveal()
	}
	sum := sha256.Sum256([]byte("tiendo-webhook:" + cfg.Token.Reveal()))
	return hex.EncodeToString(sum[:])
}

// webhookPath is the path part of the public webhook URL ("/" if none).
func webhookPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}
