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

// asideAhead opens a bracket about the place ahead in a ranking: "(sau tỉnh
// Bắc Giang tăng trưởng 13,85%)". Its figures are that place's.
var asideAhead = sortedPhrases("sau", "chỉ sau", "đứng sau", "xếp sau", "behind", "after")

// inAsideAhead reports whether byte a stands in a bracket that opens with
// asideAhead and names a place.
func inAsideAhead(v *lineView, a int) bool {
	open := strings.LastIndexAny(v.src[:a], "([")
	if open < 0 || strings.ContainsAny(v.src[open:a], ")]") {
		return false
	}
	i := v.wordIndex(open)
	return i < len(v.words) && v.words[i].a < a && v.phraseAt(i, asideAhead) > 0
}

// rankedPlaceWords before a place in its clause make it the field of a
// ranking: "xếp tốp các tỉnh dẫn đầu cả nước".
var rankedPlaceWords = append(sortedPhrases("tốp", "top", "nhóm"), rankWords...)

// rankedPlace reports whether place pl is the field of a ranking in a
// clause of no number, or the place ahead in a bracketed aside.
func rankedPlace(v *lineView, clauses []clause, nums []numAt, pl place) bool {
	if inAsideAhead(v, pl.a) {
		return true
	}
	c := clauseOf(clauses, pl.a)
	if numberIn(nums, c) {
		return false
	}
	for i := c.from; i < pl.from; i++ {
		if v.phraseAt(i, rankedPlaceWords) > 0 {
			return true
		}
	}
	return false
}
