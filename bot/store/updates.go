package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
)

// ---- Telegram updates ----
//
// Telegram delivers an update at least once: again after a crash, again to
// another copy of the bot behind a load balancer. The update log makes the
// second delivery a no-op while still letting an update through whose
// handler died. A claim names its owner, a running copy of the bot that
// proves it is alive by a heartbeat (Heartbeat); a claim whose owner's
// heartbeat has stopped is taken over at once by the next delivery, not
// after the claim's lease.

// UpdateClaim is what ClaimUpdate found.
type UpdateClaim int

// The answers of ClaimUpdate.
const (
	// UpdateTaken: the caller holds the update and must handle it.
	UpdateTaken UpdateClaim = iota + 1
	// UpdateDone: it was handled already; acknowledge it to Telegram.
	UpdateDone
	// UpdateBusy: a live copy of the bot (possibly the caller itself) is
	// handling it. It is not done: do not acknowledge it, so that it comes
	// back if that copy dies.
	UpdateBusy
	// UpdateTakenOver: as UpdateTaken, from a copy that died while handling
	// it. Its reply may or may not have reached Telegram before the crash:
	// handling it again may answer twice, and not handling it may answer
	// never; the bot answers again.
	UpdateTakenOver
	// UpdateGivenUp: it was taken up MaxUpdateTries times before and never
	// finished — it crashes the process that handles it (a poison update).
	// The claim has marked it done and taken it out of the inbox, in the
	// same step, so exactly one caller gets this answer: it must not handle
	// the update, and tells the sender and the admins.
	UpdateGivenUp
)

// triesKeep is how long an update's count of take-ups, and the done mark
// of one given up, are kept: Telegram's horizon, as the inbox.
const triesKeep = 24 * time.Hour

// MaxUpdateTries is how many times an update is taken up (claimed) without
// finishing before the next claim gives it up: a handler that crashes the
// process takes it down at most this many times, not for the inbox's 24
// hours. A take-up after a copy died counts, and so does one after the
// lease of a copy stuck on it; a finished update's count is dropped.
const MaxUpdateTries = 3

func (c UpdateClaim) String() string {
	switch c {
	case UpdateTaken:
		return "taken"
	case UpdateDone:
		return "done"
	case UpdateBusy:
		return "busy"
	case UpdateTakenOver:
		return "taken over"
	case UpdateGivenUp:
		return "given up"
	}
	return fmt.Sprintf("UpdateClaim(%d)", int(c))
}

// NewInstanceID returns a random id for one run of the bot, the owner named
// in its claims. It cannot fail.
func NewInstanceID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// claimScript: KEYS[1] the update's key, KEYS[2] its count of take-ups,
// KEYS[3] its inbox body, KEYS[4] the inbox index, and, when a user is
// named, KEYS[5] the users hash, KEYS[6] the languages hash, KEYS[7] the
// user's stranger language, KEYS[8] the plans' digests, KEYS[9] the data
// version; ARGV[1] the caller's instance id, ARGV[2] the lease in ms, ARGV[3] the heartbeat key without
// the id, ARGV[4] the user's id, ARGV[5] MaxUpdateTries, ARGV[6] how long
// to keep the count and a done mark in ms, ARGV[7] the update's id. The
// owner's heartbeat key is not in KEYS because the script learns it from
// the claim; it carries the same hash tag, so it is on the same Cluster
// slot. When the caller takes the update it also gets the user's record and
// languages, so that a question costs one round trip before its figures.
// Every take-up counts; past ARGV[5] the update is marked done and taken
// out of the inbox instead of claimed (UpdateGivenUp).
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == 'done' then return {2} end
if v then
  local owner = string.sub(v, string.len('claimed:') + 1)
  if owner == ARGV[1] or redis.call('EXISTS', ARGV[3] .. owner) == 1 then return {3} end
