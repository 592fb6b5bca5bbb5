package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
)

// Users are one JSON record each in the users hash. Nothing ever writes back
// a record it read some time ago: a change of one field (the name a user
// shows, the blocked flag) is a compare-and-set of the record it was made on
// (usercas.lua), and an admin's change of a role, or a removal, is a script
// that also reads every record (setrole.lua), because "is someone else still
// an admin" is a question about all of them. So a user's own message can never
// undo an admin's change, and two admins demoting each other at once cannot
// leave the bot without one.

var (
	//go:embed usercas.lua
	userCASLua    string
	userCASScript = redis.NewScript(userCASLua)

	//go:embed setrole.lua
	setRoleLua    string
	setRoleScript = redis.NewScript(setRoleLua)

	//go:embed setlang.lua
	setLangLua    string
	setLangScript = redis.NewScript(setLangLua)
)

// ErrLastAdmin is returned by SetRole and DeleteUser, having changed
// nothing, when the change would leave no admin.
var ErrLastAdmin = errors.New("store: the last admin")

// StrangerLangTTL is how long the language chosen by someone the bot does not
// know is kept. Registered users' choices live as long as they do; a stranger
// who comes back after a month is asked by Telegram's language_code again.
const StrangerLangTTL = 30 * 24 * time.Hour

// userRetries bounds the compare-and-set and WATCH loops on users. They repeat
// only when the same record (or, for role changes, any record) changed between
// the read and the write; tens of users make that rare.
const userRetries = 50

// yieldTo waits a little before attempt (from 1) of a compare-and-set that
// lost to another writer of the same record: up to attempt milliseconds,
// at most 8, at random, so that writers hammering one record take turns
// instead of one losing every round. It returns ctx's error if ctx ends.
func yieldTo(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(rand.Int64N(int64(min(attempt, 8)) * int64(time.Millisecond))))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// User returns the user with Telegram id id, with Lang from SetLang. It
// returns ErrNotFound when the bot does not know them.
func (s *Store) User(ctx context.Context, id int64) (access.User, error) {
	field := strconv.FormatInt(id, 10)
	var userCmd, langCmd *redis.StringCmd
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		userCmd = p.HGet(ctx, s.keys.users(), field)
		langCmd = p.HGet(ctx, s.keys.lang(), field)
		return nil
	})
	// Each command carries its own error (a network failure reaches all of
	// them); the pipeline's error is only the first of those.
	if err := userCmd.Err(); errors.Is(err, redis.Nil) {
		return access.User{}, ErrNotFound
	} else if err != nil {
		return access.User{}, fmt.Errorf("store: read user %d: %w", id, err)
	}
	if err := langCmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
		return access.User{}, fmt.Errorf("store: read user %d: language: %w", id, err)
	}
	u, err := decodeUser(userCmd.Val(), langCmd.Val())
	if err != nil {
		return access.User{}, fmt.Errorf("store: read user %d: %w", id, err)
	}
	return u, nil
}

// actor reads the record of the user who is about to write, for a rights
// check made inside the write: raw is what the write's script must still
// find in the users hash ("" for no record), u the user it decodes to (a
// stranger, Role None, when there is none). It returns an error when Redis
// fails or the record cannot be read.
func (s *Store) actor(ctx context.Context, id int64) (raw string, u access.User, err error) {
	raw, err = s.rdb.HGet(ctx, s.keys.users(), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return "", access.User{ID: id}, nil
	}
	if err != nil {
		return "", access.User{}, fmt.Errorf("store: read user %d: %w", id, err)
	}
	if u, err = decodeUser(raw, ""); err != nil {
		return "", access.User{}, fmt.Errorf("store: read user %d: %w", id, err)
	}
	return raw, u, nil
}

// PutUser creates or replaces u as a whole, for setting up a store (tests,
// tools); the bot's own writes use CreateUser, EditUser, SetRole and
// DeleteUser, which never overwrite a change made meanwhile. A non-empty
// u.Lang is also saved as the user's language. It returns an error only when
// Redis fails.
func (s *Store) PutUser(ctx context.Context, u access.User) error {
	rec, err := jsonString(toUserRecord(u))
	if err != nil {
		return fmt.Errorf("store: save user %d: %w", u.ID, err)
	}
	field := strconv.FormatInt(u.ID, 10)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.keys.users(), field, rec)
		p.Incr(ctx, s.keys.version())
		if u.Lang != "" {
			p.HSet(ctx, s.keys.lang(), field, u.Lang)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save user %d: %w", u.ID, err)
	}
	return nil
}

// CreateUser adds u if the bot does not know u.ID yet (HSETNX): an invite
// redeemed, a configured admin whose record was lost. A non-empty u.Lang is
// saved as the user's language. created is false, and nothing is written,
// when the user exists already. It returns an error only when Redis fails.
func (s *Store) CreateUser(ctx context.Context, u access.User) (created bool, err error) {
	rec, err := jsonString(toUserRecord(u))
	if err != nil {
		return false, fmt.Errorf("store: create user %d: %w", u.ID, err)
	}
	field := strconv.FormatInt(u.ID, 10)
	res, err := userCASScript.Run(ctx, s.rdb, []string{s.keys.users(), s.keys.lang(), s.keys.strangerLang(u.ID), s.keys.version()},
		field, "", rec, u.Lang).Int()
	if err != nil {
		return false, fmt.Errorf("store: create user %d: %w", u.ID, err)
	}
	return res == 1, nil
}

