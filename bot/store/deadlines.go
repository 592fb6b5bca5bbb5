package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/remind"
)

// Store is what the reminder jobs keep in Redis.
var _ remind.Store = (*Store)(nil)

// SentTTL is how long the sent log remembers a reminder. It must outlast the
// window in which the reminder may be scheduled again (remind's look-back of
// a week and asynq's retention of finished tasks): two months is ample.
const SentTTL = 60 * 24 * time.Hour

// The values of a sent-log entry.
const (
	sending = "sending"
	sent    = "sent"
)

type assigneeRecord struct {
	Unit string `json:"unit,omitempty"`
	User int64  `json:"user,omitempty"`
	Chat int64  `json:"chat,omitempty"`
}

type deadlineRecord struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Due       time.Time        `json:"due"`
	LeadsS    []int64          `json:"leads_s,omitempty"` // seconds, longest first
	Assignees []assigneeRecord `json:"assignees"`
	Indicator string           `json:"indicator,omitempty"`
	Period    string           `json:"period,omitempty"`
	Plan      bool             `json:"plan,omitempty"`
	CreatedBy int64            `json:"created_by,omitempty"`
	Created   *time.Time       `json:"created,omitempty"`
}

func toDeadlineRecord(d remind.Deadline) deadlineRecord {
	rec := deadlineRecord{
		ID: d.ID, Title: d.Title, Due: d.Due,
		Indicator: d.Indicator, Period: d.Period, Plan: d.Plan,
		CreatedBy: d.CreatedBy, Created: timePtr(d.Created),
	}
	for _, l := range d.Leads {
		rec.LeadsS = append(rec.LeadsS, int64(l/time.Second))
	}
	for _, a := range d.Assignees {
		rec.Assignees = append(rec.Assignees, assigneeRecord{Unit: a.Unit, User: a.UserID, Chat: a.ChatID})
	}
	return rec
}

func (rec deadlineRecord) deadline(done map[string]string) (remind.Deadline, error) {
	d := remind.Deadline{
		ID: rec.ID, Title: rec.Title, Due: rec.Due,
		Indicator: rec.Indicator, Period: rec.Period, Plan: rec.Plan,
		CreatedBy: rec.CreatedBy, Created: timeVal(rec.Created),
	}
	for _, l := range rec.LeadsS {
		d.Leads = append(d.Leads, time.Duration(l)*time.Second)
	}
	for _, a := range rec.Assignees {
		d.Assignees = append(d.Assignees, remind.Assignee{Unit: a.Unit, UserID: a.User, ChatID: a.Chat})
	}
	if len(done) > 0 {
		d.Done = make(map[string]time.Time, len(done))
		for k, v := range done {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return remind.Deadline{}, fmt.Errorf("done mark of %s: %w", k, err)
			}
			d.Done[k] = t
		}
	}
	return d, nil
}

// notFoundDeadline is the error for a deadline that is not there: it is
// ErrNotFound for this package's callers and remind.ErrNoDeadline for the
// reminder jobs, which do not import the store.
func notFoundDeadline(id string) error {
	return fmt.Errorf("store: deadline %s: %w (%w)", id, ErrNotFound, remind.ErrNoDeadline)
}

// NextDeadlineID returns a new one-off deadline id: "1", "2", … short enough
// to type in "/hanchot xong 12". It returns an error when Redis fails.
func (s *Store) NextDeadlineID(ctx context.Context) (string, error) {
	n, err := s.rdb.Incr(ctx, s.keys.seq()).Result()
	if err != nil {
		return "", fmt.Errorf("store: new deadline id: %w", err)
	}
	return strconv.FormatInt(n, 10), nil
}

// PutDeadline creates or replaces the one-off deadline d. Done marks already
// recorded stay (MarkDone keeps them apart from the record, so an edit cannot
// undo a done); marks in d.Done are added. It returns an error when d has no
// id, is a plan deadline (those are computed, not stored), or Redis fails.
func (s *Store) PutDeadline(ctx context.Context, d remind.Deadline) error {
	if d.ID == "" || strings.HasPrefix(d.ID, remind.PlanIDPrefix) {
		return fmt.Errorf("store: save deadline %q: not a one-off deadline id", d.ID)
	}
	rec, err := jsonString(toDeadlineRecord(d))
	if err != nil {
		return fmt.Errorf("store: save deadline %s: %w", d.ID, err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.keys.deadline(d.ID), rec, 0)
		p.SAdd(ctx, s.keys.open(), d.ID)
		for k, at := range d.Done {
			p.HSetNX(ctx, s.keys.done(d.ID), k, at.Format(time.RFC3339Nano))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save deadline %s: %w", d.ID, err)
	}
	return nil
}

// Deadline returns the one-off deadline id with its done marks. It returns an
// error matching both ErrNotFound and remind.ErrNoDeadline when there is none,
// and an error when Redis fails or the record cannot be read.
func (s *Store) Deadline(ctx context.Context, id string) (remind.Deadline, error) {
	var recCmd *redis.StringCmd
	var doneCmd *redis.MapStringStringCmd
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		recCmd = p.Get(ctx, s.keys.deadline(id))
		doneCmd = p.HGetAll(ctx, s.keys.done(id))
		return nil
	})
	if err := recCmd.Err(); errors.Is(err, redis.Nil) {
		return remind.Deadline{}, notFoundDeadline(id)
	} else if err != nil {
		return remind.Deadline{}, fmt.Errorf("store: read deadline %s: %w", id, err)
	}
	if err := doneCmd.Err(); err != nil {
		return remind.Deadline{}, fmt.Errorf("store: read deadline %s: done marks: %w", id, err)
	}
	d, err := decodeDeadline(recCmd.Val(), doneCmd.Val())
	if err != nil {
		return remind.Deadline{}, fmt.Errorf("store: read deadline %s: %w", id, err)
	}
	return d, nil
}

