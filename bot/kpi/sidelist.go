package kpi

import (
	"regexp"
	"strings"
)

// A ranking names the places ahead with their figures in brackets: "chỉ
// đứng sau Phú Thọ (26,4%), Ninh Bình (22,8%) và Bắc Ninh (17,1%)". Those
// places are side phrases: their bracketed figures are theirs, the
// sentence's own figure is still the plan's.

// rankSide before the first place of such a list rank it ("sau" alone may
// be a time: "sau Tết").
var rankSide = sortedPhrases("đứng sau", "chỉ sau", "chỉ đứng sau", "xếp sau", "xếp sau tỉnh", "đứng sau tỉnh", "chỉ sau tỉnh",
	"ranked behind", "only behind")

// sideGap is what may stand between a listed place and the next: its own
// figure in brackets and a joining word.
var sideGap = regexp.MustCompile(`^\s*(\(\s*[0-9][^()]{0,24}\))?\s*(,|;|và|and|hoặc|or)?\s*$`)

// sideEnd is what may follow the last place of the list to the end of its
// clause: its figure in brackets.
var sideEnd = regexp.MustCompile(`^\s*(\(\s*[0-9][^()]{0,24}\))?\s*[.;,]?\s*$`)

// sideListed returns, for each place, whether it stands in a ranked list
// of other places whose only numbers are their own, in brackets.
func sideListed(v *lineView, places []place) []bool {
	out := make([]bool, len(places))
	for k := 0; k < len(places); k++ {
		head := places[k]
		if head.unit != nil {
			continue
		}
		ranked := false
		for back := 1; back <= 3 && head.from-back >= 0; back++ {
			ranked = ranked || v.phraseAt(head.from-back, rankSide) == back
		}
		if !ranked {
			continue
		}
		// The list: places joined by a gap of their own bracketed figure.
		end := k
		for end+1 < len(places) && places[end+1].unit == nil && sideGap.MatchString(v.src[places[end].b:places[end+1].a]) {
			end++
		}
		last := places[end]
		stop := len(v.src)
		if j := last.to; j < len(v.words) {
			if s := sentenceStop(v, j); s < stop {
				stop = s
			}
		}
		if !sideEnd.MatchString(v.src[last.b:stop]) {
			continue
		}
		for j := k; j <= end; j++ {
			out[j] = true
		}
		k = end
	}
	return out
}

// sentenceStop returns the byte where the sentence holding word j ends,
// at its last word's end.
func sentenceStop(v *lineView, j int) int {
	for i := j + 1; i < len(v.words); i++ {
		if sentenceFrom(v, i) == i {
			gap := v.src[v.words[i-1].b:v.words[i].a]
			return v.words[i-1].b + strings.IndexAny(gap, ".;!?\n") + 1
		}
	}
	return len(v.src)
}
