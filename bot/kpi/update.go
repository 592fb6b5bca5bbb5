package kpi

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file reads a submission (design §2 "Submitting figures"): one
// indicator per line or per message, a header line that gives the period
// and unit for the lines below it, parts in any order.

// MaxReportsPerUpdate bounds the reports one message may carry: a month's
// figures of one unit are a handful, and a read-back longer than this would
// not be checked by anyone before pressing Xác nhận.
const MaxReportsPerUpdate = 20

// maxUpdateLines bounds the lines with words one message may have: a header
// for each report and as many lines of greeting. It keeps the work on an
// absurd message (every line is matched against the whole plan) small.
const maxUpdateLines = 3 * MaxReportsPerUpdate

// Error IDs of the update reader. Every error about one line of a message of
// several lines also carries Data "line", the 1-based line number.
const (
	ErrNeedPeriod          = "ErrNeedPeriod"          // Data: indicator, example, example_en
	ErrFuturePeriod        = "ErrFuturePeriod"        // Data: period, last
	ErrNotReportedByUnit   = "ErrNotReportedByUnit"   // Data: indicator, unit, reporters
	ErrNeedUnitName        = "ErrNeedUnitName"        // Data: indicator, example, example_en
	ErrMissingValue        = "ErrMissingValue"        // Data: indicator, example, example_en
	ErrNeedItemName        = "ErrNeedItemName"        // Data: indicator, example, example_en
	ErrUnknownStage        = "ErrUnknownStage"        // Data: indicator, stages, stages_en, example, example_en
	ErrFutureDate          = "ErrFutureDate"          // Data: date, today
	ErrInvalidDate         = "ErrInvalidDate"         // Data: text, example, example_en
	ErrOneIndicatorPerLine = "ErrOneIndicatorPerLine" // Data: indicators, example, example_en
	ErrNoFigures           = "ErrNoFigures"           // Data: example, example_en
	ErrTooManyLines        = "ErrTooManyLines"        // Data: max
)

// ErrNeedDate: an item or stage without a date or period, on a day outside
// the plan's years. Data: today, plan_year, example, example_en.
const ErrNeedDate = "ErrNeedDate"

// UpdateOptions is what ParseUpdate needs to know besides the text.
type UpdateOptions struct {
	Unit *Unit     // the reporter's own unit, implied; nil for editors and admins
	Lang string    // "vi" or "en": decides number separators
	Now  time.Time // in the plan's time zone; for "no period = last finished month" and future checks
	// Indicator and Period, when set, are what a line that names no
	// indicator or no period is about: a bare figure sent after "report
	// now" on a reminder. They are values, so an indicator's name is never
	// read again as words (digits in "TTC Đức Huệ 2 (49 MWp)").
	Indicator string // an indicator id of the plan; "" for none
	Period    Period // the zero Period for none
}

// The words of a submission, folded. They are data: tables with tests, not
// translations.
var (
	// updateWords open a submission written as text ("cập nhật xuất khẩu
	// ..."); "cập nhập" is how many people spell it.
	updateWords = []phrase{newPhrase("cập nhật"), newPhrase("cập nhập"), newPhrase("capnhat"), newPhrase("update")}

	// itemVerbs say that a named item happened: "cụm công nghiệp Hựu Thạnh
	// đi vào hoạt động 15/06/2022". A line with one is a report even when
	// its indicator is missing.
	itemVerbs = sortedPhrases(
		"đi vào hoạt động", "đưa vào hoạt động", "đưa vào sử dụng", "hoạt động", "khai trương",
		"khởi công", "đưa vào", "in operation", "opened", "started",
	)
	// itemFillers are the words around a named item that are not its name.
	itemFillers = append(sortedPhrases(
		"mới", "thêm", "đã", "được", "vào", "ngày", "tại", "ở", "open", "new", "on", "at",
	), itemVerbs...)

	// headerFillers are the words a header line may hold besides a period
	// and a unit ("Báo cáo số liệu tháng 3/2022 huyện Bến Lức như sau:").
	headerFillers = sortedPhrases(
		"báo cáo", "số liệu", "như sau", "kính gửi", "gửi", "đơn vị", "cho", "các", "dưới đây",
		"sau", "tháng", "năm", "ngày", "đến", "tính đến", "report", "figures", "data", "unit",
		"as follows", "below", "until",
	)

	// notUnits are phrases whose first word is also a unit's alias ("so"
	// is "sở", the department, typed without marks): "tăng 12% so với cùng
	// kỳ" names no unit.
	notUnits = sortedPhrases("so với", "so cùng kỳ", "so kế hoạch", "so kh", "so ck")

	// listMarker is the numbering or bullet a line of a report may begin
	// with ("1. Xuất khẩu", "- Nhập khẩu", "a) Bán lẻ"): "1." is no figure.
	listMarker = regexp.MustCompile(`^(?:[-*•+–—]+|\(?[0-9]{1,2}[.)]|\(?[a-zA-Z][.)]|[IVXivx]{1,4}[.)])\s+`)

	// decreaseWords written just before a rate make it negative ("IIP
	// giảm 2%"), with the marks they must carry when they carry any.
	decreaseWords = []struct {
		word   string
		spells []string
	}{
		{"giam", []string{"giảm"}}, {"down", nil}, {"fell", nil}, {"decreased", nil},
		{"declined", nil}, {"dropped", nil}, {"minus", nil}, {"negative", nil},
	}
)

