package telegram

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

	"tiendo/bot/chatq"
	"tiendo/bot/store"
)

// Inbox is where the poller keeps what it took from Telegram until it is
// done (store.Store).
type Inbox interface {
	SaveUpdates(ctx context.Context, ups []store.Inbound, keep time.Duration) error
	Inbox(ctx context.Context, limit int) ([]store.Inbound, error)
}

// Poller fetches updates with getUpdates and handles them, losing none to a
// crash. go-telegram/bot's own Start acknowledges an update (the next
// offset) as soon as it is queued in memory, so a crash loses what was in
// flight. Here an update is acknowledged only once it is safe: saved in the
// Redis inbox, from which a copy of the bot that starts later (or this one,
// every RecoverEvery) takes what a dead copy left; or, when Redis cannot
// save it, once it and every update before it are done. The update log in
// Redis keeps an update from being handled twice.
//
// There is no batch barrier: fetching goes on while updates are handled.
// Each chat has its own queue, handled in order, one update at a time;
// chats run in parallel (at most Chats at once), so one chat's backlog —
// replies wait for Telegram's one message a second per chat — holds back
// no other chat. Acknowledging only the updates that are done would not
// do: Telegram hands back at most 100 updates from the offset, so a
// backlog at the offset would hide everyone behind it.
type Poller struct {
	URL     string // base URL + "/bot" + token
	Client  *http.Client
	Timeout time.Duration // long-poll wait asked of Telegram
	Chats   int           // chats handled at once
	// Handle handles one update and reports whether it is done; false
	// means a live copy of the bot holds it: it is tried again after Retry.
	Handle func(ctx context.Context, u *models.Update) bool
	// Drop answers an update refused by flood control (may be nil).
	Drop func(ctx context.Context, u *models.Update, first bool)
	// Skipped is told of an update delivered again while in hand or done
	// (may be nil): for the metrics and the log, it is not handled.
	Skipped func(u *models.Update)
	// Allow is flood control: whether the user's update may be handled
	// and, if not, whether it is the first refused (nil: all are).
	Allow func(user int64) (ok, first bool)
	Inbox Inbox // nil: acknowledge only what is done
	Keep  time.Duration
	Log   *slog.Logger
	Retry time.Duration // wait before trying a held update again
	Idle  time.Duration // longest wait between fetches with unsaved updates in hand
	// RecoverEvery is how often the inbox is read for updates a dead copy
	// left (also once at start).
	RecoverEvery time.Duration

	mu      sync.Mutex
	next    int64              // the id after the newest update fetched
	unsaved map[int64]struct{} // in hand, neither saved nor done: not to be acknowledged
	// q holds the updates in hand (queued or being handled) by chat. It is
	// only added to with mu held, so that a check of InHand and the Add
	// that follows it are one step.
	q    chatq.Queue[*models.Update]
	wake chan struct{}  // an update is done
	wg   sync.WaitGroup // drop calls under way
}

func (p *Poller) init() {
	p.unsaved = map[int64]struct{}{}
	p.wake = make(chan struct{}, 1)
	if p.Retry <= 0 {
		p.Retry = 250 * time.Millisecond
	}
	p.q = chatq.Queue[*models.Update]{
		Chats:  p.Chats,
		Handle: func(ctx context.Context, u *models.Update) bool { return !p.Handle(ctx, u) },
		// A held update waits for the live copy holding it, or for ctx.
		Retry: func(ctx context.Context) bool {
			select {
			case <-ctx.Done():
				return false
			case <-time.After(p.Retry):
				return true
			}
		},
		Done: p.done,
	}
	if p.Idle <= 0 {
		p.Idle = 100 * time.Millisecond
	}
	if p.RecoverEvery <= 0 {
		p.RecoverEvery = 10 * time.Second
	}
	if p.Keep <= 0 {
		p.Keep = 24 * time.Hour
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

// Run polls until ctx is done, then returns once the updates being handled
// are finished; those still queued stay in the inbox (or unacknowledged)
// and are handled after the next start.
func (p *Poller) Run(ctx context.Context) {
	p.init()
	defer p.wg.Wait()
	defer p.q.Wait()
	backoff := time.Duration(0)
	var recovered time.Time
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
		if time.Since(recovered) >= p.RecoverEvery {
			p.recover(ctx)
			recovered = time.Now()
		}
		ups, raws, retryAfter, err := p.fetch(ctx, p.offset())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, 200*time.Millisecond), 10*time.Second)
			if retryAfter > 0 {
				backoff = retryAfter
			}
			p.Log.Warn("getUpdates failed", "err", err, "retry_in", backoff.String())
			continue
		}
		backoff = 0
		if p.accept(ctx, ups, raws) == 0 && len(ups) > 0 {
			// Only unsaved updates in hand came back: Telegram answers at
			// once while any is unacknowledged, so wait for one to finish.
			select {
			case <-ctx.Done():
			case <-p.wake:
			case <-time.After(p.Idle):
			}
		}
	}
}

