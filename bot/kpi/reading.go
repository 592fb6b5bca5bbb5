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

	"golang.org/x/text/unicode/norm"
)

// This file reads figures the way officials write them: "Kim ngạch xuất
// khẩu tháng 3 ước đạt 520 triệu USD, tăng 12% so với cùng kỳ, lũy kế 3
// tháng đạt 1,5 tỷ USD, bằng 23,4% kế hoạch năm". A sentence is cut into
// clauses; every number in it gets exactly one role (the value of a
// figure, a comparison, a period, a share, part of a name, a count of
// something else, or unknown); a figure is offered only where an indicator
// mention and a value are linked, in one clause or in the clauses that
// continue it; a number it cannot place makes it ask.

// Error IDs of the sentence reader.
const (
	ErrForecast        = "ErrForecast"        // Data: text
	ErrNotIndicator    = "ErrNotIndicator"    // Data: phrase, text
	ErrNotPlanUnit     = "ErrNotPlanUnit"     // Data: place
	ErrUnplacedNumber  = "ErrUnplacedNumber"  // Data: number, text
	ErrApproximate     = "ErrApproximate"     // Data: text
	ErrTwoValues       = "ErrTwoValues"       // Data: text
	ErrPeriodNotStated = "ErrPeriodNotStated" // Data: indicator, text, example, example_en
)

// Role is what a number of a report is when it is not a figure's value.
type Role string

// The roles a number left aside can have; Skipped carries them to the
// read-back's "bỏ qua" line.
const (
	RoleSamePeriod   Role = "same-period"     // "tăng 12% so với cùng kỳ" beside a rate's value
	RolePrevPeriod   Role = "previous-period" // "so với tháng trước"
	RolePlan         Role = "plan"            // "bằng 23,4% kế hoạch"
	RoleShare        Role = "share"           // "chiếm tỷ trọng 3,65%"
	RoleRatio        Role = "ratio"           // "gấp 2 lần"
	RoleCompare      Role = "compare"         // "tăng 12%" with no basis
	RoleName         Role = "name"            // "Covid-19", "tổ máy số 1", "giá so sánh 2010"
	RoleCount        Role = "count"           // "61 địa phương", "100% số xã"
	RoleForecast     Role = "forecast"        // "dự kiến", "phấn đấu"
	RoleNotIndicator Role = "not-indicator"   // "xuất nhập khẩu", "nhập siêu", "nhóm thủy sản"
	RolePlace        Role = "place"           // another province
	RoleBreakdown    Role = "breakdown"       // "trong đó …": a part of a total
	RoleNoIndicator  Role = "no-indicator"    // in a clause that names no indicator
	RoleOtherBase    Role = "other-base"      // "tăng 9,69% so với năm 2010": on a year long past
	RoleEquivalent   Role = "equivalent"      // "tương đương 72,5 triệu USD": the size of a share or change
	RoleAverage      Role = "average"         // "bình quân mỗi tháng 500 triệu USD": an amount per month
)

// otherBase is the private basis of a comparison with a year that is
// neither the plan's nor the one before: never a value, never kept.
const otherBase Basis = "other-base"

// Skipped is a number the reader left aside, and why.
type Skipped struct {
	Text string // the number as written ("30,8%")
	Role Role
	What string // the phrase behind RoleNotIndicator or RolePlace
}

// Reading is what a message says: the figures to record, in order, and the
// numbers left aside.
type Reading struct {
	Reports []Report
	Skipped []Skipped
	// Periods are the likely periods of the figures a report sentence gave
	// without one (their Period is zero): the last finished month, the
	// year to it, the quarter or half-year just ended. Empty when every
	// figure has its period.
	Periods []Period

	periodErr error // ErrPeriodNotStated of the first figure without a period
	choiceErr error // the refusal of the ambiguous figure, for ParseUpdate

	// Alternatives are the readings of a message with one ambiguous
	// figure, to choose from (Reports is the first): one value written
	// after two indicators ("xuất khẩu, nhập khẩu …: 520 triệu USD") is of
	// either; "2.150" in English with no scale word is 2.15 or 2150.
	// Empty when the message is not ambiguous.
	Alternatives [][]Report
}

// NeedsPeriod reports whether r is a figure read without its period, for
// one of Reading.Periods to be chosen.
func (r Report) NeedsPeriod() bool { return r.Item == "" && r.Period.IsZero() }

// LikelyPeriods are the periods a report sent at now without one is most
// likely for, in plan year: the last finished month, the year to it, the
// quarter and the half-year that end with it. In January after the plan
// year, the year itself (the year to December). Nothing when no month of
// the plan year is over.
func LikelyPeriods(now time.Time, year int) []Period {
	last, ok := DefaultMonth(now, year)
	if !ok {
		return nil
	}
	m := last.To
	out := []Period{last}
	add := func(p Period) {
		for _, o := range out {
			if o == p {
				return
			}
		}
		out = append(out, p)
	}
	if m%3 == 0 {
		add(Quarter(year, m/3))
	}
	if m == 6 || m == 12 {
		add(Period{Year: year, From: m - 5, To: m})
	}
	add(YearToDate(year, m))
	return out
}

// maxMentions bounds the indicator mentions read in one line: more figures
// than a message may carry are refused anyway, and each further mention
// costs a pass over the line ("xk xk xk …" must not cost seconds).
const maxMentions = 2 * MaxReportsPerUpdate

// proseWords is the length past which a line is a sentence of a report,
// not a typed figure: a period it does not name is asked for.
const proseWords = 8

// maxSkipped bounds the "bỏ qua" list: a pasted page has many numbers.
const maxSkipped = 12

// The words of reports, folded. They are data: tables with tests.
var (
	// statusWords say how final a figure is; the longest wins.
	statusWords = []struct {
		ph     phrase
		status Status
	}{
		{newPhrase("ước thực hiện"), Estimate}, {newPhrase("ước tính"), Estimate},
		{newPhrase("ước đạt"), Estimate}, {newPhrase("dự ước"), Estimate}, {newPhrase("ước"), Estimate},
		{newPhrase("estimated"), Estimate}, {newPhrase("estimate"), Estimate},
		{newPhrase("sơ bộ"), Preliminary}, {newPhrase("preliminary"), Preliminary},
		{newPhrase("chính thức"), Official}, {newPhrase("official"), Official}, {newPhrase("final"), Official},
	}
	// forecastWords make a clause a plan or a forecast, not a result.
	forecastWords = sortedPhrases("dự kiến", "sẽ", "phấn đấu", "dự báo", "mục tiêu", "kế hoạch năm",
		"kế hoạch đề ra", "chỉ tiêu", "kỳ vọng", "định hướng", "nhằm đạt", "hướng tới", "forecast",
		"expected", "expects", "target", "plans to", "will", "aims", "dự đạt", "dự tính đạt")
	// approxWords before a value make it an approximation. roundedWords
	// among them say the figure was rounded ("ước đạt hơn 350.000 tỷ
	// đồng", "gần 721 triệu USD"): it is read, marked approximate. The
	// others are bounds ("dưới", "ít nhất", "từ … đến"), asked about.
	approxWords = sortedPhrases("khoảng", "gần", "trên", "hơn", "xấp xỉ", "dưới", "ít nhất", "tối thiểu",
		"tối đa", "chừng", "ngót", "từ", "about", "around", "nearly", "almost", "over", "more than",
		"less than", "at least", "roughly", "approximately", "khoảng gần", "khoảng hơn", "gần như",
		"đạt trên", "vào khoảng", "ở mức khoảng")
	roundedWords = sortedPhrases("khoảng", "gần", "trên", "hơn", "xấp xỉ", "chừng", "ngót", "about", "around",
		"nearly", "almost", "over", "more than", "roughly", "approximately", "khoảng gần", "khoảng hơn",
		"vào khoảng", "ở mức khoảng")
	// notSubjects name figures that are not of any indicator of a plan.
	notSubjects = sortedPhrases("xuất nhập khẩu", "xuất, nhập khẩu", "xuất - nhập khẩu", "xnk",
		"xuất siêu", "nhập siêu", "cán cân thương mại", "thặng dư thương mại", "việt nam", "trade surplus", "trade deficit", "trade balance", "nationwide",
		"whole country", "total trade")
	// countryProduct names the country's product, never a province's.
	countryProduct = sortedPhrases("gdp", "tổng sản phẩm trong nước", "gross domestic product")
	// narrowers right after an indicator mention name a part of it: a
	// product group, a market, a sector ("xuất khẩu thủy sản", "nhập khẩu
	// từ Trung Quốc", "xuất khẩu của khu vực FDI").
	narrowers = sortedPhrases("nhóm", "mặt hàng", "sản phẩm", "hàng", "sang", "vào thị trường",
		"thị trường", "từ", "của doanh nghiệp", "doanh nghiệp", "của khu vực", "khu vực", "fdi",
		"thủy sản", "thuỷ sản", "nông sản", "lâm sản", "nông lâm thủy sản", "gạo", "dệt may", "may mặc",
		"giày dép", "gỗ", "điện tử", "máy tính", "điện thoại", "rau quả", "hạt điều", "cà phê",
		"cao su", "sắt thép", "xăng dầu", "phân bón", "tôm", "cá tra", "lao động", "dịch vụ",
		"trực tiếp", "ủy thác", "tại chỗ", "nguyên liệu", "máy móc", "thiết bị", "linh kiện", "trái cây",
		"trừ", "trừ dầu thô", "không kể", "không tính", "không bao gồm", "excluding",
		"bình quân đầu người", "per capita")
	// perCapita after a rate's mention make it another figure.
	perCapita = sortedPhrases("bình quân đầu người", "bình quân một người", "theo đầu người", "per capita")
	// goodsWords and withServices after exports or imports name goods and
	// services together, not the plan's goods.
	goodsWords   = sortedPhrases("hàng hóa", "hàng hoá", "of goods", "goods")
	withServices = sortedPhrases("và dịch vụ", "và doanh thu dịch vụ", "và doanh thu ngoại tệ", "và thu ngoại tệ",
		"và dịch vụ thu ngoại tệ", "dịch vụ", "and services", "and service revenue", "and service")
	// notNarrowers follow a mention and narrow nothing: "xuất khẩu hàng
	// hóa" is all merchandise exports.
	notNarrowers = sortedPhrases("hàng hóa", "hàng hoá", "từ đầu năm", "từ tháng", "từ quý", "từ ngày")
	// growthWords name GRDP growth alone, but after another indicator they
	// are its verb: "xuất khẩu tăng trưởng 12%".
	growthWords = sortedPhrases("tăng trưởng", "tốc độ tăng trưởng", "growth")
	// breakdownWords open the parts of the figure before them.
	breakdownWords = sortedPhrases("trong đó", "bao gồm", "of which", "including")
	// conjunctions join clauses; a clause begins after them.
	conjunctions = sortedPhrases("và", "còn", "đồng thời", "trong khi", "nhưng", "song", "while", "and", "but")
	// attributionBefore and attributionAfter around a unit's name make it
	// the source of a sentence, not the unit of its figures: "Theo Sở Công
	// Thương, …", "UBND tỉnh cho biết".
	attributionBefore = sortedPhrases("theo", "according to", "báo cáo của", "thông tin từ", "từ", "tổng hợp từ", "số liệu của", "giám đốc", "lãnh đạo", "đại diện", "ông", "bà")
	attributionAfter  = sortedPhrases("cho biết", "cho hay", "thông tin", "báo cáo", "công bố", "nhận định", "tổ chức", "chủ trì", "said", "reported")
	// scopeWords in a sentence make its figures those of a region, the
	// country or a product group, not of the plan's units.
	scopeWords = sortedPhrases("vùng", "khu vực miền", "khu vực phía", "khu vực đồng bằng", "đồng bằng sông cửu long",
		"đbscl", "miền trung", "miền bắc", "miền nam", "phía nam", "phía bắc", "bắc bộ", "nam bộ", "trung bộ",
		"tây nguyên", "các tỉnh", "tổng cục thống kê", "tổng cục hải quan", "mặt hàng", "nhóm hàng",
		"thị trường xuất khẩu", "thị trường nhập khẩu", "châu á", "châu mỹ", "châu âu", "châu phi", "asean",
		"ngành rau quả", "ngành thủy sản", "ngành thuỷ sản", "ngành dệt may", "ngành da giày", "ngành gỗ", "ngành điện tử",
		"ngành cà phê", "ngành gạo", "ngành lúa gạo", "ngành nông sản", "ngành hàng",
		"nông thôn", "thành thị", "cơ cấu")
	// nationWords name the country; as the subject of a sentence they
	// make its figures the country's ("cả nước đã xuất khẩu …"), but not
	// in a ranking or a comparison ("thứ 15/63 tỉnh, thành trong cả nước").
	nationWords   = sortedPhrases("cả nước", "toàn quốc", "nước ta", "nationwide")
	rankingBefore = sortedPhrases("trong", "trên", "nhất", "chung", "so với", "thứ", "xếp", "đứng", "bình quân", "cao", "thấp",
		"dẫn đầu", "top", "in", "than")
	// rankWords anywhere before a region in its clause make it a ranking:
	// "xếp vị thứ 5/63 của cả nước và đầu vùng Bắc Trung bộ".
	rankWords = sortedPhrases("xếp", "đứng thứ", "vị thứ", "xếp thứ", "dẫn đầu", "cao nhất", "thấp nhất", "đứng đầu")
	// continuations open a sentence that goes on with the subject of the
	// one before: "… 22.071 tỷ đồng. Lũy kế 2 tháng, đạt 45.294 tỷ đồng".
	continuations = sortedPhrases("tính chung", "lũy kế", "luỹ kế", "bình quân trong", "tính bình quân", "như vậy", "cộng dồn", "tính từ đầu năm", "tính đến",
		"so với", "trong đó", "cumulatively", "year to date")
	// priorWords around a number make it last year's figure, not this
	// one's: "(cùng kỳ năm 2021 tăng 6,8%)", "cao hơn mức tăng 8,3% của
	// cùng kỳ".
	priorBefore = sortedPhrases("mức tăng", "mức giảm", "cao hơn mức", "thấp hơn mức", "tốc độ tăng", "loại trừ yếu tố giá thì tăng",
		"loại trừ yếu tố giá thì giảm", "loại trừ yếu tố giá tăng", "loại trừ yếu tố giá giảm", "bình quân")
	priorAfter = sortedPhrases("của cùng kỳ", "của năm", "của quý", "của tháng", "cùng kỳ năm", "của kỳ")
	// ytdNow are the words of "the year so far", through the last finished month.
	ytdNow = sortedPhrases("từ đầu năm đến nay", "từ đầu năm tới nay", "đầu năm đến nay", "từ đầu năm",
		"since the start of the year", "so far this year")

	// Comparison words after a number.
	samePeriodAfter = sortedPhrases("so với cùng kỳ", "so cùng kỳ", "cùng kỳ", "so với năm trước",
		"so với tháng cùng kỳ", "so với quý cùng kỳ", "so với cùng thời gian", "so cùng thời gian",
		"cùng thời gian năm trước", "so với cùng thời gian năm trước", "so với năm ngoái", "so với cùng kỳ năm ngoái",
		"so với cùng thời điểm", "so với ck", "so ck", "so với cùng kỳ năm trước", "yoy", "year on year",
		"on the same period", "over the same period", "from a year earlier", "compared with the same period")
	prevPeriodAfter = sortedPhrases("so với tháng trước", "so tháng trước", "so với tháng", "so với kỳ trước",
		"so với quý trước", "so với quý", "month on month", "mom", "from the previous month", "on the previous month",
		"from a month earlier", "from the month before", "over the previous month")
	planAfter = sortedPhrases("kế hoạch", "kh", "so với kế hoạch", "so kế hoạch", "so kh", "chỉ tiêu", "mục tiêu", "nghị quyết",
		"of plan", "of the plan", "of target", "of the target", "dự toán")
	shareBefore = sortedPhrases("chiếm", "chiếm tỷ trọng", "tỷ trọng", "chiếm tỷ lệ", "chiếm tỉ trọng", "tỉ trọng", "đóng góp", "share of", "accounting for", "contributing")
	ratioBefore = sortedPhrases("gấp", "times")
	ratioAfter  = sortedPhrases("lần", "times")
	signBefore  = sortedPhrases("tăng", "giảm", "tăng trưởng", "up", "down", "rose", "fell", "increased", "decreased",
		"tăng mạnh", "tăng nhẹ", "tăng cao", "tăng khá", "tăng tới", "tăng trưởng mạnh", "giảm mạnh", "giảm nhẹ", "giảm sâu",
		"tăng lần lượt", "giảm lần lượt", "increase by", "increased by", "increase of", "rose by", "grew by", "up by",
		"decrease by", "decreased by", "fell by", "down by")
	// countAfter: a number followed by one of these counts things ("100%
	// số xã"); written with marks where marks decide ("số", not "so").
	countAfter = sortedPhrases("số")

	// nameRE finds numbers that are parts of names, in folded text.
	nameRE = regexp.MustCompile(`covid ?-? ?19|sars ?-? ?cov ?-? ?2|\b(?:gia so sanh|gia ss ?)(?: nam)? ?\d{4}|` +
		`\b(?:so|thu|khoa|lan thu|ky hop thu|to may so|nha may so|muc|dieu|khoan|chuong|giai doan|phase|no)\.? ?\d+\b|` +
		`\b(?:nghi dinh|nghi quyet|quyet dinh|thong tu|chi thi|cong van|van ban|ke hoach)(?: so)? ?\d+[0-9/a-z.\-]*|` +
		`\b\d{4} ?- ?\d{4}\b|\b(?:tam nhin|den nam|toi nam|giai doan)(?: den)?(?: nam)? \d{4}\b|\btop \d+\b|\bhang \d+\b`)
)

