package kpi

// Aspect is what a progress question asks beyond the figure itself.
type Aspect int

// The aspects a question may ask for.
const (
	AspectNone       Aspect = iota
	AspectProjection        // "có đạt kế hoạch không?", "dự báo cả năm"
)

// projectionPhrases ask whether the year's target will be met, or where
// the year will end: data, matched with or without marks.
var projectionPhrases = sortedPhrases(
	"dự báo", "dự kiến", "có đạt kế hoạch", "đạt kế hoạch không", "có đạt không", "kịp kế hoạch",
	"có kịp không", "cả năm sẽ", "ước cả năm",
	"forecast", "projection", "projected", "will we make it", "on track", "meet the plan",
	"meet the target", "make the target", "make the plan", "end of year", "whole year",
)

// AskedAspect returns what text asks beyond the figure: a projection, or
// AspectNone.
func AskedAspect(text string) Aspect {
	toks := wordTokens(text)
	for i := range toks {
		for _, ph := range projectionPhrases {
			if matchWords(toks, i, ph) {
				return AspectProjection
			}
		}
	}
	return AspectNone
}
