package kpi

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file holds the matching of free text against the plan's indicators
// and units, and the folding machinery the other parsers share: a Fold that
// remembers where each folded byte came from (so a parser can cut words out
// of the text the user wrote), and the diacritics a folded token lost (so
// "số" is not taken for the department "sở").

// folded is Fold(src) with, for every byte of s, the span of src that
// produced it. For ordinary text s equals Fold(src) (fuzz-tested).
type folded struct {
	src        string
	s          string
	start, end []int // per byte of s: the source span [start, end) of its character
}

// isContinuation reports whether r belongs to the character before it: a
// combining mark, or a Hangul vowel or final jamo that NFC composes with the
// syllable before. Folding whole characters keeps foldMap equal to Fold.
func isContinuation(r rune) bool {
	return unicode.Is(unicode.M, r) || (r >= 0x1160 && r <= 0x11FF)
}

// foldRune maps one rune of NFC-with-marks-removed text the way Fold does;
// runes in keep are kept as they are (the number reader keeps '$' and '−').
func foldRune(r rune, keep string) rune {
	switch {
	case r == 'đ' || r == 'Đ':
		return 'd'
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r)
	case strings.ContainsRune("%.,/:-+", r), keep != "" && strings.ContainsRune(keep, r):
		return r
	}
	return ' '
}

func stripMarks(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// foldMap folds src like Fold, character by character, recording spans.
func foldMap(src, keep string) folded {
	f := folded{src: src}
	var b strings.Builder
	space := true
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(src); {
		_, w := utf8.DecodeRuneInString(src[i:])
		j := i + w
		for j < len(src) {
			r, w2 := utf8.DecodeRuneInString(src[j:])
			if r == utf8.RuneError && w2 <= 1 || !isContinuation(r) {
				break
			}
			j += w2
		}
		for _, r := range stripMarks(src[i:j]) {
			r = foldRune(r, keep)
			if r == ' ' {
				if space {
					continue
				}
				space = true
			} else {
				space = false
			}
			n := utf8.EncodeRune(buf[:], r)
			b.Write(buf[:n])
			for k := 0; k < n; k++ {
				f.start = append(f.start, i)
				f.end = append(f.end, j)
			}
		}
		i = j
	}
	s := b.String()
	t := strings.TrimRight(s, " ")
	f.s = t
	f.start = f.start[:len(t)]
	f.end = f.end[:len(t)]
	return f
}

// span returns the source span of folded bytes [a, b).
func (f folded) span(a, b int) (int, int) {
	if a >= b || b > len(f.s) {
		return 0, 0
	}
	return f.start[a], f.end[b-1]
}

// marksOf returns the diacritics of s as a sorted string: every nonspacing
// mark of its NFD form, and 'đ' for a barred d. "" when s has none.
func marksOf(s string) string {
	var ms []rune
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ' || r == 'Đ':
			ms = append(ms, 'đ')
		case unicode.Is(unicode.Mn, r):
			ms = append(ms, r)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	return string(ms)
}

// token is a piece of folded text: a run of letters, a run of digits, or one
// punctuation character (period scanning), or a run of letters and digits
// (phrase matching).
type token struct {
	text       string
	start, end int    // bytes in the folded text
	marks      string // marksOf the source text behind it
	space      bool   // preceded by a space or the start of the text
	upper      bool   // written in capitals ("TA", not "ta")
	title      bool   // written with a capital first letter ("Năm")
	kind       byte   // 'a' letters, '0' digits, 'w' letters and digits, 'p' punctuation
}

func runeKind(r rune) byte {
	switch {
	case unicode.IsDigit(r):
		return '0'
	case unicode.IsLetter(r):
		return 'a'
	case r == ' ':
		return ' '
	}
	return 'p'
}

// tokens splits f.s. With words set, letters and digits run together into
// one token ("t3", "sxcn") and punctuation is dropped: the form phrases are
// matched in. Without it, letters, digits and each punctuation character are
// tokens of their own: the form periods and numbers are read in.
func (f folded) tokens(words bool) []token {
	var out []token
	space := true
	for i := 0; i < len(f.s); {
		r, w := utf8.DecodeRuneInString(f.s[i:])
		k := runeKind(r)
		if words && k != ' ' && k != 'p' {
			k = 'w'
		}
		if k == ' ' || (words && k == 'p') {
			space = true
			i += w
			continue
		}
		j := i + w
		if k != 'p' {
			for j < len(f.s) {
				r2, w2 := utf8.DecodeRuneInString(f.s[j:])
				k2 := runeKind(r2)
				if words && (k2 == 'a' || k2 == '0') {
					k2 = 'w'
				}
				if k2 != k {
					break
				}
				j += w2
			}
		}
		t := token{text: f.s[i:j], start: i, end: j, space: space, kind: k}
		if a, b := f.span(i, j); b > a {
			t.marks = marksOf(f.src[a:b])
			t.upper = isUpperWord(f.src[a:b])
			first, _ := utf8.DecodeRuneInString(f.src[a:b])
			t.title = unicode.IsUpper(first)
		}
		out = append(out, t)
		space = false
		i = j
	}
	return out
}

// isUpperWord reports whether s has letters and all of them are capitals.
func isUpperWord(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters = true
		}
	}
	return letters
}

