package kpi

import "strings"

// The rules of this file give a number a role that is not a figure's value
// nor a change of it, from the words around it.

// levelBefore and a basis after a percentage make it a level against the
// basis, not a change: "bằng 99,7% so cùng kỳ" is 0,3% less, never "+99,7%".
var levelBefore = sortedPhrases("bằng", "chỉ bằng", "bằng khoảng", "bằng gần", "bằng hơn")

// ratioBasis after "so"/"so với" name a period: "so với năm 2021", "so với
// tháng 9". A plan ("so với kế hoạch") is not one: a share of the plan is
// kept.
var ratioBasis = sortedPhrases("năm", "tháng", "quý", "kỳ", "cùng", "last", "the same")

// progressAfter a percentage make it a project's progress: "đã đạt hơn 96%
// tiến độ", "đạt 80% khối lượng".
var progressAfter = sortedPhrases("tiến độ", "khối lượng", "khối lượng công việc", "kế hoạch vốn", "vốn", "progress")

// targetBefore a number make it a target set, not a result: "vượt kế hoạch
// mà thành phố đặt ra là 10,4%", "chỉ tiêu được giao là 8%".
var targetBefore = sortedPhrases("đặt ra là", "đề ra là", "đặt ra", "đề ra", "giao là", "được giao là", "được giao",
	"kế hoạch là", "mục tiêu là", "chỉ tiêu là", "kế hoạch năm là", "mục tiêu đặt ra là", "target of", "goal of")

// notAFigure returns the role of number n (at words first … after) when
// the words around it make it a ratio, a project's progress or a target;
// "" otherwise.
func notAFigure(v *lineView, n *numAt, first, after int) Role {
	if first >= len(v.words) {
		return ""
	}
	ends := func(phs []phrase) bool {
		for back := 1; back <= 4 && first-back >= 0; back++ {
			if v.phraseAt(first-back, phs) == back {
				return true
			}
		}
		return false
	}
	if inAsideAhead(v, n.a) {
		return RolePlace // "(sau tỉnh Bắc Giang tăng trưởng 13,85%)"
	}
	if ends(targetBefore) {
		return RoleForecast
	}
	if !n.pct || after >= len(v.words) {
		return ""
	}
	if v.phraseAt(after, progressAfter) > 0 {
		return RoleCount
	}
	if ends(levelBefore) && strings.TrimSpace(v.src[n.b:v.words[after].a]) == "" {
		if v.phraseAt(after, samePeriodAfter) > 0 || v.phraseAt(after, prevPeriodAfter) > 0 {
			return RoleRatio
		}
		if k := v.phraseAt(after, wSo); k > 0 && after+k < len(v.words) && v.phraseAt(after+k, ratioBasis) > 0 {
			return RoleRatio
		}
	}
	return ""
}
