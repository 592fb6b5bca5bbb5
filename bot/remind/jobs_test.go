package remind_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/remind/remindtest"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// These tests run asynq on the shared test Redis and make every decision on
// an injected clock (clock_test.go) set in June 2022: asynq, on the real
// clock, finds every task due at once, and a reminder whose time the clock
// has not reached answers "not yet" and is tried again EarlyRetry later. A
// test moves the clock past a reminder's time and polls for what a user
// would receive; nothing sleeps until a due time. Each test has its own
// queue, key prefix and clock, so they run in parallel.

func TestMain(m *testing.M) { storetest.Main(m) }

func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// notifier records what a user would receive, and when by the test's clock.
// fail makes the next calls to Remind fail; block makes Remind wait for its
// context (a send cut short by a shutdown). Only sends that succeed are
// counted.
type notifier struct {
	clock      *clock
	mu         sync.Mutex
	reminds    map[string]int // task id -> deliveries
	order      []remind.Occurrence
	catchUps   map[remind.Assignee][][]remind.Item
	overdue    [][]remind.Late
	fail       int
	refuse     map[int64]int        // user id -> attempts, answered with ErrUndeliverable
	times      map[string]time.Time // task id -> the clock at delivery
	block      bool
	blocked    chan struct{} // closed when a blocked send starts
	onRemind   func(remind.Occurrence)
	gaveUp     []remind.GivenUp
	badRequest bool // Remind fails with remind.ErrRefused
}

func newNotifier(c *clock) *notifier {
	return &notifier{
		clock: c, reminds: map[string]int{}, catchUps: map[remind.Assignee][][]remind.Item{},
		refuse: map[int64]int{}, times: map[string]time.Time{}, blocked: make(chan struct{}),
	}
}

func (n *notifier) Remind(ctx context.Context, o remind.Occurrence, _ remind.Deadline) error {
	n.mu.Lock()
	if n.block {
		n.block = false
		n.mu.Unlock()
		close(n.blocked)
		<-ctx.Done()
		return ctx.Err()
	}
	if _, ok := n.refuse[o.Assignee.UserID]; ok {
		n.refuse[o.Assignee.UserID]++
		n.mu.Unlock()
		return fmt.Errorf("telegram: 403 Forbidden: bot was blocked by the user: %w", remind.ErrUndeliverable)
	}
	if n.fail > 0 {
		n.fail--
		n.mu.Unlock()
		return errors.New("telegram: 502 Bad Gateway")
	}
	if n.badRequest {
		n.mu.Unlock()
		return fmt.Errorf("telegram: 400 Bad Request: chat not found: %w", remind.ErrRefused)
	}
	n.reminds[o.TaskID()]++
	n.times[o.TaskID()] = n.clock.Now()
	n.order = append(n.order, o)
	hook := n.onRemind
	n.mu.Unlock()
	if hook != nil {
		hook(o)
	}
	return nil
}

func (n *notifier) CatchUp(_ context.Context, a remind.Assignee, items []remind.Item) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.catchUps[a] = append(n.catchUps[a], items)
	return nil
}

func (n *notifier) Overdue(_ context.Context, _ string, late []remind.Late) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.overdue = append(n.overdue, late)
	return nil
}

func (n *notifier) Digest(context.Context, string, []remind.Late) error { return nil }

func (n *notifier) GaveUp(_ context.Context, g remind.GivenUp) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.gaveUp = append(n.gaveUp, g)
	return nil
}

func (n *notifier) delivered() map[string]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]int{}
	for k, v := range n.reminds {
		out[k] = v
	}
	return out
}

// env is one test's Redis key space, asynq queue and clock, shared by the
// copies of the bot it starts.
type env struct {
	t      *testing.T
	prefix string
	queue  string
	store  *store.Store
	insp   *asynq.Inspector
	clk    *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	prefix := storetest.Prefix(t)
	st := store.New(storetest.Redis(t), prefix)
	e := &env{
		t: t, prefix: prefix, queue: "q-" + prefix, store: st,
		insp: asynq.NewInspectorFromRedisClient(st.Client()), clk: newClock(t),
	}
	// Registered first, so it runs after every copy has shut down.
	t.Cleanup(func() { _ = e.insp.DeleteQueue(e.queue, true) })
	return e
}

