package kpi

import "strings"

// The rules of this file keep a figure that belongs to something else from
// being read as the plan's indicator: a part of it (a trade channel, a
// sector, a product named before), growth of another subject, an effect of
// one cause, the places counted in a sentence. Each one blocks a mention;
// a blocked mention refuses its own numbers and nothing else.

// tradeChannels after a trade indicator name a part of it: "xuất khẩu chính
// ngạch", "xuất khẩu tiểu ngạch", "xuất khẩu biên mậu".
var tradeChannels = sortedPhrases("chính ngạch", "tiểu ngạch", "biên mậu", "qua biên giới", "trao đổi cư dân biên giới")

// sectorWords as the subject of a sentence make its figures the sector's:
// "Khu vực kinh tế có vốn đầu tư nước ngoài …, với kim ngạch nhập khẩu 849,4
// triệu USD", "khu vực dịch vụ … đạt mức tăng trưởng 10,98%".
var sectorWords = sortedPhrases("có vốn đầu tư nước ngoài", "vốn đầu tư trực tiếp nước ngoài", "khu vực fdi",
	"doanh nghiệp fdi", "khối fdi", "khu vực kinh tế trong nước", "khu vực trong nước", "doanh nghiệp trong nước",
	"khu vực kinh tế nhà nước", "khu vực nhà nước", "kinh tế ngoài nhà nước", "khu vực ngoài nhà nước",
	"khu vực dịch vụ", "khu vực công nghiệp", "khu vực nông", "khu vực i", "khu vực ii", "khu vực iii",
	"ngành dịch vụ", "ngành nông nghiệp", "ngành xây dựng", "foreign-invested", "fdi sector")

// wholeWords beside a mention say it is the whole again: "tổng kim ngạch
// xuất khẩu", "xuất khẩu toàn tỉnh", "GRDP chung".
var wholeWords = sortedPhrases("tổng", "toàn tỉnh", "chung", "cả tỉnh", "toàn bộ", "total", "overall")

// effectVerbs before a mention make its change the effect of one cause:
// "Việc giảm công suất này khiến GRDP năm 2022 giảm khoảng 0,8%".
var effectVerbs = sortedPhrases("khiến", "khiến cho", "làm", "làm cho", "kéo", "kéo theo", "góp phần làm", "tác động làm")

// changeVerbs follow a mention that an effect verb governs.
var changeVerbs = sortedPhrases("tăng", "giảm", "sụt", "sụt giảm", "rise", "fall")

// placeCounts are what a sentence counts when its figures are of several
// places: "có 10 địa phương ghi nhận tăng trưởng GRDP trên 10%".
var placeCounts = sortedPhrases("địa phương", "tỉnh", "tỉnh thành", "tỉnh, thành", "tỉnh, thành phố", "thành phố",
	"huyện", "provinces", "localities")

// manyWords count places without a number: "nhiều địa phương", "các tỉnh".
var manyWords = sortedPhrases("nhiều", "các", "những", "một số", "several", "many")

// countDateWords before a number make it a date, not a count.
var countDateWords = sortedPhrases("năm", "tháng", "quý", "ngày", "thứ", "số")

// growthFillers may stand before a bare growth word in its sentence while it
// still names the economy's growth: "Theo đó, tốc độ tăng trưởng 6 tháng đầu
// năm của tỉnh đạt …". Any other word before it names whose growth it is.
var growthFillers = sortedPhrases("kinh tế", "nền kinh tế", "theo đó", "cụ thể", "như vậy", "nhìn chung", "tính chung", "chung", "năm",
	"tháng", "quý", "đầu", "đầu năm", "nay", "qua", "cả", "trong", "của", "tỉnh", "toàn tỉnh", "đạt", "có",
	"mức", "tốc độ", "là", "thì", "ước", "ước tính", "dự ước", "ước đạt", "sơ bộ", "i", "ii", "iii", "iv",
	"in", "the", "of", "province", "first", "months", "quarter", "year")