func decodeDeadline(raw string, done map[string]string) (remind.Deadline, error) {
	var rec deadlineRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return remind.Deadline{}, err
	}
	return rec.deadline(done)
}

// Deadlines returns every open one-off deadline (some assignee has not marked
// it done), earliest due first, in two round trips. It returns an error when
// Redis fails or a record cannot be read.
func (s *Store) Deadlines(ctx context.Context) ([]remind.Deadline, error) {
	ids, err := s.rdb.SMembers(ctx, s.keys.open()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: list deadlines: %w", err)
	}
	recs := make([]*redis.StringCmd, len(ids))
	dones := make([]*redis.MapStringStringCmd, len(ids))
	// Each command carries its own error; the pipeline's is only the first,
	// and redis.Nil for a deadline deleted meanwhile is no failure.
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			recs[i] = p.Get(ctx, s.keys.deadline(id))
			dones[i] = p.HGetAll(ctx, s.keys.done(id))
		}
		return nil
	})
	out := make([]remind.Deadline, 0, len(ids))
	for i, id := range ids {
		if err := recs[i].Err(); errors.Is(err, redis.Nil) {
			continue // deleted between the two round trips
		} else if err != nil {
			return nil, fmt.Errorf("store: list deadlines: %s: %w", id, err)
		}
		if err := dones[i].Err(); err != nil {
			return nil, fmt.Errorf("store: list deadlines: %s: done marks: %w", id, err)
		}
		d, err := decodeDeadline(recs[i].Val(), dones[i].Val())
		if err != nil {
			return nil, fmt.Errorf("store: list deadlines: %s: %w", id, err)
		}
		if d.Open() {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b remind.Deadline) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		if len(a.ID) != len(b.ID) { // "9" before "10"
			return len(a.ID) - len(b.ID)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// markDoneScript records a done mark only while the deadline exists, so a
// mark racing a removal cannot leave an orphan behind. It returns 0 when the
// deadline is gone, 1 otherwise (the first mark's time is kept).
var markDoneScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
return 1`)

// MarkDone records that assigneeKey (remind.Assignee.Key) finished deadline
// id at at; marking it again keeps the first time. It returns ErrNotFound
// (and remind.ErrNoDeadline) when there is no such one-off deadline, and an
// error when Redis fails. Which assignees may mark is the caller's policy.
func (s *Store) MarkDone(ctx context.Context, id, assigneeKey string, at time.Time) error {
	n, err := markDoneScript.Run(ctx, s.rdb, []string{s.keys.deadline(id), s.keys.done(id)},
		assigneeKey, at.Format(time.RFC3339Nano)).Int()
	if err != nil {
		return fmt.Errorf("store: mark deadline %s done: %w", id, err)
	}
	if n == 0 {
		return notFoundDeadline(id)
	}
	return nil
}

// markDoneAsScript is markDoneScript for several assignees at once, with the
// rights check of the user who marks: KEYS[3] is the users hash, ARGV[1] the
// user's id and ARGV[2] their record as judged (empty for none), ARGV[3] the time,
// ARGV[4..] the assignee keys. It returns 'gone' (no deadline) or 'rights'
// (the record changed since it was judged), having written nothing, else 'ok'.
var markDoneAsScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if (redis.call('HGET', KEYS[3], ARGV[1]) or '') ~= ARGV[2] then return 'rights' end
for i = 4, #ARGV do
  redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[3])
end
return 'ok'`)

// MarkDoneAs is MarkDone of every key in assigneeKeys by user by, with a
// rights check at the write: allow judges by's record as it is now (Role None
// when there is none) and its error is returned as is; the marks are written
// only if that record is still the one judged, in the same script. It returns
// ErrNotFound when there is no such one-off deadline, and an error when Redis
// fails or the record keeps changing.
func (s *Store) MarkDoneAs(ctx context.Context, id string, assigneeKeys []string, at time.Time, by int64, allow func(access.User) error) error {
	if allow == nil {
		return fmt.Errorf("store: mark deadline %s done: no rights check", id)
	}
	for range retries {
		guard, err := s.guard(ctx, by, allow)
		if err != nil {
			return err
		}
		args := append(guard, at.Format(time.RFC3339Nano))
		for _, k := range assigneeKeys {
			args = append(args, k)
		}
		res, err := markDoneAsScript.Run(ctx, s.rdb, []string{s.keys.deadline(id), s.keys.done(id), s.keys.users()}, args...).Text()
		if err != nil {
			return fmt.Errorf("store: mark deadline %s done: %w", id, err)
		}
		switch res {
		case "gone":
			return notFoundDeadline(id)
		case "ok":
			return nil
		}
	}
	return fmt.Errorf("store: mark deadline %s done: the user kept changing: %w", id, ErrConflict)
}

// DeleteDeadline removes the one-off deadline id and its done marks. Its
// scheduled reminders stay in the queue and are dropped when they come up
// (remind.Decide: removed). It returns ErrNotFound when there was none, and
// an error when Redis fails.
func (s *Store) DeleteDeadline(ctx context.Context, id string) error {
	var del *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		del = p.Del(ctx, s.keys.deadline(id))
		p.Del(ctx, s.keys.done(id))
		p.SRem(ctx, s.keys.open(), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete deadline %s: %w", id, err)
	}
	if del.Val() == 0 {
		return notFoundDeadline(id)
	}
	return nil
}

// ClaimSend takes the right to send reminder task for lease: while it is
// held nobody else sends it, and when the holder dies without a word the
// lease runs out and a retry may send. It returns remind.SendClaimed when the
// caller got it, remind.SendDone when it went out already, remind.SendBusy
// when another worker holds the lease, and an error when Redis fails.
func (s *Store) ClaimSend(ctx context.Context, task string, lease time.Duration) (remind.SendState, error) {
	key := s.keys.sent(task)
	ok, err := s.rdb.SetNX(ctx, key, sending, lease).Result()
	if err != nil {
		return 0, fmt.Errorf("store: claim sending %s: %w", task, err)
	}
	if ok {
		return remind.SendClaimed, nil
	}
	v, err := s.rdb.Get(ctx, key).Result()
	switch {
	case err == nil && v == sent:
		return remind.SendDone, nil
	case err == nil || errors.Is(err, redis.Nil):
		// Held, or released between the two commands: either way, later.
		return remind.SendBusy, nil
	}
	return 0, fmt.Errorf("store: claim sending %s: %w", task, err)
}

// MarkSent records in the sent log that reminder task went out, for SentTTL,
// whether or not the caller claimed it. It returns true when this call
// recorded it first, false when it was recorded already, and an error when
// Redis fails.
func (s *Store) MarkSent(ctx context.Context, task string) (bool, error) {
	prev, err := s.rdb.SetArgs(ctx, s.keys.sent(task), sent, redis.SetArgs{TTL: SentTTL, Get: true}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("store: mark %s sent: %w", task, err)
	}
	return prev != sent, nil
}

// releaseScript deletes a claim only while it is still a claim: a release
// that arrives after the task was marked sent must not erase the mark.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// ReleaseSend gives up a claim after a failed send, so the retry may send at
// once instead of waiting for the lease to run out. A task already marked
// sent stays so. It returns an error when Redis fails.
func (s *Store) ReleaseSend(ctx context.Context, task string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.keys.sent(task)}, sending).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: release %s: %w", task, err)
	}
	return nil
}

