package store

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
)

// Approval, where the plan asks for it: a reporter's confirmed figures go to
// the awaiting hash of their indicator (Confirm of a Pending with Awaiting),
// and count only when an editor's Approve moves them to the official hash;
// Return drops them with a reason. Both are one script with their audit entry,
// and both act once: the second press finds the slot empty (ErrNotFound).

var (
	//go:embed approve.lua
	approveLua    string
	approveScript = redis.NewScript(approveLua)

	//go:embed return.lua
	returnLua    string
	returnScript = redis.NewScript(returnLua)
)

// Awaiting returns the figures of one indicator in planID that wait for
// approval, ordered like Reports. It returns an empty slice when none wait
// and an error when Redis fails or a record cannot be read.
func (s *Store) Awaiting(ctx context.Context, planID, indicator string) ([]kpi.Report, error) {
	key := s.keys.awaiting(planID, indicator)
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read awaiting %s: %w", key, err)
	}
	out, err := decodeReports(m)
	if err != nil {
		return nil, fmt.Errorf("store: read awaiting %s: %w", key, err)
	}
	return out, nil
}

// AllAwaiting is Awaiting for every listed indicator in one round trip, keyed
// by indicator id (every listed id present, empty when nothing waits), for
// the overview. It returns an error when Redis fails or a record cannot be
// read.
func (s *Store) AllAwaiting(ctx context.Context, planID string, indicators []string) (map[string][]kpi.Report, error) {
	out, err := s.readHashes(ctx, planID, indicators, s.keys.awaiting)
	if err != nil {
		return nil, fmt.Errorf("store: read awaiting of plan %s: %w", planID, err)
	}
	return out[0], nil
}

// Approve makes the figure awaiting in (planID, indicator, slot) official, as
// approved by user by (byName) at at: in one script it moves the report to
// the official hash, replacing what was there, and appends an "approve" audit
// entry whose Old is the official value replaced. The report keeps its
// reporter and confirmation time. It returns the change; ErrNotFound, having
// written nothing, when nothing awaits in that slot (approved or returned
// already, by this editor or another, or withdrawn with /hoantac) or, with
// expect set, when what awaits is not that figure (resubmitted since the
// editor was shown it); and an error when Redis fails. allow is the rights
// check, as for Confirm: it judges by's record as it is now, its error is
// returned as is, and the script writes only if that record is unchanged.
func (s *Store) Approve(ctx context.Context, planID, indicator, slot string, expect *kpi.Report, by int64, byName string, at time.Time, allow func(access.User) error) (Change, error) {
	akey, rkey := s.keys.awaiting(planID, indicator), s.keys.reports(planID, indicator)
	for range retries {
		raw, r, err := s.awaitingSlot(ctx, akey, slot)
		if err != nil {
			return Change{}, err
		}
		if expect != nil && !sameFigure(r, *expect) {
			return Change{}, ErrNotFound // not what the editor was shown
		}
		guard, err := s.guard(ctx, by, allow)
		if err != nil {
			return Change{}, err
		}
		res, err := approveScript.Run(ctx, s.rdb, []string{akey, rkey, s.keys.audit(planID), s.keys.users(), s.keys.version()},
			append([]any{slot, raw, at.UnixMilli(), by, byName, indicator, r.Unit, periodKey(r.Period), r.Item}, guard...)...,
		).StringSlice()
		if err != nil {
			return Change{}, fmt.Errorf("store: approve %s %s: %w", akey, slot, err)
		}
		switch {
		case len(res) == 1 && res[0] == "gone":
			return Change{}, ErrNotFound
		case len(res) == 1 && res[0] == "changed" && expect != nil:
			return Change{}, ErrNotFound // resubmitted meanwhile: not what the editor saw
		case len(res) == 1 && (res[0] == "changed" || res[0] == "rights"):
			continue // resubmitted meanwhile, or the editor's record changed: again
		case len(res) != 3 || res[0] != "ok":
			return Change{}, fmt.Errorf("store: approve %s %s: unexpected script answer %q", akey, slot, res)
		}
		old, err := decodeReportPtr(res[2])
		if err != nil {
			return Change{}, fmt.Errorf("store: approve %s %s: previous value: %w", akey, slot, err)
		}
		return Change{
			ID: res[1], At: at, By: by, ByName: byName, Action: ActionApprove,
			Indicator: indicator, Unit: r.Unit, Period: periodKey(r.Period), Item: r.Item,
			Old: old, New: &r,
		}, nil
	}
	return Change{}, fmt.Errorf("store: approve %s %s: it kept changing: %w", akey, slot, ErrConflict)
}

