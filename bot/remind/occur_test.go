package remind

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

// nttc is the design's one-off deadline: the acceptance of the TTC Đức Huệ 2
// solar plant, added on 1 June 2022.
func nttc(t testing.TB) Deadline {
	t.Helper()
	return Deadline{
		ID: "12", Title: "Nghiệm thu đóng điện TTC Đức Huệ 2",
		Due:       at(t, 2022, 6, 30, 17, 0),
		Leads:     []time.Duration{7 * Day, Day},
		Assignees: []Assignee{{Unit: "duc-hue"}},
		CreatedBy: 1, Created: at(t, 2022, 6, 1, 10, 0),
	}
}

// brief is what a user would notice of an occurrence: who, what, when.
func brief(o Occurrence) string {
	return fmt.Sprintf("%s %s %s", o.Assignee.Key(), o.Kind, o.At.Format("02/01 15:04"))
}

func briefs(os []Occurrence) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = brief(o)
	}
	return out
}

func TestOccurrences(t *testing.T) {
	loc := hcm(t)
	night, _ := ParseQuiet(DefaultQuiet)
	tests := []struct {
		name string
		d    func(Deadline) Deadline
		q    Quiet
		want []string
	}{
		{
			name: "7 days and 1 day before, at the due time, then overdue",
			d:    func(d Deadline) Deadline { return d },
			q:    night,
			want: []string{"unit:duc-hue lead 23/06 17:00", "unit:duc-hue lead 29/06 17:00", "unit:duc-hue due 30/06 17:00", "unit:duc-hue overdue 30/06 18:00"},
		},
		{
			name: "a lead time before the deadline was added is skipped",
			d:    func(d Deadline) Deadline { d.Created = at(t, 2022, 6, 25, 9, 0); return d },
			q:    night,
			want: []string{"unit:duc-hue lead 29/06 17:00", "unit:duc-hue due 30/06 17:00", "unit:duc-hue overdue 30/06 18:00"},
		},
		{
			name: "quiet hours hold evening reminders to 07:00 the next day",
			d: func(d Deadline) Deadline {
				d.Due = at(t, 2022, 6, 30, 21, 30)
				d.Leads = []time.Duration{2 * time.Hour, 30 * time.Minute}
				return d
			},
			q:    night,
			want: []string{"unit:duc-hue lead 30/06 19:30", "unit:duc-hue lead 01/07 07:00", "unit:duc-hue due 01/07 07:00", "unit:duc-hue overdue 01/07 07:00"},
		},
		{
			name: "without quiet hours they go out at night",
			d: func(d Deadline) Deadline {
				d.Due = at(t, 2022, 6, 30, 21, 30)
				d.Leads = []time.Duration{30 * time.Minute}
				return d
			},
			q:    Quiet{Off: true},
			want: []string{"unit:duc-hue lead 30/06 21:00", "unit:duc-hue due 30/06 21:30", "unit:duc-hue overdue 30/06 22:30"},
		},
		{
			name: "each assignee who is not done",
			d: func(d Deadline) Deadline {
				d.Leads = []time.Duration{Day}
				d.Assignees = []Assignee{{Unit: "duc-hue"}, {UserID: 42}, {ChatID: -100}}
				d.Done = map[string]time.Time{"user:42": at(t, 2022, 6, 20, 8, 0)}
				return d
			},
			q: night,
			want: []string{
				"unit:duc-hue lead 29/06 17:00", "unit:duc-hue due 30/06 17:00", "unit:duc-hue overdue 30/06 18:00",
				"chat:-100 lead 29/06 17:00", "chat:-100 due 30/06 17:00", "chat:-100 overdue 30/06 18:00",
			},
		},
		{
			name: "repeated and unsorted leads give one reminder each",
			d:    func(d Deadline) Deadline { d.Leads = []time.Duration{Day, 7 * Day, Day}; return d },
			q:    night,
			want: []string{"unit:duc-hue lead 23/06 17:00", "unit:duc-hue lead 29/06 17:00", "unit:duc-hue due 30/06 17:00", "unit:duc-hue overdue 30/06 18:00"},
		},
		{
			name: "everyone done: nothing",
			d: func(d Deadline) Deadline {
				d.Done = map[string]time.Time{"unit:duc-hue": at(t, 2022, 6, 20, 8, 0)}
				return d
			},
			q:    night,
			want: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := briefs(Occurrences(tc.d(nttc(t)), tc.q, loc))
			if !slices.Equal(got, tc.want) {
				t.Errorf("occurrences\n got %q\nwant %q", got, tc.want)
			}
		})
	}

	t.Run("a held reminder keeps its nominal time", func(t *testing.T) {
		d := nttc(t)
		d.Due = at(t, 2022, 6, 30, 21, 30)
		os := Occurrences(d, night, loc)
		due := os[len(os)-2]
		if due.Kind != KindDue || !due.Nominal.Equal(d.Due) || !due.At.Equal(at(t, 2022, 7, 1, 7, 0)) {
			t.Errorf("due occurrence = %+v", due)
		}
	})
}