end
local n = 1
if v then n = 4 end
local tries = redis.call('INCR', KEYS[2])
if tries > tonumber(ARGV[5]) then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[6])
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[7])
  n = 5
else
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  redis.call('SET', KEYS[1], 'claimed:' .. ARGV[1], 'PX', ARGV[2])
end
if not KEYS[5] then return {n} end
return {n, redis.call('HGET', KEYS[5], ARGV[4]), redis.call('HGET', KEYS[6], ARGV[4]), redis.call('GET', KEYS[7]),
  redis.call('HGETALL', KEYS[8]), redis.call('GET', KEYS[9])}`)

// ClaimUpdate takes updateID for instance, for at most lease. It returns
// UpdateTaken when the caller got it — it was new, or the owner's lease ran
// out; UpdateTakenOver when its owner's heartbeat has stopped (it died
// mid-update);
// UpdateDone when it was handled already; UpdateBusy while a live copy
// holds it; UpdateGivenUp when it was taken up MaxUpdateTries times already
// and is now dropped. It returns an error when Redis fails.
func (s *Store) ClaimUpdate(ctx context.Context, updateID int64, instance string, lease time.Duration) (UpdateClaim, error) {
	c, _, err := s.claim(ctx, updateID, instance, lease, 0)
	return c, err
}

// Caller is who sent an update, read in the same step as its claim.
type Caller struct {
	// Found: the bot knows them, and User is their record (Lang included).
	Found bool
	User  access.User
	// Lang is the language they chose ("" when none): a stranger's, or a
	// registered user's (then also User.Lang). It is what Store.Lang returns.
	Lang string
	// PlanSums are the stored plans' digests by year, read with the claim:
	// WithPlanSums hands them to Plans for the request, which then reads
	// no more to find the plan in force.
	PlanSums map[int]string
	// Version is the data version as the claim read it: it changes with
	// every write of figures, plans or users, so an answer computed at one
	// version is still right at the same version (0: none written yet).
	Version int64
}

// ClaimUpdateFrom is ClaimUpdate that, when the caller takes the update
// (UpdateTaken, UpdateTakenOver) or gives it up (UpdateGivenUp), also reads the sending user's record and
// language in the same round trip, as Store.User and Store.Lang would; the
// Caller is nil otherwise. It returns an error when Redis fails or the
// record cannot be read.
func (s *Store) ClaimUpdateFrom(ctx context.Context, updateID int64, instance string, lease time.Duration, userID int64) (UpdateClaim, *Caller, error) {
	return s.claim(ctx, updateID, instance, lease, userID)
}

func (s *Store) claim(ctx context.Context, updateID int64, instance string, lease time.Duration, userID int64) (UpdateClaim, *Caller, error) {
	keys := []string{s.keys.update(updateID), s.keys.tries(updateID), s.keys.inbound(updateID), s.keys.inbox()}
	field := strconv.FormatInt(userID, 10)
	if userID != 0 {
		keys = append(keys, s.keys.users(), s.keys.lang(), s.keys.strangerLang(userID), s.keys.planSums(), s.keys.version())
	}
	res, err := claimScript.Run(ctx, s.rdb, keys, instance, lease.Milliseconds(), s.keys.aliveBase(), field,
		MaxUpdateTries, triesKeep.Milliseconds(), updateID).Slice()
	if err != nil {
		return 0, nil, fmt.Errorf("store: claim update %d: %w", updateID, err)
	}
	n, _ := res[0].(int64)
	claim := UpdateClaim(n)
	if len(res) < 4 {
		return claim, nil, nil
	}
	// A Lua false (nil) comes back as nil.
	rec, _ := res[1].(string)
	lang, _ := res[2].(string)
	own, _ := res[3].(string)
	c := &Caller{Lang: lang, PlanSums: map[int]string{}}
	if c.Lang == "" {
		c.Lang = own
	}
	if len(res) > 4 {
		kv, _ := res[4].([]any)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			v, _ := kv[i+1].(string)
			if y, err := strconv.Atoi(k); err == nil {
				c.PlanSums[y] = v
			}
		}
	}
	if len(res) > 5 {
		v, _ := res[5].(string)
		c.Version, _ = strconv.ParseInt(v, 10, 64)
	}
	if rec != "" {
		u, err := decodeUser(rec, lang)
		if err != nil {
			return claim, nil, fmt.Errorf("store: claim update %d: read user %d: %w", updateID, userID, err)
		}
		c.Found, c.User = true, u
	}
	return claim, c, nil
}

// doneScript: KEYS the update's key, its inbox body and its count of
// take-ups for each update, then the inbox index; ARGV[1] how long to keep
// the marks in ms, then the ids. One command for any number of updates,
// where a MULTI of three commands took five for each.
var doneScript = redis.NewScript(`
local n = #ARGV - 1
for i = 1, n do
  redis.call('SET', KEYS[3*i-2], 'done', 'PX', ARGV[1])
  redis.call('DEL', KEYS[3*i-1], KEYS[3*i])
