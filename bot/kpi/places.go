package kpi

import "slices"

// provinces are Vietnam's provinces and centrally-run cities, before and
// after the reorganisation of 1 July 2025 (Resolution 202/2025/QH15), with
// the spellings reports use. A figure said of one of them that is not the
// plan's own province is not a figure of the plan's units. Data: a table
// with tests.
var provinces = []string{
	"An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu", "Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu",
	"Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ",
	"Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
	"Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình",
	"Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai",
	"Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
	"Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
	"Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang",
	"Thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "TP.HCM", "TPHCM", "TP HCM", "Hồ Chí Minh", "Sài Gòn",
	"Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
	// Foreign markets named beside trade figures.
	"Trung Quốc", "Hoa Kỳ", "Nhật Bản", "Hàn Quốc", "Campuchia", "Thái Lan", "Đài Loan", "Liên minh châu Âu", "EU", "ASEAN",
}

// provincePhrases are provinces folded, longest first.
var provincePhrases = sortedPhrases(provinces...)

// otherPlace returns the length in words of a province other than the
// plan's own named at token i, or 0. Marks typed must be the name's ("diễn
// biến" is not Điện Biên).
func (p *Plan) otherPlace(toks []token, i int) int {
	own := p.provincePhrase()
	for _, ph := range provincePhrases {
		if matchWords(toks, i, ph) && sameMarks(toks[i:i+len(ph.words)], ph) && (len(own) == 0 || !slices.Equal(ph.words, own[0].words)) {
			return len(ph.words)
		}
	}
	return 0
}

// provincePhrase is the plan's province as a phrase, folded once; nil when
// the plan names none.
func (p *Plan) provincePhrase() []phrase {
	if p.Province == "" {
		return nil
	}
	p.provinceOnce.Do(func() { p.province = []phrase{newPhrase(p.Province)} })
	return p.province
}
