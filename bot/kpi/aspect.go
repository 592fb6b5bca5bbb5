package kpi

// Aspect is what a progress question asks beyond the figure itself.
type Aspect int

// The aspects a question may ask for.
const (
	AspectNone       Aspect = iota
	AspectProjection        // "có đạt kế hoạch không?", "dự báo cả năm"
	AspectMonthly           // "xuất khẩu từng tháng": month by month
	AspectRanking           // "xếp hạng xuất khẩu các đơn vị": units ranked
)

// projectionPhrases ask whether the year's target will be met, or where
// the year will end: data, matched with or without marks.
var projectionPhrases = sortedPhrases(
	"dự báo", "dự kiến", "có đạt kế hoạch", "đạt kế hoạch không", "có đạt không", "kịp kế hoạch",
	"có kịp không", "cả năm sẽ", "ước cả năm",
	"forecast", "projection", "projected", "will we make it", "on track", "meet the plan",
	"meet the target", "make the target", "make the plan", "end of year", "whole year",
)

// monthlyPhrases ask for a breakdown month by month.
var monthlyPhrases = sortedPhrases(
	"từng tháng", "theo tháng", "các tháng", "hàng tháng", "mỗi tháng",
	"month by month", "by month", "each month", "monthly", "per month",
)

// rankingPhrases ask for the units ranked.
var rankingPhrases = sortedPhrases(
	"xếp hạng", "thứ hạng", "các đơn vị", "từng đơn vị", "theo đơn vị", "mỗi đơn vị", "các huyện",
	"rank", "ranking", "ranked", "by unit", "each unit", "per unit", "all units",
)

// AskedAspect returns what text asks beyond the figure: a projection, a
// breakdown by month, the units ranked, or AspectNone. A ranking wins over
// the others ("xếp hạng … từng tháng" ranks), then a breakdown by month.
func AskedAspect(text string) Aspect {
	toks := wordTokens(text)
	has := func(phs []phrase) bool {
		for i := range toks {
			for _, ph := range phs {
				if matchWords(toks, i, ph) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has(rankingPhrases):
		return AspectRanking
	case has(monthlyPhrases):
		return AspectMonthly
	case has(projectionPhrases):
		return AspectProjection
	}
	return AspectNone
}
