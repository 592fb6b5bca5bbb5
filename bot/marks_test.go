package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

type fakeDoneLog struct {
	mu      sync.Mutex
	batches [][]int64
	gate    chan struct{} // the first write waits on it
	err     error
}

func (f *fakeDoneLog) DoneUpdates(_ context.Context, ids []int64, _ time.Duration) error {
	f.mu.Lock()
	first := len(f.batches) == 0
	f.batches = append(f.batches, slices.Clone(ids))
	f.mu.Unlock()
	if first {
		<-f.gate
	}
	return f.err
}

// Marks asked for while a batch is being written go together in the next
// one; each mark returns only once its own batch is written, with its error.
func TestDoneMarksGroupCommit(t *testing.T) {
	f := &fakeDoneLog{gate: make(chan struct{}), err: errors.New("redis down")}
	m := &doneMarks{log: f, keep: time.Hour}
	ctx := context.Background()
	errs := make(chan error, 10)
	go func() { errs <- m.mark(ctx, 1) }()
	for { // the first batch is on its way
		f.mu.Lock()
		n := len(f.batches)
		f.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	for id := int64(2); id <= 9; id++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- m.mark(ctx, id) }()
	}
	for { // all eight wait behind the first batch
		m.mu.Lock()
		n := len(m.pending)
		m.mu.Unlock()
		if n == 8 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-errs:
		t.Fatalf("a mark returned before its batch was written: %v", err)
	default:
	}
	close(f.gate)
	wg.Wait()
	for range 9 {
		if err := <-errs; !errors.Is(err, f.err) {
			t.Errorf("mark returned %v, want its batch's error", err)
		}
	}
	if len(f.batches) != 2 || !slices.Equal(f.batches[0], []int64{1}) || len(f.batches[1]) != 8 {
		t.Errorf("batches %v, want [1] and then the eight others in one", f.batches)
	}
}
