package access

import "testing"

func TestParseRole(t *testing.T) {
	cases := map[string]Role{
		"quản trị": Admin, "QUAN TRI": Admin, "admin": Admin,
		"chuyên viên": Editor, "chuyenvien": Editor, "editor": Editor,
		"báo cáo": Reporter, "baocao": Reporter, "Reporter": Reporter,
		"xem": Viewer, "viewer": Viewer,
	}
	for word, want := range cases {
		if got, ok := ParseRole(word); !ok || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", word, got, ok, want)
		}
	}
	if _, ok := ParseRole("boss"); ok {
		t.Error("ParseRole(boss) accepted")
	}
}

func TestPolicy(t *testing.T) {
	p := Policy{}
	rep := User{ID: 1, Role: Reporter, Unit: "ben-luc"}
	if !p.CanReport(rep, "ben-luc") || p.CanReport(rep, "duc-hue") {
		t.Error("a reporter reports for their own unit only")
	}
	if p.CanView(User{}) || !(Policy{Public: true}).CanView(User{}) {
		t.Error("strangers see figures only when public")
	}
	if p.CanReport(User{Role: Viewer}, "ben-luc") || !p.CanReport(User{Role: Editor}, "duc-hue") {
		t.Error("viewers never report; editors report for any unit")
	}
	if p.CanManageUsers(User{Role: Editor}) || !p.CanManageUsers(User{Role: Admin}) {
		t.Error("only admins manage users")
	}
}
