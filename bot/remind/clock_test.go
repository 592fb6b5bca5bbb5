package remind_test

import (
	"sync"
	"testing"
	"time"
)

// clock is the decisions' time, which a test sets (Config.Now). asynq keeps
// running on the real clock: every time these tests use is in June 2022, in
// the real past, so asynq runs each task at once and the clock alone says
// whether a reminder is due.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock returns a clock at 10:00 on Monday 20 June 2022, Vietnam's time.
func newClock(t testing.TB) *clock {
	t.Helper()
	return &clock{t: june(t, 20, 10, 0, 0)}
}

// Now returns the time the test last set.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// june returns a time in June 2022, Vietnam's time.
func june(t testing.TB, day, hour, minute, sec int) time.Time {
	t.Helper()
	return time.Date(2022, time.June, day, hour, minute, sec, 0, hcm(t))
}
