package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
)

// The scripts live in .lua files so they can be read (and run with
// redis-cli --eval) on their own. redis.NewScript runs EVALSHA and falls
// back to EVAL, so a restarted Redis that lost its script cache still works.
var (
	//go:embed confirm.lua
	confirmLua    string
	confirmScript = redis.NewScript(confirmLua)

	//go:embed undo.lua
	undoLua    string
	undoScript = redis.NewScript(undoLua)

	//go:embed swap.lua
	swapLua    string
	swapScript = redis.NewScript(swapLua)
)

// UndoDepth is how many of a user's changes per plan can be undone, newest
// first; older ones fall off the list.
const UndoDepth = 50

// historyScan bounds how many audit entries History reads to find n matches,
// so a question about a rarely reported indicator cannot read the whole
// stream.
const historyScan = 5000

// retries bounds the read-then-script loops, which repeat only when the same
// pending submission or undo list changed between the read and the script.
const retries = 5

// The audit actions.
const (
	ActionSet = "set"
	// ActionSubmit is a confirmed figure that waits for approval: it went
	// to the awaiting hash, not the official one (Old is what that awaiting
	// slot held).
	ActionSubmit  = "submit"
	ActionUndo    = "undo"
	ActionApprove = "approve"
	ActionReturn  = "return"
)

// Change is one entry of a plan's audit trail.
type Change struct {
	ID        string // audit stream entry id; also orders changes
	At        time.Time
	By        int64
	ByName    string
	Action    string // ActionSet, ActionSubmit, ActionUndo, ActionApprove, ActionReturn
	Indicator string
	Unit      string
	Period    string // kpi.Period.Key(), "" for items
	Item      string
	Old, New  *kpi.Report // nil: the slot was / became empty
	Via       string      // the message it came from ("chat:message")
	Reason    string      // for "return": why
}

func periodKey(p kpi.Period) string {
	if p.IsZero() {
		return ""
	}
	return p.Key()
}

