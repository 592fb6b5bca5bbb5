package kpi

// More of what a question says besides an indicator: whom a greeting
// addresses and how thanks approve ("Xin chào Sở Công Thương", "cảm ơn bot
// nhé, số liệu chuẩn rồi") and places counted ("6 địa phương", "những tỉnh") that are not the plan's
// province.

// chatWords may stand around a greeting or thanks: the department
// addressed, an approval of the figures.
var chatWords = sortedPhrases("sở công thương", "sở", "phòng", "ad", "admin", "đồng chí", "các anh chị", "anh chị",
	"số liệu chuẩn rồi", "số liệu đúng rồi", "số liệu chính xác", "chuẩn rồi", "đúng rồi", "chính xác rồi", "chính xác",
	"chuẩn", "tốt lắm", "tốt quá", "hay quá", "tuyệt", "tuyệt vời", "rồi", "great", "perfect", "correct", "looks good", "team")

// placeCountWords count provinces in a question: "những tỉnh". "các địa
// phương", "những địa phương nào" may be the plan's own units; a number of
// them ("6 địa phương") is news of the country.
var (
	placeCountWords = sortedPhrases("những", "nhiều", "một số", "mấy")
	provinceWords   = sortedPhrases("tỉnh", "tỉnh thành", "tỉnh thành phố", "provinces")
)

// countedPlaces returns the length in words of a count of places at token
// i ("6 địa phương", "những tỉnh có …"), or 0.
func countedPlaces(toks []token, i int) int {
	n, places := 0, rankingPlaces
	switch {
	case isDigits(toks[i].text):
		n = 1
	default:
		for _, ph := range placeCountWords {
			if matchWords(toks, i, ph) {
				n, places = len(ph.words), provinceWords
			}
		}
	}
	if n == 0 || i+n >= len(toks) {
		return 0
	}
	for _, ph := range places {
		if matchWords(toks, i+n, ph) {
			return n + len(ph.words)
		}
	}
	return 0
}

// namesOtherPlace reports whether a question names a place other than the
// plan's province or its units, outside the words used: that is said
// before anything else about it.
func (p *Plan) namesOtherPlace(toks []token, used, named []bool) bool {
	for i := range toks {
		if !used[i] && p.otherPlace(toks, i) > 0 {
			return true
		}
		if !named[i] && otherScope(toks, i) > 0 {
			return true
		}
	}
	return false
}
