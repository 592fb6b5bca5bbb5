package store_test

import (
	"context"
	"testing"
	"time"

	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

func TestLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(storetest.Redis(t), storetest.Prefix(t))
	hold := func(who string) bool {
		t.Helper()
		ok, err := st.HoldLease(ctx, "poller", who, 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !hold("a") || hold("b") || !hold("a") {
		t.Fatal("a takes and renews the lease, b cannot take it")
	}
	if err := st.ReleaseLease(ctx, "poller", "b"); err != nil || hold("b") {
		t.Fatal("b released a's lease")
	}
	if err := st.ReleaseLease(ctx, "poller", "a"); err != nil || !hold("b") {
		t.Fatal("after a releases, b cannot take it")
	}
	storetest.Elapse(t, 400*time.Millisecond)
	if !hold("a") {
		t.Fatal("b's lease did not expire")
	}
}
