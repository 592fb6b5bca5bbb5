package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

func TestConfirm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
				t.Fatal(err)
			}
			id := pend(t, s, 20, time.Minute,
				monthly("xuat-khau", "ben-luc", 3, 520),
				monthly("nhap-khau", "ben-luc", 3, 410))

			changes, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil)
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if len(changes) != 2 {
				t.Fatalf("Confirm wrote %d changes, want 2", len(changes))
			}
			xk, nk := changes[0], changes[1]
			if xk.Action != store.ActionSet || xk.By != 20 || xk.ByName != "Minh" || xk.Via != "20:9" || !xk.At.Equal(t0) ||
				xk.Indicator != "xuat-khau" || xk.Unit != "ben-luc" || xk.Period != "2022-03" || xk.ID == "" {
				t.Errorf("change = %+v", xk)
			}
			if xk.Old == nil || xk.Old.Value != 500*kpi.AmountScale || xk.New == nil || xk.New.Value != 520*kpi.AmountScale {
				t.Errorf("xuat-khau old → new = %v → %v, want 500 → 520", xk.Old, xk.New)
			}
			if nk.Old != nil {
				t.Errorf("nhap-khau old = %+v, want nil (empty slot)", nk.Old)
			}

			// The reports count at once, stamped with who and when.
			rs, _ := s.Reports(ctx, plan, "xuat-khau")
			if len(rs) != 1 || rs[0].Value != 520*kpi.AmountScale || rs[0].By != 20 || rs[0].ByName != "Minh" || !rs[0].At.Equal(t0) || rs[0].Via != "20:9" {
				t.Errorf("stored reports = %+v", rs)
			}
			if _, err := s.Pending(ctx, id); !errors.Is(err, store.ErrExpired) {
				t.Errorf("pending still there after Confirm: %v", err)
			}

			// A second press, or Telegram redelivering the callback.
			if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); !errors.Is(err, store.ErrExpired) {
				t.Fatalf("second Confirm: err = %v, want ErrExpired", err)
			}
			h, err := s.History(ctx, plan, "xuat-khau", "", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != 1 || h[0].ID != xk.ID {
				t.Errorf("history = %+v, want exactly the one confirmed entry", h)
			}
		})
	}
}

func TestConfirmSameSlotTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			// "xuất khẩu tháng 3: 520 … xuất khẩu tháng 3: 530" in one message.
			id := pend(t, s, 20, time.Minute,
				monthly("xuat-khau", "ben-luc", 3, 520),
				monthly("xuat-khau", "ben-luc", 3, 530))
			changes, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 2 || changes[0].Old != nil || changes[1].Old == nil || changes[1].Old.Value != 520*kpi.AmountScale {
				t.Errorf("changes = %+v, want nil → 520, then 520 → 530", changes)
			}
			if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 1 || rs[0].Value != 530*kpi.AmountScale {
				t.Errorf("reports = %+v, want one slot with 530", rs)
			}
			// Undo walks back the same way: 530 → 520 → empty.
			for _, want := range []int{1, 0} {
				if _, err := s.Undo(ctx, plan, 20, 0, t0, "Minh", nil); err != nil {
					t.Fatal(err)
				}
				if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != want {
					t.Errorf("after undo: %d reports, want %d", len(rs), want)
				}
			}
		})
	}
}

func TestConfirmAfterTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			id := pend(t, s, 20, 200*time.Millisecond, monthly("xuat-khau", "ben-luc", 3, 520))
			elapse(300 * time.Millisecond)
			if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); !errors.Is(err, store.ErrExpired) {
				t.Fatalf("Confirm after the TTL: err = %v, want ErrExpired", err)
			}
			if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 0 {
				t.Errorf("an expired submission was stored: %+v", rs)
			}
			if h, _ := s.History(ctx, plan, "", "", 10); len(h) != 0 {
				t.Errorf("an expired submission was audited: %+v", h)
			}
		})
	}
}

func TestConfirmSeesUpdatePending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	id := pend(t, s, 20, time.Minute, monthly("xuat-khau", "ben-luc", 3, 520))
	p, _ := s.Pending(ctx, id)
	p.Reports[0].Value = 530 * kpi.AmountScale
	if err := s.UpdatePending(ctx, p, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 1 || rs[0].Value != 530*kpi.AmountScale {
		t.Errorf("stored %+v, want the updated 530", rs)
	}
}

func TestConfirmConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("50 submissions at once", func(t *testing.T) {
		t.Parallel()
		s := realStore(t)
		units := []string{"tan-an", "kien-tuong", "ben-luc", "can-duoc", "can-giuoc"}
		ids := make([]string, 50)
		for i := range ids {
			ids[i] = pend(t, s, int64(100+i%5), time.Minute, monthly("xuat-khau", units[i%5], 1+i/5, int64(i)))
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(ids))
		for i, id := range ids {
			wg.Go(func() {
				_, err := s.Confirm(ctx, plan, id, int64(100+i%5), "u", t0, fmt.Sprint(i), nil)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("Confirm: %v", err)
			}
		}
		if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 50 {
			t.Errorf("%d slots stored, want 50", len(rs))
		}
		if h, _ := s.History(ctx, plan, "xuat-khau", "", 100); len(h) != 50 {
			t.Errorf("%d audit entries, want 50", len(h))
		}
	})

	t.Run("one submission pressed 10 times at once", func(t *testing.T) {
		t.Parallel()
		s := realStore(t)
		id := pend(t, s, 20, time.Minute, monthly("xuat-khau", "ben-luc", 3, 520))
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, expired := 0, 0
		for range 10 {
			wg.Go(func() {
				_, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, store.ErrExpired):
					expired++
				default:
					t.Errorf("Confirm: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || expired != 9 {
			t.Errorf("%d confirmed, %d expired; want 1 and 9", ok, expired)
		}
		if h, _ := s.History(ctx, plan, "", "", 100); len(h) != 1 {
			t.Errorf("%d audit entries, want 1", len(h))
		}
	})
}

func TestHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	// Five confirmations, alternating units, with one other indicator between.
	steps := []kpi.Report{
		monthly("xuat-khau", "ben-luc", 1, 1),
		monthly("xuat-khau", "duc-hoa", 1, 2),
		monthly("nhap-khau", "ben-luc", 1, 3),
		monthly("xuat-khau", "ben-luc", 1, 4), // replaces the first
		monthly("xuat-khau", "duc-hoa", 2, 5),
	}
	for i, r := range steps {
		id := pend(t, s, 20, time.Minute, r)
		if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0.Add(time.Duration(i)*time.Minute), fmt.Sprint(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	values := func(h []store.Change) []int64 {
		var v []int64
		for _, c := range h {
			v = append(v, int64(c.New.Value/kpi.AmountScale))
		}
		return v
	}
	tests := []struct {
		name, indicator, unit string
		n                     int
		want                  []int64
	}{
		{"newest first", "xuat-khau", "", 10, []int64{5, 4, 2, 1}},
		{"one unit", "xuat-khau", "ben-luc", 10, []int64{4, 1}},
		{"bounded by n", "xuat-khau", "", 2, []int64{5, 4}},
		{"every indicator", "", "", 10, []int64{5, 4, 3, 2, 1}},
		{"nothing reported", "grdp", "", 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := s.History(ctx, plan, tc.indicator, tc.unit, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if got := values(h); !equalIDs(got, tc.want) {
				t.Errorf("History values = %v, want %v", got, tc.want)
			}
		})
	}
	h, _ := s.History(ctx, plan, "xuat-khau", "ben-luc", 1)
	if len(h) != 1 || h[0].Old == nil || h[0].Old.Value != 1*kpi.AmountScale || h[0].Via != "3" || !h[0].At.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("latest ben-luc change = %+v, want 1 → 4 via 3 at t0+3m", h)
	}
}

func TestUndo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const window = 15 * time.Minute
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()

			t.Run("restores the old value and audits", func(t *testing.T) {
				s, _ := b.open(t)
				confirmAt(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 500))
				confirmAt(t, s, 20, t0.Add(time.Minute), monthly("xuat-khau", "ben-luc", 3, 520))
				c, err := s.Undo(ctx, plan, 20, window, t0.Add(2*time.Minute), "Minh", nil)
				if err != nil {
					t.Fatalf("Undo: %v", err)
				}
				if c.Action != store.ActionUndo || c.By != 20 || c.Old == nil || c.Old.Value != 520*kpi.AmountScale || c.New == nil || c.New.Value != 500*kpi.AmountScale {
					t.Errorf("undo change = %+v, want 520 → 500", c)
				}
				if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 1 || rs[0].Value != 500*kpi.AmountScale {
					t.Errorf("after Undo reports = %+v, want 500 back", rs)
				}
				h, _ := s.History(ctx, plan, "xuat-khau", "", 10)
				if len(h) != 3 || h[0].Action != store.ActionUndo || h[0].ID != c.ID || h[0].ByName != "Minh" {
					t.Errorf("history = %+v, want the undo on top of two sets", h)
				}
				// Undo again walks back to the first set, which emptied the slot.
				if _, err := s.Undo(ctx, plan, 20, window, t0.Add(3*time.Minute), "Minh", nil); err != nil {
					t.Fatal(err)
				}
				if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 0 {
					t.Errorf("undoing the first report left %+v, want an empty slot", rs)
				}
				if _, err := s.Undo(ctx, plan, 20, window, t0.Add(4*time.Minute), "Minh", nil); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("third Undo: err = %v, want ErrNotFound", err)
				}
			})

			t.Run("someone overwrote it since", func(t *testing.T) {
				s, _ := b.open(t)
				confirmAt(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
				confirmAt(t, s, 30, t0.Add(time.Minute), monthly("xuat-khau", "ben-luc", 3, 600))
				if _, err := s.Undo(ctx, plan, 20, window, t0.Add(2*time.Minute), "Minh", nil); !errors.Is(err, store.ErrConflict) {
					t.Fatalf("Undo: err = %v, want ErrConflict", err)
				}
				if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 1 || rs[0].Value != 600*kpi.AmountScale {
					t.Errorf("the other user's figure was touched: %+v", rs)
				}
				if h, _ := s.History(ctx, plan, "", "", 10); len(h) != 2 {
					t.Errorf("a refused undo was audited: %+v", h)
				}
			})

			t.Run("outside the window or nothing to undo", func(t *testing.T) {
				s, _ := b.open(t)
				if _, err := s.Undo(ctx, plan, 20, window, t0, "Minh", nil); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Undo with no change: err = %v, want ErrNotFound", err)
				}
				confirmAt(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
				if _, err := s.Undo(ctx, plan, 30, window, t0, "Lan", nil); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Undo of another user's change: err = %v, want ErrNotFound", err)
				}
				if _, err := s.Undo(ctx, plan, 20, window, t0.Add(window+time.Second), "Minh", nil); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Undo after the window: err = %v, want ErrNotFound", err)
				}
				if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 1 {
					t.Errorf("a refused undo changed the reports: %+v", rs)
				}
			})
		})
	}
}