// offset is what to ask getUpdates for: the oldest update neither saved nor
// done, else the next one; it acknowledges everything before it.
func (p *Poller) offset() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	off := p.next
	for id := range p.unsaved {
		off = min(off, id)
	}
	return off
}

// accept saves the updates not seen before in the inbox, queues them on
// their chats, and returns how many there were.
func (p *Poller) accept(ctx context.Context, ups []*models.Update, raws []json.RawMessage) int {
	p.mu.Lock()
	var fresh []*models.Update
	var save []store.Inbound
	for i, u := range ups {
		if p.q.InHand(u.ID) || u.ID < p.next {
			if p.Skipped != nil {
				p.Skipped(u)
			}
			continue // in hand, or done and not yet acknowledged
		}
		p.next = u.ID + 1
		if ok, first := allow(p.Allow, SenderOf(u)); !ok {
			if p.Drop != nil {
				p.wg.Add(1)
				go func() {
					defer p.wg.Done()
					p.Drop(context.WithoutCancel(ctx), u, first)
				}()
			}
			fresh = append(fresh, nil)
			continue
		}
		fresh = append(fresh, u)
		save = append(save, store.Inbound{ID: u.ID, Body: raws[i]})
	}
	// Handling starts at once, while the batch is being saved: a handler
	// waits for Redis anyway, and nothing is acknowledged (the next
	// getUpdates) before accept returns. An update done before its save
	// lands is not saved at all (SaveUpdates skips what is done).
	for _, u := range fresh {
		if u != nil {
			p.q.Add(ctx, ChatOf(u), u.ID, u)
		}
	}
	p.mu.Unlock()
	if p.Inbox != nil && len(save) > 0 {
		err := p.Inbox.SaveUpdates(ctx, save, p.Keep)
		if err == nil {
			return len(fresh)
		}
		p.Log.Warn("inbox: updates kept unacknowledged until done", "err", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range fresh {
		if u == nil {
			continue
		}
		// Not saved: acknowledged only once done, unless done already. The
		// queue drops an update from hand before it calls done, which waits
		// for mu: one in hand here is taken out of unsaved by done.
		if p.q.InHand(u.ID) {
			p.unsaved[u.ID] = struct{}{}
		}
	}
	return len(fresh)
}

// recover queues what the inbox holds that is not in hand (chatq's Recover).
func (p *Poller) recover(ctx context.Context) {
	if p.Inbox == nil {
		return
	}
	p.q.Recover(ctx, &p.mu, p.Inbox.Inbox, decodeSaved, p.Log, "")
}

// decodeSaved is the update saved in the inbox, and its chat.
func decodeSaved(x store.Inbound) (int64, *models.Update, error) {
	var u models.Update
	if err := json.Unmarshal(x.Body, &u); err != nil {
		return 0, nil, err
	}
	return ChatOf(&u), &u, nil
}

// done is told by the queue of an update handled (no longer in hand): it
// may now be acknowledged.
func (p *Poller) done(id int64) {
	p.mu.Lock()
	delete(p.unsaved, id)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// fetch asks for the updates from offset on, decoded and as sent.
func (p *Poller) fetch(ctx context.Context, offset int64) ([]*models.Update, []json.RawMessage, time.Duration, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("offset", strconv.FormatInt(offset, 10))
	_ = w.WriteField("timeout", strconv.Itoa(int(p.Timeout.Seconds())))
	_ = w.WriteField("allowed_updates", `["message","callback_query","my_chat_member"]`)
	_ = w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/getUpdates", &body)
	if err != nil {
		return nil, nil, 0, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := p.Client.Do(req)
	if err != nil {
		// The URL holds the token: report the cause only.
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			err = ue.Unwrap()
		}
		return nil, nil, 0, fmt.Errorf("getUpdates: %w", err)
	}
	defer resp.Body.Close()
	var r apiResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, nil, 0, fmt.Errorf("getUpdates: HTTP %d, unreadable answer: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, nil, time.Duration(r.Parameters.RetryAfter) * time.Second, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Result, &raws); err != nil {
		return nil, nil, 0, fmt.Errorf("getUpdates: %w", err)
	}
	ups := make([]*models.Update, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &ups[i]); err != nil {
			return nil, nil, 0, fmt.Errorf("getUpdates: %w", err)
		}
	}
	return ups, raws, 0, nil
}

// allow is f's answer for user, or yes without flood control.
func allow(f func(user int64) (ok, first bool), user int64) (ok, first bool) {
	if f == nil {
		return true, false
	}
	return f(user)
}