// splitScale finds a scale or unit word that copying from a PDF split with
// a space ("t ỷ", "tri ệu"), in one pass: the words are joined back before
// reading.
var splitScale = func() *regexp.Regexp {
	var alts []string
	for _, w := range []string{"tỷ", "tỉ", "triệu", "nghìn", "ngàn", "đồng", "USD"} {
		rs := []rune(w)
		for k := 1; k < len(rs); k++ {
			alts = append(alts, regexp.QuoteMeta(string(rs[:k]))+" "+regexp.QuoteMeta(string(rs[k:])))
		}
	}
	return regexp.MustCompile(`(?i)(^|[^\p{L}])(` + strings.Join(alts, "|") + `)([^\p{L}]|$)`)
}()

// gluedRun is a run of letters that may be two words glued.
var gluedRun = regexp.MustCompile(`\p{L}{4,}`)

// gluedWords are the syllables of the indicators' names and of the words
// around them in reports, as written: a run of letters made of exactly two
// of them, and none itself, is two words whose space copying from a PDF
// lost. Marks decide ("so" is not "số").
var gluedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("tổng mức bán lẻ hàng hóa hoá và doanh thu dịch vụ tiêu dùng kim ngạch xuất nhập khẩu " +
		"chỉ số sản phẩm công nghiệp toàn ngành tăng trưởng giảm kinh tế tốc độ trên địa bàn tỉnh ước đạt tính thực hiện " +
		"tháng năm quý đầu lũy kế chung so với cùng kỳ trước của hộ sử dụng điện tỷ tỉ triệu nghìn ngàn đồng") {
		m[w] = true
	}
	return m
}()

