package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)

	if _, err := s.User(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("User of a stranger: err = %v, want ErrNotFound", err)
	}
	in := []access.User{
		{ID: 30, Name: "Lan", Role: access.Viewer},
		{ID: 20, Name: "Minh", Role: access.Reporter, Unit: "ben-luc", AddedBy: 1, AddedAt: t0},
		{ID: 10, Name: "Hà", Role: access.Reporter, Unit: "duc-hoa", Lang: "en"},
		{ID: 40, Name: "Tâm", Role: access.Admin},
		{ID: 50, Name: "Quang", Role: access.Editor, Blocked: true},
	}
	for _, u := range in {
		if err := s.PutUser(ctx, u); err != nil {
			t.Fatalf("PutUser(%d): %v", u.ID, err)
		}
	}
	got, err := s.User(ctx, 20)
	if err != nil {
		t.Fatalf("User(20): %v", err)
	}
	if got.Name != "Minh" || got.Role != access.Reporter || got.Unit != "ben-luc" || got.AddedBy != 1 || !got.AddedAt.Equal(t0) {
		t.Errorf("User(20) = %+v, want what was put", got)
	}
	if got, _ := s.User(ctx, 10); got.Lang != "en" {
		t.Errorf("User(10).Lang = %q, want en (put with the user)", got.Lang)
	}
	if got, _ := s.User(ctx, 50); !got.Blocked {
		t.Errorf("User(50).Blocked = false, want true")
	}

	all, err := s.Users(ctx)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	var ids []int64
	for _, u := range all {
		ids = append(ids, u.ID)
	}
	if want := []int64{40, 50, 10, 20, 30}; !equalIDs(ids, want) {
		t.Errorf("Users order = %v, want %v (admin, editor, reporters by id, viewer)", ids, want)
	}

	// Changing a role keeps one record.
	u := in[0]
	u.Role = access.Editor
	if err := s.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, 30); got.Role != access.Editor {
		t.Errorf("after PutUser role = %q, want editor", got.Role)
	}
	if all, _ := s.Users(ctx); len(all) != 5 {
		t.Errorf("Users after an update: %d users, want 5", len(all))
	}

	if err := s.DeleteUser(ctx, 20); err != nil {
		t.Fatalf("DeleteUser(20): %v", err)
	}
	if _, err := s.User(ctx, 20); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User after DeleteUser: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteUser(ctx, 20); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteUser: err = %v, want ErrNotFound", err)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEnsureAdmins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := t0.Add(time.Hour)
	tests := []struct {
		name   string
		before *access.User
		want   access.User
	}{
		{"absent is created", nil, access.User{ID: 1, Role: access.Admin, AddedAt: now}},
		{"viewer is promoted, keeps name and unit",
			&access.User{ID: 1, Name: "Tâm", Role: access.Reporter, Unit: "ben-luc", AddedAt: t0},
			access.User{ID: 1, Name: "Tâm", Role: access.Admin, Unit: "ben-luc", AddedAt: t0}},
		{"admin stays as is",
			&access.User{ID: 1, Name: "Tâm", Role: access.Admin, AddedAt: t0},
			access.User{ID: 1, Name: "Tâm", Role: access.Admin, AddedAt: t0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := realStore(t)
			if tc.before != nil {
				if err := s.PutUser(ctx, *tc.before); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.EnsureAdmins(ctx, []int64{1}, now); err != nil {
				t.Fatalf("EnsureAdmins: %v", err)
			}
			got, err := s.User(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got.Role != tc.want.Role || got.Name != tc.want.Name || got.Unit != tc.want.Unit || !got.AddedAt.Equal(tc.want.AddedAt) {
				t.Errorf("user = %+v, want %+v", got, tc.want)
			}
		})
	}

	t.Run("never demotes an admin left out", func(t *testing.T) {
		t.Parallel()
		s := realStore(t)
		if err := s.PutUser(ctx, access.User{ID: 9, Role: access.Admin}); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureAdmins(ctx, []int64{1, 2}, now); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Users(ctx)
		if len(all) != 3 {
			t.Fatalf("Users = %+v, want 3 admins", all)
		}
		for _, u := range all {
			if u.Role != access.Admin {
				t.Errorf("user %d role %q, want admin", u.ID, u.Role)
			}
		}
	})

	t.Run("two copies starting at once", func(t *testing.T) {
		t.Parallel()
		s := realStore(t)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() { errs <- s.EnsureAdmins(ctx, []int64{1, 2, 3}, now) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("EnsureAdmins: %v", err)
			}
		}
		if all, _ := s.Users(ctx); len(all) != 3 {
			t.Errorf("Users = %d, want 3", len(all))
		}
	})
}

