package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// submit stores a reporter's submission that waits for approval, confirmed
// at at, and returns the changes Confirm reported.
func submit(t *testing.T, s *store.Store, user int64, at time.Time, rs ...kpi.Report) []store.Change {
	t.Helper()
	ctx := context.Background()
	id, err := s.PutPending(ctx, store.Pending{UserID: user, ChatID: user, Reports: rs, Lang: "vi", Created: at, Awaiting: true}, time.Minute)
	if err != nil {
		t.Fatalf("PutPending: %v", err)
	}
	changes, err := s.Confirm(ctx, plan, id, user, "Hùng", at, "20:9", nil)
	if err != nil {
		t.Fatalf("Confirm of an awaiting submission: %v", err)
	}
	return changes
}

// official returns the official values of indicator, in base units, by slot.
func official(t *testing.T, s *store.Store, indicator string) map[string]int64 {
	t.Helper()
	rs, err := s.Reports(context.Background(), plan, indicator)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rs {
		out[r.Slot()] = int64(r.Value / kpi.AmountScale)
	}
	return out
}

func awaiting(t *testing.T, s *store.Store, indicator string) []kpi.Report {
	t.Helper()
	rs, err := s.Awaiting(context.Background(), plan, indicator)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

const slot3 = "ben-luc|2022-03"

func TestConfirmAwaitingLeavesOfficialAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
				t.Fatal(err)
			}
			id, err := s.PutPending(ctx, store.Pending{UserID: 20, ChatID: 20, Reports: []kpi.Report{monthly("xuat-khau", "ben-luc", 3, 520)}, Awaiting: true}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := s.Pending(ctx, id); !p.Awaiting {
				t.Fatalf("Pending lost Awaiting: %+v", p)
			}
			changes, err := s.Confirm(ctx, plan, id, 20, "Hùng", t0, "20:9", nil)
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if len(changes) != 1 || changes[0].Action != store.ActionSubmit || changes[0].Old != nil || changes[0].New.Value != 520*kpi.AmountScale {
				t.Errorf("changes = %+v, want one submit of 520 into an empty awaiting slot", changes)
			}
			if got := official(t, s, "xuat-khau"); len(got) != 1 || got[slot3] != 500 {
				t.Errorf("official after an awaiting Confirm = %v, want 500 untouched", got)
			}
			aw := awaiting(t, s, "xuat-khau")
			if len(aw) != 1 || aw[0].Value != 520*kpi.AmountScale || aw[0].By != 20 || aw[0].ByName != "Hùng" || !aw[0].At.Equal(t0) {
				t.Errorf("awaiting = %+v, want 520 by Hùng at t0", aw)
			}
			if _, err := s.Confirm(ctx, plan, id, 20, "Hùng", t0, "20:9", nil); !errors.Is(err, store.ErrExpired) {
				t.Errorf("second Confirm: err = %v, want ErrExpired", err)
			}
			h, _ := s.History(ctx, plan, "xuat-khau", "", 10)
			if len(h) != 1 || h[0].Action != store.ActionSubmit {
				t.Errorf("history = %+v, want one submit entry", h)
			}
			all, err := s.AllAwaiting(ctx, plan, []string{"xuat-khau", "nhap-khau"})
			if err != nil {
				t.Fatal(err)
			}
			if len(all["xuat-khau"]) != 1 || all["nhap-khau"] == nil || len(all["nhap-khau"]) != 0 {
				t.Errorf("AllAwaiting = %+v, want one export figure and an empty import list", all)
			}
		})
	}
}

