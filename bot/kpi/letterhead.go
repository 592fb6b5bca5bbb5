package kpi

import (
	"strings"
	"unicode"
)

// Letterhead is what the plan's report document is issued as, in the layout
// of Decree 30/2020/NĐ-CP. Every field is optional: a plan without them gets
// the words the document writer derives from Province and Department.
type Letterhead struct {
	// Authority is the governing body (cơ quan chủ quản), written above the
	// issuer: "UBND tỉnh Long An".
	Authority string `toml:"authority"`
	// Issuer is the body issuing the report (cơ quan ban hành): "Sở Công
	// Thương". Default: the department's short name.
	Issuer string `toml:"issuer"`
	// Symbol is the issuer's abbreviation in the number line "Số: …/BC-SCT".
	// Default: the initials of Issuer ("SCT").
	Symbol string `toml:"symbol"`
	// Place is the place name of the date line ("Long An, ngày … tháng …").
	// Default: the province.
	Place string `toml:"place"`
	// SignerTitle is the signer's office above the signature ("Giám đốc");
	// Signer their name, usually left for the signer to write.
	SignerTitle string `toml:"signer_title"`
	Signer      string `toml:"signer"`
	// Recipients are the "Nơi nhận" lines ("UBND tỉnh (b/c)", "Lưu: VT").
	Recipients []string `toml:"recipients"`
}

// Initials returns the capital first letter of every word of name but "và",
// marks dropped except Đ's: "Sở Công Thương" is "SCT", "Sở Kế hoạch và Đầu
// tư" is "SKHĐT". It is the default document symbol.
func Initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if Fold(w) == "va" {
			continue
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				continue
			}
			if f := []rune(Fold(string(r))); unicode.ToUpper(r) != 'Đ' && len(f) == 1 {
				r = f[0]
			}
			b.WriteRune(unicode.ToUpper(r))
			break
		}
	}
	return b.String()
}
