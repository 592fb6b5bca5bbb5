package handlers

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/locales"
)

// Use cases on fakes of what they need (needs.go): their decisions tested
// without Redis.

var errNotFaked = errors.New("not faked")

// sentMsg is one message a use case sent, with its buttons' data.
type sentMsg struct {
	html string
	data []string
}

type kbSender struct {
	mu     sync.Mutex
	sent   []sentMsg // sent and edited, in order
	chats  []int64   // the chat of each of sent
	answer []string
}

func (f *kbSender) Send(_ context.Context, chat int64, html string, kb [][]Button) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := sentMsg{html: html}
	for _, row := range kb {
		for _, b := range row {
			m.data = append(m.data, b.Data)
		}
	}
	f.sent, f.chats = append(f.sent, m), append(f.chats, chat)
	return len(f.sent), nil
}

func (f *kbSender) Edit(ctx context.Context, chat int64, _ int, html string, kb [][]Button) error {
	_, err := f.Send(ctx, chat, html, kb)
	return err
}

func (f *kbSender) Answer(_ context.Context, _ string, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer = append(f.answer, text)
	return nil
}

func (f *kbSender) last(t *testing.T) sentMsg {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 0 {
		t.Fatal("nothing sent")
	}
	return f.sent[len(f.sent)-1]
}

// testApp is an App of the 2022 plan at 15 April 2022, with no store: a
// use case that reaches past its fakes panics.
func testApp(t *testing.T, n needs) *App {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 4, 15, 9, 0, 0, 0, loc)
	return &App{Plan: kpi.DefaultPlan(), Cat: cat, Now: func() time.Time { return now }, Loc: loc,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), needs: n}
}

// testSession is a private-chat request of u, answered in Vietnamese.
func testSession(a *App, u access.User, text string) (*session, *kbSender) {
	out := &kbSender{}
	return &session{App: a, Request: Request{ChatID: u.ID, UserID: u.ID, ChatType: "private", Text: text},
		Plan: a.Plan, out: out, user: u, lang: "vi", known: true}, out
}

type fakeFigures struct {
	mu    sync.Mutex
	reads int
	figs  map[string][]kpi.Report
}

func (f *fakeFigures) Figures(_ context.Context, _ string, ids []string) (store.Figures, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	out := store.Figures{Official: map[string][]kpi.Report{}, Awaiting: map[string][]kpi.Report{}}
	for _, id := range ids {
		out.Official[id] = f.figs[id]
	}
	return out, nil
}

