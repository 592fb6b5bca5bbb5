package kpi

import (
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Error IDs of the question reader.
const (
	ErrNoIndicator      = "ErrNoIndicator"      // no Data
	ErrUnknownIndicator = "ErrUnknownIndicator" // Data: query, suggest
	ErrNotUnderstood    = "ErrNotUnderstood"    // Data: query
)

// minSimilarity is how alike (0..1000) a question's words must be to an
// indicator's name for it to be suggested: below it, nothing is, and the
// user is told the question was not understood.
const minSimilarity = 450

// Question is what a user asked about: one indicator, optionally for one
// unit and one period.
type Question struct {
	Indicator *Indicator
	Unit      *Unit // nil: all units; the first of Units
	Units     []*Unit
	// Group is a group of units named instead ("Long An cũ"); nil: none.
	Group  *Group
	Period Period // zero: year to date
}

// commandPrefix is a leading Telegram command, with the bot's name when the
// user picked it from a group's menu ("/tiendo@TienDoBot").
var commandPrefix = regexp.MustCompile(`^\s*/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?`)

// questionFillers are the words around a question that name nothing:
// written with their marks, so that "của" (of) is a filler and "cửa" (in
// "cửa hàng") is not, while "cua" typed without marks matches both.
var questionFillers = func() []phrase {
	words := []string{
		// Vietnamese
		"tiến độ", "tiendo", "của", "là", "bao nhiêu", "thế nào", "như thế nào", "ra sao", "như nào",
		"đạt", "đạt được", "được", "đã", "rồi", "chưa", "hiện nay", "hiện tại", "cho tôi", "cho mình",
		"xem", "xin", "ơi", "vậy", "nhé", "ạ", "về", "chỉ tiêu", "số liệu", "kết quả", "tình hình",
		"thực hiện", "tỉnh", "toàn tỉnh", "so với kế hoạch", "kế hoạch", "ở", "tại", "trong", "lũy kế",
		"đến nay", "tới nay", "từ đầu năm",
		// English
		"progress", "how", "is", "are", "the", "doing", "of", "what", "whats", "what s", "show", "me",
		"for", "in", "at", "on", "please", "status", "so far", "our", "current", "ytd", "year to date",
		"against", "target", "plan", "going",
	}
	out := make([]phrase, len(words))
	for i, w := range words {
		out[i] = newPhrase(w)
	}
	// Longest first, so that "như thế nào" goes before "thế nào".
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].words) > len(out[j].words) })
	return out
}()

// matchFiller reports whether filler ph stands at token i, with its marks
// when the user wrote marks.
func matchFiller(toks []token, i int, ph phrase) bool {
	if i+len(ph.words) > len(toks) {
		return false
	}
	for k, w := range ph.words {
		if !sameWord(toks[i+k], w, ph.marks[k], true) {
			return false
		}
	}
	return true
}

