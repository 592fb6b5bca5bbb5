package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
)

// Invite is a one-time registration made by an admin with /moi: whoever
// opens the deep link first becomes a user with Role and Unit.
type Invite struct {
	Code    string
	Role    access.Role
	Unit    string
	By      int64
	Created time.Time
	Expires time.Time
}

type inviteRecord struct {
	Role    string    `json:"role"`
	Unit    string    `json:"unit,omitempty"`
	By      int64     `json:"by"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// PutInvite stores a new invite for ttl under a fresh random code, which it
// returns (12 URL-safe characters: a deep link's start parameter allows
// 64 of [A-Za-z0-9_-]). Done once per update (WithUpdate): the same update
// run again gets the code of the invite it made, and no second invite. It
// returns an error when ttl is not positive or Redis fails.
func (s *Store) PutInvite(ctx context.Context, inv Invite, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("store: save invite: ttl %v must be positive", ttl)
	}
	rec := inviteRecord{Role: string(inv.Role), Unit: inv.Unit, By: inv.By, Created: inv.Created, Expires: inv.Created.Add(ttl)}
	val, err := jsonString(rec)
	if err != nil {
		return "", fmt.Errorf("store: save invite: %w", err)
	}
	return s.putNew(ctx, "invite", s.keys.invite, val, ttl)
}

// TakeInvite returns the invite with code and deletes it in the same step,
// so it registers one person only; the same update taking it again (a copy
// that took the update over, before or after the registration) gets it
// again. ErrExpired when it is gone: used, or past its time.
func (s *Store) TakeInvite(ctx context.Context, code string) (Invite, error) {
	raw, err := s.take(ctx, s.keys.invite(code), "invite")
	if errors.Is(err, redis.Nil) {
		return Invite{}, ErrExpired
	} else if err != nil {
		return Invite{}, fmt.Errorf("store: take invite: %w", err)
	}
	var rec inviteRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return Invite{}, fmt.Errorf("store: take invite: %w", err)
	}
	return Invite{Code: code, Role: access.Role(rec.Role), Unit: rec.Unit, By: rec.By, Created: rec.Created, Expires: rec.Expires}, nil
}
