package store

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
)

// Where a stored plan came from.
const (
	PlanSeeded = "seed"  // TIENDO_PLAN or the embedded plan, at start
	PlanAdmin  = "admin" // a file an admin sent in chat and confirmed
)

// PlanRecord is one year's plan as stored: the file itself, so a plan is
// read by the same kpi.ParsePlan at start and in chat.
type PlanRecord struct {
	Year   int       `json:"year"`
	Name   string    `json:"name"` // file name, for messages
	Source []byte    `json:"src"`
	Origin string    `json:"origin"`
	By     int64     `json:"by,omitempty"`
	At     time.Time `json:"at"`
}

var (
	//go:embed seedplan.lua
	seedPlanLua    string
	seedPlanScript = redis.NewScript(seedPlanLua)
)

// SeedPlan stores rec (origin PlanSeeded) as the plan of rec.Year unless an
// admin loaded a plan for that year; it replaces an earlier seed, so an
// edited TIENDO_PLAN takes effect at the next start. It returns whether it
// wrote, and an error when Redis fails.
func (s *Store) SeedPlan(ctx context.Context, rec PlanRecord) (bool, error) {
	rec.Origin = PlanSeeded
	val, err := json.Marshal(rec)
	if err != nil {
		return false, fmt.Errorf("store: seed plan %d: %w", rec.Year, err)
	}
	n, err := seedPlanScript.Run(ctx, s.rdb, []string{s.keys.plans(), s.keys.planSums(), s.keys.version()}, strconv.Itoa(rec.Year), string(val), digest(rec.Source)).Int()
	if err != nil {
		return false, fmt.Errorf("store: seed plan %d: %w", rec.Year, err)
	}
	return n == 1, nil
}

// PutPlan stores rec (origin PlanAdmin) as the plan of rec.Year, replacing
// any. It returns an error when Redis fails.
func (s *Store) PutPlan(ctx context.Context, rec PlanRecord) error {
	rec.Origin = PlanAdmin
	val, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("store: save plan %d: %w", rec.Year, err)
	}
	year := strconv.Itoa(rec.Year)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.keys.plans(), year, val)
		p.HSet(ctx, s.keys.planSums(), year, digest(rec.Source))
		p.Incr(ctx, s.keys.version())
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save plan %d: %w", rec.Year, err)
	}
	return nil
}

// digest names a plan file's content, so that a copy of the bot knows from
// a few bytes whether the plan it parsed is still the stored one.
func digest(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:16])
}

// PlanRecord returns the stored plan of year, or ErrNotFound.
func (s *Store) PlanRecord(ctx context.Context, year int) (PlanRecord, error) {
	val, err := s.rdb.HGet(ctx, s.keys.plans(), strconv.Itoa(year)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return PlanRecord{}, ErrNotFound
	case err != nil:
		return PlanRecord{}, fmt.Errorf("store: plan %d: %w", year, err)
	}
	var rec PlanRecord
	if err := json.Unmarshal(val, &rec); err != nil {
		return PlanRecord{}, fmt.Errorf("store: plan %d: %w", year, err)
	}
	return rec, nil
}

