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

// addDeadlineScript hands out a new deadline id and stores the deadline
// under it in one step, with the effect of the update that adds it: the same
// update run again gets the first run's id back and writes nothing.
// KEYS[1] the id sequence, KEYS[2] the open set, KEYS[3] the effect (absent
// without an update); ARGV[1] the deadline key without the id, ARGV[2] and
// ARGV[3] the record before and after its id, ARGV[4] the effect's TTL (s).
// It returns {id, 1} for a repeat, {id, 0} when it wrote.
var addDeadlineScript = redis.NewScript(`
if KEYS[3] then
  local e = redis.call('GET', KEYS[3])
  if e then return {e, 1} end
end
local id = tostring(redis.call('INCR', KEYS[1]))
redis.call('SET', ARGV[1] .. id, ARGV[2] .. id .. ARGV[3])
redis.call('SADD', KEYS[2], id)
if KEYS[3] then redis.call('SET', KEYS[3], id, 'EX', ARGV[4]) end
return {id, 0}`)

// AddDeadline stores the one-off deadline d under a new id (d.ID is
// ignored) and returns it with that id. Done once per update (WithUpdate):
// when ctx's update added a deadline already, it returns that one as stored
// now, and repeat true, having written nothing (if it has been removed since,
// d with its id). It returns an error when Redis fails.
func (s *Store) AddDeadline(ctx context.Context, d remind.Deadline) (_ remind.Deadline, repeat bool, err error) {
	d.ID, d.Done = "", nil
	rec, err := jsonString(toDeadlineRecord(d))
	if err != nil {
		return d, false, fmt.Errorf("store: add deadline: %w", err)
	}
	const head = `{"id":"`
	if !strings.HasPrefix(rec, head+`"`) {
		return d, false, fmt.Errorf("store: add deadline: record does not start with its id: %.20s", rec)
	}
	keys := []string{s.keys.seq(), s.keys.open()}
	if eff := s.effectKey(ctx, "deadline"); eff != "" {
		keys = append(keys, eff)
	}
	res, err := addDeadlineScript.Run(ctx, s.rdb, keys, s.keys.deadline(""), head, rec[len(head):], effectTTL).Slice()
	if err != nil {
		return d, false, fmt.Errorf("store: add deadline: %w", err)
	}
	if len(res) != 2 {
		return d, false, fmt.Errorf("store: add deadline: unexpected script answer %v", res)
	}
	id, _ := res[0].(string)
	d.ID = id
	if n, _ := res[1].(int64); n == 0 {
		return d, false, nil
	}
	stored, err := s.Deadline(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return d, true, nil
	} else if err != nil {
		return d, true, err
	}
	return stored, true, nil
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

// deleteDeadlineScript removes a deadline, its done marks and its place in
// the open set, with the effect of the update that removes it.
// KEYS[1] the record, KEYS[2] its done marks, KEYS[3] the open set, KEYS[4]
// the effect (absent without an update); ARGV[1] the id, ARGV[2] the
// effect's TTL (s). It returns the record removed — by this run, or by the
// first run of the same update — or false when there was none.
var deleteDeadlineScript = redis.NewScript(`
if KEYS[4] then
  local e = redis.call('GET', KEYS[4])
  if e then return e end
end
local rec = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
if rec and KEYS[4] then redis.call('SET', KEYS[4], rec, 'EX', ARGV[2]) end
return rec`)

// DeleteDeadline removes the one-off deadline id and its done marks. Its
// scheduled reminders stay in the queue and are dropped when they come up
// (remind.Decide: removed). It returns ErrNotFound when there was none, and
// an error when Redis fails.
func (s *Store) DeleteDeadline(ctx context.Context, id string) error {
	_, err := s.RemoveDeadline(ctx, id)
	return err
}

// RemoveDeadline is DeleteDeadline that returns the deadline removed
// (without its done marks). Done once per update (WithUpdate): the same
// update run again returns what its first run removed, writing nothing.
// It returns ErrNotFound when there was none, and an error when Redis fails.
func (s *Store) RemoveDeadline(ctx context.Context, id string) (remind.Deadline, error) {
	keys := []string{s.keys.deadline(id), s.keys.done(id), s.keys.open()}
	if eff := s.effectKey(ctx, "deldeadline:"+id); eff != "" {
		keys = append(keys, eff)
	}
	raw, err := deleteDeadlineScript.Run(ctx, s.rdb, keys, id, effectTTL).Text()
	if errors.Is(err, redis.Nil) {
		return remind.Deadline{}, notFoundDeadline(id)
	} else if err != nil {
		return remind.Deadline{}, fmt.Errorf("store: delete deadline %s: %w", id, err)
	}
	d, err := decodeDeadline(raw, nil)
	if err != nil {
		return remind.Deadline{}, fmt.Errorf("store: delete deadline %s: %w", id, err)
	}
	return d, nil
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
// overdue summaries and the weekly digest; once per update (WithUpdate). It
// returns an error when Redis
// fails.
func (s *Store) SetLeadersChat(ctx context.Context, chatID int64) error {
	keys := []string{s.keys.leaders()}
	if eff := s.effectKey(ctx, "leaders"); eff != "" {
		keys = append(keys, eff)
	}
	if err := setOnceScript.Run(ctx, s.rdb, keys, chatID, effectTTL).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: set leaders' chat: %w", err)
	}
	return nil
}

// setOnceScript sets KEYS[1] to ARGV[1] with the effect KEYS[2] of the
// update that sets it (absent without an update; ARGV[2] its TTL in s): the
// same update handled again writes nothing, so a later setting stays.
var setOnceScript = redis.NewScript(`
if KEYS[2] then
  if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`)

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