// eventPlan is the Long An plan without periodic reporting, so that a test
// on the clock's June 2022 hears only its own deadline, not the plan's.
func eventPlan() *kpi.Plan {
	p := kpi.DefaultPlan()
	for i := range p.Indicators {
		p.Indicators[i].Frequency = kpi.OnEvent
	}
	return p
}

// copyOfBot returns Reminders on its own Redis client, as a second process
// would have, deciding on the test's clock.
func (e *env) copyOfBot(n remind.Notifier, reported func(ctx context.Context, unit, indicator, period string) (bool, error), opts ...func(*remind.Config)) *remind.Reminders {
	e.t.Helper()
	rdb := storetest.Redis(e.t)
	cfg := remind.Config{
		Redis:           rdb,
		Store:           store.New(rdb, e.prefix),
		Plan:            eventPlan(),
		Loc:             hcm(e.t),
		Quiet:           remind.Quiet{Off: true},
		Notifier:        n,
		Reported:        reported,
		Now:             e.clk.Now,
		Queue:           e.queue,
		Poll:            100 * time.Millisecond,
		EarlyRetry:      100 * time.Millisecond,
		FoldWait:        time.Second,
		RetryBase:       200 * time.Millisecond,
		ShutdownTimeout: 300 * time.Millisecond,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	r, err := remind.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) start(r *remind.Reminders) {
	e.t.Helper()
	if err := r.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(r.Shutdown)
}

// deadline is a one-off deadline due at due, with leads, added at the
// clock's time, saved in the store.
func (e *env) deadline(id string, due time.Time, leads []time.Duration, who ...remind.Assignee) remind.Deadline {
	e.t.Helper()
	d := remind.Deadline{
		ID: id, Title: "Nghiệm thu đóng điện TTC Đức Huệ 2", Due: due, Leads: leads,
		Assignees: who, CreatedBy: 1, Created: e.clk.Now(),
	}
	if err := e.store.PutDeadline(context.Background(), d); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// finished reports whether every task in ids has run to its end: sent, or
// skipped for good. asynq keeps a finished reminder's task (its retention),
// so a task that is still there and not completed is waiting or retrying.
func (e *env) finished(ids ...string) bool {
	for _, id := range ids {
		info, err := e.insp.GetTaskInfo(e.queue, id)
		if err != nil || info.State != asynq.TaskStateCompleted {
			return false
		}
	}
	return true
}

// advance moves the clock half a minute past to and waits until every
// reminder of d that came due on the way has finished.
func (e *env) advance(d remind.Deadline, to time.Time) {
	e.t.Helper()
	from := e.clk.Now()
	to = to.Add(30 * time.Second)
	e.clk.Set(to)
	ids := reminders(d, from, to)
	waitFor(e.t, 20*time.Second, fmt.Sprintf("%v to finish at %s", ids, to.Format(time.DateTime)),
		func() bool { return e.finished(ids...) })
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// drain waits until the queue has nothing left that could run at the
// clock's time, so that a second, wrong delivery would have shown up.
func (e *env) drain() {
	e.t.Helper()
	remindtest.WaitIdle(e.t, e.store.Client(), e.queue, e.clk.Now, 20*time.Second)
}

// reminders returns the task ids of d's reminders (no quiet hours) due after
// after and by until.
func reminders(d remind.Deadline, after, until time.Time) []string {
	var out []string
	for _, o := range remind.Occurrences(d, remind.Quiet{Off: true}, time.UTC) {
		if o.At.After(after) && !o.At.After(until) {
			out = append(out, o.TaskID())
		}
	}
	return out
}

// expected returns the task ids of d's reminders due by until.
func expected(d remind.Deadline, until time.Time) []string {
	return reminders(d, time.Time{}, until)
}

// onceEach checks that exactly the want reminders arrived, once each.
func onceEach(t *testing.T, n *notifier, want []string) {
	t.Helper()
	got := n.delivered()
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("%s delivered %d times, want once", id, got[id])
		}
	}
	for id, c := range got {
		if !slices.Contains(want, id) {
			t.Errorf("%s delivered %d times, want never", id, c)
		}
	}
}

// The example: due 30 June 2022 at 17:00, reminded 7 days and 1 day
// before and at 17:00.
var sevenDaysOneDay = []time.Duration{7 * remind.Day, remind.Day}

func TestTwoCopiesSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier(e.clk)
	n.fail = 1 // one send fails and is retried: still once
	a, b := e.copyOfBot(n, nil), e.copyOfBot(n, nil)
	d := e.deadline("1", june(t, 30, 17, 0, 0), sevenDaysOneDay,
		remind.Assignee{Unit: "duc-hue"}, remind.Assignee{UserID: 42})
	// Both copies schedule the same deadline, at the same time.
	var wg sync.WaitGroup
	for _, r := range []*remind.Reminders{a, b, a, b} {
		wg.Go(func() {
			if err := r.Schedule(context.Background(), d); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// June 2022 is in the real clock's past: every task is pending at once.
	queued, err := e.insp.ListPendingTasks(e.queue, asynq.PageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	// 2 leads, the due time and the overdue notice for 2 assignees, and one
	// overdue summary: four schedulings queued each once.
	if len(queued) != 2*4+1 {
		t.Errorf("%d tasks queued, want 9", len(queued))
	}
	e.start(a)
	e.start(b)
	want := expected(d, d.Due) // 2 leads and the due time, for 2 assignees
	if len(want) != 6 {
		t.Fatalf("%d reminders expected, want 6", len(want))
	}
	// Each reminder goes out when the clock reaches it, not before.
	for _, at := range []time.Time{june(t, 23, 17, 0, 0), june(t, 29, 17, 0, 0), d.Due} {
		e.advance(d, at)
		onceEach(t, n, expected(d, e.clk.Now()))
	}
	e.drain() // room for a duplicate to show up
	onceEach(t, n, want)

	// asynq forgets finished tasks after their retention; a sync that
	// schedules the deadline again then is stopped by the sent log.
	if _, err := e.insp.DeleteAllCompletedTasks(e.queue); err != nil {
		t.Fatal(err)
	}
	if err := b.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the reminders scheduled again to finish", func() bool { return e.finished(want...) })
	onceEach(t, n, want)
}

func TestRestartDeliversWhatWasMissedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier(e.clk)
	n.block = true // the first send hangs until the shutdown cuts it short
	first := e.copyOfBot(n, nil)
	d := e.deadline("2", june(t, 30, 17, 0, 0), []time.Duration{2 * time.Hour, time.Hour}, remind.Assignee{Unit: "duc-hue"})
	if err := first.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.start(first)
	e.clk.Set(june(t, 30, 15, 0, 30)) // the first lead comes due
	select {
	case <-n.blocked:
	case <-time.After(20 * time.Second):
		t.Fatal("the first reminder never started")
	}
	first.Shutdown() // mid-message
	if got := n.delivered(); len(got) != 0 {
		t.Fatalf("delivered %v before the restart", got)
	}
	// Every copy is down while the other reminders come due.
	e.clk.Set(june(t, 30, 17, 0, 30))

	second := e.copyOfBot(n, nil)
	e.start(second)
	want := expected(d, d.Due)
	waitFor(t, 20*time.Second, "the missed reminders", func() bool { return len(n.delivered()) == len(want) })
	e.drain()
	onceEach(t, n, want)
}

func TestReportedOrDoneStopsReminders(t *testing.T) {
	t.Parallel()
	duc, ben := remind.Assignee{Unit: "duc-hue"}, remind.Assignee{Unit: "ben-luc"}

	t.Run("a unit that reported is skipped; one that reports after a reminder gets no more", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		var mu sync.Mutex
		reported := map[string]bool{"ben-luc": true}
		n := newNotifier(e.clk)
		n.onRemind = func(o remind.Occurrence) { // Đức Huệ reports after its first reminder
			mu.Lock()
			reported[o.Assignee.Unit] = true
			mu.Unlock()
		}
		r := e.copyOfBot(n, func(_ context.Context, unit, indicator, period string) (bool, error) {
			mu.Lock()
			defer mu.Unlock()
			return indicator == "xuat-khau" && period == "2022-05" && reported[unit], nil
		})
		// A reporting deadline shaped like the plan's.
		d := e.deadline("3", june(t, 30, 17, 0, 0), remind.DefaultPlanLeads, duc, ben)
		d.Plan, d.Indicator, d.Period = true, "xuat-khau", "2022-05"
		if err := e.store.PutDeadline(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		// Through the 5-day and 1-day leads to the due time.
		for _, at := range []time.Time{june(t, 25, 17, 0, 0), june(t, 29, 17, 0, 0), d.Due} {
			e.advance(d, at)
		}
		firstLead := remind.Occurrence{DeadlineID: d.ID, Assignee: duc, Kind: remind.KindLead, Nominal: d.Due.Add(-5 * remind.Day)}
		onceEach(t, n, []string{firstLead.TaskID()})
	})

	t.Run("pressing done stops the rest", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		n := newNotifier(e.clk)
		n.onRemind = func(o remind.Occurrence) {
			if err := e.store.MarkDone(context.Background(), o.DeadlineID, o.Assignee.Key(), e.clk.Now()); err != nil {
				t.Error(err)
			}
		}
		r := e.copyOfBot(n, nil)
		d := e.deadline("4", june(t, 30, 17, 0, 0), sevenDaysOneDay, duc)
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		for _, at := range []time.Time{june(t, 23, 17, 0, 0), june(t, 29, 17, 0, 0), d.Due} {
			e.advance(d, at)
		}
		onceEach(t, n, expected(d, d.Due.Add(-7*remind.Day)))
	})
}

func TestLateRemindersFoldIntoOneCatchUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier(e.clk)
	r := e.copyOfBot(n, nil)
	duc, user := remind.Assignee{Unit: "duc-hue"}, remind.Assignee{UserID: 42}
	// Due three days before the clock, while every copy of the bot was down.
	d := e.deadline("5", june(t, 17, 10, 0, 0), []time.Duration{2 * remind.Day, remind.Day}, duc, user)
	d.Created = d.Due.Add(-10 * remind.Day)
	if err := e.store.PutDeadline(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if err := r.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.start(r)
	caughtUp := func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return len(n.catchUps[duc]) > 0 && len(n.catchUps[user]) > 0 && len(n.overdue) > 0
	}
	waitFor(t, 20*time.Second, "the catch-ups and the summary", caughtUp)
	// Nothing left to fold: a second catch-up would have gone out by now.
	e.drain()

	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.reminds) != 0 {
		t.Errorf("%d reminders went out one by one, want all folded", len(n.reminds))
	}
	for _, a := range []remind.Assignee{duc, user} {
		if len(n.catchUps[a]) != 1 {
			t.Fatalf("%s got %d catch-up messages, want 1", a.Key(), len(n.catchUps[a]))
		}
		var kinds []string
		for _, it := range n.catchUps[a][0] {
			kinds = append(kinds, it.Occurrence.Kind)
			if it.Deadline.Title != d.Title {
				t.Errorf("catch-up item without its deadline: %+v", it)
			}
		}
		if want := []string{"lead", "lead", "due", "overdue"}; !slices.Equal(kinds, want) {
			t.Errorf("%s caught up on %v, want %v oldest first", a.Key(), kinds, want)
		}
	}
	if len(n.overdue) != 1 {
		t.Fatalf("%d overdue summaries, want 1", len(n.overdue))
	}
	var found bool
	for _, l := range n.overdue[0] {
		if l.Deadline.ID == d.ID {
			found = slices.Equal(l.Assignees, []remind.Assignee{duc, user})
		}
	}
	if !found {
		t.Errorf("the summary %+v does not list deadline 5 late for both assignees", n.overdue[0])
	}
}

func TestSyncSchedulesThePlanOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loc := hcm(t)
	e.clk.Set(june(t, 18, 9, 0, 0))
	rdb := storetest.Redis(t)
	r, err := remind.New(remind.Config{
		Redis: rdb, Store: e.store, Plan: kpi.DefaultPlan(), Loc: loc, Notifier: newNotifier(e.clk),
		Queue: e.queue, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		// 2022 is in the real clock's past: every task is pending at once.
		ts, err := e.insp.ListPendingTasks(e.queue, asynq.PageSize(1000))
		if err != nil {
			t.Fatal(err)
		}
		return len(ts)
	}
	for range 2 {
		if err := r.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// From 11 June (a week back) to 23 July (35 days ahead): May's and June's
	// monthly figures (iip by the department, three indicators by 15 units:
	// 46 assignments each) and the second quarter's two department
	// indicators; 4 reminders each (5 days, 1 day, due, overdue), plus the two
	// overdue summaries (20 June and 20 July, 18:00), plus the next weekly
	// digest (Monday 20 June, 08:00).
	if got, want := count(), (46+46+2)*4+2+1; got != want {
		t.Errorf("%d tasks after two syncs, want %d", got, want)
	}
	xk := remind.PlanDeadlineID("xuat-khau", kpi.Month(2022, 5))
	d, _ := remind.PlanDeadline(kpi.DefaultPlan(), loc, xk)
	for _, o := range remind.Occurrences(d, remind.Quiet{}, loc)[:4] {
		if _, err := e.insp.GetTaskInfo(e.queue, o.TaskID()); err != nil {
			t.Errorf("%s not scheduled: %v", o.TaskID(), err)
		}
	}
}

func TestQuietHoursAndBlockedUsers(t *testing.T) {
	t.Parallel()
	duc := remind.Assignee{Unit: "duc-hue"}

	t.Run("a backlog found in quiet hours waits for their end", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		n := newNotifier(e.clk)
		r := e.copyOfBot(n, nil)
		// Due at 18:50, its overdue notice at 19:50: both before the quiet
		// hours began at 20:00, while nobody was running.
		d := e.deadline("6", june(t, 20, 18, 50, 0), nil, duc)
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		// The copy that comes back at 21:00 runs with the quiet hours.
		e.clk.Set(june(t, 20, 21, 0, 0))
		quiet := remind.Quiet{From: 20 * time.Hour, To: 7 * time.Hour}
		end := june(t, 21, 7, 0, 0)
		e.start(e.copyOfBot(n, nil, func(c *remind.Config) { c.Quiet = quiet }))
		want := expected(d, d.Due.Add(remind.OverdueAfter)) // the due time and the overdue notice
		summary := "summary:" + strconv.FormatInt(d.Due.Add(remind.OverdueAfter).Unix(), 10)
		// Each task ran and was put off without a word.
		waitFor(t, 20*time.Second, "the backlog to be held", func() bool { return e.finished(append(want, summary)...) })
		e.drain()
		n.mu.Lock()
		held := len(n.reminds) + len(n.overdue)
		n.mu.Unlock()
		if held != 0 {
			t.Fatalf("%d messages went out at night, want none before %s", held, end.Format(time.DateTime))
		}

		e.clk.Set(end.Add(30 * time.Second))
		waitFor(t, 20*time.Second, "the held reminders and summary", func() bool {
			n.mu.Lock()
			defer n.mu.Unlock()
			return len(n.reminds) == len(want) && len(n.overdue) > 0
		})
		n.mu.Lock()
		for id, at := range n.times {
			if at.Before(end) {
				t.Errorf("%s delivered at %v, inside quiet hours ending %v", id, at.Format(time.DateTime), end.Format(time.DateTime))
			}
		}
		n.mu.Unlock()
		e.drain()
		onceEach(t, n, want)
		n.mu.Lock()
		if len(n.overdue) != 1 {
			t.Errorf("%d overdue summaries, want 1", len(n.overdue))
		}
		n.mu.Unlock()
	})

	t.Run("a user who blocked the bot is tried once, not retried", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		n := newNotifier(e.clk)
		n.refuse[42] = 0
		r := e.copyOfBot(n, nil)
		user := remind.Assignee{UserID: 42}
		d := e.deadline("7", june(t, 30, 17, 0, 0), nil, user, duc)
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		e.clk.Set(d.Due.Add(30 * time.Second))
		blocked := remind.Occurrence{DeadlineID: d.ID, Assignee: user, Kind: remind.KindDue, Nominal: d.Due}.TaskID()
		tries := func() int {
			n.mu.Lock()
			defer n.mu.Unlock()
			return n.refuse[42]
		}
		// A retry would come 200 ms after the first try (RetryBase); a task
		// that ended is never tried again.
		waitFor(t, 20*time.Second, "the blocked user's reminder to end", func() bool { return e.finished(blocked) || tries() > 1 })
		if got := tries(); got != 1 {
			t.Errorf("the blocked user was tried %d times, want once", got)
		}
		waitFor(t, 20*time.Second, "Đức Huệ's reminder", func() bool { return len(n.delivered()) > 0 })
		onceEach(t, n, []string{remind.Occurrence{DeadlineID: d.ID, Assignee: duc, Kind: remind.KindDue, Nominal: d.Due}.TaskID()})
	})
}

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

