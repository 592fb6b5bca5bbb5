package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"tiendo/bot/store"
)

// ZaloLinkTTL is how long a /lienket code works.
const ZaloLinkTTL = 24 * time.Hour

// linkZalo links a Zalo account to an existing user, so that a person keeps
// their unit and role on both channels: an admin writes "/lienket <user id>"
// and gets a one-time code; the person sends "/lienket <code>" to the bot
// on Zalo. Zalo's accounts have ids from store.OtherChannels on.
func (s *session) linkZalo(ctx context.Context, args string) error {
	arg := strings.TrimSpace(args)
	if s.UserID >= store.OtherChannels { // a Zalo account not linked yet
		if arg == "" {
			return s.reply(ctx, s.t("ZaloLinkHowTo"))
		}
		uid, err := s.linkStore().TakeZaloLink(ctx, arg, s.UserID)
		if errors.Is(err, store.ErrExpired) {
			return s.reply(ctx, s.t("ZaloLinkGone"))
		} else if err != nil {
			return err
		}
		u, err := s.linkStore().User(ctx, uid)
		if err != nil {
			return err
		}
		return s.reply(ctx, s.t("ZaloLinked", "Name", nameOr(u.Name, uid), "Role", s.t("Role_"+string(u.Role))))
	}
	if !s.Policy.CanManageUsers(s.user) {
		if !s.known {
			return s.stranger(ctx)
		}
		return s.reply(ctx, s.t("ErrNotAllowed"))
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 || id >= store.OtherChannels {
		return s.reply(ctx, s.t("ZaloLinkUsage"))
	}
	u, err := s.linkStore().User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.reply(ctx, s.t("ZaloLinkNoUser", "ID", id))
	} else if err != nil {
		return err
	}
	code, err := s.linkStore().PutZaloLink(ctx, id, ZaloLinkTTL)
	if err != nil {
		return err
	}
	return s.reply(ctx, s.t("ZaloLinkMade", "Name", nameOr(u.Name, id), "Role", s.t("Role_"+string(u.Role)), "Code", code,
		"Until", s.now().Add(ZaloLinkTTL).Format(s.t("LayoutDateTime"))))
}

// nameOr is name, or the id of a user who never wrote.
func nameOr(name string, id int64) string {
	if name != "" {
		return name
	}
	return strconv.FormatInt(id, 10)
}