func TestLang(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	if lang, err := s.Lang(ctx, 77); err != nil || lang != "" {
		t.Fatalf("Lang of someone who never chose = %q, %v; want \"\", nil", lang, err)
	}
	// A stranger may choose a language before anyone registers them.
	if err := s.SetLang(ctx, 77, "en"); err != nil {
		t.Fatal(err)
	}
	if lang, _ := s.Lang(ctx, 77); lang != "en" {
		t.Errorf("Lang = %q, want en", lang)
	}
	// Registering them later keeps the choice; CreateUser without Lang does not erase it.
	if _, err := s.CreateUser(ctx, access.User{ID: 77, Role: access.Viewer}); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, 77); u.Lang != "en" {
		t.Errorf("User.Lang = %q, want en", u.Lang)
	}
	if err := s.SetLang(ctx, 77, "vi"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, 77); u.Lang != "vi" {
		t.Errorf("User.Lang after SetLang vi = %q", u.Lang)
	}
	if err := s.SetLang(ctx, 77, ""); err != nil {
		t.Fatal(err)
	}
	if lang, _ := s.Lang(ctx, 77); lang != "" {
		t.Errorf("Lang after clearing = %q, want empty", lang)
	}
}

func TestPutReportReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)

	first := monthly("xuat-khau", "ben-luc", 3, 520_000_000)
	first.By, first.ByName, first.At, first.Via = 20, "Minh", t0, "20:5"
	if old, err := s.PutReport(ctx, plan, first); err != nil || old != nil {
		t.Fatalf("first PutReport = %v, %v; want nil, nil", old, err)
	}
	second := monthly("xuat-khau", "ben-luc", 3, 530_000_000)
	old, err := s.PutReport(ctx, plan, second)
	if err != nil {
		t.Fatal(err)
	}
	if old == nil || old.Value != first.Value || old.ByName != "Minh" || !old.At.Equal(t0) || old.Via != "20:5" || old.Period != first.Period {
		t.Errorf("old = %+v, want the first report", old)
	}
	// Other slots: another month, another unit, a year-to-date total.
	for _, r := range []kpi.Report{
		monthly("xuat-khau", "ben-luc", 4, 1),
		monthly("xuat-khau", "duc-hoa", 3, 2),
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.YearToDate(2022, 3), Value: 3},
	} {
		if _, err := s.PutReport(ctx, plan, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Reports(ctx, plan, "xuat-khau")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("Reports = %d reports, want 4 (two puts of one slot leave one): %+v", len(got), got)
	}
	want := []string{"ben-luc|2022-01..03", "ben-luc|2022-03", "ben-luc|2022-04", "duc-hoa|2022-03"}
	for i, r := range got {
		if r.Slot() != want[i] {
			t.Errorf("Reports[%d].Slot() = %q, want %q", i, r.Slot(), want[i])
		}
	}
	if got[1].Value != second.Value {
		t.Errorf("March value = %v, want the second put %v", got[1].Value, second.Value)
	}

	// Items: the same name written differently is the same slot.
	item := kpi.Report{Indicator: "ccn", Unit: "duc-hoa", Item: "CCN Hựu Thạnh", Value: 1000, Date: t0}
	if _, err := s.PutReport(ctx, plan, item); err != nil {
		t.Fatal(err)
	}
	item.Item = "ccn huu thanh"
	if old, err := s.PutReport(ctx, plan, item); err != nil || old == nil || old.Item != "CCN Hựu Thạnh" || !old.Date.Equal(t0) {
		t.Errorf("second item PutReport old = %+v, %v; want the first item", old, err)
	}
	if rs, _ := s.Reports(ctx, plan, "ccn"); len(rs) != 1 {
		t.Errorf("item reports = %d, want 1", len(rs))
	}
}

func TestAmountsStayExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	// 96.400 tỉ đồng in milli-đồng is beyond a double's exact integers.
	r := kpi.Report{Indicator: "ban-le", Unit: "tan-an", Period: kpi.Month(2022, 1), Value: 96_400_000_000_000_123}
	if _, err := s.PutReport(ctx, plan, r); err != nil {
		t.Fatal(err)
	}
	id := pend(t, s, 1, time.Minute, r)
	if _, err := s.Confirm(ctx, plan, id, 1, "A", t0, "1:1", nil); err != nil {
		t.Fatal(err)
	}
	rs, _ := s.Reports(ctx, plan, "ban-le")
	h, _ := s.History(ctx, plan, "ban-le", "", 1)
	if len(rs) != 1 || rs[0].Value != r.Value || len(h) != 1 || h[0].Old.Value != r.Value {
		t.Errorf("value came back as %+v / %+v, want %d exactly", rs, h, r.Value)
	}
}