// ParseQuestion reads what a user asked: "tiến độ xuất khẩu?", "TIẾN ĐỘ XK",
// "/tiendo@TienDoBot xk", "xuất khẩu Bến Lức quý 1", "xk t3 ben luc", "how
// are exports doing?", in NFC or NFD. It strips a leading command, reads the
// period (ParsePeriod, for the plan year), then the indicator (MatchIndicator,
// whose words win over a unit's: "TTC Đức Huệ 2" is the solar plant, not a
// question about Đức Huệ), then a unit in what is left, ignoring filler words.
//
// A Question returned without error always has an Indicator. It fails with
// *Error ErrNoIndicator when nothing but fillers, a unit or a period is
// left; ErrUnknownIndicator (Data "query": the question as written, trimmed;
// "suggest": up to three comma-separated indicator ids from Suggest) when
// words are left that name no indicator; ErrNotPlanUnit (Data "place" as
// written, "indicator", "period": its key or "", and "country_figure" "1"
// when the place is a country's figure such as GDP) for another province
// or the country; ErrOffTopic; and ParsePeriod's errors.
func (p *Plan) ParseQuestion(text string) (Question, error) {
	body := strings.TrimSpace(commandPrefix.ReplaceAllString(text, ""))
	per, rest, _, err := ParsePeriod(body, p.Year)
	if err != nil {
		// "GRDP 9 tháng năm 2025 của Gia Lai": the place is the answer,
		// whichever year it names; so is a topic that is none of the
		// plan's ("10 mặt hàng xuất khẩu chủ lực năm 2024", "FDI 2025").
		if q, perr := p.ParseQuestion(yearless(body)); q.Indicator == nil &&
			(isError(perr, ErrNotPlanUnit) || isError(perr, ErrOffTopic) || isError(perr, ErrUnknownIndicator) || isError(perr, ErrNotUnderstood)) {
			return q, perr
		}
		return Question{}, err
	}
	toks := foldMap(rest, "").tokens(true)
	used := make([]bool, len(toks))
	q := Question{Period: per}
	var unitAt []int

	im, found := p.matchIndicator(toks, nil)
	var growth *Indicator // the indicator growth words alone named, when another is taken
	if found {
		// "tốc độ tăng trưởng IIP": growth words alone name GRDP, but beside
		// another indicator they are that indicator's growth.
		inside := func(i int) bool { return toks[i].start >= im.Start && toks[i].end <= im.End }
		for _, g := range growthWords {
			at := -1
			for i := range toks {
				if at < 0 && inside(i) {
					at = i
				}
			}
			if at < 0 || !matchFiller(toks, at, g) || toks[at+len(g.words)-1].end != im.End {
				continue
			}
			if other, ok := p.matchIndicator(toks, inside); ok && other.Exact && !p.blocked(toks, other, im.Indicator) {
				im, growth = other, im.Indicator
			}
			break
		}
	}
	if found && p.blocked(toks, im, growth) {
		found = false // "giá điện", "thuế xuất khẩu": not the indicator
	}
	define := AsksDefinition(body)
	if found {
		q.Indicator = im.Indicator
		for i, t := range toks {
			if t.start >= im.Start && t.end <= im.End {
				used[i] = true
			}
		}
	}
	// "GDP cả nước quý 3 tăng bao nhiêu": the country's counterpart of an
	// indicator is that indicator asked of another place, so that the
	// plan's own answer can be offered. What GDP is ("GDP là gì?") is no
	// indicator of the plan.
	// "tổng sản phẩm trong nước" holds GRDP's "tổng sản phẩm" but is GDP.
	countryAt, countryLen := -1, 0
	for i := 0; countryAt < 0 && i < len(toks); i++ {
		n, ind := p.countryFigure(toks, i)
		over := false
		for k := i; k < i+n; k++ {
			over = over || used[k]
		}
		switch {
		case n == 0 || ind == nil || (found && !over):
		case define && over:
			found, q.Indicator = false, nil // what GDP is: no indicator of the plan
			for k := range used {
				used[k] = false
			}
		case !define:
			q.Indicator, found = ind, true
			countryAt, countryLen = i, n
			for k := i; k < i+n; k++ {
				used[k] = true
			}
		}
	}
	// A group's name before units: it may hold a unit's ("Tân An cũ").
	if g, from, to, ok := p.matchGroup(toks, func(i int) bool { return used[i] }); ok {
		q.Group = g
		for k := from; k < to; k++ {
			used[k] = true
		}
	}
	// Units before fillers: their names are specific, while fillers are
	// everyday words ("được" is also the "Đước" of Cần Đước typed bare).
	for {
		u, from, to, ok := p.matchUnit(toks, func(i int) bool { return used[i] })
		if !ok {
			break
		}
		q.Units = append(q.Units, u)
		for k := from; k < to; k++ {
			used[k] = true
		}
		unitAt = append(unitAt, from)
	}
	sort.SliceStable(q.Units, func(i, j int) bool { return unitAt[i] < unitAt[j] })
	named := append([]bool{}, used...) // the indicator's, group's and units' words
	fillers := append([]phrase{}, questionFillers...)
	if p.Province != "" {
		fillers = append(append([]phrase{}, p.provincePhrase()...), fillers...)
	}
	for i := range toks {
		for _, f := range fillers {
			if used[i] || !matchFiller(toks, i, f) {
				continue
			}
			free := true
			for k := i; k < i+len(f.words); k++ {
				free = free && !used[k]
			}
			if free {
				for k := i; k < i+len(f.words); k++ {
					used[k] = true
				}
			}
		}
	}
	// "GRDP Là Gì? Giải Mã Ý Nghĩa và Phương Pháp Tính …": the other words
	// of a definition question are the article's, not a place's name; only
	// another province among them still counts.
	if found && define {
		for i := range toks {
			if !used[i] && p.otherPlace(toks, i) == 0 {
				used[i] = true
			}
		}
	}
	// "thuế suất hàng xuất khẩu", "mức bán lẻ giá điện": the indicator's
	// words, but a question about something else.
	if from, to, ok := offTopic(toks, otherSide(toks, named, define)); found && ok && !p.namesOtherPlace(toks, used, named) {
		return Question{}, Fail(ErrOffTopic, "query", clip(body),
			"topic", foldedSource(rest, toks[from].start, toks[to-1].end), "indicators", p.allIndicatorIDs())
	}
	// A place that is not a unit of the plan, or the whole country, is said
	// to be so, not answered for the whole province.
	for i := 0; found && i < len(toks); i++ {
		n := 0
		if !used[i] {
			n = p.otherPlace(toks, i)
		}
		if n == 0 && !named[i] {
			n = otherScope(toks, i)
		}
		figure := false
		if n == 0 && !named[i] && !define {
			n, _ = p.countryFigure(toks, i) // "tăng trưởng GDP": the country's
			figure = n > 0
		}
		if n == 0 && countryAt >= 0 && i == len(toks)-1 {
			i, n, figure = countryAt, countryLen, true // "GDP quý 3 tăng bao nhiêu": the country's, no place named
		}
		if n > 0 {
			a, b := toks[i].start, toks[i+n-1].end
			key := ""
			if !per.IsZero() {
				key = per.Key()
			}
			data := []string{"place", foldedSource(rest, a, b), "indicator", q.Indicator.ID, "period", key}
			if figure {
				data = append(data, "country_figure", "1")
			}
			return Question{}, Fail(ErrNotPlanUnit, data...)
		}
	}
	// "xuất khẩu dệt may", "nhập khẩu xăng dầu": a product group's figure,
	// which the plan does not keep.
	for i := 1; found && i < len(toks); i++ {
		if !named[i-1] || named[i] {
			continue
		}
		if _, to, ok := productAfter(toks, i); ok {
			from := i - 1 // the topic from the indicator's words: "xuất khẩu dệt may"
			for from > 0 && named[from-1] {
				from--
			}
			return Question{}, Fail(ErrOffTopic, "query", clip(body),
				"topic", foldedSource(rest, toks[from].start, toks[to-1].end), "indicators", p.allIndicatorIDs())
		}
	}
	if found {
		// A place not understood is refused, not answered for the province.
		if err := p.strayPlace(rest, toks, used, namesNoItems(q.Indicator)); err != nil {
			return Question{}, err
		}
		// A year on its own is read, not dropped ("xuất khẩu 2023").
		if q.Period, err = p.strayYear(toks, used, q.Period, !q.Period.IsZero()); err != nil {
			return Question{}, err
		}
	}
	if len(q.Units) > 0 {
		q.Unit = q.Units[0]
	}
	if found {
		return q, nil
	}
	var left []string
	for i, t := range toks {
		if !used[i] {
			left = append(left, t.text)
		}
	}
	if len(left) == 0 {
		return Question{}, Fail(ErrNoIndicator)
	}
	var ids []string
	for _, ind := range p.Suggest(strings.Join(left, " "), 3) {
		if p.similarity(strings.Join(left, " "), ind) >= minSimilarity {
			ids = append(ids, ind.ID)
		}
	}
	if len(ids) == 0 {
		return Question{}, Fail(ErrNotUnderstood, "query", clip(body))
	}
	return Question{}, Fail(ErrUnknownIndicator, "query", clip(body), "suggest", ListData(ids))
}

