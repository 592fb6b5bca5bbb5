package kpi

import "strings"

// Error IDs of questions that are not about the plan's figures.
const (
	// ErrOffTopic: the question names an indicator's words but asks
	// about something else ("thuế suất hàng xuất khẩu", "mức bán lẻ giá
	// điện", "nhập khẩu nhiều hơn xuất khẩu gọi là gì"). Data: query (as
	// written), topic (the words that make it something else), indicators
	// (every indicator id, comma-separated, for the list).
	ErrOffTopic = "ErrOffTopic"
)

// SmallTalk is a message that asks nothing of the plan: a greeting, thanks,
// or no words at all (an emoji, a lone ".").
type SmallTalk int

// The kinds of small talk.
const (
	NotSmallTalk SmallTalk = iota
	SmallHello             // "xin chào", "chào bot", "hello"
	SmallThanks            // "cảm ơn", "thanks", "ok cảm ơn nhé"
	SmallNoWords           // "👍", ".", "?"
)

// greetWords and thankWords start or make small talk; politeWords may stand
// around them ("chào bot ạ", "cảm ơn anh nhiều"). Folded, matched whole.
var (
	greetWords = sortedPhrases("xin chào", "chào", "chào bạn", "chào bot", "alo", "hello", "hi", "hey",
		"good morning", "good afternoon", "good evening", "chào buổi sáng", "chào buổi chiều",
		"chúc mừng năm mới", "chúc năm mới", "happy new year")
	thankWords = sortedPhrases("cảm ơn", "cám ơn", "cảm ơn bạn", "thanks", "thank you", "thank", "thanks a lot",
		"tks", "thx", "ok", "oke", "okay", "được rồi", "dạ", "vâng", "rõ", "đã rõ", "nhận được", "got it")
	politeWords = sortedPhrases("bot", "bạn", "anh", "chị", "em", "ạ", "nhé", "nha", "nhiều", "rất", "nhiều nhé",
		"you", "very much", "so much", "much", "a lot", "lắm", "mọi người", "all", "there",
		"sở", "anh chị", "các anh chị", "ad", "admin", "đồng chí")
)

// ReadSmallTalk says whether text is only a greeting, only thanks, or has no
// letter or digit at all; NotSmallTalk when it says anything more.
func ReadSmallTalk(text string) SmallTalk {
	if !hasWord(text) {
		return SmallNoWords
	}
	toks := wordTokens(text)
	kind := NotSmallTalk
	for i := 0; i < len(toks); {
		n, k := 0, NotSmallTalk
		for _, set := range []struct {
			phs  []phrase
			kind SmallTalk
		}{{greetWords, SmallHello}, {thankWords, SmallThanks}, {politeWords, NotSmallTalk}, {chatWords, NotSmallTalk}} {
			for _, ph := range set.phs {
				if len(ph.words) > n && matchWords(toks, i, ph) {
					n, k = len(ph.words), set.kind
				}
			}
		}
		if n == 0 {
			return NotSmallTalk
		}
		if kind == NotSmallTalk || k == SmallThanks {
			kind = k // thanks wins: "chào, cảm ơn nhé" is thanks
		}
		i += n
	}
	return kind
}

// definitionPhrases ask what an indicator is, not how far it has come.
var definitionPhrases = sortedPhrases(
	"là gì", "là cái gì", "nghĩa là gì", "thế nào là", "thế nào được gọi là", "có nghĩa là", "khái niệm", "định nghĩa", "ý nghĩa",
	"cách tính", "tính như thế nào", "tính thế nào", "tính ra sao", "được tính", "công thức",
	"phương pháp tính", "gồm những gì", "gồm những", "bao gồm những", "gồm gì", "gồm có",
	"khác gì so với", "khác gì với", "khác nhau", "phân biệt", "viết tắt", "stands for",
	"definition", "define", "meaning", "what does", "mean", "calculated", "computed", "made up of",
	"what is an", "what is a",
)

// AsksDefinition reports whether text asks what an indicator is or how it
// is computed ("IIP là gì?", "cách tính tổng mức bán lẻ", "GRDP gồm những
// gì", "what does IIP mean"), rather than for its figure.
func AsksDefinition(text string) bool {
	toks := wordTokens(text)
	if hasPhrase(toks, definitionPhrases) {
		return true
	}
	// "what is the industrial production index?", not "what is the export
	// progress?" nor "what are exports so far?".
	return hasPhrase(toks, whatIs) && !hasPhrase(toks, figureWords) && !hasDigit(text)
}

