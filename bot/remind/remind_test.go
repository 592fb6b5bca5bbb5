package remind

import (
	"slices"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// hcm is the bot's default time zone, loaded the way the binary loads it.
func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatalf("load Asia/Ho_Chi_Minh: %v", err)
	}
	return loc
}

// at is a local time in Ho Chi Minh City.
func at(t testing.TB, y int, mo time.Month, d, h, mi int) time.Time {
	t.Helper()
	return time.Date(y, mo, d, h, mi, 0, 0, hcm(t))
}

func ids(ds []Deadline) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func TestPlanDeadlines(t *testing.T) {
	p := kpi.DefaultPlan()
	loc := hcm(t)
	june20 := at(t, 2022, 6, 20, 17, 0)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{
			name: "June 2022: May's monthly figures, due on the 20th",
			from: at(t, 2022, 6, 1, 0, 0), to: at(t, 2022, 7, 1, 0, 0),
			want: []string{"plan:ban-le:2022-05", "plan:iip:2022-05", "plan:nhap-khau:2022-05", "plan:xuat-khau:2022-05"},
		},
		{
			name: "July 2022 adds the second quarter's quarterly figures",
			from: at(t, 2022, 7, 1, 0, 0), to: at(t, 2022, 8, 1, 0, 0),
			want: []string{
				"plan:ban-le:2022-06", "plan:grdp:2022-04..06", "plan:ho-dung-dien:2022-04..06",
				"plan:iip:2022-06", "plan:nhap-khau:2022-06", "plan:xuat-khau:2022-06",
			},
		},
		{
			name: "the window starts at the due time itself",
			from: june20, to: june20.Add(time.Minute),
			want: []string{"plan:ban-le:2022-05", "plan:iip:2022-05", "plan:nhap-khau:2022-05", "plan:xuat-khau:2022-05"},
		},
		{
			name: "the window ends before the due time",
			from: at(t, 2022, 6, 1, 0, 0), to: june20,
			want: nil,
		},
		{
			name: "after the plan's year only December's and the fourth quarter's deadlines, in January",
			from: at(t, 2023, 1, 1, 0, 0), to: at(t, 2030, 1, 1, 0, 0),
			want: []string{
				"plan:ban-le:2022-12", "plan:grdp:2022-10..12", "plan:ho-dung-dien:2022-10..12",
				"plan:iip:2022-12", "plan:nhap-khau:2022-12", "plan:xuat-khau:2022-12",
			},
		},
		{
			name: "from February of the next year: nothing",
			from: at(t, 2023, 2, 1, 0, 0), to: at(t, 2030, 1, 1, 0, 0),
			want: nil,
		},
		{
			name: "before the plan's year: nothing",
			from: at(t, 2020, 1, 1, 0, 0), to: at(t, 2022, 2, 1, 0, 0),
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := PlanDeadlines(p, loc, tc.from, tc.to)
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("ids = %q\nwant  %q", ids(got), tc.want)
			}
		})
	}

	t.Run("a whole year: 4 monthly indicators x 12 months and 2 quarterly x 4 quarters", func(t *testing.T) {
		got := PlanDeadlines(p, loc, at(t, 2022, 1, 1, 0, 0), at(t, 2023, 12, 31, 0, 0))
		if len(got) != 4*12+2*4 {
			t.Fatalf("%d deadlines, want %d", len(got), 4*12+2*4)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Due.Before(got[i-1].Due) {
				t.Errorf("%s comes after %s but is due earlier", got[i].ID, got[i-1].ID)
			}
		}
	})

	t.Run("what a plan deadline says", func(t *testing.T) {
		got := PlanDeadlines(p, loc, june20, june20.Add(time.Minute))
		xk := got[3]
		if !xk.Due.Equal(june20) || xk.Due.Location() != loc {
			t.Errorf("due %v, want %v local", xk.Due, june20)
		}
		if xk.Indicator != "xuat-khau" || xk.Period != "2022-05" || !xk.Plan || xk.Title != p.Indicator("xuat-khau").NameVI {
			t.Errorf("deadline = %+v", xk)
		}
		if !slices.Equal(xk.Leads, []time.Duration{5 * Day, Day}) {
			t.Errorf("leads %v, want 5 days and 1 day", xk.Leads)
		}
		if len(xk.Assignees) != 15 || xk.Assignees[0] != (Assignee{Unit: "tan-an"}) {
			t.Errorf("export is reported by the 15 district units, got %v", xk.Assignees)
		}
		iip := got[1]
		if len(iip.Assignees) != 1 || iip.Assignees[0] != (Assignee{Unit: "so-cong-thuong"}) {
			t.Errorf("IIP is reported by the department alone, got %v", iip.Assignees)
		}
	})
}