// Confirm stores the reports of pending submission pendingID in planID, as
// confirmed by user by (byName) at at from message via, and returns the
// changes written, one per report with the value actually replaced. In one
// Lua script it writes every report, an audit entry and an undo entry per
// report, and deletes the pending submission: all of it or nothing. A
// submission with Awaiting set goes to the awaiting hashes instead of the
// official ones, audited as ActionSubmit, and counts only once Approve moves
// it; each change's Old is then what the awaiting slot held. It returns
// ErrExpired, having written nothing, when the submission is gone (TTL run
// out, already confirmed: a second press or a redelivered update, or
// cancelled), ErrPlanChanged, having written nothing, when the plan of its
// year is no longer the one it was read back under (Pending.PlanSum, checked
// in the same script), and an error when Redis fails. NeedsSecond is not checked here:
// the caller asks twice before calling Confirm.
//
// allow is the rights check (nil: none): it gets by's user record as it is
// now (Role None when there is none) and the submission, and its error is
// returned as is, having written nothing. The script writes only if the
// record is still the one allow judged, so a sender removed, demoted or moved
// to another unit after the read-back cannot confirm it.
func (s *Store) Confirm(ctx context.Context, planID, pendingID string, by int64, byName string, at time.Time, via string, allow func(access.User, Pending) error) ([]Change, error) {
	pkey := s.keys.pending(pendingID)
	for range retries {
		raw, p, err := s.pending(ctx, pendingID)
		if err != nil {
			return nil, err
		}
		var check func(access.User) error
		if allow != nil {
			check = func(u access.User) error { return allow(u, p) }
		}
		guard, err := s.guard(ctx, by, check)
		if err != nil {
			return nil, err
		}
		keys := []string{pkey, s.keys.audit(planID), s.keys.undo(planID, by), s.keys.users()}
		action, hash := ActionSet, s.keys.reports
		if p.Awaiting {
			action, hash = ActionSubmit, s.keys.awaiting
		}
		args := append([]any{raw, len(p.Reports), at.UnixMilli(), by, byName, via, UndoDepth, action}, guard...)
		// Removals first, so the head of the undo list is the new figure.
		for _, r := range p.Remove {
			keys = append(keys, s.keys.reports(planID, r.Indicator))
			args = append(args, r.Slot(), "", r.Indicator, r.Unit, periodKey(r.Period), r.Item)
		}
		args[1] = len(p.Remove) + len(p.Reports)
		news := make([]kpi.Report, len(p.Reports))
		for i, r := range p.Reports {
			r.By, r.ByName, r.At, r.Via = by, byName, at, via
			js, err := encodeReport(r)
			if err != nil {
				return nil, fmt.Errorf("store: confirm %s: report %d: %w", pkey, i, err)
			}
			news[i] = r
			keys = append(keys, hash(planID, r.Indicator))
			args = append(args, r.Slot(), js, r.Indicator, r.Unit, periodKey(r.Period), r.Item)
		}
		args = append(args, len(p.Basis))
		for _, b := range p.Basis {
			keys = append(keys, s.keys.reports(planID, b.Indicator))
			args = append(args, b.Unit, b.Fingerprint)
		}
		// The plan read back under must still be the plan of its year.
		keys = append(keys, s.keys.planSums(), s.keys.version())
		args = append(args, strconv.Itoa(p.PlanYear), p.PlanSum)
		res, err := confirmScript.Run(ctx, s.rdb, keys, args...).StringSlice()
		if err != nil {
			return nil, fmt.Errorf("store: confirm %s: %w", pkey, err)
		}
		switch {
		case len(res) == 1 && res[0] == "expired":
			return nil, ErrExpired
		case len(res) == 1 && res[0] == "plan":
			return nil, ErrPlanChanged
		case len(res) == 1 && res[0] == "stale":
			return nil, ErrStale
		case len(res) == 1 && (res[0] == "changed" || res[0] == "rights"):
			// UpdatePending ran meanwhile, or the user's record changed
			// since it was judged: judge and confirm what is there now.
			continue
		case len(res) != 1+2*(len(p.Remove)+len(news)) || res[0] != "ok":
			return nil, fmt.Errorf("store: confirm %s: unexpected script answer %q", pkey, res)
		}
		changes := make([]Change, 0, len(p.Remove)+len(news))
		for i, r := range p.Remove {
			old, err := decodeReportPtr(res[2+2*i])
			if err != nil {
				return nil, fmt.Errorf("store: confirm %s: removed value: %w", pkey, err)
			}
			changes = append(changes, Change{ID: res[1+2*i], At: at, By: by, ByName: byName, Action: action,
				Indicator: r.Indicator, Unit: r.Unit, Period: periodKey(r.Period), Item: r.Item, Old: old, Via: via})
		}
		res = append(res[:1], res[1+2*len(p.Remove):]...)
		for i, r := range news {
			old, err := decodeReportPtr(res[2+2*i])
			if err != nil {
				return nil, fmt.Errorf("store: confirm %s: previous value: %w", pkey, err)
			}
			nr := r
			changes = append(changes, Change{
				ID: res[1+2*i], At: at, By: by, ByName: byName, Action: action,
				Indicator: r.Indicator, Unit: r.Unit, Period: periodKey(r.Period), Item: r.Item,
				Old: old, New: &nr, Via: via,
			})
		}
		return changes, nil
	}
	return nil, fmt.Errorf("store: confirm %s: it kept changing: %w", pkey, ErrConflict)
}

// ErrStale is returned by Confirm, having written nothing, when a unit's
// figures the submission was checked against changed since (Pending.Basis):
// the caller checks again.
var ErrStale = errors.New("store: figures changed since the check")

// Basis is what a submission was checked against: the fingerprint of one
// unit's figures of one indicator (UnitBasis).
type Basis struct {
	Indicator, Unit, Fingerprint string
}

var (
	//go:embed fingerprint.lua
	fingerprintLua    string
	fingerprintScript = redis.NewScript(fingerprintLua)
)

// UnitBasis returns the fingerprint of unit's figures of indicator in
// planID, the basis a check is made on. Read it before the figures the
// check reads: Confirm refuses the write if it changed (ErrStale).
func (s *Store) UnitBasis(ctx context.Context, planID, indicator, unit string) (Basis, error) {
	bs, err := s.UnitBases(ctx, planID, []Basis{{Indicator: indicator, Unit: unit}})
	if err != nil {
		return Basis{}, err
	}
	return bs[0], nil
}