end
redis.call('ZREM', KEYS[#KEYS], unpack(ARGV, 2))
return n`)

// MaxDoneBatch is the most updates DoneUpdates takes at once (a Lua
// script's stack holds the ids).
const MaxDoneBatch = 500

// DoneUpdate marks updateID as handled for keep (24 h is Telegram's horizon),
// so later copies of it are refused by ClaimUpdate, and takes it out of the
// inbox, atomically. It returns an error when Redis fails.
func (s *Store) DoneUpdate(ctx context.Context, updateID int64, keep time.Duration) error {
	return s.DoneUpdates(ctx, []int64{updateID}, keep)
}

// DoneUpdates is DoneUpdate for several updates (at most MaxDoneBatch) in one
// command, all or none. It returns an error when Redis fails.
func (s *Store) DoneUpdates(ctx context.Context, ids []int64, keep time.Duration) error {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > MaxDoneBatch {
		return fmt.Errorf("store: mark %d updates done: more than %d at once", len(ids), MaxDoneBatch)
	}
	keys := make([]string, 0, 3*len(ids)+1)
	args := make([]any, 0, len(ids)+1)
	args = append(args, keep.Milliseconds())
	for _, id := range ids {
		keys = append(keys, s.keys.update(id), s.keys.inbound(id), s.keys.tries(id))
		args = append(args, id)
	}
	keys = append(keys, s.keys.inbox())
	if err := doneScript.Run(ctx, s.rdb, keys, args...).Err(); err != nil {
		if len(ids) == 1 {
			return fmt.Errorf("store: mark update %d done: %w", ids[0], err)
		}
		return fmt.Errorf("store: mark %d updates done: %w", len(ids), err)
	}
	return nil
}

// saveScript: KEYS the inbox body and the update log key of each update,
// then the inbox index; ARGV[1] how long to keep them in ms, then each
// update's id and body. An update already done (handled while its batch
// was on its way) is not saved.
var saveScript = redis.NewScript(`
local inbox = KEYS[#KEYS]
for i = 1, (#KEYS - 1) / 2 do
  if redis.call('GET', KEYS[2*i]) ~= 'done' then
    redis.call('SET', KEYS[2*i-1], ARGV[2*i+1], 'PX', ARGV[1])
    redis.call('ZADD', inbox, ARGV[2*i], ARGV[2*i])
  end
end
if redis.call('PTTL', inbox) < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', inbox, ARGV[1])
end
return 1`)

// Inbound is an update as Telegram sent it.
type Inbound struct {
	ID   int64
	Body []byte // the update's JSON
}

// SaveUpdates keeps ups in the inbox for keep, until DoneUpdate: long
// polling may then acknowledge them to Telegram before they are handled,
// and a copy of the bot that dies with them in hand leaves them to Inbox.
// It returns an error when Redis fails; then none or some are saved.
func (s *Store) SaveUpdates(ctx context.Context, ups []Inbound, keep time.Duration) error {
	if len(ups) == 0 {
		return nil
	}
	// One command. The index lives as long as its newest entry might: its
	// TTL is extended, never shortened.
	keys := make([]string, 0, 2*len(ups)+1)
	args := make([]any, 0, 2*len(ups)+1)
	args = append(args, keep.Milliseconds())
	for _, u := range ups {
		keys = append(keys, s.keys.inbound(u.ID), s.keys.update(u.ID))
		args = append(args, u.ID, u.Body)
	}
	keys = append(keys, s.keys.inbox())
	err := saveScript.Run(ctx, s.rdb, keys, args...).Err()
	if err != nil {
		return fmt.Errorf("store: save %d updates: %w", len(ups), err)
	}
	return nil
}

// Inbox returns up to limit saved updates that are not done, oldest first;
// entries whose body has expired are dropped from the index. It returns an
// error when Redis fails.
//
// Update ids from OtherChannels on are another channel's (package zalo's):
// Inbox leaves them to ChannelInbox.
func (s *Store) Inbox(ctx context.Context, limit int) ([]Inbound, error) {
	return s.inboxRange(ctx, "-inf", "("+strconv.FormatInt(OtherChannels, 10), limit)
}

// OtherChannels is where the update ids of channels other than Telegram
// begin (2^62): Telegram's are far below.
const OtherChannels int64 = 1 << 62

// ChannelInbox is Inbox for the updates of the other channels (ids from
// OtherChannels on).
func (s *Store) ChannelInbox(ctx context.Context, limit int) ([]Inbound, error) {
	return s.inboxRange(ctx, strconv.FormatInt(OtherChannels, 10), "+inf", limit)
}

func (s *Store) inboxRange(ctx context.Context, lo, hi string, limit int) ([]Inbound, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.keys.inbox(), &redis.ZRangeBy{Min: lo, Max: hi, Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read inbox: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	nums := make([]int64, len(ids))
	for i, id := range ids {
		if nums[i], err = strconv.ParseInt(id, 10, 64); err != nil {
			return nil, fmt.Errorf("store: read inbox: bad id %q", id)
		}
		keys[i] = s.keys.inbound(nums[i])
	}
	bodies, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read inbox: %w", err)
	}
	var out []Inbound
	var gone []any
	for i, b := range bodies {
		body, ok := b.(string)
		if !ok {
			gone = append(gone, ids[i])
			continue
		}
		out = append(out, Inbound{ID: nums[i], Body: []byte(body)})
	}
	if len(gone) > 0 {
		if err := s.rdb.ZRem(ctx, s.keys.inbox(), gone...).Err(); err != nil {
			return nil, fmt.Errorf("store: read inbox: %w", err)
		}
	}
	return out, nil
}

// Heartbeat says that instance is alive for ttl; a running bot calls it
// well within every ttl. It returns an error when Redis fails.
func (s *Store) Heartbeat(ctx context.Context, instance string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.keys.alive(instance), 1, ttl).Err(); err != nil {
		return fmt.Errorf("store: heartbeat: %w", err)
	}
	return nil
}

// Retire ends instance's heartbeat at a clean stop, so that what it still
// held is taken over at once. It returns an error when Redis fails.
func (s *Store) Retire(ctx context.Context, instance string) error {
	if err := s.rdb.Del(ctx, s.keys.alive(instance)).Err(); err != nil {
		return fmt.Errorf("store: retire: %w", err)
	}
	return nil
}

// NoticeOnce reports whether userID may be sent a notice now, and if so
// holds back the next one for quiet (SET NX with a TTL): true the first time
// in each quiet period. It returns an error when Redis fails.
func (s *Store) NoticeOnce(ctx context.Context, userID int64, quiet time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.keys.noticed(userID), 1, quiet).Result()
	if err != nil {
		return false, fmt.Errorf("store: notice %d: %w", userID, err)
	}
	return ok, nil
}
