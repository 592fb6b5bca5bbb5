package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/bot/outbox"
	"tiendo/handlers"
)

// maxReplyWait bounds how long an interactive reply waits on a 429: a user
// waiting longer would rather be told nothing than a minute late.
const maxReplyWait = 10 * time.Second

// Sender is handlers.Sender over go-telegram/bot: HTML parse mode, long texts
// split on line boundaries, one retry after Telegram's retry_after on 429.
type Sender struct {
	b *tg.Bot
	// api, when set, sends text messages as one JSON request (see
	// sendMessage) instead of through b.
	api *botAPI
}

var _ handlers.Sender = Sender{}

// NewSender is the Sender over b. With a client, text replies go to the Bot
// API at apiURL as one JSON request each (botAPI); token is kept out of its
// errors.
func NewSender(b *tg.Bot, apiURL, token string, client *http.Client) Sender {
	s := Sender{b: b}
	if client != nil {
		s.api = &botAPI{url: apiURL + "/bot" + token, token: token, client: client}
	}
	return s
}

func keyboard(kb [][]handlers.Button) models.ReplyMarkup {
	if len(kb) == 0 {
		return nil
	}
	rows := make([][]models.InlineKeyboardButton, 0, len(kb))
	for _, r := range kb {
		if len(r) == 0 {
			continue
		}
		row := make([]models.InlineKeyboardButton, len(r))
		for i, btn := range r {
			row[i] = models.InlineKeyboardButton{Text: btn.Text, CallbackData: btn.Data, URL: btn.URL}
		}
		rows = append(rows, row)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

var noPreview = &models.LinkPreviewOptions{IsDisabled: tg.True()}

func (s Sender) Send(ctx context.Context, chatID int64, text string, kb [][]handlers.Button) (int, error) {
	parts := outbox.Split(text, outbox.MaxText)
	id := 0
	for i, p := range parts {
		params := &tg.SendMessageParams{ChatID: chatID, Text: p, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
		if i == len(parts)-1 {
			params.ReplyMarkup = keyboard(kb)
		}
		err := retry429(ctx, func() error {
			if s.api != nil {
				var err error
				id, err = s.api.sendMessage(ctx, params)
				return err
			}
			m, err := s.b.SendMessage(ctx, params)
			if err == nil {
				id = m.ID
			}
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("telegram: send to chat %d: %w", chatID, err)
		}
	}
	return id, nil
}

// SendOnce makes one try to send a message the bot sends on its own (a
// reminder, an approval): the outbox splits it, paces it and retries it.
func (s Sender) SendOnce(ctx context.Context, chatID int64, html string, kb [][]handlers.Button) error {
	_, err := s.b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: noPreview, ReplyMarkup: keyboard(kb)})
	return err
}

func (s Sender) Edit(ctx context.Context, chatID int64, messageID int, text string, kb [][]handlers.Button) error {
	parts := outbox.Split(text, outbox.MaxText)
	params := &tg.EditMessageTextParams{ChatID: chatID, MessageID: messageID, Text: parts[0], ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
	if mk := keyboard(kb); mk != nil {
		params.ReplyMarkup = mk
	} else {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	}
	err := retry429(ctx, func() error {
		_, err := s.b.EditMessageText(ctx, params)
		return err
	})
	if err != nil && !strings.Contains(err.Error(), "message is not modified") {
		return fmt.Errorf("telegram: edit message %d in chat %d: %w", messageID, chatID, err)
	}
	for _, p := range parts[1:] {
		if _, err := s.Send(ctx, chatID, p, nil); err != nil {
			return err
		}
	}
	return nil
}

func (s Sender) Answer(ctx context.Context, callbackID, text string) error {
	if callbackID == "" {
		return nil
	}
	_, err := s.b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: text})
	if err != nil {
		return fmt.Errorf("telegram: answer callback: %w", err)
	}
	return nil
}

// retry429 runs f, and once more after Telegram's retry_after when it
// answers 429 and the wait is short enough for someone waiting for a reply.
func retry429(ctx context.Context, f func() error) error {
	err := f()
	var tm *tg.TooManyRequestsError
	if !errors.As(err, &tm) {
		return err
	}
	wait := time.Duration(tm.RetryAfter) * time.Second
	if wait > maxReplyWait {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(wait):
	}
	return f()
}

// wholeBody reads a request body of unknown length (go-telegram/bot's
// multipart form, written into a pipe as it is built) before sending it,
// so that it goes with a Content-Length in one write instead of chunked, a
// write per form field. The forms are replies and files the bot made
// itself, in memory already.
type wholeBody struct{ next http.RoundTripper }

func (t wholeBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength > 0 {
		return t.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.ContentLength = int64(len(body))
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	if len(body) == 0 {
		r2.Body = http.NoBody
	}
	return t.next.RoundTrip(r2)
}

// botAPI sends sendMessage as the Bot API's JSON form: one body, marshalled
// at once, with the fields go-telegram/bot would send, and an answer of
// which only the message id is read. go-telegram/bot builds every request
// as multipart/form-data written field by field through a pipe (a
// goroutine, a random boundary from the system, each nested object
// marshalled on its own) and decodes the whole Message echoed back; for
// the text reply that every question ends in, that was the largest part of
// the bot's own CPU after the handler. Errors are the library's, so that
// retry429 and the outbox tell them apart as before.
type botAPI struct {
	url    string // base URL + "/bot" + token
	token  string // to keep it out of errors
	client *http.Client
}

func (a *botAPI) sendMessage(ctx context.Context, p *tg.SendMessageParams) (int, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("sendMessage: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("sendMessage: %s", redact(err.Error(), a.token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("error do request for method sendMessage, %s", redact(err.Error(), a.token))
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
		Result      struct {
			MessageID int `json:"message_id"`
		} `json:"result"`
		Parameters struct {
			RetryAfter      int `json:"retry_after"`
			MigrateToChatID int `json:"migrate_to_chat_id"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, fmt.Errorf("error decode response body for method sendMessage, HTTP %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return 0, apiError("sendMessage", r.ErrorCode, r.Description, r.Parameters.RetryAfter, r.Parameters.MigrateToChatID)
	}
	return r.Result.MessageID, nil
}

// apiError is the error go-telegram/bot returns for a refusal of the Bot
// API (rawRequest), the same values and types.
func apiError(method string, code int, desc string, retryAfter, migrateTo int) error {
	switch code {
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", tg.ErrorForbidden, desc)
	case http.StatusBadRequest:
		if migrateTo != 0 {
			return &tg.MigrateError{Message: fmt.Sprintf("%s: %s", tg.ErrorBadRequest, desc), MigrateToChatID: migrateTo}
		}
		return fmt.Errorf("%w, %s", tg.ErrorBadRequest, desc)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", tg.ErrorUnauthorized, desc)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", tg.ErrorNotFound, desc)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", tg.ErrorConflict, desc)
	case http.StatusTooManyRequests:
		return &tg.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", tg.ErrorTooManyRequests, desc), RetryAfter: retryAfter}
	}
	return fmt.Errorf("error response from telegram for method %s, %d %s", method, code, desc)
}
