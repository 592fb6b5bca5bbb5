package kpi

import "strings"

// An earlier period cited for last year's figure is no period of the
// sentence's own: "tăng 6,72% so với cùng kỳ năm trước, cao hơn mức tăng
// 4,84% của quý I/2021" is of the first quarter of the plan year.

// citedOf between last year's figure and a period make it that figure's.
var citedOf = sortedPhrases("của", "của cùng kỳ", "cùng kỳ", "trong", "of", "in")

// citePriorPeriods marks as a basis each period of a year before the
// plan's written right after a number that is last year's figure.
func citePriorPeriods(v *lineView, nums []numAt, periods []periodAt, year int) {
	for k := range periods {
		pa := &periods[k]
		if pa.basis || pa.p.Year >= year || pa.p.Year == 0 {
			continue
		}
		for _, n := range nums {
			if n.role != RolePrior || n.b > pa.a {
				continue
			}
			i, j := v.wordIndex(n.b), v.wordIndex(pa.a)
			if j-i > 0 && v.phraseAt(i, citedOf) == j-i && !strings.ContainsAny(v.src[n.b:pa.a], ",;.()") {
				pa.basis = true
			}
		}
	}
}