// confirmAt submits and confirms rs as user at at.
func confirmAt(t *testing.T, s *store.Store, user int64, at time.Time, rs ...kpi.Report) {
	t.Helper()
	id := pend(t, s, user, time.Minute, rs...)
	if _, err := s.Confirm(context.Background(), plan, id, user, "u", at, "1:1", nil); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
}

func TestUndoDepth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, rdb := storetest.Miniredis(t)
	s := store.New(rdb, "")
	for i := range store.UndoDepth + 5 {
		confirmAt(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 1+i%12, int64(i)))
	}
	n := 0
	for {
		_, err := s.Undo(ctx, plan, 20, 0, t0, "Minh", nil)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil && !errors.Is(err, store.ErrConflict) {
			t.Fatal(err)
		}
		if errors.Is(err, store.ErrConflict) {
			t.Fatalf("Undo %d: conflict on the user's own changes", n+1)
		}
		n++
	}
	if n != store.UndoDepth {
		t.Errorf("could undo %d changes, want the last %d", n, store.UndoDepth)
	}
}

// TestConfirmAcrossRestart is "Redis restarted between read-back and
// confirm": the pending submission survives, and the script, gone from the
// restarted server's cache, is loaded again.
func TestConfirmAcrossRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := storetest.NewServer(t)
	s := store.New(srv.Client(t), "")
	confirmAt(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 2, 500)) // loads the script
	id := pend(t, s, 20, time.Minute, monthly("xuat-khau", "ben-luc", 3, 520))
	srv.Restart(t)
	if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); err != nil {
		t.Fatalf("Confirm after a restart: %v", err)
	}
	if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 2 {
		t.Errorf("reports after restart = %+v, want both months", rs)
	}
	srv.Stop(t)
	// go-redis retries dialing with backoff; the deadline keeps this short.
	down, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if err := s.Ping(down); err == nil {
		t.Errorf("Ping with Redis stopped succeeded")
	}
	if _, err := s.Undo(down, plan, 20, 0, t0, "Minh", nil); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("Undo with Redis stopped: err = %v, want a Redis error", err)
	}
	srv.Start(t)
	if _, err := s.Undo(ctx, plan, 20, 0, t0, "Minh", nil); err != nil {
		t.Errorf("Undo once Redis is back: %v", err)
	}
}
