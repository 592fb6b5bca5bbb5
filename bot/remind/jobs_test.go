package remind_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// These tests run asynq on the shared test Redis against the real clock: due
// times sit a second or two ahead of it, asynq looks for due tasks every
// 100 ms, and each test has its own queue and key prefix so they run in
// parallel. The pure decisions have their own table tests on an injected
// clock.

func TestMain(m *testing.M) { storetest.Main(m) }

func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// notifier records what a user would receive. fail makes the next calls to
// Remind fail; block makes Remind wait for its context (a send cut short by a
// shutdown). Only sends that succeed are counted.
type notifier struct {
	mu       sync.Mutex
	reminds  map[string]int // task id -> deliveries
	order    []remind.Occurrence
	catchUps map[remind.Assignee][][]remind.Item
	overdue  [][]remind.Late
	fail     int
	refuse   map[int64]int // user id -> attempts, answered with ErrUndeliverable
	times    map[string]time.Time
	block    bool
	blocked  chan struct{} // closed when a blocked send starts
	onRemind func(remind.Occurrence)
}

func newNotifier() *notifier {
	return &notifier{
		reminds: map[string]int{}, catchUps: map[remind.Assignee][][]remind.Item{},
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
	n.reminds[o.TaskID()]++
	n.times[o.TaskID()] = time.Now()
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

func (n *notifier) Overdue(_ context.Context, late []remind.Late) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.overdue = append(n.overdue, late)
	return nil
}

func (n *notifier) Digest(context.Context, []remind.Late) error { return nil }

func (n *notifier) delivered() map[string]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]int{}
	for k, v := range n.reminds {
		out[k] = v
	}
	return out
}

// env is one test's Redis key space and asynq queue, shared by the copies of
// the bot it starts.
type env struct {
	t      *testing.T
	prefix string
	queue  string
	store  *store.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	prefix := storetest.Prefix(t)
	e := &env{t: t, prefix: prefix, queue: "q-" + prefix, store: store.New(storetest.Redis(t), prefix)}
	// Registered first, so it runs after every copy has shut down.
	t.Cleanup(func() {
		_ = asynq.NewInspectorFromRedisClient(e.store.Client()).DeleteQueue(e.queue, true)
	})
	return e
}

// copyOfBot returns Reminders on its own Redis client, as a second process
// would have.
func (e *env) copyOfBot(n remind.Notifier, reported func(ctx context.Context, unit, indicator, period string) (bool, error), opts ...func(*remind.Config)) *remind.Reminders {
	e.t.Helper()
	rdb := storetest.Redis(e.t)
	cfg := remind.Config{
		Redis:           rdb,
		Store:           store.New(rdb, e.prefix),
		Plan:            kpi.DefaultPlan(),
		Loc:             hcm(e.t),
		Quiet:           remind.Quiet{Off: true},
		Notifier:        n,
		Reported:        reported,
		Queue:           e.queue,
		Poll:            100 * time.Millisecond,
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

// soon is a one-off deadline due dueIn from now (whole seconds), with leads,
// added a moment ago, saved in the store.
func (e *env) soon(id string, dueIn time.Duration, leads []time.Duration, who ...remind.Assignee) remind.Deadline {
	e.t.Helper()
	now := time.Now().Truncate(time.Second)
	d := remind.Deadline{
		ID: id, Title: "Nghiệm thu đóng điện TTC Đức Huệ 2", Due: now.Add(dueIn), Leads: leads,
		Assignees: who, CreatedBy: 1, Created: now.Add(-time.Second),
	}
	if err := e.store.PutDeadline(context.Background(), d); err != nil {
		e.t.Fatal(err)
	}
	return d
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

// expected returns the task ids of d's reminders due by until.
func expected(d remind.Deadline, until time.Time) []string {
	var out []string
	for _, o := range remind.Occurrences(d, remind.Quiet{Off: true}, time.UTC) {
		if !o.At.After(until) {
			out = append(out, o.TaskID())
		}
	}
	return out
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

func TestTwoCopiesSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier()
	n.fail = 1 // one send fails and is retried: still once
	a, b := e.copyOfBot(n, nil), e.copyOfBot(n, nil)
	d := e.soon("1", 3*time.Second, []time.Duration{2 * time.Second, time.Second},
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
	insp := asynq.NewInspectorFromRedisClient(e.store.Client())
	queued, err := insp.ListScheduledTasks(e.queue)
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
	waitFor(t, 10*time.Second, "6 reminders", func() bool { return len(n.delivered()) == len(want) })
	time.Sleep(time.Second) // room for a duplicate to show up
	onceEach(t, n, want)

	// asynq forgets finished tasks after their retention; a sync that
	// schedules the deadline again then is stopped by the sent log.
	if _, err := insp.DeleteAllCompletedTasks(e.queue); err != nil {
		t.Fatal(err)
	}
	if err := b.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	onceEach(t, n, want)
}

func TestRestartDeliversWhatWasMissedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier()
	n.block = true // the first send hangs until the shutdown cuts it short
	first := e.copyOfBot(n, nil)
	d := e.soon("2", 3*time.Second, []time.Duration{2 * time.Second, time.Second}, remind.Assignee{Unit: "duc-hue"})
	if err := first.Schedule(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	e.start(first)
	select {
	case <-n.blocked:
	case <-time.After(5 * time.Second):
		t.Fatal("the first reminder never started")
	}
	first.Shutdown() // mid-message
	if got := n.delivered(); len(got) != 0 {
		t.Fatalf("delivered %v before the restart", got)
	}
	// Every copy is down while the other reminders come due.
	time.Sleep(time.Until(d.Due.Add(500 * time.Millisecond)))

	second := e.copyOfBot(n, nil)
	e.start(second)
	want := expected(d, d.Due)
	waitFor(t, 10*time.Second, "the missed reminders", func() bool { return len(n.delivered()) == len(want) })
	time.Sleep(time.Second)
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
		n := newNotifier()
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
		// A reporting deadline shaped like the plan's, due in seconds.
		d := e.soon("3", 3*time.Second, []time.Duration{2 * time.Second, time.Second}, duc, ben)
		d.Plan, d.Indicator, d.Period = true, "xuat-khau", "2022-05"
		if err := e.store.PutDeadline(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		time.Sleep(time.Until(d.Due.Add(1500 * time.Millisecond)))
		firstLead := remind.Occurrence{DeadlineID: d.ID, Assignee: duc, Kind: remind.KindLead, Nominal: d.Due.Add(-2 * time.Second)}
		onceEach(t, n, []string{firstLead.TaskID()})
	})

	t.Run("pressing done stops the rest", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		n := newNotifier()
		n.onRemind = func(o remind.Occurrence) {
			if err := e.store.MarkDone(context.Background(), o.DeadlineID, o.Assignee.Key(), time.Now()); err != nil {
				t.Error(err)
			}
		}
		r := e.copyOfBot(n, nil)
		d := e.soon("4", 3*time.Second, []time.Duration{2 * time.Second, time.Second}, duc)
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		time.Sleep(time.Until(d.Due.Add(1500 * time.Millisecond)))
		onceEach(t, n, expected(d, d.Due.Add(-2*time.Second)))
	})
}

func TestLateRemindersFoldIntoOneCatchUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := newNotifier()
	r := e.copyOfBot(n, nil)
	duc, user := remind.Assignee{Unit: "duc-hue"}, remind.Assignee{UserID: 42}
	// Due three days ago, while every copy of the bot was down.
	d := e.soon("5", -3*remind.Day, []time.Duration{2 * remind.Day, remind.Day}, duc, user)
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
	waitFor(t, 15*time.Second, "the catch-ups and the summary", caughtUp)
	time.Sleep(1500 * time.Millisecond)

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
	rdb := storetest.Redis(t)
	r, err := remind.New(remind.Config{
		Redis: rdb, Store: e.store, Plan: kpi.DefaultPlan(), Loc: loc, Notifier: newNotifier(),
		Queue: e.queue, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Date(2022, 6, 18, 9, 0, 0, 0, loc) },
	})
	if err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspectorFromRedisClient(rdb)
	count := func() int {
		t.Helper()
		// 2022 is in the real clock's past: every task is pending at once.
		ts, err := insp.ListPendingTasks(e.queue, asynq.PageSize(1000))
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
		if _, err := insp.GetTaskInfo(e.queue, o.TaskID()); err != nil {
			t.Errorf("%s not scheduled: %v", o.TaskID(), err)
		}
	}
}

