package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// InviteTTL is how long an invite link works.
const InviteTTL = 7 * 24 * time.Hour

// invite makes a one-time deep link: "/moi baocao Bến Lức".
func (s *session) invite(ctx context.Context, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		return kpi.Fail("ErrInviteUsage")
	}
	var role access.Role
	n := 0
	for _, k := range []int{2, 1} {
		if len(fields) >= k {
			if r, ok := access.ParseRole(strings.Join(fields[:k], " ")); ok {
				role, n = r, k
				break
			}
		}
	}
	if n == 0 {
		return kpi.Fail("ErrBadRole", "text", fields[0])
	}
	var unit *kpi.Unit
	if rest := strings.Join(fields[n:], " "); rest != "" {
		u, _, _, ok := s.Plan.MatchUnit(rest)
		if !ok {
			return kpi.Fail("ErrUnknownUnit", "text", rest)
		}
		unit = u
	}
	if role == access.Reporter && unit == nil {
		return kpi.Fail("ErrInviteNeedsUnit")
	}
	inv := store.Invite{Role: role, By: s.UserID, Created: s.now()}
	unitName := ""
	if unit != nil {
		inv.Unit, unitName = unit.ID, unit.Short
	}
	code, err := s.inviteStore().PutInvite(ctx, inv, InviteTTL)
	if err != nil {
		return err
	}
	link := "https://t.me/" + s.BotUsername + "?start=" + code
	if s.BotUsername == "" { // a Zalo-only bot: no deep links there
		link = "/start " + code
	}
	return s.reply(ctx, s.t("InviteMade", "Role", s.t("Role_"+string(role)), "Unit", unitName,
		"Link", link, "Until", inv.Created.Add(InviteTTL).In(s.Loc).Format(s.t("LayoutDateTime"))))
}

// redeem registers the user with an invite code from a deep link.
func (s *session) redeem(ctx context.Context, code string) error {
	if s.known {
		return s.reply(ctx, s.t("InviteAlreadyUser", "Role", s.t("Role_"+string(s.user.Role))))
	}
	inv, err := s.inviteStore().TakeInvite(ctx, code)
	if errors.Is(err, store.ErrExpired) {
		return s.reply(ctx, s.t("InviteGone", "ID", s.UserID))
	} else if err != nil {
		return err
	}
	u := access.User{ID: s.UserID, Name: s.UserName, Role: inv.Role, Unit: inv.Unit, Lang: s.lang, AddedBy: inv.By, AddedAt: s.now()}
	created, err := s.inviteStore().CreateUser(ctx, u)
	if err != nil {
		return err
	}
	if !created {
		// An admin added them meanwhile: that record stands.
		if cur, err := s.inviteStore().User(ctx, s.UserID); err == nil {
			return s.reply(ctx, s.t("InviteAlreadyUser", "Role", s.t("Role_"+string(cur.Role))))
		}
	}
	s.user = u
	s.known = true
	return s.reply(ctx, s.t("InviteWelcome", "Name", s.UserName, "Role", s.t("Role_"+string(inv.Role)), "Unit", s.unitShort(inv.Unit))+"\n\n"+s.helpText())
}
