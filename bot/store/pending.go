package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
)

// Pending is a submission the bot has read back to its author and that waits
// for the Confirm / Cancel button. Nothing of it counts until Confirm.
type Pending struct {
	// ID is the short id in the buttons' callback_data ("ok:<id>"); set by
	// PutPending.
	ID        string
	UserID    int64 // who submitted
	ChatID    int64 // where the read-back was sent
	MessageID int   // the read-back message, to edit once answered
	Reports   []kpi.Report
	// Old holds, per report, the value its slot held when it was read back
	// (nil: empty), as shown to the user. Confirm reports the value actually
	// replaced, which may differ if someone wrote meanwhile.
	Old []*kpi.Report
	// Skipped are the numbers of the message the reader left aside, shown
	// on the read-back's "bỏ qua" line.
	Skipped []kpi.Skipped
	Lang    string
	Created time.Time
	// NeedsSecond asks for a second confirmation (a value far outside the
	// indicator's history). The store only keeps it: the caller clears it
	// with UpdatePending on the first press and calls Confirm on the second.
	NeedsSecond bool
	// Awaiting makes Confirm put the reports in the awaiting hashes, where
	// they wait for an editor's Approve instead of counting at once (a
	// reporter's figures for an indicator that needs approval). The caller
	// decides; the store only obeys.
	Awaiting bool
	// PlanYear is the year of the plan the reports were read under, so the
	// press stores them under that plan (0: the plan in force).
	PlanYear int
	// Periods are the choices offered for the reports read without a
	// period (kpi.Report.NeedsPeriod); empty once one is chosen.
	Periods []kpi.Period
	// PlanSum is the digest of that plan's file when they were read back
	// (PutPending fills it in from the plans the request read): Confirm
	// writes only while it is still the plan of PlanYear. "" checks nothing.
	PlanSum string
	// Alternatives are the readings of an ambiguous figure to choose from
	// (Reports is the first); empty once one is chosen.
	Alternatives [][]kpi.Report
	// Remove are stored figures the submission contradicts, removed in
	// the same write when the user chose to replace them (Conflicts > 0).
	Remove []kpi.Report
	// Conflicts is how many contradictions the read-back named; Basis the
	// fingerprints of the units' figures they were checked against
	// (UnitBasis): Confirm writes nothing if one changed (ErrStale).
	Conflicts int
	Basis     []Basis
}

// pendingIDBytes random bytes make a 12-character URL-safe id: "ok:" plus
// it is 15 bytes, far below callback_data's 64, and 72 random bits make a
// collision among a few live submissions practically impossible.
const pendingIDBytes = 9

func newPendingID() (string, error) {
	b := make([]byte, pendingIDBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// PutPending stores p under a new random id for ttl (p.ID is ignored) and
// returns that id: at most 12 characters of [A-Za-z0-9_-]. It returns an
// error when ttl is not positive or Redis fails.
func (s *Store) PutPending(ctx context.Context, p Pending, ttl time.Duration) (id string, err error) {
	if p.PlanSum == "" && p.PlanYear != 0 {
		// The digests the request read its plan under (WithPlanSums), else
		// the stored ones; a year without a stored plan checks nothing.
		sums, err := s.planSums(ctx)
		if err != nil {
			return "", fmt.Errorf("store: save pending: %w", err)
		}
		p.PlanSum = sums[p.PlanYear]
	}
	val, err := jsonString(toPendingRecord(p))
	if err != nil {
		return "", fmt.Errorf("store: save pending: %w", err)
	}
	return s.putNew(ctx, "pending", s.keys.pending, val, ttl)
}

// putNew stores val for ttl under a fresh random id (SET NX, so an id is
// never reused while its record lives) and returns the id: 12 characters of
// [A-Za-z0-9_-], short enough for callback data and deep links. Done once
// per update (WithUpdate): the same update run again gets the id its first
// run stored, and no second record (a read-back, a plan draft, a choice).
// It returns an error when ttl is not positive or Redis fails.
func (s *Store) putNew(ctx context.Context, what string, key func(id string) string, val string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("store: save %s: ttl %v must be positive", what, ttl)
	}
	eff := s.effectKey(ctx, "new:"+strings.ReplaceAll(what, " ", "-")+":"+strconv.FormatInt(nextNew(ctx), 10))
	for range 3 {
		id, err := newPendingID()
		if err != nil {
			return "", fmt.Errorf("store: save %s: %w", what, err)
		}
		keys := []string{key(id)}
		if eff != "" {
			keys = append(keys, eff)
		}
		got, err := putNewScript.Run(ctx, s.rdb, keys, id, val, ttl.Milliseconds(), effectTTL).Text()
		if errors.Is(err, redis.Nil) {
			continue // the id is taken: another
		} else if err != nil {
			return "", fmt.Errorf("store: save %s %s: %w", what, id, err)
		}
		return got, nil
	}
	return "", fmt.Errorf("store: save %s: no free id after 3 tries", what)
}

// putNewScript stores a record under a new id with the effect of the update
// that makes it. KEYS[1] the record, KEYS[2] the effect (absent without an
// update); ARGV[1] the id, ARGV[2] the record, ARGV[3] its TTL (ms), ARGV[4]
// the effect's TTL (s). It returns the id the update stored already, else
// ARGV[1] when it stored it, else false (the id is taken: try another).
var putNewScript = redis.NewScript(`
if KEYS[2] then
  local e = redis.call('GET', KEYS[2])
  if e then return e end
end
if not redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX') then return false end
if KEYS[2] then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[4]) end
return ARGV[1]`)

// Pending returns the pending submission id. It returns ErrExpired when it is
// gone: its TTL ran out, or it was confirmed or dropped.
func (s *Store) Pending(ctx context.Context, id string) (Pending, error) {
	_, p, err := s.pending(ctx, id)
	return p, err
}

// pending also returns the raw JSON, which Confirm hands to its script to
// detect a change between the read and the write.
func (s *Store) pending(ctx context.Context, id string) (string, Pending, error) {
	key := s.keys.pending(id)
	raw, err := s.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", Pending{}, ErrExpired
	}
	if err != nil {
		return "", Pending{}, fmt.Errorf("store: read pending %s: %w", key, err)
	}
	p, err := decodePending(id, raw)
	if err != nil {
		return "", Pending{}, fmt.Errorf("store: read pending %s: %w", key, err)
	}
	return raw, p, nil
}

// UpdatePending replaces the pending submission p.ID with p and gives it ttl
// again. It returns ErrExpired when it is gone (it is not recreated: a
// confirmed submission must stay confirmed), and an error when ttl is not
// positive or Redis fails.
func (s *Store) UpdatePending(ctx context.Context, p Pending, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("store: update pending %s: ttl %v must be positive", p.ID, ttl)
	}
	if p.ID == "" {
		return ErrExpired
	}
	key := s.keys.pending(p.ID)
	val, err := jsonString(toPendingRecord(p))
	if err != nil {
		return fmt.Errorf("store: update pending %s: %w", key, err)
	}
	ok, err := s.rdb.SetXX(ctx, key, val, ttl).Result()
	if err != nil {
		return fmt.Errorf("store: update pending %s: %w", key, err)
	}
	if !ok {
		return ErrExpired
	}
	return nil
}

// DropPending forgets the pending submission id (the Cancel button). Dropping
// one that is already gone is not an error, so a second press is harmless.
// It returns an error when Redis fails.
func (s *Store) DropPending(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.keys.pending(id)).Err(); err != nil {
		return fmt.Errorf("store: drop pending %s: %w", s.keys.pending(id), err)
	}
	return nil
}
