package kpi

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Error IDs of the period reader.
const (
	ErrBadPeriod = "ErrBadPeriod" // Data: text
	ErrWrongYear = "ErrWrongYear" // Data: year, plan_year
)

// The words periods are written with, folded. They are data: a table with
// tests, not translations.
var (
	monthNames = map[string]int{
		"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
		"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
		"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}
	// ambiguousMonths are month names that are also words: "may" (dệt may,
	// "may I"), "sep" (sếp, a boss). They count only beside a year, in a
	// range, or after a preposition.
	ambiguousMonths   = map[string]bool{"may": true, "sep": true}
	monthPrepositions = map[string]bool{
		"in": true, "through": true, "thru": true, "to": true, "until": true, "till": true,
		"for": true, "of": true, "since": true, "by": true, "from": true, "during": true,
	}
	romanQuarters = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4}
	// numberWords are the counts reports spell out ("hai tháng đầu năm",
	// "tháng Tám"), folded, longest first so "muoi mot" wins over "muoi".
	// "nam" (năm, five) is also "year": it counts only before "tháng".
	numberWords = []struct {
		words string
		n     int
	}{
		{"muoi hai", 12}, {"muoi mot", 11}, {"mot", 1}, {"hai", 2}, {"ba", 3}, {"bon", 4}, {"tu", 4},
		{"nam", 5}, {"sau", 6}, {"bay", 7}, {"tam", 8}, {"chin", 9}, {"muoi", 10},
		{"gieng", 1}, {"chap", 12},
	}
	ordinals = map[string]int{
		"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
	}
	// notYearToDate are the words after "N tháng"/"N months" that make it a
	// span back from now or ahead, not from January: "3 tháng qua", "last 3
	// months".
	notYearToDate = map[string]bool{
		"gan": true, "truoc": true, "toi": true, "sau": true, "nua": true, "tiep": true,
		"ago": true,
	}
	notYearToDateBefore = map[string]bool{"last": true, "past": true, "next": true, "previous": true}
)

// monthLabelsEN are the English month names labels use.
var monthLabelsEN = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// periodCursor walks the tokens of folded text for the period patterns.
type periodCursor struct {
	toks []token
	i    int
}

func (c *periodCursor) at(k int) *token {
	if k < 0 || k >= len(c.toks) {
		return nil
	}
	return &c.toks[k]
}

// word consumes the letters token w.
func (c *periodCursor) word(w string) bool {
	if t := c.at(c.i); t != nil && t.kind == 'a' && t.text == w {
		c.i++
		return true
	}
	return false
}

// words consumes the words of ph in order; a hyphen may join them
// ("year-to-date"). It consumes nothing when they do not all follow.
func (c *periodCursor) words(ph string) bool {
	save := c.i
	for k, w := range strings.Fields(ph) {
		if k > 0 {
			c.punct("-", false)
		}
		if !c.word(w) {
			c.i = save
			return false
		}
	}
	return true
}

// anyWord consumes one of ws and returns it.
func (c *periodCursor) anyWord(ws ...string) (string, bool) {
	for _, w := range ws {
		if c.words(w) {
			return w, true
		}
	}
	return "", false
}

// num consumes a run of 1..maxLen ASCII digits; stuck requires it to touch
// the token before (no space).
func (c *periodCursor) num(maxLen int, stuck bool) (int, int, bool) {
	t := c.at(c.i)
	if t == nil || t.kind != '0' || len(t.text) > maxLen || (stuck && t.space) {
		return 0, 0, false
	}
	for _, b := range []byte(t.text) {
		if b < '0' || b > '9' {
			return 0, 0, false
		}
	}
	n, _ := strconv.Atoi(t.text)
	c.i++
	return n, len(t.text), true
}

// count consumes a number written in digits (up to maxLen) or in words
// ("hai", "mười một"); words reports which.
func (c *periodCursor) count(maxLen int) (n int, words bool, ok bool) {
	if n, _, ok := c.num(maxLen, false); ok {
		return n, false, true
	}
	for _, w := range numberWords {
		if w.words == "gieng" || w.words == "chap" || w.words == "tu" {
			continue // month names and "tư" only after "tháng"
		}
		if c.words(w.words) {
			return w.n, true, true
		}
	}
	return 0, false, false
}

