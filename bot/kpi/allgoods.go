package kpi

import "strings"

// "các mặt hàng xuất khẩu địa phương tiếp tục có sự tăng trưởng, sau 3
// tháng đã đạt giá trị gần 300 triệu USD": all the goods a province exports
// are its exports. A named group stays a part: "các mặt hàng xuất khẩu chủ
// lực", "mặt hàng xuất khẩu gạo".

// allBefore "mặt hàng" make it every good.
var allBefore = sortedPhrases("các", "tất cả các", "toàn bộ các", "tất cả", "all")

// tradeAfter name the trade whose goods they are.
var tradeAfter = sortedPhrases("xuất khẩu", "nhập khẩu", "export", "import")

// keyGoods after it name a group of the goods.
var keyGoods = sortedPhrases("chủ lực", "chủ yếu", "chính", "trọng điểm", "trọng yếu", "mũi nhọn", "truyền thống",
	"có thế mạnh", "tiềm năng", "nông sản", "công nghiệp", "như", "gồm", "là", "lớn", "nhiều nhất", "key", "main", "top")

// allGoods reports whether the goods word at word i (k words long) means
// all the province's exports or imports.
func allGoods(v *lineView, i, k int) bool {
	all := false
	for back := 1; back <= 3 && i-back >= 0; back++ {
		all = all || v.phraseAt(i-back, allBefore) == back
	}
	if !all || i+k >= len(v.words) {
		return false
	}
	t := v.phraseAt(i+k, tradeAfter)
	if t == 0 {
		return false
	}
	// Up to the end of its clause, nothing may single some goods out.
	for j := i + k + t; j < len(v.words); j++ {
		if gap := v.src[v.words[j-1].b:v.words[j].a]; strings.ContainsAny(gap, ",;.:()") || startsWithDigit(v.words[j].text) {
			break
		}
		if v.phraseAt(j, keyGoods) > 0 || v.phraseAt(j, narrowers) > 0 || v.phraseAt(j, tradeChannels) > 0 || v.phraseAt(j, rankMarks) > 0 {
			return false
		}
	}
	return true
}