// countHook counts single commands and pipelines sent by a client, leaving
// out the handshake of a new connection (HELLO, CLIENT SETINFO), which the
// pool sends whenever it dials.
type countHook struct {
	cmds, pipes atomic.Int64
	mu          sync.Mutex
	names       []string
}

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if handshake(cmd) {
			return next(ctx, cmd)
		}
		h.cmds.Add(1)
		h.mu.Lock()
		h.names = append(h.names, cmd.Name())
		h.mu.Unlock()
		return next(ctx, cmd)
	}
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if handshake(cmds[0]) {
			return next(ctx, cmds)
		}
		h.pipes.Add(1)
		h.mu.Lock()
		for _, c := range cmds {
			h.names = append(h.names, "pipe:"+c.Name())
		}
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

func TestAllReportsOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := storetest.Redis(t)
	s := store.New(rdb, storetest.Prefix(t))
	for i, ind := range []string{"xuat-khau", "nhap-khau", "ban-le"} {
		for m := 1; m <= 3; m++ {
			if _, err := s.PutReport(ctx, plan, monthly(ind, "ben-luc", m, int64(i*10+m))); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := &countHook{}
	rdb.AddHook(h)
	got, err := s.AllReports(ctx, plan, []string{"xuat-khau", "nhap-khau", "ban-le", "grdp"})
	if err != nil {
		t.Fatal(err)
	}
	if c, p := h.cmds.Load(), h.pipes.Load(); c != 0 || p != 1 {
		t.Errorf("AllReports sent %d commands and %d pipelines (%v), want one pipeline", c, p, h.names)
	}
	if len(got) != 4 || len(got["xuat-khau"]) != 3 || len(got["ban-le"]) != 3 || len(got["grdp"]) != 0 {
		t.Errorf("AllReports = %v, want 3 reports for each reported indicator, none for grdp", got)
	}
	if _, ok := got["grdp"]; !ok {
		t.Errorf("AllReports leaves out the indicator without reports")
	}
	if r := got["ban-le"][2]; r.Value != kpi.Amount(23*kpi.AmountScale) || r.Period != kpi.Month(2022, 3) {
		t.Errorf("ban-le March = %+v", r)
	}
}

// A progress answer or the overview reads official and awaiting figures in
// one round trip.
func TestFiguresOneRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := storetest.Redis(t)
	s := store.New(rdb, storetest.Prefix(t))
	if _, err := s.PutReport(ctx, plan, monthly("xuat-khau", "ben-luc", 1, 5)); err != nil {
		t.Fatal(err)
	}
	id, err := s.PutPending(ctx, store.Pending{UserID: 7, Reports: []kpi.Report{monthly("xuat-khau", "ben-luc", 2, 6)}, Awaiting: true}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Confirm(ctx, plan, id, 7, "Hùng", time.Now(), "1:1", nil); err != nil {
		t.Fatal(err)
	}
	h := &countHook{}
	rdb.AddHook(h)
	got, err := s.Figures(ctx, plan, []string{"xuat-khau", "grdp"})
	if err != nil {
		t.Fatal(err)
	}
	if c, p := h.cmds.Load(), h.pipes.Load(); c != 0 || p != 1 {
		t.Errorf("Figures sent %d commands and %d pipelines (%v), want one pipeline", c, p, h.names)
	}
	if len(got.Official["xuat-khau"]) != 1 || len(got.Awaiting["xuat-khau"]) != 1 || got.Awaiting["xuat-khau"][0].Period != kpi.Month(2022, 2) {
		t.Errorf("Figures = %+v, want January official and February awaiting", got)
	}
	if _, ok := got.Awaiting["grdp"]; !ok {
		t.Errorf("Figures leaves out an indicator with nothing awaiting")
	}
}

// The update log: a second delivery of an update in hand or done is
// refused; one whose owner died (no heartbeat) is taken over at once, not
// after the lease; one whose owner lives is busy, not done.
func TestClaimUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			const lease, beat = 10 * time.Minute, 300 * time.Millisecond
			claim := func(id int64, who string, want store.UpdateClaim) {
				t.Helper()
				if got, err := s.ClaimUpdate(ctx, id, who, lease); err != nil || got != want {
					t.Fatalf("ClaimUpdate(%d, %s) = %v, %v; want %v", id, who, got, err, want)
				}
			}
			for _, who := range []string{"a", "b"} {
				if err := s.Heartbeat(ctx, who, beat); err != nil {
					t.Fatal(err)
				}
			}
			claim(1001, "a", store.UpdateTaken)
			claim(1001, "a", store.UpdateBusy) // its own redelivery while handling
			claim(1001, "b", store.UpdateBusy) // another live copy
			claim(1002, "b", store.UpdateTaken)

			// a is killed: its heartbeat stops; b takes 1001 over long before the lease.
			elapse(beat + 100*time.Millisecond)
			if err := s.Heartbeat(ctx, "b", time.Hour); err != nil {
				t.Fatal(err)
			}
			claim(1001, "b", store.UpdateTakenOver)
			claim(1001, "a", store.UpdateBusy)
			if err := s.DoneUpdate(ctx, 1001, 24*time.Hour); err != nil {
				t.Fatal(err)
			}
			claim(1001, "a", store.UpdateDone)
			claim(1001, "b", store.UpdateDone)

			// A clean stop hands over at once too.
			if err := s.Retire(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			claim(1002, "c", store.UpdateTakenOver)
		})
	}
}