// sortedPhrases returns the phrases of words, longest first, so that "đi
// vào hoạt động" is taken before "hoạt động".
func sortedPhrases(words ...string) []phrase {
	out := make([]phrase, len(words))
	for i, w := range words {
		out[i] = newPhrase(w)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].words) > len(out[j].words) })
	return out
}

// ParseUpdate reads a submission: every report it asks to record, in the order
// written. A Report it returns has Indicator, Unit, Period (cumulative, rate,
// level), Value, and for counts Item (+Date, Value = 1 item = AmountScale) and
// for milestones Item = stage id (+Date). By, ByName, At and Via are left
// empty. The unit is the one named on the line or on a header line above it,
// else o.Unit, else (for indicators the department reports) the department;
// whether the user may report for it is the caller's decision.
//
// It fails with a *Error: ErrNoFigures when nothing is to be recorded,
// ErrTooManyLines over MaxReportsPerUpdate reports (or over three times as
// many lines), ErrUnknownIndicator,
// ErrMissingValue, ErrNeedPeriod, ErrFuturePeriod, ErrNeedUnitName,
// ErrNotReportedByUnit, ErrNeedItemName, ErrUnknownStage, ErrFutureDate,
// ErrInvalidDate, ErrOneIndicatorPerLine, and the refusals of ParsePeriod,
// ParseQuantity and ToAmount, each with Data "line" when the message has
// several lines. Nothing is returned with an error: one bad line refuses the
// message, so that a batch is confirmed whole or not at all.
func (p *Plan) ParseUpdate(text string, o UpdateOptions) ([]Report, error) {
	rd, err := p.Read(text, o)
	if err == nil && rd.periodErr != nil {
		return nil, rd.periodErr // no one to ask: refused as before
	}
	if err == nil && rd.choiceErr != nil {
		return nil, rd.choiceErr
	}
	return rd.Reports, err
}

// Read is ParseUpdate with the numbers it left aside, for the read-back's
// "bỏ qua" line. Each Report also carries its Status, Stated comparisons and
// Quote. It fails as ParseUpdate does, and with the sentence reader's
// ErrForecast, ErrNotIndicator, ErrNotPlanUnit, ErrUnplacedNumber,
// ErrApproximate and ErrTwoValues.
func (p *Plan) Read(text string, o UpdateOptions) (Reading, error) {
	r := &updateReader{p: p, o: o, loc: o.Now.Location()}
	if r.loc == nil {
		r.loc = time.UTC
	}
	y, m, d := o.Now.Date()
	r.today = time.Date(y, m, d, 0, 0, 0, 0, r.loc)
	r.monthStart = time.Date(y, m, 1, 0, 0, 0, 0, r.loc)

	lines := strings.Split(text, "\n")
	content := 0
	for _, l := range lines {
		if hasWord(l) {
			content++
		}
	}
	multi := content > 1
	if content > maxUpdateLines {
		return Reading{}, Fail(ErrTooManyLines, "max", strconv.Itoa(MaxReportsPerUpdate))
	}
	var out []Report
	var skipped []Skipped
	seen := map[string]int{} // indicator|slot → index in out
	var unknown error        // the first line of words that named nothing
	first := true
	for n, raw := range lines {
		line := strings.TrimSpace(raw)
		if first && hasWord(line) {
			line = strings.TrimSpace(commandPrefix.ReplaceAllString(line, ""))
			first = false
		}
		line = stripUpdateWords(listMarker.ReplaceAllString(line, ""))
		if !hasWord(line) {
			continue
		}
		var reps []Report
		if r.inSentences(line) {
			got, sk, err := r.figures(line)
			if err != nil {
				return Reading{}, withLine(err, n+1, multi)
			}
			reps, skipped = got, append(skipped, sk...)
		} else {
			rep, err := r.line(line)
			if err != nil {
				var e *Error
				if errors.As(err, &e) && e.ID == errWordsOnly {
					if unknown == nil {
						unknown = withLine(r.unknownIndicator(line, e.Data["left"]), n+1, multi)
					}
					continue
				}
				return Reading{}, withLine(err, n+1, multi)
			}
			if rep == nil {
				continue // a header
			}
			reps = []Report{*rep}
		}
		for _, rep := range reps {
			key := rep.Indicator + "|" + rep.Slot()
			if i, ok := seen[key]; ok {
				// The same figure twice: the later one is the correction.
				out = append(out[:i], out[i+1:]...)
				for k, v := range seen {
					if v > i {
						seen[k] = v - 1
					}
				}
			}
			seen[key] = len(out)
			out = append(out, rep)
		}
		if len(out) > MaxReportsPerUpdate {
			return Reading{}, Fail(ErrTooManyLines, "max", strconv.Itoa(MaxReportsPerUpdate))
		}
	}
	if len(out) == 0 {
		if unknown != nil {
			return Reading{}, unknown
		}
		vi, en := r.examples(nil, Period{}, "")
		return Reading{}, Fail(ErrNoFigures, "example", vi, "example_en", en)
	}
	if len(skipped) > maxSkipped {
		skipped = skipped[:maxSkipped]
	}
	p.defaultStatus(out)
	rd := Reading{Reports: out, Skipped: skipped}
	if len(r.noPeriod) > 0 {
		rd.Periods, rd.periodErr = LikelyPeriods(o.Now, p.Year), r.noPeriod[0]
	}
	if err := r.alternatives(&rd); err != nil {
		return Reading{}, err
	}
	return rd, nil
}

