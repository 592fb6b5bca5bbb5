package outbox

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf16"
)

// MaxText is Telegram's limit on a message's text, in UTF-16 code units.
const MaxText = 4096

// utf16Len counts what Telegram counts: UTF-16 code units, two for a rune
// outside the Basic Multilingual Plane (an emoji), one for any other (an
// invalid byte reads as U+FFFD). It counts without copying the text: every
// reply is measured before it is sent.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// Split cuts an HTML text into parts of at most limit UTF-16 units, on line
// boundaries so that no tag is cut (each line of our replies closes its own
// tags). A single line longer than limit loses its markup and is cut by runes.
func Split(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if utf16Len(line) > limit {
			flush()
			plain := html.UnescapeString(tagRe.ReplaceAllString(line, ""))
			var chunk []rune
			n := 0
			for _, r := range plain {
				esc := html.EscapeString(string(r))
				if n+utf16Len(esc) > limit {
					parts = append(parts, string(chunk))
					chunk, n = nil, 0
				}
				chunk = append(chunk, []rune(esc)...)
				n += utf16Len(esc)
			}
			if len(chunk) > 0 {
				cur.WriteString(string(chunk) + "\n")
			}
			continue
		}
		if cur.Len() > 0 && utf16Len(cur.String())+utf16Len(line) > limit {
			flush()
		}
		cur.WriteString(line + "\n")
	}
	flush()
	return parts
}
