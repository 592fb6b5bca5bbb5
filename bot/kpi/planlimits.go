package kpi

import (
	"fmt"
	"unicode/utf8"
)

// Limits on a plan: what a real province needs with a wide margin (the
// largest province after the 2025 reorganisation has 166 communes and
// wards; a year's programme has tens of indicators), and what keeps every
// answer, table and reminder sync of the plan bounded. ParsePlan refuses a
// plan beyond any of them, saying the limit and the number found.
const (
	MaxPlanUnits      = 200 // reporting units
	MaxPlanGroups     = 20  // groups of units
	MaxPlanIndicators = 60  // indicators
	// MaxPlanAssignments bounds the figures a period expects: the sum over
	// the indicators reported by units of the units reporting each (and so
	// the reminders a sync schedules, each with its lead times).
	MaxPlanAssignments = 2000
	MaxPlanStages      = 20   // stages of one milestone
	MaxPlanList        = 50   // aliases, examples or excludes of one entry
	MaxPlanName        = 200  // characters of an id, a name, a short name, an alias, a stage
	MaxPlanText        = 1000 // characters of a title, the source, a note
	// MaxDecimalDigits bounds the digits of a target: an Amount holds at
	// most 19 digits, so a longer text cannot be one. It is checked on the
	// text, before any arithmetic.
	MaxDecimalDigits = 24
)

// checkLimits reports the plan's counts beyond the limits; it returns false
// when one is over, and the rest of the plan is not looked at.
func checkLimits(p *Plan, bad func(place, format string, args ...any)) bool {
	ok := true
	count := func(place string, n, most int, what string) {
		if n > most {
			bad(place, "at most %d %s, not %d", most, what, n)
			ok = false
		}
	}
	count("units", len(p.Units), MaxPlanUnits, "units")
	count("groups", len(p.Groups), MaxPlanGroups, "groups")
	count("indicators", len(p.Indicators), MaxPlanIndicators, "indicators")
	if !ok {
		return false
	}
	text := func(place, s string, most int) {
		if utf8.RuneCountInString(s) > most {
			bad(place, "at most %d characters, not %d", most, utf8.RuneCountInString(s))
			ok = false
		}
	}
	names := func(place string, list []string) {
		count(place, len(list), MaxPlanList, "entries")
		for i, s := range list {
			text(fmt.Sprintf("%s[%d]", place, i), s, MaxPlanName)
		}
	}
	text("id", p.ID, MaxPlanName)
	text("province", p.Province, MaxPlanName)
	text("title_vi", p.TitleVI, MaxPlanText)
	text("title_en", p.TitleEN, MaxPlanText)
	text("source", p.Source, MaxPlanText)
	unit := func(place string, u *Unit) {
		text(place+".id", u.ID, MaxPlanName)
		text(place+".name", u.Name, MaxPlanName)
		text(place+".short", u.Short, MaxPlanName)
		names(place+".aliases", u.Aliases)
	}
	unit("department", &p.Department)
	for i := range p.Units {
		unit(fmt.Sprintf("units[%d]", i), &p.Units[i])
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		place := fmt.Sprintf("groups[%d]", i)
		text(place+".id", g.ID, MaxPlanName)
		text(place+".name", g.Name, MaxPlanName)
		text(place+".short", g.Short, MaxPlanName)
		text(place+".previous", g.Previous, MaxPlanName)
		names(place+".aliases", g.Aliases)
		count(place+".units", len(g.Units), MaxPlanUnits, "units")
	}
	assigned := 0
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		place := fmt.Sprintf("indicators[%d]", i)
		text(place+".id", ind.ID, MaxPlanName)
		text(place+".name_vi", ind.NameVI, MaxPlanName)
		text(place+".name_en", ind.NameEN, MaxPlanName)
		text(place+".note_vi", ind.NoteVI, MaxPlanText)
		text(place+".note_en", ind.NoteEN, MaxPlanText)
		names(place+".aliases", ind.Aliases)
		names(place+".examples", ind.Examples)
		names(place+".excludes", ind.Excludes)
		count(place+".stages", len(ind.Stages), MaxPlanStages, "stages")
		for j, s := range ind.Stages {
			sp := fmt.Sprintf("%s.stages[%d]", place, j)
			text(sp+".id", s.ID, MaxPlanName)
			text(sp+".vi", s.VI, MaxPlanName)
			text(sp+".en", s.EN, MaxPlanName)
		}
		count(place+".unit_targets", len(ind.UnitTargetsText), MaxPlanUnits, "unit targets")
		if ind.Reporters == ByUnits {
			assigned += len(p.Units)
		}
	}
	if assigned > MaxPlanAssignments {
		bad("indicators", "at most %d figures a period (indicators reported by units × units), not %d", MaxPlanAssignments, assigned)
		ok = false
	}
	return ok
}

// decimalText reports whether s (underscores removed) looks like a plain
// decimal of at most MaxDecimalDigits digits: an optional sign, digits, at
// most one point. It reads the text only, so that no huge exponent or
// numerator reaches big.Rat.
func decimalText(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && digits <= MaxDecimalDigits
}