func TestTaskID(t *testing.T) {
	loc := hcm(t)
	d := nttc(t)
	d.Assignees = []Assignee{{Unit: "duc-hue"}, {UserID: 42}}
	first := Occurrences(d, Quiet{Off: true}, loc)
	again := Occurrences(d, Quiet{Off: true}, loc)
	seen := map[string]bool{}
	for i, o := range first {
		if o.TaskID() != again[i].TaskID() {
			t.Errorf("scheduling twice gives %q then %q", o.TaskID(), again[i].TaskID())
		}
		if seen[o.TaskID()] {
			t.Errorf("two reminders share the id %q", o.TaskID())
		}
		seen[o.TaskID()] = true
	}
	want := fmt.Sprintf("remind:12:unit:duc-hue:due:%d", d.Due.Unix())
	if got := first[2].TaskID(); got != want {
		t.Errorf("TaskID = %q, want %q", got, want)
	}
	// Quiet hours move when a reminder goes out, not which reminder it is.
	held := Occurrences(d, Quiet{From: 0, To: 23 * time.Hour}, loc)
	if held[2].TaskID() != first[2].TaskID() {
		t.Errorf("quiet hours changed the id: %q vs %q", held[2].TaskID(), first[2].TaskID())
	}
}

func TestDecide(t *testing.T) {
	loc := hcm(t)
	d := nttc(t)
	d.Assignees = []Assignee{{Unit: "duc-hue"}, {UserID: 42}}
	os := Occurrences(d, Quiet{Off: true}, loc)
	lead7, due := os[0], os[2]
	user := os[4] // user 42's first reminder
	nowDue := due.At

	plan := Deadline{
		ID: "plan:xuat-khau:2022-05", Due: at(t, 2022, 6, 20, 17, 0), Leads: DefaultPlanLeads,
		Assignees: []Assignee{{Unit: "duc-hue"}, {Unit: "ben-luc"}},
		Indicator: "xuat-khau", Period: "2022-05", Plan: true,
	}
	pos := Occurrences(plan, Quiet{Off: true}, loc)
	planDuc, planBen := pos[2], pos[6] // due, each unit
	benReported := func(unit, indicator, period string) bool {
		return unit == "ben-luc" && indicator == "xuat-khau" && period == "2022-05"
	}
	nobody := func(string, string, string) bool { return false }

	moved := d
	moved.Due = d.Due.Add(Day)
	fewer := d
	fewer.Leads = []time.Duration{Day}
	done := d
	done.Done = map[string]time.Time{"unit:duc-hue": at(t, 2022, 6, 28, 9, 0)}
	reassigned := d
	reassigned.Assignees = []Assignee{{Unit: "duc-hue"}}
	snooze := Snooze(due, nowDue, time.Hour, Quiet{Off: true}, loc)

	tests := []struct {
		name     string
		o        Occurrence
		d        Deadline
		reported func(string, string, string) bool
		now      time.Time
		send     bool
		why      string
	}{
		{"due and open: send", due, d, nobody, nowDue, true, WhySend},
		{"a little late: send", due, d, nobody, nowDue.Add(3 * time.Hour), true, WhySend},
		{"days late: still send (Fold decides how)", lead7, d, nobody, nowDue.Add(3 * Day), true, WhySend},
		{"slightly early (clock skew): send", due, d, nobody, nowDue.Add(-30 * time.Second), true, WhySend},
		{"early: not yet", due, d, nobody, nowDue.Add(-time.Hour), false, WhyEarly},
		{"removed (zero deadline)", due, Deadline{}, nobody, nowDue, false, WhyRemoved},
		{"another deadline", due, plan, nobody, nowDue, false, WhyRemoved},
		{"the assignee marked it done", due, done, nobody, nowDue, false, WhyDone},
		{"another assignee's done does not count", user, done, nobody, user.At, true, WhySend},
		{"the assignee was taken off", user, reassigned, nobody, user.At, false, WhyUnassigned},
		{"the due time moved", due, moved, nobody, nowDue, false, WhyMoved},
		{"the lead time was dropped", lead7, fewer, nobody, lead7.At, false, WhyMoved},
		{"a snooze of a moved deadline still goes out", snooze, moved, nobody, snooze.At, true, WhySend},
		{"plan: the unit reported the period", planBen, plan, benReported, planBen.At, false, WhyReported},
		{"plan: another unit's report does not count", planDuc, plan, benReported, planDuc.At, true, WhySend},
		{"plan: no report yet", planBen, plan, nobody, planBen.At, true, WhySend},
		{"a one-off deadline never asks for reports", due, d, func(string, string, string) bool { return true }, nowDue, true, WhySend},
		{"done wins over early", due, done, nobody, nowDue.Add(-Day), false, WhyDone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			send, why := Decide(tc.o, tc.d, tc.reported, tc.now)
			if send != tc.send || why != tc.why {
				t.Errorf("Decide = %v, %q; want %v, %q", send, why, tc.send, tc.why)
			}
		})
	}
}

