package remind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
)

// Delivery is asynq's: each reminder is a task with a deterministic id in a
// Redis queue, leased to one worker across every copy of the bot, retried on
// failure and handed back to the queue when a worker stops. What asynq cannot
// know — whether the reminder is still wanted, whether it went out before a
// retry — is Decide and the sent log (Store.ClaimSend / MarkSent).

// The task types this package enqueues and handles.
const (
	TypeRemind  = "remind:occurrence" // payload: an Occurrence
	TypeLate    = "remind:late"       // an Occurrence too late to go out alone, waiting in its assignee's group
	TypeCatchUp = "remind:catchup"    // payload: []Occurrence, what asynq folded from one group
	TypeSummary = "remind:summary"    // the overdue summary to the admins and the leaders
	TypeSync    = "remind:sync"       // schedule the plan's deadlines for the coming weeks
	TypeDigest  = "remind:digest"     // the weekly overview to the leaders' group
	TypeGaveUp  = "remind:gaveup"     // payload: a gaveUp; tell the admins a delivery was given up
)

// The weekly digest goes out on DigestDay at DigestHour, local time.
const (
	DigestDay  = time.Monday
	DigestHour = 8
)

// DefaultQueue is the asynq queue reminders use unless configured.
const DefaultQueue = "tiendo-reminders"

// SendLease is how long a worker holds the right to send one reminder; a
// worker that dies while sending leaves it to a retry after that.
const SendLease = 2 * time.Minute

// MaxRetryDelay caps the back-off between retries of a failed send.
const MaxRetryDelay = 30 * time.Minute

// MaxRetry is how often a failed send is retried: with the back-off capped at
// half an hour, about half a day of Telegram or network trouble.
const MaxRetry = 30

// summaryWindow groups overdue summaries: summaries that come up in the same
// hour (several deadlines overdue at once, or a backlog after the bot was
// down) would say the same thing, so one goes out.
const summaryWindow = time.Hour

// ErrNoDeadline is what Store.Deadline returns (wrapped) for a deadline that
// does not exist.
var ErrNoDeadline = errors.New("remind: no such deadline")

// ErrUndeliverable is what a Notifier returns (wrapped) for a reminder that
// can never be delivered — the user blocked the bot (Telegram's 403). The
// job then ends without retrying, and the reminder counts as sent.
var ErrUndeliverable = errors.New("remind: undeliverable")

// ErrRefused is what a Notifier returns (wrapped) for a message Telegram
// refused as such (a 400): retrying cannot help, so the job is given up at
// once — logged, and the admins told.
var ErrRefused = errors.New("remind: refused")

// SendState is what Store.ClaimSend found.
type SendState int

// The states of a reminder in the sent log.
const (
	SendClaimed SendState = iota + 1 // the caller may send it
	SendDone                         // it went out already
	SendBusy                         // another worker is sending it
)

// Store is what the jobs keep in Redis besides asynq's own keys; the bot's
// store.Store implements it.
type Store interface {
	// Deadline returns a one-off deadline, or an error wrapping ErrNoDeadline.
	Deadline(ctx context.Context, id string) (Deadline, error)
	// Deadlines returns every open one-off deadline.
	Deadlines(ctx context.Context) ([]Deadline, error)
	// ClaimSend takes the right to send a reminder for lease, or says why not.
	ClaimSend(ctx context.Context, task string, lease time.Duration) (SendState, error)
	// MarkSent records for good that a reminder went out.
	MarkSent(ctx context.Context, task string) (bool, error)
	// ReleaseSend gives up a claim after a failed send.
	ReleaseSend(ctx context.Context, task string) error
}

// Notifier sends what the jobs decided; the bot implements it with Telegram
// (resolving a unit to its reporters, a user to their language). An error
// makes asynq retry the job later.
type Notifier interface {
	// Remind sends one reminder to its assignee.
	Remind(ctx context.Context, o Occurrence, d Deadline) error
	// CatchUp sends one message to a listing reminders that are more than
	// FoldAfter late, oldest first.
	CatchUp(ctx context.Context, a Assignee, items []Item) error
	// Overdue sends the summary of who is late to the admins and the
	// leaders' group; late is earliest due first.
	// task names this summary, for a per-recipient sent log.
	Overdue(ctx context.Context, task string, late []Late) error
	// Digest sends the weekly overview to the leaders' group, with what is
	// late now (earliest due first).
	// task names this digest.
	Digest(ctx context.Context, task string, late []Late) error
	// GaveUp tells the admins that a delivery failed for good.
	GaveUp(ctx context.Context, g GivenUp) error
}

