package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/handlers"
)

// startTimeout bounds each call made at start (setWebhook).
const startTimeout = 10 * time.Second

// Start makes the Telegram client for token at apiURL over transport, checks
// the token (getMe) and, for long polling (webhook false), deletes a webhook
// left over from another deployment (getUpdates fails with 409 while one is
// set). It returns the client, the bot's own user and the HTTP client
// (for the JSON replies of NewSender), or an error without the token.
func Start(ctx context.Context, token, apiURL string, webhook bool, transport http.RoundTripper, log *slog.Logger) (*tg.Bot, *models.User, *http.Client, error) {
	client := &http.Client{Timeout: time.Minute, Transport: transport}
	b, err := tg.New(token,
		tg.WithServerURL(apiURL),
		tg.WithSkipGetMe(),
		tg.WithErrorsHandler(func(err error) { log.Error("telegram", "err", redact(err.Error(), token)) }),
		tg.WithHTTPClient(time.Minute, client),
	)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("telegram: %w", err)
	}
	me, err := b.GetMe(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("telegram: the Bot API at %s did not accept the token (getMe): %s", apiURL, redact(err.Error(), token))
	}
	// A webhook left over from another deployment makes getUpdates fail with 409.
	if !webhook {
		if _, err := b.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
			return nil, nil, nil, fmt.Errorf("telegram: deleteWebhook: %s", redact(err.Error(), token))
		}
	}
	return b, me, client, nil
}

// Transport is the HTTP transport to the Bot API: Go's default, keeping as
// many idle connections to it as chats are answered at once (plus a few).
// The default keeps two per host, so with more replies in flight than that
// each one beyond the second opened a new connection and closed it after.
//
// go-telegram/bot streams each request's form through a pipe, of unknown
// length: sent chunked, every field is a write of its own on the socket
// (and a read on the other side). wholeBody sends it in one.
func Transport(chats int) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = chats + 4
	return wholeBody{t}
}

// SetMenus publishes the command menu in Vietnamese (also the default) and
// English; a language Telegram refuses is logged.
func SetMenus(ctx context.Context, b *tg.Bot, menu func(lang string) []handlers.MenuEntry, log *slog.Logger) {
	for _, lang := range []string{"", "vi", "en"} {
		menuLang := lang
		if menuLang == "" {
			menuLang = "vi"
		}
		var cmds []models.BotCommand
		for _, m := range menu(menuLang) {
			cmds = append(cmds, models.BotCommand{Command: m.Command, Description: m.Description})
		}
		if _, err := b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			log.Warn("setMyCommands", "lang", lang, "err", err)
		}
	}
}

// redact removes the token from a message (the client's errors carry URLs).
func redact(msg, token string) string {
	if token == "" {
		return msg
	}
	return strings.ReplaceAll(msg, token, "[redacted]")
}
