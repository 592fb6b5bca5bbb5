package bot

import (
	"testing"
	"time"
)

// A user may send floodBurst updates at once and then one per floodEvery;
// the next is refused with a notice, and everything for floodMute after it
// without one; then the user starts afresh. Other users are not affected.
func TestFloodMutesOneUser(t *testing.T) {
	now := time.Date(2022, 6, 1, 9, 0, 0, 0, time.UTC)
	f := newFlood()
	f.now = func() time.Time { return now }
	for i := range floodBurst {
		if ok, _ := f.allow(7); !ok {
			t.Fatalf("update %d of a burst of %d refused", i+1, floodBurst)
		}
	}
	if ok, first := f.allow(7); ok || !first {
		t.Fatalf("update over the burst: allowed %v, first refusal %v; want refused, first", ok, first)
	}
	if ok, _ := f.allow(8); !ok {
		t.Errorf("another user was refused")
	}
	now = now.Add(floodMute / 2)
	if ok, first := f.allow(7); ok || first {
		t.Errorf("during the mute: allowed %v, first %v; want refused silently", ok, first)
	}
	now = now.Add(floodMute/2 + time.Second)
	for i := range floodBurst {
		if ok, _ := f.allow(7); !ok {
			t.Fatalf("after the mute, update %d refused", i+1)
		}
	}
	if ok, _ := f.allow(0); !ok {
		t.Errorf("an update without a sender was refused")
	}
}