// punct consumes punctuation p; stuck requires it to touch the token before.
func (c *periodCursor) punct(p string, stuck bool) bool {
	if t := c.at(c.i); t != nil && t.kind == 'p' && t.text == p && (!stuck || !t.space) {
		c.i++
		return true
	}
	return false
}

// yearSuffix reads the year written after a period: "/2022", "/22" (short),
// "-2022", "năm 2022", "of 2022", or a plain " 2022" when it cannot be the
// amount that follows ("tháng 3 2150 tỉ đồng" is not the year 2150). It
// returns 0 when no year is written, or when it is "năm nay" (this year).
func (c *periodCursor) yearSuffix(short bool) int {
	if c.words("nam nay") || c.words("this year") {
		return 0 // the plan year, said in words
	}
	save := c.i
	if c.punct(".", true) {
		// "tháng 3.2022": only a four-digit year, never "3.5".
		if y, n, ok := c.num(4, true); ok && n == 4 && y >= 1990 && y <= 2100 {
			return y
		}
		c.i = save
	}
	if c.punct("/", true) || c.punct("-", true) {
		if y, n, ok := c.num(4, true); ok && (n == 4 || (n == 2 && short)) {
			if n == 2 {
				y += 2000
			}
			return y
		}
		c.i = save
	}
	if _, ok := c.anyWord("cua nam", "nam", "of", "in"); ok {
		if y, n, ok := c.num(4, false); ok && n == 4 {
			return y
		}
		c.i = save
	}
	c.punct(",", true)
	if y, n, ok := c.num(4, false); ok && n == 4 && y >= 1990 && y <= 2100 && !c.amountFollows() {
		return y
	}
	c.i = save
	return 0
}

// amountFollows reports whether the token at the cursor continues a number
// or names a scale or unit: then the digits before it were an amount.
func (c *periodCursor) amountFollows() bool {
	t := c.at(c.i)
	if t == nil {
		return false
	}
	switch t.kind {
	case 'p':
		if t.text == "%" || t.text == "$" {
			return true
		}
		n := c.at(c.i + 1)
		return !t.space && (t.text == "." || t.text == ",") && n != nil && n.kind == '0' && !n.space
	case 'a':
		for _, w := range scaleWords {
			if w.word == t.text {
				return true
			}
		}
		for _, u := range unitWords {
			if u.words[0] == t.text {
				return true
			}
		}
		_, ok := attachedScales[t.text]
		return ok
	}
	return false
}

// month reads an English month name.
func (c *periodCursor) month() (int, string, bool) {
	t := c.at(c.i)
	if t == nil || t.kind != 'a' {
		return 0, "", false
	}
	m, ok := monthNames[t.text]
	if ok {
		c.i++
	}
	return m, t.text, ok
}

// periodMatch is one period found in the tokens [from, to).
type periodMatch struct {
	from, to int
	p        Period // Year 0: the plan year
	year     int    // the year written, 0 when none
	bad      bool   // a period word with an impossible number ("tháng 13")
}

// periodPattern reads one form of period at the cursor.
type periodPattern func(c *periodCursor) (periodMatch, bool)

func monthSpan(from, to int) Period { return Period{From: from, To: to} }

func validMonth(m int) bool { return m >= 1 && m <= 12 }

// monthRange finishes "tháng 4", "tháng 4–5", "tháng 4 đến tháng 5".
func (c *periodCursor) monthRange(first int, again string) (periodMatch, bool) {
	last := first
	save := c.i
	// A dash makes a range only when it touches both numbers ("tháng 4–5"):
	// "tháng 3 - 52 triệu" is a month and an amount.
	stuck := c.punct("-", true) || c.punct("–", true)
	backwards := false
	if stuck || c.words("den") || c.words("toi") {
		c.words(again)
		if m, _, ok := c.num(2, stuck); ok && validMonth(m) {
			last, backwards = m, m < first
		} else {
			c.i = save
		}
	}
	y := c.yearSuffix(true)
	bad := !validMonth(first) || backwards
	return periodMatch{p: monthSpan(first, last), year: y, bad: bad}, true
}

