package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// fakeUndo holds one user's last changes, newest first, and undoes them as
// the store's step does: only the user's last change not undone yet, if
// allow lets the user as the step reads them (inStep).
type fakeUndo struct {
	changes  []store.Change
	inStep   access.User
	conflict string // the change another user has changed since
	undone   []string
}

func (f *fakeUndo) left() []store.Change {
	var out []store.Change
	for _, c := range f.changes {
		if !slices.Contains(f.undone, c.ID) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeUndo) NextUndoBatch(_ context.Context, _ string, userID int64, _ time.Duration, _ time.Time) ([]store.Change, error) {
	var batch []store.Change
	for _, c := range f.left() {
		if c.By == userID && (len(batch) == 0 || c.At.Equal(batch[0].At)) {
			batch = append(batch, c)
		}
	}
	if len(batch) == 0 {
		return nil, store.ErrNotFound
	}
	return batch, nil
}

func (f *fakeUndo) ChangeByID(_ context.Context, _, id string) (store.Change, error) {
	for _, c := range f.changes {
		if c.ID == id {
			return c, nil
		}
	}
	return store.Change{}, store.ErrNotFound
}

func (f *fakeUndo) UndoIf(_ context.Context, _ string, userID int64, expect string, _ time.Duration, _ time.Time, byName string, allow func(access.User, store.Change) error) (store.Change, error) {
	left := f.left()
	i := slices.IndexFunc(left, func(c store.Change) bool { return c.By == userID })
	if i < 0 || left[i].ID != expect {
		return store.Change{}, store.ErrNotFound
	}
	c := left[i]
	if c.ID == f.conflict {
		return store.Change{}, store.ErrConflict
	}
	if err := allow(f.inStep, c); err != nil {
		return store.Change{}, err
	}
	f.undone = append(f.undone, c.ID)
	return store.Change{ID: "u-" + c.ID, At: c.At, By: userID, ByName: byName, Action: store.ActionUndo,
		Indicator: c.Indicator, Unit: c.Unit, Period: c.Period, Old: c.New, New: c.Old}, nil
}

// change is the change of a report read from text, by user by at at.
func change(t *testing.T, p *kpi.Plan, id string, by int64, at time.Time, text string) store.Change {
	t.Helper()
	r := reports(t, p, text)[0]
	r.By, r.At = by, at
	return store.Change{ID: id, At: at, By: by, ByName: "Lan", Action: store.ActionSet,
		Indicator: r.Indicator, Unit: r.Unit, Period: r.Period.Key(), New: &r}
}

// /hoantac shows the reporter's last change and asks; Hoàn tác reverts it
// once, if the rights the store's step reads still let them report for its
// unit. Anyone else's press, or a second one, reverts nothing.
func TestUndoRevertsTheLastChangeOnceWithTheRightsAtThePress(t *testing.T) {
	reporter := access.User{ID: 10, Name: "Lan", Role: access.Reporter, Unit: "ben-luc"}
	for _, tc := range []struct {
		name    string
		inStep  access.User
		presser access.User
		undone  bool
		want    string // in the last message sent or edited
		answer  string // in the press's answer
	}{
		{name: "still the unit's reporter", inStep: reporter, presser: reporter, undone: true, want: "Đã hoàn tác"},
		{name: "moved to another unit", inStep: access.User{ID: 10, Role: access.Reporter, Unit: "can-duoc"}, presser: reporter,
			want: "quyền của bạn đã thay đổi từ lúc gửi (hiện nay: báo cáo, đơn vị Cần Đước)"},
		{name: "another user's press", inStep: reporter, presser: access.User{ID: 11, Name: "Hoa", Role: access.Editor},
			answer: "Nút này không dành cho bạn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testApp(t, needs{})
			a.UndoWindow = 24 * time.Hour
			fu := &fakeUndo{inStep: tc.inStep, changes: []store.Change{
				change(t, a.Plan, "1649988000000-0", 10, a.Now().Add(-10*time.Minute), "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD"),
			}}
			a.needs.undo = fu
			out := &kbSender{}
			handle(t, a, out, reporter, "/hoantac", "")
			ask := out.last(t)
			if !strings.Contains(ask.html, "Hoàn tác thay đổi gần nhất của bạn") || !strings.Contains(ask.html, "Bến Lức") ||
				!slices.Equal(ask.data, []string{"ud:2022:1649988000000-0", "uk:2022:1649988000000-0"}) {
				t.Fatalf("question %q:\n%s", ask.data, ask.html)
			}
			if len(fu.undone) != 0 {
				t.Fatal("asking undid")
			}
			press := &kbSender{}
			handle(t, a, press, tc.presser, "", ask.data[0])
			if undone := len(fu.undone) == 1; undone != tc.undone {
				t.Fatalf("undone %q, want undone %v", fu.undone, tc.undone)
			}
			if tc.want != "" {
				if m := press.last(t); !strings.Contains(m.html, tc.want) {
					t.Errorf("after the press:\n%s\nwant %q", m.html, tc.want)
				}
			}
			if tc.answer != "" && (len(press.sent) != 0 || len(press.answer) != 1 || !strings.Contains(press.answer[0], tc.answer)) {
				t.Errorf("press answered %q, edited %d; want %q and nothing edited", press.answer, len(press.sent), tc.answer)
			}
			if !tc.undone {
				return
			}
			// The same button again: gone, nothing more undone.
			again := &kbSender{}
			handle(t, a, again, reporter, "", ask.data[0])
			if len(fu.undone) != 1 || !strings.Contains(again.last(t).html, "không còn là thay đổi gần nhất") {
				t.Errorf("second press: undone %q, said\n%s", fu.undone, again.last(t).html)
			}
		})
	}
}

