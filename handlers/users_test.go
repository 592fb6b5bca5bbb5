package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/store"
)

type roleSet struct {
	id     int64
	role   access.Role
	unit   string
	change bool
	by     int64
}

// fakeUsers keeps users as the store's steps do: a change needs the user,
// and the last admin stays.
type fakeUsers struct {
	users   map[int64]access.User
	set     []roleSet
	deleted []int64
}

func (f *fakeUsers) Users(context.Context) ([]access.User, error) {
	var out []access.User
	for _, u := range f.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b access.User) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeUsers) lastAdmin(id int64) bool {
	n := 0
	for _, u := range f.users {
		if u.Role == access.Admin {
			n++
		}
	}
	return f.users[id].Role == access.Admin && n == 1
}

func (f *fakeUsers) SetRole(_ context.Context, id int64, role access.Role, unit string, mustExist bool, by int64, _ time.Time) (bool, error) {
	_, existed := f.users[id]
	switch {
	case mustExist && !existed:
		return false, store.ErrNotFound
	case role != access.Admin && f.lastAdmin(id):
		return false, store.ErrLastAdmin
	}
	f.set = append(f.set, roleSet{id, role, unit, mustExist, by})
	f.users[id] = access.User{ID: id, Role: role, Unit: unit}
	return existed, nil
}

func (f *fakeUsers) DeleteUser(_ context.Context, id int64) error {
	switch _, ok := f.users[id]; {
	case !ok:
		return store.ErrNotFound
	case f.lastAdmin(id):
		return store.ErrLastAdmin
	}
	f.deleted = append(f.deleted, id)
	delete(f.users, id)
	return nil
}

// /nguoidung adds, changes and removes users, one step each, and refuses
// before any write what would lock the bot out or undo its configuration:
// a configured admin, the last admin, a reporter without a unit, anyone
// but an admin.
func TestUsersChangedOnceOrRefused(t *testing.T) {
	admin := access.User{ID: 1, Role: access.Admin}
	editor := access.User{ID: 2, Role: access.Editor}
	for _, tc := range []struct {
		name    string
		who     access.User
		text    string
		set     []roleSet
		deleted []int64
		want    string
	}{
		{name: "add", who: admin, text: "/nguoidung them 123456789 baocao Bến Lức",
			set: []roleSet{{123456789, access.Reporter, "ben-luc", false, 1}}, want: "Đã thêm <code>123456789</code>: báo cáo, Bến Lức."},
		{name: "change", who: admin, text: "/nguoidung sua 20 chuyenvien",
			set: []roleSet{{20, access.Editor, "", true, 1}}, want: "Đã đổi <code>20</code> thành chuyên viên."},
		{name: "change an unknown user", who: admin, text: "/nguoidung sua 99 xem", want: "Không có người dùng <code>99</code>"},
		{name: "reporter without unit", who: admin, text: "/nguoidung them 123456789 baocao", want: "Người báo cáo cần một đơn vị"},
		{name: "configured admin", who: admin, text: "/nguoidung sua 5 xem", want: "quản trị viên do cấu hình"},
		{name: "last admin", who: admin, text: "/nguoidung sua 1 xem", want: "Không thể bỏ quản trị viên cuối cùng"},
		{name: "remove", who: admin, text: "/nguoidung xoa 20", deleted: []int64{20}, want: "Đã xóa người dùng <code>20</code>."},
		{name: "remove the last admin", who: admin, text: "/nguoidung xoa 1", want: "Không thể bỏ quản trị viên cuối cùng"},
		{name: "an editor", who: editor, text: "/nguoidung them 123456789 xem", want: "Bạn không có quyền dùng lệnh này"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fu := &fakeUsers{users: map[int64]access.User{1: admin, 2: editor, 20: {ID: 20, Role: access.Viewer}}}
			a := testApp(t, needs{users: fu})
			a.Admins = []int64{5}
			out := &kbSender{}
			handle(t, a, out, tc.who, tc.text, "")
			if !slices.Equal(fu.set, tc.set) || !slices.Equal(fu.deleted, tc.deleted) {
				t.Errorf("set %+v, deleted %v; want %+v, %v", fu.set, fu.deleted, tc.set, tc.deleted)
			}
			if m := out.last(t).html; !strings.Contains(m, tc.want) {
				t.Errorf("reply:\n%s\nwant %q", m, tc.want)
			}
		})
	}
}

