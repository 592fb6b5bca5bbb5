package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

var errRefused = errors.New("refused by the policy")

// reportFor is the rights check the handlers make for a confirmation: the
// access policy on the record the store passes.
func reportFor(u access.User, p store.Pending) error {
	for _, r := range p.Reports {
		if !(access.Policy{}).CanReport(u, r.Unit) {
			return errRefused
		}
	}
	return nil
}

// The rights check and the write are one step: a record that changes after
// the check passed (here, inside the check itself, the latest possible
// moment) makes the script refuse, and the check runs again on the new
// record.
func TestRightsAreCheckedAtTheWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			for _, u := range []access.User{{ID: 1, Role: access.Admin}, {ID: 40, Role: access.Reporter, Unit: "ben-luc"}} {
				if err := s.PutUser(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			id := pend(t, s, 40, time.Minute, monthly("xuat-khau", "ben-luc", 3, 520))
			calls := 0
			_, err := s.Confirm(ctx, plan, id, 40, "Minh", t0, "40:1", func(u access.User, p store.Pending) error {
				calls++
				if calls == 1 {
					// The admin moves them to another unit just after the check.
					if _, err := s.SetRole(ctx, 40, access.Reporter, "can-duoc", true, 1, t0); err != nil {
						t.Fatal(err)
					}
				}
				return reportFor(u, p)
			})
			if !errors.Is(err, errRefused) || calls != 2 {
				t.Fatalf("Confirm = %v after %d checks; want the refusal, on the second check", err, calls)
			}
			if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 0 {
				t.Fatalf("stored: %+v", rs)
			}
			// Removed: no record is a stranger, and is refused too.
			if err := s.DeleteUser(ctx, 40); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Confirm(ctx, plan, id, 40, "Minh", t0, "40:1", reportFor); !errors.Is(err, errRefused) {
				t.Fatalf("Confirm by a removed user = %v, want the refusal", err)
			}

			// Approve: an editor demoted right after the check approves nothing.
			if err := s.PutUser(ctx, access.User{ID: 41, Role: access.Editor}); err != nil {
				t.Fatal(err)
			}
			if err := s.PutUser(ctx, access.User{ID: 42, Role: access.Reporter, Unit: "ben-luc"}); err != nil {
				t.Fatal(err)
			}
			aid := awaitingPend(t, s, 42, monthly("nhap-khau", "ben-luc", 3, 410))
			if _, err := s.Confirm(ctx, plan, aid, 42, "Lan", t0, "42:1", reportFor); err != nil {
				t.Fatal(err)
			}
			r := monthly("nhap-khau", "ben-luc", 3, 410)
			calls = 0
			_, err = s.Approve(ctx, plan, "nhap-khau", r.Slot(), nil, 41, "Quang", t0, func(u access.User) error {
				calls++
				if calls == 1 {
					if _, err := s.SetRole(ctx, 41, access.Viewer, "", true, 1, t0); err != nil {
						t.Fatal(err)
					}
				}
				if !(access.Policy{}).CanApprove(u) {
					return errRefused
				}
				return nil
			})
			if !errors.Is(err, errRefused) {
				t.Fatalf("Approve by a demoted editor = %v, want the refusal", err)
			}
			if rs, _ := s.Reports(ctx, plan, "nhap-khau"); len(rs) != 0 {
				t.Fatalf("approved: %+v", rs)
			}

			// Undo: moved to another unit, the reporter cannot revert.
			if _, err := s.SetRole(ctx, 42, access.Reporter, "can-duoc", true, 1, t0); err != nil {
				t.Fatal(err)
			}
			_, err = s.Undo(ctx, plan, 42, 0, t0, "Lan", func(u access.User, c store.Change) error {
				if !(access.Policy{}).CanReport(u, c.Unit) {
					return errRefused
				}
				return nil
			})
			if !errors.Is(err, errRefused) {
				t.Fatalf("Undo after a move = %v, want the refusal", err)
			}
		})
	}
}