// PlanYears returns the years that have a stored plan, oldest first.
func (s *Store) PlanYears(ctx context.Context) ([]int, error) {
	sums, err := s.planSums(ctx)
	if err != nil {
		return nil, err
	}
	ys := make([]int, 0, len(sums))
	for y := range sums {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys, nil
}

// planSums returns, per year with a stored plan, the digest of its file:
// one small read, whatever the size of the plans.
// planSumsKey carries the plan digests read with an update's claim through
// the request's context.
type planSumsKey struct{}

// WithPlanSums returns ctx carrying sums, the plans' digests read with the
// update's claim (Caller.PlanSums): Plans then reads them from ctx instead
// of Redis for the rest of the request. A nil sums changes nothing.
func WithPlanSums(ctx context.Context, sums map[int]string) context.Context {
	if sums == nil {
		return ctx
	}
	return context.WithValue(ctx, planSumsKey{}, sums)
}

// planSums returns the plans' digests by year: those the request's
// context carries, else read.
func (s *Store) planSums(ctx context.Context) (map[int]string, error) {
	if sums, ok := ctx.Value(planSumsKey{}).(map[int]string); ok {
		return sums, nil
	}
	m, err := s.rdb.HGetAll(ctx, s.keys.planSums()).Result()
	if err != nil {
		return nil, fmt.Errorf("store: plan years: %w", err)
	}
	out := make(map[int]string, len(m))
	for k, v := range m {
		if y, err := strconv.Atoi(k); err == nil {
			out[y] = v
		}
	}
	return out, nil
}

// PutPlanDraft keeps a plan file an admin sent, until Xác nhận, for ttl;
// it returns the draft's short id.
func (s *Store) PutPlanDraft(ctx context.Context, rec PlanRecord, ttl time.Duration) (string, error) {
	val, err := jsonString(rec)
	if err != nil {
		return "", fmt.Errorf("store: save plan draft: %w", err)
	}
	return s.putNew(ctx, "plan draft", s.keys.planDraft, val, ttl)
}

// TakePlanDraft returns and deletes the draft id, or ErrExpired.
func (s *Store) TakePlanDraft(ctx context.Context, id string) (PlanRecord, error) {
	val, err := s.rdb.GetDel(ctx, s.keys.planDraft(id)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return PlanRecord{}, ErrExpired
	case err != nil:
		return PlanRecord{}, fmt.Errorf("store: plan draft %s: %w", id, err)
	}
	var rec PlanRecord
	if err := json.Unmarshal(val, &rec); err != nil {
		return PlanRecord{}, fmt.Errorf("store: plan draft %s: %w", id, err)
	}
	return rec, nil
}

// planDraft returns the draft id and its raw JSON, or ErrExpired.
func (s *Store) planDraft(ctx context.Context, id string) (PlanRecord, string, error) {
	val, err := s.rdb.Get(ctx, s.keys.planDraft(id)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return PlanRecord{}, "", ErrExpired
	case err != nil:
		return PlanRecord{}, "", fmt.Errorf("store: plan draft %s: %w", id, err)
	}
	var rec PlanRecord
	if err := json.Unmarshal([]byte(val), &rec); err != nil {
		return PlanRecord{}, "", fmt.Errorf("store: plan draft %s: %w", id, err)
	}
	return rec, val, nil
}

// ErrNotYours: the thing a button names belongs to someone else; nothing
// was changed.
var ErrNotYours = errors.New("store: not yours")

// dropPlanDraftScript deletes a draft only while it is the one its owner
// was checked on. KEYS[1] the draft; ARGV[1] its JSON as read.
var dropPlanDraftScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`)

// DropPlanDraft deletes the draft id if user by sent it: the owner is
// checked first, so anyone else's press changes nothing. It returns
// ErrExpired when it is gone, ErrNotYours (the draft kept) when it is
// someone else's, and an error when Redis fails.
func (s *Store) DropPlanDraft(ctx context.Context, id string, by int64) error {
	rec, raw, err := s.planDraft(ctx, id)
	if err != nil {
		return err
	}
	if rec.By != by {
		return ErrNotYours
	}
	n, err := dropPlanDraftScript.Run(ctx, s.rdb, []string{s.keys.planDraft(id)}, raw).Int()
	if err != nil {
		return fmt.Errorf("store: drop plan draft %s: %w", id, err)
	}
	if n == 0 {
		return ErrExpired
	}
	return nil
}

var (
	//go:embed confirmplan.lua
	confirmPlanLua    string
	confirmPlanScript = redis.NewScript(confirmPlanLua)
)

// ConfirmPlanDraft makes the draft id the plan of its year, as confirmed by
// user by at at, and returns it with the plan it holds. The owner is checked
// before anything changes, and the plan's id against every other year's plan
// as stored at the write: the script writes only if the other years' plans
// are still the ones checked, and with them the draft's removal and the
// effect of the update (WithUpdate: the same update confirmed again returns
// the plan it stored, repeat true, writing nothing).
//
// It returns ErrExpired when the draft is gone (confirmed, cancelled, run
// out), ErrNotYours (the draft kept) when someone else sent it, a
// *kpi.PlanError when its id is another year's plan's (figures are kept by
// plan id: two years under one would add up), the parse error of a draft
// that no longer parses, and an error when Redis fails.
func (s *Store) ConfirmPlanDraft(ctx context.Context, id string, by int64, at time.Time) (rec PlanRecord, plan *kpi.Plan, repeat bool, err error) {
	eff := s.effectKey(ctx, "plan:"+id)
	for range retries {
		rec, raw, err := s.planDraft(ctx, id)
		if errors.Is(err, ErrExpired) && eff != "" {
			// Confirmed by this update's first run?
			y, gerr := s.rdb.Get(ctx, eff).Int()
			switch {
			case errors.Is(gerr, redis.Nil):
				return PlanRecord{}, nil, false, ErrExpired
			case gerr != nil:
				return PlanRecord{}, nil, false, fmt.Errorf("store: confirm plan draft %s: %w", id, gerr)
			}
			if rec, err = s.PlanRecord(ctx, y); err != nil {
				return PlanRecord{}, nil, false, err
			}
			p, err := kpi.ParsePlan(rec.Name, rec.Source)
			return rec, p, true, err
		}
		if err != nil {
			return PlanRecord{}, nil, false, err
		}
		if rec.By != by {
			return PlanRecord{}, nil, false, ErrNotYours
		}
		p, err := kpi.ParsePlan(rec.Name, rec.Source)
		if err != nil {
			return PlanRecord{}, nil, false, err
		}
		sums, err := s.rdb.HGetAll(ctx, s.keys.planSums()).Result()
		if err != nil {
			return PlanRecord{}, nil, false, fmt.Errorf("store: confirm plan draft %s: %w", id, err)
		}
		year := strconv.Itoa(rec.Year)
		checked := []any{}
		for y, sum := range sums {
			if y == year {
				continue
			}
			yn, _ := strconv.Atoi(y)
			other, err := s.PlanRecord(ctx, yn)
			if errors.Is(err, ErrNotFound) {
				continue // removed meanwhile: the script sees it
			} else if err != nil {
				return PlanRecord{}, nil, false, err
			}
			if digest(other.Source) != sum {
				continue // changing now: the script sees it
			}
			op, err := kpi.ParsePlan(other.Name, other.Source)
			if err != nil {
				return PlanRecord{}, nil, false, fmt.Errorf("store: plan %s: %w", y, err)
			}
			if op.ID == p.ID {
				return PlanRecord{}, nil, false, &kpi.PlanError{File: rec.Name, Place: "id",
					Problem: fmt.Sprintf("%q is the id of the %s plan; each year's plan needs its own id", p.ID, y)}
			}
			checked = append(checked, y, sum)
		}
		rec.At, rec.Origin = at, PlanAdmin
		val, err := json.Marshal(rec)
		if err != nil {
			return PlanRecord{}, nil, false, fmt.Errorf("store: confirm plan draft %s: %w", id, err)
		}
		// The data version ({p}:version) changes with every write of a plan.
		keys := []string{s.keys.plans(), s.keys.planSums(), s.keys.planDraft(id), s.keys.join("version")}
		if eff != "" {
			keys = append(keys, eff)
		}
		res, err := confirmPlanScript.Run(ctx, s.rdb, keys,
			append([]any{year, string(val), digest(rec.Source), raw, effectTTL}, checked...)...).Text()
		if err != nil {
			return PlanRecord{}, nil, false, fmt.Errorf("store: confirm plan draft %s: %w", id, err)
		}
		switch res {
		case "ok":
			// Figures kept under this id before item slots had a year. The
			// plan is stored: a failure here is not the confirmation's, and
			// every start migrates again.
			_, _ = s.MigrateItemSlots(ctx, p)
			return rec, p, false, nil
		case "gone":
			continue // confirmed meanwhile, by this update or another press: read again
		}
		// "changed": another year's plan changed since it was checked.
	}
	return PlanRecord{}, nil, false, fmt.Errorf("store: confirm plan draft %s: the plans kept changing: %w", id, ErrConflict)
}

// Plans reads the stored plans, parsing each file once: a plan is parsed
// again only when its stored file changes (another copy of the bot, or an
// admin, loaded a new one). It is safe for concurrent use.
type Plans struct {
	st *Store
	mu sync.Mutex
	// cache holds, per year, the digest of the file last parsed and its plan.
	cache map[int]parsedPlan
}

type parsedPlan struct {
	sum  string
	plan *kpi.Plan
}

// NewPlans returns the plans kept in st.
func NewPlans(st *Store) *Plans { return &Plans{st: st, cache: map[int]parsedPlan{}} }

// Year returns the plan of year, or nil when none is stored. A stored file
// that no longer parses (it was checked when stored) is an error.
func (p *Plans) Year(ctx context.Context, year int) (*kpi.Plan, error) {
	sums, err := p.st.planSums(ctx)
	if err != nil {
		return nil, err
	}
	sum, ok := sums[year]
	if !ok {
		return nil, nil
	}
	return p.parsed(ctx, year, sum)
}

// parsed returns the plan of year whose file has digest sum: the cached
// one, else the stored file parsed (and cached).
func (p *Plans) parsed(ctx context.Context, year int, sum string) (*kpi.Plan, error) {
	p.mu.Lock()
	c, ok := p.cache[year]
	p.mu.Unlock()
	if ok && c.sum == sum {
		return c.plan, nil
	}
	rec, err := p.st.PlanRecord(ctx, year)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	plan, err := kpi.ParsePlan(rec.Name, rec.Source)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d: %w", year, err)
	}
	p.mu.Lock()
	p.cache[year] = parsedPlan{sum: digest(rec.Source), plan: plan}
	p.mu.Unlock()
	return plan, nil
}

// Years returns the years with a plan, oldest first.
func (p *Plans) Years(ctx context.Context) ([]int, error) { return p.st.PlanYears(ctx) }

// InForce returns the plan in force at now: the plan of now's year, else
// the latest plan. It returns ErrNotFound when no plan is stored. Once the
// plan is parsed it costs one small read.
func (p *Plans) InForce(ctx context.Context, now time.Time) (*kpi.Plan, error) {
	sums, err := p.st.planSums(ctx)
	if err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, ErrNotFound
	}
	y := now.Year()
	if _, ok := sums[y]; !ok {
		y = 0
		for year := range sums {
			y = max(y, year)
		}
	}
	plan, err := p.parsed(ctx, y, sums[y])
	if err == nil && plan == nil {
		err = ErrNotFound // removed meanwhile
	}
	return plan, err
}