// fakeInvites keeps invites, each taken once, and the users they make.
type fakeInvites struct {
	invites map[string]store.Invite
	made    []store.Invite
	users   map[int64]access.User
	created []access.User
}

func (f *fakeInvites) PutInvite(_ context.Context, inv store.Invite, _ time.Duration) (string, error) {
	f.made = append(f.made, inv)
	code := "INV" + itoa(int64(len(f.made)))
	f.invites[code] = inv
	return code, nil
}

func (f *fakeInvites) TakeInvite(_ context.Context, code string) (store.Invite, error) {
	inv, ok := f.invites[code]
	if !ok {
		return inv, store.ErrExpired
	}
	delete(f.invites, code)
	return inv, nil
}

func (f *fakeInvites) CreateUser(_ context.Context, u access.User) (bool, error) {
	if _, ok := f.users[u.ID]; ok {
		return false, nil
	}
	f.users[u.ID] = u
	f.created = append(f.created, u)
	return true, nil
}

func (f *fakeInvites) User(_ context.Context, id int64) (access.User, error) {
	u, ok := f.users[id]
	if !ok {
		return u, store.ErrNotFound
	}
	return u, nil
}

// An admin's /moi makes a one-time link; the first stranger to open it is
// registered with its role and unit, once: a second opening is told it is
// used, and someone an admin added meanwhile keeps the record they have.
func TestInviteRegistersItsFirstUserOnce(t *testing.T) {
	admin := access.User{ID: 1, Role: access.Admin}
	fi := &fakeInvites{invites: map[string]store.Invite{}, users: map[int64]access.User{1: admin, 32: {ID: 32, Role: access.Editor}}}
	a := testApp(t, needs{invites: fi})
	a.BotUsername = "tiendo_bot"
	say := func(u access.User, text string) string {
		t.Helper()
		out := &kbSender{}
		handle(t, a, out, u, text, "")
		return out.last(t).html
	}
	if m := say(access.User{ID: 2, Role: access.Editor}, "/moi xem"); len(fi.made) != 0 || !strings.Contains(m, "không có quyền") {
		t.Fatalf("an editor's /moi: made %+v; reply\n%s", fi.made, m)
	}
	m := say(admin, "/moi baocao Bến Lức")
	if len(fi.made) != 1 || fi.made[0].Role != access.Reporter || fi.made[0].Unit != "ben-luc" || fi.made[0].By != 1 ||
		!strings.Contains(m, "https://t.me/tiendo_bot?start=INV1") || !strings.Contains(m, "(báo cáo, Bến Lức)") {
		t.Fatalf("made %+v; reply\n%s", fi.made, m)
	}
	m = say(access.User{ID: 30, Name: "Minh"}, "/start INV1")
	if len(fi.created) != 1 || fi.created[0].ID != 30 || fi.created[0].Role != access.Reporter || fi.created[0].Unit != "ben-luc" ||
		fi.created[0].AddedBy != 1 || !strings.Contains(m, "Chào mừng Minh! Bạn đã được đăng ký: <b>báo cáo</b>, Bến Lức.") {
		t.Fatalf("created %+v; reply\n%s", fi.created, m)
	}
	if m := say(access.User{ID: 31, Name: "Tú"}, "/start INV1"); len(fi.created) != 1 || !strings.Contains(m, "đã được dùng hoặc đã hết hạn") {
		t.Fatalf("second opening: created %+v; reply\n%s", fi.created, m)
	}
	say(admin, "/moi xem")
	if m := say(access.User{ID: 32, Name: "Hà"}, "/start INV2"); len(fi.created) != 1 || fi.users[32].Role != access.Editor ||
		!strings.Contains(m, "Bạn đã là người dùng (chuyên viên)") {
		t.Fatalf("added meanwhile: created %+v, record %+v; reply\n%s", fi.created, fi.users[32], m)
	}
}