// commonSyllables are everyday Vietnamese words that a plan's capital
// abbreviations fold to: "TA" (Tân An) is "ta" in "nước ta". Such an
// abbreviation matches only when written in capitals.
var commonSyllables = map[string]bool{
	"ta": true, "ba": true, "la": true, "va": true, "co": true, "ca": true, "da": true, "di": true,
	"do": true, "ma": true, "mo": true, "to": true, "tu": true, "xa": true, "an": true, "ai": true,
	"bi": true, "ke": true, "ky": true, "ho": true, "me": true, "na": true, "no": true, "vi": true,
	"so": true,
}

// phrase is a folded phrase split into tokens, with the marks each token
// carried where it was written ("sở" keeps its marks, "so" has none).
type phrase struct {
	words []string
	marks []string
	caps  []bool // the word is a capital abbreviation that must be typed so
	text  string // as written in the plan
}

func newPhrase(s string) phrase {
	toks := foldMap(s, "").tokens(true)
	p := phrase{text: s}
	for _, t := range toks {
		p.words = append(p.words, t.text)
		p.marks = append(p.marks, t.marks)
		p.caps = append(p.caps, commonSyllables[t.text] && t.upper)
	}
	return p
}

// sameWord reports whether a text token is the word w of a phrase whose
// written form carried marks wm: equal when folded, and, when strict and
// the user typed marks, the same marks. Strictness keeps short words apart
// that differ only in their marks ("số"/"sở", "của"/"cửa").
func sameWord(t token, w, wm string, strict bool) bool {
	if t.text != w {
		return false
	}
	return !strict || t.marks == "" || t.marks == wm
}

// maxTypos is how many edits a word of n letters tolerates (design §2).
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// editDistance is the optimal-string-alignment Damerau-Levenshtein distance
// between a and b in runes, or max+1 when it exceeds max.
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// typos returns the edits that turn text word t into phrase word w, or -1
// when they are too many. Short words must be exact, and a typo never
// touches the first letter: that keeps "tien" (tiến) from reading as "dien"
// (điện) and "kien" (Kiến Tường) from reading as "dien".
func typos(t, w string) int {
	if t == w {
		return 0
	}
	n := utf8.RuneCountInString(w)
	max := maxTypos(n)
	if max == 0 || utf8.RuneCountInString(t) < 3 {
		return -1
	}
	r1, _ := utf8.DecodeRuneInString(t)
	r2, _ := utf8.DecodeRuneInString(w)
	if r1 != r2 {
		return -1
	}
	if d := editDistance(t, w, max); d <= max {
		return d
	}
	return -1
}