// Return drops the figure awaiting in (planID, indicator, slot), returned to
// its reporter by user by (byName) at at for reason: in one script it deletes
// it from the awaiting hash and appends a "return" audit entry with the
// reason, whose Old is the returned report. The official figure is not
// touched. It returns the change; ErrNotFound, having written nothing, when
// nothing awaits in that slot; and an error when Redis fails. allow is the
// rights check, as for Approve.
func (s *Store) Return(ctx context.Context, planID, indicator, slot string, by int64, byName, reason string, at time.Time, allow func(access.User) error) (Change, error) {
	akey := s.keys.awaiting(planID, indicator)
	for range retries {
		raw, r, err := s.awaitingSlot(ctx, akey, slot)
		if err != nil {
			return Change{}, err
		}
		guard, err := s.guard(ctx, by, allow)
		if err != nil {
			return Change{}, err
		}
		res, err := returnScript.Run(ctx, s.rdb, []string{akey, s.keys.audit(planID), s.keys.users(), s.keys.version()},
			append([]any{slot, raw, at.UnixMilli(), by, byName, indicator, r.Unit, periodKey(r.Period), r.Item, reason}, guard...)...,
		).StringSlice()
		if err != nil {
			return Change{}, fmt.Errorf("store: return %s %s: %w", akey, slot, err)
		}
		switch {
		case len(res) == 1 && res[0] == "gone":
			return Change{}, ErrNotFound
		case len(res) == 1 && (res[0] == "changed" || res[0] == "rights"):
			continue
		case len(res) != 2 || res[0] != "ok":
			return Change{}, fmt.Errorf("store: return %s %s: unexpected script answer %q", akey, slot, res)
		}
		return Change{
			ID: res[1], At: at, By: by, ByName: byName, Action: ActionReturn,
			Indicator: indicator, Unit: r.Unit, Period: periodKey(r.Period), Item: r.Item,
			Old: &r, Reason: reason,
		}, nil
	}
	return Change{}, fmt.Errorf("store: return %s %s: it kept changing: %w", akey, slot, ErrConflict)
}

// awaitingSlot reads one awaiting figure, raw (for the script to check it is
// still the same) and decoded (for the audit fields the script cannot read
// from JSON). It returns ErrNotFound when the slot is empty.
func (s *Store) awaitingSlot(ctx context.Context, key, slot string) (string, kpi.Report, error) {
	raw, err := s.rdb.HGet(ctx, key, slot).Result()
	if errors.Is(err, redis.Nil) {
		return "", kpi.Report{}, ErrNotFound
	}
	if err != nil {
		return "", kpi.Report{}, fmt.Errorf("store: read awaiting %s %s: %w", key, slot, err)
	}
	r, err := decodeReport(raw)
	if err != nil {
		return "", kpi.Report{}, fmt.Errorf("store: read awaiting %s %s: %w", key, slot, err)
	}
	return raw, r, nil
}

// ---- what the editors' buttons act on ----

// Approval is one confirmed submission awaiting approval, as the editors were
// shown it: their Duyệt / Trả lại buttons carry only its short ID
// (callback_data is 64 bytes), and the handler approves or returns each of
// its Reports that still awaits unchanged.
type Approval struct {
	ID           string // set by PutApproval; at most 12 characters of [A-Za-z0-9_-]
	Reporter     int64  // who submitted; also their private chat
	ReporterName string
	Lang         string       // the reporter's language when they submitted
	Reports      []kpi.Report // as confirmed into the awaiting hash, stamped
	// Messages are the copies sent to editors and admins, edited once one of
	// them decides so the others' buttons go too.
	Messages []SentMessage
	Created  time.Time
}

// SentMessage names one message the bot sent.
type SentMessage struct {
	ChatID    int64
	MessageID int
}

// PutApproval stores a for ttl under a new random id (a.ID is ignored) and
// returns the id. It returns an error when ttl is not positive or Redis
// fails.
func (s *Store) PutApproval(ctx context.Context, a Approval, ttl time.Duration) (string, error) {
	val, err := jsonString(toApprovalRecord(a))
	if err != nil {
		return "", fmt.Errorf("store: save approval: %w", err)
	}
	return s.putNew(ctx, "approval", s.keys.approval, val, ttl)
}