// The inbox keeps updates taken from getUpdates until they are done, in
// id order; what expired leaves the index too.
func TestInbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, elapse := b.open(t)
			ids := func() []int64 {
				t.Helper()
				in, err := s.Inbox(ctx, 100)
				if err != nil {
					t.Fatal(err)
				}
				var out []int64
				for _, u := range in {
					if string(u.Body) != fmt.Sprintf(`{"update_id":%d}`, u.ID) {
						t.Errorf("update %d: body %s", u.ID, u.Body)
					}
					out = append(out, u.ID)
				}
				return out
			}
			save := func(keep time.Duration, nums ...int64) {
				t.Helper()
				var ups []store.Inbound
				for _, n := range nums {
					ups = append(ups, store.Inbound{ID: n, Body: fmt.Appendf(nil, `{"update_id":%d}`, n)})
				}
				if err := s.SaveUpdates(ctx, ups, keep); err != nil {
					t.Fatal(err)
				}
			}
			save(time.Hour, 12, 10, 11)
			if got := ids(); !slices.Equal(got, []int64{10, 11, 12}) {
				t.Fatalf("Inbox = %v, want [10 11 12]", got)
			}
			if err := s.DoneUpdate(ctx, 11, time.Hour); err != nil {
				t.Fatal(err)
			}
			save(200*time.Millisecond, 13)
			elapse(300 * time.Millisecond)
			if got := ids(); !slices.Equal(got, []int64{10, 12}) {
				t.Fatalf("Inbox after one done and one expired = %v, want [10 12]", got)
			}
		})
	}
}

