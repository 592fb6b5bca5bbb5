package kpi

import (
	"strings"
	"unicode"
)

// Intent is what a plain message (no command, no "cập nhật") most likely
// is: a question, a report of figures, or either.
type Intent int

// The intents.
const (
	// IntentQuestion: no figure in it fits an indicator ("xuất khẩu quý 1",
	// "xk tháng 3", "tiến độ bán lẻ?").
	IntentQuestion Intent = iota
	// IntentReport: it names an indicator and a value that fits it ("xuất
	// khẩu tháng 3/2022: 520 triệu USD", "IIP tháng 3 tăng 7%").
	IntentReport
	// IntentEither: both readings are plausible ("xk 520", "xuất khẩu
	// tăng 12%?"): the user is asked.
	IntentEither
)

// questionWords make a message a question even with a number in it.
var questionWords = sortedPhrases("bao nhiêu", "thế nào", "ra sao", "như nào", "chưa", "tiến độ", "có đạt",
	"được không", "là gì", "mấy", "how much", "how many", "how", "what", "progress", "did")

// Intent says whether text, written without a command, is a question or a
// report of figures: a report names an indicator (or a phrase that looks
// like one) and a value that fits it — an amount with a scale or currency
// for a cumulative indicator, a percentage for a rate or level, a dated
// event for a count or milestone. A question word or "?" with a value, or
// a bare number that is no period ("xk 520"), is IntentEither. It never
// fails.
func (p *Plan) Intent(text, lang string) Intent {
	body := strings.TrimSpace(commandPrefix.ReplaceAllString(text, ""))
	question := strings.Contains(body, "?")
	report, bare := false, false
	r := &updateReader{p: p, o: UpdateOptions{Lang: lang}}
	for _, line := range strings.Split(body, "\n") {
		if !hasWord(line) {
			continue
		}
		line = joinSplitScales(line)
		v := newLineView(line)
		if v.hasFree(clause{to: len(v.words)}, questionWords, nil) {
			question = true
		}
		// "Chỉ số IIP là gì? 5 bước …": asks what it is; its numbers are
		// the article's, not a figure.
		define := AsksDefinition(line)
		question = question || define
		ments := r.mentions(v)
		if placesOnly(ments) {
			continue // "3 địa phương gánh 50% kim ngạch xuất khẩu cả nước": news of others
		}
		_, rest, _, _ := ParsePeriod(line, p.Year)
		_, rest = findDates(rest)
		ind := r.findIndicator(newLineWords(rest))
		if ind != nil && (ind.Kind == Count || ind.Kind == Milestone) {
			// "CCN Hựu Thạnh đi vào hoạt động 15/06/2022": an event with a date.
			if dates, _ := findDates(line); len(dates) > 0 {
				report = true
			}
			continue
		}
		if len(ments) == 0 && ind == nil {
			continue
		}
		periods := findPeriods(line, p.Year, 0)
		dates, _ := findDates(line)
		for _, n := range r.numbers(v, line, periods, dates) {
			if n.err != nil || n.role == RoleName {
				continue
			}
			money := n.q.Measure == USD || n.q.Measure == VND || n.q.Scale != One
			switch {
			case money && (ind == nil || isMoney(ind.Measure)):
				report = true
			case n.pct && (ind == nil || ind.Measure == Percent):
				report = true
			case n.pct:
				bare = true // "xuất khẩu tăng 12%": a change, or a question about one
			case n.q.Measure == "" && !define && bareValue(line, ments, periods, n):
				bare = true // "xk 520"; not "BÀI 5: TỔNG MỨC BÁN LẺ", "Top 10 … IIP"
			}
		}
	}
	switch {
	case report && !question:
		return IntentReport
	case report || bare:
		return IntentEither
	}
	return IntentQuestion
}

// bareValue reports whether a number written without a measure stands where
// a value would: right after an indicator's words, with at most one word
// between them besides a period ("xk 520", "xuất khẩu tháng 3 đạt 520").
// A number before every indicator ("BÀI 5: TỔNG MỨC BÁN LẺ", "Top 10 địa
// phương … IIP") or far after it ("IIP là gì? 5 bước") is not a value.
func bareValue(line string, ments []mention, periods []periodAt, n numAt) bool {
	for _, m := range ments {
		if m.b > n.a {
			continue
		}
		gap := []byte(line[m.b:n.a])
		for _, p := range periods {
			for k := max(p.a, m.b); k < min(p.b, n.a); k++ {
				gap[k-m.b] = ' '
			}
		}
		if words := strings.FieldsFunc(string(gap), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }); len(words) <= 1 {
			return true
		}
	}
	return false
}
