package kpi

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error IDs of a place named that the plan does not know.
const (
	// ErrUnknownPlace: Data "place" (the words as written), "units" (up to
	// maxPlaceSuggestions unit or group ids, comma-separated, nearest first).
	ErrUnknownPlace = "ErrUnknownPlace"
	// ErrUnknownPlaceNone is ErrUnknownPlace with nothing near enough to
	// suggest: Data "place" and "all" (every unit's short name).
	ErrUnknownPlaceNone = "ErrUnknownPlaceNone"
)

// maxPlaceSuggestions bounds the units offered for a name not understood.
const maxPlaceSuggestions = 3

// placePrefixes are the words that stand before the name of a place of
// district or commune level: after one of them, capitalised words are a
// place's name even when no unit of the plan is near it ("huyện Long Hòa",
// "xã Mỹ Yên"). Written with their marks: "xa" typed bare is "far".
var placePrefixes = sortedPhrases("huyện", "thị xã", "thành phố", "tp", "xã", "phường", "thị trấn", "district", "town", "commune")

// commandWords are the words of a command written as text ("Tổng quan Bến
// Lức", "Biểu Đồ xuất khẩu"): they name no place.
var commandWords = sortedPhrases("tổng quan", "overview", "biểu đồ", "chart", "lịch sử", "history", "hạn chót",
	"deadlines", "báo cáo", "report", "bảng số liệu")

// Scope is what a command's arguments name: an indicator, units, a group
// and a period, any of them absent.
type Scope struct {
	Indicator *Indicator // nil: none named
	Units     []*Unit    // in the order written
	Group     *Group
	Period    Period
	HasPeriod bool
}

// ParseScope reads what a command's arguments name ("/tongquan Bến Lức",
// "/baocao quý 2", "/bieudo xuất khẩu năm 2022"), the way ParseQuestion
// reads a question, but with nothing required. Words that name none of
// these are ignored, unless they look like a place's name: those are
// refused, never dropped.
//
// It fails with ParsePeriod's errors (ErrWrongYear: the caller may look for
// that year's plan), ErrNotPlanUnit (Data "place") for a province other
// than the plan's, and ErrUnknownPlace or ErrUnknownPlaceNone for a place the
// plan does not know.
func (p *Plan) ParseScope(text string) (Scope, error) {
	body := strings.TrimSpace(commandPrefix.ReplaceAllString(text, ""))
	per, rest, found, err := ParsePeriod(body, p.Year)
	if err != nil {
		return Scope{}, err
	}
	sc := Scope{Period: per, HasPeriod: found}
	toks := foldMap(rest, "").tokens(true)
	used := make([]bool, len(toks))
	mark := func(from, to int) {
		for k := from; k < to; k++ {
			used[k] = true
		}
	}
	if im, ok := p.matchIndicator(toks, nil); ok && !p.blocked(toks, im, nil) {
		sc.Indicator = im.Indicator
		for i, t := range toks {
			if t.start >= im.Start && t.end <= im.End {
				used[i] = true
			}
		}
	}
	skip := func(i int) bool { return used[i] }
	if g, from, to, ok := p.matchGroup(toks, skip); ok {
		sc.Group = g
		mark(from, to)
	}
	var unitAt []int
	for {
		u, from, to, ok := p.matchUnit(toks, skip)
		if !ok {
			break
		}
		sc.Units = append(sc.Units, u)
		unitAt = append(unitAt, from)
		mark(from, to)
	}
	sort.SliceStable(sc.Units, func(i, j int) bool { return unitAt[i] < unitAt[j] })
	p.markFillers(toks, used)
	for i := range toks {
		for _, f := range commandWords {
			if !used[i] && matchFiller(toks, i, f) {
				for k := i; k < i+len(f.words); k++ {
					used[k] = true
				}
			}
		}
	}
	for i := range toks {
		if n := p.otherPlace(toks, i); n > 0 && !used[i] {
			return Scope{}, Fail(ErrNotPlanUnit, "place", foldedSource(rest, toks[i].start, toks[i+n-1].end))
		}
	}
	if err := p.strayPlace(rest, toks, used, sc.Indicator == nil || namesNoItems(sc.Indicator)); err != nil {
		return Scope{}, err
	}
	per, err = p.strayYear(toks, used, sc.Period, sc.HasPeriod)
	if err != nil {
		return Scope{}, err
	}
	sc.HasPeriod = sc.HasPeriod || per != sc.Period
	sc.Period = per
	return sc, nil
}