// IndicatorMatch is where an indicator was found in a text.
type IndicatorMatch struct {
	Indicator *Indicator
	// Score is the number of letters of the plan's phrase that matched, less
	// the edits typos needed: the longest match scores highest.
	Score int
	// Exact is false when a typo had to be forgiven.
	Exact bool
	// Start and End are the byte span of the match in Fold(text).
	Start, End int
}

func (m IndicatorMatch) better(o IndicatorMatch) bool {
	switch {
	case o.Indicator == nil:
		return true
	case m.Score != o.Score:
		return m.Score > o.Score
	case m.Exact != o.Exact:
		return m.Exact
	}
	return m.Start < o.Start
}

// phrases returns the folded phrases an indicator is known by: its id, its
// names and its aliases.
func (ind *Indicator) phrases() []phrase {
	if ind.phr != nil {
		return ind.phr
	}
	return ind.buildPhrases()
}

// buildPhrases folds the indicator's names once; ParsePlan keeps the result
// (phr), since every question and report line matches against all of them.
func (ind *Indicator) buildPhrases() []phrase {
	out := []phrase{newPhrase(ind.ID), newPhrase(ind.NameVI)}
	if ind.NameEN != "" {
		out = append(out, newPhrase(ind.NameEN))
	}
	for _, a := range ind.Aliases {
		out = append(out, newPhrase(a))
	}
	return out
}

// matchPhrase finds ph in toks starting at token i, skipping none: it returns
// the score and the edits needed, ok false when it does not match there.
func matchPhrase(toks []token, i int, ph phrase, fuzzy bool) (score, edits int, ok bool) {
	if len(ph.words) == 0 || i+len(ph.words) > len(toks) {
		return 0, 0, false
	}
	exactWords := 0
	for k, w := range ph.words {
		t := toks[i+k]
		if ph.caps[k] && !t.upper {
			return 0, 0, false
		}
		// Marks typed and different from the plan's are an edit: without
		// it "diễn", "diện" and "điện" would be one word.
		markEdit := 0
		if t.marks != "" && ph.marks[k] != "" && t.marks != ph.marks[k] {
			markEdit = 1
		}
		if t.text == w && markEdit == 0 {
			score += utf8.RuneCountInString(w)
			exactWords++
			continue
		}
		if !fuzzy {
			return 0, 0, false
		}
		d := 0
		if t.text != w {
			if d = typos(t.text, w); d < 0 {
				return 0, 0, false
			}
		}
		d += markEdit
		if d > maxTypos(utf8.RuneCountInString(w)) {
			return 0, 0, false
		}
		score += utf8.RuneCountInString(w) - d
		edits += d
	}
	// A typo is forgiven inside a phrase whose other words are right
	// ("xuat kau"), or in a long word typed without marks ("exprots"); a
	// short word alone must be exact, or everyday words ("đến") become
	// indicators.
	if edits > 0 && exactWords == 0 && (len(ph.words) > 1 || utf8.RuneCountInString(ph.words[0]) < 6 || toks[i].marks != "") {
		return 0, 0, false
	}
	return score, edits, true
}

// matchIndicator returns the best indicator match in toks, ignoring tokens
// for which skip is true.
func (p *Plan) matchIndicator(toks []token, skip func(int) bool) (IndicatorMatch, bool) {
	var best IndicatorMatch
	for n := range p.Indicators {
		ind := &p.Indicators[n]
		for _, ph := range ind.phrases() {
			for i := range toks {
				score, edits, ok := matchPhrase(toks, i, ph, true)
				if !ok {
					continue
				}
				end := i + len(ph.words)
				skipped := false
				for k := i; k < end && skip != nil; k++ {
					skipped = skipped || skip(k)
				}
				if skipped {
					continue
				}
				m := IndicatorMatch{Indicator: ind, Score: score, Exact: edits == 0, Start: toks[i].start, End: toks[end-1].end}
				if m.better(best) {
					best = m
				}
			}
		}
	}
	return best, best.Indicator != nil
}

