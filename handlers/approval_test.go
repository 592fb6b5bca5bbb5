package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// fakeDecisions holds one approval and the figures awaiting, and approves
// as the store's step does: a figure still awaiting, if allow lets the
// approver as the step reads them (inStep).
type fakeDecisions struct {
	decisionStore // unused methods panic
	approval      store.Approval
	awaiting      map[string][]kpi.Report
	users         []access.User
	inStep        access.User
	approved      []string // slots
}

func (f *fakeDecisions) Approval(_ context.Context, id string) (store.Approval, error) {
	if id != "A1" {
		return store.Approval{}, store.ErrNotFound
	}
	return f.approval, nil
}

func (f *fakeDecisions) Awaiting(_ context.Context, _, indicator string) ([]kpi.Report, error) {
	return f.awaiting[indicator], nil
}

func (f *fakeDecisions) Approve(_ context.Context, _, indicator, slot string, expect *kpi.Report, by int64, byName string, at time.Time, allow func(access.User) error) (store.Change, error) {
	aw := f.awaiting[indicator]
	cur := findSlot(aw, slot)
	if cur == nil || cur.Value != expect.Value {
		return store.Change{}, store.ErrNotFound
	}
	if err := allow(f.inStep); err != nil {
		return store.Change{}, err
	}
	f.approved = append(f.approved, slot)
	f.awaiting[indicator] = nil
	r := *cur
	return store.Change{At: at, By: by, ByName: byName, Action: store.ActionApprove, Indicator: indicator, Unit: r.Unit, New: &r}, nil
}

func (f *fakeDecisions) User(_ context.Context, id int64) (access.User, error) {
	for _, u := range f.users {
		if u.ID == id {
			return u, nil
		}
	}
	return access.User{}, store.ErrNotFound
}

func (f *fakeDecisions) Users(context.Context) ([]access.User, error) { return f.users, nil }

// Duyệt counts a reporter's figure once, if the presser may still approve
// as the store's step reads them; the reporter is told, and every
// approver's copy loses its buttons. A reporter's press, a demoted editor's
// and a second press count nothing.
func TestApproveCountsOnceWithTheRightsAtThePress(t *testing.T) {
	reporter := access.User{ID: 10, Name: "Lan", Role: access.Reporter, Unit: "ben-luc"}
	editor := access.User{ID: 2, Name: "Hoa", Role: access.Editor}
	for _, tc := range []struct {
		name     string
		presser  access.User
		inStep   access.User
		approved bool
		answer   string // the press's answer
		want     string // in a message sent or edited, when set
	}{
		{name: "an editor", presser: editor, inStep: editor, approved: true, answer: "Đã duyệt",
			want: "Số liệu của bạn đã được Hoa duyệt"},
		{name: "an editor made a viewer", presser: editor, inStep: access.User{ID: 2, Role: access.Viewer},
			want: "quyền của bạn đã thay đổi từ lúc gửi (hiện nay: xem)"},
		{name: "a reporter", presser: access.User{ID: 11, Role: access.Reporter, Unit: "can-duoc"}, inStep: editor,
			answer: "Chỉ chuyên viên và quản trị viên được duyệt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testApp(t, needs{})
			a.Plan.Approval = true
			r := reports(t, a.Plan, "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")[0]
			r.By, r.ByName, r.At = 10, "Lan", a.Now().Add(-time.Hour)
			fd := &fakeDecisions{inStep: tc.inStep, users: []access.User{reporter, editor, {ID: 1, Role: access.Admin}},
				awaiting: map[string][]kpi.Report{"xuat-khau": {r}},
				approval: store.Approval{Reporter: 10, ReporterName: "Lan", Lang: "vi", Reports: []kpi.Report{r},
					Messages: []store.SentMessage{{ChatID: 1, MessageID: 7}, {ChatID: 2, MessageID: 5}}}}
			a.needs.decisions = fd
			out := &kbSender{}
			handle(t, a, out, tc.presser, "", "ap:A1")
			if approved := len(fd.approved) == 1; approved != tc.approved {
				t.Fatalf("approved %q, want approved %v", fd.approved, tc.approved)
			}
			if tc.answer != "" && (len(out.answer) == 0 || !strings.Contains(out.answer[len(out.answer)-1], tc.answer)) {
				t.Errorf("answered %q, want %q", out.answer, tc.answer)
			}
			told := map[int64]string{}
			for i, m := range out.sent {
				told[out.chats[i]] += m.html
			}
			if tc.want != "" && !strings.Contains(strings.Join([]string{told[10], told[tc.presser.ID]}, "\n"), tc.want) {
				t.Errorf("sent %v, want %q", told, tc.want)
			}
			if !tc.approved {
				if _, ok := told[10]; ok {
					t.Errorf("the reporter was told: %s", told[10])
				}
				return
			}
			if !strings.Contains(told[1], "Đã duyệt</b> bởi Hoa") || !strings.Contains(told[2], "Đã duyệt</b> bởi Hoa") {
				t.Errorf("approvers' copies: %v", told)
			}
			again := &kbSender{}
			handle(t, a, again, tc.presser, "", "ap:A1")
			if len(fd.approved) != 1 || len(again.sent) != 0 || !strings.Contains(again.answer[0], "đã được xử lý") {
				t.Errorf("second press: approved %q, sent %d, answered %q", fd.approved, len(again.sent), again.answer)
			}
		})
	}
}