// PutSubmissionApproval stores a, the submission reporter a.Reporter
// confirmed at a.Created in planID, for ttl under an id made from those
// three (a.ID is ignored), and returns the id: listing the same submission
// again (/choduyet, every call) finds the same record and makes no new one;
// its TTL starts again. It returns an error when ttl is not positive or
// Redis fails.
func (s *Store) PutSubmissionApproval(ctx context.Context, planID string, a Approval, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("store: save approval: ttl %v must be positive", ttl)
	}
	sum := sha256.Sum256([]byte(planID + "|" + strconv.FormatInt(a.Reporter, 10) + "|" + strconv.FormatInt(a.Created.UnixNano(), 10)))
	id := "s" + base64.RawURLEncoding.EncodeToString(sum[:8]) // 12 characters, as putNew's
	val, err := jsonString(toApprovalRecord(a))
	if err != nil {
		return "", fmt.Errorf("store: save approval: %w", err)
	}
	key := s.keys.approval(id)
	ok, err := s.rdb.SetNX(ctx, key, val, ttl).Result()
	if err != nil {
		return "", fmt.Errorf("store: save approval %s: %w", id, err)
	}
	if !ok {
		if err := s.rdb.PExpire(ctx, key, ttl).Err(); err != nil {
			return "", fmt.Errorf("store: save approval %s: %w", id, err)
		}
	}
	return id, nil
}

// AddApprovalMessages adds msgs to the editors' copies of approval id,
// keeping its TTL. It returns ErrNotFound when the approval is gone and an
// error when Redis fails.
func (s *Store) AddApprovalMessages(ctx context.Context, id string, msgs []SentMessage) error {
	a, err := s.Approval(ctx, id)
	if err != nil {
		return err
	}
	return s.SetApprovalMessages(ctx, id, append(a.Messages, msgs...))
}

// Approval returns the approval id. It returns ErrNotFound when it is gone
// (its TTL ran out) and an error when Redis fails or the record cannot be
// read. That it exists says nothing about whether its figures still await:
// Approve and Return say that.
func (s *Store) Approval(ctx context.Context, id string) (Approval, error) {
	key := s.keys.approval(id)
	raw, err := s.rdb.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return Approval{}, ErrNotFound
	}
	if err != nil {
		return Approval{}, fmt.Errorf("store: read approval %s: %w", key, err)
	}
	var rec approvalRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return Approval{}, fmt.Errorf("store: read approval %s: %w", key, err)
	}
	a, err := rec.toDomain(id)
	if err != nil {
		return Approval{}, fmt.Errorf("store: read approval %s: %w", key, err)
	}
	return a, nil
}

// SetApprovalMessages records the editors' copies of approval id, keeping
// its TTL. Only the handler that sent them writes them, once. It returns
// ErrNotFound when the approval is gone and an error when Redis fails.
func (s *Store) SetApprovalMessages(ctx context.Context, id string, msgs []SentMessage) error {
	a, err := s.Approval(ctx, id)
	if err != nil {
		return err
	}
	a.Messages = msgs
	val, err := jsonString(toApprovalRecord(a))
	if err != nil {
		return fmt.Errorf("store: save approval %s: %w", id, err)
	}
	res, err := s.rdb.SetArgs(ctx, s.keys.approval(id), val, redis.SetArgs{Mode: "XX", KeepTTL: true}).Result()
	if errors.Is(err, redis.Nil) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: save approval %s: %w", id, err)
	}
	if res != "OK" {
		return ErrNotFound
	}
	return nil
}

// ExpectReason remembers for ttl that editor userID's next message is the
// reason for returning approval approvalID (the Trả lại button), replacing
// any earlier one. It returns an error when Redis fails.
func (s *Store) ExpectReason(ctx context.Context, userID int64, approvalID string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.keys.reason(userID), approvalID, ttl).Err(); err != nil {
		return fmt.Errorf("store: expect reason of %d: %w", userID, err)
	}
	return nil
}

// TakeReason returns and forgets the approval id whose return reason userID
// was asked for; "" when none (never asked, or the TTL ran out). Once per
// update (WithUpdate): the same update taking again gets the same. It returns
// an error when Redis fails.
func (s *Store) TakeReason(ctx context.Context, userID int64) (string, error) {
	v, err := s.take(ctx, s.keys.reason(userID), "reason")
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: take reason of %d: %w", userID, err)
	}
	return v, nil
}

// sameFigure reports whether a and b are the same submission of a figure:
// same value, item, reporter and confirmation time.
func sameFigure(a, b kpi.Report) bool {
	return a.Value == b.Value && a.Item == b.Item && a.Period == b.Period && a.By == b.By && a.At.Equal(b.At)
}