// UnitBases returns want with each (indicator, unit)'s fingerprint filled
// in, as UnitBasis does, in one round trip: a read-back of several
// indicators waits on one script, not one per indicator.
func (s *Store) UnitBases(ctx context.Context, planID string, want []Basis) ([]Basis, error) {
	if len(want) == 0 {
		return nil, nil
	}
	keys := make([]string, len(want))
	args := make([]any, len(want))
	for i, b := range want {
		keys[i], args[i] = s.keys.reports(planID, b.Indicator), b.Unit
	}
	fps, err := fingerprintScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("store: basis of %d units of %s: %w", len(want), planID, err)
	}
	if len(fps) != len(want) {
		return nil, fmt.Errorf("store: basis of %d units of %s: %d answers", len(want), planID, len(fps))
	}
	out := make([]Basis, len(want))
	for i, b := range want {
		b.Fingerprint = fps[i]
		out[i] = b
	}
	return out, nil
}

// History returns up to n changes of indicator in planID ("" for every
// indicator), newest first, only those of unit when unit is not "". It reads
// at most the newest 5000 audit entries of the plan. It returns an error when
// Redis fails or an entry cannot be read.
func (s *Store) History(ctx context.Context, planID, indicator string, unit string, n int) ([]Change, error) {
	if n <= 0 {
		return nil, nil
	}
	key := s.keys.audit(planID)
	var out []Change
	end := "+"
	for scanned := 0; scanned < historyScan && len(out) < n; {
		page := min(int64(200), int64(historyScan-scanned))
		msgs, err := s.rdb.XRevRangeN(ctx, key, end, "-", page).Result()
		if err != nil {
			return nil, fmt.Errorf("store: read history %s: %w", key, err)
		}
		for _, m := range msgs {
			c, err := changeFromMessage(m)
			if err != nil {
				return nil, fmt.Errorf("store: read history %s: %w", key, err)
			}
			if (indicator == "" || c.Indicator == indicator) && (unit == "" || c.Unit == unit) {
				out = append(out, c)
				if len(out) == n {
					break
				}
			}
		}
		if int64(len(msgs)) < page {
			break
		}
		scanned += len(msgs)
		end = "(" + msgs[len(msgs)-1].ID
	}
	return out, nil
}

// Undo reverts the last change userID confirmed in planID, if it was made
// within window of now (window <= 0: no limit): the slot gets back its
// previous value, or is emptied when there was none, and an "undo" audit
// entry by userID (byName) is written, in one Lua script. Repeated calls walk
// back through the user's last 50 changes. A change still awaiting approval
// (ActionSubmit) is undone in the awaiting hash it went to: the submission is
// withdrawn (or the one it replaced there comes back), and the official
// figure is untouched; once an editor approved or returned it, the awaiting
// slot no longer holds it and the undo is ErrConflict, so a reporter cannot
// revert an approved figure. It returns the undo's change,
// ErrNotFound when the user has no change to undo within window, ErrConflict
// when someone has changed that slot since (nothing is reverted, and the
// change stays next in line, so a second press cannot revert an older change
// the user did not mean), or an error when Redis fails. allow is the rights
// check, as for Confirm, on the user's record now and the change to undo.
func (s *Store) Undo(ctx context.Context, planID string, userID int64, window time.Duration, now time.Time, byName string, allow func(access.User, Change) error) (Change, error) {
	return s.UndoIf(ctx, planID, userID, "", window, now, byName, allow)
}

// NextUndo returns the change Undo would revert now (its ID is its audit
// entry), without reverting it: what /hoantac shows before asking. It
// returns ErrNotFound as Undo does, and an error when Redis fails.
func (s *Store) NextUndo(ctx context.Context, planID string, userID int64, window time.Duration, now time.Time) (Change, error) {
	ukey, akey := s.keys.undo(planID, userID), s.keys.audit(planID)
	id, err := s.rdb.LIndex(ctx, ukey, 0).Result()
	if errors.Is(err, redis.Nil) {
		return Change{}, ErrNotFound
	}
	if err != nil {
		return Change{}, fmt.Errorf("store: next undo %s: %w", ukey, err)
	}
	msgs, err := s.rdb.XRange(ctx, akey, id, id).Result()
	if err != nil {
		return Change{}, fmt.Errorf("store: next undo %s: read %s %s: %w", ukey, akey, id, err)
	}
	if len(msgs) == 0 {
		return Change{}, ErrNotFound
	}
	c, err := changeFromMessage(msgs[0])
	if err != nil {
		return Change{}, fmt.Errorf("store: next undo %s: %w", ukey, err)
	}
	if window > 0 && now.Sub(c.At) > window {
		return Change{}, ErrNotFound
	}
	return c, nil
}

