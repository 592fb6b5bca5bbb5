package kpi

// A plan named beside a result is not a forecast: "đạt vượt kế hoạch đề
// ra", "thấp hơn mức 8,1% theo kế hoạch", and "chỉ tiêu" right before an
// indicator names the indicator ("chỉ tiêu tổng sản phẩm trên địa bàn").

// resultBefore a plan word make it the plan a result is measured against.
var resultBefore = sortedPhrases("vượt", "đạt", "hoàn thành", "so với", "so", "theo", "bằng", "hơn", "cao hơn",
	"thấp hơn", "vượt qua", "vượt mức", "exceeded", "met", "against")

// planWords are the forecast words that name the plan itself; wChiTieu
// names an indicator when one follows it.
var (
	planWords = sortedPhrases("kế hoạch năm", "kế hoạch đề ra")
	wChiTieu  = sortedPhrases("chỉ tiêu")
)

// forecastIn reports whether clause c says a plan or a forecast, leaving
// out a plan word that a result is measured against and "chỉ tiêu" naming
// the indicator that follows it.
func forecastIn(v *lineView, c clause, nums []numAt, ments []mention) bool {
	if !v.hasFree(c, forecastWords, nums) {
		return false
	}
	all := v.toks(0, len(v.words))
	for i := c.from; i < c.to; i++ {
		n := 0
		for _, ph := range forecastWords {
			if i+len(ph.words) <= c.to && matchFiller(all, i, ph) && len(ph.words) > n {
				n = len(ph.words)
			}
		}
		if n == 0 {
			continue
		}
		plan := v.phraseAt(i, planWords) == n && !modalIn(v, i)
		named := v.phraseAt(i, wChiTieu) == n && !measuredAgainst(v, i) && mentionStartsAt(ments, i+n) && resultSaid(v, i+n)
		if !(plan && measuredAgainst(v, i)) && !named {
			return v.hasFree(clause{from: i, to: c.to}, forecastWords, nums)
		}
		i += n - 1
	}
	return false
}

// measuredAgainst reports whether a result word stands right before word i.
func measuredAgainst(v *lineView, i int) bool {
	for back := 1; back <= 2 && i-back >= 0; back++ {
		if v.phraseAt(i-back, resultBefore) == back {
			return true
		}
	}
	return false
}

// mentionStartsAt reports whether a mention of an indicator begins at word i.
func mentionStartsAt(ments []mention, i int) bool {
	for _, m := range ments {
		if m.from == i && m.ind != nil && m.blocked == "" {
			return true
		}
	}
	return false
}

// resultVerbs say a result; targetSaid words a target: "chỉ tiêu xuất khẩu
// năm 2022 là 4 tỷ USD" is the plan.
var (
	resultVerbs = sortedPhrases("ước đạt", "ước tính", "ước", "đã đạt", "sơ bộ", "tăng", "giảm", "rose", "fell")
	targetSaid  = sortedPhrases("là", "giao", "đề ra", "đặt ra", "is", "set")
)

// resultSaid reports whether the words from word from on, in its sentence,
// say a result verb before a number and no word of a target.
func resultSaid(v *lineView, from int) bool {
	verb := false
	for i := from; i < len(v.words); i++ {
		if i > from && sentenceFrom(v, i) == i {
			return false
		}
		if v.phraseAt(i, targetSaid) > 0 {
			return false
		}
		if startsWithDigit(v.words[i].text) && verb {
			return true
		}
		verb = verb || v.phraseAt(i, resultVerbs) > 0
	}
	return false
}

// modalWords in a sentence make a plan beside a result a hope: "có khả
// năng vượt kế hoạch năm", "cần đạt kế hoạch đề ra".
var modalWords = sortedPhrases("khả năng", "có thể", "hy vọng", "nếu", "cần", "để", "phải", "sẽ", "nhằm", "mong",
	"likely", "could", "may", "might", "if", "need")

// modalIn reports whether the sentence holding word i says a modal word.
func modalIn(v *lineView, i int) bool {
	for j := sentenceFrom(v, i); j < len(v.words); j++ {
		if j > i && sentenceFrom(v, j) == j {
			break
		}
		if v.phraseAt(j, modalWords) > 0 {
			return true
		}
	}
	return false
}