// GivenUp is a delivery the jobs stopped trying: its last error was not one
// a retry could cure, or it failed Config.Retries times.
type GivenUp struct {
	Task  string // asynq's task id
	Kind  string // TypeRemind, TypeCatchUp, TypeSummary or TypeDigest
	Items []Item // the reminders it carried (Remind, CatchUp); deadlines gone since are left out
	Err   string // the last error
}

// Item is a reminder with its deadline.
type Item struct {
	Occurrence Occurrence
	Deadline   Deadline
}

// Late is a deadline past its due time and who has not finished it.
type Late struct {
	Deadline  Deadline
	Assignees []Assignee
}

// Config is what Reminders needs. Redis, Store, Plan, Loc and Notifier are
// required; zero values of the rest mean the defaults in their comments.
type Config struct {
	// Redis is the bot's client; asynq keeps its keys under "asynq:{<queue>}".
	Redis redis.UniversalClient
	Store Store
	Plan  *kpi.Plan
	// Plans, when set, returns every year's plan: their deadlines are all
	// reminded (a plan loaded in chat included, at the next sync), and Plan
	// is only the fallback. nil: Plan alone.
	Plans    func(ctx context.Context) ([]*kpi.Plan, error)
	Loc      *time.Location
	Quiet    Quiet
	Notifier Notifier
	// Reported says whether a unit has a confirmed report for an indicator's
	// period (store.Store.Reported with the plan id). nil: nobody has.
	Reported func(ctx context.Context, unit, indicator, period string) (bool, error)
	// Now is the clock of the decisions (nil: time.Now). asynq itself runs
	// tasks on the real clock.
	Now func() time.Time

	Queue       string        // DefaultQueue
	Concurrency int           // workers in this copy of the bot: 4
	Poll        time.Duration // how often asynq looks for tasks that came due: 1 s
	// FoldWait is how long late reminders of one assignee are gathered before
	// their catch-up message goes out (asynq's group grace period): 10 s,
	// at least 1 s.
	FoldWait  time.Duration
	SyncEvery time.Duration // how often the plan's deadlines are scheduled: 1 h
	Horizon   time.Duration // how far ahead they are scheduled: 35 days
	Lookback  time.Duration // how far back deadlines are scheduled again: 7 days
	RetryBase time.Duration // first retry delay, doubled up to MaxRetryDelay: 30 s
	Retries   int           // how often a failed delivery is retried before it is given up: MaxRetry
	// EarlyRetry is how soon a task that came up before its time (by Now) is
	// tried again: EarlySlack. Tests with a clock they move set it small.
	EarlyRetry      time.Duration
	ShutdownTimeout time.Duration // how long Shutdown waits for a send in progress: 8 s
	Logger          *slog.Logger  // slog.Default()
	// OnHeld, when set, is called for each task held past the quiet hours
	// (metrics).
	OnHeld func()
}

// Reminders schedules and delivers reminders. Several copies of the bot may
// each run one on the same Redis: each reminder still goes out once.
type Reminders struct {
	cfg    Config
	log    *slog.Logger
	client *asynq.Client

	mu     sync.Mutex
	server *asynq.Server
	stop   context.CancelFunc
	done   chan struct{}
}

