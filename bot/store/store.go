// Package store is Tiến Độ's go-redis adapter: users, languages, reports,
// pending submissions, the audit trail and update de-duplication. Every key is
// built in keys.go under one hash tag, records are private JSON structs mapped
// to the domain types (kpi, access) at the boundary, and redis.Nil becomes
// ErrNotFound or ErrExpired. Writes that must happen together (a confirmed
// figure and its audit entry, an undo) are single Lua scripts.
package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
)

// The errors callers branch on. Everything else the store returns is an
// infrastructure failure, wrapped with what was being done.
var (
	// ErrNotFound: no such user, no change to undo.
	ErrNotFound = errors.New("store: not found")
	// ErrExpired: the pending submission is gone (its TTL ran out, or it was
	// confirmed or dropped already: a second press of the button).
	ErrExpired = errors.New("store: expired")
	// ErrConflict: someone changed the data since the caller read it (Undo of
	// a figure that another user has overwritten since).
	ErrConflict = errors.New("store: conflict")
	// ErrPlanChanged: the plan a submission was read back under was replaced
	// before its confirmation; nothing was written.
	ErrPlanChanged = errors.New("store: the plan changed")
)

// Store is the Redis adapter. It is safe for concurrent use, also by several
// copies of the bot on one Redis.
type Store struct {
	rdb  redis.UniversalClient
	keys keys
}

// New returns a Store on rdb with every key under prefix ("" means
// DefaultPrefix). It does not contact Redis: call Ping to check it is there.
func New(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, keys: newKeys(prefix)}
}

// Client returns the underlying client, for packages that keep their own
// keys (built with Key) or hand Redis to asynq. It cannot fail.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Ping returns an error when Redis does not answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Writable returns an error unless Redis accepts a write: a replica left
// behind by a failover answers PING but refuses SET with READONLY, and is
// not ready. It writes one short-lived key under the prefix.
func (s *Store) Writable(ctx context.Context) error {
	if err := s.rdb.Set(ctx, s.keys.ready(), time.Now().UTC().Format(time.RFC3339Nano), time.Minute).Err(); err != nil {
		return fmt.Errorf("store: write check: %w", err)
	}
	return nil
}

// ---- reports ----

// PutReport stores r in its slot (plan, indicator, r.Slot()), replacing what
// was there, and returns the previous report (nil when the slot was empty).
// It writes no audit entry: figures from people go through Confirm. It
// returns an error when Redis fails.
func (s *Store) PutReport(ctx context.Context, planID string, r kpi.Report) (old *kpi.Report, err error) {
	key := s.keys.reports(planID, r.Indicator)
	val, err := encodeReport(r)
	if err != nil {
		return nil, fmt.Errorf("store: save report %s: %w", key, err)
	}
	prev, err := swapScript.Run(ctx, s.rdb, []string{key, s.keys.version()}, r.Slot(), val).Text()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("store: save report %s: %w", key, err)
	}
	if old, err = decodeReportPtr(prev); err != nil {
		return nil, fmt.Errorf("store: save report %s: previous value: %w", key, err)
	}
	return old, nil
}

// Reports returns every report of one indicator in planID, ordered by unit,
// then period, then item. It returns an empty slice when there are none and
// an error when Redis fails or a record cannot be read.
func (s *Store) Reports(ctx context.Context, planID, indicator string) ([]kpi.Report, error) {
	key := s.keys.reports(planID, indicator)
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read reports %s: %w", key, err)
	}
	out, err := decodeReports(m)
	if err != nil {
		return nil, fmt.Errorf("store: read reports %s: %w", key, err)
	}
	return out, nil
}

// AllReports returns the reports of every listed indicator, in one round trip
// (a pipeline), keyed by indicator id; every listed id is in the map, with an
// empty slice when it has no report. It returns an error when Redis fails or
// a record cannot be read.
func (s *Store) AllReports(ctx context.Context, planID string, indicators []string) (map[string][]kpi.Report, error) {
	out, err := s.readHashes(ctx, planID, indicators, s.keys.reports)
	if err != nil {
		return nil, fmt.Errorf("store: read reports of plan %s: %w", planID, err)
	}
	return out[0], nil
}

// Figures are an indicator's reports: the official ones, and those
// awaiting an editor's approval (empty unless the plan asks for approval).
type Figures struct {
	Official map[string][]kpi.Report // by indicator id
	Awaiting map[string][]kpi.Report // by indicator id
}

// Figures returns the official and the awaiting reports of every listed
// indicator in one round trip (every listed id present, empty when nothing
// is there): what a progress answer or the overview shows. It returns an
// error when Redis fails or a record cannot be read.
func (s *Store) Figures(ctx context.Context, planID string, indicators []string) (Figures, error) {
	out, err := s.readHashes(ctx, planID, indicators, s.keys.reports, s.keys.awaiting)
	if err != nil {
		return Figures{}, fmt.Errorf("store: read figures of plan %s: %w", planID, err)
	}
	return Figures{Official: out[0], Awaiting: out[1]}, nil
}

// readHashes reads, in one pipeline, the report hash that each key function
// names for each indicator: out[k][indicator] are the reports of keyFns[k].
func (s *Store) readHashes(ctx context.Context, planID string, indicators []string, keyFns ...func(planID, indicator string) string) ([]map[string][]kpi.Report, error) {
	cmds := make([][]*redis.MapStringStringCmd, len(keyFns))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for k, key := range keyFns {
			cmds[k] = make([]*redis.MapStringStringCmd, len(indicators))
			for i, ind := range indicators {
				cmds[k][i] = p.HGetAll(ctx, key(planID, ind))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]map[string][]kpi.Report, len(keyFns))
	for k, key := range keyFns {
		out[k] = make(map[string][]kpi.Report, len(indicators))
		for i, ind := range indicators {
			rs, err := decodeReports(cmds[k][i].Val())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key(planID, ind), err)
			}
			out[k][ind] = rs
		}
	}
	return out, nil
}

func decodeReports(m map[string]string) ([]kpi.Report, error) {
	out := make([]kpi.Report, 0, len(m))
	for slot, raw := range m {
		r, err := reports.decode(raw)
		if err != nil {
			return nil, fmt.Errorf("slot %s: %w", slot, err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, compareReports)
	return out, nil
}

func compareReports(a, b kpi.Report) int {
	switch {
	case a.Unit != b.Unit:
		return cmpString(a.Unit, b.Unit)
	case a.Period.Year != b.Period.Year:
		return a.Period.Year - b.Period.Year
	case a.Period.From != b.Period.From:
		return a.Period.From - b.Period.From
	case a.Period.To != b.Period.To:
		return a.Period.To - b.Period.To
	}
	return cmpString(a.Item, b.Item)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