func TestPending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	old := monthly("xuat-khau", "ben-luc", 3, 500)
	p := store.Pending{
		UserID: 20, ChatID: -100123, MessageID: 42,
		Reports: []kpi.Report{monthly("xuat-khau", "ben-luc", 3, 520), monthly("nhap-khau", "ben-luc", 3, 410)},
		Old:     []*kpi.Report{&old, nil},
		Lang:    "vi", Created: t0, NeedsSecond: true,
	}
	id, err := s.PutPending(ctx, p, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,12}$`).MatchString(id) || len("ok:"+id) > 64 {
		t.Errorf("pending id %q is not a short URL-safe id", id)
	}
	if id2, _ := s.PutPending(ctx, p, time.Minute); id2 == id {
		t.Errorf("two submissions got the same id %q", id)
	}
	got, err := s.Pending(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.UserID != 20 || got.ChatID != -100123 || got.MessageID != 42 || got.Lang != "vi" ||
		!got.Created.Equal(t0) || !got.NeedsSecond || len(got.Reports) != 2 || got.Reports[1].Value != 410*kpi.AmountScale ||
		len(got.Old) != 2 || got.Old[0] == nil || got.Old[0].Value != 500*kpi.AmountScale || got.Old[1] != nil {
		t.Errorf("Pending = %+v, want what was put", got)
	}

	got.NeedsSecond = false
	if err := s.UpdatePending(ctx, got, time.Minute); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Pending(ctx, id); again.NeedsSecond {
		t.Errorf("UpdatePending did not clear NeedsSecond")
	}

	if err := s.DropPending(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pending(ctx, id); !errors.Is(err, store.ErrExpired) {
		t.Errorf("Pending after DropPending: err = %v, want ErrExpired", err)
	}
	if err := s.DropPending(ctx, id); err != nil {
		t.Errorf("second DropPending (a second Cancel press): %v", err)
	}
	if err := s.UpdatePending(ctx, got, time.Minute); !errors.Is(err, store.ErrExpired) {
		t.Errorf("UpdatePending of a dropped submission: err = %v, want ErrExpired", err)
	}
	if _, err := s.Pending(ctx, id); !errors.Is(err, store.ErrExpired) {
		t.Errorf("UpdatePending recreated a dropped submission")
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, prefix string
		parts        []string
		want         string
	}{
		{"default prefix", "", []string{"remind", "sent", "42"}, "{tiendo}:remind:sent:42"},
		{"own prefix", "tiendo-test", []string{"x"}, "{tiendo-test}:x"},
		{"braces cannot break the hash tag", "a{b}", []string{"x"}, "{a_b_}:x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.New(nil, tc.prefix).Key(tc.parts...); got != tc.want {
				t.Errorf("Key = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOneSlot checks that every key the store writes carries the hash tag, by
// listing the keys a full round of use leaves on the server.
func TestOneSlot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, rdb := storetest.Miniredis(t)
	s := store.New(rdb, "")
	_ = s.PutUser(ctx, access.User{ID: 1, Role: access.Admin, Lang: "vi"})
	_, _ = s.ClaimUpdate(ctx, 5, "i", time.Minute)
	_ = s.Heartbeat(ctx, "i", time.Minute)
	id := pend(t, s, 1, time.Minute, monthly("xuat-khau", "ben-luc", 3, 1))
	_, _ = s.PutPending(ctx, store.Pending{}, time.Minute)
	if _, err := s.Confirm(ctx, plan, id, 1, "A", t0, "1:2", nil); err != nil {
		t.Fatal(err)
	}
	keys := m.Keys()
	if len(keys) < 6 {
		t.Fatalf("keys = %v, want users, lang, update, pending, report, audit, undo", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "{tiendo}:") {
			t.Errorf("key %q is outside the {tiendo} hash tag", k)
		}
	}
}

// TestReportKeepsWhatWasRead: the status, the stated comparisons and the
// quoted words a figure was read from survive the store, pending and stored.
func TestReportKeepsWhatWasRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := realStore(t)
	r := monthly("xuat-khau", "ben-luc", 3, 520_000_000)
	r.Status = kpi.Estimate
	r.Stated = []kpi.Stated{{Basis: kpi.SamePeriod, Pct: 12_000}, {Basis: kpi.OfPlan, Pct: -1_500}}
	r.Quote = "Kim ngạch xuất khẩu tháng 3 ước đạt 520 triệu USD"
	id, err := s.PutPending(ctx, store.Pending{UserID: 20, ChatID: 20, Reports: []kpi.Report{r}, Created: t0}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Pending(ctx, id)
	if err != nil || len(p.Reports) != 1 {
		t.Fatalf("Pending = %+v, %v", p, err)
	}
	if _, err := s.PutReport(ctx, plan, p.Reports[0]); err != nil {
		t.Fatal(err)
	}
	all, err := s.AllReports(ctx, plan, []string{"xuat-khau"})
	if err != nil || len(all["xuat-khau"]) != 1 {
		t.Fatalf("AllReports = %v, %v", all, err)
	}
	got := all["xuat-khau"][0]
	if got.Status != kpi.Estimate || got.Quote != r.Quote || len(got.Stated) != 2 || got.Stated[0] != r.Stated[0] || got.Stated[1] != r.Stated[1] {
		t.Errorf("stored %+v; want status, stated and quote of %+v", got, r)
	}
}

// Taking an update also reads who sent it, as User and Lang would, in one
// command: a registered user with their language, a stranger with the
// language they chose, someone never seen. An update not taken reads nothing.
func TestClaimUpdateFromReadsTheCaller(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := storetest.Redis(t)
	s := store.New(rdb, storetest.Prefix(t))
	if err := s.PutUser(ctx, access.User{ID: 7, Name: "Hùng", Role: access.Reporter, Unit: "ben-luc", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLang(ctx, 8, "en"); err != nil { // a stranger's choice
		t.Fatal(err)
	}
	if _, _, err := s.ClaimUpdateFrom(ctx, 2999, "a", time.Minute, 1); err != nil { // loads the script
		t.Fatal(err)
	}
	for _, c := range []struct {
		user  int64
		found bool
		lang  string
	}{{7, true, "en"}, {8, false, "en"}, {9, false, ""}} {
		want, err := s.User(ctx, c.user)
		if c.found != (err == nil) {
			t.Fatalf("User(%d): %v", c.user, err)
		}
		h := &countHook{}
		rdb.AddHook(h)
		claim, got, err := s.ClaimUpdateFrom(ctx, 3000+c.user, "a", time.Minute, c.user)
		if err != nil || claim != store.UpdateTaken || got == nil {
			t.Fatalf("ClaimUpdateFrom(user %d) = %v, %+v, %v", c.user, claim, got, err)
		}
		if n, p := h.cmds.Load(), h.pipes.Load(); n != 1 || p != 0 {
			t.Errorf("user %d: %d commands and %d pipelines (%v), want one command", c.user, n, p, h.names)
		}
		if got.Found != c.found || got.Lang != c.lang || (c.found && !reflect.DeepEqual(got.User, want)) {
			t.Errorf("user %d: caller %+v, want found %v, lang %q, user %+v", c.user, got, c.found, c.lang, want)
		}
		if claim, got, err := s.ClaimUpdateFrom(ctx, 3000+c.user, "a", time.Minute, c.user); err != nil || claim != store.UpdateBusy || got != nil {
			t.Errorf("second claim = %v, %+v, %v; want busy and no caller", claim, got, err)
		}
	}
}

// DoneUpdates marks many updates done and takes them out of the inbox in
// one command; a save arriving after the mark does not bring them back.
func TestDoneUpdatesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			var ups []store.Inbound
			for id := int64(20); id < 25; id++ {
				ups = append(ups, store.Inbound{ID: id, Body: []byte(`{}`)})
				if _, err := s.ClaimUpdate(ctx, id, "a", time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SaveUpdates(ctx, ups, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := s.DoneUpdates(ctx, []int64{20, 22, 24}, time.Hour); err != nil {
				t.Fatal(err)
			}
			// A batch whose save lands after one of its updates is done
			// leaves that one out.
			if err := s.SaveUpdates(ctx, ups[:1], time.Hour); err != nil {
				t.Fatal(err)
			}
			in, err := s.Inbox(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(in) != 2 || in[0].ID != 21 || in[1].ID != 23 {
				t.Errorf("Inbox = %v, want 21 and 23 left", in)
			}
			for id, want := range map[int64]store.UpdateClaim{20: store.UpdateDone, 22: store.UpdateDone, 24: store.UpdateDone, 21: store.UpdateBusy} {
				if err := s.Heartbeat(ctx, "a", time.Hour); err != nil {
					t.Fatal(err)
				}
				if got, err := s.ClaimUpdate(ctx, id, "b", time.Minute); err != nil || got != want {
					t.Errorf("ClaimUpdate(%d) = %v, %v; want %v", id, got, err, want)
				}
			}
		})
	}
}

// Records are decoded once and remembered by their text: a changed figure
// reads as changed, and what a caller does to a report it read does not
// reach the next reader.
func TestReportsReadAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := store.New(storetest.Redis(t), storetest.Prefix(t))
	r := monthly("xuat-khau", "ben-luc", 3, 500)
	r.Stated = []kpi.Stated{{Basis: kpi.SamePeriod, Pct: 12 * kpi.AmountScale}}
	if _, err := s.PutReport(ctx, plan, r); err != nil {
		t.Fatal(err)
	}
	read := func() kpi.Report {
		t.Helper()
		got, err := s.Reports(ctx, plan, "xuat-khau")
		if err != nil || len(got) != 1 {
			t.Fatalf("Reports = %v, %v", got, err)
		}
		return got[0]
	}
	first := read()
	first.Stated[0].Pct = 0
	first.ByName = "changed by a caller"
	if again := read(); again.Stated[0].Pct != 12*kpi.AmountScale || again.ByName != r.ByName {
		t.Errorf("a caller's change reached the next read: %+v", again)
	}
	r.Value = 520 * kpi.AmountScale
	if _, err := s.PutReport(ctx, plan, r); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.Value != r.Value {
		t.Errorf("after a new figure, Reports says %v, want %v", got.Value, r.Value)
	}
}
