package remind

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"tiendo/bot/kpi"
)

// Error ids of the refusals this package gives (messages in locales/).
const (
	// ErrDeadlineFormat: "/hanchot them" without its parts. Data: example.
	ErrDeadlineFormat = "ErrDeadlineFormat"
	// ErrBadDate: the due time is not dd/mm/yyyy [hh:mm]. Data: text, example.
	ErrBadDate = "ErrBadDate"
	// ErrPastDue: the due time has passed. Data: due (dd/mm/yyyy hh:mm).
	ErrPastDue = "ErrPastDue"
	// ErrBadLeads: lead times unreadable. Data: text.
	ErrBadLeads = "ErrBadLeads"
	// ErrNoTitle: the title part is empty. Data: example.
	ErrNoTitle = "ErrNoTitle"
	// ErrNoAssignee: the who part is empty. Data: example.
	ErrNoAssignee = "ErrNoAssignee"
	// ErrUnknownAssignee: a who part is no unit and no known user. Data: who.
	ErrUnknownAssignee = "ErrUnknownAssignee"
	// ErrNotInGroup: "nhóm này" written outside a group. Data: who.
	ErrNotInGroup = "ErrNotInGroup"
	// ErrTooManyLeads: more than MaxLeads lead times. Data: count, max.
	ErrTooManyLeads = "ErrTooManyLeads"
	// ErrLeadBeforeNow: a lead time whose reminder would fall before now.
	// Data: lead ("7d"), at (when it would remind), due.
	ErrLeadBeforeNow = "ErrLeadBeforeNow"
	// ErrTooManyReminders: assignees × lead times above MaxLeadReminders.
	// Data: assignees, leads, count, max.
	ErrTooManyReminders = "ErrTooManyReminders"
)

// Limits of what one "/hanchot them" may schedule: a deadline has at most
// MaxLeads lead times, and its assignees times its lead times are at most
// MaxLeadReminders (every unit of the province reminded four times). Each
// assignee also gets the reminder at the due time and the overdue notice, so
// one deadline is at most MaxLeadReminders + 2 × assignees jobs.
const (
	MaxLeads         = 10
	MaxLeadReminders = 60
)

// AddExample is a complete "/hanchot them" line, shown when one is refused.
// It is the design's own example: a real deadline of the 2022 plan.
// Handlers show it with AddExampleDue replaced by a date to come.
const AddExample = AddExampleDue + " | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d"

// AddExampleDue is the due time in AddExample.
const AddExampleDue = "30/06/2022 17:00"

// DateLayout is how due times are written and shown: dd/mm/yyyy hh:mm.
const DateLayout = "02/01/2006 15:04"

// MaxLead is the longest lead time accepted: a reminder more than a year
// ahead is a typo.
const MaxLead = 366 * Day

// leadUnits maps folded unit words to durations: d/h/m as the design writes
// them, and the Vietnamese words people type (ngày, giờ/tiếng, phút, tuần).
var leadUnits = map[string]time.Duration{
	"d": Day, "ngay": Day, "n": Day, "day": Day, "days": Day,
	"h": time.Hour, "g": time.Hour, "gio": time.Hour, "tieng": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"m": time.Minute, "p": time.Minute, "ph": time.Minute, "phut": time.Minute, "min": time.Minute, "mins": time.Minute,
	"w": 7 * Day, "tuan": 7 * Day, "week": 7 * Day, "weeks": 7 * Day,
}