// EditUser changes the user id with edit, which gets the record as it is now
// and reports whether it changed anything; the change is written only if the
// record is still the one edit saw (a compare-and-set), else edit runs again
// on the new record. Use it for fields the user's own actions set (Name,
// Blocked), never for the role: SetRole checks the last admin. It returns
// the user as written (or as found, when edit changed nothing), ErrNotFound
// when there is no such user (removed meanwhile: nothing is recreated), and
// an error when Redis fails.
func (s *Store) EditUser(ctx context.Context, id int64, edit func(u *access.User) bool) (access.User, error) {
	field := strconv.FormatInt(id, 10)
	keys := []string{s.keys.users(), s.keys.lang(), s.keys.strangerLang(id), s.keys.version()}
	for attempt := range userRetries {
		if err := yieldTo(ctx, attempt); err != nil {
			return access.User{}, err
		}
		raw, u, err := s.actor(ctx, id)
		if err != nil {
			return access.User{}, err
		}
		if raw == "" {
			return access.User{}, ErrNotFound
		}
		if !edit(&u) {
			return u, nil
		}
		u.ID = id
		rec, err := jsonString(toUserRecord(u))
		if err != nil {
			return access.User{}, fmt.Errorf("store: edit user %d: %w", id, err)
		}
		res, err := userCASScript.Run(ctx, s.rdb, keys, field, raw, rec, "").Int()
		if err != nil {
			return access.User{}, fmt.Errorf("store: edit user %d: %w", id, err)
		}
		if res == 1 {
			return u, nil
		}
	}
	return access.User{}, fmt.Errorf("store: edit user %d: it kept changing: %w", id, ErrConflict)
}

// SetRole gives the user id role and unit ("" for none), as an admin's
// /nguoidung them or sua does. A user the bot does not know is created, added
// by by at at, unless mustExist (then ErrNotFound); a known one keeps the
// rest of their record as it is now. Demoting the last admin is refused with
// ErrLastAdmin; the check and the change are one script (setrole.lua), so two
// admins demoting each other at once leave one. It returns whether the user
// existed, and an error when Redis fails.
func (s *Store) SetRole(ctx context.Context, id int64, role access.Role, unit string, mustExist bool, by int64, at time.Time) (existed bool, err error) {
	for attempt := range userRetries {
		if err := yieldTo(ctx, attempt); err != nil {
			return false, err
		}
		raw, u, err := s.actor(ctx, id)
		if err != nil {
			return false, err
		}
		switch {
		case raw == "" && mustExist:
			return false, ErrNotFound
		case raw == "":
			u = access.User{ID: id, AddedBy: by, AddedAt: at}
		}
		takesAdmin := u.Role == access.Admin && role != access.Admin
		u.Role, u.Unit = role, unit
		rec, err := jsonString(toUserRecord(u))
		if err != nil {
			return false, fmt.Errorf("store: set role of %d: %w", id, err)
		}
		switch res, err := s.setRole(ctx, id, raw, rec, takesAdmin); {
		case err != nil:
			return false, fmt.Errorf("store: set role of %d: %w", id, err)
		case res == "last":
			return raw != "", ErrLastAdmin
		case res == "ok":
			return raw != "", nil
		case strings.HasPrefix(res, "again:"):
			return res == "again:1", nil
		}
	}
	return false, fmt.Errorf("store: set role of %d: it kept changing: %w", id, ErrConflict)
}

// DeleteUser removes the user with id id and their language choice. Removing
// the last admin is refused with ErrLastAdmin, checked in the same script as
// the removal. It returns ErrNotFound when there was no such user, and an
// error when Redis fails.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	for attempt := range userRetries {
		if err := yieldTo(ctx, attempt); err != nil {
			return err
		}
		raw, u, err := s.actor(ctx, id)
		if err != nil {
			return err
		}
		if raw == "" {
			if ok, err := s.effectDone(ctx, "user:"+strconv.FormatInt(id, 10)); err != nil || ok {
				return err // removed by this update's first run: done
			}
			return ErrNotFound
		}
		switch res, err := s.setRole(ctx, id, raw, "", u.Role == access.Admin); {
		case err != nil:
			return fmt.Errorf("store: delete user %d: %w", id, err)
		case res == "last":
			return ErrLastAdmin
		case res == "ok", strings.HasPrefix(res, "again:"):
			return nil
		}
	}
	return fmt.Errorf("store: delete user %d: it kept changing: %w", id, ErrConflict)
}