func TestApprove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
				t.Fatal(err)
			}
			submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
			at := t0.Add(time.Hour)
			c, err := s.Approve(ctx, plan, "xuat-khau", slot3, nil, 30, "Quang", at, nil)
			if err != nil {
				t.Fatalf("Approve: %v", err)
			}
			if c.Action != store.ActionApprove || c.By != 30 || c.ByName != "Quang" || !c.At.Equal(at) || c.Unit != "ben-luc" || c.Period != "2022-03" || c.ID == "" {
				t.Errorf("change = %+v", c)
			}
			if c.Old == nil || c.Old.Value != 500*kpi.AmountScale || c.New == nil || c.New.Value != 520*kpi.AmountScale {
				t.Errorf("approve old → new = %v → %v, want 500 → 520", c.Old, c.New)
			}
			rs, _ := s.Reports(ctx, plan, "xuat-khau")
			if len(rs) != 1 || rs[0].Value != 520*kpi.AmountScale || rs[0].By != 20 || !rs[0].At.Equal(t0) {
				t.Errorf("official = %+v, want 520 still credited to the reporter at t0", rs)
			}
			if aw := awaiting(t, s, "xuat-khau"); len(aw) != 0 {
				t.Errorf("still awaiting after Approve: %+v", aw)
			}

			// A second press, or another editor: nothing happens.
			if _, err := s.Approve(ctx, plan, "xuat-khau", slot3, nil, 31, "Mai", at, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second Approve: err = %v, want ErrNotFound", err)
			}
			if _, err := s.Return(ctx, plan, "xuat-khau", slot3, 31, "Mai", "sai", at, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Return after Approve: err = %v, want ErrNotFound", err)
			}
			if got := official(t, s, "xuat-khau"); got[slot3] != 520 {
				t.Errorf("official after the second press = %v, want 520", got)
			}
			h, _ := s.History(ctx, plan, "xuat-khau", "", 10)
			if len(h) != 2 || h[0].Action != store.ActionApprove || h[0].ID != c.ID || h[0].Old.Value != 500*kpi.AmountScale || h[1].Action != store.ActionSubmit {
				t.Errorf("history = %+v, want approve (500 → 520) over submit, nothing more", h)
			}
			if _, err := s.Approve(ctx, plan, "xuat-khau", "duc-hoa|2022-03", nil, 30, "Quang", at, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Approve of a slot that never awaited: err = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestReturn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
				t.Fatal(err)
			}
			submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 5200))
			const reason = "Sai đơn vị: 5.200 triệu USD? Kiểm tra lại"
			c, err := s.Return(ctx, plan, "xuat-khau", slot3, 30, "Quang", reason, t0.Add(time.Hour), nil)
			if err != nil {
				t.Fatalf("Return: %v", err)
			}
			if c.Action != store.ActionReturn || c.Reason != reason || c.By != 30 || c.Old == nil || c.Old.Value != 5200*kpi.AmountScale || c.New != nil {
				t.Errorf("change = %+v, want the returned 5200 with the reason", c)
			}
			if got := official(t, s, "xuat-khau"); got[slot3] != 500 {
				t.Errorf("official after Return = %v, want 500 untouched", got)
			}
			if aw := awaiting(t, s, "xuat-khau"); len(aw) != 0 {
				t.Errorf("still awaiting after Return: %+v", aw)
			}
			if _, err := s.Return(ctx, plan, "xuat-khau", slot3, 30, "Quang", reason, t0, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second Return: err = %v, want ErrNotFound", err)
			}
			if _, err := s.Approve(ctx, plan, "xuat-khau", slot3, nil, 31, "Mai", t0, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Approve after Return: err = %v, want ErrNotFound", err)
			}
			h, _ := s.History(ctx, plan, "xuat-khau", "", 10)
			if len(h) != 2 || h[0].Action != store.ActionReturn || h[0].Reason != reason {
				t.Errorf("history = %+v, want the return with its reason over the submit", h)
			}
		})
	}
}