// MatchIndicator finds the indicator text names, by id, Vietnamese or English
// name, or alias, with or without diacritics, in any case, as whole words.
// The longest match wins; small typos are forgiven ("xuat kau"). ok is false
// when no indicator is named.
func (p *Plan) MatchIndicator(text string) (IndicatorMatch, bool) {
	return p.matchIndicator(wordTokens(text), nil)
}

// wordTokens folds text and returns its word tokens, with spans in Fold(text)
// and the marks each word was written with. In the rare text where the
// span-keeping fold differs from Fold (exotic scripts), the tokens come from
// Fold itself, without marks, so that spans still index Fold(text).
func wordTokens(text string) []token {
	fm := foldMap(text, "")
	if f := Fold(text); f != fm.s {
		id := folded{src: f, s: f, start: make([]int, len(f)), end: make([]int, len(f))}
		for i := range f {
			id.start[i], id.end[i] = i, i+1
		}
		return id.tokens(true)
	}
	return fm.tokens(true)
}

// unitPrefixes are the words that may stand before a unit's name: "huyện
// Bến Lức", "h. Bến Lức", "TP Tân An", "thị xã Kiến Tường".
var unitPrefixes = []phrase{
	newPhrase("huyện"), newPhrase("h"), newPhrase("thành phố"), newPhrase("tp"),
	newPhrase("thị xã"), newPhrase("tx"), newPhrase("district"), newPhrase("town"),
	newPhrase("city"),
}

// phrases returns the phrases a unit is known by: id, name, short name and
// aliases. Prefixes ("huyện") are made optional by matchUnit, not here.
func (u *Unit) phrases() []phrase {
	if u.phr != nil {
		return u.phr
	}
	return u.buildPhrases()
}

func (u *Unit) buildPhrases() []phrase {
	out := []phrase{newPhrase(u.ID), newPhrase(u.Name), newPhrase(u.Short)}
	for _, a := range u.Aliases {
		out = append(out, newPhrase(a))
	}
	return out
}

// matchWords matches ph exactly at token i: folded words equal, and short
// words (one or two letters) written with marks must carry the plan's marks.
func matchWords(toks []token, i int, ph phrase) bool {
	if len(ph.words) == 0 || i+len(ph.words) > len(toks) {
		return false
	}
	for k, w := range ph.words {
		if !sameWord(toks[i+k], w, ph.marks[k], utf8.RuneCountInString(w) <= 2) {
			return false
		}
		if ph.caps[k] && !toks[i+k].upper {
			return false
		}
	}
	return true
}

// sameMarks reports whether a name typed with marks has the plan's marks on
// every word: "Thanh Hóa" (the province) is not "Thạnh Hóa" (the district),
// while "thanh hoa" typed bare may be either. A one-word name that folds to
// an everyday word ("sở" → "so", as in "so với") must be typed with its marks.
func sameMarks(toks []token, ph phrase) bool {
	typed := false
	for _, t := range toks {
		typed = typed || t.marks != ""
	}
	if len(ph.words) == 1 && commonSyllables[ph.words[0]] && ph.marks[0] != "" && toks[0].marks == "" {
		return false
	}
	if !typed {
		return true
	}
	for k, t := range toks {
		if t.marks != ph.marks[k] {
			return false
		}
	}
	return true
}