// notTheSubject blocks the mentions that name a part of an indicator or
// another subject's figure (see the rules above). Blocked mentions keep
// their place: their numbers are refused, not given to the next subject.
func (r *updateReader) notTheSubject(v *lineView, ments []mention) []mention {
	all := v.toks(0, len(v.words))
	kept := ments[:0]
	for k := range ments {
		m := &ments[k]
		if m.ind == nil || m.blocked != "" {
			kept = append(kept, *m)
			continue
		}
		if m.viaGrowth && r.prose && growthOfOther(v, r.p.provincePhrase(), m) {
			continue // "Thu ngân sách nhà nước đạt mức tăng trưởng …": not GRDP
		}
		block := func(what string) {
			m.blocked, m.what = RoleNotIndicator, what
		}
		switch {
		case m.to < len(all) && v.phraseAt(m.to, tradeChannels) > 0:
			n := v.phraseAt(m.to, tradeChannels)
			block(v.src[m.a:v.words[m.to+n-1].b])
		case whole(v, m):
		default:
			if i, n := sectorBefore(v, m); n > 0 {
				block(v.src[v.words[i].a:v.words[i+n-1].b])
			} else if i, ok := narrowedBefore(v, kept, m); ok {
				block(kept[i].what) // the part it named: "xuất khẩu cà phê của tỉnh"
			} else if i, n := effectBefore(v, m); n > 0 {
				block(v.src[v.words[i].a:m.b])
			} else if i, n := placesCounted(v, m); n > 0 {
				m.blocked, m.what = RolePlace, v.src[v.words[i].a:v.words[i+n-1].b]
			}
		}
		kept = append(kept, *m)
	}
	return kept
}

// sentenceFrom returns the first word of the sentence holding word i.
func sentenceFrom(v *lineView, i int) int {
	for j := i; j > 0; j-- {
		gap := v.src[v.words[j-1].b:v.words[j].a]
		if strings.ContainsAny(gap, ";!?\n") || strings.Contains(gap, ". ") || strings.HasSuffix(gap, ".") && !abbrevBefore(v.src[:v.words[j-1].b+strings.Index(gap, ".")]) {
			return j
		}
	}
	return 0
}

// whole reports whether a whole word stands right before or after m.
func whole(v *lineView, m *mention) bool {
	for back := 1; back <= 3 && m.from-back >= 0; back++ {
		if n := v.phraseAt(m.from-back, wholeWords); n > 0 && n <= back {
			return true
		}
	}
	return m.to < len(v.words) && v.phraseAt(m.to, wholeWords) > 0
}

// concessions end a concessive clause: the main clause follows them.
var concessions = sortedPhrases("nhưng", "song", "tuy nhiên", "dù vậy", "mặc dù vậy", "but", "however")

// sectorBefore finds a sector named before m in its sentence, outside
// brackets: the sentence is the sector's. A sector that has a clause of its
// own, ended by a comma before m's clause, does not reach it ("Khu vực dịch
// vụ của tỉnh duy trì đà tăng trưởng cao, tổng mức bán lẻ … đạt …"); one
// that only heads the sentence does ("Riêng khu vực FDI, xuất khẩu đạt …",
// "Khu vực có vốn đầu tư nước ngoài …, với kim ngạch nhập khẩu …").
func sectorBefore(v *lineView, m *mention) (int, int) {
	for i := sentenceFrom(v, m.from); i < m.from; i++ {
		if n := v.phraseAt(i, sectorWords); n > 0 && i+n <= m.from && !parenthesized(v.src, v.words[i].a) {
			if ownClause(v, i+n, m) {
				continue
			}
			return i, n
		}
	}
	return 0, 0
}

// sectorVerbs say what a sector did in a clause of its own.
var sectorVerbs = sortedPhrases("duy trì", "tiếp tục", "giữ vững", "phục hồi", "chiếm", "đóng góp", "tăng trưởng",
	"gặp", "có", "là")

// ownClause reports whether the words from i (after a sector) to m hold a
// clause of the sector's own, with a verb, ended by a comma after which m
// starts its clause (nothing before it but whole words such as "tổng").
func ownClause(v *lineView, i int, m *mention) bool {
	comma := -1
	for j := i; j < m.from; j++ {
		if strings.Contains(v.src[v.words[j].b:v.words[j+1].a], ",") {
			comma = j + 1
		}
	}
	if comma < 0 || comma != m.from && v.phraseAt(comma, wholeWords) != m.from-comma {
		return false
	}
	for j := i; j < comma; j++ {
		if v.phraseAt(j, sectorVerbs) > 0 {
			return true
		}
	}
	return false
}

