package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tiendo/bot/store"
)

// An update taken up MaxUpdateTries times without finishing — each copy
// that took it died — is given up by the next claim: that claim alone gets
// UpdateGivenUp (with the sender's record, to tell them), the update is
// marked done and out of the inbox, and nobody takes it up again. An update
// that finishes drops its count: its redeliveries are done, not counted.
func TestPoisonUpdateGivenUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			const id, user = 7001, 42
			if err := s.SaveUpdates(ctx, []store.Inbound{{ID: id, Body: fmt.Appendf(nil, `{"update_id":%d}`, id)}}, time.Hour); err != nil {
				t.Fatal(err)
			}
			// Copies 1..3 each take it up and die (never a heartbeat: dead at once).
			for i := 1; i <= store.MaxUpdateTries; i++ {
				want := store.UpdateTakenOver
				if i == 1 {
					want = store.UpdateTaken
				}
				got, _, err := s.ClaimUpdateFrom(ctx, id, fmt.Sprintf("dead%d", i), time.Minute, user)
				if err != nil || got != want {
					t.Fatalf("take-up %d: %v, %v; want %v", i, got, err, want)
				}
			}
			got, caller, err := s.ClaimUpdateFrom(ctx, id, "next", time.Minute, user)
			if err != nil || got != store.UpdateGivenUp || caller == nil {
				t.Fatalf("take-up %d: %v, %+v, %v; want %v with the caller", store.MaxUpdateTries+1, got, caller, err, store.UpdateGivenUp)
			}
			for _, who := range []string{"next", "other"} {
				if got, err := s.ClaimUpdate(ctx, id, who, time.Minute); err != nil || got != store.UpdateDone {
					t.Errorf("after it was given up, %s's claim: %v, %v; want done", who, got, err)
				}
			}
			in, err := s.Inbox(ctx, 10)
			if err != nil || len(in) != 0 {
				t.Errorf("inbox after it was given up: %v, %v; want empty", in, err)
			}

			// One that finishes at its last try starts again from nothing.
			const ok = 7002
			for i := 1; i <= store.MaxUpdateTries; i++ {
				if _, err := s.ClaimUpdate(ctx, ok, fmt.Sprintf("dead%d", i), time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.DoneUpdate(ctx, ok, 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			elapse(100 * time.Millisecond) // past the done mark's short life, set above
			if got, _ := s.ClaimUpdate(ctx, ok, "late", time.Minute); got != store.UpdateTaken {
				t.Errorf("a finished update's redelivery after its done mark expired: %v, want taken (its count dropped)", got)
			}
		})
	}
}