// splitGlued parts the glued runs of s; a run with no mark, or of a word
// not in gluedWords, is left as written.
func splitGlued(s string) string {
	return gluedRun.ReplaceAllStringFunc(s, func(run string) string {
		lower := strings.ToLower(run)
		if gluedWords[lower] || !norm.NFC.IsNormalString(run) || isASCII(run) {
			return run
		}
		rs, lrs := []rune(run), []rune(lower)
		if len(rs) != len(lrs) {
			return run
		}
		for k := 1; k < len(lrs); k++ {
			if gluedWords[string(lrs[:k])] && gluedWords[string(lrs[k:])] {
				return string(rs[:k]) + " " + string(rs[k:])
			}
		}
		return run
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// joinSplitScales mends "515,8 ngàn t ỷ đồng" into "515,8 ngàn tỷ đồng".
// Only in a text with digits, so that words are not glued at random.
// It also parts two report words glued by the same copying ("tổng mứcbán
// lẻ" is "tổng mức bán lẻ").
func joinSplitScales(s string) string {
	if !strings.ContainsAny(s, "0123456789") {
		return s
	}
	s = splitGlued(s)
	for range 2 { // the boundary of one match may be the start of the next
		s = splitScale.ReplaceAllStringFunc(s, func(m string) string {
			sub := splitScale.FindStringSubmatch(m)
			return sub[1] + strings.Replace(sub[2], " ", "", 1) + sub[3]
		})
	}
	return s
}

// wordAt is a word token of a line with its source span.
type wordAt struct {
	token
	a, b int // bytes of the source text
}

// lineView is one line prepared for the sentence reader: its words, its
// indicator and place mentions, periods, numbers, in source byte offsets.
type lineView struct {
	src   string
	f     folded
	words []wordAt
	all   []token // the words' tokens, for the phrase matchers
}

func newLineView(src string) *lineView {
	f := foldMap(src, "")
	v := &lineView{src: src, f: f}
	for _, t := range f.tokens(true) {
		a, b := f.span(t.start, t.end)
		v.words = append(v.words, wordAt{token: t, a: a, b: b})
		v.all = append(v.all, t)
	}
	return v
}

// toks returns the tokens of words [from, to); callers do not change them.
func (v *lineView) toks(from, to int) []token { return v.all[from:to] }

// wordIndex returns the index of the first word starting at or after byte a.
func (v *lineView) wordIndex(a int) int {
	return sort.Search(len(v.words), func(i int) bool { return v.words[i].a >= a })
}

// phraseAt reports whether one of phs stands at word i and returns its length in words.
func (v *lineView) phraseAt(i int, phs []phrase) int {
	all := v.toks(0, len(v.words))
	for _, ph := range phs {
		if matchFiller(all, i, ph) {
			return len(ph.words)
		}
	}
	return 0
}

// mention is where a line names a subject: an indicator of the plan, or
// something that is not one (Blocked says why).
type mention struct {
	ind       *Indicator
	from, to  int // words
	a, b      int // source bytes
	blocked   Role
	what      string // the blocking phrase as written
	viaGrowth bool   // matched by a growth word alone
}

// place is a unit of the plan, or another province, named in a line.
type place struct {
	unit     *Unit  // nil: another place
	name     string // as written
	from, to int
	a, b     int
}

// numAt is one number of a line with its role.
type numAt struct {
	q        Quantity
	a, b     int
	err      error
	role     Role // "" while it is a value candidate
	basis    Basis
	neg      bool   // a decrease ("giảm 2%")
	signWord string // the word of decrease, as written
	approx   bool
	rounded  string // the word of a rounded figure ("hơn"), as written; "" for a bound or range
	pct      bool   // written with %
	tail     int    // words after the number that its comparison took
	over     bool   // "vượt 29% kế hoạch": beyond the plan, 129% of it
}

// periodAt is a period written in a line.
type periodAt struct {
	p     Period
	a, b  int
	err   error
	basis bool // "so với cùng kỳ năm 2021": the basis of a comparison
}

// findPeriods returns the periods in text, left to right, not overlapping,
// for the plan year: at most max of them (all when max <= 0). At each place
// the longest reading wins ("tháng 3/2022" over "tháng 3").
func findPeriods(text string, year int, max int) []periodAt {
	fm := foldMap(text, "–")
	toks := fm.tokens(false)
	var out []periodAt
	for i := 0; i < len(toks); {
		if !startsWord(toks, i) {
			i++
			continue
		}
		var best periodMatch
		ok := false
		for _, pat := range periodPatterns {
			c := &periodCursor{toks: toks, i: i}
			m, hit := pat(c)
			if !hit || c.i <= i || !endsWord(toks, c.i) {
				continue
			}
			m.from, m.to = i, c.i
			if !ok || m.to > best.to || (m.to == best.to && best.bad && !m.bad) {
				best, ok = m, true
			}
		}
		if !ok {
			i++
			continue
		}
		a, b := fm.span(toks[best.from].start, toks[best.to-1].end)
		pa := periodAt{a: a, b: b}
		switch {
		case best.bad:
			pa.err = Fail(ErrBadPeriod, "text", clip(text[a:b]))
		case best.year != 0 && best.year != year:
			pa.err = Fail(ErrWrongYear, "year", strconv.Itoa(best.year), "plan_year", strconv.Itoa(year))
			pa.p = best.p
			pa.p.Year = best.year
		default:
			pa.p = best.p
			pa.p.Year = year
		}
		out = append(out, pa)
		if max > 0 && len(out) == max {
			break
		}
		i = best.to
	}
	return out
}

// clause is a span of a sentence with at most one subject mention.
type clause struct {
	a, b     int // source bytes
	from, to int // words
	sentence int
	breakAt  bool // it begins after "trong đó"
	conj     bool // it begins at a conjunction ("và"): it goes on with the clause before
}

// figures reads one line of a report in sentences (see the file comment).
// It returns the figures, the numbers left aside, or the refusal of the
// line; a line that names no indicator of a value kind is not its work.
func (r *updateReader) figures(line string) ([]Report, []Skipped, error) {
	text := joinSplitScales(line)
	v := newLineView(text)
	r.prose = len(v.words) > proseWords
	ments := r.mentions(v)
	places := r.places(v, ments)
	names := nameSpans(v)
	var periods []periodAt
	for _, pa := range findPeriods(text, r.p.Year, 0) {
		if !overlaps(names, pa.a, pa.b) {
			periods = append(periods, pa)
		}
	}
	dates, _ := findDates(text)
	nums := r.numbers(v, text, periods, dates)
	clauses := cutClauses(v, ments, nums)
	r.roles(v, nums, periods, clauses)
	citePriorPeriods(v, nums, periods, r.p.Year) // "mức tăng 4,84% của quý I/2021"
	// "đứng thứ hai tiểu vùng Bắc Trung Bộ (sau Thanh Hóa)": another
	// province named in a ranking is a side phrase, no subject.
	listed := sideListed(v, places) // "chỉ đứng sau Phú Thọ (26,4%), Ninh Bình (22,8%)"
	kept := places[:0]
	for k, pl := range places {
		if pl.unit != nil || !(sidePlace(v, clauses, nums, pl) || listed[k] || rankedPlace(v, clauses, nums, pl)) {
			kept = append(kept, pl)
		}
	}
	places = kept

	if pa, ok := r.ytdNowPeriod(v); ok && !overlapsPeriod(periods, pa.a, pa.b) {
		periods = append(periods, pa)
		sort.Slice(periods, func(i, j int) bool { return periods[i].a < periods[j].a })
	}
	var out []Report
	var skipped []Skipped
	skip := func(n *numAt, role Role, what string) {
		n.role = role
		skipped = append(skipped, Skipped{Text: text[n.a:n.b], Role: role, What: what})
	}
	// What carries from clause to clause within a sentence.
	var (
		changeErr            error // "giảm 520 triệu USD": a change where a figure was expected
		sentence             = -1
		scope                string // a region, the country, a product group named in the sentence
		subject              *mention
		curPeriod            *periodAt
		curUnit              *place
		curStatus            Status
		forecast, breakdown  bool
		last                 = -1 // index in out of the subject's last figure
		pending              []Stated
		firstBlock, firstAsk error
		bareStatus           bool     // curStatus was said in a clause that names no subject
		dangling             *mention // an indicator named just before the subject, with no value of its own
		parts                bool     // the subject is a part of a total, in brackets after it
		totalParts           bool     // the subjects are the parts of a total not read, after "trong đó"
		resp                 *respGroup
	)
	for _, c := range clauses {
		if c.sentence != sentence {
			if resp.short() && firstAsk == nil {
				firstAsk = Fail(ErrTwoValues, "text", clip(strings.TrimSpace(text)))
			}
			prev, prevStatus, prevParts := subject, curStatus, parts && totalParts
			parts = false
			r.dated = false
			for _, d := range dates {
				sa, sb := sentenceSpan(clauses, c.sentence)
				r.dated = r.dated || (d.start >= sa && d.end <= sb && cutOffDate(text, d))
			}
			sentence, subject, curStatus, forecast, breakdown, last, pending = c.sentence, nil, "", false, false, -1, nil
			totalParts, resp = false, nil
			// A period written anywhere in the sentence is the period of
			// its figures that have none before them ("xuất khẩu 520 triệu
			// USD, nhập khẩu 410 triệu USD tháng 3").
			if sp := sentencePeriod(v, clauses, c.sentence, periods); sp != nil && (curPeriod == nil || sp.a > c.a) {
				if curPeriod == nil {
					curPeriod = sp
				}
			}
			scope = sentenceScope(v, clauses, nums, c.sentence, r.p.provincePhrase())
			r.basisPer = Period{}
			for _, pa := range periods {
				if pa.basis && pa.p.Year == r.p.Year-1 && pa.p.Valid() && clauseOf(clauses, pa.a).sentence == c.sentence && !afterCungKy(v, pa) {
					r.basisPer = Period{Year: r.p.Year, From: pa.p.From, To: pa.p.To}
				}
			}
			for _, pl := range places {
				if pl.unit == nil && clauseOf(clauses, pl.a).sentence == c.sentence && scope == "" {
					scope = pl.name
				}
			}
			// "Lũy kế 2 tháng, đạt 45.294 tỷ đồng": a sentence that goes on
			// with the subject before it.
			if opens := v.phraseAt(c.from, continuations) > 0 || periodAtWord(v, periods, c.from); opens && !hasMention(ments, clauses, c.sentence) {
				subject = prev
			}
			// "Trong đó, …" of a total said before is a part of it; at the
			// start of what was pasted, the total is not said, and a plan's
			// indicator named whole after it is read ("Trong đó, chỉ số sản
			// xuất công nghiệp tăng 14,92%"); narrowed, it is still a part.
			if c.breakAt && (prev == nil || prev.blocked == "") && !(prev == nil && c.sentence == 0 && (mentionAt(ments, c) || wholeAfterBreak(v, ments, clauses, c))) {
				breakdown = true
			}
			// "… xuất nhập khẩu ước đạt 18,39 tỷ USD; trong đó xuất khẩu đạt
			// …": the parts share the status of the total before them.
			if c.breakAt && prev != nil && prev.blocked != "" && c.a > 0 && strings.HasSuffix(strings.TrimSpace(text[:c.a]), ";") {
				curStatus, totalParts = prevStatus, true
			}
			// "(xuất khẩu 730 triệu USD, …; nhập khẩu 510 triệu USD, …)": the
			// parts in brackets after ";" still share the total's status.
			if prevParts && parenthesized(text, c.a) {
				curStatus, totalParts = prevStatus, true
			}
		}
		// The subject: this clause's mention, else the one carried.
		// "(chiếm khoảng 7% KNXK cả nước)": a mention in brackets is an
		// aside; it does not take the subject over.
		brk := c.breakAt && (subject == nil || subject.blocked == "")
		for k := range ments {
			// "xuất nhập khẩu 11,885 tỉ USD (xuất khẩu 7,247 tỉ USD; nhập
			// khẩu 4,638 tỉ USD)": in brackets after a total, the parts.
			partOfTotal := parenthesized(text, ments[k].a) && partInBrackets(v, ments, k)
			if ments[k].from >= c.from && ments[k].to <= c.to && (!parenthesized(text, ments[k].a) || partOfTotal) {
				parts = partOfTotal
				if subject != nil && partOfTotal && subject.blocked != "" {
					totalParts = true
				}
				// "ước cả năm 2022 kim ngạch xuất khẩu hơn 2 tỷ USD": a status
				// said on its own before any figure is of the subject after it.
				if subject != nil && c.breakAt && subject.blocked != "" {
					totalParts = true
				}
				// "Ước tính tăng trưởng Tổng sản phẩm trên địa bàn (GRDP) …":
				// the indicator named again before its figure keeps the status.
				again := subject != nil && last < 0 && subject.ind != nil && subject.ind == ments[k].ind
				if subject != nil && !totalParts && !again && !(v.statusBefore(c, ments[k].from)) && !(bareStatus && last < 0) {
					curStatus = ""
				}
				bareStatus = false
				// "xuất khẩu, nhập khẩu tháng 4/2022: 520 triệu USD": one
				// value after two indicators is of one of them; which is asked.
				dangling = nil
				if subject != nil && last < 0 && subject.blocked == "" && subject.ind != nil && c.sentence == sentence && onlyJoined(text[subject.b:ments[k].a]) {
					dangling = subject
				}
				subject, last, pending = &ments[k], -1, nil
				break
			}
		}
		if brk && c.sentence == sentence && c.a > 0 && !(subject != nil && subject.blocked == "" && mentionAt(ments, c) && prevBlocked(ments, c)) {
			breakdown = true
		}
		for k := range places {
			if places[k].from >= c.from && places[k].to <= c.to {
				curUnit = &places[k]
			}
		}
		// The period of a number: the last one written before it in the
		// sentence, else (at the sentence's start) the sentence's.
		// A status word is said of the subject it stands with, until the
		// next subject: "xuất khẩu ước đạt 177,5 triệu USD, nhập khẩu đạt
		// 164 triệu USD" has one estimate. The parts of a total share its
		// status.
		// A clause with a period of its own ("lũy kế 6 tháng …") starts a
		// figure of its own: its status is what it says.
		if st, ok := v.status(c); ok {
			curStatus = st
			bareStatus = !mentionIn(ments, c)
		} else if last >= 0 && ownPeriod(periods, c) {
			curStatus = ""
		}
		if forecastIn(v, c, nums, ments) {
			forecast = true
		}
		for k := range nums {
			n := &nums[k]
			if n.a < c.a || n.b > c.b || n.role == RoleName || n.role == RoleCount {
				if n.a >= c.a && n.b <= c.b && (n.role == RoleName || n.role == RoleCount) {
					skip(n, n.role, "")
				}
				continue
			}
			switch {
			case scope != "" && (subject == nil || subject.blocked == ""):
				if firstBlock == nil {
					firstBlock = Fail(ErrNotIndicator, "phrase", scope, "text", clip(strings.TrimSpace(text[c.a:c.b])))
				}
				skip(n, RolePlace, scope)
				continue
			case subject == nil:
				if n.role == "" || n.role == RoleCompare {
					skip(n, RoleNoIndicator, "")
				} else {
					skip(n, n.role, "")
				}
				continue
			case subject.blocked != "":
				// "GDP cả nước tăng 7,52%": a rate beside a subject that is
				// not the plan's is that subject's too.
				if firstBlock == nil && (n.role == "" || subject.ind != nil || (n.pct && (n.role == RoleCompare || n.basis == SamePeriod))) {
					firstBlock = r.blockError(subject, text, c)
				}
				skip(n, subject.blocked, subject.what)
				continue
			case curUnit != nil && curUnit.unit == nil:
				skip(n, RolePlace, curUnit.name)
				if firstBlock == nil {
					firstBlock = Fail(ErrNotPlanUnit, "place", curUnit.name)
				}
				continue
			case breakdown:
				skip(n, RoleBreakdown, "")
				continue
			case forecast:
				skip(n, RoleForecast, "")
				if firstBlock == nil {
					firstBlock = Fail(ErrForecast, "text", clip(strings.TrimSpace(text[c.a:c.b])))
				}
				continue
			}
			if parts && n.role == RolePrior && parenthesized(text, n.a) {
				n.role = "" // "(xuất khẩu 7,247 tỉ USD; …)": the part's value, not an aside
			}
			ind, m := subject.ind, subject
			// "xuất khẩu và nhập khẩu lần lượt đạt 520 triệu USD và 410
			// triệu USD": the values, and their comparisons, in the order of
			// the indicators.
			if resp == nil && dangling != nil && dangling.ind != ind && dangling.ind.Kind == ind.Kind &&
				respectively(text[dangling.b:n.a]) && dangling.b <= subject.a {
				resp, dangling = &respGroup{ments: []*mention{dangling, subject}, stated: map[Basis]int{}}, nil
			}
			value := r.isValue(ind, n, c, nums, last >= 0 && resp == nil, sentencePct(nums, clauses, c.sentence))
			if value && resp != nil && resp.next < len(resp.ments) {
				m = resp.ments[resp.next]
				ind = m.ind
				resp.next++
			}
			if !value {
				switch {
				case n.role == RoleCount && isMoney(n.q.Measure) && ind.Kind == Rate && mentionHas(v, subject, indexWords):
					// "chỉ số sản xuất công nghiệp (IIP) ước đạt 9.502 tỷ
					// đồng, tăng 9,71%": an index has no size in money; the
					// growth beside it is of something else. Ask.
					if firstAsk == nil {
						firstAsk = Fail(ErrUnplacedNumber, "number", text[n.a:n.b], "text", clip(strings.TrimSpace(text[c.a:c.b])))
					}
					skip(n, RoleNoIndicator, "")
				case n.role == "":
					// A number beside an indicator that is neither its value
					// nor any comparison: ask, never guess.
					if firstAsk == nil {
						firstAsk = Fail(ErrUnplacedNumber, "number", text[n.a:n.b], "text", clip(strings.TrimSpace(text[c.a:c.b])))
					}
					skip(n, RoleNoIndicator, "")
				case ind.Kind == Rate && n.basis == SamePeriod:
					// Beside a rate's value, a change on the same period is a
					// change of the rate itself, in points: said, not kept.
					skip(n, RoleSamePeriod, "")
				case n.basis != "" || (n.role == RoleCompare && ind.Kind == Cumulative && n.pct):
					// A stated comparison, kept with its figure. A bare
					// "tăng 12%" beside an amount is, by the statistics
					// offices' convention, on the same period last year.
					b := n.basis
					if b == "" {
						b = SamePeriod
					}
					if n.approx && n.rounded == "" {
						// "tăng từ 5 đến 7%": a bound is no comparison to keep.
						skip(n, n.role, "")
						continue
					}
					st := Stated{Basis: b, Pct: pctAmount(n), Approx: n.rounded}
					if resp != nil && len(resp.out) > 0 {
						if k := resp.stated[b]; k < len(resp.out) {
							out[resp.out[k]].Stated = addStated(out[resp.out[k]].Stated, st)
						}
						resp.stated[b]++
					} else if resp != nil {
						// "tăng lần lượt 12% và 8%, đạt 3,1 tỷ USD và 2,4 tỷ
						// USD": the comparisons before the values, in order.
						resp.early = append(resp.early, st)
					} else if last >= 0 {
						out[last].Stated = addStated(out[last].Stated, st)
					} else {
						pending = addStated(pending, st)
					}
				default:
					if n.role == RoleCompare && !n.pct && changeErr == nil {
						if n.neg {
							changeErr = Fail(ErrNegative, "text", strings.TrimSpace(n.signWord+" "+text[n.a:n.b]))
						} else {
							changeErr = Fail(ErrUnplacedNumber, "number", text[n.a:n.b], "text", clip(strings.TrimSpace(text[c.a:c.b])))
						}
					}
					skip(n, n.role, "")
				}
				continue
			}
			if n.approx && n.rounded == "" {
				if firstAsk == nil {
					firstAsk = Fail(ErrApproximate, "text", clip(strings.TrimSpace(text[c.a:c.b])))
				}
				skip(n, RoleNoIndicator, "")
				continue
			}
			if last >= 0 && out[last].Quote == quoteOf(text, m, c) {
				if firstAsk == nil {
					firstAsk = Fail(ErrTwoValues, "text", clip(strings.TrimSpace(text[c.a:c.b])))
				}
				continue
			}
			for k := range periods {
				if pa := &periods[k]; !pa.basis && pa.b <= n.a {
					curPeriod = pa // periods carry on through a paragraph
				}
			}
			rep, err := r.figure(ind, n, c, m, curPeriod, curUnit, curStatus, text)
			if err != nil {
				return nil, nil, err
			}
			for _, st := range pending {
				rep.Stated = addStated(rep.Stated, st)
			}
			pending = nil
			if dangling != nil && dangling.ind != ind && dangling.ind.Kind == ind.Kind {
				if _, err := dangling.ind.ToAmount(n.q); err == nil {
					rep.altIndicator = dangling.ind.ID
					// The words name both: "xuất khẩu, nhập khẩu … 520 triệu USD".
					rep.Quote = strings.TrimSpace(strings.Trim(strings.TrimSpace(text[dangling.a:c.b]), ",;:.()[]"))
				}
			}
			dangling = nil
			for _, o := range out {
				if o.Indicator == rep.Indicator && o.Slot() == rep.Slot() {
					// Two values for one figure in one sentence: which?
					if firstAsk == nil {
						firstAsk = Fail(ErrTwoValues, "text", clip(strings.TrimSpace(text)))
					}
				}
			}
			out = append(out, rep)
			last = len(out) - 1
			if resp != nil && resp.next > len(resp.out) {
				resp.out = append(resp.out, last)
				seen := map[Basis]int{}
				for _, st := range resp.early {
					if seen[st.Basis] == len(resp.out)-1 {
						out[last].Stated = addStated(out[last].Stated, st)
					}
					seen[st.Basis]++
				}
			}
		}
	}
	if resp.short() && firstAsk == nil {
		firstAsk = Fail(ErrTwoValues, "text", clip(strings.TrimSpace(text)))
	}
	if firstAsk != nil {
		return nil, nil, firstAsk
	}
	if len(out) == 0 {
		if firstBlock != nil {
			return nil, nil, firstBlock
		}
		if changeErr != nil {
			return nil, nil, changeErr
		}
		// "Với mức tăng 11,70% trong 6 tháng qua, tốc độ tăng GRDP …"
		if rep, rest, ok, err := r.frontedValue(v, text, clauses, nums, periods, ments, skipped); ok || err != nil {
			if err != nil {
				return nil, nil, err
			}
			return []Report{rep}, rest, nil
		}
		for _, m := range ments {
			if m.ind != nil && m.blocked == "" {
				vi, en := r.examples(m.ind, Period{}, "")
				return nil, nil, Fail(ErrMissingValue, "indicator", m.ind.ID, "example", vi, "example_en", en)
			}
		}
		return nil, skipped, nil
	}
	if len(skipped) > maxSkipped {
		skipped = skipped[:maxSkipped]
	}
	return out, skipped, nil
}

// respGroup is the indicators of a "lần lượt" (respectively) sentence, the
// figures read for them so far, and the comparisons of each basis given.
type respGroup struct {
	ments  []*mention
	next   int
	out    []int
	stated map[Basis]int
	early  []Stated // comparisons said before the values
}

// short reports whether fewer values than indicators were given: "xuất
// khẩu và nhập khẩu lần lượt đạt 520 triệu USD" is asked, not guessed.
func (g *respGroup) short() bool { return g != nil && g.next < len(g.ments) }

// respectively reports whether s says "respectively".
func respectively(s string) bool {
	f := Fold(s)
	return strings.Contains(f, "lan luot") || strings.Contains(f, "respectively")
}

// addStated adds a comparison unless one on its basis is there already: the
// first is the one said of the figure ("nếu loại trừ yếu tố giá thì tăng
// 8,53%" comes after).
func addStated(sts []Stated, st Stated) []Stated {
	for _, o := range sts {
		if o.Basis == st.Basis {
			return sts
		}
	}
	return append(sts, st)
}

// sentencePct reports whether sentence n has a percentage that is not an aside.
func sentencePct(nums []numAt, clauses []clause, n int) bool {
	for _, x := range nums {
		if x.pct && x.role != RolePrior && x.role != RoleShare && clauseOf(clauses, x.a).sentence == n {
			return true
		}
	}
	return false
}

// sentenceScope returns the scope word of sentence n, or "". A clause that
// explains a figure said before it ("…, chủ yếu từ các mặt hàng nguyên
// liệu") and states no number of its own scopes nothing.
func sentenceScope(v *lineView, clauses []clause, nums []numAt, n int, own []phrase) string {
	all := v.toks(0, len(v.words))
	for ci, c := range clauses {
		if c.sentence != n {
			continue
		}
		if ci > 0 && clauses[ci-1].sentence == n && v.phraseAt(c.from, explainWords) > 0 && !numberIn(nums, c) {
			continue
		}
		// "Mặc dù chịu tác động … một số mặt hàng xuất khẩu …, chỉ số sản
		// xuất công nghiệp vẫn tăng 11,1%": a concession of no number
		// scopes nothing.
		if v.phraseAt(c.from, concessionWords) > 0 && !numberIn(nums, c) {
			continue
		}
		for i := c.from; i < c.to; i++ {
			if parenthesized(v.src, v.words[i].a) {
				continue // "(chiếm khoảng 7% KNXK cả nước)" is an aside
			}
			// "Cục Thống kê (Bộ Tài chính) công bố": the country's office.
			if k := v.phraseAt(i, nationalOffices); k > 0 && (i == 0 || v.phraseAt(i-1, wChi) == 0) && !officeCitesProvince(v, i, own) {
				return v.src[v.words[i].a:v.words[i+2].b]
			}
			// "được Cục Thống kê công bố": the office named by no place,
			// publishing, is the country's.
			if k := v.phraseAt(i, statOffice); k > 0 && (i == 0 || v.phraseAt(i-1, wChi) == 0) && i+k < len(all) && v.phraseAt(i+k, attributionAfter) > 0 {
				return v.src[v.words[i].a:v.words[i+k-1].b]
			}
			// "…, chiếm gần 22,4% kim ngạch xuất khẩu của cả nước": a share
			// of the country's is said of the figure before it.
			if shareClause(v, c, nums) || (ci > 0 && clauses[ci-1].sentence == n && !numberIn(nums, c) && shareClause(v, clauses[ci-1], nums)) {
				continue
			}
			if k := v.phraseAt(i, scopeWords); k > 0 && i+k <= len(all) {
				// "Cục Thống kê Long An" is the province's own office; "các
				// mặt hàng xuất khẩu" are all of them.
				if len(own) > 0 && i+k < len(all) && v.phraseAt(i+k, own) > 0 || allGoods(v, i, k) {
					continue
				}
				// "Theo số liệu công bố của Tổng cục Thống kê, … GRDP năm 2022
				// của Long An tăng 8,42%": the country's office as the source of
				// a figure the sentence says is the province's.
				if v.phraseAt(i, offices) > 0 && ownAfter(v, clauses, nums, n, i+k, own) {
					continue
				}
				// "đứng đầu vùng", "cao nhất khu vực": a ranking.
				ranking := false
				for back := 1; i-back >= c.from; back++ {
					ranking = ranking || (back <= 4 && v.phraseAt(i-back, rankingBefore) > 0) || (back == 1 && v.phraseAt(i-1, wDau) > 0) ||
						v.phraseAt(i-back, rankWords) > 0
				}
				// "xếp vị thứ 5/63 của cả nước và đầu vùng Bắc Trung bộ": a
				// clause of no number of its own after a rank ranks too.
				if ranking || (!valueIn(nums, c) && rankedBefore(v, clauses, n, i)) {
					continue
				}
				return v.src[v.words[i].a:v.words[i+k-1].b]
			}
			if k := v.phraseAt(i, nationWords); k > 0 {
				// "thứ 15/63 tỉnh, thành trong cả nước" ranks; "tỷ lệ hộ
				// dân có điện trong cả nước đạt 99,54%" is the country's: a
				// bare "trong", "trên", "chung" ranks only after a rank.
				ranking := false
				for back := 1; back <= 4 && i-back >= c.from; back++ {
					if v.phraseAt(i-back, rankingBefore) > 0 {
						ranking = ranking || v.phraseAt(i-back, weakRanking) == 0 || rankedBefore(v, clauses, n, i)
					}
				}
				// "xếp thứ 28/34 địa phương cả nước": after a rank, in a
				// clause with no value of its own.
				ranking = ranking || (!valueIn(nums, c) && rankedBefore(v, clauses, n, i))
				// "gấp 2,2 lần so mức bình quân chung cả nước", "cao hơn mức
				// bình quân chung của cả nước (4,24%)": the country's average
				// compared with, not the subject.
				for back := 1; back <= 5 && i-back >= c.from; back++ {
					if v.phraseAt(i-back, nationAverage) > 0 {
						// only after a comparison: "GRDP bình quân cả nước tăng
						// 7%" is the country's.
						for j := c.from; j < i-back; j++ {
							ranking = ranking || v.phraseAt(j, averageCompared) > 0
						}
					}
				}
				if ranking {
					continue
				}
				return v.src[v.words[i].a:v.words[i+k-1].b]
			}
		}
	}
	return ""
}

// totalTrade names exports and imports together, whose parts are the
// plan's two trade indicators.
var totalTrade = sortedPhrases("xuất nhập khẩu", "xuất, nhập khẩu", "xuất - nhập khẩu", "xnk", "total trade")

// partInBrackets reports whether mention k of the plan's indicators stands in
// brackets right after a total of trade: "xuất nhập khẩu 11,885 tỉ USD
// (xuất khẩu 7,247 tỉ USD; nhập khẩu 4,638 tỉ USD)".
func partInBrackets(v *lineView, ments []mention, k int) bool {
	m := &ments[k]
	if m.ind == nil || m.blocked != "" || m.ind.Kind != Cumulative || m.ind.Measure != USD {
		return false
	}
	open := strings.LastIndex(v.src[:m.a], "(")
	if open < 0 {
		return false
	}
	prevEnd := 0
	for j := k - 1; j >= 0; j-- {
		if ments[j].b <= open {
			if ments[j].blocked != "" && mentionHas(v, &ments[j], totalTrade) {
				return true
			}
			prevEnd = ments[j].b
			break
		}
	}
	// "kim ngạch ước đạt 9,575 tỷ USD (xuất khẩu ước 5,827 tỷ USD, …;
	// nhập khẩu ước 3,748 tỷ USD, …)": a bare turnover split into exports
	// and imports in the brackets after it is the total's parts too.
	end := len(v.src)
	if c := strings.Index(v.src[open:], ")"); c >= 0 {
		end = open + c
	}
	pair := 0
	for j := range ments {
		o := &ments[j]
		if o.a > open && o.b <= end && o.ind != nil && o.blocked == "" && o.ind.Kind == Cumulative && o.ind.Measure == USD && o.ind != m.ind {
			pair++
		}
	}
	return pair > 0 && strings.Contains(Fold(v.src[prevEnd:open]), "kim ngach")
}

// onlyJoined reports whether s only joins two names: "," "và" "hoặc" "/".
func onlyJoined(s string) bool {
	switch Fold(strings.Trim(s, " ,;/&+")) {
	case "", "va", "hoac", "and", "or", "cung", "hay":
		return true
	}
	return false
}

// mentionHas reports whether mention m holds one of phs.
func mentionHas(v *lineView, m *mention, phs []phrase) bool {
	for i := m.from; i < m.to; i++ {
		if v.phraseAt(i, phs) > 0 {
			return true
		}
	}
	return false
}

// explainWords open a clause that explains the figure before it: "…, chủ
// yếu từ các mặt hàng nguyên liệu", "…, nhờ xuất khẩu gạo tăng".
var explainWords = sortedPhrases("chủ yếu", "chủ yếu là", "chủ yếu do", "chủ yếu từ", "nhờ", "do", "nhất là",
	"đặc biệt là", "tập trung vào", "tập trung ở", "góp phần", "mainly", "mostly", "thanks to", "driven by")

// concessionWords open a clause that concedes before the figure: "mặc dù
// …, xuất khẩu vẫn đạt …".
var concessionWords = sortedPhrases("mặc dù", "dù", "tuy", "tuy nhiên", "bất chấp", "although", "despite")

// sideBefore before another province make it a comparison in a ranking:
// "(sau Thanh Hóa)", "chỉ sau TP.HCM".
var sideBefore = sortedPhrases("sau", "chỉ sau", "xếp sau", "đứng sau", "trước", "sau tỉnh", "sau thành phố", "behind", "after")

// rankBefore reports whether a rank word is written in sentence n before
// word i, and a side word right before the list that holds it.
func rankBefore(v *lineView, clauses []clause, n, i int) bool {
	sa, _ := sentenceSpan(clauses, n)
	rank := -1
	for j := v.wordIndex(sa); j < i; j++ {
		if v.phraseAt(j, rankWords) > 0 || v.phraseAt(j, sideRank) > 0 {
			rank = j
		}
	}
	if rank < 0 {
		return false
	}
	for j := rank; j < i; j++ {
		if v.phraseAt(j, sideBefore) > 0 || v.phraseAt(j, sideRank) > 0 {
			return true
		}
	}
	return false
}

// sideRank open a list of other places a figure is ranked against.
var sideRank = sortedPhrases("xếp trên", "xếp sau", "đứng sau", "đứng trên")

// valueIn reports whether clause c holds a number that may be a value or
// a comparison: not part of a name, not a count ("28/34 địa phương").
func valueIn(nums []numAt, c clause) bool {
	for _, x := range nums {
		if x.a >= c.a && x.b <= c.b && x.role != RoleName && x.role != RoleCount {
			return true
		}
	}
	return false
}

// numberIn reports whether clause c holds a number that is not part of a name.
func numberIn(nums []numAt, c clause) bool {
	for _, x := range nums {
		if x.a >= c.a && x.b <= c.b && x.role != RoleName {
			return true
		}
	}
	return false
}

// sidePlace reports whether another province pl is named beside a ranking,
// not as the subject of figures: after "sau" in brackets or in a sentence
// that ranks ("đứng thứ hai tiểu vùng Bắc Trung Bộ (sau Thanh Hóa)"), with
// no number after it in its clause.
func sidePlace(v *lineView, clauses []clause, nums []numAt, pl place) bool {
	c := clauseOf(clauses, pl.a)
	if v.phraseAt(c.from, concessionWords) > 0 && !numberIn(nums, c) {
		return true // "Mặc dù chịu tác động … của Hoa Kỳ …, …"
	}
	// "đứng thứ 4 khu vực … sau các tỉnh Hậu Giang, Trà Vinh, Cà Mau và
	// xếp trên các tỉnh Bạc Liêu, …": places listed after a rank, with no
	// number after them in the sentence, rank; "(sau Bắc Giang 13,45%,
	// Hậu Giang 12,27%)": in brackets opened by "sau" after a rank, their
	// own figures are asides.
	if rankBefore(v, clauses, c.sentence, pl.from) {
		if open := strings.LastIndexAny(v.src[:pl.a], "(["); parenthesized(v.src, pl.a) && open >= 0 {
			if w := v.wordIndex(open + 1); w < len(v.words) && v.phraseAt(w, sideBefore) > 0 {
				return true
			}
		}
		_, sb := sentenceSpan(clauses, c.sentence)
		if !numberIn(nums, clause{a: pl.b, b: sb}) {
			return true
		}
	}
	side := false
	for back := 1; back <= 2 && pl.from-back >= c.from; back++ {
		side = side || v.phraseAt(pl.from-back, sideBefore) == back
	}
	if !side || numberIn(nums, clause{a: pl.b, b: c.b}) {
		return false
	}
	if parenthesized(v.src, pl.a) {
		return true
	}
	for _, o := range clauses {
		if o.sentence == c.sentence && o.from < pl.from {
			for i := o.from; i < min(o.to, pl.from); i++ {
				if v.phraseAt(i, rankWords) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// indexWords name an index, which has no size in money.
var indexWords = sortedPhrases("chỉ số", "iip", "index")

// equivalentBefore a number make it the size of the share or change said
// before it, never a figure.
// equivalentSigned reports whether "tương đương giảm 0,65%" stands before
// word first: an equivalent, with its sign.
func equivalentSigned(v *lineView, all []token, first int) bool {
	for _, sg := range signBefore {
		s := first - len(sg.words)
		if s > 0 && matchFiller(all, s, sg) {
			for _, eq := range equivalentBefore {
				if e := s - len(eq.words); e >= 0 && matchFiller(all, e, eq) {
					return true
				}
			}
		}
	}
	return false
}

var equivalentBefore = sortedPhrases("tương đương", "tương ứng", "tương ứng với", "tương đương với", "equivalent to", "equal to")

// nationalOffices name the country's statistics office as the source
// (since 2025 "Cục Thống kê", of the Ministry of Finance; a province's is
// "Chi cục Thống kê" or names its province).
var nationalOffices = sortedPhrases("cục thống kê bộ tài chính")

var wChi = sortedPhrases("chi")

// offices are the country's offices, sources of figures of every province.
var offices = sortedPhrases("tổng cục thống kê", "tổng cục hải quan", "cục hải quan")

// ownAfter reports whether sentence n names the plan's province after word
// i and before the first number that may be a value: the figure is the
// province's ("… GRDP năm 2022 của Long An tăng 8,42%"), not the country's
// with the province ranked after it.
func ownAfter(v *lineView, clauses []clause, nums []numAt, n, i int, own []phrase) bool {
	if len(own) == 0 || i >= len(v.words) {
		return false
	}
	_, sb := sentenceSpan(clauses, n)
	end := sb
	for _, x := range nums {
		if x.a >= v.words[i].a && x.b <= sb && x.role != RoleName && x.role != RoleCount {
			end = x.a
			break
		}
	}
	for j := i; j < len(v.words) && v.words[j].b <= end; j++ {
		if v.phraseAt(j, own) > 0 {
			return true
		}
	}
	return false
}

// statOffice is a statistics office; with no place after it, the country's.
var statOffice = sortedPhrases("cục thống kê")

// shareClause reports whether clause c states only shares ("chiếm gần
// 22,4% kim ngạch xuất khẩu của cả nước").
func shareClause(v *lineView, c clause, nums []numAt) bool {
	has := false
	for _, x := range nums {
		if x.a >= c.a && x.b <= c.b && x.role != RoleName {
			if x.role != RoleShare {
				return false
			}
			has = true
		}
	}
	return has
}

// weakRanking are the words of rankingBefore that say nothing of a rank
// by themselves.
// nationAverage before the country name its average, a basis of comparison.
// averageCompared compare with an average: "gấp 2,2 lần so mức bình quân".
var averageCompared = sortedPhrases("so", "so với", "gấp", "cao hơn", "thấp hơn", "hơn", "vượt", "compared with", "above", "below")

var nationAverage = sortedPhrases("mức bình quân", "bình quân chung", "mức trung bình", "trung bình chung", "trung bình")

var weakRanking = sortedPhrases("trong", "trên", "chung", "in", "bình quân")

// rankMarks say a sentence ranks: "thứ 15/63", "cao nhất", "top 5".
var rankMarks = append(sortedPhrases("thứ", "nhất", "top", "vị trí", "hạng"), rankWords...)

// rankedBefore reports whether sentence n ranks before word i.
func rankedBefore(v *lineView, clauses []clause, n, i int) bool {
	for _, c := range clauses {
		if c.sentence != n {
			continue
		}
		for j := c.from; j < c.to && j < i; j++ {
			if v.phraseAt(j, rankMarks) > 0 {
				return true
			}
		}
	}
	return false
}

// hasMention reports whether sentence n names a subject of its own.
func hasMention(ments []mention, clauses []clause, n int) bool {
	for _, m := range ments {
		if clauseOf(clauses, m.a).sentence == n {
			return true
		}
	}
	return false
}

// prevBlocked reports whether the last mention before clause c in its
// sentence names something that is not an indicator (a total of which c
// is a part: "Tổng kim ngạch xuất nhập khẩu …, trong đó xuất khẩu …").
func prevBlocked(ments []mention, c clause) bool {
	var last *mention
	for k := range ments {
		m := &ments[k]
		if m.b <= c.a {
			last = m // the total may be the sentence before: "… xuất siêu 10,73 tỷ USD. Trong đó, …"
		}
	}
	return last != nil && last.blocked != ""
}

// ownPeriod reports whether clause c writes a period that is not a basis.
func ownPeriod(periods []periodAt, c clause) bool {
	for _, pa := range periods {
		if !pa.basis && pa.a >= c.a && pa.b <= c.b {
			return true
		}
	}
	return false
}

// mentionIn reports whether clause c names a subject.
func mentionIn(ments []mention, c clause) bool {
	for _, m := range ments {
		if m.from >= c.from && m.to <= c.to {
			return true
		}
	}
	return false
}

// mentionAt reports whether clause c begins with a mention.
func mentionAt(ments []mention, c clause) bool {
	for _, m := range ments {
		if m.from >= c.from && m.from <= c.from+2 && m.to <= c.to {
			return true
		}
	}
	return false
}

// wholeAfterBreak reports whether the first words after "Trong đó" at the
// start of what was pasted name a plan's indicator whole, with only words
// of value between ("Trong đó, giá trị xuất khẩu ước đạt …").
func wholeAfterBreak(v *lineView, ments []mention, clauses []clause, c clause) bool {
	i := c.from + v.phraseAt(c.from, breakdownWords)
	for _, m := range ments {
		if m.from < i || m.ind == nil || m.blocked != "" || clauseOf(clauses, v.words[m.from].a).sentence != c.sentence {
			continue
		}
		for i < m.from {
			n := v.phraseAt(i, valueFillers)
			if n == 0 {
				return false
			}
			i += n
		}
		return true
	}
	return false
}

// valueFillers stand between "Trong đó" and an indicator and narrow nothing.
var valueFillers = sortedPhrases("giá trị", "trị giá", "kim ngạch", "tổng", "tổng kim ngạch")

// periodAtWord reports whether a period begins at word i (or right after a
// "trong"/"tính chung" opening).
func periodAtWord(v *lineView, periods []periodAt, i int) bool {
	for _, pa := range periods {
		if w := v.wordIndex(pa.a); w >= i && w <= i+2 {
			return true
		}
	}
	return false
}

func overlapsPeriod(ps []periodAt, a, b int) bool {
	for _, p := range ps {
		if a < p.b && p.a < b {
			return true
		}
	}
	return false
}

// afterCungKy reports whether period pa follows "cùng kỳ": "cùng kỳ năm
// 2021" is the same (unstated) period of 2021, not the year 2021.
func afterCungKy(v *lineView, pa periodAt) bool {
	i := v.wordIndex(pa.a)
	return i >= 2 && v.phraseAt(i-2, wCungKy) > 0
}

// cutOffDate reports whether date d closes a span of time ("đến ngày
// 15/9", "tính đến 15/9", "ngày 15/9"), not a fraction ("thứ 3/6").
func cutOffDate(text string, d dateFound) bool {
	before := strings.Fields(Fold(text[:d.start]))
	if len(before) == 0 {
		return false
	}
	switch before[len(before)-1] {
	case "ngay", "den", "het", "toi", "from", "to", "until":
		return true
	}
	return false
}

// sentenceSpan returns the source bytes of sentence n.
func sentenceSpan(clauses []clause, n int) (a, b int) {
	a, b = -1, -1
	for _, c := range clauses {
		if c.sentence == n {
			if a < 0 {
				a = c.a
			}
			b = c.b
		}
	}
	return a, b
}

// sentencePeriod returns the first period of sentence n that is not the
// basis of a comparison, or nil.
// The parts of a sentence joined by ";" are one sentence here: "xuất khẩu
// ước đạt 8,46 tỷ USD; nhập khẩu tháng 9 ước đạt 8,6 tỷ USD"; a part that
// goes on with a period of its own ("…; lũy kế 10 tháng …") keeps it.
func sentencePeriod(v *lineView, clauses []clause, n int, periods []periodAt) *periodAt {
	text := v.src
	a, b := -1, -1
	for _, c := range clauses {
		if c.sentence == n || (c.sentence == n+1 && b > 0 && c.a >= b && strings.TrimSpace(text[b:c.a]) == "" && strings.HasSuffix(strings.TrimSpace(text[:b]), ";") &&
			v.phraseAt(c.from, continuations) == 0) {
			if a < 0 {
				a = c.a
			}
			b = c.b
			n = c.sentence
		}
	}
	all := v.toks(0, len(v.words))
	for k := range periods {
		if pa := &periods[k]; pa.a >= a && pa.b <= b && !pa.basis && !ownCumulative(v, all, pa) {
			return pa
		}
	}
	return nil
}

// ownCumulative reports whether a continuation word ("lũy kế", "tính
// chung") stands right before period pa: the period of its own clause's
// figure, not of the figures before it ("xuất khẩu ước đạt 520 triệu USD;
// nhập khẩu lũy kế 10 tháng …").
func ownCumulative(v *lineView, all []token, pa *periodAt) bool {
	i := v.wordIndex(pa.a)
	if i < len(all) && v.phraseAt(i, continuations) > 0 {
		return true // the period's own words: "lũy kế 10 tháng"
	}
	for _, ph := range continuations {
		if s := i - len(ph.words); s >= 0 && matchFiller(all, s, ph) {
			return true
		}
	}
	return false
}

// blockError is the refusal of a value whose subject is not an indicator.
func (r *updateReader) blockError(m *mention, text string, c clause) error {
	switch m.blocked {
	case RolePlace:
		return Fail(ErrNotPlanUnit, "place", m.what)
	case RoleForecast:
		return Fail(ErrForecast, "text", clip(strings.TrimSpace(text[c.a:c.b])))
	}
	return Fail(ErrNotIndicator, "phrase", m.what, "text", clip(strings.TrimSpace(text[c.a:c.b])))
}

// quoteOf is the text a figure of subject in clause c was read from: the
// clause, with the mention before it when the subject was carried.
func quoteOf(text string, m *mention, c clause) string {
	body := strings.Trim(strings.TrimSpace(text[c.a:c.b]), ",;:.()[]")
	body = strings.TrimSpace(body)
	if m.a >= c.a && m.b <= c.b {
		return body
	}
	name := text[m.a:m.b]
	if strings.Count(name, "(") > strings.Count(name, ")") {
		name += ")" // "Chỉ số sản xuất công nghiệp (IIP)": the name ends in its bracket
	}
	return name + " … " + body
}

// isValue reports whether number n of clause c is the value of a figure of ind.
func (r *updateReader) isValue(ind *Indicator, n *numAt, c clause, nums []numAt, hasFigure, pctInSentence bool) bool {
	if n.role == "" {
		// A percentage's sentence may also give its size in money ("GRDP
		// ước đạt 53.500 tỷ đồng, tăng 6%"): that is not the rate.
		if (ind.Kind == Rate || ind.Kind == Level) && !n.pct && (n.q.Measure != "" || n.q.Scale != One) && pctInSentence {
			n.role = RoleCount
			return false
		}
		// Whatever its unit: a wrong one is refused by ToAmount, saying so.
		return true
	}
	switch ind.Kind {
	case Rate:
		basis := SamePeriod
		if ind.Basis == string(PrevPeriod) {
			basis = PrevPeriod
		}
		if n.basis == basis && !hasFigure {
			return true
		}
		if n.role == RoleCompare {
			// "IIP tăng 7%": the value, unless the clause states the
			// basis of another number (then this one is unclear).
			for k := range nums {
				o := &nums[k]
				if o != n && o.a >= c.a && o.b <= c.b && o.basis != "" {
					return false
				}
			}
			return true
		}
	}
	return false
}

// pctAmount is a comparison's percent as an Amount, negative for a decrease.
func pctAmount(n *numAt) Amount {
	if n.q.Value == nil {
		return 0
	}
	a, err := AmountFromRat(n.q.Value)
	if err != nil {
		return 0
	}
	if n.neg {
		a = -a
	}
	if n.over && n.basis == OfPlan {
		a += 100 * AmountScale // "vượt 29% kế hoạch" is 129% of the plan
	}
	return a
}

// figure makes the Report of value n of ind, read in clause c.
func (r *updateReader) figure(ind *Indicator, n *numAt, c clause, m *mention, per *periodAt, pl *place, st Status, text string) (Report, error) {
	if n.err != nil {
		return Report{}, n.err
	}
	var p Period
	switch {
	case per != nil && per.err != nil:
		return Report{}, per.err
	case per != nil:
		p = per.p
	case r.headPeriod.Valid():
		p = r.headPeriod
	case r.basisPer.Valid():
		// "tăng 29,9% so với 6 tháng đầu năm 2021": the same months of the
		// plan year.
		p = r.basisPer
	default:
		var ok bool
		if r.prose {
			// A typed "xuất khẩu: 520 triệu USD" is for the last month; a
			// sentence of a report that names no period is not guessed at:
			// its figures are read and the period is asked for, with the
			// likely ones to choose from.
			// "đến ngày 15/9": a date is a period the plan cannot hold.
			vi, en := r.examples(ind, Period{}, "")
			perr := Fail(ErrPeriodNotStated, "indicator", ind.ID, "text", clip(strings.TrimSpace(text[c.a:c.b])), "example", vi, "example_en", en)
			if r.dated || len(LikelyPeriods(r.o.Now, r.p.Year)) == 0 {
				return Report{}, perr
			}
			r.noPeriod = append(r.noPeriod, perr)
			break
		}
		if p, ok = DefaultMonth(r.o.Now, r.p.Year); !ok {
			vi, en := r.examples(ind, Period{}, "")
			return Report{}, Fail(ErrNeedPeriod, "indicator", ind.ID, "example", vi, "example_en", en)
		}
	}
	if !p.IsZero() && p.End(r.loc).After(r.monthStart) {
		last, _ := LastFinishedMonth(r.o.Now, r.p.Year)
		return Report{}, Fail(ErrFuturePeriod, "period", p.Label(r.o.Lang), "last", last.Label(r.o.Lang))
	}
	u, err := r.unitOf(ind, pl, p)
	if err != nil {
		return Report{}, err
	}
	q := n.q
	a, err := ind.ToAmount(q)
	if err != nil {
		return Report{}, err
	}
	if n.neg {
		if ind.Kind != Rate {
			return Report{}, Fail(ErrNegative, "text", strings.TrimSpace(n.signWord+" "+text[n.a:n.b]))
		}
		a = -a
	}
	var other Amount
	if q.Other != nil && r.o.Lang == "en" {
		// "2.150" in English with no word of either language: 2.15 or
		// 2150. Both are offered when both fit the indicator.
		oq := q
		oq.Value, oq.Other = q.Other, nil
		if oa, err := ind.ToAmount(oq); err == nil {
			if n.neg {
				oa = -oa
			}
			other = oa
		}
	}
	return Report{altValue: other, Indicator: ind.ID, Unit: u.ID, Period: p, Value: a, Status: st, Approx: n.rounded, Quote: quoteOf(text, m, c)}, nil
}

// unitOf resolves the unit of a figure: the one named (pl), else the
// header's, else the reporter's own, else the department for its
// indicators. A header naming the department ("Kính gửi Sở Công Thương")
// addresses it; it does not make the department the reporter of the
// districts' figures; the department's own staff name the district.
func (r *updateReader) unitOf(ind *Indicator, pl *place, per Period) (*Unit, error) {
	var named *Unit
	if pl != nil {
		named = pl.unit
	} else if named = r.headUnit; named != nil && named.ID == r.p.Department.ID && ind.Reporters != ByDepartment {
		named = nil
	}
	if named != nil {
		if !r.reports(named, ind) {
			return nil, Fail(ErrNotReportedByUnit, "indicator", ind.ID, "unit", named.Short, "reporters", ind.Reporters)
		}
		return named, nil
	}
	if ind.Reporters == ByDepartment {
		return &r.p.Department, nil
	}
	if r.o.Unit != nil && r.reports(r.o.Unit, ind) {
		return r.o.Unit, nil
	}
	vi, en := r.examples(ind, per, r.p.Units[0].Short)
	return nil, Fail(ErrNeedUnitName, "indicator", ind.ID, "example", vi, "example_en", en)
}

// mentions finds the subjects a line names, left to right: indicators of
// the plan (exact, or with a typo in a short line), and the phrases that
// look like one but are not (total trade, another indicator's part).
func (r *updateReader) mentions(v *lineView) []mention {
	all := v.toks(0, len(v.words))
	used := make([]bool, len(all))
	var out []mention
	fuzzyOK := len(all) <= 10
	for len(out) < maxMentions {
		im, ok := r.p.matchIndicator(all, func(i int) bool { return used[i] })
		if !ok || (!im.Exact && !fuzzyOK) {
			break
		}
		from, to := -1, -1
		for i, t := range all {
			if t.start >= im.Start && t.end <= im.End {
				if from < 0 {
					from = i
				}
				to = i + 1
			}
		}
		if from < 0 {
			break
		}
		for k := from; k < to; k++ {
			used[k] = true
		}
		m := mention{ind: im.Indicator, from: from, to: to, a: v.words[from].a, b: v.words[to-1].b}
		for _, g := range growthWords {
			if matchFiller(all, from, g) && len(g.words) == to-from {
				m.viaGrowth = true
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	// Phrases that hold an indicator's words but name something else.
	block := func(from, to int, role Role) {
		what := v.src[v.words[from].a:v.words[to-1].b]
		for k := range out {
			m := &out[k]
			if m.from < to && from < m.to && (from < m.from || to > m.to) {
				m.blocked, m.what = role, what
				if from < m.from {
					m.from, m.a = from, v.words[from].a
				}
				if to > m.to {
					m.to, m.b = to, v.words[to-1].b
				}
				return
			}
			if m.from <= from && to <= m.to {
				return // inside a longer name of an indicator
			}
		}
		out = append(out, mention{from: from, to: to, a: v.words[from].a, b: v.words[to-1].b, blocked: role, what: what})
	}
	for i := range all {
		for _, ph := range notSubjects {
			if matchFiller(all, i, ph) {
				block(i, i+len(ph.words), RoleNotIndicator)
				break
			}
		}
		// "GDP cả nước tăng 7,52%": the country's product, refused by its
		// name, with the country's when it follows.
		if k := v.phraseAt(i, countryProduct); k > 0 {
			if i+k < len(all) {
				k += v.phraseAt(i+k, nationWords)
			}
			block(i, i+k, RoleNotIndicator)
		}
		for n := range r.p.Indicators {
			for _, ph := range r.p.Indicators[n].exc {
				if matchFiller(all, i, ph) {
					block(i, i+len(ph.words), RoleNotIndicator)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	// "xuất khẩu tăng trưởng 12%": growth after an indicator is its verb.
	kept := out[:0]
	for k, m := range out {
		if m.viaGrowth && k > 0 && out[k-1].ind != nil {
			continue
		}
		kept = append(kept, m)
	}
	out = kept
	// A part of an indicator: "xuất khẩu thủy sản", "nhập khẩu từ Trung Quốc".
	for k := range out {
		m := &out[k]
		if m.blocked != "" || m.ind == nil || m.to >= len(all) {
			continue
		}
		// "GRDP bình quân đầu người": a rate per person is not the rate.
		if m.ind.Kind != Cumulative {
			if n := v.phraseAt(m.to, perCapita); n > 0 {
				m.blocked, m.what = RoleNotIndicator, v.src[m.a:v.words[m.to+n-1].b]
			}
			continue
		}
		// "xuất khẩu hàng hóa và doanh thu dịch vụ", "… và doanh thu ngoại
		// tệ": goods with services, a wider figure than the plan's goods.
		if m.ind.Measure == USD {
			at := m.to
			if n := v.phraseAt(at, goodsWords); n > 0 {
				at += n
			}
			if n := v.phraseAt(at, withServices); n > 0 && at < len(all) {
				m.blocked, m.what = RoleNotIndicator, v.src[m.a:v.words[at+n-1].b]
				continue
			}
		}
		if v.phraseAt(m.to, notNarrowers) > 0 {
			continue
		}
		if n := v.phraseAt(m.to, narrowers); n > 0 {
			end := min(m.to+n+2, len(all))
			m.blocked, m.what = RoleNotIndicator, v.src[m.a:v.words[end-1].b]
		}
	}
	out = r.notTheSubject(v, out)
	// Ignore mentions nested in others after the blocks grew.
	kept = out[:0]
	for k, m := range out {
		if k > 0 && m.from < kept[len(kept)-1].to {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// places finds the units of the plan and the other provinces a line names,
// leaving out the words of mentions and attributions ("Theo Sở Công
// Thương", "UBND huyện Bến Lức cho biết").
func (r *updateReader) places(v *lineView, ments []mention) []place {
	all := v.toks(0, len(v.words))
	used := make([]bool, len(all))
	for _, m := range ments {
		for k := m.from; k < m.to; k++ {
			used[k] = true
		}
	}
	for i := range all {
		for _, ph := range notUnits {
			if matchFiller(all, i, ph) {
				for k := i; k < i+len(ph.words); k++ {
					used[k] = true
				}
			}
		}
	}
	var out []place
	for {
		u, from, to, ok := r.p.matchUnit(all, func(i int) bool { return used[i] })
		if !ok {
			break
		}
		for k := from; k < to; k++ {
			used[k] = true
		}
		if v.attribution(from, to) {
			continue
		}
		out = append(out, place{unit: u, name: v.src[v.words[from].a:v.words[to-1].b], from: from, to: to, a: v.words[from].a, b: v.words[to-1].b})
	}
	for i := range all {
		if used[i] {
			continue
		}
		if n := r.p.otherPlace(all, i); n > 0 {
			free := true
			for k := i; k < i+n; k++ {
				free = free && !used[k]
			}
			// "Theo Cục Thống kê Kiên Giang": another province's office
			// reports that province; attribution does not make it ours.
			if !free {
				continue
			}
			for k := i; k < i+n; k++ {
				used[k] = true
			}
			out = append(out, place{name: v.src[v.words[i].a:v.words[i+n-1].b], from: i, to: i + n, a: v.words[i].a, b: v.words[i+n-1].b})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	return out
}

// attribution reports whether words [from, to) are the source of the
// sentence rather than its subject.
func (v *lineView) attribution(from, to int) bool {
	all := v.toks(0, len(v.words))
	for _, ph := range attributionBefore {
		for back := 1; back <= 4 && from-back >= 0; back++ {
			if len(ph.words) <= back && matchFiller(all, from-back, ph) {
				return true
			}
		}
	}
	for _, ph := range attributionAfter {
		for gap := 0; gap <= 4; gap++ {
			if matchFiller(all, to+gap, ph) {
				return true
			}
		}
	}
	return false
}

// numbers finds the numbers of a line that are not periods or dates, and
// marks those that are parts of names.
func (r *updateReader) numbers(v *lineView, text string, periods []periodAt, dates []dateFound) []numAt {
	names := nameSpans(v)
	inside := func(a, b int) bool {
		for _, p := range periods {
			if a < p.b && p.a < b {
				return true
			}
		}
		for _, d := range dates {
			if a < d.end && d.start < b {
				return true
			}
		}
		return false
	}
	var out []numAt
	for _, q := range scanQuantities(text, r.o.Lang, 0) {
		if inside(q.a, q.b) {
			continue
		}
		n := numAt{q: q.q, a: q.a, b: q.b, err: q.err}
		if q.err != nil {
			var e *Error
			if errors.As(q.err, &e) && e.ID == ErrNegative {
				// "-2%": a decrease, the sign read apart.
				if q2, err := ParseQuantity(dropSign(e.Data["text"]), r.o.Lang); err == nil {
					n.q, n.err, n.neg = q2, nil, true
				}
			}
		}
		n.pct = n.q.Measure == Percent
		if n.q.Measure == "" && n.q.Scale == One && n.q.Value != nil && n.q.Value.IsInt() {
			if y := n.q.Value.Num().Int64(); y >= 1990 && y <= 2100 && !strings.ContainsAny(text[n.a:n.b], ".,") {
				n.role = RoleName // a year: "so với 2021", "tầm nhìn 2030"
			}
		}
		for _, nm := range names {
			if n.a >= nm[0] && n.b <= nm[1] || (n.a < nm[1] && nm[0] < n.b && n.q.Measure == "") {
				n.role = RoleName
			}
		}
		out = append(out, n)
	}
	return out
}

// nameSpans returns the source spans of the names with numbers in them.
func nameSpans(v *lineView) [][2]int {
	var names [][2]int
	for _, m := range nameRE.FindAllStringIndex(v.f.s, -1) {
		a, b := v.f.span(m[0], m[1])
		names = append(names, [2]int{a, b})
	}
	return names
}

func overlaps(spans [][2]int, a, b int) bool {
	for _, s := range spans {
		if a < s[1] && s[0] < b {
			return true
		}
	}
	return false
}

// roles gives every number that is not a name its role from the words
// around it, and marks the periods that are the basis of a comparison.
func (r *updateReader) roles(v *lineView, nums []numAt, periods []periodAt, clauses []clause) {
	all := v.toks(0, len(v.words))
	for k := range periods {
		pa := &periods[k]
		i := v.wordIndex(pa.a)
		for _, ph := range [][]phrase{samePeriodAfter, prevPeriodAfter, basisWords} {
			for _, x := range ph {
				s := i - len(x.words)
				if s >= 0 && matchFiller(all, s, x) && strings.TrimSpace(v.src[v.words[i-1].b:pa.a]) == "" {
					pa.basis = true
				}
			}
		}
	}
	for k := range nums {
		n := &nums[k]
		if n.role != "" || n.err != nil {
			continue
		}
		after := v.wordIndex(n.b)
		first := v.wordIndex(n.a)
		before := func(phs []phrase) bool {
			for _, ph := range phs {
				s := first - len(ph.words)
				if s >= 0 && matchFiller(all, s, ph) {
					return true
				}
			}
			return false
		}
		at := func(i int, phs []phrase) int {
			if i >= len(all) {
				return 0
			}
			return v.phraseAt(i, phs)
		}
		inClause := func(phs []phrase) bool {
			if first >= len(all) {
				return false
			}
			c := clauseOf(clauses, n.a)
			for i := c.from; i < first; i++ {
				if matchesAny(all, i, phs) {
					return true
				}
			}
			return false
		}
		if before(approxWords) || strings.HasSuffix(strings.TrimSpace(v.src[:n.a]), "~") || strings.HasSuffix(strings.TrimSpace(v.src[:n.a]), "≈") {
			n.approx = true
			for _, ph := range roundedWords {
				if s := first - len(ph.words); s >= 0 && matchFiller(all, s, ph) && v.phraseAt(s, approxWords) == len(ph.words) {
					n.rounded = v.src[v.words[s].a:v.words[first-1].b]
					break
				}
			}
		}
		// A range is never read, even after a rounding word: "7,5–8%", "6,5 - 7%".
		if n.b < len(v.src) {
			rest := strings.TrimLeft(v.src[n.b:], " ")
			if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "đến") {
				if t := strings.TrimLeft(strings.TrimLeft(strings.TrimLeft(rest, "-–"), "đến"), " "); t != "" && t[0] >= '0' && t[0] <= '9' {
					n.approx, n.rounded = true, ""
				}
			}
		}
		if n.a > 0 {
			head := strings.TrimRight(v.src[:n.a], " ")
			if strings.HasSuffix(head, "-") || strings.HasSuffix(head, "–") || strings.HasSuffix(head, " đến") || strings.HasSuffix(head, " tới") {
				h := strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(strings.TrimRight(strings.TrimRight(head, "-"), "–"), " đến"), " tới"), " ")
				if h != "" && h[len(h)-1] >= '0' && h[len(h)-1] <= '9' {
					n.approx, n.rounded = true, ""
				}
			}
		}
		if role := notAFigure(v, n, first, after); role != "" {
			n.role = role // "bằng 99,7% so cùng kỳ", "96% tiến độ", "đặt ra là 10,4%"
			continue
		}
		switch {
		case inClause(shareBefore):
			n.role = RoleShare
			continue
		case before(equivalentBefore) || equivalentSigned(v, all, first):
			n.role = RoleEquivalent // "chiếm 55,56%, tương đương 72,5 triệu USD"
			continue
		case !n.pct && isMoney(n.q.Measure) && (averageInSentence(v, clauses, n.a) || at(after, perPeriodAfter) > 0 ||
			strings.HasPrefix(strings.TrimLeft(v.src[n.b:], " "), "/")):
			// "bình quân mỗi tháng đạt 500 triệu USD", "500 triệu USD/tháng":
			// an average, never the period's amount.
			n.role = RoleAverage
			continue
		case inClause(realGrowth):
			n.role = RoleCompare // "nếu loại trừ yếu tố giá thì mức tăng đạt 8,7%"
			continue
		case before(ratioBefore) || at(after, ratioAfter) > 0:
			n.role = RoleRatio
			continue
		case parenthesized(v.src, n.a) && !before(signBefore) && at(after, samePeriodAfter) == 0 && at(after, prevPeriodAfter) == 0 && at(after, planAfter) == 0 && !before(wDatBang),
			parenthesized(v.src, n.a) && strings.Contains(Fold(v.src[max(strings.LastIndexAny(v.src[:n.a], "(["), strings.LastIndex(v.src[:n.a], ";")):n.a]), "cung ky"),
			// "(bình quân 3 năm 2020-2022 tăng trưởng 9,91%)": an average of
			// years, an aside.
			parenthesized(v.src, n.a) && strings.HasPrefix(strings.TrimLeft(Fold(v.src[strings.LastIndexAny(v.src[:n.a], "(["):n.a]), "([ "), "binh quan"),
			before(priorBefore), at(after, priorAfter) > 0 && strings.TrimSpace(v.src[n.b:v.words[after].a]) == "":
			// "(6,06%)", "(cùng kỳ năm 2021 đạt 6,06%)": an aside, last year's
			// figure; "(tăng 15,7%)" stays a comparison.
			n.role = RolePrior
			continue
		}
		if at(after, samePeriodAfter) == 0 && at(after, prevPeriodAfter) == 0 && at(after, planAfter) == 0 {
			if b, ok := basisBefore(v, all, first); ok {
				n.role, n.basis = Role(b), b
				continue
			}
		}
		sign := first > 0 && before(signBefore)
		for _, d := range decreasePhrases {
			if s := first - len(d.words); s >= 0 && matchFiller(all, s, d) {
				n.neg, n.signWord = true, v.src[v.words[s].a:v.words[first-1].b]
			}
		}
		if sign && !n.pct && n.q.Measure != "" && at(after, wUpTo) == 0 && !before(wRoseTo) {
			n.role = RoleCompare // "tăng 6,3 ngàn tỷ đồng": a change, not the figure
			continue
		}
		if n.pct || sign {
			if b, tail, ok := basisPeriod(v, all, after, periods, r.p.Year); ok {
				n.role, n.basis, n.tail = Role(b), b, tail
				if b == otherBase {
					n.role, n.basis = RoleOtherBase, ""
				}
				continue
			}
			switch {
			case at(after, samePeriodAfter) > 0:
				n.role, n.basis, n.tail = RoleSamePeriod, SamePeriod, at(after, samePeriodAfter)
			case at(after, prevPeriodAfter) > 0:
				n.role, n.basis, n.tail = RolePrevPeriod, PrevPeriod, at(after, prevPeriodAfter)
			case at(after, planAfter) > 0:
				n.role, n.basis, n.tail = RolePlan, OfPlan, at(after, planAfter)+1 // "kế hoạch năm"
				n.over = before(wOver)
			case at(after, wSoVoi) > 0 && at(after+2, planAfter) > 0:
				n.role, n.basis, n.tail = RolePlan, OfPlan, 2+at(after+2, planAfter)+1
				n.over = before(wOver)
			case n.pct && at(after, countAfter) > 0 && all[after].marks != "":
				n.role = RoleCount
			case sign && n.pct:
				n.role = RoleCompare
			case at(after, wSo) > 0:
				n.role = RoleCompare
			}
			if n.role != "" {
				continue
			}
		}
		// "tăng 12% và 8%": a rate joined to a comparison is one too.
		if prev := k - 1; prev >= 0 && n.pct && !n.approx && before(wAnd) && nums[prev].pct && nums[prev].role == RoleCompare &&
			v.wordIndex(nums[prev].b) == first-1 {
			n.role, n.basis, n.neg = nums[prev].role, nums[prev].basis, nums[prev].neg
			continue
		}
		if after < len(all) && at(after, wOrMore) > 0 {
			n.approx, n.rounded = true, ""
		}
		// "396.840/397.137 hộ", "27/27 huyện": a fraction of things.
		if rest := strings.TrimLeft(v.src[n.b:], " "); strings.HasPrefix(rest, "/") {
			n.role = RoleCount
			continue
		}
		if h := strings.TrimRight(v.src[:n.a], " "); strings.HasSuffix(h, "/") {
			n.role = RoleCount
			continue
		}
		// "2,939 triệu tấn gạo", "5.000 lao động": a quantity of things.
		if at(after, thingWords) > 0 && v.words[after].a-n.b <= 2 {
			n.role = RoleCount
			continue
		}
		// "61 địa phương", "3 doanh nghiệp": a count of other things.
		if n.q.Measure == "" && n.q.Scale == One && after < len(all) && all[after].kind == 'w' &&
			v.words[after].a-n.b <= 1 && !startsWithDigit(all[after].text) && v.phraseAt(after, statusAndFillers) == 0 {
			n.role = RoleCount
		}
	}
}

// averageWords make an amount after them in the sentence an average.
var averageWords = sortedPhrases("bình quân", "trung bình", "mỗi tháng", "hàng tháng", "on average", "an average", "per month")

// perPeriodAfter after an amount make it an amount per period.
var perPeriodAfter = sortedPhrases("mỗi tháng", "một tháng", "mỗi năm", "mỗi quý", "per month", "a month")

// averageInSentence reports whether an average word stands before byte a in
// its sentence.
func averageInSentence(v *lineView, clauses []clause, a int) bool {
	sa, _ := sentenceSpan(clauses, clauseOf(clauses, a).sentence)
	for i := v.wordIndex(sa); i < len(v.words) && v.words[i].b <= a; i++ {
		if v.phraseAt(i, averageWords) > 0 {
			return true
		}
	}
	return false
}

// basisBefore before a period make it the basis of a comparison: "so với
// tháng 10", "so với cùng kỳ năm 2021".
var basisWords = sortedPhrases("so với", "so", "với", "than", "from", "cùng kỳ", "kế hoạch", "kh", "kế hoạch cả năm",
	"hơn", "nhiều hơn", "ít hơn", "cao hơn", "thấp hơn")

// basisBefore reads a basis written before its number: "so tháng trước
// tăng 3,86%", "so cùng kỳ tăng 32,56%", "so kế hoạch năm đạt 37,62%".
func basisBefore(v *lineView, all []token, first int) (Basis, bool) {
	verbs := wVerbs
	for _, b := range []struct {
		phs   []phrase
		basis Basis
	}{{samePeriodAfter, SamePeriod}, {prevPeriodAfter, PrevPeriod}, {wSoPlan, OfPlan}} {
		for _, ph := range b.phs {
			if ph.words[0] != "so" {
				continue
			}
			for _, vb := range verbs {
				s := first - len(vb.words) - len(ph.words)
				if s >= 0 && matchFiller(all, s, ph) && matchFiller(all, first-len(vb.words), vb) &&
					!strings.ContainsAny(v.src[v.words[s].a:v.words[first].a], ",;()") {
					return b.basis, true
				}
			}
		}
	}
	return "", false
}

// realGrowth before a number in its clause make it growth without price
// changes: a comparison, never the figure.
var realGrowth = sortedPhrases("loại trừ yếu tố giá", "loại trừ yếu tố tăng giá", "excluding price")

// Small word tables of the role rules, folded once.
var (
	wDau      = sortedPhrases("đầu")
	wCungKy   = sortedPhrases("cùng kỳ")
	wDatBang  = sortedPhrases("đạt", "bằng")
	wUpTo     = sortedPhrases("lên", "xuống", "to")
	wRoseTo   = sortedPhrases("tăng lên", "giảm xuống", "rose to", "fell to")
	wSoVoi    = sortedPhrases("so với")
	wSo       = sortedPhrases("so với", "so")
	wOrMore   = sortedPhrases("trở lên", "or more")
	wVerbs    = sortedPhrases("tăng", "giảm", "đạt", "bằng", "là", "up", "down")
	wAnd      = sortedPhrases("và", "and")
	wOver     = sortedPhrases("vượt", "vượt mức", "vượt hơn", "cao hơn", "exceeding", "exceeded")
	wSoPlan   = sortedPhrases("so với kế hoạch năm", "so kế hoạch năm", "so với kế hoạch", "so kế hoạch", "so với kh", "so kh")
	wCompared = sortedPhrases("so với", "so", "compared with", "from")
)

// RolePrior is last year's figure written beside this year's.
const RolePrior Role = "prior"

// clauseOf returns the clause holding byte a.
func clauseOf(clauses []clause, a int) clause {
	for _, c := range clauses {
		if a >= c.a && a < c.b {
			return c
		}
	}
	return clause{}
}

// parenthesized reports whether byte a is inside brackets: an aside,
// never the value of a figure ("(6,06%)", "(146 triệu USD)").
func parenthesized(src string, a int) bool {
	depth := 0
	for _, c := range src[:a] {
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return depth > 0
}

// basisPeriod reads "so với tháng 1/2021", "so với 6 tháng đầu năm 2021",
// "so với năm 2021", "so với 2021" after a number: the same period last
// year, or (a period of this year) the one before. tail is the words taken.
func basisPeriod(v *lineView, all []token, i int, periods []periodAt, year int) (Basis, int, bool) {
	n := v.phraseAt(i, wCompared)
	if n == 0 || i+n >= len(all) {
		return "", 0, false
	}
	j := i + n
	if w := all[j].text; len(w) == 4 && startsWithDigit(w) {
		if y, err := strconv.Atoi(w); err == nil && y == year-1 {
			return SamePeriod, n + 1, true
		}
	}
	for _, pa := range periods {
		if v.wordIndex(pa.a) != j {
			continue
		}
		end := v.wordIndex(pa.b)
		var e *Error
		if pa.err != nil && errors.As(pa.err, &e) && e.ID == ErrWrongYear && e.Data["year"] == strconv.Itoa(year-1) {
			return SamePeriod, end - i, true
		}
		if pa.err != nil && errors.As(pa.err, &e) && e.ID == ErrWrongYear {
			return otherBase, end - i, true // "tăng 9,69% so với năm 2010"
		}
		if pa.err == nil {
			return PrevPeriod, end - i, true
		}
	}
	return "", 0, false
}

// decreasePhrases before a number make it a decrease.
var decreasePhrases = sortedPhrases("giảm", "down", "fell", "decreased", "declined", "dropped", "minus",
	"giảm mạnh", "giảm nhẹ", "giảm sâu", "giảm lần lượt", "decrease by", "decreased by", "fell by", "down by")

// thingWords after a quantity make it a measure of things, not money or a rate.
var thingWords = sortedPhrases("tấn", "kg", "tạ", "ha", "m2", "m3", "lít", "người", "hộ", "lao động", "con", "chiếc",
	"doanh nghiệp", "dự án", "cửa hàng", "chợ", "siêu thị", "kwh", "mw", "mwp", "km", "cái", "lượt", "khách",
	"tons", "tonnes", "people", "households", "projects", "stores", "firms")

// statusAndFillers may follow a bare number without making it a count.
var statusAndFillers = sortedPhrases("và", "so", "so với", "tăng", "giảm", "đạt", "usd", "đồng", "là", "and", "up", "down")

func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// status returns the status word of clause c, if any.
func (v *lineView) status(c clause) (Status, bool) {
	all := v.toks(0, len(v.words))
	for i := c.from; i < c.to; i++ {
		for _, sw := range statusWords {
			if matchFiller(all, i, sw.ph) {
				return sw.status, true
			}
		}
	}
	return "", false
}

// hasFree is has, leaving out the words a comparison took: "bằng 23,4%
// kế hoạch năm" compares with the plan; it is no plan.
func (v *lineView) hasFree(c clause, phs []phrase, nums []numAt) bool {
	all := v.toks(0, len(v.words))
	for i := c.from; i < c.to; i++ {
		taken := false
		for _, n := range nums {
			if w := v.wordIndex(n.b); n.tail > 0 && i >= w && i < w+n.tail {
				taken = true
			}
		}
		if taken {
			continue
		}
		for _, ph := range phs {
			if i+len(ph.words) <= c.to && matchFiller(all, i, ph) {
				return true
			}
		}
	}
	return false
}

// statusBefore reports whether clause c has a status word before word i
// ("dự ước kim ngạch xuất khẩu": the estimate is the mention's).
func (v *lineView) statusBefore(c clause, i int) bool {
	_, ok := v.status(clause{from: c.from, to: i})
	return ok
}

// cutClauses cuts a line into clauses: at sentence ends, commas that are not
// decimal marks, brackets, conjunctions, and before every mention after the
// first of a clause.
func cutClauses(v *lineView, ments []mention, nums []numAt) []clause {
	src := v.src
	protected := func(i int) bool {
		for _, m := range ments {
			if i >= m.a && i < m.b {
				return true
			}
		}
		for _, n := range nums {
			if i >= n.a && i < n.b {
				return true
			}
		}
		return false
	}
	type cut struct {
		at       int
		sentence bool
		breakAt  bool
		conj     bool
	}
	var cuts []cut
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == ';' || c == '!' || c == '?' || c == '\n':
			cuts = append(cuts, cut{at: i + 1, sentence: true})
		case c == '.' && !protected(i):
			next := i + 1
			if next >= len(src) || src[next] == ' ' {
				cuts = append(cuts, cut{at: i + 1, sentence: !abbrevBefore(src[:i])})
			}
		case (c == ',' || c == '(' || c == ')' || c == '[' || c == ']') && !protected(i):
			cuts = append(cuts, cut{at: i + 1})
		}
	}
	all := v.toks(0, len(v.words))
	for i := range v.words {
		if protected(v.words[i].a) {
			continue
		}
		if matchesAny(all, i, conjunctions) {
			cuts = append(cuts, cut{at: v.words[i].a, conj: true})
		}
		if matchesAny(all, i, breakdownWords) {
			cuts = append(cuts, cut{at: v.words[i].a, breakAt: true})
		}
	}
	for k, m := range ments {
		if k > 0 {
			cuts = append(cuts, cut{at: m.a})
		}
	}
	cuts = append(cuts, cut{at: len(src), sentence: true})
	sort.SliceStable(cuts, func(i, j int) bool { return cuts[i].at < cuts[j].at })
	var out []clause
	start, sentence, brk, conj := 0, 0, false, false
	for _, c := range cuts {
		if c.at > start && strings.TrimSpace(src[start:c.at]) == "" {
			start = c.at // nothing but spaces
		}
		if c.at > start {
			from, to := v.wordIndex(start), v.wordIndex(c.at)
			out = append(out, clause{a: start, b: c.at, from: from, to: to, sentence: sentence, breakAt: brk, conj: conj})
			start, brk, conj = c.at, false, false
		}
		if c.breakAt {
			brk = true
		}
		if c.conj {
			conj = true
		}
		if c.sentence {
			sentence++
		}
	}
	// A clause of nothing but "trong đó" or "và" belongs to the next one.
	merged := out[:0]
	for k := 0; k < len(out); k++ {
		c := out[k]
		if k+1 < len(out) && out[k+1].sentence == c.sentence && connectiveOnly(v, all, c) {
			next := out[k+1]
			next.a, next.from = c.a, c.from
			next.breakAt = next.breakAt || c.breakAt
			next.conj = next.conj || c.conj
			out[k+1] = next
			continue
		}
		merged = append(merged, c)
	}
	return merged
}

// connectiveOnly reports whether clause c holds only joining words.
func connectiveOnly(v *lineView, all []token, c clause) bool {
	for i := c.from; i < c.to; {
		n := v.phraseAt(i, breakdownWords)
		if n == 0 {
			n = v.phraseAt(i, conjunctions)
		}
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

func matchesAny(toks []token, i int, phs []phrase) bool {
	for _, ph := range phs {
		if matchFiller(toks, i, ph) {
			return true
		}
	}
	return false
}

// abbrevBefore reports whether the text before a '.' ends with an
// abbreviation ("TP.", "H.", "TX."), which does not end a sentence.
func abbrevBefore(s string) bool {
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	return abbreviations[Fold(s[i+1:])]
}

// abbreviations end with a '.' that ends no sentence.
var abbreviations = map[string]bool{"tp": true, "h": true, "tx": true, "q": true, "p": true, "tt": true,
	"ths": true, "ts": true, "pgs": true, "gs": true, "ong": true, "ba": true, "st": true, "no": true, "mr": true, "dr": true}

// ytdNowPeriod reads "từ đầu năm đến nay": the year through the last
// finished month.
func (r *updateReader) ytdNowPeriod(v *lineView) (periodAt, bool) {
	all := v.toks(0, len(v.words))
	for i := range all {
		for _, ph := range ytdNow {
			if matchFiller(all, i, ph) {
				pa := periodAt{a: v.words[i].a, b: v.words[i+len(ph.words)-1].b}
				last, ok := DefaultMonth(r.o.Now, r.p.Year)
				if !ok {
					// January of the plan year: no month of it is over yet.
					vi, en := r.examples(nil, Period{}, "")
					pa.err = Fail(ErrNeedPeriod, "example", vi, "example_en", en)
					return pa, true
				}
				pa.p = YearToDate(r.p.Year, last.To)
				return pa, true
			}
		}
	}
	return periodAt{}, false
}