// setRole runs setrole.lua: rec replaces raw (rec "" removes the user),
// unless raw changed meanwhile ("changed") or takesAdmin and nobody else is
// an admin ("last").
func (s *Store) setRole(ctx context.Context, id int64, raw, rec string, takesAdmin bool) (string, error) {
	flag := ""
	if takesAdmin {
		flag = "1"
	}
	keys := []string{s.keys.users(), s.keys.lang(), s.keys.strangerLang(id), s.keys.version()}
	if eff := s.effectKey(ctx, "user:"+strconv.FormatInt(id, 10)); eff != "" {
		keys = append(keys, eff)
	}
	return setRoleScript.Run(ctx, s.rdb, keys, strconv.FormatInt(id, 10), raw, rec, flag, effectTTL).Text()
}

// watchUsers runs decide on the whole users hash under WATCH, then the
// writes it returns in MULTI/EXEC, again from the start when the hash changed
// meanwhile. An error from decide is returned as is, having written nothing.
func (s *Store) watchUsers(ctx context.Context, decide func(all map[string]string) (func(redis.Pipeliner), error)) error {
	key := s.keys.users()
	txf := func(tx *redis.Tx) error {
		all, err := tx.HGetAll(ctx, key).Result()
		if err != nil {
			return err
		}
		write, err := decide(all)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			write(p)
			return nil
		})
		return err
	}
	for range userRetries {
		if err := s.rdb.Watch(ctx, txf, key); !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return fmt.Errorf("users kept changing: %w", ErrConflict)
}

// roleOrder sorts the strongest role first; unknown roles go last.
func roleOrder(r access.Role) int {
	switch r {
	case access.Admin:
		return 0
	case access.Editor:
		return 1
	case access.Reporter:
		return 2
	case access.Viewer:
		return 3
	}
	return 4
}

// Users returns every known user, strongest role first, then by id. It
// returns an error when Redis fails or a record cannot be read.
func (s *Store) Users(ctx context.Context) ([]access.User, error) {
	var usersCmd, langCmd *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		usersCmd = p.HGetAll(ctx, s.keys.users())
		langCmd = p.HGetAll(ctx, s.keys.lang())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	langs := langCmd.Val()
	out := make([]access.User, 0, len(usersCmd.Val()))
	for field, raw := range usersCmd.Val() {
		u, err := decodeUser(raw, langs[field])
		if err != nil {
			return nil, fmt.Errorf("store: list users: user %s: %w", field, err)
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := roleOrder(out[i].Role), roleOrder(out[j].Role); a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// EnsureAdmins makes every id in ids an admin (TIENDO_ADMINS): an unknown id
// is created as admin, added at now; a known one is promoted and keeps its
// name and unit. It never demotes anyone. It is safe when several copies of
// the bot start at once (optimistic transaction on the users hash). It
// returns an error when Redis fails or keeps changing under it.
func (s *Store) EnsureAdmins(ctx context.Context, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.watchUsers(ctx, func(all map[string]string) (func(redis.Pipeliner), error) {
		set := map[string]any{}
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			field := strconv.FormatInt(id, 10)
			var u access.User
			if raw, ok := all[field]; !ok {
				u = access.User{ID: id, Role: access.Admin, AddedAt: now}
			} else {
				var err error
				if u, err = decodeUser(raw, ""); err != nil {
					return nil, err
				}
				if u.Role == access.Admin {
					continue
				}
				u.Role = access.Admin
			}
			rec, err := jsonString(toUserRecord(u))
			if err != nil {
				return nil, err
			}
			set[field] = rec
		}
		return func(p redis.Pipeliner) {
			if len(set) > 0 {
				p.HSet(ctx, s.keys.users(), set)
				p.Incr(ctx, s.keys.version())
			}
		}, nil
	})
	if err != nil {
		return fmt.Errorf("store: ensure admins %v: %w", ids, err)
	}
	return nil
}

// SetLang saves the language of userID ("" clears it): in the language hash
// for a registered user, for StrangerLangTTL under a key of its own for
// someone the bot does not know, so strangers leave nothing behind for good.
// Done once per update (WithUpdate): the same update run again writes
// nothing, so a later choice stays. It returns an error only when Redis fails.
func (s *Store) SetLang(ctx context.Context, userID int64, lang string) error {
	keys := []string{s.keys.users(), s.keys.lang(), s.keys.strangerLang(userID)}
	if eff := s.effectKey(ctx, "lang"); eff != "" {
		keys = append(keys, eff)
	}
	err := setLangScript.Run(ctx, s.rdb, keys,
		strconv.FormatInt(userID, 10), lang, StrangerLangTTL.Milliseconds(), effectTTL).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("store: set language of %d: %w", userID, err)
	}
	return nil
}

// Lang returns the language userID chose, registered or not, or "" when they
// never chose one (or, a stranger, chose it more than StrangerLangTTL ago).
// It returns an error only when Redis fails.
func (s *Store) Lang(ctx context.Context, userID int64) (string, error) {
	var hashCmd, ownCmd *redis.StringCmd
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		hashCmd = p.HGet(ctx, s.keys.lang(), strconv.FormatInt(userID, 10))
		ownCmd = p.Get(ctx, s.keys.strangerLang(userID))
		return nil
	})
	for _, c := range []*redis.StringCmd{hashCmd, ownCmd} {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return "", fmt.Errorf("store: read language of %d: %w", userID, err)
		}
		if c.Val() != "" {
			return c.Val(), nil
		}
	}
	return "", nil
}
