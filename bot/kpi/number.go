package kpi

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Quantity is one number read from a message, with the scale and unit
// written beside it: "520 triệu USD" is 520000000 USD.
type Quantity struct {
	// Value is the number times its scale words, in the base unit.
	Value *big.Rat
	// Measure is the unit written ("USD", "VND", "%", "MWp"); "" when none.
	Measure Measure
	// Text is the matched source text ("520 triệu USD", "$520 million").
	Text string
	// Scale is the power of ten the scale words stand for (Million for
	// "triệu", 12 for "nghìn tỉ"); One when no scale word was written.
	Scale Scale
	// Other is the value read with the other language's separators when
	// the words around the number do not decide them and it differs
	// ("2.150" in English with no scale word: 2.15 or 2150); nil otherwise.
	// The words decide when they are of one language: "2.150 tỉ đồng" is
	// Vietnamese whatever the interface language.
	Other *big.Rat
}

// wordLang is the language whose separators a scale or unit word implies:
// "tỉ", "triệu", "đồng" are Vietnamese, "billion", "million" English; ""
// for words of both ("USD", "%", "k").
var wordLang = map[string]string{
	"ti": "vi", "ty": "vi", "trieu": "vi", "tr": "vi", "nghin": "vi", "ngan": "vi", "dong": "vi", "vnd": "vi", "d": "vi", "do": "vi",
	"billion": "en", "billions": "en", "bn": "en", "million": "en", "millions": "en", "mn": "en", "thousand": "en", "thousands": "en",
	"dollar": "en", "dollars": "en",
}

// Error IDs of the number reader.
const (
	ErrNumberUnreadable = "ErrNumberUnreadable" // Data: text
	ErrNegative         = "ErrNegative"         // Data: text
	ErrWrongMeasure     = "ErrWrongMeasure"     // Data: got, want, text, example, example_en
	ErrNeedUnit         = "ErrNeedUnit"         // Data: example, example_en, text
	ErrTooPrecise       = "ErrTooPrecise"       // Data: text
	ErrTooLarge         = "ErrTooLarge"         // Data: text
	// ErrAboveCeiling: a value no report of the indicator can be (Ceiling).
	// Data: text, max, max_en (the ceiling written naturally).
	// Data "percent" is "1" for a percent figure (a rate: no scale to check).
	ErrAboveCeiling = "ErrAboveCeiling"
	ErrNotWhole     = "ErrNotWhole"   // Data: text
	ErrNotANumber   = "ErrNotANumber" // Data: indicator, stages
)

// ErrShareAbove100: a share (a level in percent) over 100%. Data: text.
const ErrShareAbove100 = "ErrShareAbove100"

// maxDigits bounds a number's digits: no figure of a plan needs more, and it
// keeps absurd input from turning into absurd arithmetic.
const maxDigits = 30

// scaleWords are the scale words, folded, with the spellings whose marks
// they may be written with ("tỉ" but not "tí"). A word written without marks
// always counts.
var scaleWords = []struct {
	word   string
	scale  Scale
	spells []string
}{
	{"ti", Billion, []string{"tỉ", "tỷ"}},
	{"ty", Billion, []string{"tỷ"}},
	{"trieu", Million, []string{"triệu"}},
	{"tr", Million, nil},
	{"nghin", Thousand, []string{"nghìn"}},
	{"ngan", Thousand, []string{"ngàn"}},
	{"k", Thousand, nil},
	{"billion", Billion, nil},
	{"billions", Billion, nil},
	{"bn", Billion, nil},
	{"million", Million, nil},
	{"millions", Million, nil},
	{"mn", Million, nil},
	{"thousand", Thousand, nil},
	{"thousands", Thousand, nil},
}

// attachedScales are the one-letter scale words ("$6.4b", "520m").
var attachedScales = map[string]Scale{"b": Billion, "m": Million}

// unitWords are the units, folded, as sequences of words, with the marks the
// word must carry when it has any ("đ" must be written barred: a bare "d"
// is not a unit).
var unitWords = []struct {
	words   []string
	measure Measure
	spells  []string // how the first word must be written when it has marks
	needBar bool     // the first word must be written with "đ"
}{
	{[]string{"usd"}, USD, nil, false},
	{[]string{"do", "la"}, USD, []string{"đô"}, false},
	{[]string{"do"}, USD, []string{"đô"}, true},
	{[]string{"dollar"}, USD, nil, false},
	{[]string{"dollars"}, USD, nil, false},
	{[]string{"dong"}, VND, []string{"đồng"}, false},
	{[]string{"vnd"}, VND, []string{"vnđ"}, false},
	{[]string{"d"}, VND, []string{"đ"}, true},
	{[]string{"mwp"}, MWp, nil, false},
}

