package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// This file holds what every command does with a unit, group or year it
// was given: honour it, or refuse it with what to write instead — never
// answer for something else. The decision of which words name a place is
// kpi's (Plan.ParseScope, ParseQuestion); here are the refusals' buttons.

// Error ids of a place a command does not take.
const (
	// ErrCommandWholeProvince: Data "place", "command". The command's
	// answer is the province's, with every unit in it (/baocao, /bieudo).
	ErrCommandWholeProvince = "ErrCommandWholeProvince"
	// ErrCommandNoGroup: Data "place", "command" (/lichsu, /tongquan).
	ErrCommandNoGroup = "ErrCommandNoGroup"
	// ErrCommandOwnUnit: Data "place" (/hanchot lists the user's own unit's).
	ErrCommandOwnUnit = "ErrCommandOwnUnit"
	// ErrOverviewPeriod: Data "period" (/tongquan is the year to date).
	ErrOverviewPeriod = "ErrOverviewPeriod"
)

// A cbRerun button runs a message again as corrected: the unit suggested
// for one not understood, or the command without the unit it does not
// take. The text waits in the store (PutChoice) under a short id.

// scopeRefusal refuses the unit or group sc names for a command that does
// not take one, or is nil when sc names none. Its examples are of the plan
// in force: its indicator, its first unit, its year.
func (s *session) scopeRefusal(command string, sc kpi.Scope, id string) error {
	place := ""
	switch {
	case len(sc.Units) > 0:
		place = sc.Units[0].Short
	case sc.Group != nil:
		place = groupShort(sc.Group)
	default:
		return nil
	}
	ind := s.exampleIndicator()
	unit := place
	if len(s.Plan.Units) > 0 {
		unit = s.Plan.Units[0].Short
	}
	own := command + " " + unit // "/tongquan Tân An"
	if command == "/lichsu" {
		own = command + " " + ind + " " + unit
	}
	return kpi.Fail(id, "place", place, "command", command, "example", ind+" "+place, "own", own, "year", strconv.Itoa(s.Plan.Year))
}

// exampleIndicator is the name, in the user's language, of the indicator
// examples ask about: the plan's first cumulative one its units report.
func (s *session) exampleIndicator() string {
	for i := range s.Plan.Indicators {
		if ind := &s.Plan.Indicators[i]; ind.Kind == kpi.Cumulative && ind.Reporters == kpi.ByUnits {
			return ind.Name(s.lang)
		}
	}
	if len(s.Plan.Indicators) > 0 {
		return s.Plan.Indicators[0].Name(s.lang)
	}
	return ""
}

func groupShort(g *kpi.Group) string {
	if g.Short != "" {
		return g.Short
	}
	return g.Name
}

// refusalButtons are the buttons of a refusal: one per unit suggested for a
// name not understood, and "whole province" for a command that does not take
// a unit. Each runs the message again, corrected; none when the words
// refused cannot be found in the message as written.
func (s *session) refusalButtons(ctx context.Context, e *kpi.Error) ([]Button, error) {
	place := e.Data["place"]
	if place == "" || !strings.Contains(s.Text, place) {
		return nil, nil
	}
	var row []Button
	add := func(label, text string) error {
		id, err := s.choiceStore().PutChoice(ctx, s.UserID, text, PendingTTL)
		if err != nil {
			return err
		}
		row = append(row, Button{Text: label, Data: Action{Kind: cbRerun, ID: id}.String()})
		return nil
	}
	switch e.ID {
	case kpi.ErrUnknownPlace:
		for _, id := range e.List("units") {
			if short, ok := s.Plan.Place(id); ok {
				if err := add(short, strings.Replace(s.Text, place, short, 1)); err != nil {
					return nil, err
				}
			}
		}
	case ErrCommandWholeProvince:
		if err := add(s.t("ButtonWholeProvince"), strings.Join(strings.Fields(strings.Replace(s.Text, place, "", 1)), " ")); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// placeNames turns the ids of a refusal's "units" into short names.
func (s *session) placeNames(ids []string) string {
	var names []string
	for _, id := range ids {
		if short, ok := s.Plan.Place(id); ok {
			names = append(names, short)
		}
	}
	return strings.Join(names, ", ")
}

// rerun runs a kept message again, as if the user had written it.
func (s *session) rerun(ctx context.Context, id string) error {
	text, err := s.choiceStore().TakeChoice(ctx, id, s.UserID)
	switch {
	case errors.Is(err, store.ErrExpired):
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	case err != nil:
		return err
	}
	if err := s.out.Answer(ctx, s.CallbackID, ""); err != nil {
		return err
	}
	s.Text, s.CallbackID, s.Data = text, "", ""
	return s.text(ctx)
}