// alternatives turns the one ambiguous figure of a reading into the
// readings to choose from; more than one ambiguous figure, or one whose
// period is asked too, is refused with the words to write instead.
func (r *updateReader) alternatives(rd *Reading) error {
	at := -1
	for i, x := range rd.Reports {
		if x.altIndicator == "" && x.altValue == 0 {
			continue
		}
		if at >= 0 || len(rd.Periods) > 0 || (x.altIndicator != "" && x.altValue != 0) {
			return r.ambiguous(x)
		}
		at = i
	}
	if at < 0 {
		return nil
	}
	one := rd.Reports[at]
	alt := one
	if one.altIndicator != "" {
		alt.Indicator = one.altIndicator
	} else {
		alt.Value = one.altValue
	}
	rd.choiceErr = r.ambiguous(one)
	one.altIndicator, one.altValue, alt.altIndicator, alt.altValue = "", 0, "", 0
	for _, o := range rd.Reports {
		if o.Indicator == alt.Indicator && o.Slot() == alt.Slot() && alt.Indicator != one.Indicator {
			return rd.choiceErr // the other reading is a figure of the message already
		}
	}
	first := append([]Report(nil), rd.Reports...)
	second := append([]Report(nil), rd.Reports...)
	first[at], second[at] = one, alt
	rd.Reports = first
	rd.Alternatives = [][]Report{first, second}
	return nil
}

// ambiguous is the refusal of an ambiguous figure where no one can choose.
func (r *updateReader) ambiguous(x Report) error {
	if x.altIndicator != "" {
		ind, alt := r.p.Indicator(x.Indicator), r.p.Indicator(x.altIndicator)
		vi, en := r.examples(alt, x.Period, "")
		vi2, en2 := r.examples(ind, x.Period, "")
		return Fail(ErrOneIndicatorPerLine, "indicators", ListData([]string{x.altIndicator, x.Indicator}),
			"example", vi+"\n"+vi2, "example_en", en+"\n"+en2)
	}
	return Fail(ErrTwoValues, "text", clip(x.Quote))
}

// inSentences reports whether a line is for the sentence reader: it names
// an indicator of a value kind (or a phrase that looks like one) before
// any count or milestone. Counts, milestones and headers keep the line
// reader.
func (r *updateReader) inSentences(line string) bool {
	line = joinSplitScales(line)
	_, rest, _, _ := ParsePeriod(line, r.p.Year)
	_, rest = findDates(rest)
	ind := r.findIndicator(newLineWords(rest))
	if ind != nil {
		return ind.Kind != Count && ind.Kind != Milestone
	}
	if r.o.Indicator != "" {
		return false // a bare figure for the indicator given: the line reader
	}
	if !strings.ContainsAny(line, "0123456789") {
		return false
	}
	for _, m := range r.mentions(newLineView(line)) {
		if m.blocked != "" {
			return true
		}
	}
	return false
}

// errWordsOnly is the private signal of a line of words that names no
// indicator and holds no figure: harmless beside figures ("Kính gửi ..."),
// ErrUnknownIndicator when it is all the message says.
const errWordsOnly = "errWordsOnly"

// hasWord reports whether s holds a letter or a digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// withLine adds the line number to a refusal about one line of several.
func withLine(err error, line int, multi bool) error {
	var e *Error
	if !multi || !errors.As(err, &e) {
		return err
	}
	c := &Error{ID: e.ID, Data: make(map[string]string, len(e.Data)+1)}
	for k, v := range e.Data {
		c.Data[k] = v
	}
	c.Data["line"] = strconv.Itoa(line)
	return c
}

// stripUpdateWords removes "cập nhật", "update" and the separators after them
// from the start of a line.
func stripUpdateWords(line string) string {
	lw := newLineWords(line)
	for _, ph := range updateWords {
		if matchWords(lw.toks, 0, ph) {
			_, b := lw.f.span(lw.toks[0].start, lw.toks[len(ph.words)-1].end)
			return strings.TrimLeft(line[b:], " \t:-=–,")
		}
	}
	return line
}

// updateReader holds what the lines of one message share.
type updateReader struct {
	p                 *Plan
	o                 UpdateOptions
	loc               *time.Location
	today, monthStart time.Time
	headPeriod        Period  // from a header line; zero when none
	headUnit          *Unit   // from a header line; nil when none
	prose             bool    // the line being read is a sentence of a report
	noPeriod          []error // the figures read without a period, as ErrPeriodNotStated
	dated             bool    // the sentence being read holds a date ("đến ngày 15/9")
	basisPer          Period  // the period of "so với cùng kỳ năm 2021" in the sentence, moved to the plan year
	stages            map[*Indicator][]stagePhrase
}

// stagePhrases returns the ways ind's stages are written, made once per message.
func (r *updateReader) stagePhrases(ind *Indicator) []stagePhrase {
	if sp, ok := r.stages[ind]; ok {
		return sp
	}
	if r.stages == nil {
		r.stages = map[*Indicator][]stagePhrase{}
	}
	sp := stagePhrases(ind)
	r.stages[ind] = sp
	return sp
}