// numReader reads one quantity from folded text.
type numReader struct {
	f    folded
	toks []token
	lang string
}

func (r *numReader) tok(i int) *token {
	if i < 0 || i >= len(r.toks) {
		return nil
	}
	return &r.toks[i]
}

// spelled reports whether token t, written with marks, carries the marks of
// one of spells. Without marks it always does.
func spelled(t token, spells []string) bool {
	if t.marks == "" {
		return true
	}
	for _, s := range spells {
		if marksOf(s) == t.marks {
			return true
		}
	}
	return false
}

// unitAt reads a unit word starting at token i; it returns the measure and
// the index after it.
func (r *numReader) unitAt(i int) (Measure, int, bool) {
	t := r.tok(i)
	if t == nil {
		return "", i, false
	}
	switch {
	case t.kind == 'p' && t.text == "%":
		return Percent, i + 1, true
	case t.kind == 'p' && t.text == "$":
		return USD, i + 1, true
	case t.kind != 'a':
		return "", i, false
	}
	for _, u := range unitWords {
		j := i
		ok := true
		for k, w := range u.words {
			tk := r.tok(j)
			// "đô-la" is written with a hyphen.
			if k > 0 && tk != nil && tk.kind == 'p' && tk.text == "-" {
				j++
				tk = r.tok(j)
			}
			if tk == nil || tk.kind != 'a' || tk.text != w {
				ok = false
				break
			}
			j++
		}
		if !ok {
			continue
		}
		if u.needBar && !strings.ContainsRune(t.marks, 'đ') {
			continue
		}
		if u.spells != nil && !spelled(*t, u.spells) {
			continue
		}
		return u.measure, j, true
	}
	return "", i, false
}

// How far a word stands from the digits before it.
const (
	gapNone  = iota // "520m", "$6.4b"
	gapSpace        // "520 m": one space
	gapFar          // anything else
)

// gap says how far token j stands from the token before it, in the text
// as written (folding collapses runs of spaces).
func (r *numReader) gap(j int) int {
	t, p := r.tok(j), r.tok(j-1)
	switch {
	case t == nil || p == nil:
		return gapFar
	case !t.space:
		return gapNone
	case r.f.start[t.start]-r.f.end[p.end-1] == 1:
		return gapSpace
	}
	return gapFar
}

// scaleAt reads a scale word at token i, gap away from the digits. "b" is
// read only stuck to the digits and "m" at most one space away, where they
// cannot be a word of their own.
func (r *numReader) scaleAt(i, gap int) (Scale, bool) {
	t := r.tok(i)
	if t == nil || t.kind != 'a' {
		return 0, false
	}
	switch {
	case t.text == "b" && gap == gapNone, t.text == "m" && gap <= gapSpace:
		return attachedScales[t.text], true
	}
	for _, w := range scaleWords {
		if t.text == w.word && (w.spells == nil || spelled(*t, w.spells)) {
			return w.scale, true
		}
	}
	return 0, false
}