// UndoIf is Undo of the change whose audit entry is expect, the one the user
// was shown: when another change is at the head of the user's list by then
// (they confirmed or undid something since), it reverts nothing and returns
// NextUndoBatch returns the changes /hoantac reverts now: the user's last
// change and, before it, the others confirmed with it in one read-back
// (same message, same time), newest first, at most MaxBatchUndo. It
// returns ErrNotFound as NextUndo does, and an error when Redis fails.
func (s *Store) NextUndoBatch(ctx context.Context, planID string, userID int64, window time.Duration, now time.Time) ([]Change, error) {
	head, err := s.NextUndo(ctx, planID, userID, window, now)
	if err != nil {
		return nil, err
	}
	out := []Change{head}
	if head.Via == "" {
		return out, nil
	}
	ukey, akey := s.keys.undo(planID, userID), s.keys.audit(planID)
	ids, err := s.rdb.LRange(ctx, ukey, 1, MaxBatchUndo-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: undo batch %s: %w", ukey, err)
	}
	cmds := make([]*redis.XMessageSliceCmd, len(ids))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.XRange(ctx, akey, id, id)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("store: undo batch %s: %w", akey, err)
	}
	for _, cmd := range cmds {
		msgs := cmd.Val()
		if len(msgs) == 0 {
			break
		}
		c, err := changeFromMessage(msgs[0])
		if err != nil || c.Via != head.Via || !c.At.Equal(head.At) {
			break
		}
		out = append(out, c)
	}
	return out, nil
}

// MaxBatchUndo bounds the changes one /hoantac reverts: a read-back holds
// at most kpi.MaxReportsPerUpdate figures.
const MaxBatchUndo = kpi.MaxReportsPerUpdate

// ErrExpired. With expect "" it is Undo.
func (s *Store) UndoIf(ctx context.Context, planID string, userID int64, expect string, window time.Duration, now time.Time, byName string, allow func(access.User, Change) error) (Change, error) {
	ukey, akey := s.keys.undo(planID, userID), s.keys.audit(planID)
	for range retries {
		id, err := s.rdb.LIndex(ctx, ukey, 0).Result()
		if errors.Is(err, redis.Nil) {
			if expect != "" {
				return Change{}, ErrExpired
			}
			return Change{}, ErrNotFound
		}
		if err != nil {
			return Change{}, fmt.Errorf("store: undo %s: %w", ukey, err)
		}
		if expect != "" && id != expect {
			return Change{}, ErrExpired
		}
		msgs, err := s.rdb.XRange(ctx, akey, id, id).Result()
		if err != nil {
			return Change{}, fmt.Errorf("store: undo %s: read %s %s: %w", ukey, akey, id, err)
		}
		if len(msgs) == 0 {
			// The audit stream is never trimmed; an entry missing means
			// someone deleted it by hand, and there is nothing to revert to.
			return Change{}, ErrNotFound
		}
		c, err := changeFromMessage(msgs[0])
		if err != nil {
			return Change{}, fmt.Errorf("store: undo %s: %w", ukey, err)
		}
		if window > 0 && now.Sub(c.At) > window {
			return Change{}, ErrNotFound
		}
		var check func(access.User) error
		if allow != nil {
			check = func(u access.User) error { return allow(u, c) }
		}
		guard, err := s.guard(ctx, userID, check)
		if err != nil {
			return Change{}, err
		}
		v := msgs[0].Values
		hash := s.keys.reports(planID, c.Indicator)
		if c.Action == ActionSubmit {
			hash = s.keys.awaiting(planID, c.Indicator)
		}
		res, err := undoScript.Run(ctx, s.rdb,
			[]string{ukey, akey, hash, s.keys.users(), s.keys.version()},
			append([]any{id, slotNow(str(v, "slot"), c.New), str(v, "new"), str(v, "old"), now.UnixMilli(), userID, byName,
				c.Indicator, c.Unit, c.Period, c.Item}, guard...)...,
		).StringSlice()
		if err != nil {
			return Change{}, fmt.Errorf("store: undo %s: %w", ukey, err)
		}
		switch {
		case len(res) == 1 && (res[0] == "moved" || res[0] == "rights"):
			continue
		case len(res) == 1 && res[0] == "conflict":
			return Change{}, ErrConflict
		case len(res) != 2 || res[0] != "ok":
			return Change{}, fmt.Errorf("store: undo %s: unexpected script answer %q", ukey, res)
		}
		return Change{
			ID: res[1], At: now, By: userID, ByName: byName, Action: ActionUndo,
			Indicator: c.Indicator, Unit: c.Unit, Period: c.Period, Item: c.Item,
			Old: c.New, New: c.Old,
		}, nil
	}
	return Change{}, fmt.Errorf("store: undo %s: it kept changing: %w", ukey, ErrConflict)
}

