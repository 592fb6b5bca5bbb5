package remind

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// wantRefusal checks err is the *kpi.Error id with data.
func wantRefusal(t *testing.T, err error, id string, data map[string]string) {
	t.Helper()
	var e *kpi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *kpi.Error %s", err, id)
	}
	if e.ID != id || !maps.Equal(e.Data, data) {
		t.Fatalf("error = %v, want %s %v", e, id, data)
	}
}

func TestParseLeads(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []time.Duration
	}{
		{"the design's example", "7d,1d,2h,30m", []time.Duration{7 * Day, Day, 2 * time.Hour, 30 * time.Minute}},
		{"spaces after commas", "7d, 1d", []time.Duration{7 * Day, Day}},
		{"any order, longest first", "30m,2h,1d", []time.Duration{Day, 2 * time.Hour, 30 * time.Minute}},
		{"repeats dropped", "1d,1d,24h", []time.Duration{Day}},
		{"Vietnamese words", "7 ngày, 2 giờ, 30 phút", []time.Duration{7 * Day, 2 * time.Hour, 30 * time.Minute}},
		{"Vietnamese without marks", "3 ngay;1 tieng", []time.Duration{3 * Day, time.Hour}},
		{"a week", "1w", []time.Duration{7 * Day}},
		{"glued units add up", "1d12h", []time.Duration{36 * time.Hour}},
		{"spaces separate leads", "7d 1d", []time.Duration{7 * Day, Day}},
		{"capitals", "2H,30M", []time.Duration{2 * time.Hour, 30 * time.Minute}},
		{"the longest allowed", "366d", []time.Duration{366 * Day}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLeads(tc.in)
			if err != nil {
				t.Fatalf("ParseLeads(%q): %v", tc.in, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ParseLeads(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"a number without a unit", "7"},
		{"a unit without a number", "d"},
		{"an unknown unit", "7x"},
		{"a word", "tuần sau"},
		{"zero", "0d"},
		{"a number then another number", "7 1d"},
		{"more than a year", "367d"},
		{"a huge number", "99999999999999d"},
		{"a decimal", "1.5h"},
		{"a negative", "-1d"},
		{"only commas", ",,"},
	}
	for _, tc := range bad {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			_, err := ParseLeads(tc.in)
			wantRefusal(t, err, ErrBadLeads, map[string]string{"text": tc.in})
		})
	}
}