// isDigits reports whether token i is a run of ASCII digits.
func (r *numReader) isDigits(i int) bool {
	t := r.tok(i)
	if t == nil || t.kind != '0' {
		return false
	}
	for _, c := range []byte(t.text) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// numberEnd returns the index after the digit groups starting at token i:
// digits, then any number of (adjacent '.' or ',', adjacent digits).
func (r *numReader) numberEnd(i int) int {
	j := i + 1
	for {
		sep, next := r.tok(j), r.tok(j+1)
		if sep == nil || next == nil || sep.space || next.space || sep.kind != 'p' ||
			(sep.text != "." && sep.text != ",") || !r.isDigits(j+1) {
			return j
		}
		j += 2
	}
}

// isDateOrTime reports whether the digits at i..end are part of a date, a
// fraction or a time ("15/06/2022", "3/2022", "17:00"): not a quantity.
func (r *numReader) isDateOrTime(i, end int) bool {
	if p := r.tok(i - 1); p != nil && !r.toks[i].space && p.kind == 'p' && (p.text == "/" || p.text == ":") && r.isDigits(i-2) && !p.space {
		return true
	}
	if n := r.tok(end); n != nil && !n.space && n.kind == 'p' && (n.text == "/" || n.text == ":") && r.isDigits(end+1) && !r.toks[end+1].space {
		return true
	}
	return false
}

// ParseQuantity reads the first number in text, with the scale words and the
// unit written beside it: "6,4 tỉ USD", "520 triệu USD", "2.150 tỉ đồng",
// "99,97%", "49 MWp", "$520 million". lang ("vi" or "en") says which of '.'
// and ',' is the decimal mark when only one of them is written and the
// number could be read either way. Dates and times ("15/06/2022", "17:00")
// and digits stuck to letters ("T3", "Q1") are not quantities.
//
// It fails with *Error ErrNegative for "-5" or "âm 5", and ErrNumberUnreadable
// when there is no number or its separators make no sense ("1,2,3").
func ParseQuantity(text, lang string) (Quantity, error) {
	qs := scanQuantities(text, lang, 1)
	if len(qs) == 0 {
		return Quantity{}, Fail(ErrNumberUnreadable, "text", clip(strings.TrimSpace(text)))
	}
	return qs[0].q, qs[0].err
}

// quantityAt is one quantity found in a text, with the byte span of its
// source, or the refusal of the number there (err, with q.Text empty).
type quantityAt struct {
	q    Quantity
	a, b int
	err  error
}

// scanQuantities returns the quantities of text in order, at most max (all
// when max <= 0), skipping what ParseQuantity skips: dates, times, digits
// stuck to letters ("T3").
func scanQuantities(text, lang string, max int) []quantityAt {
	r := numReader{f: foldMap(text, "$−"), lang: lang}
	r.toks = r.f.tokens(false)
	var out []quantityAt
	for i := 0; i < len(r.toks); i++ {
		t := r.toks[i]
		if t.kind != '0' {
			continue
		}
		// Digits stuck to letters are a code or a period ("T3", "Q1"), not
		// a number.
		if p := r.tok(i - 1); p != nil && !t.space && p.kind == 'a' {
			continue
		}
		if !r.isDigits(i) {
			continue // digits of other scripts: not a figure anyone reports
		}
		end := r.numberEnd(i)
		if r.isDateOrTime(i, end) {
			i = end - 1
			continue
		}
		// A digit group stuck to the previous one by a separator belongs to
		// a number we skipped (a date): not a number of its own.
		if p := r.tok(i - 1); p != nil && !t.space && p.kind == 'p' && (p.text == "." || p.text == ",") && r.isDigits(i-2) && !p.space {
			continue
		}
		q, first, last, err := r.read(i, end)
		a, b := r.f.span(r.toks[first].start, r.toks[last-1].end)
		out = append(out, quantityAt{q: q, a: a, b: b, err: err})
		if max > 0 && len(out) == max {
			break
		}
		i = last - 1
	}
	return out
}

// read turns the number at tokens [i, end) and the words around it into a
// Quantity.
func (r *numReader) read(i, end int) (q Quantity, first, last int, err error) {
	first, last = i, end // token span of the whole quantity
	var measure Measure
	negative := false
	// Before the digits: a sign, "âm", '$', "US$", "USD".
	if p := r.tok(i - 1); p != nil && p.kind == 'p' && !r.toks[i].space {
		switch p.text {
		case "-", "−":
			if pp := r.tok(i - 2); pp == nil || p.space || pp.kind == 'p' && pp.text != "." && pp.text != "," {
				negative, first = true, i-1
			}
		case "$":
			measure, first = USD, i-1
			if pp := r.tok(i - 2); pp != nil && !p.space && pp.kind == 'a' && pp.text == "us" {
				first = i - 2
			}
			if pp := r.tok(first - 1); pp != nil && pp.kind == 'p' && (pp.text == "-" || pp.text == "−") {
				negative, first = true, first-1
			}
		}
	}
	if p := r.tok(first - 1); p != nil && p.kind == 'a' && r.toks[first].space {
		switch {
		case p.text == "am" && (p.marks != "" && spelled(*p, []string{"âm"}) || p.marks == "" && r.lang != "en"):
			negative, first = true, first-1
		case p.text == "usd" && measure == "":
			measure, first = USD, first-1
		case p.text == "vnd" && measure == "":
			measure, first = VND, first-1
		}
	}
	numText := r.f.s[r.toks[i].start:r.toks[end-1].end]
	// After the digits: scale words, then a unit. Their language decides
	// the separators.
	scale := One
	j := end
	words := 0
	lang, decided := r.lang, false
	decide := func(k int) {
		if l := wordLang[r.toks[k].text]; l != "" && !decided {
			lang, decided = l, true
		}
	}
	if s, ok := r.scaleAt(j, r.gap(j)); ok {
		decide(j)
		scale, j, words = s, j+1, 1
		// "nghìn tỉ" (10^12): a second scale word multiplies.
		if s, ok := r.scaleAt(j, gapFar); ok {
			scale, j, words = scale+s, j+1, 2
		}
	}
	if _, k, ok := r.unitAt(j); ok && k > j && r.toks[j].kind == 'a' {
		decide(j)
	}
	value, ok := readDigits(numText, lang)
	if !ok {
		return Quantity{}, first, end, Fail(ErrNumberUnreadable, "text", r.source(i, end))
	}
	var other *big.Rat
	// Only the interface language's decimal mark can be the other's
	// thousands mark: "2.150" in English, "2,150" in Vietnamese.
	dec := ","
	if lang == "en" {
		dec = "."
	}
	if !decided && strings.Count(numText, dec) == 1 && strings.Count(numText, ".")+strings.Count(numText, ",") == 1 {
		alt := "en"
		if lang == "en" {
			alt = "vi"
		}
		if o, ok := readDigits(numText, alt); ok && o.Cmp(value) != 0 {
			other = o.Mul(o, pow10(int(scale)))
		}
	}
	value.Mul(value, pow10(int(scale)))
	// "2 tỷ 696 triệu": a smaller scale after one scale word adds to it.
	for prev := scale; words == 1 && prev > One && j < len(r.toks) && r.toks[j].kind == '0' && r.isDigits(j); {
		e := r.numberEnd(j)
		s2, ok := r.scaleAt(e, r.gap(e))
		if !ok || s2 >= prev {
			break
		}
		part, ok := readDigits(r.f.s[r.toks[j].start:r.toks[e-1].end], lang)
		if !ok {
			break
		}
		value.Add(value, part.Mul(part, pow10(int(s2))))
		prev, j = s2, e+1
	}
	if u, k, ok := r.unitAt(j); ok && (measure == "" || measure == u) {
		measure, j = u, k
	}
	last = j
	q = Quantity{Value: value, Measure: measure, Text: r.source(first, last), Scale: scale, Other: other}
	if negative && value.Sign() != 0 {
		return Quantity{}, first, last, Fail(ErrNegative, "text", q.Text)
	}
	return q, first, last, nil
}

// source returns the text the user wrote for tokens [i, j).
func (r *numReader) source(i, j int) string {
	a, b := r.f.span(r.toks[i].start, r.toks[j-1].end)
	return r.f.src[a:b]
}

// readDigits reads digit groups separated by '.' and ','. The rules, in
// order: both marks written, the last one is the decimal mark; one mark
// written several times, it groups thousands; one mark written once, it is
// the decimal mark, unless it is the language's thousands mark (Vietnamese
// '.', English ',') and exactly three digits follow, which makes it a
// thousands group ("96.400", "2.150"; but "0.500" is a half). Thousands
// groups must be three digits after a first group of one to three.
func readDigits(s, lang string) (*big.Rat, bool) {
	digits := 0
	for _, c := range []byte(s) {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits == 0 || digits > maxDigits {
		return nil, false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	thousands := byte('.')
	if lang == "en" {
		thousands = ','
	}
	var intPart, fracPart string
	var groupMark byte
	switch {
	case dots == 0 && commas == 0:
		intPart = s
	case dots > 0 && commas > 0:
		dec := strings.LastIndexAny(s, ".,")
		mark := s[dec]
		if strings.Count(s, string(mark)) != 1 {
			return nil, false
		}
		intPart, fracPart = s[:dec], s[dec+1:]
		groupMark = '.'
		if mark == '.' {
			groupMark = ','
		}
	case dots+commas > 1:
		intPart = s
		groupMark = '.'
		if commas > 0 {
			groupMark = ','
		}
	default:
		sep := strings.IndexAny(s, ".,")
		head, tail := s[:sep], s[sep+1:]
		if s[sep] == thousands && len(tail) == 3 && strings.TrimLeft(head, "0") != "" {
			intPart, groupMark = s, s[sep]
		} else {
			intPart, fracPart = head, tail
		}
	}
	if groupMark != 0 {
		groups := strings.Split(intPart, string(groupMark))
		if len(groups[0]) < 1 || len(groups[0]) > 3 || (len(groups) > 1 && strings.TrimLeft(groups[0], "0") == "") {
			return nil, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return nil, false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if strings.ContainsAny(intPart, ".,") || strings.ContainsAny(fracPart, ".,") {
		return nil, false
	}
	v, ok := new(big.Rat).SetString(intPart + "." + fracPart + "0")
	return v, ok
}

func pow10(n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil))
}

// clip shortens text quoted back to the user in an error.
func clip(s string) string {
	const n = 64
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// isMoney reports whether m is a currency.
func isMoney(m Measure) bool { return m == USD || m == VND }

// ToAmount converts q to the indicator's measure. A quantity in another
// measure ("520 tỉ đồng" for exports) fails with *Error ErrWrongMeasure,
// whose "example" is the indicator's target written naturally; a
// bare number for a money indicator fails with ErrNeedUnit, whose "example"
// shows the number with the scale and unit a report would use ("520 triệu
// USD"), because guessing between millions and billions would be wrong by a
// thousand. Percent indicators take a bare number as percent points, counts
// a bare whole number. It fails with ErrNotWhole for a fractional count,
// ErrTooPrecise for more than three decimals of the base unit, ErrTooLarge
// for a value an Amount cannot hold, ErrAboveCeiling for a value whose size
// is above the indicator's Ceiling, ErrNotANumber for a milestone (its
// reports are stages).
func (ind *Indicator) ToAmount(q Quantity) (Amount, error) {
	if q.Value == nil {
		return 0, Fail(ErrNumberUnreadable, "text", q.Text)
	}
	if ind.Measure == Stages {
		ids := make([]string, len(ind.Stages))
		for i, s := range ind.Stages {
			ids[i] = s.ID
		}
		return 0, Fail(ErrNotANumber, "indicator", ind.ID, "stages", strings.Join(ids, ", "))
	}
	wrong := func(got string) error {
		return Fail(ErrWrongMeasure, "got", got, "want", string(ind.Measure), "text", q.Text,
			"example", FormatNatural(ind.Target, ind.Measure, "vi"), "example_en", FormatNatural(ind.Target, ind.Measure, "en"))
	}
	if q.Measure != "" && q.Measure != ind.Measure {
		return 0, wrong(string(q.Measure))
	}
	if q.Measure == "" && q.Scale != One && !isMoney(ind.Measure) {
		// "6,4 tỉ" for a percentage: a money figure sent to the wrong
		// indicator, not a growth rate of six billion percent.
		return 0, wrong(q.Text)
	}
	if isMoney(ind.Measure) && q.Measure == "" && q.Scale == One {
		vi, en := ind.unitExample(q.Value)
		return 0, Fail(ErrNeedUnit, "example", vi, "example_en", en, "text", q.Text)
	}
	if ind.Measure == Items && !q.Value.IsInt() {
		return 0, Fail(ErrNotWhole, "text", q.Text)
	}
	m := new(big.Rat).Mul(q.Value, big.NewRat(AmountScale, 1))
	if !m.IsInt() {
		return 0, Fail(ErrTooPrecise, "text", q.Text)
	}
	a, err := AmountFromRat(q.Value)
	if err != nil {
		return 0, Fail(ErrTooLarge, "text", q.Text)
	}
	if c := ind.Ceiling(); a > c || a < -c {
		if ind.IsShare() {
			return 0, Fail(ErrShareAbove100, "text", q.Text)
		}
		percent := ""
		if ind.Measure == Percent {
			percent = "1"
		}
		return 0, Fail(ErrAboveCeiling, "text", q.Text,
			"max", FormatNatural(c, ind.Measure, "vi"), "max_en", FormatNatural(c, ind.Measure, "en"), "percent", percent)
	}
	return a, nil
}

// unitExample writes v with the scale a district's monthly figure of ind
// would most plausibly use: the scale that brings v closest (by orders of
// magnitude) to the target shared out over twelve months and fifteen units.
// It is only an example in an error; it never decides a value.
func (ind *Indicator) unitExample(v *big.Rat) (vi, en string) {
	typical, _ := new(big.Rat).Quo(ind.Target.Rat(), big.NewRat(180, 1)).Float64()
	f, _ := v.Float64()
	best, bestGap := Million, -1.0
	if typical > 0 && f > 0 {
		for _, s := range []Scale{One, Thousand, Million, Billion} {
			if s > ind.Scale && ind.Scale != One {
				continue
			}
			ratio := f * math.Pow10(int(s)) / typical
			gap := 0.0
			for ratio >= 10 {
				ratio, gap = ratio/10, gap+1
			}
			for ratio < 1 {
				ratio, gap = ratio*10, gap+1
			}
			if bestGap < 0 || gap < bestGap {
				best, bestGap = s, gap
			}
		}
	}
	return writeScaled(v, best, ind.Measure, "vi"), writeScaled(v, best, ind.Measure, "en")
}

// writeScaled writes v (a number already in scale s) with its scale word
// and unit: "520 triệu USD".
func writeScaled(v *big.Rat, s Scale, m Measure, lang string) string {
	out := FormatDecimal(v, 3, lang)
	if w := scaleWord(s, lang); w != "" {
		out += " " + w
	}
	return out + measureSuffix(m, lang)
}