// lineWords is one line cut into word tokens, each marked once a part of the
// report (indicator, unit, stage, filler) has claimed it.
type lineWords struct {
	f    folded
	toks []token
	used []bool
}

func newLineWords(text string) *lineWords {
	f := foldMap(text, "")
	toks := f.tokens(true)
	return &lineWords{f: f, toks: toks, used: make([]bool, len(toks))}
}

func (lw *lineWords) skip(i int) bool { return lw.used[i] }

// mark claims tokens [from, to).
func (lw *lineWords) mark(from, to int) {
	for k := from; k < to; k++ {
		lw.used[k] = true
	}
}

// markSpan claims the tokens inside the folded byte span [a, b).
func (lw *lineWords) markSpan(a, b int) {
	for i, t := range lw.toks {
		if t.start >= a && t.end <= b {
			lw.used[i] = true
		}
	}
}

// free reports whether tokens [from, to) exist and are all unclaimed.
func (lw *lineWords) free(from, to int) bool {
	if to > len(lw.used) {
		return false
	}
	for k := from; k < to; k++ {
		if lw.used[k] {
			return false
		}
	}
	return true
}

// runs returns the source spans of the runs of tokens whose claim is want.
func (lw *lineWords) runs(want bool) [][2]int {
	var out [][2]int
	for i := 0; i < len(lw.toks); {
		if lw.used[i] != want {
			i++
			continue
		}
		j := i
		for j+1 < len(lw.toks) && lw.used[j+1] == want {
			j++
		}
		a, b := lw.f.span(lw.toks[i].start, lw.toks[j].end)
		if b > a {
			out = append(out, [2]int{a, b})
		}
		i = j + 1
	}
	return out
}

// cutUsed returns the source text without the claimed runs.
func (lw *lineWords) cutUsed() string {
	s := lw.f.src
	rs := lw.runs(true)
	for k := len(rs) - 1; k >= 0; k-- {
		s = cutOut(s, rs[k][0], rs[k][1])
	}
	return s
}

// leftWords returns the folded words nobody claimed.
func (lw *lineWords) leftWords() []string {
	var out []string
	for i, t := range lw.toks {
		if !lw.used[i] {
			out = append(out, t.text)
		}
	}
	return out
}

// markFillers claims the fillers found among the free tokens.
func (lw *lineWords) markFillers(fillers []phrase) {
	for i := range lw.toks {
		for _, f := range fillers {
			if !lw.used[i] && matchFiller(lw.toks, i, f) && lw.free(i, i+len(f.words)) {
				lw.mark(i, i+len(f.words))
			}
		}
	}
}