func TestPlanDeadline(t *testing.T) {
	p := kpi.DefaultPlan()
	loc := hcm(t)
	for _, d := range PlanDeadlines(p, loc, at(t, 2022, 1, 1, 0, 0), at(t, 2024, 1, 1, 0, 0)) {
		got, ok := PlanDeadline(p, loc, d.ID)
		if !ok || got.ID != d.ID || !got.Due.Equal(d.Due) || len(got.Assignees) != len(d.Assignees) {
			t.Errorf("PlanDeadline(%q) = %v, %v; want the deadline PlanDeadlines gave", d.ID, got, ok)
		}
	}
	bad := []struct{ name, id string }{
		{"a one-off id", "12"},
		{"unknown indicator", "plan:khong-co:2022-05"},
		{"an event-driven indicator", "plan:cum-cong-nghiep:2022-05"},
		{"another year", "plan:xuat-khau:2023-01"},
		{"a quarter of a monthly indicator", "plan:xuat-khau:2022-04..06"},
		{"a month of a quarterly indicator", "plan:grdp:2022-05"},
		{"no period", "plan:xuat-khau"},
		{"bad period", "plan:xuat-khau:2022-13"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if d, ok := PlanDeadline(p, loc, tc.id); ok {
				t.Errorf("PlanDeadline(%q) = %v, want none", tc.id, d)
			}
		})
	}
}

func TestAssigneeKey(t *testing.T) {
	tests := []struct {
		name string
		a    Assignee
		key  string
	}{
		{"unit", Assignee{Unit: "duc-hue"}, "unit:duc-hue"},
		{"user", Assignee{UserID: 123456789}, "user:123456789"},
		{"group", Assignee{ChatID: -1001234}, "chat:-1001234"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Key(); got != tc.key {
				t.Errorf("Key() = %q, want %q", got, tc.key)
			}
			if got, ok := ParseAssigneeKey(tc.key); !ok || got != tc.a {
				t.Errorf("ParseAssigneeKey(%q) = %v, %v", tc.key, got, ok)
			}
		})
	}
	for _, s := range []string{"", "unit:", "user:abc", "user:0", "group:1", "duc-hue"} {
		if a, ok := ParseAssigneeKey(s); ok {
			t.Errorf("ParseAssigneeKey(%q) = %v, want not ok", s, a)
		}
	}
}

func TestDeadlineConcerns(t *testing.T) {
	d := Deadline{ID: "1", Assignees: []Assignee{{Unit: "duc-hue"}, {UserID: 42}, {ChatID: -100}}}
	tests := []struct {
		name string
		user int64
		unit string
		want bool
	}{
		{"a reporter of the unit", 7, "duc-hue", true},
		{"the user named", 42, "", true},
		{"someone of another unit", 7, "ben-luc", false},
		{"an editor with no unit", 8, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Concerns(tc.user, tc.unit); got != tc.want {
				t.Errorf("Concerns(%d, %q) = %v, want %v", tc.user, tc.unit, got, tc.want)
			}
		})
	}
}
