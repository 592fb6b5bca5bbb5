// Package access holds the roles of Tiến Độ and the one policy that says what
// each may do. It is pure: callers pass the user and the plan's unit ids.
package access

import (
	"time"

	"tiendo/bot/kpi"
)

// Role is what a user may do. The zero Role is a stranger.
type Role string

// The roles, strongest first.
const (
	Admin    Role = "admin"    // quản trị
	Editor   Role = "editor"   // chuyên viên: any unit, approves
	Reporter Role = "reporter" // báo cáo: own unit only
	Viewer   Role = "viewer"   // xem
	None     Role = ""
)

// rank orders roles for "at least" checks.
func (r Role) rank() int {
	switch r {
	case Admin:
		return 4
	case Editor:
		return 3
	case Reporter:
		return 2
	case Viewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r is min or stronger.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// roleWords are the words people write for each role, folded (kpi.Fold).
var roleWords = map[string]Role{
	"admin": Admin, "quan tri": Admin, "quantri": Admin, "qt": Admin, "administrator": Admin,
	"editor": Editor, "chuyen vien": Editor, "chuyenvien": Editor, "cv": Editor,
	"reporter": Reporter, "bao cao": Reporter, "baocao": Reporter, "bc": Reporter,
	"viewer": Viewer, "xem": Viewer, "nguoi xem": Viewer, "view": Viewer,
}

// ParseRole reads a role word in Vietnamese (with or without marks) or
// English: "quản trị", "chuyen vien", "baocao", "viewer". ok is false for
// anything else.
func ParseRole(word string) (Role, bool) {
	r, ok := roleWords[kpi.Fold(word)]
	return r, ok
}

// User is someone the bot knows.
type User struct {
	ID      int64
	Name    string
	Role    Role
	Unit    string // unit id; reporters must have one
	Lang    string // "vi" or "en"; empty means from Telegram, else Vietnamese
	AddedBy int64
	AddedAt time.Time
	// Blocked is set when Telegram answered 403 (the user blocked the bot).
	Blocked bool
}

// Policy answers "may this user do that". Public opens queries to strangers.
type Policy struct {
	Public bool
}

// CanView reports whether u may see figures.
func (p Policy) CanView(u User) bool { return p.Public || u.Role.AtLeast(Viewer) }

// CanReport reports whether u may submit figures for unit.
func (p Policy) CanReport(u User, unit string) bool {
	switch {
	case u.Role.AtLeast(Editor):
		return true
	case u.Role == Reporter:
		return u.Unit != "" && u.Unit == unit
	}
	return false
}

// CanApprove reports whether u may approve or return others' figures.
func (p Policy) CanApprove(u User) bool { return u.Role.AtLeast(Editor) }

// CanManageUsers reports whether u may list, add, change and remove users and invite.
func (p Policy) CanManageUsers(u User) bool { return u.Role == Admin }

// CanManageDeadlines reports whether u may add and remove one-off deadlines.
func (p Policy) CanManageDeadlines(u User) bool { return u.Role.AtLeast(Editor) }