// Two editors press Duyệt at the same moment, several times each, and a
// third presses Trả lại: exactly one press acts.
func TestApproveConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
		t.Fatal(err)
	}
	submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := map[string]int{}
	notFound := 0
	for i := range 12 {
		wg.Go(func() {
			var c store.Change
			var err error
			switch i % 3 {
			case 0:
				c, err = s.Approve(ctx, plan, "xuat-khau", slot3, nil, 30, "Quang", t0, nil)
			case 1:
				c, err = s.Approve(ctx, plan, "xuat-khau", slot3, nil, 31, "Mai", t0, nil)
			default:
				c, err = s.Return(ctx, plan, "xuat-khau", slot3, 32, "Tâm", "sai", t0, nil)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won[c.Action]++
			case errors.Is(err, store.ErrNotFound):
				notFound++
			default:
				t.Errorf("press: %v", err)
			}
		})
	}
	wg.Wait()
	if won[store.ActionApprove]+won[store.ActionReturn] != 1 || notFound != 11 {
		t.Errorf("won %v, %d found nothing; want exactly one press to act and 11 to find nothing", won, notFound)
	}
	h, _ := s.History(ctx, plan, "xuat-khau", "", 10)
	if len(h) != 2 {
		t.Errorf("%d audit entries, want the submit and one decision", len(h))
	}
	want := int64(500)
	if won[store.ActionApprove] == 1 {
		want = 520
	}
	if got := official(t, s, "xuat-khau"); got[slot3] != want {
		t.Errorf("official = %v, want %d", got, want)
	}
}

func TestUndoSubmit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()

			t.Run("withdraws the awaiting figure only", func(t *testing.T) {
				s, _ := b.open(t)
				if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
					t.Fatal(err)
				}
				submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
				submit(t, s, 20, t0.Add(time.Minute), monthly("xuat-khau", "ben-luc", 3, 530))
				// The second submission replaced the first in the awaiting
				// slot; undoing it brings the first back, still awaiting.
				c, err := s.Undo(ctx, plan, 20, 0, t0.Add(2*time.Minute), "Hùng", nil)
				if err != nil {
					t.Fatalf("Undo: %v", err)
				}
				if c.Old == nil || c.Old.Value != 530*kpi.AmountScale || c.New == nil || c.New.Value != 520*kpi.AmountScale {
					t.Errorf("undo change = %+v, want 530 → 520", c)
				}
				if aw := awaiting(t, s, "xuat-khau"); len(aw) != 1 || aw[0].Value != 520*kpi.AmountScale {
					t.Errorf("awaiting after one undo = %+v, want 520", aw)
				}
				if _, err := s.Undo(ctx, plan, 20, 0, t0.Add(3*time.Minute), "Hùng", nil); err != nil {
					t.Fatalf("second Undo: %v", err)
				}
				if aw := awaiting(t, s, "xuat-khau"); len(aw) != 0 {
					t.Errorf("awaiting after withdrawing both = %+v, want none", aw)
				}
				if got := official(t, s, "xuat-khau"); got[slot3] != 500 {
					t.Errorf("official = %v, want 500 untouched by undoing submissions", got)
				}
			})

			t.Run("an approved figure cannot be undone by its reporter", func(t *testing.T) {
				s, _ := b.open(t)
				submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
				if _, err := s.Approve(ctx, plan, "xuat-khau", slot3, nil, 30, "Quang", t0, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Undo(ctx, plan, 20, 0, t0, "Hùng", nil); !errors.Is(err, store.ErrConflict) {
					t.Errorf("Undo after approval: err = %v, want ErrConflict", err)
				}
				if got := official(t, s, "xuat-khau"); got[slot3] != 520 {
					t.Errorf("official = %v, want the approved 520", got)
				}
			})
		})
	}
}

func TestApprovalRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			r := monthly("xuat-khau", "ben-luc", 3, 520)
			r.By, r.ByName, r.At = 20, "Hùng", t0
			id, err := s.PutApproval(ctx, store.Approval{Reporter: 20, ReporterName: "Hùng", Lang: "en", Reports: []kpi.Report{r}, Created: t0}, time.Second)
			if err != nil {
				t.Fatalf("PutApproval: %v", err)
			}
			if len(id) > 12 || len("ap:"+id) > 64 {
				t.Errorf("id %q too long for a button", id)
			}
			msgs := []store.SentMessage{{ChatID: 30, MessageID: 4}, {ChatID: 1, MessageID: 9}}
			if err := s.SetApprovalMessages(ctx, id, msgs); err != nil {
				t.Fatalf("SetApprovalMessages: %v", err)
			}
			a, err := s.Approval(ctx, id)
			if err != nil {
				t.Fatalf("Approval: %v", err)
			}
			if a.ID != id || a.Reporter != 20 || a.ReporterName != "Hùng" || a.Lang != "en" || len(a.Reports) != 1 ||
				a.Reports[0].Slot() != slot3 || a.Reports[0].Value != r.Value || !a.Reports[0].At.Equal(t0) ||
				len(a.Messages) != 2 || a.Messages[1] != msgs[1] {
				t.Errorf("Approval = %+v", a)
			}
			// SetApprovalMessages kept the TTL: the record still expires.
			elapse(2 * time.Second)
			if _, err := s.Approval(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Approval after its TTL: err = %v, want ErrNotFound", err)
			}
			if err := s.SetApprovalMessages(ctx, id, msgs); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SetApprovalMessages of a gone approval: err = %v, want ErrNotFound", err)
			}

			if got, err := s.TakeReason(ctx, 30); err != nil || got != "" {
				t.Errorf("TakeReason with nothing asked = %q, %v", got, err)
			}
			if err := s.ExpectReason(ctx, 30, "abc", time.Minute); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.TakeReason(ctx, 31); got != "" {
				t.Errorf("another editor's reason taken: %q", got)
			}
			if got, _ := s.TakeReason(ctx, 30); got != "abc" {
				t.Errorf("TakeReason = %q, want abc", got)
			}
			if got, _ := s.TakeReason(ctx, 30); got != "" {
				t.Errorf("TakeReason twice = %q, want it forgotten", got)
			}
		})
	}
}

// The awaiting hash, the approval record and the reason key carry the hash tag.
func TestApprovalKeysOneSlot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, rdb := storetest.Miniredis(t)
	s := store.New(rdb, "")
	submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
	if _, err := s.PutApproval(ctx, store.Approval{Reporter: 20}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpectReason(ctx, 30, "x", time.Minute); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, k := range m.Keys() {
		if !strings.HasPrefix(k, "{tiendo}:") {
			t.Errorf("key %q is outside the {tiendo} hash tag", k)
		}
		for _, p := range []string{"{tiendo}:a:long-an-2022:xuat-khau", "{tiendo}:approval:", "{tiendo}:reason:30"} {
			if strings.HasPrefix(k, p) {
				found = append(found, p)
			}
		}
	}
	if len(found) != 3 {
		t.Errorf("keys %v, want the awaiting hash, an approval and a reason among them", m.Keys())
	}
}

// An editor approves what they were shown, not a figure resubmitted since.
func TestApproveOnlyWhatWasShown(t *testing.T) {
	s := store.New(storetest.Redis(t), storetest.Prefix(t))
	ctx := context.Background()
	at := time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC)
	shown := kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 3), Value: 520_000_000_000, By: 7, At: at}
	submit := func(r kpi.Report) {
		t.Helper()
		id, err := s.PutPending(ctx, store.Pending{UserID: 7, Reports: []kpi.Report{r}, Awaiting: true, Created: at}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Confirm(ctx, "p", id, 7, "Hùng", r.At, "1:1", nil); err != nil {
			t.Fatal(err)
		}
	}
	submit(shown)
	again := shown
	again.Value, again.At = 530_000_000_000, at.Add(time.Minute)
	submit(again)
	if _, err := s.Approve(ctx, "p", "xuat-khau", shown.Slot(), &shown, 30, "Quang", at.Add(2*time.Minute), nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("approving a figure no longer awaiting: %v", err)
	}
	if rs, _ := s.Reports(ctx, "p", "xuat-khau"); len(rs) != 0 {
		t.Fatalf("official after a refused approval: %+v", rs)
	}
	if _, err := s.Approve(ctx, "p", "xuat-khau", again.Slot(), &again, 30, "Quang", at.Add(3*time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.Reports(ctx, "p", "xuat-khau"); len(rs) != 1 || rs[0].Value != again.Value {
		t.Fatalf("official %+v", rs)
	}
}