var periodPatterns = []periodPattern{
	// tháng 3, thang 03, tháng 3/2022, tháng 3 năm 2022, tháng 4–5, từ tháng 4 đến tháng 5
	func(c *periodCursor) (periodMatch, bool) {
		c.words("tu")
		if !c.word("thang") {
			return periodMatch{}, false
		}
		m, _, ok := c.num(2, false)
		if !ok {
			// "tháng Tám", "tháng Giêng", "tháng Mười Hai"; not "tháng
			// năm" (May, or "months and years") nor "tháng sau" (next
			// month), which are too often other words.
			// "tháng Năm" (May) only with its capital: "tháng năm" is "months and years".
			if t := c.at(c.i); t != nil && t.text == "nam" && t.title {
				c.i++
				return periodMatch{p: monthSpan(5, 5), year: c.yearSuffix(true)}, true
			}
			for _, w := range numberWords {
				if w.words != "nam" && w.words != "sau" && w.words != "mot" && c.words(w.words) {
					return periodMatch{p: monthSpan(w.n, w.n), year: c.yearSuffix(true)}, true
				}
			}
			return periodMatch{}, false
		}
		return c.monthRange(m, "thang")
	},
	// tính đến hết tháng 5, tính hết tháng 5, đến hết tháng 5, từ đầu năm
	// đến tháng 5: the year to the end of that month
	func(c *periodCursor) (periodMatch, bool) {
		if _, ok := c.anyWord("tinh tu dau nam den het", "tinh tu dau nam den", "tu dau nam den het",
			"tu dau nam den", "dau nam den het", "dau nam den", "tinh den het", "tinh den cuoi", "tinh het",
			"tinh den", "den het", "den cuoi", "through the end of", "up to the end of"); !ok {
			return periodMatch{}, false
		}
		if !c.word("thang") {
			return periodMatch{}, false
		}
		n, _, ok := c.num(2, false)
		if !ok {
			return periodMatch{}, false
		}
		return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true), bad: !validMonth(n)}, true
	},
	// T3, t.3, T03/2022, T4-T5: only a real month, since "T13" may be a code
	func(c *periodCursor) (periodMatch, bool) {
		if !c.word("t") {
			return periodMatch{}, false
		}
		c.punct(".", true)
		m, _, ok := c.num(2, true)
		if !ok || !validMonth(m) {
			return periodMatch{}, false
		}
		last := m
		save := c.i
		if c.punct("-", true) || c.punct("–", true) {
			c.word("t")
			if n, _, ok := c.num(2, true); ok && validMonth(n) && n >= m {
				last = n
			} else {
				c.i = save
			}
		}
		return periodMatch{p: monthSpan(m, last), year: c.yearSuffix(true)}, true
	},
	// 03/2022, 3/2022
	func(c *periodCursor) (periodMatch, bool) {
		m, _, ok := c.num(2, false)
		if !ok || !validMonth(m) || !c.punct("/", true) {
			return periodMatch{}, false
		}
		y, n, ok := c.num(4, true)
		if !ok || n != 4 {
			return periodMatch{}, false
		}
		return periodMatch{p: Month(0, m), year: y}, true
	},
	// quý 1, quý I, quy 2/2022; "quý vị" and "quy hoạch" are not quarters
	func(c *periodCursor) (periodMatch, bool) {
		if !c.word("quy") {
			return periodMatch{}, false
		}
		q, _, ok := c.num(2, false)
		if !ok {
			t := c.at(c.i)
			if t == nil || t.kind != 'a' || romanQuarters[t.text] == 0 {
				return periodMatch{}, false
			}
			q = romanQuarters[t.text]
			c.i++
		}
		if q < 1 || q > 4 {
			return periodMatch{p: monthSpan(1, 1), bad: true}, true
		}
		return periodMatch{p: Quarter(0, q), year: c.yearSuffix(true)}, true
	},
	// Q1, Q1/2022, Q1 2022
	func(c *periodCursor) (periodMatch, bool) {
		if !c.word("q") {
			return periodMatch{}, false
		}
		q, _, ok := c.num(1, true)
		if !ok || q < 1 || q > 4 {
			return periodMatch{}, false
		}
		return periodMatch{p: Quarter(0, q), year: c.yearSuffix(true)}, true
	},
	// 6 tháng, 6 tháng đầu năm, 6 tháng cuối năm; 5 months, first 5 months
	func(c *periodCursor) (periodMatch, bool) {
		if p := c.at(c.i - 1); p != nil && p.kind == 'a' && notYearToDateBefore[p.text] {
			return periodMatch{}, false
		}
		c.words("first")
		n, spelled, ok := c.count(2)
		if !ok {
			return periodMatch{}, false
		}
		if _, ok := c.anyWord("thang", "months", "month", "mos"); !ok {
			return periodMatch{}, false
		}
		if spelled && n == 1 {
			return periodMatch{}, false // "một tháng" is a month's length, not January
		}
		if t := c.at(c.i); t != nil && t.kind == 'a' && notYearToDate[t.text] {
			return periodMatch{}, false
		}
		if c.words("cuoi nam") {
			return periodMatch{p: monthSpan(13-n, 12), year: c.yearSuffix(true), bad: !validMonth(n)}, true
		}
		if !c.words("dau nam") {
			c.words("dau")
		}
		return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true), bad: !validMonth(n)}, true
	},
	// 8t, 10t: N months typed short (a clerk's "IIP 8t"), the year to date
	func(c *periodCursor) (periodMatch, bool) {
		n, _, ok := c.num(2, false)
		if !ok || !validMonth(n) {
			return periodMatch{}, false
		}
		if t := c.at(c.i); t == nil || t.kind != 'a' || t.text != "t" || t.space {
			return periodMatch{}, false
		}
		c.i++
		return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true)}, true
	},
	// lũy kế 5 tháng, lk 5 tháng, lũy kế đến tháng 5, luy ke T5
	func(c *periodCursor) (periodMatch, bool) {
		if _, ok := c.anyWord("luy ke", "lk", "luyke"); !ok {
			return periodMatch{}, false
		}
		if n, _, ok := c.num(2, false); ok {
			if _, ok := c.anyWord("thang", "months"); !ok {
				return periodMatch{}, false
			}
			c.words("dau nam")
			return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true), bad: !validMonth(n)}, true
		}
		c.anyWord("den het", "den", "toi", "het")
		if c.word("thang") {
			if n, _, ok := c.num(2, false); ok {
				return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true), bad: !validMonth(n)}, true
			}
			return periodMatch{}, false
		}
		if c.word("t") {
			if n, _, ok := c.num(2, true); ok && validMonth(n) {
				return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(true)}, true
			}
		}
		return periodMatch{}, false
	},
	// cả năm, năm nay, toàn năm, năm 2022, nửa đầu năm, nửa cuối năm
	func(c *periodCursor) (periodMatch, bool) {
		switch {
		case c.words("ca nam"), c.words("toan nam"), c.words("nam nay"):
			return periodMatch{p: monthSpan(1, 12), year: c.yearSuffix(false)}, true
		case c.words("nua dau nam"), c.words("nua nam dau"):
			return periodMatch{p: monthSpan(1, 6), year: c.yearSuffix(false)}, true
		case c.words("nua cuoi nam"), c.words("nua nam cuoi"):
			return periodMatch{p: monthSpan(7, 12), year: c.yearSuffix(false)}, true
		case c.word("nam"):
			if y, n, ok := c.num(4, false); ok && n == 4 {
				return periodMatch{p: monthSpan(1, 12), year: y}, true
			}
		}
		return periodMatch{}, false
	},
	// march, mar 2022, apr–may, from january to may
	func(c *periodCursor) (periodMatch, bool) {
		before := c.at(c.i - 1)
		from := c.words("from")
		m, name, ok := c.month()
		if !ok {
			return periodMatch{}, false
		}
		last := m
		save := c.i
		ranged := false
		if c.punct("-", false) || c.punct("–", false) || c.words("to") || c.words("through") || c.words("thru") || c.words("until") {
			if n, _, ok := c.month(); ok {
				last, ranged = n, true
			} else {
				c.i = save
			}
		}
		y := c.yearSuffix(false)
		if ambiguousMonths[name] && !ranged && !from && y == 0 &&
			(before == nil || before.kind != 'a' || !monthPrepositions[before.text]) {
			return periodMatch{}, false
		}
		return periodMatch{p: monthSpan(m, last), year: y, bad: last < m}, true
	},
	// ytd, year to date through may, ytd 5 months
	func(c *periodCursor) (periodMatch, bool) {
		if _, ok := c.anyWord("ytd", "year to date"); !ok {
			return periodMatch{}, false
		}
		c.anyWord("through", "thru", "to", "until", "till", "up to")
		if m, _, ok := c.month(); ok {
			return periodMatch{p: monthSpan(1, m), year: c.yearSuffix(false)}, true
		}
		c.words("first")
		if n, _, ok := c.num(2, false); ok {
			if _, ok := c.anyWord("months", "month"); ok {
				return periodMatch{p: monthSpan(1, n), year: c.yearSuffix(false), bad: !validMonth(n)}, true
			}
		}
		return periodMatch{}, false
	},
	// first quarter, quarter 2, Q3 handled above
	func(c *periodCursor) (periodMatch, bool) {
		t := c.at(c.i)
		if t != nil && t.kind == 'a' && ordinals[t.text] > 0 {
			q := ordinals[t.text]
			c.i++
			if c.word("quarter") {
				return periodMatch{p: Quarter(0, q), year: c.yearSuffix(false)}, true
			}
			if c.word("half") && q <= 2 {
				return periodMatch{p: monthSpan(6*q-5, 6*q), year: c.yearSuffix(false)}, true
			}
			return periodMatch{}, false
		}
		if c.word("quarter") {
			if q, _, ok := c.num(1, false); ok {
				if q < 1 || q > 4 {
					return periodMatch{p: monthSpan(1, 1), bad: true}, true
				}
				return periodMatch{p: Quarter(0, q), year: c.yearSuffix(false)}, true
			}
		}
		return periodMatch{}, false
	},
	// H1, H2
	func(c *periodCursor) (periodMatch, bool) {
		if !c.word("h") {
			return periodMatch{}, false
		}
		h, _, ok := c.num(1, true)
		if !ok || h < 1 || h > 2 {
			return periodMatch{}, false
		}
		return periodMatch{p: monthSpan(6*h-5, 6*h), year: c.yearSuffix(true)}, true
	},
	// full year, whole year, this year, year 2022, FY2022
	func(c *periodCursor) (periodMatch, bool) {
		if _, ok := c.anyWord("full year", "whole year", "all year", "this year", "entire year"); ok {
			return periodMatch{p: monthSpan(1, 12), year: c.yearSuffix(false)}, true
		}
		if _, ok := c.anyWord("year", "fy"); ok {
			if y, n, ok := c.num(4, false); ok && n == 4 {
				return periodMatch{p: monthSpan(1, 12), year: y}, true
			}
		}
		return periodMatch{}, false
	},
}

