package handlers

import (
	"context"
	"errors"
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
	us, err := s.Store.Users(ctx)
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
	u, err := s.Store.User(ctx, id)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return err
	case change && !exists:
		return kpi.Fail("ErrUserNotFound", "id", strconv.FormatInt(id, 10))
	case !exists:
		u = access.User{ID: id, AddedBy: s.UserID, AddedAt: s.now()}
	}
	if exists && u.Role == access.Admin && role != access.Admin {
		if err := s.keepOneAdmin(ctx, id); err != nil {
			return err
		}
	}
	u.Role = role
	u.Unit = ""
	if unit != nil {
		u.Unit = unit.ID
	}
	if err := s.Store.PutUser(ctx, u); err != nil {
		return err
	}
	unitName := ""
	if unit != nil {
		unitName = unit.Short
	}
	id18 := "UserAdded"
	if exists {
		id18 = "UserChanged"
	}
	return s.reply(ctx, s.t(id18, "ID", id, "Role", s.t("Role_"+string(role)), "Unit", unitName))
}

// keepOneAdmin refuses a change that would leave the bot without an admin.
func (s *session) keepOneAdmin(ctx context.Context, leaving int64) error {
	us, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.Role == access.Admin && u.ID != leaving {
			return nil
		}
	}
	return kpi.Fail("ErrLastAdmin")
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
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return kpi.Fail("ErrUserNotFound", "id", f[0])
	} else if err != nil {
		return err
	}
	if u.Role == access.Admin {
		if err := s.keepOneAdmin(ctx, id); err != nil {
			return err
		}
	}
	if err := s.Store.DeleteUser(ctx, id); err != nil {
		return err
	}
	return s.reply(ctx, s.t("UserRemoved", "ID", id))
}