// similarity is how alike text is to the nearest of ind's names, 0..1000.
func (p *Plan) similarity(text string, ind *Indicator) int {
	q := queryWords(text)
	best := 0
	for _, ph := range ind.phrases() {
		best = max(best, similarity(q, ph))
	}
	return best
}

// blocked reports whether the indicator match im is part of a phrase that
// names something else: one of the plan's excludes ("giá điện") or a
// figure that is no indicator ("xuất nhập khẩu"). The excludes of skip
// (GRDP, when its growth words were read as im's: "tăng trưởng xuất
// khẩu") do not count.
func (p *Plan) blocked(toks []token, im IndicatorMatch, skip *Indicator) bool {
	from, to := -1, -1
	for i, t := range toks {
		if t.start >= im.Start && t.end <= im.End {
			if from < 0 {
				from = i
			}
			to = i + 1
		}
	}
	check := func(phs []phrase) bool {
		for _, ph := range phs {
			for i := range toks {
				e := i + len(ph.words)
				if matchFiller(toks, i, ph) && i < to && from < e && (i < from || e > to) {
					return true
				}
			}
		}
		return false
	}
	if check(notSubjects) {
		return true
	}
	for n := range p.Indicators {
		if skip != nil && p.Indicators[n].ID == skip.ID {
			continue
		}
		exc := p.Indicators[n].exc
		if p.Indicators[n].ID == im.Indicator.ID {
			exc = shortNames(exc, im.Indicator)
		}
		if check(exc) {
			return true
		}
	}
	return false
}