// ParseLeads reads lead times such as "7d,1d,2h,30m" or "7 ngày, 2 giờ":
// separated by commas, semicolons or spaces; "1d12h" is one lead of 36 hours.
// The result is longest first, without repeats. Anything unreadable, zero or
// longer than MaxLead is a *kpi.Error ErrBadLeads with Data "text".
func ParseLeads(s string) ([]time.Duration, error) {
	bad := kpi.Fail(ErrBadLeads, "text", strings.TrimSpace(s))
	f := kpi.Fold(s)
	var out []time.Duration
	var cur time.Duration // the lead being read
	num := -1             // a number waiting for its unit
	i := 0
	finish := func() bool {
		if cur <= 0 || cur > MaxLead {
			return false
		}
		out = append(out, cur)
		cur = 0
		return true
	}
	for i < len(f) {
		c := f[i]
		switch {
		case c == ' ' || c == ',':
			if num < 0 && cur > 0 && !finish() {
				return nil, bad
			}
			i++
		case c >= '0' && c <= '9':
			if num >= 0 {
				return nil, bad // "7 1d"
			}
			j := i
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(f[i:j])
			if err != nil || n > int(MaxLead/time.Minute) {
				return nil, bad
			}
			num, i = n, j
		default:
			j := i
			for j < len(f) && f[j] != ' ' && f[j] != ',' && (f[j] < '0' || f[j] > '9') {
				j++
			}
			unit, ok := leadUnits[f[i:j]]
			if !ok || num < 0 || time.Duration(num) > MaxLead/unit {
				return nil, bad
			}
			cur += time.Duration(num) * unit
			if cur > MaxLead {
				return nil, bad
			}
			num, i = -1, j
		}
	}
	if num >= 0 || (cur > 0 && !finish()) || len(out) == 0 {
		return nil, bad
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return slices.Compact(out), nil
}

// Draft is a one-off deadline as written in chat, before its assignees are
// resolved against the plan and the known users.
type Draft struct {
	Due   time.Time
	Title string
	Who   []string // the raw parts of the who field
	Leads []time.Duration
}

// ParseAdd reads what follows "/hanchot them":
//
//	<dd/mm/yyyy hh:mm> | <title> | <who> | <lead times>
//
// The time of day is optional (DefaultAddHour), so are the lead times
// (DefaultAddLeads); who is split on commas. Refusals are *kpi.Error:
// ErrDeadlineFormat (Data "example") when the parts are not there,
// ErrBadDate (Data "text", "example"), ErrPastDue (Data "due") when the due
// time is not after now, ErrNoTitle and ErrNoAssignee (Data "example"),
// ErrBadLeads (Data "text"), ErrTooManyLeads (more than MaxLeads) and
// ErrLeadBeforeNow (a lead time written that would remind before now).
func ParseAdd(text string, loc *time.Location, now time.Time) (Draft, error) {
	parts := strings.Split(text, "|")
	if len(parts) < 3 || len(parts) > 4 {
		return Draft{}, kpi.Fail(ErrDeadlineFormat, "example", AddExample)
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	due, ok := parseDue(parts[0], loc)
	if !ok {
		return Draft{}, kpi.Fail(ErrBadDate, "text", parts[0], "example", AddExample)
	}
	if !due.After(now) {
		return Draft{}, kpi.Fail(ErrPastDue, "due", due.Format(DateLayout))
	}
	d := Draft{Due: due, Title: strings.Join(strings.Fields(parts[1]), " ")}
	if d.Title == "" {
		return Draft{}, kpi.Fail(ErrNoTitle, "example", AddExample)
	}
	for _, w := range strings.FieldsFunc(parts[2], func(r rune) bool { return r == ',' || r == ';' }) {
		if w = strings.Join(strings.Fields(w), " "); w != "" {
			d.Who = append(d.Who, w)
		}
	}
	if len(d.Who) == 0 {
		return Draft{}, kpi.Fail(ErrNoAssignee, "example", AddExample)
	}
	// Default lead times that would remind before now are left out (a
	// deadline due in a few hours gets its due-time reminder only); lead
	// times the user wrote are refused instead, saying which.
	d.Leads = slices.DeleteFunc(slices.Clone(DefaultAddLeads), func(l time.Duration) bool { return due.Add(-l).Before(now) })
	if len(parts) == 4 && parts[3] != "" {
		leads, err := ParseLeads(parts[3])
		if err != nil {
			return Draft{}, err
		}
		if len(leads) > MaxLeads {
			return Draft{}, kpi.Fail(ErrTooManyLeads, "count", strconv.Itoa(len(leads)), "max", strconv.Itoa(MaxLeads))
		}
		for _, l := range leads {
			if at := due.Add(-l); at.Before(now) {
				return Draft{}, kpi.Fail(ErrLeadBeforeNow, "lead", FormatLead(l),
					"at", at.In(loc).Format(DateLayout), "due", due.Format(DateLayout))
			}
		}
		d.Leads = leads
	}
	return d, nil
}

// CheckLoad refuses a deadline that would remind too many: more than
// MaxLeadReminders lead reminders over n assignees (ErrTooManyReminders).
func (dr Draft) CheckLoad(n int) error {
	if c := n * len(dr.Leads); c > MaxLeadReminders {
		return kpi.Fail(ErrTooManyReminders, "assignees", strconv.Itoa(n), "leads", strconv.Itoa(len(dr.Leads)),
			"count", strconv.Itoa(c), "max", strconv.Itoa(MaxLeadReminders))
	}
	return nil
}

// FormatLead writes a lead time the way ParseLeads reads it: "7d", "2h",
// "1d12h", "30m".
func FormatLead(l time.Duration) string {
	var b strings.Builder
	if d := l / Day; d > 0 {
		b.WriteString(strconv.Itoa(int(d)) + "d")
	}
	if h := l % Day / time.Hour; h > 0 {
		b.WriteString(strconv.Itoa(int(h)) + "h")
	}
	if m := l % time.Hour / time.Minute; m > 0 || b.Len() == 0 {
		b.WriteString(strconv.Itoa(int(m)) + "m")
	}
	return b.String()
}

// Deadline makes the one-off deadline the draft describes, with its id, its
// resolved assignees, who added it and when.
func (dr Draft) Deadline(id string, who []Assignee, by int64, now time.Time) Deadline {
	return Deadline{
		ID:        id,
		Title:     dr.Title,
		Due:       dr.Due,
		Leads:     slices.Clone(dr.Leads),
		Assignees: slices.Clone(who),
		CreatedBy: by,
		Created:   now,
	}
}

// parseDue reads "30/06/2022 17:00", "30-6-2022 17h30", "17h 30/06/2022":
// a day/month/year date with a four-digit year and an optional time of day.
func parseDue(s string, loc *time.Location) (time.Time, bool) {
	var y, mo, d int
	h, mi := DefaultAddHour, 0
	var haveDate, haveTime bool
	for _, tok := range strings.Fields(s) {
		switch {
		case !haveDate && strings.ContainsAny(tok, "/-."):
			f := strings.FieldsFunc(tok, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
			if len(f) != 3 || len(f[2]) != 4 {
				return time.Time{}, false
			}
			var err1, err2, err3 error
			d, err1 = strconv.Atoi(f[0])
			mo, err2 = strconv.Atoi(f[1])
			y, err3 = strconv.Atoi(f[2])
			if err1 != nil || err2 != nil || err3 != nil {
				return time.Time{}, false
			}
			haveDate = true
		case !haveTime:
			c, ok := parseClock(tok)
			if !ok {
				return time.Time{}, false
			}
			h, mi = int(c/time.Hour), int(c%time.Hour/time.Minute)
			haveTime = true
		default:
			return time.Time{}, false
		}
	}
	if !haveDate {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != mo || t.Year() != y {
		return time.Time{}, false // 31/02 and friends
	}
	return t, true
}

// parseClock reads a time of day: "17:00", "7:30", "17h", "17h30", "17g".
// It returns the time since midnight.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(s, func(r rune) bool { return r == ':' || r == 'h' || r == 'g' })
	if i <= 0 || i > 2 {
		return 0, false
	}
	h, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, false
	}
	rest := s[i+1:]
	m := 0
	switch {
	case rest == "" && s[i] != ':':
	case len(rest) == 2:
		if m, err = strconv.Atoi(rest); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// thisGroup are the folded words for "the current group".
var thisGroup = map[string]bool{
	"nhom nay": true, "group nay": true, "this group": true, "this chat": true, "nhom": true,
}

// ResolveWho turns the who parts of a Draft into assignees: "nhóm này" (or
// "this group") is the current chat when it is a group, a number is a user
// the bot knows (known), anything else must name a unit of p (its name, short
// name, id or an alias, with or without marks, the whole part). Repeats are
// dropped.
// Refusals are *kpi.Error: ErrNotInGroup (Data "who") outside a group,
// ErrUnknownAssignee (Data "who") for anything that matches nothing.
func ResolveWho(p *kpi.Plan, who []string, chatID int64, isGroup bool, known func(int64) bool) ([]Assignee, error) {
	var out []Assignee
	add := func(a Assignee) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, w := range who {
		f := kpi.Fold(w)
		switch {
		case thisGroup[f]:
			if !isGroup {
				return nil, kpi.Fail(ErrNotInGroup, "who", w)
			}
			add(Assignee{ChatID: chatID})
		case isNumber(f):
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 || known == nil || !known(id) {
				return nil, kpi.Fail(ErrUnknownAssignee, "who", w)
			}
			add(Assignee{UserID: id})
		default:
			u := findUnit(p, f)
			if u == nil {
				return nil, kpi.Fail(ErrUnknownAssignee, "who", w)
			}
			add(Assignee{Unit: u.ID})
		}
	}
	if len(out) == 0 {
		return nil, kpi.Fail(ErrNoAssignee, "example", AddExample)
	}
	return out, nil
}

func isNumber(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// findUnit finds the unit (the department included) that the whole of f
// names, by p.MatchUnit's rules (name, short name, id or alias, "huyện"
// prefix allowed), or nil. A unit named inside a longer text ("Đức Huệ và
// Bến Lức") is no match: an assignment that guesses reminds the wrong people.
func findUnit(p *kpi.Plan, f string) *kpi.Unit {
	u, from, to, ok := p.MatchUnit(f)
	if !ok || from != 0 || to != len(kpi.Fold(f)) {
		return nil
	}
	return u
}

// DefaultQuiet is the quiet hours when TIENDO_QUIET_HOURS is not set.
const DefaultQuiet = "20:00-07:00"

// Quiet is the span of the day when no reminder goes out: From..To since
// midnight local, spanning midnight when From is after To. Off disables it.
type Quiet struct {
	From, To time.Duration
	Off      bool
}

// ParseQuiet reads TIENDO_QUIET_HOURS: "20:00-07:00" (also "20h-7h"), or
// "off". This is configuration an operator writes, so the error is a plain
// one naming the value and the expected form.
func ParseQuiet(s string) (Quiet, error) {
	f := strings.ToLower(strings.TrimSpace(s))
	if f == "off" || f == "none" || f == "tat" {
		return Quiet{Off: true}, nil
	}
	from, to, ok := strings.Cut(f, "-")
	if ok {
		a, ok1 := parseClock(from)
		b, ok2 := parseClock(to)
		if ok1 && ok2 && a != b {
			return Quiet{From: a, To: b}, nil
		}
	}
	return Quiet{}, &QuietError{Text: s}
}

// QuietError is a quiet-hours setting that cannot be read.
type QuietError struct{ Text string }

func (e *QuietError) Error() string {
	return "quiet hours " + strconv.Quote(e.Text) + ": want HH:MM-HH:MM with two different times (e.g. " + DefaultQuiet + "), or off"
}

// Holds reports whether t falls in the quiet hours.
func (q Quiet) Holds(t time.Time, loc *time.Location) bool {
	if q.Off || q.From == q.To {
		return false
	}
	tod := sinceMidnight(t.In(loc))
	if q.From < q.To {
		return tod >= q.From && tod < q.To
	}
	return tod >= q.From || tod < q.To
}

// Hold returns t when it is outside the quiet hours, else the end of the
// quiet hours that contain it (07:00 local by default, the next day when t is
// in the evening part of a span across midnight).
func (q Quiet) Hold(t time.Time, loc *time.Location) time.Time {
	if !q.Holds(t, loc) {
		return t
	}
	lt := t.In(loc)
	day := lt
	if q.From > q.To && sinceMidnight(lt) >= q.From {
		day = lt.AddDate(0, 0, 1)
	}
	h, m, sec := int(q.To/time.Hour), int(q.To%time.Hour/time.Minute), int(q.To%time.Minute/time.Second)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, sec, 0, loc)
}

// String writes q the way ParseQuiet reads it.
func (q Quiet) String() string {
	if q.Off {
		return "off"
	}
	c := func(d time.Duration) string {
		return twoDigits(int(d/time.Hour)) + ":" + twoDigits(int(d%time.Hour/time.Minute))
	}
	return c(q.From) + "-" + c(q.To)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func sinceMidnight(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
}