func awaitingPend(t *testing.T, s *store.Store, user int64, rs ...kpi.Report) string {
	t.Helper()
	id, err := s.PutPending(context.Background(), store.Pending{
		UserID: user, ChatID: user, Reports: rs, Lang: "vi", Created: t0, Awaiting: true,
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A user's own edits (name, blocked flag) race an admin's demotion or
// removal, with real goroutines, 25 rounds: the admin's change always stands.
func TestEditUserNeverUndoesAnAdminsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	if err := s.PutUser(ctx, access.User{ID: 1, Role: access.Admin}); err != nil {
		t.Fatal(err)
	}
	for round := range 25 {
		id := int64(100 + round)
		if err := s.PutUser(ctx, access.User{ID: id, Role: access.Reporter, Unit: "ben-luc"}); err != nil {
			t.Fatal(err)
		}
		remove := round%2 == 1
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for j := range 20 {
					_, err := s.EditUser(ctx, id, func(u *access.User) bool {
						u.Name = fmt.Sprintf("n%d-%d", g, j)
						u.Blocked = j%2 == 0
						return true
					})
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var err error
			if remove {
				err = s.DeleteUser(ctx, id)
			} else {
				_, err = s.SetRole(ctx, id, access.Viewer, "", true, 1, t0)
			}
			if err != nil {
				t.Error(err)
			}
		}()
		close(start)
		wg.Wait()
		u, err := s.User(ctx, id)
		switch {
		case remove && !errors.Is(err, store.ErrNotFound):
			t.Fatalf("round %d: the removed user is back: %+v, %v", round, u, err)
		case !remove && (err != nil || u.Role != access.Viewer || u.Unit != ""):
			t.Fatalf("round %d: the demotion was undone: %+v, %v", round, u, err)
		}
	}
}

// Two admins demoting or removing each other at once, 30 rounds with real
// goroutines: exactly one change goes through, the other is ErrLastAdmin.
func TestLastAdminSurvivesARace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			for round := range 30 {
				a, c := int64(200+2*round), int64(201+2*round)
				if round > 0 {
					// Only the last round's survivor is left: make it a viewer by hand.
					if err := s.PutUser(ctx, access.User{ID: a - 2, Role: access.Viewer}); err != nil {
						t.Fatal(err)
					}
					if err := s.PutUser(ctx, access.User{ID: c - 2, Role: access.Viewer}); err != nil {
						t.Fatal(err)
					}
				}
				for _, id := range []int64{a, c} {
					if err := s.PutUser(ctx, access.User{ID: id, Role: access.Admin}); err != nil {
						t.Fatal(err)
					}
				}
				change := func(target int64) error {
					if round%2 == 0 {
						return s.DeleteUser(ctx, target)
					}
					_, err := s.SetRole(ctx, target, access.Editor, "", true, 0, t0)
					return err
				}
				errs := make([]error, 2)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i, target := range []int64{c, a} {
					wg.Add(1)
					go func() { defer wg.Done(); <-start; errs[i] = change(target) }()
				}
				close(start)
				wg.Wait()
				last := 0
				for _, err := range errs {
					switch {
					case errors.Is(err, store.ErrLastAdmin):
						last++
					case err != nil:
						t.Fatal(err)
					}
				}
				us, err := s.Users(ctx)
				if err != nil {
					t.Fatal(err)
				}
				admins := 0
				for _, u := range us {
					if u.Role == access.Admin {
						admins++
					}
				}
				if admins != 1 || last != 1 {
					t.Fatalf("round %d: %d admins left, %d refused as the last; want 1 and 1", round, admins, last)
				}
			}
		})
	}
}

