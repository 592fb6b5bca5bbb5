package remind

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// The kinds of reminder.
const (
	KindLead    = "lead"    // a lead time before the due time
	KindDue     = "due"     // at the due time
	KindOverdue = "overdue" // OverdueAfter past the due time, to the assignee
	KindSnooze  = "snooze"  // "remind me later", asked from a reminder
)

// OverdueAfter is how long after the due time the overdue notice goes out:
// long enough for someone who finished at the last minute to press done.
const OverdueAfter = time.Hour

// FoldAfter is how late a reminder may go out on its own; later ones (the bot
// was down for days) are folded into one catch-up message per assignee.
const FoldAfter = 24 * time.Hour

// EarlySlack is how far ahead of its time a reminder may go out when the
// queue's clock and ours disagree a little.
const EarlySlack = time.Minute

// Occurrence is one reminder to one assignee.
type Occurrence struct {
	DeadlineID string
	Assignee   Assignee
	At         time.Time // when it goes out: Nominal held past quiet hours
	Nominal    time.Time // when it would go out without quiet hours
	Kind       string
	Lead       time.Duration // for KindLead
}

// TaskID identifies the occurrence across schedulings and copies of the bot:
// the deadline, the assignee, the kind and the nominal time. Scheduling the
// same occurrence twice gives the same id, so it is sent once.
func (o Occurrence) TaskID() string {
	return "remind:" + o.DeadlineID + ":" + o.Assignee.Key() + ":" + o.Kind + ":" + strconv.FormatInt(o.Nominal.Unix(), 10)
}

// Occurrences returns the reminders d calls for, per assignee who has not
// marked it done, in time order: one per lead time (a lead time that fell
// before the deadline was created is skipped), one at the due time, and an
// overdue notice OverdueAfter later. Each goes out at its nominal time held
// past q's quiet hours.
func Occurrences(d Deadline, q Quiet, loc *time.Location) []Occurrence {
	leads := slices.Clone(d.Leads)
	slices.SortFunc(leads, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	leads = slices.Compact(leads)
	var out []Occurrence
	for _, a := range d.Assignees {
		if d.IsDone(a) || a.Key() == "" {
			continue
		}
		add := func(kind string, nominal time.Time, lead time.Duration) {
			out = append(out, Occurrence{
				DeadlineID: d.ID, Assignee: a, Kind: kind, Lead: lead,
				Nominal: nominal, At: q.Hold(nominal, loc),
			})
		}
		for _, l := range leads {
			if l <= 0 {
				continue
			}
			n := d.Due.Add(-l)
			if !d.Created.IsZero() && n.Before(d.Created) {
				continue
			}
			add(KindLead, n, l)
		}
		add(KindDue, d.Due, 0)
		add(KindOverdue, d.Due.Add(OverdueAfter), 0)
	}
	return out
}

// Snooze returns the occurrence that "remind me later" asks for: o again,
// after a delay from now. Its nominal time is truncated to the minute so that
// pressing the button twice in a minute schedules one reminder.
func Snooze(o Occurrence, now time.Time, after time.Duration, q Quiet, loc *time.Location) Occurrence {
	n := now.Add(after).Truncate(time.Minute)
	return Occurrence{
		DeadlineID: o.DeadlineID, Assignee: o.Assignee, Kind: KindSnooze,
		Nominal: n, At: q.Hold(n, loc),
	}
}

// Why a reminder is sent or not (Decide's second result).
const (
	WhySend       = "send"
	WhyRemoved    = "removed"    // the deadline no longer exists
	WhyMoved      = "moved"      // the deadline's due time or leads changed since
	WhyUnassigned = "unassigned" // the assignee was taken off the deadline
	WhyDone       = "done"       // the assignee marked it done
	WhyReported   = "reported"   // the unit reported the period (plan deadlines)
	WhyEarly      = "early"      // not its time yet: try again later
)

// Decide says whether occurrence o of deadline d should go out at now, and
// why. d is the deadline as it is now; the zero Deadline means it was
// removed. reported says whether a unit has a confirmed report for an
// indicator's period; it is asked only for plan deadlines. Every reason but
// WhyEarly is final: the reminder will never be due again.
func Decide(o Occurrence, d Deadline, reported func(unit, indicator, period string) bool, now time.Time) (send bool, why string) {
	switch {
	case d.IsZero() || o.DeadlineID != d.ID:
		return false, WhyRemoved
	case !d.Assigned(o.Assignee):
		return false, WhyUnassigned
	case d.IsDone(o.Assignee):
		return false, WhyDone
	case d.Plan && o.Assignee.Unit != "" && reported != nil && reported(o.Assignee.Unit, d.Indicator, d.Period):
		return false, WhyReported
	case !scheduled(o, d):
		return false, WhyMoved
	case now.Before(o.At.Add(-EarlySlack)):
		return false, WhyEarly
	}
	return true, WhySend
}

// scheduled reports whether o is still one of d's reminders: editing a
// deadline's due time or leads schedules new ones, and the old ones must not
// go out.
func scheduled(o Occurrence, d Deadline) bool {
	switch o.Kind {
	case KindLead:
		return slices.Contains(d.Leads, o.Lead) && o.Nominal.Equal(d.Due.Add(-o.Lead))
	case KindDue:
		return o.Nominal.Equal(d.Due)
	case KindOverdue:
		return o.Nominal.Equal(d.Due.Add(OverdueAfter))
	case KindSnooze:
		return true
	}
	return false
}

// Fold splits reminders that are going out at now: those at most FoldAfter
// late are sent one by one; later ones are grouped per assignee, in time
// order, for one catch-up message each instead of a flood.
func Fold(late []Occurrence, now time.Time) (send []Occurrence, catchUp map[Assignee][]Occurrence) {
	for _, o := range late {
		if now.Sub(o.At) <= FoldAfter {
			send = append(send, o)
			continue
		}
		if catchUp == nil {
			catchUp = map[Assignee][]Occurrence{}
		}
		catchUp[o.Assignee] = append(catchUp[o.Assignee], o)
	}
	for _, os := range catchUp {
		slices.SortStableFunc(os, func(a, b Occurrence) int { return a.At.Compare(b.At) })
	}
	return send, catchUp
}
