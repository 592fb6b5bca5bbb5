package handlers

import (
	"errors"
	"strconv"
	"strings"
)

// ActionKind names what a button does; it is the prefix of the button's
// data on the wire ("ok" in "ok:<id>").
type ActionKind string

// The kinds of button. The two-letter prefixes are a wire format: buttons
// already sent carry them, so they never change.
const (
	cbConfirm     ActionKind = "ok"   // ok:<pending id>
	cbCancel      ActionKind = "no"   // no:<pending id>
	cbPeriod      ActionKind = "pp"   // pp:<pending id>:<n>, the n-th period offered for a sentence without one
	cbAlternative ActionKind = "pa"   // pa:<pending id>:<n>, the n-th reading of an ambiguous figure
	cbReplace     ActionKind = "rp"   // rp:<pending id>, keep the new figures, remove the stored ones they contradict
	cbAsReport    ActionKind = "rd"   // rd:<choice id>, an unclear message read as a report
	cbAsQuestion  ActionKind = "rq"   // rq:<choice id>, ... or as a question
	cbRerun       ActionKind = "rr"   // rr:<choice id>, a message run again as corrected (scope.go)
	cbApprove     ActionKind = "ap"   // ap:<approval id>
	cbReturn      ActionKind = "rt"   // rt:<approval id>
	cbUndo        ActionKind = "ud"   // ud:<year>:<audit id>[:<n>], n changes confirmed together
	cbUndoKeep    ActionKind = "uk"   // uk:<year>:<audit id>
	cbPlanOK      ActionKind = "pl"   // pl:<plan upload id>
	cbPlanCancel  ActionKind = "pn"   // pn:<plan upload id>
	cbReportNow   ActionKind = "rn"   // rn:<deadline id>
	cbDone        ActionKind = "dn"   // dn:<deadline id>
	cbSnooze      ActionKind = "sz"   // sz:<deadline id>|<assignee key>
	cbLang        ActionKind = "lang" // lang:<vi|en>
)

// MaxActionBytes is the most a button's data may hold: Telegram refuses
// callback_data over 64 bytes.
const MaxActionBytes = 64

// Action is what a button press asks for: the data of every button the bot
// makes, and the only reader of the data a press brings back. Which fields
// a kind uses is listed beside its constant; the others are zero.
type Action struct {
	Kind ActionKind
	// ID is the held thing the press acts on: a pending submission, a kept
	// message, an approval, an audit entry, a deadline, a plan upload, or
	// the language code.
	ID string
	// Year is the plan year of an undo question's audit entry (ud, uk); 0
	// on a question asked before buttons carried it.
	Year int
	// N is the index of the period or reading chosen (pp, pa), or for ud
	// how many changes confirmed together the question showed (0: one).
	N int
	// Key is the assignee a snooze is for (sz): remind.Assignee.Key.
	Key string
}

// ErrBadAction is returned by ParseAction for data the bot did not make
// (forged, from an older grammar, or too long).
var ErrBadAction = errors.New("handlers: bad button data")

var actionKinds = map[ActionKind]bool{
	cbConfirm: true, cbCancel: true, cbPeriod: true, cbAlternative: true, cbReplace: true,
	cbAsReport: true, cbAsQuestion: true, cbRerun: true, cbApprove: true, cbReturn: true,
	cbUndo: true, cbUndoKeep: true, cbPlanOK: true, cbPlanCancel: true, cbReportNow: true,
	cbDone: true, cbSnooze: true, cbLang: true,
}

// String is the button data of a: "ok:<id>", "pp:<id>:<n>",
// "ud:<year>:<id>:<n>", "sz:<id>|<key>". ParseAction reads it back.
func (a Action) String() string {
	s := string(a.Kind) + ":"
	switch a.Kind {
	case cbPeriod, cbAlternative:
		return s + a.ID + ":" + strconv.Itoa(a.N)
	case cbUndo, cbUndoKeep:
		if a.Year > 0 {
			s += strconv.Itoa(a.Year) + ":"
		}
		s += a.ID
		if a.Kind == cbUndo && a.N > 0 {
			s += ":" + strconv.Itoa(a.N)
		}
		return s
	case cbSnooze:
		return s + a.ID + "|" + a.Key
	}
	return s + a.ID
}

// Fits reports whether a's data is within Telegram's 64 bytes; a button
// whose data is not would be refused with the whole message.
func (a Action) Fits() bool { return len(a.String()) <= MaxActionBytes }

// ParseAction reads a button's data as String wrote it; for every s it
// accepts, ParseAction(s).String() == s. It returns ErrBadAction for
// anything else: an unknown kind, a missing id, a number that is not one.
func ParseAction(s string) (Action, error) {
	if len(s) > MaxActionBytes {
		return Action{}, ErrBadAction
	}
	kind, rest, ok := strings.Cut(s, ":")
	a := Action{Kind: ActionKind(kind)}
	if !ok || !actionKinds[a.Kind] || rest == "" {
		return Action{}, ErrBadAction
	}
	switch a.Kind {
	case cbPeriod, cbAlternative:
		id, n, ok := strings.Cut(rest, ":")
		if !ok || id == "" {
			return Action{}, ErrBadAction
		}
		if a.N, ok = natural(n); !ok {
			return Action{}, ErrBadAction
		}
		a.ID = id
	case cbUndo, cbUndoKeep:
		parts := strings.Split(rest, ":")
		switch {
		case len(parts) == 1: // a question from before the year was added
		case len(parts) == 3 && a.Kind == cbUndo:
			n, ok := natural(parts[2])
			if !ok || n == 0 {
				return Action{}, ErrBadAction
			}
			a.N = n
			fallthrough
		case len(parts) == 2:
			y, ok := natural(parts[0])
			if !ok || y == 0 {
				return Action{}, ErrBadAction
			}
			a.Year, parts = y, parts[1:]
		default:
			return Action{}, ErrBadAction
		}
		if a.ID = parts[0]; a.ID == "" {
			return Action{}, ErrBadAction
		}
	case cbSnooze:
		id, key, ok := strings.Cut(rest, "|")
		if !ok || id == "" || key == "" {
			return Action{}, ErrBadAction
		}
		a.ID, a.Key = id, key
	default:
		a.ID = rest
	}
	return a, nil
}

// natural reads a number written as strconv.Itoa writes a non-negative
// int: digits, no sign, no leading zero. ok is false for anything else.
func natural(s string) (int, bool) {
	if s == "" || len(s) > 9 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