// A stranger's language lives under a key with a TTL, not in the permanent
// hash; once registered, it moves there.
func TestStrangerLanguageExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := storetest.Redis(t)
	s := store.New(rdb, storetest.Prefix(t))
	if err := s.SetLang(ctx, 300, "en"); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(ctx, s.Key("slang", "300")).Result()
	if err != nil || ttl <= 0 || ttl > store.StrangerLangTTL {
		t.Fatalf("stranger language TTL = %v, %v; want up to %v", ttl, err, store.StrangerLangTTL)
	}
	if n, _ := rdb.HLen(ctx, s.Key("lang")).Result(); n != 0 {
		t.Errorf("the language hash holds %d strangers", n)
	}
	if _, err := s.SetRole(ctx, 300, access.Viewer, "", false, 1, t0); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, 300); u.Lang != "en" {
		t.Errorf("after registration Lang = %q, want en", u.Lang)
	}
	if n, _ := rdb.Exists(ctx, s.Key("slang", "300")).Result(); n != 0 {
		t.Errorf("the stranger key outlived the registration")
	}
}

// Allow lets limit actions through per window, then refuses, and its key
// always has a TTL; the window passing lets actions through again.
func TestAllowRateLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			for i := range 5 {
				ok, err := s.Allow(ctx, 9, 3, time.Second)
				if err != nil || ok != (i < 3) {
					t.Fatalf("press %d: %v, %v", i+1, ok, err)
				}
			}
			if ttl, err := s.Client().PTTL(ctx, s.Key("rate", "9")).Result(); err != nil || ttl <= 0 || ttl > time.Second {
				t.Fatalf("rate key TTL = %v, %v; want up to the window", ttl, err)
			}
			elapse(1100 * time.Millisecond)
			if ok, err := s.Allow(ctx, 9, 3, time.Second); err != nil || !ok {
				t.Fatalf("after the window: %v, %v", ok, err)
			}
		})
	}
}

// BenchmarkConfirmRightsCheck measures what the rights check at the write
// costs a confirmation: one more HGET before the script, one inside it.
// Compare the two sub-benchmarks of one run.
func BenchmarkConfirmRightsCheck(b *testing.B) {
	ctx := context.Background()
	s := store.New(storetest.Redis(b), storetest.Prefix(b))
	if err := s.PutUser(ctx, access.User{ID: 40, Role: access.Reporter, Unit: "ben-luc"}); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		allow func(access.User, store.Pending) error
	}{{"unchecked", nil}, {"checked", reportFor}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := range b.N {
				id, err := s.PutPending(ctx, store.Pending{UserID: 40, Reports: []kpi.Report{monthly("xuat-khau", "ben-luc", 1+i%12, 520)}}, time.Minute)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Confirm(ctx, plan, id, 40, "Minh", t0, "", bc.allow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// MarkDoneAs writes the done marks only if the marker's record is still the
// one judged: a reporter moved to another unit inside the check marks nothing.
func TestMarkDoneAsChecksRightsAtTheWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			if err := s.PutUser(ctx, access.User{ID: 50, Role: access.Reporter, Unit: "duc-hue"}); err != nil {
				t.Fatal(err)
			}
			if err := s.PutDeadline(ctx, oneOff("7")); err != nil {
				t.Fatal(err)
			}
			calls := 0
			err := s.MarkDoneAs(ctx, "7", []string{"unit:duc-hue"}, t0, 50, func(u access.User) error {
				calls++
				if calls == 1 {
					if _, err := s.SetRole(ctx, 50, access.Reporter, "ben-luc", true, 1, t0); err != nil {
						t.Fatal(err)
					}
				}
				if u.Unit != "duc-hue" {
					return errRefused
				}
				return nil
			})
			if !errors.Is(err, errRefused) || calls != 2 {
				t.Fatalf("MarkDoneAs = %v after %d checks; want the refusal on the second", err, calls)
			}
			if d, _ := s.Deadline(ctx, "7"); len(d.Done) != 0 {
				t.Fatalf("marked done: %+v", d.Done)
			}
			if err := s.MarkDoneAs(ctx, "7", []string{"unit:ben-luc"}, t0, 50, func(access.User) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if d, _ := s.Deadline(ctx, "7"); len(d.Done) != 1 {
				t.Fatalf("done marks: %+v", d.Done)
			}
			if err := s.MarkDoneAs(ctx, "8", []string{"unit:ben-luc"}, t0, 50, func(access.User) error { return nil }); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("MarkDoneAs of no deadline = %v, want ErrNotFound", err)
			}
		})
	}
}
