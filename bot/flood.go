package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Flood control of what users send. A person types a message every few
// seconds; a script or a stuck key sends dozens a second, and each of those
// would cost a reply at Telegram's one message a second per chat. A user
// over the limit is muted for a while: their updates are acknowledged and
// not handled, and they are told once (in a private chat only: a group must
// not hear about each of a stranger's messages).
const (
	floodBurst = 20          // updates a user may send at once
	floodEvery = time.Second // and then one per this
	floodMute  = time.Minute // how long a user over the limit is ignored
	floodIdle  = 10 * time.Minute
)

type flood struct {
	burst int
	every time.Duration
	mute  time.Duration
	now   func() time.Time

	mu    sync.Mutex
	users map[int64]*floodState
	seen  int // calls since the last sweep
}

type floodState struct {
	lim        *rate.Limiter
	mutedUntil time.Time
	last       time.Time
}

func newFlood() *flood {
	return &flood{burst: floodBurst, every: floodEvery, mute: floodMute, now: time.Now, users: map[int64]*floodState{}}
}

// allow reports whether user's next update may be handled and, when not,
// whether it is the first one refused since the mute began (the one that
// gets a notice). user 0 (an update without a sender) is always allowed.
func (f *flood) allow(user int64) (ok, first bool) {
	if f == nil || user == 0 {
		return true, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if f.seen++; f.seen >= 4096 {
		f.seen = 0
		for id, s := range f.users {
			if now.Sub(s.last) > floodIdle && now.After(s.mutedUntil) {
				delete(f.users, id)
			}
		}
	}
	s := f.users[user]
	if s == nil {
		s = &floodState{lim: rate.NewLimiter(rate.Every(f.every), f.burst)}
		f.users[user] = s
	}
	s.last = now
	if now.Before(s.mutedUntil) {
		return false, false
	}
	if s.lim.AllowN(now, 1) {
		return true, false
	}
	s.mutedUntil = now.Add(f.mute)
	// After the mute the user starts with a full allowance again.
	s.lim = rate.NewLimiter(rate.Every(f.every), f.burst)
	return false, true
}