// matchUnit returns the unit named in toks and its token span, ignoring
// tokens for which skip is true. The longest name wins.
func (p *Plan) matchUnit(toks []token, skip func(int) bool) (u *Unit, from, to int, ok bool) {
	units := make([]*Unit, 0, len(p.Units)+1)
	for i := range p.Units {
		units = append(units, &p.Units[i])
	}
	if p.Department.ID != "" {
		units = append(units, &p.Department)
	}
	bestLen := 0
	for _, cand := range units {
		for _, ph := range cand.phrases() {
			for i := range toks {
				if !matchWords(toks, i, ph) || !sameMarks(toks[i:i+len(ph.words)], ph) {
					continue
				}
				end := i + len(ph.words)
				blocked := false
				for k := i; k < end && skip != nil; k++ {
					blocked = blocked || skip(k)
				}
				if blocked {
					continue
				}
				start := i
				// Take an optional prefix in, so that cutting the unit out of
				// a question leaves no stray "huyện".
				for _, pre := range unitPrefixes {
					s := i - len(pre.words)
					if s < 0 || !matchWords(toks, s, pre) {
						continue
					}
					free := true
					for k := s; k < i && skip != nil; k++ {
						free = free && !skip(k)
					}
					if free && s < start {
						start = s
					}
				}
				n := toks[end-1].end - toks[i].start
				if n > bestLen || (n == bestLen && start < from) {
					u, from, to, ok, bestLen = cand, start, end, true, n
				}
			}
		}
	}
	return u, from, to, ok
}

// MatchUnit finds the unit (a district-level unit or the department) named in
// text by id, name, short name or alias, with or without diacritics and with
// an optional "huyện", "h.", "TP", "thị xã" prefix, as whole words. It returns
// the unit and its byte span in Fold(text); ok is false when none is named.
func (p *Plan) MatchUnit(text string) (*Unit, int, int, bool) {
	toks := wordTokens(text)
	u, from, to, ok := p.matchUnit(toks, nil)
	if !ok {
		return nil, 0, 0, false
	}
	return u, toks[from].start, toks[to-1].end, true
}

// similarity scores how close the words of q are to phrase ph, from 0 to
// 1000: the mean of how well the phrase's words are found among the query's
// and how well the query's words are found among the phrase's, each word
// scoring 1000 when equal and less by edit distance. Both directions count,
// so "nang luong" is nearer "năng lượng mặt trời" (half of it, exactly) than
// "tăng trưởng" (all of it, misspelt).
func similarity(q []string, ph phrase) int {
	if len(ph.words) == 0 || len(q) == 0 {
		return 0
	}
	return (coverage(ph.words, q) + coverage(q, ph.words)) / 2
}

// coverage is the mean over words of the best match of each among others.
func coverage(words, others []string) int {
	total := 0
	for _, w := range words {
		best := 0
		for _, o := range others {
			n := max(utf8.RuneCountInString(w), utf8.RuneCountInString(o))
			if n == 0 {
				continue
			}
			d := editDistance(o, w, n)
			best = max(best, 1000*(n-d)/n)
		}
		total += best
	}
	return total / len(words)
}

// Suggest looks at the first suggestWords words of a question, each cut to
// suggestRunes letters: edit distances are quadratic, and a 4 KB message of
// one "word" must not cost more than a real question.
const (
	suggestWords = 24
	suggestRunes = 24
)

// queryWords are the first suggestWords folded words of text, each cut to
// suggestRunes letters (no word is that long: it is noise).
func queryWords(text string) []string {
	var q []string
	for _, t := range wordTokens(text) {
		if len(q) == suggestWords {
			break
		}
		w := t.text
		if r := []rune(w); len(r) > suggestRunes {
			w = string(r[:suggestRunes])
		}
		q = append(q, w)
	}
	return q
}

// Suggest returns the n indicators closest to text, best first, for a
// question that matched nothing. It never returns fewer than min(n, number
// of indicators): with nothing alike, it returns the plan's first indicators.
func (p *Plan) Suggest(text string, n int) []*Indicator {
	if n <= 0 {
		return nil
	}
	q := queryWords(text)
	type scored struct {
		ind   *Indicator
		score int
		order int
	}
	all := make([]scored, len(p.Indicators))
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		s := 0
		for _, ph := range ind.phrases() {
			s = max(s, similarity(q, ph))
		}
		all[i] = scored{ind, s, i}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	out := make([]*Indicator, 0, n)
	for _, s := range all {
		if len(out) == n {
			break
		}
		out = append(out, s.ind)
	}
	return out
}