// SetLeadersChat registers chatID as the leaders' group, which gets the
// overdue summaries and the weekly digest. It returns an error when Redis
// fails.
func (s *Store) SetLeadersChat(ctx context.Context, chatID int64) error {
	if err := s.rdb.Set(ctx, s.keys.leaders(), chatID, 0).Err(); err != nil {
		return fmt.Errorf("store: set leaders' chat: %w", err)
	}
	return nil
}

// LeadersChat returns the leaders' group chat id. It returns ErrNotFound when
// none is registered and an error when Redis fails.
func (s *Store) LeadersChat(ctx context.Context) (int64, error) {
	id, err := s.rdb.Get(ctx, s.keys.leaders()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: read leaders' chat: %w", err)
	}
	return id, nil
}

// Reported reports whether unit has confirmed figures of indicator covering
// every month of the period with key period (kpi.Period.Key) in planID, as
// kpi.Series.Reported judges it: the period itself, or any figure that
// covers it ("lũy kế 5 tháng" answers April and May). This is what closes a
// plan deadline (remind.Decide's reported), and it agrees with the answers'
// and the table's "not reported". It returns an error when the period key
// is bad or Redis fails.
func (s *Store) Reported(ctx context.Context, planID, unit, indicator, period string) (bool, error) {
	per, err := kpi.ParsePeriodKey(period)
	if err != nil {
		return false, fmt.Errorf("store: reported %s %s: %w", indicator, unit, err)
	}
	fields, err := s.rdb.HKeys(ctx, s.keys.reports(planID, indicator)).Result()
	if err != nil {
		return false, fmt.Errorf("store: reported %s %s %s: %w", indicator, unit, period, err)
	}
	var figs []kpi.Report
	for _, f := range fields {
		u, key, ok := strings.Cut(f, "|")
		if !ok || u != unit {
			continue
		}
		if p, err := kpi.ParsePeriodKey(key); err == nil && p.Year == per.Year {
			figs = append(figs, kpi.Report{Indicator: indicator, Unit: unit, Period: p})
		}
	}
	return kpi.Covered(figs, per), nil
}
