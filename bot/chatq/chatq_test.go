package chatq

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type up struct{ chat, id int64 }

// noWait retries at once, until ctx ends.
func noWait(ctx context.Context) bool { return ctx.Err() == nil }

// The updates of one chat are handled in the order added, one at a time.
func TestOrderWithinChat(t *testing.T) {
	var mu sync.Mutex
	got := map[int64][]int64{}
	var busy [3]atomic.Int32
	q := &Queue[up]{Chats: 3, Retry: noWait}
	q.Handle = func(_ context.Context, u up) bool {
		if busy[u.chat].Add(1) != 1 {
			t.Errorf("chat %d: two updates at once", u.chat)
		}
		time.Sleep(time.Millisecond)
		busy[u.chat].Add(-1)
		mu.Lock()
		got[u.chat] = append(got[u.chat], u.id)
		mu.Unlock()
		return false
	}
	var done atomic.Int32
	q.Done = func(id int64) {
		if q.InHand(id) {
			t.Errorf("update %d still in hand when done", id)
		}
		done.Add(1)
	}
	ctx := context.Background()
	for id := int64(0); id < 30; id++ {
		q.Add(ctx, id%3, id, up{id % 3, id})
	}
	deadline := time.Now().Add(10 * time.Second)
	for done.Load() < 30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	q.Wait()
	for c := int64(0); c < 3; c++ {
		if len(got[c]) != 10 {
			t.Fatalf("chat %d: %d handled, want 10", c, len(got[c]))
		}
		for i, id := range got[c] {
			if id != c+3*int64(i) {
				t.Fatalf("chat %d: order %v", c, got[c])
			}
		}
	}
}

// At most Chats chats are handled at once; the others wait their turn.
func TestConcurrencyBound(t *testing.T) {
	var now, peak atomic.Int32
	release := make(chan struct{})
	q := &Queue[up]{Chats: 2, Retry: noWait}
	q.Handle = func(context.Context, up) bool {
		n := now.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		now.Add(-1)
		return false
	}
	ctx := context.Background()
	for c := int64(0); c < 6; c++ {
		q.Add(ctx, c, c, up{c, c})
	}
	time.Sleep(50 * time.Millisecond)
	if n := now.Load(); n != 2 {
		t.Errorf("%d chats handled at once, want 2", n)
	}
	close(release)
	q.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak %d chats at once, want 2", p)
	}
	for c := int64(0); c < 6; c++ {
		if q.InHand(c) {
			t.Errorf("update %d still in hand", c)
		}
	}
}

// An update the handler asks to retry is tried again after Retry, the rest
// of its chat waiting behind it.
func TestRetry(t *testing.T) {
	var mu sync.Mutex
	var seen []int64
	tries := 0
	waits := 0
	q := &Queue[up]{Chats: 1}
	q.Retry = func(ctx context.Context) bool { waits++; return true }
	q.Handle = func(_ context.Context, u up) bool {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, u.id)
		if u.id == 1 {
			tries++
			return tries < 3
		}
		return false
	}
	ctx := context.Background()
	q.Add(ctx, 7, 1, up{7, 1})
	q.Add(ctx, 7, 2, up{7, 2})
	q.Wait()
	if want := []int64{1, 1, 1, 2}; !slices.Equal(seen, want) {
		t.Fatalf("handled %v, want %v", seen, want)
	}
	if waits != 2 {
		t.Errorf("%d waits before retries, want 2", waits)
	}
}

// When ctx ends, the update being retried is given up and the rest of its
// chat's queue is dropped from hand, unhandled: the inbox still has them.
func TestCtxEndLeavesRest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var handled []int64
	var done []int64
	q := &Queue[up]{Chats: 1}
	q.Retry = func(ctx context.Context) bool {
		<-ctx.Done()
		return false
	}
	q.Handle = func(hctx context.Context, u up) bool {
		if hctx.Err() != nil {
			t.Error("handler's context ended with ctx")
		}
		handled = append(handled, u.id)
		if u.id == 1 {
			close(started)
			return true // held: waits in Retry until ctx ends
		}
		return false
	}
	q.Done = func(id int64) { done = append(done, id) }
	for id := int64(1); id <= 3; id++ {
		q.Add(ctx, 5, id, up{5, id})
	}
	<-started
	// A second chat, waiting for the only slot, gives up too.
	q.Add(ctx, 6, 4, up{6, 4})
	cancel()
	q.Wait()
	if len(handled) != 1 || handled[0] != 1 {
		t.Errorf("handled %v, want [1]", handled)
	}
	if len(done) != 0 {
		t.Errorf("done %v, want none", done)
	}
	for id := int64(1); id <= 4; id++ {
		if q.InHand(id) {
			t.Errorf("update %d still in hand", id)
		}
	}
}
