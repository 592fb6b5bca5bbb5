package store_test

import (
	"context"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/store"
)

// Every write of figures, plans or users changes the data version that an
// update's claim reads, in the same script or transaction: an answer kept
// for one version is never served after a change.
func TestEveryChangeBumpsTheDataVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			update := int64(9000)
			version := func() int64 {
				t.Helper()
				update++
				_, c, err := s.ClaimUpdateFrom(ctx, update, "a", time.Minute, 20)
				if err != nil || c == nil {
					t.Fatalf("ClaimUpdateFrom: %v %v", c, err)
				}
				return c.Version
			}
			last := version()
			bumped := func(what string) {
				t.Helper()
				if v := version(); v <= last {
					t.Errorf("%s: version %d, was %d", what, v, last)
				} else {
					last = v
				}
			}
			if v := version(); v != last {
				t.Errorf("a claim alone changed the version: %d → %d", last, v)
			}
			if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 3, 500)); err != nil {
				t.Fatal(err)
			}
			bumped("PutReport")
			id := pend(t, s, 20, time.Minute, monthly("xuat-khau", "ben-luc", 4, 510))
			if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); err != nil {
				t.Fatal(err)
			}
			bumped("Confirm")
			if _, err := s.Undo(ctx, plan, 20, time.Hour, t0.Add(time.Minute), "Minh", nil); err != nil {
				t.Fatal(err)
			}
			bumped("Undo")
			submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 520))
			bumped("Confirm awaiting approval")
			if _, err := s.Approve(ctx, plan, "xuat-khau", slot3, nil, 30, "Quang", t0, nil); err != nil {
				t.Fatal(err)
			}
			bumped("Approve")
			submit(t, s, 20, t0, monthly("xuat-khau", "ben-luc", 3, 530))
			bumped("Confirm awaiting approval again")
			if _, err := s.Return(ctx, plan, "xuat-khau", slot3, 30, "Quang", "sai", t0, nil); err != nil {
				t.Fatal(err)
			}
			bumped("Return")
			if _, err := s.SeedPlan(ctx, store.PlanRecord{Year: 2031, Name: "a.toml", Source: []byte("a"), At: t0}); err != nil {
				t.Fatal(err)
			}
			bumped("SeedPlan")
			if err := s.PutPlan(ctx, store.PlanRecord{Year: 2031, Name: "b.toml", Source: []byte("b"), At: t0}); err != nil {
				t.Fatal(err)
			}
			bumped("PutPlan")
			if err := s.PutUser(ctx, access.User{ID: 40, Role: access.Viewer}); err != nil {
				t.Fatal(err)
			}
			bumped("PutUser")
			if _, err := s.SetRole(ctx, 40, access.Reporter, "ben-luc", true, 1, t0); err != nil {
				t.Fatal(err)
			}
			bumped("SetRole")
			if _, err := s.EditUser(ctx, 40, func(u *access.User) bool { u.Unit = "can-duoc"; return true }); err != nil {
				t.Fatal(err)
			}
			bumped("EditUser")
			if _, err := s.CreateUser(ctx, access.User{ID: 41, Role: access.Viewer}); err != nil {
				t.Fatal(err)
			}
			bumped("CreateUser")
			if err := s.EnsureAdmins(ctx, []int64{42}, t0); err != nil {
				t.Fatal(err)
			}
			bumped("EnsureAdmins")
		})
	}
}
