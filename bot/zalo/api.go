// Package zalo is Tiến Độ's Zalo channel: the Zalo Bot API over net/http
// (no maintained Go client exists), its updates turned into the same
// handlers.Request the Telegram channel builds, and a handlers.Sender for
// what Zalo lacks — plain text of at most 2000 characters, no buttons (they
// become numbered choices answered by typing the number), no edits.
//
// Ids. The handlers know people and chats by int64; Zalo's ids are strings.
// A Zalo id maps to a fixed int64 in a range Telegram never uses (UserID,
// ChatID): 2^62 + the low 62 bits of SHA-256("zalo:user:"+id), negated for a
// group chat. Telegram's user ids are below 2^53 and its chats above -2^53,
// so the ranges never meet; two Zalo ids meeting in 62 bits is as likely as
// a collision of a 62-bit hash (about one in 10^9 with 10^5 people). The
// way back, int64 to Zalo id, is kept in Redis (Directory).
//
// Updates. getUpdates hands out one update and has no offset: the platform
// forgets it once handed out, so a redelivery carries the same message_id.
// UpdateID maps a message_id to an int64 the same way (2^62 + 62 bits of
// SHA-256("zalo:msg:"+id)), above any Telegram update_id, and the update log
// in Redis (store.ClaimUpdate) handles each one once.
package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DefaultURL is the platform's API base.
const DefaultURL = "https://bot-api.zaloplatforms.com"

// MaxText is the platform's limit on a message, in characters.
const MaxText = 2000

// APIError is an answer {"ok":false,…}.
type APIError struct {
	Method      string
	Code        int
	Description string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("zalo: %s: %d %s", e.Method, e.Code, e.Description)
}

// Client calls the Zalo Bot API.
type Client struct {
	base  string // URL + "/bot" + token
	token string
	HTTP  *http.Client
	// Observe, when set, is told of each call: its method, outcome
	// (Outcome) and duration (metrics).
	Observe func(method, outcome string, took time.Duration)
}

// NewClient returns a client for token at baseURL ("" means DefaultURL).
func NewClient(token, baseURL string, hc *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	return &Client{base: strings.TrimRight(baseURL, "/") + "/bot" + token, token: token, HTTP: hc}
}

type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	ErrorCode2  int             `json:"errorCode"`
	Description string          `json:"description"`
}

// Call posts in as JSON to method and decodes the result into out (may be nil).
func (c *Client) Call(ctx context.Context, method string, in, out any) error {
	if c.Observe == nil {
		_, err := c.call(ctx, method, in, out)
		return err
	}
	start := time.Now()
	status, err := c.call(ctx, method, in, out)
	if ctx.Err() == nil || err == nil {
		c.Observe(method, Outcome(status, err), time.Since(start))
	}
	return err
}

// call is Call, returning also the HTTP status (0: no answer).
func (c *Client) call(ctx context.Context, method string, in, out any) (int, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+method, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("zalo: %s: %w", method, c.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("zalo: %s: %w", method, c.redact(err))
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return resp.StatusCode, fmt.Errorf("zalo: %s: HTTP %d, unreadable answer: %w", method, resp.StatusCode, err)
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = env.ErrorCode2
		}
		if code == 0 {
			code = resp.StatusCode
		}
		return resp.StatusCode, &APIError{Method: method, Code: code, Description: env.Description}
	}
	if out != nil && len(env.Result) > 0 {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return resp.StatusCode, fmt.Errorf("zalo: %s: %w", method, err)
		}
	}
	return resp.StatusCode, nil
}

// redact keeps the token (in the URL) out of an error.
func (c *Client) redact(err error) error {
	if c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.token, "[redacted]"))
}

// Me is getMe's answer.
type Me struct {
	ID          string `json:"id"`
	AccountName string `json:"account_name"`
	DisplayName string `json:"display_name"`
}

// GetMe checks the token.
func (c *Client) GetMe(ctx context.Context) (Me, error) {
	var m Me
	err := c.Call(ctx, "getMe", struct{}{}, &m)
	return m, err
}

// GetUpdates waits up to timeout for one update; nil, nil when none came
// (the platform answers 408).
func (c *Client) GetUpdates(ctx context.Context, timeout time.Duration) (*Update, json.RawMessage, error) {
	var raw json.RawMessage
	err := c.Call(ctx, "getUpdates", map[string]string{"timeout": fmt.Sprint(int(timeout.Seconds()))}, &raw)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusRequestTimeout {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return nil, nil, nil
	}
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, nil, fmt.Errorf("zalo: getUpdates: %w", err)
	}
	return &u, raw, nil
}

// SetWebhook registers url with its secret token (8 to 256 characters).
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	return c.Call(ctx, "setWebhook", map[string]string{"url": url, "secret_token": secret}, nil)
}

// DeleteWebhook removes the webhook, so that getUpdates works.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.Call(ctx, "deleteWebhook", struct{}{}, nil)
}

// Sent is sendMessage's and sendPhoto's answer.
type Sent struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}

// SendMessage sends text (1 to MaxText characters) to chat.
func (c *Client) SendMessage(ctx context.Context, chat, text string) (Sent, error) {
	var s Sent
	err := c.Call(ctx, "sendMessage", map[string]string{"chat_id": chat, "text": text}, &s)
	return s, err
}

// SendPhoto sends the picture at url, which the platform fetches.
func (c *Client) SendPhoto(ctx context.Context, chat, url, caption string) (Sent, error) {
	var s Sent
	err := c.Call(ctx, "sendPhoto", map[string]string{"chat_id": chat, "photo": url, "caption": caption}, &s)
	return s, err
}
