package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// An invite registers one person: of ten people opening the link at once,
// exactly one gets it; an expired one registers nobody.
func TestInviteIsOneTime(t *testing.T) {
	s := store.New(storetest.Redis(t), storetest.Prefix(t))
	ctx := context.Background()
	code, err := s.PutInvite(ctx, store.Invite{Role: access.Reporter, Unit: "ben-luc", By: 1, Created: time.Now()}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) > 12 || code == "" {
		t.Fatalf("code %q", code)
	}
	var got atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := s.TakeInvite(ctx, code)
			if err == nil && inv.Role == access.Reporter && inv.Unit == "ben-luc" {
				got.Add(1)
			} else if !errors.Is(err, store.ErrExpired) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d people registered with one invite", got.Load())
	}
	short, err := s.PutInvite(ctx, store.Invite{Role: access.Viewer, By: 1, Created: time.Now()}, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Elapse(t, 300*time.Millisecond)
	if _, err := s.TakeInvite(ctx, short); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("expired invite: %v", err)
	}
}
