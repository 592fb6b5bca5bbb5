package chatq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot/store"
)

// syncBuffer is a log's output, read while the queue's workers may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Recover queues, on its chat, each saved update that is not in hand; one
// in hand is not handled a second time, one that cannot be read is logged
// and skipped, and the others are handled as if just fetched. A failed read
// is logged and queues nothing.
func TestRecoverQueuesWhatIsNotInHand(t *testing.T) {
	var mu sync.Mutex // the poller's lock around InHand and Add
	var hmu sync.Mutex
	handled := map[int64][]int64{} // chat → ids, in order
	release := make(chan struct{})
	done := make(chan int64, 10)
	q := &Queue[up]{Chats: 4, Retry: noWait, Done: func(id int64) { done <- id }}
	q.Handle = func(_ context.Context, u up) bool {
		if u.id == 1 {
			<-release // in hand while Recover runs
		}
		hmu.Lock()
		handled[u.chat] = append(handled[u.chat], u.id)
		hmu.Unlock()
		return false
	}
	ctx := context.Background()
	mu.Lock()
	q.Add(ctx, 5, 1, up{5, 1})
	mu.Unlock()

	saved := func(id, chat int64) store.Inbound {
		body, _ := json.Marshal(struct{ Chat, ID int64 }{chat, id})
		return store.Inbound{ID: id, Body: body}
	}
	inbox := []store.Inbound{saved(1, 5), saved(2, 5), {ID: 3, Body: []byte("{not json")}, saved(4, 6)}
	decode := func(x store.Inbound) (int64, up, error) {
		var u struct{ Chat, ID int64 }
		if err := json.Unmarshal(x.Body, &u); err != nil {
			return 0, up{}, err
		}
		return u.Chat, up{u.Chat, u.ID}, nil
	}
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))

	var asked int
	q.Recover(ctx, &mu, func(_ context.Context, limit int) ([]store.Inbound, error) {
		asked = limit
		return nil, errors.New("redis: connection refused")
	}, decode, log, "zalo: ")
	if asked <= 0 || !strings.Contains(out.String(), `msg="zalo: inbox" err="redis: connection refused"`) {
		t.Errorf("a failed read: limit %d, log:\n%s", asked, out.String())
	}

	q.Recover(ctx, &mu, func(context.Context, int) ([]store.Inbound, error) { return inbox, nil }, decode, log, "zalo: ")
	close(release)
	var got []int64
	timeout := time.After(10 * time.Second)
	for len(got) < 3 {
		select {
		case id := <-done:
			got = append(got, id)
		case <-timeout:
			t.Fatalf("handled %v after 10 s; want 1, 2 and 4", got)
		}
	}
	q.Wait()
	slices.Sort(got)
	if !slices.Equal(got, []int64{1, 2, 4}) {
		t.Errorf("done %v, want [1 2 4]", got)
	}
	hmu.Lock()
	if !slices.Equal(handled[5], []int64{1, 2}) || !slices.Equal(handled[6], []int64{4}) {
		t.Errorf("handled by chat %v; want chat 5: [1 2] in order, chat 6: [4]", handled)
	}
	hmu.Unlock()
	log2 := out.String()
	for _, want := range []string{
		`msg="zalo: inbox: update taken up again" update_id=2`,
		`msg="zalo: inbox: update taken up again" update_id=4`,
		`msg="zalo: inbox: unreadable update" update_id=3`,
	} {
		if !strings.Contains(log2, want) {
			t.Errorf("log lacks %s:\n%s", want, log2)
		}
	}
	if strings.Contains(log2, "update_id=1 ") || strings.Count(log2, "taken up again") != 2 {
		t.Errorf("the update in hand was taken up again:\n%s", log2)
	}
}