// reports parses lines as an editor's submission, to stand for stored figures.
func reports(t *testing.T, p *kpi.Plan, text string) []kpi.Report {
	t.Helper()
	rs, err := p.ParseUpdate(text, kpi.UpdateOptions{Lang: "vi", Now: time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("ParseUpdate(%q): %v", text, err)
	}
	return rs
}

// The same question at the same data version is answered from the answers
// kept, without reading a figure; a write (a new version) reads again.
func TestQuestionAnsweredFromKeptAnswers(t *testing.T) {
	figs := &fakeFigures{}
	a := testApp(t, needs{figures: figs})
	figs.figs = map[string][]kpi.Report{"xuat-khau": reports(t, a.Plan, "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")}
	viewer := access.User{ID: 7, Role: access.Viewer}
	ask := func(version int64) string {
		t.Helper()
		s, out := testSession(a, viewer, "tiến độ xuất khẩu")
		s.Caller = &store.Caller{Found: true, User: viewer, Version: version}
		if err := s.progress(context.Background(), "tiến độ xuất khẩu"); err != nil {
			t.Fatal(err)
		}
		return out.last(t).html
	}
	first := ask(3)
	if !strings.Contains(first, "0,52 tỉ USD") || figs.reads != 1 {
		t.Fatalf("first answer read %d times:\n%s", figs.reads, first)
	}
	if again := ask(3); again != first || figs.reads != 1 {
		t.Fatalf("asked again at the same version: %d reads, answer\n%s", figs.reads, again)
	}
	figs.figs["xuat-khau"] = append(figs.figs["xuat-khau"], reports(t, a.Plan, "xuất khẩu tháng 2/2022 Bến Lức: 480 triệu USD")...)
	if after := ask(4); figs.reads != 2 || after == first {
		t.Fatalf("after a write: %d reads, answer\n%s", figs.reads, after)
	}
}

// fakeConfirm holds stored reports, the submissions put, and for Confirm
// the user's record as the atomic step reads it.
type fakeConfirm struct {
	stored    map[string][]kpi.Report
	put       []store.Pending
	pending   map[string]store.Pending
	inStep    access.User
	confirmed []string
	dropped   []string
}

func (f *fakeConfirm) PutPending(_ context.Context, p store.Pending, _ time.Duration) (string, error) {
	f.put = append(f.put, p)
	return "P" + string(rune('0'+len(f.put))), nil
}
func (f *fakeConfirm) Pending(_ context.Context, id string) (store.Pending, error) {
	p, ok := f.pending[id]
	if !ok {
		return store.Pending{}, store.ErrExpired
	}
	return p, nil
}
func (f *fakeConfirm) UpdatePending(context.Context, store.Pending, time.Duration) error {
	return errNotFaked
}
func (f *fakeConfirm) DropPending(_ context.Context, id string) error {
	f.dropped = append(f.dropped, id)
	delete(f.pending, id)
	return nil
}
func (f *fakeConfirm) AllReports(_ context.Context, _ string, ids []string) (map[string][]kpi.Report, error) {
	out := map[string][]kpi.Report{}
	for _, id := range ids {
		out[id] = f.stored[id]
	}
	return out, nil
}
func (f *fakeConfirm) UnitBases(_ context.Context, _ string, want []store.Basis) ([]store.Basis, error) {
	return want, nil
}
func (f *fakeConfirm) Confirm(_ context.Context, _, id string, _ int64, _ string, _ time.Time, _ string, allow func(access.User, store.Pending) error) ([]store.Change, error) {
	p, ok := f.pending[id]
	if !ok {
		return nil, store.ErrExpired
	}
	if err := allow(f.inStep, p); err != nil {
		return nil, err
	}
	f.confirmed = append(f.confirmed, id)
	var cs []store.Change
	for _, r := range p.Reports {
		cs = append(cs, store.Change{Indicator: r.Indicator, Unit: r.Unit, New: &r})
	}
	return cs, nil
}

type fakeApprovers struct {
	users []access.User
	asked []store.SentMessage
}

func (f *fakeApprovers) PutApproval(context.Context, store.Approval, time.Duration) (string, error) {
	return "A1", nil
}
func (f *fakeApprovers) AllReports(context.Context, string, []string) (map[string][]kpi.Report, error) {
	return map[string][]kpi.Report{}, nil
}
func (f *fakeApprovers) Users(context.Context) ([]access.User, error) { return f.users, nil }
func (f *fakeApprovers) SetApprovalMessages(_ context.Context, _ string, msgs []store.SentMessage) error {
	f.asked = msgs
	return nil
}

// Xác nhận stores a reporter's figures only if the rights check passes on
// the record as the atomic step reads it: a reporter moved to another unit
// since the read-back is refused, and the submission dropped. Figures that
// await approval ask every editor and admin who has not blocked the bot,
// other than the reporter, with Duyệt / Trả lại.
func TestConfirmChecksRightsInTheStepAndAsksApprovers(t *testing.T) {
	reporter := access.User{ID: 10, Role: access.Reporter, Unit: "ben-luc"}
	for _, tc := range []struct {
		name     string
		inStep   access.User
		approval bool
		stored   bool
		want     string  // in the reporter's read-back after the press
		asked    []int64 // approvers asked
	}{
		{name: "still the unit's reporter", inStep: reporter, stored: true, want: "Đã ghi nhận"},
		{name: "moved to another unit", inStep: access.User{ID: 10, Role: access.Reporter, Unit: "can-duoc"}, want: "quyền của bạn đã thay đổi từ lúc gửi (hiện nay: báo cáo, đơn vị Cần Đước)"},
		{name: "made a viewer", inStep: access.User{ID: 10, Role: access.Viewer}, want: "(hiện nay: xem)"},
		{name: "awaiting approval", inStep: reporter, approval: true, stored: true, want: "chờ chuyên viên duyệt", asked: []int64{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeConfirm{inStep: tc.inStep}
			fa := &fakeApprovers{users: []access.User{
				{ID: 1, Role: access.Admin}, {ID: 2, Role: access.Editor}, {ID: 3, Role: access.Editor, Blocked: true},
				{ID: 4, Role: access.Viewer}, reporter,
			}}
			a := testApp(t, needs{confirm: fc, approvers: fa})
			a.Plan.Approval = tc.approval
			rs := reports(t, a.Plan, "xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")
			fc.pending = map[string]store.Pending{"P1": {UserID: 10, ChatID: 10, Reports: rs, Lang: "vi", PlanYear: 2022, Awaiting: tc.approval}}
			s, out := testSession(a, reporter, "")
			s.CallbackID, s.MessageID = "cb", 5
			if err := s.confirm(context.Background(), "P1"); err != nil {
				t.Fatal(err)
			}
			if stored := len(fc.confirmed) == 1; stored != tc.stored {
				t.Fatalf("stored %v, want %v", stored, tc.stored)
			}
			if !tc.stored && (len(fc.dropped) != 1 || fc.dropped[0] != "P1") {
				t.Errorf("dropped %q, want the refused submission", fc.dropped)
			}
			if m := out.sent[0]; out.chats[0] != 10 || !strings.Contains(m.html, tc.want) {
				t.Errorf("read-back to %d:\n%s\nwant %q", out.chats[0], m.html, tc.want)
			}
			var asked []int64
			for i, m := range out.sent {
				if out.chats[i] != 10 {
					asked = append(asked, out.chats[i])
					if len(m.data) != 2 || m.data[0] != "ap:A1" || m.data[1] != "rt:A1" {
						t.Errorf("approver %d got buttons %q", out.chats[i], m.data)
					}
				}
			}
			if !slices.Equal(asked, tc.asked) || len(fa.asked) != len(tc.asked) {
				t.Errorf("asked %v (kept %d), want %v", asked, len(fa.asked), tc.asked)
			}
		})
	}
}

// The read-back of a cumulative that the stored months contradict asks to
// replace them ("rp:"), holds the months to remove, and stores nothing;
// without them it asks to confirm ("ok:").
func TestReadBackAsksToReplaceAContradictedCumulative(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stored string
		want   string
		remove int
	}{
		{name: "contradicted", stored: "xuất khẩu tháng 1/2022 Bến Lức: 1,2 tỉ USD\nxuất khẩu tháng 2/2022 Bến Lức: 1,2 tỉ USD\nxuất khẩu tháng 3/2022 Bến Lức: 1,27 tỉ USD", want: "rp:P1", remove: 3},
		{name: "nothing stored", want: "ok:P1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeConfirm{stored: map[string][]kpi.Report{}}
			a := testApp(t, needs{confirm: fc})
			if tc.stored != "" {
				fc.stored["xuat-khau"] = reports(t, a.Plan, tc.stored)
			}
			s, out := testSession(a, access.User{ID: 1, Role: access.Admin}, "cập nhật xuất khẩu lũy kế 3 tháng Bến Lức: 2,51 tỉ USD")
			if err := s.update(context.Background(), s.Text); err != nil {
				t.Fatal(err)
			}
			m := out.last(t)
			if len(m.data) == 0 || m.data[0] != tc.want {
				t.Fatalf("buttons %q, want %s first:\n%s", m.data, tc.want, m.html)
			}
			if len(fc.put) != 1 || len(fc.put[0].Remove) != tc.remove {
				t.Fatalf("held %+v, want one submission removing %d figures", fc.put, tc.remove)
			}
		})
	}
}

