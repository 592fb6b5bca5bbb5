package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
)

var ict = time.FixedZone("ICT", 7*3600)

// oneOff is the design's deadline, with id.
func oneOff(id string) remind.Deadline {
	return remind.Deadline{
		ID: id, Title: "Nghiệm thu đóng điện TTC Đức Huệ 2",
		Due:       time.Date(2022, 6, 30, 17, 0, 0, 0, ict),
		Leads:     []time.Duration{7 * remind.Day, remind.Day, 2 * time.Hour},
		Assignees: []remind.Assignee{{Unit: "duc-hue"}, {UserID: 42}, {ChatID: -1001234}},
		CreatedBy: 7, Created: time.Date(2022, 6, 1, 10, 0, 0, 0, ict),
	}
}

func sameDeadline(t *testing.T, got, want remind.Deadline) {
	t.Helper()
	if got.ID != want.ID || got.Title != want.Title || !got.Due.Equal(want.Due) ||
		!slices.Equal(got.Leads, want.Leads) || !slices.Equal(got.Assignees, want.Assignees) ||
		got.Indicator != want.Indicator || got.Period != want.Period || got.Plan != want.Plan ||
		got.CreatedBy != want.CreatedBy || !got.Created.Equal(want.Created) || len(got.Done) != len(want.Done) {
		t.Fatalf("deadline\n got %+v\nwant %+v", got, want)
	}
	for k, v := range want.Done {
		if !got.Done[k].Equal(v) {
			t.Fatalf("done[%s] = %v, want %v", k, got.Done[k], v)
		}
	}
}

func notFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, remind.ErrNoDeadline) {
		t.Fatalf("error = %v, want ErrNotFound and remind.ErrNoDeadline", err)
	}
}

func TestDeadlines(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			_, err := s.Deadline(ctx, "1")
			notFound(t, err)

			id, err := s.NextDeadlineID(ctx)
			if err != nil || id != "1" {
				t.Fatalf("NextDeadlineID = %q, %v; want 1", id, err)
			}
			d := oneOff(id)
			if err := s.PutDeadline(ctx, d); err != nil {
				t.Fatal(err)
			}
			got, err := s.Deadline(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			sameDeadline(t, got, d)

			// One assignee done: still open; the first time is kept.
			first := time.Date(2022, 6, 28, 9, 0, 0, 0, ict)
			if err := s.MarkDone(ctx, id, "unit:duc-hue", first); err != nil {
				t.Fatal(err)
			}
			if err := s.MarkDone(ctx, id, "unit:duc-hue", first.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Deadline(ctx, id)
			if !got.Done["unit:duc-hue"].Equal(first) || len(got.Done) != 1 {
				t.Fatalf("done = %v, want duc-hue at %v", got.Done, first)
			}
			// An edit (say a new title) does not undo a done.
			edited := d
			edited.Title = "Nghiệm thu (dời lịch)"
			if err := s.PutDeadline(ctx, edited); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Deadline(ctx, id)
			if got.Title != edited.Title || !got.IsDone(remind.Assignee{Unit: "duc-hue"}) {
				t.Fatalf("after edit: %+v", got)
			}
			open, err := s.Deadlines(ctx)
			if err != nil || len(open) != 1 {
				t.Fatalf("Deadlines = %v, %v; want the one still open", open, err)
			}
			// Everyone done: closed, no longer listed, still readable.
			for _, k := range []string{"user:42", "chat:-1001234"} {
				if err := s.MarkDone(ctx, id, k, first); err != nil {
					t.Fatal(err)
				}
			}
			if open, _ = s.Deadlines(ctx); len(open) != 0 {
				t.Fatalf("Deadlines = %v, want none open", open)
			}
			if got, err = s.Deadline(ctx, id); err != nil || got.Open() {
				t.Fatalf("Deadline = %+v, %v; want it, closed", got, err)
			}

			if err := s.DeleteDeadline(ctx, id); err != nil {
				t.Fatal(err)
			}
			_, err = s.Deadline(ctx, id)
			notFound(t, err)
			notFound(t, s.DeleteDeadline(ctx, id))
			// A done pressed after the removal leaves nothing behind.
			notFound(t, s.MarkDone(ctx, id, "unit:duc-hue", first))
			if err := s.PutDeadline(ctx, d); err != nil {
				t.Fatal(err)
			}
			if got, _ = s.Deadline(ctx, id); len(got.Done) != 0 {
				t.Fatalf("done marks survived the removal: %v", got.Done)
			}
		})
	}
}

