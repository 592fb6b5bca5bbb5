package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// poller fetches updates with getUpdates and acknowledges them (the next
// offset) only after their handlers have finished. go-telegram/bot's own
// Start acknowledges an update as soon as it is queued, so a crash loses what
// was in flight; here a crash means Telegram delivers it again, and the
// update log in Redis keeps it from being handled twice.
//
// Updates of one chat are handled in order, one at a time; chats run in
// parallel, at most workers at once.
type poller struct {
	url     string // base URL + "/bot" + token
	client  *http.Client
	timeout time.Duration // long-poll wait asked of Telegram
	workers int
	handle  func(ctx context.Context, u *models.Update)
	log     *slog.Logger
	offset  int64
}

type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// run polls until ctx is done, then returns after the batch in hand is handled.
func (p *poller) run(ctx context.Context) {
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
		ups, retryAfter, err := p.fetch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, 200*time.Millisecond), 10*time.Second)
			if retryAfter > 0 {
				backoff = retryAfter
			}
			p.log.Warn("getUpdates failed", "err", err, "retry_in", backoff.String())
			continue
		}
		backoff = 0
		if len(ups) == 0 {
			continue
		}
		// Handlers run on a context that outlives a shutdown signal for the
		// batch in hand: a reply half sent is worse than a second's delay.
		p.dispatch(context.WithoutCancel(ctx), ups)
		p.offset = ups[len(ups)-1].ID + 1
	}
}

// dispatch handles a batch: per chat in order, chats in parallel.
func (p *poller) dispatch(ctx context.Context, ups []*models.Update) {
	byChat := map[int64][]*models.Update{}
	var order []int64
	for _, u := range ups {
		c := chatOf(u)
		if _, ok := byChat[c]; !ok {
			order = append(order, c)
		}
		byChat[c] = append(byChat[c], u)
	}
	sem := make(chan struct{}, max(p.workers, 1))
	var wg sync.WaitGroup
	for _, c := range order {
		sem <- struct{}{}
		wg.Add(1)
		go func(list []*models.Update) {
			defer func() { <-sem; wg.Done() }()
			for _, u := range list {
				p.handle(ctx, u)
			}
		}(byChat[c])
	}
	wg.Wait()
}

func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

// fetch asks for the next updates after offset.
func (p *poller) fetch(ctx context.Context) ([]*models.Update, time.Duration, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("offset", strconv.FormatInt(p.offset, 10))
	_ = w.WriteField("timeout", strconv.Itoa(int(p.timeout.Seconds())))
	_ = w.WriteField("allowed_updates", `["message","callback_query","my_chat_member"]`)
	_ = w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url+"/getUpdates", &body)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := p.client.Do(req)
	if err != nil {
		// The URL holds the token: report the cause only.
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap()
		}
		return nil, 0, fmt.Errorf("getUpdates: %w", err)
	}
	defer resp.Body.Close()
	var r apiResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, 0, fmt.Errorf("getUpdates: HTTP %d, unreadable answer: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, time.Duration(r.Parameters.RetryAfter) * time.Second, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var ups []*models.Update
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		return nil, 0, fmt.Errorf("getUpdates: %w", err)
	}
	return ups, 0, nil
}