// Changes confirmed together are undone together, newest first; one that
// someone else changed since stops the batch, and the reply says what was
// undone before it and why the rest was not.
func TestUndoBatchStopsAtAConflictAndSaysWhatWasUndone(t *testing.T) {
	reporter := access.User{ID: 10, Name: "Lan", Role: access.Reporter, Unit: "ben-luc"}
	a := testApp(t, needs{})
	a.UndoWindow = 24 * time.Hour
	at := a.Now().Add(-time.Hour)
	fu := &fakeUndo{inStep: reporter, conflict: "1649984400000-1", changes: []store.Change{
		change(t, a.Plan, "1649984400000-0", 10, at, "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD"),
		change(t, a.Plan, "1649984400000-1", 10, at, "nhập khẩu tháng 3/2022 Bến Lức: 410 triệu USD"),
	}}
	a.needs.undo = fu
	out := &kbSender{}
	handle(t, a, out, reporter, "/hoantac", "")
	ask := out.last(t)
	if len(ask.data) != 2 || ask.data[0] != "ud:2022:1649984400000-0:2" {
		t.Fatalf("question %q:\n%s", ask.data, ask.html)
	}
	press := &kbSender{}
	handle(t, a, press, reporter, "", ask.data[0])
	m := press.last(t).html
	if !slices.Equal(fu.undone, []string{"1649984400000-0"}) || !strings.Contains(m, "Đã hoàn tác") ||
		!strings.Contains(m, "Kim ngạch xuất khẩu") || strings.Contains(m, "nhập khẩu") || !strings.Contains(m, "đã được người khác sửa sau bạn") {
		t.Fatalf("undone %q; reply:\n%s", fu.undone, m)
	}
}

// Nothing of the user's own to undo is said as such, with what to do.
func TestUndoNothingToUndo(t *testing.T) {
	a := testApp(t, needs{undo: &fakeUndo{}})
	a.UndoWindow = 24 * time.Hour
	out := &kbSender{}
	handle(t, a, out, access.User{ID: 10, Role: access.Reporter, Unit: "ben-luc"}, "/hoantac", "")
	if m := out.last(t); len(m.data) != 0 || !strings.Contains(m.html, "không có thay đổi nào trong 24 giờ qua") {
		t.Fatalf("reply %q:\n%s", m.data, m.html)
	}
}

type historyAsk struct {
	indicator, unit string
	n               int
}

type fakeHistory struct {
	asked   []historyAsk
	changes []store.Change
}

func (f *fakeHistory) History(_ context.Context, _, indicator, unit string, n int) ([]store.Change, error) {
	f.asked = append(f.asked, historyAsk{indicator, unit, n})
	return f.changes, nil
}

// /lichsu reads the changes of the indicator, of the unit named or of all,
// and lists who changed what, old → new; a group of units is refused
// before anything is read.
func TestHistoryListsTheUnitsChanges(t *testing.T) {
	viewer := access.User{ID: 7, Role: access.Viewer}
	for _, tc := range []struct {
		name, text string
		asked      []historyAsk
		want       []string
	}{
		{name: "one unit", text: "/lichsu xuất khẩu Bến Lức", asked: []historyAsk{{"xuat-khau", "ben-luc", historyLines}},
			want: []string{"Lịch sử — Kim ngạch xuất khẩu</b> — Bến Lức",
				"Hoa (Bến Lức): tháng 3/2022: 520 triệu USD → — <i>(hoàn tác)</i>", "Lan (Bến Lức): tháng 3/2022: — → 520 triệu USD"}},
		{name: "the province", text: "/lichsu xuất khẩu", asked: []historyAsk{{"xuat-khau", "", historyLines}},
			want: []string{"Lịch sử — Kim ngạch xuất khẩu</b>\n"}},
		{name: "two units", text: "/lichsu xuất khẩu Bến Lức, Cần Đước", want: []string{"/lichsu"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := testApp(t, needs{})
			set := change(t, a.Plan, "1", 10, a.Now().Add(-2*time.Hour), "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")
			undo := store.Change{ID: "2", At: a.Now().Add(-time.Hour), By: 11, ByName: "Hoa", Action: store.ActionUndo,
				Indicator: set.Indicator, Unit: set.Unit, Period: set.Period, Old: set.New}
			fh := &fakeHistory{changes: []store.Change{undo, set}}
			a.needs.history = fh
			out := &kbSender{}
			handle(t, a, out, viewer, tc.text, "")
			if !slices.Equal(fh.asked, tc.asked) {
				t.Fatalf("read %v, want %v", fh.asked, tc.asked)
			}
			m := out.last(t).html
			for _, w := range tc.want {
				if !strings.Contains(m, w) {
					t.Errorf("reply lacks %q:\n%s", w, m)
				}
			}
		})
	}
}