// guard makes the rights check of a write by user by: allow (nil: no check)
// judges by's record as it is now, and the returned script arguments (user
// id, record) let the script refuse to write if the record changed since.
// allow's error is returned as is.
func (s *Store) guard(ctx context.Context, by int64, allow func(access.User) error) ([]any, error) {
	if allow == nil {
		return []any{"", ""}, nil
	}
	raw, u, err := s.actor(ctx, by)
	if err != nil {
		return nil, err
	}
	if err := allow(u); err != nil {
		return nil, err
	}
	return []any{strconv.FormatInt(by, 10), raw}, nil
}

func str(v map[string]any, k string) string {
	s, _ := v[k].(string)
	return s
}

func changeFromMessage(m redis.XMessage) (Change, error) {
	v := m.Values
	ms, err := strconv.ParseInt(str(v, "at"), 10, 64)
	if err != nil {
		return Change{}, fmt.Errorf("audit entry %s: at: %w", m.ID, err)
	}
	by, err := strconv.ParseInt(str(v, "by"), 10, 64)
	if err != nil {
		return Change{}, fmt.Errorf("audit entry %s: by: %w", m.ID, err)
	}
	old, err := decodeReportPtr(str(v, "old"))
	if err != nil {
		return Change{}, fmt.Errorf("audit entry %s: old: %w", m.ID, err)
	}
	nw, err := decodeReportPtr(str(v, "new"))
	if err != nil {
		return Change{}, fmt.Errorf("audit entry %s: new: %w", m.ID, err)
	}
	return Change{
		ID: m.ID, At: time.UnixMilli(ms), By: by, ByName: str(v, "by_name"),
		Action: str(v, "action"), Indicator: str(v, "indicator"), Unit: str(v, "unit"),
		Period: str(v, "period"), Item: str(v, "item"), Old: old, New: nw,
		Via: str(v, "via"), Reason: str(v, "reason"),
	}, nil
}

// ChangeByID returns the audit entry id of planID. It returns ErrNotFound
// when there is none (a forged id, another plan's), and an error when Redis
// fails or the entry cannot be read.
func (s *Store) ChangeByID(ctx context.Context, planID, id string) (Change, error) {
	if !streamID(id) {
		return Change{}, ErrNotFound
	}
	ms, err := s.rdb.XRange(ctx, s.keys.audit(planID), id, id).Result()
	switch {
	case err != nil:
		return Change{}, fmt.Errorf("store: audit entry %s of %s: %w", id, planID, err)
	case len(ms) == 0:
		return Change{}, ErrNotFound
	}
	c, err := changeFromMessage(ms[0])
	if err != nil {
		return Change{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

// streamID reports whether id is a stream entry id, "<ms>-<seq>".
func streamID(id string) bool {
	ms, seq, ok := strings.Cut(id, "-")
	if !ok || ms == "" || seq == "" || len(id) > 41 {
		return false
	}
	for _, c := range ms + seq {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