// markFillers marks the question's filler words (and the plan's province)
// that stand on free tokens as used.
func (p *Plan) markFillers(toks []token, used []bool) {
	fillers := questionFillers
	if p.Province != "" {
		fillers = append(append([]phrase{}, p.provincePhrase()...), questionFillers...)
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
}

// placeName is one thing a place may be: a unit (the department included)
// or a group, with the phrases it is known by.
type placeName struct {
	id   string
	phr  []phrase
	unit bool // phr are a unit's: id, full name, short name, aliases
}

func (p *Plan) placeNames() []placeName {
	out := make([]placeName, 0, len(p.Units)+len(p.Groups)+1)
	for i := range p.Units {
		out = append(out, placeName{p.Units[i].ID, p.Units[i].phrases(), true})
	}
	if p.Department.ID != "" {
		out = append(out, placeName{p.Department.ID, p.Department.phrases(), true})
	}
	for i := range p.Groups {
		out = append(out, placeName{p.Groups[i].ID, p.Groups[i].phr, false})
	}
	return out
}

// strayPlace decides whether the words left over once a question or a
// command's arguments were read (used false) name a place the plan does
// not know, and if so refuses them with the nearest units as suggestions.
// Left-over words are a place's name when
//   - they are a unit's or group's name of two words or more misspelt, or
//     typed with other marks ("Bến Lứcc", "ben lucc", "Tân Thành");
//   - with names set, they follow a place's prefix and are capitalised
//     ("huyện Long Hòa"), or are two or more capitalised words in a row
//     ("Long Hòa").
//
// Anything else left over (everyday words, "nhé", numbers) is not a place:
// ordinary questions are never refused here. names is false for questions
// about counts and milestones, which name their items ("cụm công nghiệp
// Hựu Thạnh").
func (p *Plan) strayPlace(src string, toks []token, used []bool, names bool) error {
	all := p.placeNames()
	// Capitals say a name only where the rest is written in lower case:
	// "Xuất Khẩu Từng Tháng" capitalises every word, names none.
	names = names && !p.capitalisesFreely(toks, used, all)
	for i := 0; i < len(toks); i++ {
		if used[i] {
			continue
		}
		j := i
		for j < len(toks) && !used[j] {
			j++
		}
		if from, to, near, ok := placeIn(toks[i:j], all, names); ok {
			return p.unknownPlace(foldedSource(src, toks[i+from].start, toks[i+to-1].end), toks[i+from:i+to], all, near)
		}
		i = j
	}
	return nil
}

// namesNoItems reports whether questions about ind name no items of their
// own: capitalised words beside it are not an item's name.
func namesNoItems(ind *Indicator) bool { return ind.Kind != Count && ind.Kind != Milestone }

// placeIn finds a place's name in a run of left-over tokens: its span, and
// the id of the name it misspells ("" when it misspells none). Without
// loose, only misspelt names are found.
func placeIn(run []token, all []placeName, loose bool) (from, to int, near string, ok bool) {
	for a := range run {
		for _, n := range all {
			for _, ph := range n.phr {
				if len(ph.words) >= 2 && a+len(ph.words) <= len(run) && nearWords(run[a:a+len(ph.words)], ph) {
					return a, a + len(ph.words), n.id, true
				}
			}
		}
	}
	if !loose {
		return 0, 0, "", false
	}
	for a := range run {
		for _, pre := range placePrefixes {
			b := a + len(pre.words)
			if !matchWords(run, a, pre) || !sameMarksTyped(run[a:b], pre) {
				continue
			}
			c := b
			for c < len(run) && isName(run[c]) {
				c++
			}
			if c > b {
				return a, c, "", true
			}
		}
	}
	vocab := vocabulary(run)
	for a := 0; a < len(run); a++ {
		c := a
		for c < len(run) && isName(run[c]) && !vocab[c] {
			c++
		}
		if c-a >= 2 {
			return a, c, "", true
		}
	}
	return 0, 0, "", false
}

// askingWords are the phrases a question is made of besides indicators,
// places and periods: capitalised, they are still no place's name.
var askingWords = func() []phrase {
	var out []phrase
	for _, phs := range [][]phrase{questionFillers, commandWords, projectionPhrases, monthlyPhrases, rankingPhrases, notSubjects,
		samePeriodAfter, prevPeriodAfter, periodWords} {
		out = append(out, phs...)
	}
	return out
}()

// periodWords are words of periods that ParsePeriod may leave when it
// cannot read them ("Quý Một").
var periodWords = sortedPhrases("tháng", "quý", "năm", "tuần", "ngày", "kỳ", "một", "hai", "ba", "bốn", "năm nay",
	"năm trước", "tháng này", "quý này", "month", "quarter", "year", "week")

// vocabulary marks the tokens of run that are question words.
func vocabulary(run []token) []bool {
	out := make([]bool, len(run))
	for i := range run {
		for _, ph := range askingWords {
			if matchWords(run, i, ph) {
				for k := i; k < i+len(ph.words); k++ {
					out[k] = true
				}
			}
		}
	}
	return out
}

// capitalisesFreely reports whether the text capitalises words that name
// nothing: a word after the first, read already (an indicator's, a filler),
// written with a capital and not part of a unit's, group's or province's
// name.
func (p *Plan) capitalisesFreely(toks []token, used []bool, all []placeName) bool {
	named := make([]bool, len(toks))
	mark := func(phs []phrase) {
		for _, ph := range phs {
			for i := range toks {
				if matchWords(toks, i, ph) {
					for k := i; k < i+len(ph.words); k++ {
						named[k] = true
					}
				}
			}
		}
	}
	for _, n := range all {
		mark(n.phr)
	}
	mark(p.provincePhrase())
	mark(unitPrefixes)
	for i := 1; i < len(toks); i++ {
		if used[i] && toks[i].title && !named[i] {
			return true
		}
	}
	return false
}

// isName reports whether t is a capitalised word of letters ("Hòa", not
// "T3", "XK" or "2022").
func isName(t token) bool {
	if !t.title || utf8.RuneCountInString(t.text) < 2 {
		return false
	}
	if t.upper && utf8.RuneCountInString(t.text) <= 3 {
		return false // an abbreviation ("XK", "CCN")
	}
	for _, r := range t.text {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// sameMarksTyped reports whether every word of toks carries ph's marks
// exactly: "xã" must be typed so ("xa" is "far").
func sameMarksTyped(toks []token, ph phrase) bool {
	for k, t := range toks {
		if t.marks != ph.marks[k] {
			return false
		}
	}
	return true
}

// nearWords reports whether toks are ph misspelt: each word within the
// typos its length allows (the first letter kept), or the same letters
// with other marks, and not ph itself.
func nearWords(toks []token, ph phrase) bool {
	diff := 0
	for k, t := range toks {
		w := ph.words[k]
		switch {
		case t.text == w && (t.marks == "" || t.marks == ph.marks[k]):
		case t.text == w:
			diff++
		default:
			n := max(utf8.RuneCountInString(t.text), utf8.RuneCountInString(w))
			limit := maxTypos(n)
			if limit == 0 || t.text[0] != w[0] {
				return false
			}
			d := editDistance(t.text, w, limit)
			if d > limit {
				return false
			}
			diff += d
		}
	}
	return diff > 0 && diff <= 2
}

// unknownPlace is the refusal of place (as written; toks its words): the
// nearest units and groups, near first when it misspells one.
func (p *Plan) unknownPlace(place string, toks []token, names []placeName, near string) error {
	q := make([]string, len(toks))
	for i, t := range toks {
		q[i] = t.text
	}
	// A prefix is not part of the name to compare ("huyện Long Hòa").
	for _, pre := range placePrefixes {
		if len(q) > len(pre.words) && matchWords(toks, 0, pre) {
			q = q[len(pre.words):]
			break
		}
	}
	type scored struct {
		id    string
		score int
	}
	var all []scored
	for _, n := range names {
		best := 0
		for k, ph := range n.phr {
			if k == 1 && n.unit {
				continue // the full name holds the province's ("Sở Công Thương Long An")
			}
			// The same marks break ties: "Long Hòa" is nearer Đức Hòa than Mộc Hóa.
			best = max(best, 10*similarity(q, ph)+sameMarked(toks, ph))
		}
		if n.id == near {
			best = 100000
		}
		if best >= 10*minSimilarity {
			all = append(all, scored{n.id, best})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var ids []string
	for _, s := range all {
		if len(ids) == maxPlaceSuggestions {
			break
		}
		ids = append(ids, s.id)
	}
	if len(ids) == 0 {
		shorts := make([]string, len(p.Units))
		for i, u := range p.Units {
			shorts[i] = u.Short
		}
		return Fail(ErrUnknownPlaceNone, "place", place, "all", strings.Join(shorts, ", "))
	}
	return Fail(ErrUnknownPlace, "place", place, "units", ListData(ids))
}

// Place returns the unit or group of the plan with id, and its short name;
// ok is false when there is none.
func (p *Plan) Place(id string) (short string, ok bool) {
	if u := p.Unit(id); u != nil {
		return u.Short, true
	}
	for i := range p.Groups {
		if p.Groups[i].ID == id {
			return p.Groups[i].Short, true
		}
	}
	return "", false
}

// strayYear reads a year left over on its own ("xuất khẩu 2023",
// "/tongquan 2022") rather than drop it: with no period found, the plan
// year's is the whole year; another year, or one that is not the period's
// ("quý 1 2023"), fails with ErrWrongYear (Data "year", "plan_year"), so
// that the caller may look for that year's plan.
func (p *Plan) strayYear(toks []token, used []bool, per Period, found bool) (Period, error) {
	for i, t := range toks {
		if used[i] || len(t.text) != 4 {
			continue
		}
		y, err := strconv.Atoi(t.text)
		if err != nil || y < 2000 || y > 2100 {
			continue
		}
		switch {
		case y != p.Year || (found && per.Year != 0 && per.Year != y):
			return per, Fail(ErrWrongYear, "year", t.text, "plan_year", strconv.Itoa(p.Year))
		case !found:
			return YearToDate(y, 12), nil
		}
	}
	return per, nil
}

// sameMarked counts the words of toks found in ph with the same marks.
func sameMarked(toks []token, ph phrase) int {
	n := 0
	for _, t := range toks {
		for k, w := range ph.words {
			if t.text == w && t.marks != "" && t.marks == ph.marks[k] {
				n++
				break
			}
		}
	}
	return n
}