func TestQuietHoursAndBlockedUsers(t *testing.T) {
	t.Parallel()
	duc := remind.Assignee{Unit: "duc-hue"}

	t.Run("a backlog found in quiet hours waits for their end", func(t *testing.T) {
		t.Parallel()
		loc := hcm(t)
		now := time.Now().In(loc)
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		tod := now.Sub(midnight)
		if tod < 10*time.Minute || tod > 23*time.Hour {
			t.Skip("too close to midnight for a quiet span around now")
		}
		e := newEnv(t)
		n := newNotifier()
		r := e.copyOfBot(n, nil)
		// Due ten minutes ago, before the quiet hours began five minutes ago;
		// nobody was running then.
		d := e.soon("6", -10*time.Minute, nil, duc)
		d.Created = d.Due.Add(-time.Hour)
		if err := e.store.PutDeadline(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		quiet := remind.Quiet{From: tod - 5*time.Minute, To: (tod + 3*time.Second).Truncate(time.Second)}
		end := midnight.Add(quiet.To)
		// The copy that comes back runs with the quiet hours.
		e.start(e.copyOfBot(n, nil, func(c *remind.Config) { c.Quiet = quiet }))
		due := remind.Occurrence{DeadlineID: d.ID, Assignee: duc, Kind: remind.KindDue, Nominal: d.Due}
		waitFor(t, 10*time.Second, "the held reminder", func() bool { return n.delivered()[due.TaskID()] > 0 })
		n.mu.Lock()
		got := n.times[due.TaskID()]
		n.mu.Unlock()
		if got.Before(end) {
			t.Errorf("delivered at %v, inside quiet hours ending %v", got.In(loc).Format(time.TimeOnly), end.Format(time.TimeOnly))
		}
		time.Sleep(500 * time.Millisecond)
		onceEach(t, n, []string{due.TaskID()})
	})

	t.Run("a user who blocked the bot is tried once, not retried", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		n := newNotifier()
		n.refuse[42] = 0
		r := e.copyOfBot(n, nil)
		d := e.soon("7", time.Second, nil, remind.Assignee{UserID: 42}, duc)
		if err := r.Schedule(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		e.start(r)
		time.Sleep(time.Until(d.Due.Add(2 * time.Second))) // retries come after 200 ms
		n.mu.Lock()
		tries := n.refuse[42]
		n.mu.Unlock()
		if tries != 1 {
			t.Errorf("the blocked user was tried %d times, want once", tries)
		}
		onceEach(t, n, []string{remind.Occurrence{DeadlineID: d.ID, Assignee: duc, Kind: remind.KindDue, Nominal: d.Due}.TaskID()})
	})
}
