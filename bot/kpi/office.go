package kpi

// The country's statistics office publishes every province's figures: when
// the sentence names the plan's province as the owner of its figure ("Cục
// Thống kê, Bộ Tài chính vừa công bố chỉ số IIP của Long An …"), the office
// is its source, not its scope.

// ownerBefore the province's name make the figure the province's.
var ownerBefore = sortedPhrases("của", "tỉnh", "of")

// officeCitesProvince reports whether, after word i (the office) in its
// sentence, the plan's province is named as the owner of a figure.
func officeCitesProvince(v *lineView, i int, own []phrase) bool {
	if len(own) == 0 {
		return false
	}
	for j := i + 1; j < len(v.words); j++ {
		// Before any number: "IIP tháng 9 tăng 8%, trong đó tỉnh Long An
		// tăng 12%" is the country's figure first.
		if sentenceFrom(v, j) == j || startsWithDigit(v.words[j].text) {
			return false
		}
		if v.phraseAt(j, own) > 0 && v.phraseAt(j-1, ownerBefore) == 1 {
			return true
		}
	}
	return false
}