// whatIs asks what something is, in English; figureWords ask for a figure.
var (
	whatIs      = sortedPhrases("what is", "what s", "whats", "what are")
	figureWords = sortedPhrases("progress", "status", "so far", "now", "today", "total", "figure", "figures",
		"target", "plan", "doing", "latest", "this year", "ytd", "year to date", "month", "quarter", "growth rate")
)

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// offTopicPhrases, beside an indicator's words in a question, make it a
// question about something else: a tax, a price, a procedure, a market, the
// trade balance, or a term asked for ("… gọi là gì"). Written with marks:
// typed without them they still match, typed with other marks they do not.
var offTopicPhrases = sortedPhrases(
	"thuế", "thuế suất", "giá", "tiền điện", "hóa đơn", "lãi suất", "tỷ giá", "tỉ giá",
	"thủ tục", "quy trình", "hồ sơ", "giấy phép", "quy định", "nghị định", "thông tư", "chính sách",
	"điều kiện", "mặt hàng", "thị trường", "doanh nghiệp nào", "nhập siêu", "xuất siêu",
	"cán cân", "thặng dư", "thâm hụt", "gọi là gì", "gọi là", "lao động", "việc làm", "chi phí",
	"tax", "taxes", "tariff", "tariffs", "duty", "duties", "price", "prices", "exchange rate",
	"interest rate", "procedure", "procedures", "license", "licence", "regulation", "regulations",
	"policy", "trade balance", "deficit", "surplus", "called", "cost", "costs",
)

// offTopicKeep are phrases that hold an off-topic word but still speak of
// the indicator ("giá so sánh" is GRDP's constant prices, "gia công" is
// processing, "giá trị" is value).
var offTopicKeep = sortedPhrases("giá trị", "trị giá", "đánh giá", "gia hạn", "giá so sánh", "giá hiện hành", "giá cơ bản", "gia công", "gia tăng",
	"gia đình", "gia lai", "tham gia", "quốc gia")

// offTopic returns where the off-topic phrase of toks stands, outside the
// words used (the indicator's), and whether there is one.
func offTopic(toks []token, used []bool) (from, to int, ok bool) {
	for i := range toks {
		if used[i] {
			continue
		}
		kept := 0
		for _, ph := range offTopicKeep {
			for s := max(0, i-len(ph.words)+1); s <= i; s++ {
				if matchFiller(toks, s, ph) && s+len(ph.words) > i {
					kept = max(kept, s+len(ph.words))
				}
			}
		}
		if kept > i {
			continue
		}
		for _, ph := range offTopicPhrases {
			if !matchFiller(toks, i, ph) {
				continue
			}
			free := true
			for k := i; k < i+len(ph.words); k++ {
				free = free && !used[k]
			}
			if free {
				return i, i + len(ph.words), true
			}
		}
	}
	return 0, 0, false
}

// countryPhrases name the whole country or the provinces at large: a
// question about them is not about the plan's province.
var countryPhrases = sortedPhrases("cả nước", "toàn quốc", "việt nam", "nước ta", "các tỉnh", "tỉnh thành",
	"các tỉnh thành", "các địa phương trong cả nước", "tỉnh nào", "tỉnh thành nào",
	"thành phố trực thuộc trung ương", "các thành phố trực thuộc trung ương",
	"đồng bằng sông cửu long", "đông nam bộ", "whole country", "nationwide", "vietnam",
	"provinces")

// rankingPlaces are words that, after "top N", name provinces ("top 10 địa
// phương có tốc độ tăng trưởng IIP").
var rankingPlaces = sortedPhrases("địa phương", "tỉnh", "tỉnh thành", "tỉnh thành phố", "thành phố", "provinces",
	"localities", "cities")

// otherScope returns the length in words of a phrase at token i that names
// the country or provinces at large ("cả nước", "top 10 địa phương", "10
// địa phương có chỉ số … cao nhất"), or 0.
func otherScope(toks []token, i int) int {
	for _, ph := range countryPhrases {
		if matchWords(toks, i, ph) {
			return len(ph.words)
		}
	}
	if !isDigits(toks[i].text) {
		if n := countedPlaces(toks, i); n > 0 {
			return n // "những tỉnh"
		}
	}
	at := i
	if toks[i].text == "top" { // "top 10 địa phương", "tốp 5 tỉnh"
		at++
	}
	// "1 tỉnh" is one province, not provinces at large.
	if at+1 < len(toks) && isDigits(toks[at].text) && (at > i || strings.TrimLeft(toks[at].text, "0") != "1") {
		for _, ph := range rankingPlaces {
			if matchWords(toks, at+1, ph) {
				return at - i + 1 + len(ph.words)
			}
		}
	}
	return 0
}

