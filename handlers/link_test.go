package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/store"
)

// fakeLinks keeps the one-time codes that link a Zalo account to a user.
type fakeLinks struct {
	users  map[int64]access.User
	codes  map[string]int64
	made   []int64
	linked map[int64]int64 // Zalo account → user
}

func (f *fakeLinks) PutZaloLink(_ context.Context, userID int64, _ time.Duration) (string, error) {
	f.made = append(f.made, userID)
	code := "abcd234" + itoa(int64(len(f.made)))
	f.codes[code] = userID
	return code, nil
}

func (f *fakeLinks) TakeZaloLink(_ context.Context, code string, zaloUser int64) (int64, error) {
	id, ok := f.codes[code]
	if !ok {
		return 0, store.ErrExpired
	}
	delete(f.codes, code)
	f.linked[zaloUser] = id
	return id, nil
}

func (f *fakeLinks) User(_ context.Context, id int64) (access.User, error) {
	u, ok := f.users[id]
	if !ok {
		return u, store.ErrNotFound
	}
	return u, nil
}

// An admin's /lienket makes a one-time code for an existing user; the Zalo
// account that sends it first is linked to that user, once. Nobody else
// makes a code.
func TestZaloLinkedOnceByAnAdminsCode(t *testing.T) {
	admin := access.User{ID: 1, Role: access.Admin}
	lan := access.User{ID: 20, Name: "Lan", Role: access.Reporter, Unit: "ben-luc"}
	fl := &fakeLinks{users: map[int64]access.User{1: admin, 20: lan}, codes: map[string]int64{}, linked: map[int64]int64{}}
	a := testApp(t, needs{links: fl})
	say := func(u access.User, text string) string {
		t.Helper()
		out := &kbSender{}
		handle(t, a, out, u, text, "")
		return out.last(t).html
	}
	if m := say(access.User{ID: 2, Role: access.Editor}, "/lienket 20"); len(fl.made) != 0 || !strings.Contains(m, "không có quyền") {
		t.Fatalf("an editor's /lienket: made %v; reply\n%s", fl.made, m)
	}
	if m := say(admin, "/lienket 99"); len(fl.made) != 0 || !strings.Contains(m, "Không có người dùng mã 99") {
		t.Fatalf("an unknown user: made %v; reply\n%s", fl.made, m)
	}
	if m := say(admin, "/lienket 20"); len(fl.made) != 1 || fl.made[0] != 20 || !strings.Contains(m, "Mã liên kết Zalo cho Lan (báo cáo): <code>abcd2341</code>") {
		t.Fatalf("made %v; reply\n%s", fl.made, m)
	}
	zalo := access.User{ID: store.OtherChannels + 5}
	if m := say(zalo, "/lienket abcd2341"); fl.linked[zalo.ID] != 20 || !strings.Contains(m, "Đã liên kết tài khoản Zalo này với Lan (báo cáo)") {
		t.Fatalf("linked %v; reply\n%s", fl.linked, m)
	}
	other := access.User{ID: store.OtherChannels + 6}
	if m := say(other, "/lienket abcd2341"); len(fl.linked) != 1 || !strings.Contains(m, "đã dùng hoặc đã hết hạn") {
		t.Fatalf("second use: linked %v; reply\n%s", fl.linked, m)
	}
}