func TestDeadlinesOrder(t *testing.T) {
	ctx := context.Background()
	s := realStore(t)
	due := time.Date(2022, 6, 30, 17, 0, 0, 0, ict)
	for _, d := range []struct {
		id  string
		due time.Time
	}{{"10", due}, {"9", due}, {"3", due.Add(remind.Day)}, {"11", due.Add(-remind.Day)}} {
		dl := oneOff(d.id)
		dl.Due = d.due
		if err := s.PutDeadline(ctx, dl); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Deadlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range got {
		ids = append(ids, d.ID)
	}
	if want := []string{"11", "9", "10", "3"}; !slices.Equal(ids, want) {
		t.Errorf("order %q, want %q (earliest due first, then by number)", ids, want)
	}
}

func TestPutDeadlineRefusesPlanIDs(t *testing.T) {
	s := realStore(t)
	d := oneOff(remind.PlanDeadlineID("xuat-khau", kpi.Month(2022, 5)))
	if err := s.PutDeadline(context.Background(), d); err == nil {
		t.Error("a plan deadline was stored; they are computed from the plan")
	}
	if err := s.PutDeadline(context.Background(), oneOff("")); err == nil {
		t.Error("a deadline without id was stored")
	}
}

func TestNextDeadlineIDConcurrent(t *testing.T) {
	s := realStore(t)
	const n = 20
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id, err := s.NextDeadlineID(context.Background())
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if len(slices.Compact(ids)) != n {
		t.Errorf("ids %q are not all different", ids)
	}
}

func TestSentLog(t *testing.T) {
	ctx := context.Background()
	const task = "remind:12:unit:duc-hue:due:1656583200"
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, elapse := b.open(t)
			claim := func(want remind.SendState) {
				t.Helper()
				st, err := s.ClaimSend(ctx, task, time.Second)
				if err != nil || st != want {
					t.Fatalf("ClaimSend = %v, %v; want %v", st, err, want)
				}
			}
			claim(remind.SendClaimed)
			claim(remind.SendBusy) // another copy of the bot, meanwhile
			if err := s.ReleaseSend(ctx, task); err != nil {
				t.Fatal(err)
			}
			claim(remind.SendClaimed) // the retry after a failed send
			elapse(1500 * time.Millisecond)
			claim(remind.SendClaimed) // the holder died: its lease ran out

			first, err := s.MarkSent(ctx, task)
			if err != nil || !first {
				t.Fatalf("MarkSent = %v, %v; want true", first, err)
			}
			if again, err := s.MarkSent(ctx, task); err != nil || again {
				t.Fatalf("MarkSent again = %v, %v; want false", again, err)
			}
			claim(remind.SendDone)
			// A late release (the sender's context ran out after the mark)
			// must not erase the mark.
			if err := s.ReleaseSend(ctx, task); err != nil {
				t.Fatal(err)
			}
			elapse(1500 * time.Millisecond)
			claim(remind.SendDone)
			ttl, err := s.Client().TTL(ctx, s.Key("remind", "sent", task)).Result()
			if err != nil || ttl < store.SentTTL-time.Minute {
				t.Errorf("the sent log keeps it for %v, want about %v", ttl, store.SentTTL)
			}
		})
	}
}

func TestClaimSendConcurrent(t *testing.T) {
	s := realStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[remind.SendState]int{}
	for range 10 {
		wg.Go(func() {
			st, err := s.ClaimSend(context.Background(), "remind:x", time.Minute)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			got[st]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got[remind.SendClaimed] != 1 || got[remind.SendBusy] != 9 {
		t.Errorf("claims %v, want exactly one", got)
	}
}

func TestLeadersChat(t *testing.T) {
	ctx := context.Background()
	s := realStore(t)
	if _, err := s.LeadersChat(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("LeadersChat before any = %v, want ErrNotFound", err)
	}
	for _, id := range []int64{-1001234567890, -1009876} {
		if err := s.SetLeadersChat(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got, err := s.LeadersChat(ctx); err != nil || got != id {
			t.Fatalf("LeadersChat = %d, %v; want %d", got, err, id)
		}
	}
}

func TestReported(t *testing.T) {
	ctx := context.Background()
	s := realStore(t)
	put := func(r kpi.Report) {
		t.Helper()
		if _, err := s.PutReport(ctx, plan, r); err != nil {
			t.Fatal(err)
		}
	}
	put(monthly("xuat-khau", "ben-luc", 3, 520_000_000))
	ytd := monthly("xuat-khau", "duc-hue", 5, 2_510_000_000)
	ytd.Period = kpi.YearToDate(2022, 5)
	put(ytd)
	q := monthly("grdp", "so-cong-thuong", 6, 7)
	q.Period = kpi.Quarter(2022, 2)
	put(q)

	tests := []struct {
		name, unit, indicator, period string
		want                          bool
	}{
		{"the month reported", "ben-luc", "xuat-khau", "2022-03", true},
		{"another month", "ben-luc", "xuat-khau", "2022-04", false},
		{"another unit", "can-duoc", "xuat-khau", "2022-03", false},
		{"another indicator", "ben-luc", "nhap-khau", "2022-03", false},
		{"a year-to-date total answers its last month", "duc-hue", "xuat-khau", "2022-05", true},
		// April is inside "lũy kế 5 tháng": the unit is not chased for it
		// (the answers and the table say it has reported, kpi.Series.Reported).
		{"and the months it covers", "duc-hue", "xuat-khau", "2022-04", true},
		{"but not a month after it", "duc-hue", "xuat-khau", "2022-06", false},
		{"a quarter", "so-cong-thuong", "grdp", "2022-04..06", true},
		{"another quarter", "so-cong-thuong", "grdp", "2022-07..09", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Reported(ctx, plan, tc.unit, tc.indicator, tc.period)
			if err != nil || got != tc.want {
				t.Errorf("Reported = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := s.Reported(ctx, plan, "ben-luc", "xuat-khau", "March"); err == nil {
		t.Error("a bad period key gave no error")
	}
}