type fakeDeadlines struct {
	deadlineStore // unused methods panic
	users         []access.User
	added         []remind.Deadline
}

func (f *fakeDeadlines) Users(context.Context) ([]access.User, error) { return f.users, nil }
func (f *fakeDeadlines) AddDeadline(_ context.Context, d remind.Deadline) (remind.Deadline, bool, error) {
	d.ID = "d" + string(rune('0'+len(f.added)+1))
	f.added = append(f.added, d)
	return d, false, nil
}

type fakeScheduler struct{ scheduled []string }

func (f *fakeScheduler) Schedule(_ context.Context, d remind.Deadline) error {
	f.scheduled = append(f.scheduled, d.ID)
	return nil
}
func (f *fakeScheduler) Snooze(context.Context, remind.Occurrence, time.Duration) error { return nil }

// "/hanchot them" adds the deadline once and schedules the one saved; a
// refused one (past, for an unknown user) adds and schedules nothing.
func TestDeadlineAddedOnce(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		added      bool
		want       string // in the reply, or the refusal's id
	}{
		{name: "unit", text: "25/06/2022 17:00 | Gửi hồ sơ | Đức Huệ | 3d,1d", added: true, want: "Gửi hồ sơ"},
		{name: "past", text: "25/03/2022 17:00 | Gửi hồ sơ | Đức Huệ", want: "ErrPastDue"},
		{name: "unknown user", text: "25/06/2022 17:00 | Gửi hồ sơ | #999", want: "ErrUnknownAssignee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := &fakeDeadlines{users: []access.User{{ID: 1, Role: access.Admin}}}
			sch := &fakeScheduler{}
			a := testApp(t, needs{deadlines: fd})
			a.Reminders = sch
			s, out := testSession(a, access.User{ID: 1, Role: access.Admin}, "/hanchot them "+tc.text)
			err := s.addDeadline(context.Background(), tc.text)
			if !tc.added {
				var ke *kpi.Error
				if !errors.As(err, &ke) || ke.ID != tc.want || len(fd.added) != 0 || len(sch.scheduled) != 0 {
					t.Fatalf("refusal %v; added %d, scheduled %q", err, len(fd.added), sch.scheduled)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(fd.added) != 1 || len(sch.scheduled) != 1 || sch.scheduled[0] != "d1" {
				t.Fatalf("added %d, scheduled %q; want d1 added and scheduled once", len(fd.added), sch.scheduled)
			}
			if d := fd.added[0]; d.Title != "Gửi hồ sơ" || len(d.Assignees) != 1 || d.Assignees[0].Unit != "duc-hue" {
				t.Fatalf("added %+v", d)
			}
			if m := out.last(t); !strings.Contains(m.html, tc.want) || !strings.Contains(m.html, "d1") {
				t.Fatalf("reply:\n%s", m.html)
			}
		})
	}
}