func TestParseAdd(t *testing.T) {
	loc := hcm(t)
	now := at(t, 2022, 6, 10, 9, 0)
	tests := []struct {
		name string
		in   string
		want Draft
	}{
		{
			name: "the design's example",
			in:   "30/06/2022 17:00 | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d",
			want: Draft{Due: at(t, 2022, 6, 30, 17, 0), Title: "Nghiệm thu đóng điện TTC Đức Huệ 2", Who: []string{"Đức Huệ"}, Leads: []time.Duration{7 * Day, Day}},
		},
		{
			name: "no time: 17:00; no leads: one day",
			in:   "30/06/2022 | Báo cáo quý | Bến Lức, Cần Đước",
			want: Draft{Due: at(t, 2022, 6, 30, 17, 0), Title: "Báo cáo quý", Who: []string{"Bến Lức", "Cần Đước"}, Leads: []time.Duration{Day}},
		},
		{
			name: "an empty leads part means the default",
			in:   "1/7/2022 8h30 | Họp giao ban | nhóm này |  ",
			want: Draft{Due: at(t, 2022, 7, 1, 8, 30), Title: "Họp giao ban", Who: []string{"nhóm này"}, Leads: []time.Duration{Day}},
		},
		{
			name: "time before date, dashes, extra spaces",
			in:   "  17h   30-06-2022|  Nộp   báo cáo |123456789 ; Đức Hòa | 2h ",
			want: Draft{Due: at(t, 2022, 6, 30, 17, 0), Title: "Nộp báo cáo", Who: []string{"123456789", "Đức Hòa"}, Leads: []time.Duration{2 * time.Hour}},
		},
		{
			// The default day ahead would remind before now: left out, so
			// no reminder is listed (or sent) in the past.
			name: "a minute from now is fine, without the default lead",
			in:   "10/06/2022 09:01 | Gọi điện | Đức Huệ",
			want: Draft{Due: at(t, 2022, 6, 10, 9, 1), Title: "Gọi điện", Who: []string{"Đức Huệ"}},
		},
		{
			name: "ten lead times is the most",
			in:   "30/06/2022 17:00 | a | Đức Huệ | 10d,9d,8d,7d,6d,5d,4d,3d,2d,1d",
			want: Draft{Due: at(t, 2022, 6, 30, 17, 0), Title: "a", Who: []string{"Đức Huệ"},
				Leads: []time.Duration{10 * Day, 9 * Day, 8 * Day, 7 * Day, 6 * Day, 5 * Day, 4 * Day, 3 * Day, 2 * Day, Day}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAdd(tc.in, loc, now)
			if err != nil {
				t.Fatalf("ParseAdd: %v", err)
			}
			if !got.Due.Equal(tc.want.Due) || got.Title != tc.want.Title || !slices.Equal(got.Who, tc.want.Who) || !slices.Equal(got.Leads, tc.want.Leads) {
				t.Errorf("ParseAdd(%q)\n = %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}

	example := map[string]string{"example": AddExample}
	refused := []struct {
		name string
		in   string
		id   string
		data map[string]string
	}{
		{"nothing", "", ErrDeadlineFormat, example},
		{"no separators", "30/06/2022 17:00 Nghiệm thu Đức Huệ", ErrDeadlineFormat, example},
		{"two parts", "30/06/2022 | Nghiệm thu", ErrDeadlineFormat, example},
		{"five parts", "30/06/2022 | a | Đức Huệ | 1d | x", ErrDeadlineFormat, example},
		{"a date that does not exist", "31/06/2022 17:00 | a | Đức Huệ", ErrBadDate, map[string]string{"text": "31/06/2022 17:00", "example": AddExample}},
		{"a two-digit year", "30/06/22 | a | Đức Huệ", ErrBadDate, map[string]string{"text": "30/06/22", "example": AddExample}},
		{"month and day swapped", "06/30/2022 | a | Đức Huệ", ErrBadDate, map[string]string{"text": "06/30/2022", "example": AddExample}},
		{"an hour past 23", "30/06/2022 25:00 | a | Đức Huệ", ErrBadDate, map[string]string{"text": "30/06/2022 25:00", "example": AddExample}},
		{"words in the date", "ngày mai | a | Đức Huệ", ErrBadDate, map[string]string{"text": "ngày mai", "example": AddExample}},
		{"no date", " | a | Đức Huệ", ErrBadDate, map[string]string{"text": "", "example": AddExample}},
		{"past due", "01/06/2022 17:00 | a | Đức Huệ", ErrPastDue, map[string]string{"due": "01/06/2022 17:00"}},
		{"due right now", "10/06/2022 09:00 | a | Đức Huệ", ErrPastDue, map[string]string{"due": "10/06/2022 09:00"}},
		{"eleven lead times", "30/06/2022 17:00 | a | Đức Huệ | 11d,10d,9d,8d,7d,6d,5d,4d,3d,2d,1d", ErrTooManyLeads, map[string]string{"count": "11", "max": "10"}},
		{"a lead time before now", "12/06/2022 17:00 | a | Đức Huệ | 7d,1d", ErrLeadBeforeNow, map[string]string{"lead": "7d", "at": "05/06/2022 17:00", "due": "12/06/2022 17:00"}},
		{"a lead time of a day and a half before now", "11/06/2022 17:00 | a | Đức Huệ | 1d12h", ErrLeadBeforeNow, map[string]string{"lead": "1d12h", "at": "10/06/2022 05:00", "due": "11/06/2022 17:00"}},
		{"no title", "30/06/2022 |   | Đức Huệ", ErrNoTitle, example},
		{"nobody", "30/06/2022 | a | , ", ErrNoAssignee, example},
		{"bad leads", "30/06/2022 | a | Đức Huệ | 7 ngay mai", ErrBadLeads, map[string]string{"text": "7 ngay mai"}},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			_, err := ParseAdd(tc.in, loc, now)
			wantRefusal(t, err, tc.id, tc.data)
		})
	}
}

func TestDraftDeadline(t *testing.T) {
	now := at(t, 2022, 6, 10, 9, 0)
	dr := Draft{Due: at(t, 2022, 6, 30, 17, 0), Title: "Nghiệm thu", Leads: []time.Duration{7 * Day}}
	d := dr.Deadline("12", []Assignee{{Unit: "duc-hue"}}, 42, now)
	if d.ID != "12" || d.Title != "Nghiệm thu" || !d.Due.Equal(dr.Due) || d.Plan || d.CreatedBy != 42 ||
		!d.Created.Equal(now) || !slices.Equal(d.Leads, dr.Leads) || len(d.Assignees) != 1 {
		t.Errorf("Deadline = %+v", d)
	}
}

func TestResolveWho(t *testing.T) {
	p := kpi.DefaultPlan()
	known := func(id int64) bool { return id == 123456789 }
	const group = int64(-1001234)
	tests := []struct {
		name    string
		who     []string
		isGroup bool
		want    []Assignee
	}{
		{"a unit by its short name", []string{"Đức Huệ"}, false, []Assignee{{Unit: "duc-hue"}}},
		{"without marks, with a prefix", []string{"huyen duc hue", "H. Bến Lức"}, false, []Assignee{{Unit: "duc-hue"}, {Unit: "ben-luc"}}},
		{"an alias", []string{"BL"}, false, []Assignee{{Unit: "ben-luc"}}},
		{"the department", []string{"Sở Công Thương"}, false, []Assignee{{Unit: "so-cong-thuong"}}},
		{"a known user", []string{"123456789"}, false, []Assignee{{UserID: 123456789}}},
		{"this group, in a group", []string{"nhóm này"}, true, []Assignee{{ChatID: group}}},
		{"this group without marks, in English", []string{"nhom nay", "This group"}, true, []Assignee{{ChatID: group}}},
		{"repeats dropped", []string{"Đức Huệ", "duc hue", "huyện Đức Huệ"}, false, []Assignee{{Unit: "duc-hue"}}},
		{"a mix", []string{"Đức Huệ", "123456789", "nhóm này"}, true, []Assignee{{Unit: "duc-hue"}, {UserID: 123456789}, {ChatID: group}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ResolveWho(p, tc.who, group, tc.isGroup, known)
			if err != nil {
				t.Fatalf("ResolveWho(%q): %v", tc.who, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ResolveWho(%q) = %v, want %v", tc.who, got, tc.want)
			}
		})
	}
	refused := []struct {
		name    string
		who     []string
		isGroup bool
		id      string
		data    map[string]string
	}{
		{"this group in a private chat", []string{"nhóm này"}, false, ErrNotInGroup, map[string]string{"who": "nhóm này"}},
		{"an unknown user id", []string{"Đức Huệ", "987654321"}, false, ErrUnknownAssignee, map[string]string{"who": "987654321"}},
		{"a unit that does not exist", []string{"Đức Hạnh"}, false, ErrUnknownAssignee, map[string]string{"who": "Đức Hạnh"}},
		{"two units in one part", []string{"Đức Huệ và Bến Lức"}, false, ErrUnknownAssignee, map[string]string{"who": "Đức Huệ và Bến Lức"}},
		{"half a name", []string{"Đức"}, false, ErrUnknownAssignee, map[string]string{"who": "Đức"}},
		{"nothing", nil, false, ErrNoAssignee, map[string]string{"example": AddExample}},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			_, err := ResolveWho(p, tc.who, group, tc.isGroup, known)
			wantRefusal(t, err, tc.id, tc.data)
		})
	}
}

func TestParseQuiet(t *testing.T) {
	tests := []struct {
		in   string
		want Quiet
	}{
		{"20:00-07:00", Quiet{From: 20 * time.Hour, To: 7 * time.Hour}},
		{" 20h-7h ", Quiet{From: 20 * time.Hour, To: 7 * time.Hour}},
		{"12:30-13:30", Quiet{From: 12*time.Hour + 30*time.Minute, To: 13*time.Hour + 30*time.Minute}},
		{"off", Quiet{Off: true}},
		{"OFF", Quiet{Off: true}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseQuiet(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("ParseQuiet(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, in := range []string{"", "20:00", "20:00-20:00", "25:00-07:00", "20:00-07:60", "evening", "20-7"} {
		t.Run("refused "+in, func(t *testing.T) {
			if q, err := ParseQuiet(in); err == nil {
				t.Errorf("ParseQuiet(%q) = %+v, want an error", in, q)
			}
		})
	}
	if q, _ := ParseQuiet(DefaultQuiet); q.String() != DefaultQuiet {
		t.Errorf("String() = %q, want %q", q.String(), DefaultQuiet)
	}
}

func TestQuietHold(t *testing.T) {
	loc := hcm(t)
	night, _ := ParseQuiet("20:00-07:00")
	lunch, _ := ParseQuiet("12:00-13:30")
	tests := []struct {
		name string
		q    Quiet
		t    time.Time
		want time.Time
	}{
		{"afternoon goes out", night, at(t, 2022, 6, 30, 17, 0), at(t, 2022, 6, 30, 17, 0)},
		{"a minute before quiet", night, at(t, 2022, 6, 30, 19, 59), at(t, 2022, 6, 30, 19, 59)},
		{"quiet starts at 20:00", night, at(t, 2022, 6, 30, 20, 0), at(t, 2022, 7, 1, 7, 0)},
		{"late evening waits for the next morning, across a month", night, at(t, 2022, 6, 30, 23, 30), at(t, 2022, 7, 1, 7, 0)},
		{"across the year", night, at(t, 2022, 12, 31, 21, 0), at(t, 2023, 1, 1, 7, 0)},
		{"after midnight waits for the same morning", night, at(t, 2022, 7, 1, 0, 15), at(t, 2022, 7, 1, 7, 0)},
		{"a minute before the end", night, at(t, 2022, 7, 1, 6, 59), at(t, 2022, 7, 1, 7, 0)},
		{"07:00 goes out", night, at(t, 2022, 7, 1, 7, 0), at(t, 2022, 7, 1, 7, 0)},
		{"off never holds", Quiet{Off: true}, at(t, 2022, 6, 30, 23, 30), at(t, 2022, 6, 30, 23, 30)},
		{"quiet inside a day", lunch, at(t, 2022, 6, 30, 12, 45), at(t, 2022, 6, 30, 13, 30)},
		{"outside it", lunch, at(t, 2022, 6, 30, 23, 45), at(t, 2022, 6, 30, 23, 45)},
		{"a UTC time is judged in local time", night, time.Date(2022, 6, 30, 14, 0, 0, 0, time.UTC), at(t, 2022, 7, 1, 7, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.q.Hold(tc.t, loc)
			if !got.Equal(tc.want) {
				t.Errorf("Hold(%v) = %v, want %v", tc.t, got, tc.want)
			}
		})
	}
}

// checkLeads checks what any accepted lead list must be.
func checkLeads(t *testing.T, in string, leads []time.Duration) {
	t.Helper()
	for i, l := range leads {
		if l <= 0 || l > MaxLead || (i > 0 && l >= leads[i-1]) {
			t.Fatalf("%q gave leads %v: want positive, at most %v, longest first, no repeats", in, leads, MaxLead)
		}
	}
}

func FuzzParseLeads(f *testing.F) {
	for _, s := range []string{"7d,1d,2h,30m", "7 ngày, 2 giờ", "1d12h", "0d", "99999999999999d", "1w 3p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		leads, err := ParseLeads(s)
		if err != nil {
			var e *kpi.Error
			if !errors.As(err, &e) || e.ID != ErrBadLeads {
				t.Fatalf("%q: error %v is not ErrBadLeads", s, err)
			}
			return
		}
		if len(leads) == 0 {
			t.Fatalf("%q: no leads and no error", s)
		}
		checkLeads(t, s, leads)
	})
}

func FuzzParseAdd(f *testing.F) {
	loc := hcm(f)
	now := at(f, 2022, 6, 10, 9, 0)
	for _, s := range []string{AddExample, "30/06/2022 | a | b", "17h 1-7-2022 | x | nhóm này | 2h", "31/02/2022 | a | b", "||||"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAdd(s, loc, now)
		if err != nil {
			var e *kpi.Error
			if !errors.As(err, &e) {
				t.Fatalf("%q: error %v is not a *kpi.Error", s, err)
			}
			return
		}
		if !d.Due.After(now) || d.Title == "" || len(d.Who) == 0 || len(d.Leads) == 0 {
			t.Fatalf("%q gave an incomplete draft %+v", s, d)
		}
		checkLeads(t, s, d.Leads)
	})
}

func TestCheckLoad(t *testing.T) {
	four := Draft{Leads: []time.Duration{7 * Day, 3 * Day, Day, 2 * time.Hour}}
	if err := four.CheckLoad(15); err != nil {
		t.Errorf("15 units × 4 lead times: %v, want accepted", err)
	}
	five := Draft{Leads: []time.Duration{7 * Day, 3 * Day, 2 * Day, Day, 2 * time.Hour}}
	err := five.CheckLoad(15)
	var ke *kpi.Error
	if !errors.As(err, &ke) || ke.ID != ErrTooManyReminders || ke.Data["count"] != "75" || ke.Data["max"] != "60" {
		t.Errorf("15 units × 5 lead times: %v, want %s with count 75, max 60", err, ErrTooManyReminders)
	}
}
