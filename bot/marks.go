package bot

import (
	"context"
	"sync"
	"time"

	"tiendo/bot/store"
)

// doneLog is what doneMarks needs of the store.
type doneLog interface {
	DoneUpdates(ctx context.Context, ids []int64, keep time.Duration) error
}

// doneMarks writes the update log's done marks as a group commit: an update
// whose mark is asked for while another batch is on its way to Redis goes
// in the next batch, with every other one asked for meanwhile, in one
// command and one round trip. Alone, an update's mark is written at once;
// under load, many chats finishing together share a round trip instead of
// each paying for one. mark returns once its update's mark is written (or
// failed), so nothing is acknowledged or taken up again before it is.
type doneMarks struct {
	log  doneLog
	keep time.Duration

	mu      sync.Mutex
	pending []doneWait
	writing bool
}

type doneWait struct {
	id  int64
	err chan error
}

// mark writes updateID's done mark, batched with those asked for at the
// same time. It returns an error when Redis fails.
func (m *doneMarks) mark(ctx context.Context, updateID int64) error {
	w := doneWait{id: updateID, err: make(chan error, 1)}
	m.mu.Lock()
	m.pending = append(m.pending, w)
	if !m.writing {
		m.writing = true
		go m.write(context.WithoutCancel(ctx))
	}
	m.mu.Unlock()
	return <-w.err
}

// write sends batches until nothing is pending.
func (m *doneMarks) write(ctx context.Context) {
	for {
		m.mu.Lock()
		batch := m.pending[:min(len(m.pending), store.MaxDoneBatch)]
		m.pending = m.pending[len(batch):]
		if len(batch) == 0 {
			m.pending = nil
			m.writing = false
			m.mu.Unlock()
			return
		}
		m.mu.Unlock()
		ids := make([]int64, len(batch))
		for i, w := range batch {
			ids[i] = w.id
		}
		err := m.log.DoneUpdates(ctx, ids, m.keep)
		for _, w := range batch {
			w.err <- err
		}
	}
}
