package handlers

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// Sub-command words of /nguoidung, folded.
var (
	userAddWords    = []string{"them", "add"}
	userChangeWords = []string{"sua", "doi", "change", "set"}
	userRemoveWords = []string{"xoa", "remove", "delete"}
)

// users lists, adds, changes and removes users (admins only).
//
//	/nguoidung
//	/nguoidung them 123456789 baocao Bến Lức
//	/nguoidung sua 123456789 chuyenvien
//	/nguoidung xoa 123456789
func (s *session) users(ctx context.Context, args string) error {
	verb, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	v := kpi.Fold(verb)
	switch {
	case v == "":
		return s.listUsers(ctx)
	case in(v, userAddWords):
		return s.putUser(ctx, rest, false)
	case in(v, userChangeWords):
		return s.putUser(ctx, rest, true)
	case in(v, userRemoveWords):
		return s.removeUser(ctx, rest)
	}
	return s.reply(ctx, s.t("UsersUsage"))
}

func in(w string, words []string) bool {
	for _, x := range words {
		if w == x {
			return true
		}
	}
	return false
}

func (s *session) listUsers(ctx context.Context) error {
	us, err := s.userStore().Users(ctx)
	if err != nil {
		return err
	}
	lines := []string{s.n("UsersHeader", len(us))}
	for _, u := range us {
		unit := ""
		if x := s.Plan.Unit(u.Unit); x != nil {
			unit = x.Short
		}
		lines = append(lines, s.t("UsersLine", "ID", u.ID, "Role", s.t("Role_"+string(u.Role)), "Unit", unit, "Name", u.Name))
	}
	lines = append(lines, "", s.t("UsersUsage"))
	return s.reply(ctx, strings.Join(lines, "\n"))
}

// parseUserArgs reads "<id> <role words> [unit]".
func (s *session) parseUserArgs(args string) (id int64, role access.Role, unit *kpi.Unit, err error) {
	fields := strings.Fields(args)
	if len(fields) < 2 {
		return 0, "", nil, kpi.Fail("ErrUsersUsage")
	}
	id, perr := strconv.ParseInt(fields[0], 10, 64)
	if perr != nil || id <= 0 {
		return 0, "", nil, kpi.Fail("ErrBadUserID", "text", fields[0])
	}
	rest := fields[1:]
	n := 0
	for _, k := range []int{2, 1} { // "chuyên viên", "báo cáo", "quản trị" are two words
		if len(rest) >= k {
			if r, ok := access.ParseRole(strings.Join(rest[:k], " ")); ok {
				role, n = r, k
				break
			}
		}
	}
	if n == 0 {
		return 0, "", nil, kpi.Fail("ErrBadRole", "text", rest[0])
	}
	if unitText := strings.Join(rest[n:], " "); unitText != "" {
		u, _, _, ok := s.Plan.MatchUnit(unitText)
		if !ok {
			return 0, "", nil, kpi.Fail("ErrUnknownUnit", "text", unitText)
		}
		unit = u
	}
	if role == access.Reporter && unit == nil {
		return 0, "", nil, kpi.Fail("ErrReporterNeedsUnit", "id", fields[0])
	}
	return id, role, unit, nil
}

func (s *session) putUser(ctx context.Context, args string, change bool) error {
	id, role, unit, err := s.parseUserArgs(args)
	if err != nil {
		return err
	}
	if role != access.Admin && slices.Contains(s.Admins, id) {
		return s.configuredAdmin(id)
	}
	unitID, unitName := "", ""
	if unit != nil {
		unitID, unitName = unit.ID, unit.Short
	}
	// One atomic step in the store: the role and unit change, the rest of
	// the record stays as it is now, and the last admin is kept.
	existed, err := s.userStore().SetRole(ctx, id, role, unitID, change, s.UserID, s.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return kpi.Fail("ErrUserNotFound", "id", itoa(id))
	case errors.Is(err, store.ErrLastAdmin):
		return kpi.Fail("ErrLastAdmin")
	case err != nil:
		return err
	}
	msg := "UserAdded"
	if existed {
		msg = "UserChanged"
	}
	return s.reply(ctx, s.t(msg, "ID", id, "Role", s.t("Role_"+string(role)), "Unit", unitName))
}

// configuredAdmin refuses to demote or remove an admin the configuration
// made, naming where it comes from: TIENDO_ADMINS, or the terminal chat.
func (s *session) configuredAdmin(id int64) error {
	if id == s.LocalAdmin {
		return kpi.Fail("ErrLocalAdmin", "id", itoa(id))
	}
	return kpi.Fail("ErrConfiguredAdmin", "id", itoa(id))
}

func (s *session) removeUser(ctx context.Context, args string) error {
	f := strings.Fields(args)
	if len(f) != 1 {
		return kpi.Fail("ErrUsersUsage")
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return kpi.Fail("ErrBadUserID", "text", f[0])
	}
	if slices.Contains(s.Admins, id) {
		return s.configuredAdmin(id)
	}
	switch err := s.userStore().DeleteUser(ctx, id); {
	case errors.Is(err, store.ErrNotFound):
		return kpi.Fail("ErrUserNotFound", "id", f[0])
	case errors.Is(err, store.ErrLastAdmin):
		return kpi.Fail("ErrLastAdmin")
	case err != nil:
		return err
	}
	return s.reply(ctx, s.t("UserRemoved", "ID", id))
}