// fakeCaller lets every press through: the caller's record comes with the
// request, as the update's claim read it (store.Caller).
type fakeCaller struct{ callerStore } // other methods panic

func (fakeCaller) Allow(context.Context, int64, int, time.Duration) (bool, error) { return true, nil }

// handle runs a message from u in their private chat through App.Handle,
// or, when data is set, a press of a button carrying data on message 5. u
// is a stranger when u.Role is empty.
func handle(t *testing.T, a *App, out Sender, u access.User, text, data string) {
	t.Helper()
	req := Request{Text: text}
	if data != "" {
		req.CallbackID, req.Data, req.MessageID = "cb", data, 5
	}
	handleReq(t, a, out, u, req)
}

// handleReq runs req from u in their private chat through App.Handle, with
// u's record as the update's claim read it.
func handleReq(t *testing.T, a *App, out Sender, u access.User, req Request) {
	t.Helper()
	if a.needs.caller == nil {
		a.needs.caller = fakeCaller{}
	}
	req.UpdateID, req.ChatID, req.ChatType, req.UserID, req.UserName = 1, u.ID, "private", u.ID, u.Name
	req.Caller = &store.Caller{Found: u.Role != "", User: u}
	if err := a.Handle(context.Background(), out, req); err != nil {
		t.Fatalf("Handle(%q, %q): %v", req.Text, req.Data, err)
	}
}

// fileSender is a kbSender that sends and fetches files too (Files).
type fileSender struct {
	kbSender
	files      []File
	uploads    map[string][]byte // by file id
	downloaded []string
}

func (f *fileSender) SendFile(_ context.Context, _ int64, file File) error {
	f.files = append(f.files, file)
	return nil
}

func (f *fileSender) Download(_ context.Context, id string, _ int64) ([]byte, error) {
	f.downloaded = append(f.downloaded, id)
	data, ok := f.uploads[id]
	if !ok {
		return nil, errNotFaked
	}
	return data, nil
}

// fakeChoices holds the texts that buttons offered stand for.
type fakeChoices struct {
	choiceStore // other methods panic
	texts       []string
}

func (f *fakeChoices) PutChoice(_ context.Context, _ int64, text string, _ time.Duration) (string, error) {
	f.texts = append(f.texts, text)
	return "C" + string(rune('0'+len(f.texts))), nil
}

// No use case reads App.Store: each reaches storage through its interface
// in needs.go, which a test can fake.
func TestStoreReadOnlyInNeeds(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if name == "needs.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Store" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "store" {
				return true // the type store.Store
			}
			t.Errorf("%s reads App.Store: declare what it needs in needs.go", fset.Position(sel.Pos()))
			return true
		})
	}
}
