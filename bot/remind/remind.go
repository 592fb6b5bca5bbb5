// Package remind holds deadlines and the decisions about reminding people of
// them (design §3): which deadlines the plan sets, what a chat command asks
// for, when each reminder is due, whether it should still go out, and which
// late ones fold into one catch-up message. Those decisions are pure: the
// clock and everything read from Redis are passed in.
//
// jobs.go wires the decisions to asynq, the Redis-backed task queue that
// delivers each reminder once across all copies of the bot.
package remind

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	// The binary loads TIENDO_TZ (Asia/Ho_Chi_Minh) with time.LoadLocation;
	// embedding the zone database here means a container without
	// /usr/share/zoneinfo still knows Vietnam's time.
	_ "time/tzdata"

	"tiendo/bot/kpi"
)

// Defaults for deadlines the plan sets.
const (
	// DefaultDueHour is the local hour plan deadlines fall due: the end of the
	// office day on the plan's due day.
	DefaultDueHour = 17
	// DefaultAddHour is the local hour of a one-off deadline written without one.
	DefaultAddHour = 17
)

// DefaultPlanLeads are how long before a plan deadline its reporters are
// reminded: five days gives a unit the time to collect figures, the day before
// is the last call.
var DefaultPlanLeads = []time.Duration{5 * Day, 1 * Day}

// DefaultAddLeads are the lead times of a one-off deadline written without any.
var DefaultAddLeads = []time.Duration{1 * Day}

// Day is 24 hours; lead times count whole days this way, not calendar days.
const Day = 24 * time.Hour

// PlanIDPrefix starts the id of every deadline the plan sets. Those deadlines
// are not stored: they are computed again from the plan whenever needed.
const PlanIDPrefix = "plan:"

// Deadline is something someone must finish by Due: a unit's report for a
// period (Plan is true), or a one-off task added in chat.
type Deadline struct {
	ID        string
	Title     string
	Due       time.Time
	Leads     []time.Duration // how long before Due to remind, longest first
	Assignees []Assignee
	// Indicator and Period (kpi.Period.Key) say what a plan deadline asks for.
	Indicator string
	Period    string
	Plan      bool
	CreatedBy int64
	Created   time.Time
	// Done maps Assignee.Key to when that assignee marked it done.
	Done map[string]time.Time
}

// IsZero reports whether d is the zero Deadline: what a caller passes for a
// deadline that was removed or never existed.
func (d Deadline) IsZero() bool { return d.ID == "" }

// IsDone reports whether a marked the deadline done.
func (d Deadline) IsDone(a Assignee) bool {
	_, ok := d.Done[a.Key()]
	return ok
}

// Open reports whether some assignee has not marked the deadline done.
func (d Deadline) Open() bool {
	for _, a := range d.Assignees {
		if !d.IsDone(a) {
			return true
		}
	}
	return false
}

// Assigned reports whether a is one of d's assignees.
func (d Deadline) Assigned(a Assignee) bool { return slices.Contains(d.Assignees, a) }

// Concerns reports whether the deadline is a user's: assigned to them by id,
// or to their unit. Group assignments concern the group, not its members.
func (d Deadline) Concerns(userID int64, unit string) bool {
	for _, a := range d.Assignees {
		if (userID != 0 && a.UserID == userID) || (unit != "" && a.Unit == unit) {
			return true
		}
	}
	return false
}

// Assignee is who must finish a deadline: a reporting unit (its reporters are
// reminded), one user, or a group chat. Exactly one field is set.
type Assignee struct {
	Unit   string // unit id
	UserID int64
	ChatID int64 // a group
}

// Key is the assignee's stable form for ids and the done map: "unit:ben-luc",
// "user:123", "chat:-100123". The zero Assignee has the empty key.
func (a Assignee) Key() string {
	switch {
	case a.Unit != "":
		return "unit:" + a.Unit
	case a.UserID != 0:
		return "user:" + strconv.FormatInt(a.UserID, 10)
	case a.ChatID != 0:
		return "chat:" + strconv.FormatInt(a.ChatID, 10)
	}
	return ""
}