func TestSnooze(t *testing.T) {
	loc := hcm(t)
	night, _ := ParseQuiet(DefaultQuiet)
	due := Occurrences(nttc(t), night, loc)[2]
	tests := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"an hour later", at(t, 2022, 6, 30, 17, 5).Add(20 * time.Second), at(t, 2022, 6, 30, 18, 5)},
		{"into the night: next morning", at(t, 2022, 6, 30, 19, 30), at(t, 2022, 7, 1, 7, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Snooze(due, tc.now, time.Hour, night, loc)
			if s.Kind != KindSnooze || s.Assignee != due.Assignee || s.DeadlineID != due.DeadlineID || !s.At.Equal(tc.want) {
				t.Errorf("Snooze = %+v, want at %v", s, tc.want)
			}
			if s.TaskID() == due.TaskID() {
				t.Error("the snooze has the id of the reminder it repeats")
			}
			if again := Snooze(due, tc.now.Add(10*time.Second), time.Hour, night, loc); again.TaskID() != s.TaskID() {
				t.Errorf("pressing twice within the minute gives two reminders: %q, %q", s.TaskID(), again.TaskID())
			}
		})
	}
}

func TestFold(t *testing.T) {
	now := at(t, 2022, 7, 3, 9, 0)
	duc, ben := Assignee{Unit: "duc-hue"}, Assignee{Unit: "ben-luc"}
	occ := func(a Assignee, ago time.Duration, kind string) Occurrence {
		return Occurrence{DeadlineID: "12", Assignee: a, At: now.Add(-ago), Nominal: now.Add(-ago), Kind: kind}
	}
	tests := []struct {
		name    string
		late    []Occurrence
		send    []string
		catchUp map[string][]string
	}{
		{"nothing", nil, nil, nil},
		{"on time and a few hours late: one by one",
			[]Occurrence{occ(duc, 0, KindDue), occ(ben, 5*time.Hour, KindLead)},
			[]string{"unit:duc-hue due 03/07 09:00", "unit:ben-luc lead 03/07 04:00"}, nil},
		{"exactly a day late still alone",
			[]Occurrence{occ(duc, FoldAfter, KindDue)},
			[]string{"unit:duc-hue due 02/07 09:00"}, nil},
		{"more than a day late: one catch-up per assignee, oldest first",
			[]Occurrence{occ(duc, 2*Day, KindDue), occ(duc, 9*Day, KindLead), occ(ben, 3*Day, KindOverdue), occ(duc, time.Hour, KindOverdue)},
			[]string{"unit:duc-hue overdue 03/07 08:00"},
			map[string][]string{
				"unit:duc-hue": {"unit:duc-hue lead 24/06 09:00", "unit:duc-hue due 01/07 09:00"},
				"unit:ben-luc": {"unit:ben-luc overdue 30/06 09:00"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			send, catchUp := Fold(tc.late, now)
			if got := briefs(send); !slices.Equal(got, tc.send) && (len(got) > 0 || len(tc.send) > 0) {
				t.Errorf("send %q, want %q", got, tc.send)
			}
			got := map[string][]string{}
			for a, os := range catchUp {
				got[a.Key()] = briefs(os)
			}
			if !maps.EqualFunc(got, tc.catchUp, slices.Equal) && (len(got) > 0 || len(tc.catchUp) > 0) {
				t.Errorf("catch-up %q, want %q", got, tc.catchUp)
			}
		})
	}
}

func TestNextDigestIsMondayEightLocal(t *testing.T) {
	loc := hcm(t)
	cases := []struct{ now, want string }{
		{"2022-06-15 10:00", "2022-06-20 08:00"}, // Wednesday -> next Monday
		{"2022-06-20 07:59", "2022-06-20 08:00"}, // Monday before eight
		{"2022-06-20 08:00", "2022-06-27 08:00"}, // Monday at eight: the next one
		{"2022-12-31 23:00", "2023-01-02 08:00"},
	}
	for _, c := range cases {
		now, _ := time.ParseInLocation("2006-01-02 15:04", c.now, loc)
		if got := NextDigest(now, loc).Format("2006-01-02 15:04"); got != c.want {
			t.Errorf("NextDigest(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}