// New returns Reminders for cfg, not yet running. It returns an error when a
// required field is missing or FoldWait is below a second.
func New(cfg Config) (*Reminders, error) {
	switch {
	case cfg.Redis == nil, cfg.Store == nil, cfg.Plan == nil, cfg.Loc == nil, cfg.Notifier == nil:
		return nil, errors.New("remind: Config needs Redis, Store, Plan, Loc and Notifier")
	case cfg.FoldWait != 0 && cfg.FoldWait < time.Second:
		return nil, errors.New("remind: FoldWait must be at least a second (asynq's group grace period)")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Poll, time.Second)
	def(&cfg.FoldWait, 10*time.Second)
	def(&cfg.SyncEvery, time.Hour)
	def(&cfg.Horizon, 35*Day)
	def(&cfg.Lookback, 7*Day)
	def(&cfg.RetryBase, 30*time.Second)
	def(&cfg.EarlyRetry, EarlySlack)
	def(&cfg.ShutdownTimeout, 8*time.Second)
	if cfg.Queue == "" {
		cfg.Queue = DefaultQueue
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Retries <= 0 {
		cfg.Retries = MaxRetry
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Reminders{cfg: cfg, log: cfg.Logger, client: asynq.NewClientFromRedisClient(cfg.Redis)}, nil
}

// Start runs this copy's asynq worker and its sync loop until Shutdown or
// until ctx ends. The first sync is enqueued at once. It returns an error
// when already running or when asynq cannot start (Redis unreachable).
func (r *Reminders) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.server != nil {
		return errors.New("remind: already running")
	}
	c := r.cfg
	srv := asynq.NewServerFromRedisClient(c.Redis, asynq.Config{
		Concurrency:              c.Concurrency,
		Queues:                   map[string]int{c.Queue: 1},
		TaskCheckInterval:        c.Poll,
		DelayedTaskCheckInterval: c.Poll,
		GroupGracePeriod:         c.FoldWait,
		GroupMaxDelay:            6 * c.FoldWait,
		GroupMaxSize:             100,
		GroupAggregator:          asynq.GroupAggregatorFunc(r.aggregate),
		RetryDelayFunc:           r.retryDelay,
		IsFailure:                func(err error) bool { return !errors.Is(err, errNotYet) },
		ErrorHandler:             asynq.ErrorHandlerFunc(r.failed),
		ShutdownTimeout:          c.ShutdownTimeout,
		Logger:                   asynqLogger{r.log},
		LogLevel:                 asynq.WarnLevel,
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeRemind, r.handleRemind)
	mux.HandleFunc(TypeCatchUp, r.handleCatchUp)
	mux.HandleFunc(TypeSummary, r.handleSummary)
	mux.HandleFunc(TypeSync, func(ctx context.Context, _ *asynq.Task) error { return r.Sync(ctx) })
	mux.HandleFunc(TypeDigest, r.handleDigest)
	mux.HandleFunc(TypeGaveUp, r.handleGaveUp)
	// TypeLate tasks are never run: they wait in a group until aggregated.
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("remind: start worker: %w", err)
	}
	loopCtx, cancel := context.WithCancel(ctx)
	r.server, r.stop, r.done = srv, cancel, make(chan struct{})
	go r.syncLoop(loopCtx, r.done)
	return nil
}

// Shutdown stops the sync loop and the worker: a send in progress gets
// ShutdownTimeout to finish, then its task goes back to the queue for
// another copy or the next start. Reminders may be started again.
func (r *Reminders) Shutdown() {
	r.mu.Lock()
	srv, stop, done := r.server, r.stop, r.done
	r.server, r.stop, r.done = nil, nil, nil
	r.mu.Unlock()
	if srv == nil {
		return
	}
	stop()
	<-done
	srv.Shutdown()
}

// syncLoop enqueues a sync at start and every SyncEvery. It enqueues a task
// rather than syncing itself, with one task id per period, so that however
// many copies of the bot run, one sync per period happens, on whichever
// worker is free, with asynq's retries when Redis hiccups. asynq's own
// Scheduler would do the same with cron entries, but every copy would
// enqueue its own task each period (it has no de-duplication by id), and it
// brings a second heartbeat and registry for no gain.
func (r *Reminders) syncLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(r.cfg.SyncEvery)
	defer t.Stop()
	for {
		// The real clock, not cfg.Now: this paces asynq, which runs on it.
		slot := time.Now().Truncate(r.cfg.SyncEvery)
		id := "sync:" + strconv.FormatInt(slot.Unix(), 10)
		_, err := r.client.EnqueueContext(ctx, asynq.NewTask(TypeSync, nil), asynq.TaskID(id),
			asynq.Queue(r.cfg.Queue), asynq.Retention(r.cfg.SyncEvery), asynq.MaxRetry(3))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && ctx.Err() == nil {
			r.log.Warn("remind: enqueue sync", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sync schedules the plan's deadlines due within Horizon and every open
// one-off deadline, each from Lookback ago: scheduling is idempotent, so this
// repairs anything a crash between saving a deadline and scheduling it left
// out, and reminders whose time passed while no copy ran go out, late. It
// returns the first error met, after trying every deadline.
func (r *Reminders) Sync(ctx context.Context) error {
	now := r.cfg.Now()
	from := now.Add(-r.cfg.Lookback)
	plans, err := r.plans(ctx)
	if err != nil {
		return fmt.Errorf("remind: sync: %w", err)
	}
	var ds []Deadline
	for _, p := range plans {
		ds = append(ds, PlanDeadlines(p, r.cfg.Loc, from, now.Add(r.cfg.Horizon))...)
	}
	oneOff, err := r.cfg.Store.Deadlines(ctx)
	if err != nil {
		return fmt.Errorf("remind: sync: %w", err)
	}
	for _, d := range oneOff {
		if !d.Due.Before(from) {
			ds = append(ds, d)
		}
	}
	first := r.scheduleDigest(ctx, now)
	for _, d := range ds {
		if err := r.Schedule(ctx, d); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// NextDigest returns the first DigestDay DigestHour:00 in loc after now.
func NextDigest(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	at := time.Date(l.Year(), l.Month(), l.Day(), DigestHour, 0, 0, 0, loc)
	for at.Weekday() != DigestDay || !at.After(l) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// scheduleDigest enqueues the next weekly digest; its task id is its date, so
// every copy's hourly sync adds it once.
func (r *Reminders) scheduleDigest(ctx context.Context, now time.Time) error {
	at := NextDigest(now, r.cfg.Loc)
	id := "digest:" + at.Format("2006-01-02")
	_, err := r.client.EnqueueContext(ctx, asynq.NewTask(TypeDigest, timePayload(at)), asynq.TaskID(id),
		asynq.ProcessAt(at), asynq.Queue(r.cfg.Queue), asynq.MaxRetry(r.cfg.Retries),
		asynq.Retention(8*Day))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("remind: schedule digest %s: %w", id, err)
	}
	return nil
}

// handleDigest sends the weekly digest, once per week across every copy.
func (r *Reminders) handleDigest(ctx context.Context, t *asynq.Task) error {
	now := r.cfg.Now()
	if early(t, now) {
		return errNotYet
	}
	late, err := r.Overdue(ctx, now)
	if err != nil {
		return err
	}
	key := "digest@" + now.In(r.cfg.Loc).Format("2006-01-02")
	err = r.send(ctx, []string{key}, func() error { return r.cfg.Notifier.Digest(ctx, key, late) })
	if errors.Is(err, errNotYet) {
		return nil
	}
	return err
}

// Schedule enqueues every reminder of d (Occurrences) and the overdue summary
// that follows its due time. Each task id is the occurrence's TaskID, so
// scheduling again — from another copy of the bot, or the hourly sync — adds
// nothing. A reminder whose time has passed runs at once, once. It returns
// an error when Redis fails.
func (r *Reminders) Schedule(ctx context.Context, d Deadline) error {
	var summaries []time.Time
	for _, o := range Occurrences(d, r.cfg.Quiet, r.cfg.Loc) {
		if err := r.enqueue(ctx, o, d.Due); err != nil {
			return err
		}
		if o.Kind == KindOverdue && !slices.ContainsFunc(summaries, o.At.Equal) {
			summaries = append(summaries, o.At)
		}
	}
	for _, at := range summaries {
		id := "summary:" + strconv.FormatInt(at.Unix(), 10)
		_, err := r.client.EnqueueContext(ctx, asynq.NewTask(TypeSummary, timePayload(at)), asynq.TaskID(id),
			asynq.ProcessAt(at), asynq.Queue(r.cfg.Queue), asynq.MaxRetry(r.cfg.Retries),
			asynq.Retention(r.cfg.Lookback+Day))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return fmt.Errorf("remind: schedule summary %s: %w", id, err)
		}
	}
	return nil
}

// Snooze schedules o again after delay ("remind me in 1 hour") from
// o.Nominal, the time of the press (now when zero), held past the quiet
// hours. The same press scheduled twice is one task. It returns an error
// when Redis fails.
func (r *Reminders) Snooze(ctx context.Context, o Occurrence, delay time.Duration) error {
	now := o.Nominal // when the press was made: the same for a press handled twice
	if now.IsZero() {
		now = r.cfg.Now()
	}
	s := Snooze(o, now, delay, r.cfg.Quiet, r.cfg.Loc)
	return r.enqueue(ctx, s, s.At)
}

// enqueue adds the task of o. A finished task is kept (asynq's retention)
// until the hourly sync can no longer schedule its deadline again, so the
// sync meets an id conflict instead of running it a second time.
func (r *Reminders) enqueue(ctx context.Context, o Occurrence, due time.Time) error {
	payload, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("remind: schedule %s: %w", o.TaskID(), err)
	}
	keep := max(due.Add(r.cfg.Lookback+Day).Sub(o.At), Day)
	_, err = r.client.EnqueueContext(ctx, asynq.NewTask(TypeRemind, payload), asynq.TaskID(o.TaskID()),
		asynq.ProcessAt(o.At), asynq.Queue(r.cfg.Queue), asynq.MaxRetry(r.cfg.Retries), asynq.Retention(keep))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("remind: schedule %s: %w", o.TaskID(), err)
	}
	return nil
}

// timePayload is the payload of a task that must not run before at (the
// summary, the digest): asynq runs it on its own clock, the decision is on
// Config.Now.
func timePayload(at time.Time) []byte {
	return []byte(strconv.FormatInt(at.Unix(), 10))
}

// early reports whether a task with a timePayload came up before its time.
// A task without one (enqueued by an older version) is never early.
func early(t *asynq.Task, now time.Time) bool {
	sec, err := strconv.ParseInt(string(t.Payload()), 10, 64)
	return err == nil && now.Before(time.Unix(sec, 0).Add(-EarlySlack))
}

// errNotYet asks asynq to try a task again later without counting a failure:
// it came up early, or another worker holds its send lease.
var errNotYet = errors.New("remind: not yet")

func (r *Reminders) retryDelay(n int, err error, _ *asynq.Task) time.Duration {
	if errors.Is(err, errNotYet) {
		return r.cfg.EarlyRetry
	}
	d := r.cfg.RetryBase
	for i := 0; i < n && d < MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, MaxRetryDelay)
}

// deadline returns the deadline o belongs to as it is now: computed from the
// plan for plan deadlines, read from the store otherwise; the zero Deadline
// when it is gone.
func (r *Reminders) deadline(ctx context.Context, id string) (Deadline, error) {
	plans, err := r.plans(ctx)
	if err != nil {
		return Deadline{}, err
	}
	for _, p := range plans {
		if d, ok := PlanDeadline(p, r.cfg.Loc, id); ok {
			return d, nil
		}
	}
	d, err := r.cfg.Store.Deadline(ctx, id)
	if errors.Is(err, ErrNoDeadline) {
		return Deadline{}, nil
	}
	return d, err
}

// decide is Decide with the report check read from Redis; an error reading
// it is returned so the job is retried rather than decided on a guess.
func (r *Reminders) decide(ctx context.Context, o Occurrence, d Deadline, now time.Time) (bool, string, error) {
	var readErr error
	reported := func(unit, indicator, period string) bool {
		if r.cfg.Reported == nil {
			return false
		}
		ok, err := r.cfg.Reported(ctx, unit, indicator, period)
		if err != nil {
			readErr = err
		}
		return ok
	}
	send, why := Decide(o, d, reported, now)
	if readErr != nil {
		return false, "", fmt.Errorf("remind: check report for %s: %w", o.TaskID(), readErr)
	}
	return send, why, nil
}

func decodeOccurrence(t *asynq.Task) (Occurrence, error) {
	var o Occurrence
	if err := json.Unmarshal(t.Payload(), &o); err != nil {
		// A payload this code cannot read will not get better on retry.
		return o, fmt.Errorf("remind: bad %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return o, nil
}

// handleRemind sends one reminder if it is still wanted. One more than a day
// late goes to its assignee's group instead, to be folded into a catch-up.
func (r *Reminders) handleRemind(ctx context.Context, t *asynq.Task) error {
	o, err := decodeOccurrence(t)
	if err != nil {
		return err
	}
	now := r.cfg.Now()
	if held, err := r.holdIfQuiet(ctx, t, now); held || err != nil {
		return err
	}
	d, err := r.deadline(ctx, o.DeadlineID)
	if err != nil {
		return fmt.Errorf("remind: load deadline of %s: %w", o.TaskID(), err)
	}
	send, why, err := r.decide(ctx, o, d, now)
	switch {
	case err != nil:
		return err
	case why == WhyEarly:
		return errNotYet
	case !send:
		r.log.Debug("remind: skip", "task", o.TaskID(), "why", why)
		return nil
	}
	if _, late := Fold([]Occurrence{o}, now); len(late) > 0 {
		_, err := r.client.EnqueueContext(ctx, asynq.NewTask(TypeLate, t.Payload()),
			asynq.TaskID("late:"+o.TaskID()), asynq.Group("late:"+o.Assignee.Key()), asynq.Queue(r.cfg.Queue))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return fmt.Errorf("remind: fold %s: %w", o.TaskID(), err)
		}
		return nil
	}
	return r.send(ctx, []string{o.TaskID()}, func() error { return r.cfg.Notifier.Remind(ctx, o, d) })
}

// send runs notify once for the reminders tasks: it claims each in the sent
// log first (a task sent already is left out; when all are, nothing is
// sent), and marks them sent after. A failed notify releases the claims and
// returns its error, so the retry sends.
func (r *Reminders) send(ctx context.Context, tasks []string, notify func() error) error {
	claimed, err := r.claim(ctx, tasks)
	if err != nil || len(claimed) == 0 {
		return err
	}
	return r.sent(ctx, claimed, notify())
}

// sent ends a send of the claimed tasks that notify answered with err: on
// success (or an undeliverable reminder, which will never do better) they
// are marked sent; on failure the claims are released and the error
// returned for asynq to retry.
func (r *Reminders) sent(ctx context.Context, claimed []string, err error) error {
	switch {
	case errors.Is(err, ErrUndeliverable):
		r.log.Warn("remind: undeliverable", "task", claimed[0], "err", err)
	case errors.Is(err, ErrRefused):
		r.release(claimed)
		return fmt.Errorf("remind: send %s: %w: %w", claimed[0], err, asynq.SkipRetry)
	case err != nil:
		r.release(claimed)
		return fmt.Errorf("remind: send %s: %w", claimed[0], err)
	}
	for _, task := range claimed {
		if _, err := r.cfg.Store.MarkSent(context.WithoutCancel(ctx), task); err != nil {
			// It went out; the lease still guards it for a while. Retrying
			// would send it again, so only log.
			r.log.Error("remind: mark sent", "task", task, "err", err)
		}
	}
	return nil
}

// holdIfQuiet puts task t off until the quiet hours end when now is in them
// — a reminder late because the bot was down must not go out at night
// either. It enqueues the same payload again for then, under an id derived
// from t's, and reports whether it did; the sent log keys on the reminder,
// not the task, so the copy cannot send twice.
func (r *Reminders) holdIfQuiet(ctx context.Context, t *asynq.Task, now time.Time) (bool, error) {
	until := r.cfg.Quiet.Hold(now, r.cfg.Loc)
	if until.Equal(now) {
		return false, nil
	}
	id, _ := asynq.GetTaskID(ctx)
	// A held copy keeps the original task's id, so holding it again (its
	// time came up while Now is still in quiet hours: clocks apart) asks
	// asynq to try again later rather than chaining copies.
	orig := id
	if strings.HasPrefix(id, "held:") {
		orig = strings.TrimPrefix(id, "held:")
		orig = orig[:max(strings.LastIndex(orig, ":"), 0)]
	}
	held := "held:" + orig + ":" + strconv.FormatInt(until.Unix(), 10)
	if held == id {
		return false, errNotYet
	}
	_, err := r.client.EnqueueContext(ctx, asynq.NewTask(t.Type(), t.Payload()), asynq.TaskID(held),
		asynq.ProcessAt(until), asynq.Queue(r.cfg.Queue), asynq.MaxRetry(r.cfg.Retries))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return false, fmt.Errorf("remind: hold %s past quiet hours: %w", id, err)
	}
	if r.cfg.OnHeld != nil {
		r.cfg.OnHeld()
	}
	return true, nil
}

// claim claims every task, or none: when one is busy or Redis fails, the
// claims taken are released and errNotYet or the error is returned.
func (r *Reminders) claim(ctx context.Context, tasks []string) ([]string, error) {
	var claimed []string
	for _, task := range tasks {
		st, err := r.cfg.Store.ClaimSend(ctx, task, SendLease)
		switch {
		case err != nil:
			r.release(claimed)
			return nil, err
		case st == SendBusy:
			r.release(claimed)
			return nil, errNotYet
		case st == SendClaimed:
			claimed = append(claimed, task)
		}
	}
	return claimed, nil
}

func (r *Reminders) release(tasks []string) {
	// The job's context may be what failed; the release must still happen.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, task := range tasks {
		if err := r.cfg.Store.ReleaseSend(ctx, task); err != nil {
			r.log.Warn("remind: release send lease", "task", task, "err", err)
		}
	}
}

// aggregate folds the late reminders of one group (one assignee) into a
// catch-up task. asynq calls it from the worker that won the group.
func (r *Reminders) aggregate(group string, tasks []*asynq.Task) *asynq.Task {
	os := make([]Occurrence, 0, len(tasks))
	for _, t := range tasks {
		var o Occurrence
		if err := json.Unmarshal(t.Payload(), &o); err != nil {
			r.log.Error("remind: bad late reminder", "group", group, "err", err)
			continue
		}
		os = append(os, o)
	}
	payload, _ := json.Marshal(os) // a slice of plain structs always encodes
	return asynq.NewTask(TypeCatchUp, payload, asynq.MaxRetry(r.cfg.Retries))
}

// handleCatchUp sends the folded late reminders of one assignee: each is
// decided again (a report may have come in meanwhile) and the rest go out in
// one message; any that ended up less than FoldAfter late go out alone.
func (r *Reminders) handleCatchUp(ctx context.Context, t *asynq.Task) error {
	var os []Occurrence
	if err := json.Unmarshal(t.Payload(), &os); err != nil {
		return fmt.Errorf("remind: bad catch-up payload: %v: %w", err, asynq.SkipRetry)
	}
	now := r.cfg.Now()
	if held, err := r.holdIfQuiet(ctx, t, now); held || err != nil {
		return err
	}
	deadlines := map[string]Deadline{}
	var due []Occurrence
	for _, o := range os {
		d, ok := deadlines[o.DeadlineID]
		if !ok {
			var err error
			if d, err = r.deadline(ctx, o.DeadlineID); err != nil {
				return fmt.Errorf("remind: load deadline of %s: %w", o.TaskID(), err)
			}
			deadlines[o.DeadlineID] = d
		}
		send, _, err := r.decide(ctx, o, d, now)
		if err != nil {
			return err
		}
		if send {
			due = append(due, o)
		}
	}
	alone, folded := Fold(due, now)
	for _, o := range alone {
		d := deadlines[o.DeadlineID]
		if err := r.send(ctx, []string{o.TaskID()}, func() error { return r.cfg.Notifier.Remind(ctx, o, d) }); err != nil {
			return err
		}
	}
	for a, group := range folded {
		tasks := make([]string, len(group))
		for i, o := range group {
			tasks[i] = o.TaskID()
		}
		claimed, err := r.claim(ctx, tasks)
		if err != nil {
			return err
		}
		var items []Item
		for _, o := range group {
			if slices.Contains(claimed, o.TaskID()) {
				items = append(items, Item{Occurrence: o, Deadline: deadlines[o.DeadlineID]})
			}
		}
		if len(items) == 0 {
			continue
		}
		if err := r.sent(ctx, claimed, r.cfg.Notifier.CatchUp(ctx, a, items)); err != nil {
			return err
		}
	}
	return nil
}

// handleSummary sends the summary of everything overdue now: plan deadlines
// of the plan's year and open one-off deadlines past OverdueAfter, with the
// assignees who have neither finished nor reported.
func (r *Reminders) handleSummary(ctx context.Context, t *asynq.Task) error {
	now := r.cfg.Now()
	if early(t, now) {
		return errNotYet
	}
	if held, err := r.holdIfQuiet(ctx, t, now); held || err != nil {
		return err
	}
	late, err := r.Overdue(ctx, now)
	if err != nil || len(late) == 0 {
		return err
	}
	key := "summary@" + strconv.FormatInt(now.Truncate(summaryWindow).Unix(), 10)
	err = r.send(ctx, []string{key}, func() error { return r.cfg.Notifier.Overdue(ctx, key, late) })
	if errors.Is(err, errNotYet) {
		return nil // another worker is sending this very summary
	}
	return err
}

// Overdue returns what is overdue at now, earliest due first: each deadline
// whose overdue notice time has come, with the assignees it is still due for.
// The digest and the summary both use it. It returns an error when Redis
// fails.
func (r *Reminders) Overdue(ctx context.Context, now time.Time) ([]Late, error) {
	plans, err := r.plans(ctx)
	if err != nil {
		return nil, fmt.Errorf("remind: overdue: %w", err)
	}
	var ds []Deadline
	for _, p := range recentPlans(plans, now) {
		ds = append(ds, PlanDeadlines(p, r.cfg.Loc, time.Time{}, now.Add(-OverdueAfter).Add(time.Nanosecond))...)
	}
	oneOff, err := r.cfg.Store.Deadlines(ctx)
	if err != nil {
		return nil, fmt.Errorf("remind: overdue: %w", err)
	}
	ds = append(ds, oneOff...)
	var out []Late
	for _, d := range ds {
		if now.Before(d.Due.Add(OverdueAfter)) {
			continue
		}
		l := Late{Deadline: d}
		for _, a := range d.Assignees {
			nominal := d.Due.Add(OverdueAfter)
			o := Occurrence{DeadlineID: d.ID, Assignee: a, Kind: KindOverdue, Nominal: nominal, At: nominal}
			send, _, err := r.decide(ctx, o, d, now)
			if err != nil {
				return nil, err
			}
			if send {
				l.Assignees = append(l.Assignees, a)
			}
		}
		if len(l.Assignees) > 0 {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b Late) int { return a.Deadline.Due.Compare(b.Deadline.Due) })
	return out, nil
}

// gaveUp is the payload of a TypeGaveUp task: the task given up, as it was.
type gaveUp struct {
	Task    string `json:"task"`
	Type    string `json:"type"`
	Payload []byte `json:"payload"`
	Err     string `json:"err"`
}

// failed is asynq's error handler, called after every failed run. When the
// run was the last (retries used up, or an error no retry can cure) the
// task is given up: logged, and, for a delivery, the admins are told by a
// task of its own — Telegram may be what failed, so that notice is retried
// too, and its id makes it one per task given up.
func (r *Reminders) failed(ctx context.Context, t *asynq.Task, err error) {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	if !errors.Is(err, asynq.SkipRetry) && retried < maxRetry {
		return
	}
	id, _ := asynq.GetTaskID(ctx)
	r.log.Error("remind: delivery given up", "task", id, "type", t.Type(), "retried", retried, "err", err)
	switch t.Type() {
	case TypeRemind, TypeCatchUp, TypeSummary, TypeDigest:
	default:
		return
	}
	payload, _ := json.Marshal(gaveUp{Task: id, Type: t.Type(), Payload: t.Payload(), Err: err.Error()})
	_, qerr := r.client.EnqueueContext(context.WithoutCancel(ctx), asynq.NewTask(TypeGaveUp, payload),
		asynq.TaskID("gaveup:"+id), asynq.Queue(r.cfg.Queue), asynq.MaxRetry(r.cfg.Retries), asynq.Retention(Day))
	if qerr != nil && !errors.Is(qerr, asynq.ErrTaskIDConflict) {
		r.log.Error("remind: cannot tell the admins of a delivery given up", "task", id, "err", qerr)
	}
}

// handleGaveUp tells the admins, once, of a delivery given up.
func (r *Reminders) handleGaveUp(ctx context.Context, t *asynq.Task) error {
	var g gaveUp
	if err := json.Unmarshal(t.Payload(), &g); err != nil {
		return fmt.Errorf("remind: bad %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	var os []Occurrence
	switch g.Type {
	case TypeRemind:
		var o Occurrence
		if json.Unmarshal(g.Payload, &o) == nil {
			os = append(os, o)
		}
	case TypeCatchUp:
		_ = json.Unmarshal(g.Payload, &os)
	}
	out := GivenUp{Task: g.Task, Kind: g.Type, Err: g.Err}
	for _, o := range os {
		d, err := r.deadline(ctx, o.DeadlineID)
		if err != nil {
			return fmt.Errorf("remind: load deadline of %s: %w", o.TaskID(), err)
		}
		if d.ID != "" {
			out.Items = append(out.Items, Item{Occurrence: o, Deadline: d})
		}
	}
	err := r.send(ctx, []string{"gaveup:" + g.Task}, func() error { return r.cfg.Notifier.GaveUp(ctx, out) })
	if errors.Is(err, errNotYet) {
		return nil // another worker is sending this very notice
	}
	return err
}

// asynqLogger sends asynq's log lines to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug("asynq: " + fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info("asynq: " + fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn("asynq: " + fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error("asynq: " + fmt.Sprint(args...)) }

// Fatal logs at error level and does not exit: asynq v0.26 never calls it,
// and a library must not end the bot.
func (a asynqLogger) Fatal(args ...any) { a.l.Error("asynq: " + fmt.Sprint(args...)) }

// plans returns the plans whose deadlines are reminded: Config.Plans, else
// Config.Plan.
func (r *Reminders) plans(ctx context.Context) ([]*kpi.Plan, error) {
	if r.cfg.Plans == nil {
		return []*kpi.Plan{r.cfg.Plan}, nil
	}
	ps, err := r.cfg.Plans(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return []*kpi.Plan{r.cfg.Plan}, nil
	}
	return ps, nil
}

// recentPlans are the plans whose overdue deadlines are still told: this
// year's and last year's (December's figures are due in January), else the
// latest plan alone. Older years' gaps are history, not lateness.
func recentPlans(plans []*kpi.Plan, now time.Time) []*kpi.Plan {
	if len(plans) <= 1 {
		return plans
	}
	var out []*kpi.Plan
	latest := plans[0]
	for _, p := range plans {
		if p.Year >= now.Year()-1 {
			out = append(out, p)
		}
		if p.Year > latest.Year {
			latest = p
		}
	}
	if len(out) == 0 {
		return []*kpi.Plan{latest}
	}
	return out
}