// countryFigures name the whole country's counterpart of an indicator of a
// province: GDP is to the country what GRDP is to a province. regional is
// the indicator's own name they stand for.
var countryFigures = []struct {
	phs      []phrase
	regional string
}{
	{sortedPhrases("gdp", "tổng sản phẩm trong nước", "tổng sản phẩm quốc nội", "gross domestic product"), "grdp"},
}

// countryFigure returns the length in words of a country's figure named at
// token i ("GDP"), and the plan's indicator it is the counterpart of (nil
// when the plan has none), or 0.
func (p *Plan) countryFigure(toks []token, i int) (int, *Indicator) {
	for _, cf := range countryFigures {
		for _, ph := range cf.phs {
			if !matchWords(toks, i, ph) {
				continue
			}
			var ind *Indicator
			if im, ok := p.matchIndicator(foldMap(cf.regional, "").tokens(true), nil); ok && im.Exact {
				ind = im.Indicator
			}
			return len(ph.words), ind
		}
	}
	return 0, nil
}

// productWords right after an indicator's words in a question narrow it to
// a product group or a sector ("xuất khẩu dệt may", "nhập khẩu xăng dầu"),
// a figure the plan does not keep.
var productWords = sortedPhrases("thủy sản", "thuỷ sản", "nông sản", "lâm sản", "nông lâm thủy sản", "gạo", "dệt may",
	"hàng dệt may", "may mặc", "giày dép", "gỗ", "sản phẩm gỗ", "điện tử", "máy tính", "điện thoại", "rau quả", "trái cây",
	"sầu riêng", "hạt điều", "cà phê", "cao su", "sắt thép", "thép", "xăng dầu", "phân bón", "tôm", "cá tra",
	"nguyên liệu", "máy móc", "linh kiện", "nhóm hàng", "ô tô", "xe ô tô", "xe máy", "hóa chất", "chất dẻo", "nhựa",
	"xơ sợi", "vải", "da giày", "túi xách", "chè", "hạt tiêu", "khoáng sản", "dầu thô", "than đá", "quặng",
	"kim loại", "thức ăn gia súc", "lúa mì", "bông",
	// a sector of ownership
	"fdi", "doanh nghiệp fdi", "khu vực fdi", "có vốn đầu tư nước ngoài", "doanh nghiệp có vốn đầu tư nước ngoài",
	"khu vực có vốn đầu tư nước ngoài", "kinh tế nhà nước", "ngoài nhà nước", "doanh nghiệp nhà nước",
	"doanh nghiệp trong nước", "khu vực kinh tế trong nước",
	// a sector of industry
	"chế biến", "chế biến chế tạo", "công nghiệp chế biến", "khai khoáng", "sản xuất và phân phối điện",
	"textiles", "garments", "seafood", "rice", "coffee", "footwear", "cars", "manufacturing", "mining")

// productAfter returns where a product group or sector stands right after
// token to (allowing "của", "of", "mặt hàng" or "ngành" between), and whether one
// does.
func productAfter(toks []token, to int) (from, end int, ok bool) {
	at := to
	for _, w := range []string{"cua", "of", "mat", "hang", "nganh"} {
		if at < len(toks) && toks[at].text == w {
			at++
		}
	}
	for _, ph := range productWords {
		if matchFiller(toks, at, ph) {
			return to, at + len(ph.words), true
		}
	}
	return 0, 0, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// hasPhrase reports whether any of phs stands anywhere in toks.
func hasPhrase(toks []token, phs []phrase) bool {
	for i := range toks {
		for _, ph := range phs {
			if matchWords(toks, i, ph) {
				return true
			}
		}
	}
	return false
}

// allIndicatorIDs is every indicator id of p, comma-separated.
func (p *Plan) allIndicatorIDs() string {
	ids := make([]string, len(p.Indicators))
	for i := range p.Indicators {
		ids[i] = p.Indicators[i].ID
	}
	return ListData(ids)
}
