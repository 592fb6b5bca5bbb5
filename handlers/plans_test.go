package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/locales"
)

// failingPlans is a PlanSource whose store fails (not a lost connection).
type failingPlans struct{}

var errScript = errors.New("store: plan years: ERR Error running script (call to f_x): @user_script:1: out of memory")

func (failingPlans) InForce(context.Context, time.Time) (*kpi.Plan, error) { return nil, errScript }
func (failingPlans) Year(context.Context, int) (*kpi.Plan, error)          { return nil, errScript }
func (failingPlans) Years(context.Context) ([]int, error)                  { return nil, errScript }

// A store error while a plan file is checked is the server's fault: the
// admin is told so, to send it again, and not that their file is wrong; it
// is logged at Error.
func TestPlanUploadStoreErrorIsAServerFault(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	app := &App{Plan: kpi.DefaultPlan(), Plans: failingPlans{}, Cat: cat, Now: time.Now, Loc: time.UTC,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	out := &fakeSender{}
	s := &session{App: app, Request: Request{ChatID: 1, UserID: 1, ChatType: "private", Document: &Document{Name: "p.toml"}},
		Plan: app.Plan, out: out, user: access.User{ID: 1, Role: access.Admin}, known: true, lang: "vi"}
	src := bytes.Replace(kpi.DefaultPlanSource(), []byte("year = 2022"), []byte("year = 2023"), 1)
	src = bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
	if err := s.planFrom(context.Background(), "p.toml", src, false); err != nil {
		t.Fatalf("planFrom = %v", err)
	}
	if len(out.sent) != 1 || out.sent[0] != cat.T("vi", "PlanServerFault") {
		t.Fatalf("replies %q, want the server fault", out.sent)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "out of memory") {
		t.Errorf("the fault was not logged at Error:\n%s", logs.String())
	}
}

// fakePlanDrafts holds plan files read back, as the store does: only the
// admin who sent one confirms or drops it, once.
type fakePlanDrafts struct {
	drafts    map[string]store.PlanRecord
	put       []store.PlanRecord
	confirmed []string
	dropped   []string
}

func (f *fakePlanDrafts) PutPlanDraft(_ context.Context, rec store.PlanRecord, _ time.Duration) (string, error) {
	f.put = append(f.put, rec)
	id := "D" + string(rune('0'+len(f.put)))
	f.drafts[id] = rec
	return id, nil
}

func (f *fakePlanDrafts) draft(id string, by int64) (store.PlanRecord, error) {
	rec, ok := f.drafts[id]
	switch {
	case !ok:
		return rec, store.ErrExpired
	case rec.By != by:
		return rec, store.ErrNotYours
	}
	delete(f.drafts, id)
	return rec, nil
}

func (f *fakePlanDrafts) ConfirmPlanDraft(_ context.Context, id string, by int64, _ time.Time) (store.PlanRecord, *kpi.Plan, bool, error) {
	rec, err := f.draft(id, by)
	if err != nil {
		return rec, nil, false, err
	}
	p, err := kpi.ParsePlan(rec.Name, rec.Source)
	if err != nil {
		return rec, nil, false, err
	}
	f.confirmed = append(f.confirmed, id)
	return rec, p, false, nil
}

func (f *fakePlanDrafts) DropPlanDraft(_ context.Context, id string, by int64) error {
	if _, err := f.draft(id, by); err != nil {
		return err
	}
	f.dropped = append(f.dropped, id)
	return nil
}

// plan2023 is the 2022 plan's file made the 2023 plan.
func plan2023() []byte {
	src := bytes.Replace(kpi.DefaultPlanSource(), []byte("year = 2022"), []byte("year = 2023"), 1)
	return bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
}

// A plan file is read back to the admin who sent it and becomes its year's
// plan on their Xác nhận only: an editor's file is refused unread, an
// editor's or another admin's press changes nothing, and a second press
// finds it gone.
func TestPlanFileConfirmedOnlyByTheAdminWhoSentIt(t *testing.T) {
	admin, other := access.User{ID: 1, Role: access.Admin}, access.User{ID: 2, Role: access.Admin}
	editor := access.User{ID: 3, Role: access.Editor}
	fp := &fakePlanDrafts{drafts: map[string]store.PlanRecord{}}
	a := testApp(t, needs{planDraft: fp})
	src := plan2023()
	file := Request{Document: &Document{FileID: "f1", Name: "ke-hoach-2023.toml", Size: int64(len(src))}}
	send := func(u access.User) *fileSender {
		out := &fileSender{uploads: map[string][]byte{"f1": src}}
		handleReq(t, a, out, u, file)
		return out
	}
	press := func(u access.User, data string) *kbSender {
		out := &kbSender{}
		handle(t, a, out, u, "", data)
		return out
	}
	if out := send(editor); len(out.downloaded) != 0 || len(fp.put) != 0 || !strings.Contains(out.last(t).html, "Chỉ quản trị viên nạp được") {
		t.Fatalf("an editor's plan file: downloaded %q, held %d, reply\n%s", out.downloaded, len(fp.put), out.last(t).html)
	}
	m := send(admin).last(t)
	if len(fp.put) != 1 || fp.put[0].Year != 2023 || fp.put[0].By != 1 || !strings.Contains(m.html, "Đây sẽ là kế hoạch năm 2023") ||
		len(m.data) != 2 || m.data[0] != "pl:D1" || m.data[1] != "pn:D1" {
		t.Fatalf("held %+v; read-back %q:\n%s", fp.put, m.data, m.html)
	}
	for _, tc := range []struct {
		who    access.User
		answer string
	}{{editor, "Chỉ quản trị viên làm được việc này"}, {other, "Chỉ quản trị viên đã gửi kế hoạch này"}} {
		out := press(tc.who, "pl:D1")
		if len(fp.confirmed) != 0 || len(out.sent) != 0 || len(out.answer) != 1 || !strings.Contains(out.answer[0], tc.answer) {
			t.Fatalf("press of %d: confirmed %q, edited %d, answered %q", tc.who.ID, fp.confirmed, len(out.sent), out.answer)
		}
	}
	if out := press(other, "pn:D1"); len(fp.dropped) != 0 || len(out.sent) != 0 {
		t.Fatalf("another admin's Hủy dropped %q", fp.dropped)
	}
	if out := press(admin, "pl:D1"); len(fp.confirmed) != 1 || !strings.Contains(out.last(t).html, "Đã nạp kế hoạch năm 2023") {
		t.Fatalf("confirmed %q; edited to\n%s", fp.confirmed, out.last(t).html)
	}
	if out := press(admin, "pl:D1"); len(fp.confirmed) != 1 || len(out.answer) != 1 || !strings.Contains(out.answer[0], "đã được ghi hoặc đã hết hạn") {
		t.Fatalf("second press: confirmed %q, answered %q", fp.confirmed, out.answer)
	}
}

// Hủy on a plan read-back drops it, and it can no longer be confirmed.
func TestPlanFileCancelled(t *testing.T) {
	admin := access.User{ID: 1, Role: access.Admin}
	fp := &fakePlanDrafts{drafts: map[string]store.PlanRecord{}}
	a := testApp(t, needs{planDraft: fp})
	src := plan2023()
	handleReq(t, a, &fileSender{uploads: map[string][]byte{"f1": src}}, admin,
		Request{Document: &Document{FileID: "f1", Name: "ke-hoach-2023.toml", Size: int64(len(src))}})
	out := &kbSender{}
	handle(t, a, out, admin, "", "pn:D1")
	if len(fp.dropped) != 1 || !strings.Contains(out.last(t).html, "Đã hủy") {
		t.Fatalf("dropped %q; edited to\n%s", fp.dropped, out.last(t).html)
	}
	handle(t, a, &kbSender{}, admin, "", "pl:D1")
	if len(fp.confirmed) != 0 {
		t.Fatalf("confirmed %q after Hủy", fp.confirmed)
	}
}
