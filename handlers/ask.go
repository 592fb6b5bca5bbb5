package handlers

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"tiendo/bot/kpi"
)

// smallTalk answers a greeting, thanks, or a message without words ("👍",
// ".") with a short polite line and the help hint: not the overview, not an
// indicator's suggestions.
func (s *session) smallTalk(ctx context.Context, st kpi.SmallTalk) error {
	id := "SmallTalkNoWords"
	switch st {
	case kpi.SmallHello:
		id = "SmallTalkHello"
	case kpi.SmallThanks:
		id = "SmallTalkThanks"
	}
	return s.reply(ctx, s.t(id))
}

// definitionHead is what the indicator is, for "X là gì?", "cách tính X",
// "X gồm những gì", put before its figure; "" when the question does not
// ask it or the plan has no definition.
func (s *session) definitionHead(ind *kpi.Indicator, args string) string {
	def := ind.Definition(s.lang)
	if def == "" || !kpi.AsksDefinition(args) {
		return ""
	}
	return s.t("DefinitionHead", "Name", ind.Name(s.lang), "Definition", def, "Source", ind.DefinitionSource) + "\n\n"
}

// province is what the plan covers, for "this bot keeps the figures of …".
func (s *session) province() string {
	if s.Plan.Province != "" {
		return s.Plan.Province
	}
	return s.Plan.Title(s.lang)
}

// otherPlace answers a question about another province or the whole
// country ("Tây Ninh tăng trưởng GRDP 9 tháng bao nhiêu?"): this bot keeps
// its own province's figures, and a button asks the same of the plan.
func (s *session) otherPlace(ctx context.Context, e *kpi.Error) error {
	ind := s.Plan.Indicator(e.Data["indicator"])
	if ind == nil {
		return s.fail(ctx, e)
	}
	own := ind.NameVI
	if per, err := kpi.ParsePeriodKey(e.Data["period"]); err == nil && e.Data["period"] != "" {
		own += " " + per.Label("vi")
	}
	id, err := s.choiceStore().PutChoice(ctx, s.UserID, own, PendingTTL)
	if err != nil {
		return err
	}
	msg := "QuestionOtherPlace"
	if e.Data["country_figure"] != "" {
		msg = "QuestionCountryFigure" // "GDP quý 3 tăng bao nhiêu": GDP is the country's
	}
	return s.reply(ctx, s.t(msg, "Province", s.province(), "Place", e.Data["place"], "Name", ind.Name(s.lang)),
		[]Button{{Text: s.t("ButtonOwnAnswer", "Province", s.province()), Data: Action{Kind: cbAsQuestion, ID: id}.String()}})
}

// noPlanYear answers a question about a year without a plan: which years
// have one, and a button that asks the same of the nearest year. Nothing is
// answered for another year unless asked.
func (s *session) noPlanYear(ctx context.Context, args string, e *kpi.Error) error {
	asked, _ := e.Int("year")
	years := []int{s.Plan.Year}
	if s.Plans != nil {
		ys, err := s.Plans.Years(ctx)
		if err != nil {
			return err
		}
		if len(ys) > 0 {
			years = ys
		}
	}
	slices.Sort(years)
	nearest := years[0]
	for _, y := range years {
		if absInt(y-asked) < absInt(nearest-asked) {
			nearest = y
		}
	}
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = strconv.Itoa(y)
	}
	msg := s.t("QuestionNoPlanYear", "Year", asked, "Years", strings.Join(names, ", "))
	again := strings.ReplaceAll(args, e.Data["year"], strconv.Itoa(nearest))
	if again == args || strings.TrimSpace(again) == "" {
		return s.reply(ctx, msg) // "T3/21": no year written out to change
	}
	id, err := s.choiceStore().PutChoice(ctx, s.UserID, again, PendingTTL)
	if err != nil {
		return err
	}
	return s.reply(ctx, msg+"\n"+s.t("QuestionNearestYear", "Year", nearest),
		[]Button{{Text: s.t("ButtonSeeYear", "Year", nearest), Data: Action{Kind: cbAsQuestion, ID: id}.String()}})
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
