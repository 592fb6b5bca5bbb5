// Package chatq is the per-chat serial queue both pollers (Telegram's and
// Zalo's) hand their updates to: the updates of one chat are handled in
// order, one at a time, so replies keep the order the user wrote in; chats
// run in parallel, at most Chats at once, so one chat's backlog holds back
// no other chat.
package chatq

import (
	"context"
	"sync"
)

// Queue holds the updates in hand, queued or being handled, by chat. Set
// the fields before the first Add; the zero value of the unexported ones is
// ready.
type Queue[U any] struct {
	// Chats is how many chats are handled at once (at least one).
	Chats int
	// Handle handles one update and reports whether it must be tried again
	// (a live copy of the bot holds it): it is then tried again after
	// Retry, the chat's later updates waiting behind it.
	Handle func(ctx context.Context, u U) (retry bool)
	// Retry waits before an update is tried again and reports false if ctx
	// ended meanwhile: the update is then given up, not done, and stays in
	// the inbox (or unacknowledged) with the rest of its chat. The pollers
	// wait differently, so each brings its own wait.
	Retry func(ctx context.Context) bool
	// Done, if set, is told of each update handled, once it is no longer
	// in hand. It is called without the queue's lock held, so it may take
	// the caller's own lock, even one held around Add or InHand.
	Done func(id int64)

	once   sync.Once
	mu     sync.Mutex
	inHand map[int64]struct{} // queued or being handled
	queues map[int64][]item[U]
	sem    chan struct{} // one token per chat being handled
	wg     sync.WaitGroup
}

type item[U any] struct {
	id int64
	u  U
}

func (q *Queue[U]) init() {
	q.once.Do(func() {
		q.inHand = map[int64]struct{}{}
		q.queues = map[int64][]item[U]{}
		q.sem = make(chan struct{}, max(q.Chats, 1))
	})
}

// Add queues u, known by id, on chat, and starts the chat's worker if it has
// none. The worker lives on ctx: once ctx ends, what is left of the chat's
// queue is dropped from hand (the inbox still has it). Add does not check
// whether id is in hand already: callers do (InHand), under their own lock.
func (q *Queue[U]) Add(ctx context.Context, chat, id int64, u U) {
	q.init()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inHand[id] = struct{}{}
	qu, running := q.queues[chat]
	q.queues[chat] = append(qu, item[U]{id, u})
	if !running {
		q.wg.Add(1)
		go q.work(ctx, chat)
	}
}

// InHand reports whether id is queued or being handled.
func (q *Queue[U]) InHand(id int64) bool {
	q.init()
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.inHand[id]
	return ok
}

// Wait returns once every worker has returned: after ctx ends, once the
// updates being handled are finished.
func (q *Queue[U]) Wait() {
	q.wg.Wait()
}

// work handles chat's queue until it is empty, or ctx ends (what is left
// stays in the inbox or unacknowledged).
func (q *Queue[U]) work(ctx context.Context, chat int64) {
	defer q.wg.Done()
	select {
	case q.sem <- struct{}{}:
	case <-ctx.Done():
		q.abandon(chat, nil)
		return
	}
	defer func() { <-q.sem }()
	// Handlers run on a context that outlives a shutdown signal: a reply
	// half sent is worse than a second's delay.
	hctx := context.WithoutCancel(ctx)
	for {
		q.mu.Lock()
		qu := q.queues[chat]
		if len(qu) == 0 || ctx.Err() != nil {
			q.abandonLocked(chat)
			q.mu.Unlock()
			return
		}
		it := qu[0]
		q.queues[chat] = qu[1:]
		q.mu.Unlock()
		for q.Handle(hctx, it.u) {
			if !q.Retry(ctx) {
				q.abandon(chat, &it.id)
				return
			}
		}
		q.mu.Lock()
		delete(q.inHand, it.id)
		q.mu.Unlock()
		if q.Done != nil {
			q.Done(it.id)
		}
	}
}

// abandon drops chat's queue from hand, and the update given up (if any).
func (q *Queue[U]) abandon(chat int64, given *int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if given != nil {
		delete(q.inHand, *given)
	}
	q.abandonLocked(chat)
}

func (q *Queue[U]) abandonLocked(chat int64) {
	for _, it := range q.queues[chat] {
		delete(q.inHand, it.id)
	}
	delete(q.queues, chat)
}