// A reminder that cannot be sent however often it is tried is given up
// after Retries: it is logged, and the admins are told once, naming it.
func TestGivenUpIsLoggedAndToldOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier(e.clk)
	n.fail = 1 << 20 // Telegram never comes back
	var logs syncBuffer
	r := e.copyOfBot(n, nil, func(c *remind.Config) {
		c.Retries, c.RetryBase = 2, 50*time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	d := e.deadline("7", june(t, 30, 17, 0, 0), nil, remind.Assignee{UserID: 42})
	if err := r.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.start(r)
	e.clk.Set(d.Due.Add(30 * time.Second))
	given := func() []remind.GivenUp {
		n.mu.Lock()
		defer n.mu.Unlock()
		return slices.Clone(n.gaveUp)
	}
	waitFor(t, 20*time.Second, "the admins to be told", func() bool { return len(given()) > 0 })
	e.drain()
	g := given()
	if len(g) != 1 {
		t.Fatalf("admins told %d times, want once: %+v", len(g), g)
	}
	if g[0].Kind != remind.TypeRemind || len(g[0].Items) != 1 || g[0].Items[0].Deadline.ID != "7" || !strings.Contains(g[0].Err, "502") {
		t.Errorf("GivenUp = %+v, want the due-time reminder of deadline 7 and its error", g[0])
	}
	if !strings.Contains(logs.String(), "delivery given up") {
		t.Errorf("nothing logged:\n%s", logs.String())
	}
	if got := n.delivered(); len(got) != 0 {
		t.Errorf("delivered %v", got)
	}
}

// A reminder Telegram refuses as such (400) is given up at once, not
// retried for half a day.
func TestRefusedIsGivenUpAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier(e.clk)
	n.badRequest = true
	r := e.copyOfBot(n, nil, func(c *remind.Config) { c.RetryBase = time.Hour })
	d := e.deadline("8", june(t, 30, 17, 0, 0), nil, remind.Assignee{UserID: 42})
	if err := r.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.start(r)
	e.clk.Set(d.Due.Add(30 * time.Second))
	waitFor(t, 20*time.Second, "the admins to be told", func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return len(n.gaveUp) > 0
	})
	e.drain()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.gaveUp) != 1 || !strings.Contains(n.gaveUp[0].Err, "400") {
		t.Errorf("GivenUp = %+v, want one, with the 400", n.gaveUp)
	}
}