// ParseAssigneeKey reads what Key wrote; ok is false for anything else.
func ParseAssigneeKey(s string) (Assignee, bool) {
	kind, val, found := strings.Cut(s, ":")
	if !found || val == "" {
		return Assignee{}, false
	}
	switch kind {
	case "unit":
		return Assignee{Unit: val}, true
	case "user", "chat":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n == 0 {
			return Assignee{}, false
		}
		if kind == "user" {
			return Assignee{UserID: n}, true
		}
		return Assignee{ChatID: n}, true
	}
	return Assignee{}, false
}

// PlanDeadlines returns the reporting deadlines p sets whose due time is in
// [from, to), earliest first: for each monthly or quarterly indicator, one per
// period of p.Year, due at DefaultDueHour on the indicator's due day of the
// month after the period, assigned to every unit that reports it. Only periods
// of p.Year count, so a plan whose year is over sets nothing after December's
// deadline in the next January.
func PlanDeadlines(p *kpi.Plan, loc *time.Location, from, to time.Time) []Deadline {
	var out []Deadline
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		for _, per := range periods(p.Year, ind.Frequency) {
			d := planDeadline(p, ind, per, loc)
			if !d.Due.Before(from) && d.Due.Before(to) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b Deadline) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// PlanDeadline computes the plan deadline with id ("plan:xuat-khau:2022-03")
// again. ok is false when p sets no such deadline: an unknown or event-driven
// indicator, or a period that is not one of the indicator's periods in p.Year.
func PlanDeadline(p *kpi.Plan, loc *time.Location, id string) (d Deadline, ok bool) {
	rest, found := strings.CutPrefix(id, PlanIDPrefix)
	if !found {
		return Deadline{}, false
	}
	indID, key, found := strings.Cut(rest, ":")
	if !found {
		return Deadline{}, false
	}
	ind := p.Indicator(indID)
	if ind == nil {
		return Deadline{}, false
	}
	per, err := kpi.ParsePeriodKey(key)
	if err != nil || !slices.Contains(periods(p.Year, ind.Frequency), per) {
		return Deadline{}, false
	}
	return planDeadline(p, ind, per, loc), true
}

// PlanDeadlineID is the id of the deadline for an indicator's period.
func PlanDeadlineID(indicator string, per kpi.Period) string {
	return PlanIDPrefix + indicator + ":" + per.Key()
}

func planDeadline(p *kpi.Plan, ind *kpi.Indicator, per kpi.Period, loc *time.Location) Deadline {
	units := p.ReportingUnits(ind)
	as := make([]Assignee, len(units))
	for i, u := range units {
		as[i] = Assignee{Unit: u.ID}
	}
	return Deadline{
		ID: PlanDeadlineID(ind.ID, per),
		// The title is the plan's name for the indicator; a message in English
		// should name it with Indicator instead.
		Title:     ind.NameVI,
		Due:       time.Date(per.Year, time.Month(per.To+1), ind.DueDay, DefaultDueHour, 0, 0, 0, loc),
		Leads:     slices.Clone(DefaultPlanLeads),
		Assignees: as,
		Indicator: ind.ID,
		Period:    per.Key(),
		Plan:      true,
	}
}

// periods returns the reporting periods of year for a frequency, none for
// event-driven indicators.
func periods(year int, freq string) []kpi.Period {
	var out []kpi.Period
	switch freq {
	case kpi.Monthly:
		for m := 1; m <= 12; m++ {
			out = append(out, kpi.Month(year, m))
		}
	case kpi.Quarterly:
		for q := 1; q <= 4; q++ {
			out = append(out, kpi.Quarter(year, q))
		}
	}
	return out
}

// String names the deadline for logs.
func (d Deadline) String() string {
	return fmt.Sprintf("%s (due %s)", d.ID, d.Due.Format(time.RFC3339))
}