// shortNames drops from an indicator's excludes those that are a shortened
// form of one of its own names: in a report "bán lẻ hàng hóa" is goods
// alone, but a question "tổng mức bán lẻ hàng hóa 6 tháng?" asks for the
// plan's "tổng mức bán lẻ hàng hóa và doanh thu dịch vụ".
func shortNames(exc []phrase, ind *Indicator) []phrase {
	var out []phrase
	for _, ex := range exc {
		inside := false
		for _, ph := range ind.phrases() {
			for i := 0; !inside && i+len(ex.words) < len(ph.words); i++ {
				inside = slices.Equal(ph.words[i:i+len(ex.words)], ex.words)
			}
		}
		if !inside {
			out = append(out, ex)
		}
	}
	return out
}

// foldedSource returns the source words behind folded bytes [a, b) of text.
func foldedSource(text string, a, b int) string {
	f := foldMap(text, "")
	x, y := f.span(a, b)
	return text[x:y]
}

// yearWords are four-digit years, and the "năm" or "/" before them.
var yearWords = regexp.MustCompile(`(?i)(\bnăm\s*|/)?\b(19|20)\d\d\b`)

// yearless is text without its years, or "" when it has none (so that
// ParseQuestion does not go round again on the same text).
func yearless(text string) string {
	if !yearWords.MatchString(text) {
		return ""
	}
	return yearWords.ReplaceAllString(text, " ")
}

// isError reports whether err is the *Error of id.
func isError(err error, id string) bool {
	var e *Error
	return errors.As(err, &e) && e.ID == id
}

// otherSide returns used with the words marked that stand on the other side
// of a definition question's phrase from the indicator's words (those of
// named): in "tổng mức bán lẻ hàng hóa là gì để nâng cao hiểu biết về thị
// trường bán lẻ" the words after "là gì" are the article's, not the
// question's, and name no other topic. used itself when define is false.
func otherSide(toks []token, named []bool, define bool) []bool {
	if !define {
		return named
	}
	da, db := -1, -1
	for i := range toks {
		for _, ph := range definitionPhrases {
			if da < 0 && matchWords(toks, i, ph) {
				da, db = i, i+len(ph.words)
			}
		}
	}
	first, last := -1, -1
	for i, n := range named {
		if n {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if da < 0 || first < 0 {
		return named
	}
	out := append([]bool{}, named...)
	switch {
	case last < da: // "X là gì …": what follows is the article's
		for k := db; k < len(out); k++ {
			out[k] = true
		}
	case first >= db: // "… cách tính X": what goes before is
		for k := 0; k < da; k++ {
			out[k] = true
		}
	}
	return out
}