// itemName returns the words nobody claimed as the user wrote them, runs
// joined by a space, trimmed of punctuation; a sign glued to a word stays
// ("Vinmart+").
func (lw *lineWords) itemName() string {
	src := lw.f.src
	var parts []string
	for _, r := range lw.runs(false) {
		b := r[1]
		for b < len(src) {
			c, w := utf8.DecodeRuneInString(src[b:])
			if unicode.IsSpace(c) || unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(itemTrim, c) {
				break
			}
			b += w
		}
		if s := strings.Trim(src[r[0]:b], itemTrim+" \t"); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// itemTrim is the punctuation an item's name does not begin or end with.
const itemTrim = ":;,.=-–—()[]{}\"'/|"

// line reads one line: a report, nil for a header, or a refusal.
func (r *updateReader) line(text string) (*Report, error) {
	p := r.p
	per, rest, found, perr := ParsePeriod(text, p.Year)
	if !found && perr == nil && r.o.Period.Valid() {
		per, found = r.o.Period, true
	}
	dates, rest := findDates(rest)
	lw := newLineWords(rest)
	ind := r.findIndicator(lw)
	if ind == nil && r.o.Indicator != "" {
		ind = p.Indicator(r.o.Indicator)
	}
	if ind == nil {
		return nil, r.header(text, lw, per, found, perr)
	}
	switch ind.Kind {
	case Count, Milestone:
		if v := newLineView(text); v.hasFree(clause{to: len(v.words)}, forecastWords, nil) {
			return nil, Fail(ErrForecast, "text", clip(strings.TrimSpace(text)))
		}
		if ind.Kind == Milestone && !r.distinctive(ind, text) {
			// A report's sentence about "điện mặt trời" may be about any
			// solar plant ("Dự án Điện mặt trời Phước Thái 1"): only a
			// typed line, or one naming the plant itself, is this one.
			return nil, Fail(ErrNotIndicator, "phrase", clip(strings.TrimSpace(text)), "text", clip(strings.TrimSpace(text)))
		}
		if perr != nil && ind.Kind == Milestone {
			// Stages may predate the plan year (construction began the
			// year before).
			var e *Error
			if errors.As(perr, &e) && e.ID == ErrWrongYear && e.Data["year"] == strconv.Itoa(p.Year-1) {
				per, _, found, perr = ParsePeriod(text, p.Year-1)
			}
		}
		if perr != nil {
			return nil, perr
		}
		rep, err := r.item(ind, lw, per, found, dates)
		if rep != nil {
			rep.Quote = strings.TrimSpace(text)
		}
		return rep, err
	}
	if perr != nil {
		return nil, perr
	}
	return r.value(ind, lw, per, found)
}

// findIndicator finds the indicator a line is about and claims its words.
// Words of a milestone's stage ("đóng điện") are not read as an indicator's
// ("điện"), and a stage that only one milestone has names it.
func (r *updateReader) findIndicator(lw *lineWords) *Indicator {
	stage := make([]bool, len(lw.toks))
	var owners []*Indicator
	for n := range r.p.Indicators {
		ind := &r.p.Indicators[n]
		if ind.Kind != Milestone {
			continue
		}
		owned := false
		for _, ph := range r.stagePhrases(ind) {
			for i := range lw.toks {
				if _, _, ok := matchPhrase(lw.toks, i, ph.ph, false); ok {
					for k := i; k < i+len(ph.ph.words); k++ {
						stage[k] = true
					}
					owned = true
				}
			}
		}
		if owned {
			owners = append(owners, ind)
		}
	}
	im, ok := r.p.matchIndicator(lw.toks, func(i int) bool { return stage[i] })
	if !ok {
		if len(owners) == 1 {
			return owners[0]
		}
		im, ok = r.p.matchIndicator(lw.toks, nil)
		if !ok {
			return nil
		}
	}
	lw.markSpan(im.Start, im.End)
	// The indicator named twice ("tăng trưởng GRDP") is named once. A
	// count's item may hold the indicator's word in its name ("trung tâm
	// logistics Long An Logistics Park"): there, only a repeat touching the
	// first mention is the indicator's.
	for _, ph := range im.Indicator.phrases() {
		for i := range lw.toks {
			if !matchWords(lw.toks, i, ph) || !lw.free(i, i+len(ph.words)) || anyTrue(stage[i:i+len(ph.words)]) {
				continue
			}
			if im.Indicator.Kind == Count && !(i > 0 && lw.used[i-1]) && !(i+len(ph.words) < len(lw.toks) && lw.used[i+len(ph.words)]) {
				continue
			}
			lw.mark(i, i+len(ph.words))
		}
	}
	return im.Indicator
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// stagePhrase is one way a stage is written: its Vietnamese or English name,
// or its id with spaces ("dong dien", which is also "đóng điện" unmarked).
type stagePhrase struct {
	stage Stage
	ph    phrase
}

func stagePhrases(ind *Indicator) []stagePhrase {
	var out []stagePhrase
	for _, s := range ind.Stages {
		for _, w := range []string{s.VI, s.EN, strings.ReplaceAll(s.ID, "-", " ")} {
			if w != "" {
				out = append(out, stagePhrase{s, newPhrase(w)})
			}
		}
	}
	return out
}

// header reads a line that names no indicator: it sets the period and unit
// of the lines below it. A line with a figure, or with the verb of an item
// report, but no indicator is refused with ErrUnknownIndicator; a line of
// other words returns errWordsOnly after doing what it can.
func (r *updateReader) header(line string, lw *lineWords, per Period, found bool, perr error) error {
	if perr != nil {
		return perr
	}
	lw.markFillers(notUnits)
	u, from, to, named := r.p.matchUnit(lw.toks, lw.skip)
	if named {
		lw.mark(from, to)
	}
	lw.markFillers(headerFillers)
	lw.markFillers(questionFillers)
	if r.p.Province != "" {
		lw.markFillers(r.p.provincePhrase())
	}
	left := strings.Join(lw.leftWords(), " ")
	figure := strings.ContainsAny(lw.cutUsed(), "0123456789")
	for _, ph := range itemVerbs {
		for i := range lw.toks {
			figure = figure || (lw.free(i, i+len(ph.words)) && matchFiller(lw.toks, i, ph))
		}
	}
	if figure {
		return r.unknownIndicator(line, left)
	}
	if named {
		r.headUnit = u
	}
	if found {
		r.headPeriod = per
	}
	if left != "" {
		return Fail(errWordsOnly, "left", left)
	}
	return nil
}

// unknownIndicator is the refusal of a line whose figure names no indicator,
// with the indicators closest to its words.
func (r *updateReader) unknownIndicator(line, left string) error {
	var ids []string
	for _, ind := range r.p.Suggest(left, 3) {
		ids = append(ids, ind.ID)
	}
	return Fail(ErrUnknownIndicator, "query", clip(strings.TrimSpace(line)), "suggest", ListData(ids))
}

// unit resolves the unit of a report on ind: the one named on the line, else
// the header's, else the reporter's own, else the department for the
// indicators it reports.
func (r *updateReader) unit(ind *Indicator, lw *lineWords, per Period) (*Unit, error) {
	lw.markFillers(notUnits)
	named, from, to, ok := r.p.matchUnit(lw.toks, lw.skip)
	if !ok {
		return r.unitOf(ind, nil, per)
	}
	lw.mark(from, to)
	return r.unitOf(ind, &place{unit: named}, per)
}

// reports reports whether u is one of the units that report ind.
func (r *updateReader) reports(u *Unit, ind *Indicator) bool {
	for _, x := range r.p.ReportingUnits(ind) {
		if x.ID == u.ID {
			return true
		}
	}
	return false
}

// value reads a figure of a cumulative, rate or level indicator.
func (r *updateReader) value(ind *Indicator, lw *lineWords, per Period, found bool) (*Report, error) {
	perOK := true
	switch {
	case found:
	case r.headPeriod.Valid():
		per = r.headPeriod
	default:
		per, perOK = DefaultMonth(r.o.Now, r.p.Year)
	}
	if !strings.ContainsAny(lw.cutUsed(), "0123456789") {
		vi, en := r.examples(ind, per, "")
		return nil, Fail(ErrMissingValue, "indicator", ind.ID, "example", vi, "example_en", en)
	}
	if !perOK {
		m := 12
		if r.o.Now.Year() <= r.p.Year {
			m = 1
		}
		vi, en := r.examples(ind, Month(r.p.Year, m), "")
		return nil, Fail(ErrNeedPeriod, "indicator", ind.ID, "example", vi, "example_en", en)
	}
	if per.End(r.loc).After(r.monthStart) {
		last, _ := LastFinishedMonth(r.o.Now, r.p.Year)
		return nil, Fail(ErrFuturePeriod, "period", per.Label(r.o.Lang), "last", last.Label(r.o.Lang))
	}
	u, err := r.unit(ind, lw, per)
	if err != nil {
		return nil, err
	}
	if err := r.otherIndicator(ind, lw, per); err != nil {
		return nil, err
	}
	a, err := r.amount(ind, lw.cutUsed())
	if err != nil {
		return nil, err
	}
	return &Report{Indicator: ind.ID, Unit: u.ID, Period: per, Value: a}, nil
}

// amount reads the figure in text for ind. Rates may be negative ("-2%", "âm
// 2%", "giảm 2%"): growth falls in a bad year. Other kinds refuse a sign or a
// "giảm" before the figure with ErrNegative rather than drop it.
func (r *updateReader) amount(ind *Indicator, text string) (Amount, error) {
	q, err := ParseQuantity(text, r.o.Lang)
	neg := false
	written := q.Text
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.ID != ErrNegative || ind.Kind != Rate {
			return 0, err
		}
		written = e.Data["text"]
		q, err = ParseQuantity(dropSign(written), r.o.Lang)
		if err != nil {
			return 0, err
		}
		neg = true
	}
	if k := strings.Index(text, written); k > 0 {
		if w := decreaseBefore(text[:k]); w != "" {
			if ind.Kind != Rate {
				return 0, Fail(ErrNegative, "text", w+" "+written)
			}
			neg = true
		}
	}
	a, err := ind.ToAmount(q)
	if err != nil {
		return 0, err
	}
	if neg {
		a = -a
	}
	return a, nil
}

// dropSign removes the minus sign or the word ("âm") a negative quantity
// was written with.
func dropSign(s string) string {
	s = strings.TrimSpace(s)
	for _, m := range []string{"-", "−"} {
		if strings.HasPrefix(s, m) {
			return s[len(m):]
		}
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i > 0 {
		return s[i:]
	}
	return s
}

// decreaseBefore returns the word of decrease that ends before, as written,
// or "".
func decreaseBefore(before string) string {
	f := foldMap(before, "")
	toks := f.tokens(true)
	if len(toks) == 0 {
		return ""
	}
	t := toks[len(toks)-1]
	for _, d := range decreaseWords {
		if t.text == d.word && (d.spells == nil || spelled(t, d.spells)) {
			a, b := f.span(t.start, t.end)
			return before[a:b]
		}
	}
	return ""
}

// otherIndicator refuses a value line that names a second indicator among
// its free words ("xuất khẩu 520 triệu USD, nhập khẩu 410 triệu USD", "IIP
// tăng trưởng 7%", where "tăng trưởng" is GRDP): which one the figure is for
// would be a guess, and a second figure would be lost without a word.
func (r *updateReader) otherIndicator(ind *Indicator, lw *lineWords, per Period) error {
	im, ok := r.p.matchIndicator(lw.toks, lw.skip)
	if !ok || !im.Exact || im.Indicator == ind {
		return nil
	}
	vi, en := r.examples(ind, per, "")
	vi2, en2 := r.examples(im.Indicator, per, "")
	return Fail(ErrOneIndicatorPerLine, "indicators", ListData([]string{ind.ID, im.Indicator.ID}),
		"example", vi+"\n"+vi2, "example_en", en+"\n"+en2)
}

// item reads a named item of a count, or a stage of a milestone.
func (r *updateReader) item(ind *Indicator, lw *lineWords, per Period, found bool, dates []dateFound) (*Report, error) {
	u, err := r.unit(ind, lw, per)
	if err != nil {
		return nil, err
	}
	rep := &Report{Indicator: ind.ID, Unit: u.ID}
	if ind.Kind == Milestone {
		s, ok := matchStage(r.stagePhrases(ind), lw)
		if !ok {
			vi := make([]string, len(ind.Stages))
			en := make([]string, len(ind.Stages))
			for i, s := range ind.Stages {
				vi[i], en[i] = stageName(s, "vi"), stageName(s, "en")
			}
			exVI, exEN := r.examples(ind, Period{}, "")
			return nil, Fail(ErrUnknownStage, "indicator", ind.ID, "stages", strings.Join(vi, ", "), "stages_en", strings.Join(en, ", "),
				"example", exVI, "example_en", exEN)
		}
		rep.Item = s.ID
	} else {
		lw.markFillers(itemFillers)
		rep.Item = lw.itemName()
		if genericItem(rep.Item, ind) || r.notAnItem(lw, rep.Item) {
			// "CCN: 2" counts without naming: the item is what is counted.
			vi, en := r.examples(ind, Period{}, "")
			return nil, Fail(ErrNeedItemName, "indicator", ind.ID, "example", vi, "example_en", en)
		}
		rep.Value = AmountScale
	}
	first := r.p.Year
	if ind.Kind == Milestone {
		first--
	}
	rep.Date, err = r.itemDate(ind, per, found, dates, first)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// distinctive reports whether text is a typed line (few words) or names
// ind by an alias of its own: one with a capital or a digit ("TTC Đức Huệ
// 2"), not a common noun ("điện mặt trời").
func (r *updateReader) distinctive(ind *Indicator, text string) bool {
	toks := foldMap(text, "").tokens(true)
	if len(toks) <= proseWords {
		return true
	}
	for _, a := range append([]string{ind.NameVI}, ind.Aliases...) {
		if strings.IndexFunc(a, func(c rune) bool { return unicode.IsUpper(c) || unicode.IsDigit(c) }) < 0 {
			continue
		}
		ph := newPhrase(a)
		for i := range toks {
			if matchWords(toks, i, ph) {
				return true
			}
		}
	}
	return false
}

// maxItemWords bounds an item's name: a longer "name" is a sentence about
// stock ("toàn tỉnh có 24 siêu thị … và gần 70 cửa hàng"), not one item.
const maxItemWords = 8

// notAnItem reports whether a count's line is prose that names no single
// new item: too long a name, or no verb of an item happening.
func (r *updateReader) notAnItem(lw *lineWords, item string) bool {
	if len(strings.Fields(item)) > maxItemWords {
		return true
	}
	if len(lw.toks) <= proseWords {
		return false
	}
	for _, ph := range itemVerbs {
		for i := range lw.toks {
			if matchFiller(lw.toks, i, ph) {
				return false
			}
		}
	}
	return true
}

// genericNouns are what a count counts, not a name: "1 dự án", "3 cửa hàng".
var genericNouns = sortedPhrases("dự án", "trung tâm", "cửa hàng", "cụm", "nhà máy", "siêu thị", "chợ", "mới",
	"project", "projects", "store", "stores", "centre", "center", "cluster", "clusters")

// genericItem reports whether an item's name is no name: no letters, or a
// number, generic nouns and the indicator's own words only ("1 dự án trung
// tâm logistics").
func genericItem(item string, ind *Indicator) bool {
	toks := foldMap(item, "").tokens(true)
	generic := append(append([]phrase{}, genericNouns...), ind.phrases()...)
	for i := 0; i < len(toks); {
		if toks[i].kind == 'w' && startsWithDigit(toks[i].text) {
			i++
			continue
		}
		n := 0
		for _, g := range generic {
			if matchFiller(toks, i, g) {
				n = len(g.words)
				break
			}
		}
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

// matchStage finds the stage named among the free words; the longest name
// wins, and small typos are forgiven as in indicators ("energized").
func matchStage(phrases []stagePhrase, lw *lineWords) (Stage, bool) {
	var best Stage
	bestScore := 0
	for _, sp := range phrases {
		for i := range lw.toks {
			score, _, ok := matchPhrase(lw.toks, i, sp.ph, true)
			if ok && lw.free(i, i+len(sp.ph.words)) && score > bestScore {
				best, bestScore = sp.stage, score
			}
		}
	}
	return best, bestScore > 0
}

// itemDate returns when an item or stage happened: the date written, else
// the end of the period written (today if it is not over), else today. It
// must lie in the years first..plan year and not after today.
func (r *updateReader) itemDate(ind *Indicator, per Period, found bool, dates []dateFound, first int) (time.Time, error) {
	var d time.Time
	switch {
	case len(dates) > 0:
		df := dates[0]
		y := df.year
		if y == 0 {
			y = r.p.Year
		}
		d = time.Date(y, time.Month(df.month), df.day, 0, 0, 0, 0, r.loc)
		if df.month < 1 || df.month > 12 || df.day < 1 || d.Day() != df.day {
			vi, en := r.examples(ind, Period{}, "")
			return time.Time{}, Fail(ErrInvalidDate, "text", df.text, "example", vi, "example_en", en)
		}
	case found:
		start := time.Date(per.Year, time.Month(per.From), 1, 0, 0, 0, 0, r.loc)
		if start.After(r.today) {
			last, _ := LastFinishedMonth(r.o.Now, r.p.Year)
			return time.Time{}, Fail(ErrFuturePeriod, "period", per.Label(r.o.Lang), "last", last.Label(r.o.Lang))
		}
		d = per.End(r.loc).AddDate(0, 0, -1)
		if d.After(r.today) {
			d = r.today
		}
	default:
		d = r.today
		if d.Year() < first || d.Year() > r.p.Year {
			// Today is not the plan's: the date is what is missing,
			// not another year's plan.
			vi, en := r.examples(ind, Period{}, "")
			return time.Time{}, Fail(ErrNeedDate, "today", d.Format("02/01/2006"), "plan_year", strconv.Itoa(r.p.Year),
				"example", vi, "example_en", en)
		}
	}
	if d.Year() < first || d.Year() > r.p.Year {
		return time.Time{}, Fail(ErrWrongYear, "year", strconv.Itoa(d.Year()), "plan_year", strconv.Itoa(r.p.Year))
	}
	if d.After(r.today) {
		return time.Time{}, Fail(ErrFutureDate, "date", d.Format("02/01/2006"), "today", r.today.Format("02/01/2006"))
	}
	return d, nil
}

// dateFound is a civil date written in a line: "15/06/2022", "15-06-2022",
// "15.06.2022", "15/06/22", or "15/06" (the plan year).
type dateFound struct {
	text             string
	day, month, year int // year 0: not written
	start, end       int // bytes of the line
}

var dateRE = regexp.MustCompile(`(\d{1,2})([/.\-])(\d{1,2})(?:([/.\-])(\d{4}|\d{2}))?`)

// findDates returns the dates written in s, and s without them. Two numbers
// with a slash are a date only when they can be a day and a month ("15/06");
// "3/2022" is a period and "2.150" a number, and neither is taken.
func findDates(s string) ([]dateFound, string) {
	var out []dateFound
	for _, m := range dateRE.FindAllStringSubmatchIndex(s, -1) {
		a, b := m[0], m[1]
		if before, _ := utf8.DecodeLastRuneInString(s[:a]); a > 0 && (unicode.IsLetter(before) || unicode.IsDigit(before) || strings.ContainsRune("/.,-", before)) {
			continue
		}
		if b < len(s) {
			after, w := utf8.DecodeRuneInString(s[b:])
			if unicode.IsLetter(after) || unicode.IsDigit(after) || after == '/' || after == '-' {
				continue
			}
			if (after == '.' || after == ',') && b+w < len(s) && s[b+w] >= '0' && s[b+w] <= '9' {
				continue
			}
		}
		day, _ := strconv.Atoi(s[m[2]:m[3]])
		month, _ := strconv.Atoi(s[m[6]:m[7]])
		d := dateFound{text: s[a:b], day: day, month: month, start: a, end: b}
		sep := s[m[4]:m[5]]
		if m[8] >= 0 {
			if s[m[8]:m[9]] != sep {
				continue
			}
			d.year, _ = strconv.Atoi(s[m[10]:m[11]])
			if m[11]-m[10] == 2 {
				d.year += 2000
			}
		} else if sep != "/" || month < 1 || month > 12 || day < 1 || day > 31 {
			continue
		}
		out = append(out, d)
	}
	for k := len(out) - 1; k >= 0; k-- {
		s = cutOut(s, out[k].start, out[k].end)
	}
	return out, s
}

// examples writes a line of the indicator as a reporter would send it, in
// Vietnamese and in English, for refusals to show: "xuất khẩu tháng 3/2022:
// 520 triệu USD", "cụm công nghiệp ABC 15/06/2022". A nil ind takes the
// plan's first cumulative indicator; unit, when given, is written after the
// name; a zero per takes March of the plan year.
func (r *updateReader) examples(ind *Indicator, per Period, unit string) (vi, en string) {
	p := r.p
	if ind == nil {
		ind = &p.Indicators[0]
		for i := range p.Indicators {
			if p.Indicators[i].Kind == Cumulative {
				ind = &p.Indicators[i]
				break
			}
		}
	}
	if !per.Valid() {
		per = Month(p.Year, 3)
	}
	date := r.today
	if date.Year() != p.Year || date.IsZero() {
		date = time.Date(p.Year, time.June, 15, 0, 0, 0, 0, r.loc)
	}
	write := func(lang string) string {
		name := ind.Name(lang)
		if lang == "vi" {
			name = exampleName(ind)
		}
		if unit != "" {
			name += " " + unit
		}
		switch ind.Kind {
		case Count:
			item := "ABC"
			if len(ind.Examples) > 0 {
				item = ind.Examples[0]
			}
			return name + " " + item + " " + date.Format("02/01/2006")
		case Milestone:
			s := ind.Stages[len(ind.Stages)-1]
			return name + " " + stageName(s, lang) + " " + date.Format("02/01/2006")
		}
		return name + " " + per.Label(lang) + ": " + exampleValue(ind, lang)
	}
	return write("vi"), write("en")
}

// exampleName is the shortest Vietnamese alias of ind written in lower case
// with marks, of two words or more ("xuất khẩu", "bán lẻ"): how a reporter
// names it. Without one, the Vietnamese name.
func exampleName(ind *Indicator) string {
	best := ""
	for _, a := range ind.Aliases {
		words := strings.Fields(a)
		if len(words) < 2 || a != strings.ToLower(a) || Fold(a) == a {
			continue
		}
		if best == "" || utf8.RuneCountInString(a) < utf8.RuneCountInString(best) {
			best = a
		}
	}
	if best == "" {
		return ind.NameVI
	}
	return best
}

// exampleValue is a plausible figure of ind for an example: a district's
// month of money, the target of a percentage.
func exampleValue(ind *Indicator, lang string) string {
	switch ind.Measure {
	case USD:
		return FormatNatural(520_000_000*AmountScale, USD, lang)
	case VND:
		return FormatNatural(2_150_000_000_000*AmountScale, VND, lang)
	}
	return FormatNatural(ind.Target, ind.Measure, lang)
}