// startsWord reports whether a period may begin at token i: not glued to a
// letter or digit before it, and, for digits, not the tail of a date or a
// number ("15/06/2022", "1.234,5").
func startsWord(toks []token, i int) bool {
	t := toks[i]
	if i == 0 || t.space {
		return true
	}
	p := toks[i-1]
	if p.kind != 'p' {
		return false
	}
	if t.kind == '0' && strings.Contains("./,:-", p.text) && i >= 2 && toks[i-2].kind == '0' && !p.space {
		return false
	}
	return true
}

// endsWord reports whether a period ending before token j ends there: not
// glued to a letter or digit after it ("t3abc"), and not followed by more
// of a date or number ("3/2022/QĐ", "tháng 3,5").
func endsWord(toks []token, j int) bool {
	if j >= len(toks) {
		return true
	}
	t := toks[j]
	if t.space {
		return true
	}
	if t.kind != 'p' {
		return false
	}
	next := j+1 < len(toks) && !toks[j+1].space && toks[j+1].kind != 'p'
	last := toks[j-1]
	switch {
	case t.text == "/" && next:
		return false
	case last.kind == '0' && strings.Contains(".,:", t.text) && next && toks[j+1].kind == '0':
		return false
	}
	return true
}

// ParsePeriod finds a period anywhere in text, Vietnamese or English ("tháng
// 3", "T3", "03/2022", "quý I", "6 tháng đầu năm", "lũy kế 5 tháng", "cả năm",
// "march 2022", "Q1", "H1", "ytd 5 months"), for the plan year year. rest is
// text with the period's words cut out, as written. found is false, and rest
// is text, when there is none. A date ("15/06/2022") is not a period.
//
// It fails with *Error ErrBadPeriod (Data "text") for a period word with an
// impossible number ("tháng 13", "quý 5"), and ErrWrongYear (Data "year",
// "plan_year") when the year written is not the plan's; found is true then.
func ParsePeriod(text string, year int) (p Period, rest string, found bool, err error) {
	ps := findPeriods(text, year, 1)
	if len(ps) == 0 {
		return Period{}, text, false, nil
	}
	pa := ps[0]
	rest = cutOut(text, pa.a, pa.b)
	if pa.err != nil {
		return Period{}, rest, true, pa.err
	}
	return pa.p, rest, true, nil
}