// narrowedBefore finds a mention of m's indicator before it in its sentence
// that names a part of it ("xuất khẩu cà phê của tỉnh … với kim ngạch xuất
// khẩu đạt hơn 975 triệu USD"): the later mention is of that part.
func narrowedBefore(v *lineView, prev []mention, m *mention) (int, bool) {
	start := sentenceFrom(v, m.from)
	for i := len(prev) - 1; i >= 0; i-- {
		p := &prev[i]
		if p.from < start {
			break
		}
		if p.ind != m.ind || p.blocked == "" || mentionHas(v, p, totalTrade) {
			continue
		}
		for j := p.from + 1; j <= p.to && j < len(v.words); j++ {
			if v.phraseAt(j, narrowers) > 0 || v.phraseAt(j, tradeChannels) > 0 {
				return i, true
			}
		}
	}
	return 0, false
}

// effectBefore finds an effect verb right before m whose change follows it:
// "khiến GRDP năm 2022 giảm khoảng 0,8%" is what one cause did, not the
// figure.
func effectBefore(v *lineView, m *mention) (int, int) {
	for back := 1; back <= 3 && m.from-back >= 0; back++ {
		if v.phraseAt(m.from-back, effectVerbs) != back {
			continue
		}
		for j := m.to; j < len(v.words) && j <= m.to+6; j++ {
			if v.phraseAt(j, changeVerbs) > 0 {
				return m.from - back, back
			}
		}
	}
	return 0, 0
}

// placesCounted finds a count of places before m in its sentence: "có 10
// địa phương ghi nhận tăng trưởng GRDP trên 10%" is about those places.
func placesCounted(v *lineView, m *mention) (int, int) {
	for i := sentenceFrom(v, m.from); i+1 < m.from; i++ {
		w := v.words[i]
		// A count is a bare small number right before the places: "năm
		// 2022, tỉnh Long An" counts nothing.
		number := startsWithDigit(w.text) && len(w.text) <= 3 && (i == 0 || v.phraseAt(i-1, countDateWords) == 0)
		if !(number || v.phraseAt(i, manyWords) == 1) || strings.TrimSpace(v.src[w.b:v.words[i+1].a]) != "" {
			continue
		}
		if n := v.phraseAt(i+1, placeCounts); n > 0 && i+1+n <= m.from {
			// "thứ 6/34 tỉnh", "xếp tốp các tỉnh" rank; a count is not after
			// "/" nor a ranking word.
			if i > 0 && strings.HasSuffix(strings.TrimSpace(v.src[:w.a]), "/") {
				continue
			}
			ranked := false
			for back := 1; back <= 3 && i-back >= 0; back++ {
				ranked = ranked || v.phraseAt(i-back, rankedPlaceWords) > 0
			}
			if ranked {
				continue
			}
			return i, 1 + n
		}
	}
	return 0, 0
}

// growthOfOther reports whether a bare growth word ("tăng trưởng") has words
// before it in its sentence that name whose growth it is: "Thu ngân sách nhà
// nước đạt mức tăng trưởng …", "Nguyên nhân tăng trưởng …". Only fillers,
// periods and the province may stand before the economy's growth.
func growthOfOther(v *lineView, own []phrase, m *mention) bool {
	// "Dù nền kinh tế … còn khó khăn nhưng tốc độ tăng trưởng … tăng
	// 7,21%": what a concession says before its "nhưng" is not whose growth
	// the main clause states.
	from := sentenceFrom(v, m.from)
	for i := from; i < m.from; i++ {
		if n := v.phraseAt(i, concessions); n > 0 && i+n <= m.from {
			from = i + n
		}
	}
	for i := from; i < m.from; {
		if startsWithDigit(v.words[i].text) || parenthesized(v.src, v.words[i].a) {
			i++
			continue
		}
		if n := v.phraseAt(i, own); n > 0 {
			i += n
			continue
		}
		if n := v.phraseAt(i, growthFillers); n > 0 {
			i += n
			continue
		}
		return true
	}
	return false
}

// placesOnly reports whether every mention of a line is of places counted
// ("Sau sáp nhập, 3 địa phương gánh 50% kim ngạch xuất khẩu cả nước"): the
// line is news of other places, not the plan's report.
func placesOnly(ments []mention) bool {
	for _, m := range ments {
		if m.blocked != RolePlace {
			return false
		}
	}
	return len(ments) > 0
}
