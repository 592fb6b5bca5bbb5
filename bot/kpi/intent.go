package kpi

import (
	"strconv"
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
		ments := lookalikes(p, line, r.mentions(v))
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
			if n.err != nil || n.role == RoleName || timesWord(line, n) || countsPlaces(line, n) {
				continue // "gấp 1,7 lần", "của 6 thành phố": a ratio, a count of places
			}
			if yesNo(line, n) {
				question = true // "có đạt 7% không?": asks whether, reports nothing
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

// lookalikes keeps the mentions that are an indicator's or hold an
// indicator's words ("xuất nhập khẩu"): a phrase blocked for another reason
// ("Việt Nam") does not make a line look like a report of a figure.
func lookalikes(p *Plan, line string, ments []mention) []mention {
	var out []mention
	for _, m := range ments {
		if m.ind == nil {
			if _, ok := p.matchIndicator(foldMap(line[m.a:m.b], "").tokens(true), nil); !ok {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// timesWord reports whether number n is a multiple: "lần" (times) right
// after it ("gấp 1,7 lần", "tăng 2 lần").
func timesWord(line string, n numAt) bool {
	rest := strings.Fields(Fold(line[n.b:]))
	return len(rest) > 0 && (rest[0] == "lan" || rest[0] == "times")
}

// countsPlaces reports whether number n counts provinces or cities ("10
// địa phương", "6 thành phố trực thuộc trung ương"), not a value.
func countsPlaces(line string, n numAt) bool {
	if k, err := strconv.Atoi(strings.TrimSpace(line[n.a:n.b])); err != nil || k < 2 || k > 99 {
		return false // no count of provinces: "xk 520 tỉnh" is a value
	}
	toks := wordTokens(line[n.b:])
	for _, ph := range rankingPlaces {
		if matchWords(toks, 0, ph) {
			return true
		}
	}
	return false
}

// yesNoVerbs open a yes-or-no question about a value: "có đạt 7% không",
// "có vượt 6,4 tỉ USD không".
var yesNoVerbs = sortedPhrases("có đạt", "có vượt", "có kịp", "có hoàn thành", "có tăng", "có giảm", "có lên", "có về đích")

// yesNo reports whether number n stands inside a yes-or-no question: one of
// yesNoVerbs at most four words before it and "không" after it.
func yesNo(line string, n numAt) bool {
	before := wordTokens(line[:n.a])
	opened := false
	for i := max(0, len(before)-6); i < len(before) && !opened; i++ {
		for _, ph := range yesNoVerbs {
			if matchWords(before, i, ph) && len(before)-(i+len(ph.words)) <= 4 {
				opened = true
			}
		}
	}
	if !opened {
		return false
	}
	for _, t := range wordTokens(line[n.b:]) {
		if t.text == "khong" {
			return true
		}
	}
	return false
}