// cutOut removes text[a:b] and the spaces around it, keeping one space between
// words and none before punctuation: "xuất khẩu tháng 3: 520" → "xuất khẩu: 520".
func cutOut(text string, a, b int) string {
	left := strings.TrimRightFunc(text[:a], unicode.IsSpace)
	right := strings.TrimLeftFunc(text[b:], unicode.IsSpace)
	switch {
	case left == "" || right == "":
		return left + right
	case strings.ContainsAny(right[:1], ":,.;!?)"):
		return left + right
	}
	return left + " " + right
}

// Label names the period in lang: Vietnamese "tháng 3/2022", "quý 1/2022",
// "6 tháng đầu năm 2022", "lũy kế 5 tháng 2022", "năm 2022", "tháng 4–5/2022";
// English "March 2022", "Q1 2022", "H1 2022", "Jan–May 2022 (year to date)",
// "2022", "Apr–May 2022". The zero Period, and an invalid one, give "".
func (p Period) Label(lang string) string {
	if !p.Valid() {
		return ""
	}
	en := lang == "en"
	switch {
	case p.From == p.To:
		if en {
			return fmt.Sprintf("%s %d", monthLabelsEN[p.From], p.Year)
		}
		return fmt.Sprintf("tháng %d/%d", p.From, p.Year)
	case p.From == 1 && p.To == 12:
		if en {
			return strconv.Itoa(p.Year)
		}
		return fmt.Sprintf("năm %d", p.Year)
	case p.From == 1 && p.To == 6, p.From == 7 && p.To == 12:
		if en {
			return fmt.Sprintf("H%d %d", p.To/6, p.Year)
		}
		if p.From == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case p.To-p.From == 2 && p.From%3 == 1:
		if en {
			return fmt.Sprintf("Q%d %d", p.To/3, p.Year)
		}
		return fmt.Sprintf("quý %d/%d", p.To/3, p.Year)
	case p.From == 1:
		if en {
			return fmt.Sprintf("Jan–%s %d (year to date)", monthLabelsEN[p.To][:3], p.Year)
		}
		return fmt.Sprintf("lũy kế %d tháng %d", p.To, p.Year)
	}
	if en {
		return fmt.Sprintf("%s–%s %d", monthLabelsEN[p.From][:3], monthLabelsEN[p.To][:3], p.Year)
	}
	return fmt.Sprintf("tháng %d–%d/%d", p.From, p.To, p.Year)
}

// DefaultMonth is the month a figure without a period is for: the last
// finished month of year, or December of year once year is over (a late
// figure for a plan whose year has ended). ok is false before year's first
// month has ended.
func DefaultMonth(now time.Time, year int) (Period, bool) {
	if p, ok := LastFinishedMonth(now, year); ok {
		return p, true
	}
	if now.Year() > year {
		return Month(year, 12), true
	}
	return Period{}, false
}

// LastFinishedMonth returns the month before now's month when it lies in
// year (December of year when now is in January of the next year): the
// period a report without one is for. ok is false when that month is not
// in year.
func LastFinishedMonth(now time.Time, year int) (Period, bool) {
	y, m := now.Year(), int(now.Month())-1
	if m == 0 {
		y, m = y-1, 12
	}
	if y != year {
		return Period{}, false
	}
	return Month(year, m), true
}
