package kpi

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s reduced for matching: decomposed (so NFC and NFD input agree),
// combining marks removed, "đ"/"Đ" mapped to "d" by hand (NFD leaves đ alone:
// it is a letter of its own, not d with a mark), lower-cased, punctuation
// other than '%', '.', ',', '/', ':', '-' turned into spaces, and runs of
// space collapsed. "TIẾN ĐỘ Xuất khẩu" and "tien do xuat khau" fold the same.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	b.Grow(len(out))
	space := true
	for _, r := range out {
		switch {
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		case strings.ContainsRune("%.,/:-+", r):
		default:
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}
