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

// outcome is what became of one update.
type outcome int

const (
	// handled: done (answered, a duplicate of a done one, or not for us):
	// it may be acknowledged.
	handled outcome = iota
	// held: a live copy of the bot is handling it. It is not done: it must
	// not be acknowledged, so that it comes back if that copy dies.
	held
)

// poller fetches updates with getUpdates and acknowledges them (the next
// offset) only once they and every update before them are done.
// go-telegram/bot's own Start acknowledges an update as soon as it is
// queued, so a crash loses what was in flight; here a crash means Telegram
// delivers it again, and the update log in Redis keeps it from being
// handled twice.
//
// There is no batch barrier: fetching goes on while updates are handled.
// Each chat has its own queue, handled in order, one update at a time;
// chats run in parallel (at most chats at once), so one chat's backlog —
// replies wait for Telegram's one message a second per chat — holds back
// no other chat. Telegram returns what is not acknowledged again on every
// getUpdates; updates already in hand are skipped, and when a fetch brought
// nothing new the poller waits for an update to finish (or idle) rather
// than asking again at once.
type poller struct {
	url     string // base URL + "/bot" + token
	client  *http.Client
	timeout time.Duration // long-poll wait asked of Telegram
	chats   int           // chats handled at once
	handle  func(ctx context.Context, u *models.Update) outcome
	// drop answers an update refused by flood control (may be nil).
	drop  func(ctx context.Context, u *models.Update, first bool)
	flood *flood
	log   *slog.Logger
	retry time.Duration // wait before trying a held update again
	idle  time.Duration // longest wait between fetches with updates in hand

	mu      sync.Mutex
	next    int64              // the id after the newest update in hand or done
	pending map[int64]struct{} // in hand, not done
	queues  map[int64][]*models.Update
	wake    chan struct{} // an update is done
	sem     chan struct{}
	wg      sync.WaitGroup
}

func (p *poller) init() {
	p.pending = map[int64]struct{}{}
	p.queues = map[int64][]*models.Update{}
	p.wake = make(chan struct{}, 1)
	p.sem = make(chan struct{}, max(p.chats, 1))
	if p.retry <= 0 {
		p.retry = 250 * time.Millisecond
	}
	if p.idle <= 0 {
		p.idle = 100 * time.Millisecond
	}
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

// run polls until ctx is done, then returns once the updates being handled
// are finished; those still queued stay unacknowledged and come back.
func (p *poller) run(ctx context.Context) {
	p.init()
	defer p.wg.Wait()
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
		ups, retryAfter, err := p.fetch(ctx, p.offset())
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
		if p.accept(ctx, ups) == 0 && len(ups) > 0 {
			// Only updates in hand came back: Telegram answers at once
			// while any is unacknowledged, so wait for one to finish.
			select {
			case <-ctx.Done():
			case <-p.wake:
			case <-time.After(p.idle):
			}
		}
	}
}

// offset is what to ask getUpdates for: the oldest update not done, which
// acknowledges everything before it.
func (p *poller) offset() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	off := p.next
	for id := range p.pending {
		off = min(off, id)
	}
	return off
}

// accept queues the updates not seen before on their chats and returns how
// many there were.
func (p *poller) accept(ctx context.Context, ups []*models.Update) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	fresh := 0
	for _, u := range ups {
		if u.ID < p.next {
			continue // in hand, or done and not yet acknowledged
		}
		p.next = u.ID + 1
		fresh++
		if ok, first := p.flood.allow(senderOf(u)); !ok {
			if p.drop != nil {
				p.wg.Add(1)
				go func() {
					defer p.wg.Done()
					p.drop(context.WithoutCancel(ctx), u, first)
				}()
			}
			continue
		}
		p.pending[u.ID] = struct{}{}
		c := chatOf(u)
		q, running := p.queues[c]
		p.queues[c] = append(q, u)
		if !running {
			p.wg.Add(1)
			go p.work(ctx, c)
		}
	}
	return fresh
}

// work handles chat's queue until it is empty, or ctx ends (what is left
// stays unacknowledged).
func (p *poller) work(ctx context.Context, chat int64) {
	defer p.wg.Done()
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		p.abandon(chat)
		return
	}
	defer func() { <-p.sem }()
	// Handlers run on a context that outlives a shutdown signal: a reply
	// half sent is worse than a second's delay.
	hctx := context.WithoutCancel(ctx)
	for {
		p.mu.Lock()
		q := p.queues[chat]
		if len(q) == 0 || ctx.Err() != nil {
			delete(p.queues, chat)
			p.mu.Unlock()
			return
		}
		u := q[0]
		p.queues[chat] = q[1:]
		p.mu.Unlock()
		for p.handle(hctx, u) == held {
			select {
			case <-ctx.Done():
				p.abandon(chat)
				return
			case <-time.After(p.retry):
			}
		}
		p.done(u.ID)
	}
}

func (p *poller) abandon(chat int64) {
	p.mu.Lock()
	delete(p.queues, chat)
	p.mu.Unlock()
}

func (p *poller) done(id int64) {
	p.mu.Lock()
	delete(p.pending, id)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
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

// fetch asks for the updates from offset on.
func (p *poller) fetch(ctx context.Context, offset int64) ([]*models.Update, time.Duration, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("offset", strconv.FormatInt(offset, 10))
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
