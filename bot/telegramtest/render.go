package telegramtest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// allowedTags are the HTML tags Telegram's parse_mode HTML accepts (Bot API,
// "HTML style"). Anything else is refused with 400, as Telegram does.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true,
	"tg-spoiler": true, "span": true, "blockquote": true,
}

type tokenKind int

const (
	tokText tokenKind = iota
	tokStart
	tokEnd
)

// htmlToken is one piece of a Telegram HTML message: decoded text, or a tag.
type htmlToken struct {
	kind  tokenKind
	text  string // decoded text (tokText)
	name  string // lower-case tag name (tokStart, tokEnd)
	attrs map[string]string
	pos   int // byte offset in the source, for Telegram-like error messages
}

// parseError is a refusal worded like Telegram's "can't parse entities".
func parseError(format string, args ...any) error {
	return fmt.Errorf("Bad Request: can't parse entities: "+format, args...)
}

// tokenizeHTML splits s into text and tags. Strict mode fails where Telegram
// would; lenient mode (for Render) keeps an unparsable '<' as a literal
// character, because a renderer must always produce something readable.
func tokenizeHTML(s string, lenient bool) ([]htmlToken, error) {
	var (
		toks      []htmlToken
		text      strings.Builder
		textStart int
	)
	addText := func(i int, piece string) {
		if text.Len() == 0 {
			textStart = i
		}
		text.WriteString(piece)
	}
	flush := func() {
		if text.Len() > 0 {
			toks = append(toks, htmlToken{kind: tokText, text: text.String(), pos: textStart})
			text.Reset()
		}
	}
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			tok, n, err := parseTag(s, i)
			if err != nil {
				if !lenient {
					return nil, err
				}
				addText(i, "<")
				i++
				continue
			}
			flush()
			toks = append(toks, tok)
			i += n
		case '&':
			dec, n := parseEntity(s[i:])
			addText(i, dec)
			i += n
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			addText(i, s[i:i+n])
			i += n
		}
	}
	flush()
	return toks, nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseTag reads the tag starting at s[at] == '<' and returns it with its
// length in bytes.
func parseTag(s string, at int) (htmlToken, int, error) {
	j := at + 1
	tok := htmlToken{kind: tokStart, pos: at}
	if j < len(s) && s[j] == '/' {
		tok.kind = tokEnd
		j++
	}
	start := j
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j == start {
		return tok, 0, parseError("Unexpected character after '<' at byte offset %d", at)
	}
	tok.name = strings.ToLower(s[start:j])
	if !allowedTags[tok.name] {
		if tok.kind == tokEnd {
			return tok, 0, parseError("Unsupported end tag %q at byte offset %d", tok.name, at)
		}
		return tok, 0, parseError("Unsupported start tag %q at byte offset %d", tok.name, at)
	}
	for {
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j >= len(s) {
			return tok, 0, parseError("Unclosed start tag at byte offset %d", at)
		}
		if s[j] == '>' {
			return tok, j + 1 - at, nil
		}
		if tok.kind == tokEnd {
			return tok, 0, parseError("Unexpected character in end tag at byte offset %d", j)
		}
		ns := j
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == ns {
			return tok, 0, parseError("Unexpected character in tag at byte offset %d", j)
		}
		name := strings.ToLower(s[ns:j])
		value := ""
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if j >= len(s) {
				return tok, 0, parseError("Unclosed start tag at byte offset %d", at)
			}
			if q := s[j]; q == '"' || q == '\'' {
				end := strings.IndexByte(s[j+1:], q)
				if end < 0 {
					return tok, 0, parseError("Unclosed attribute value at byte offset %d", j)
				}
				value = decodeEntities(s[j+1 : j+1+end])
				j += end + 2
			} else {
				vs := j
				for j < len(s) && !isSpace(s[j]) && s[j] != '>' {
					j++
				}
				value = decodeEntities(s[vs:j])
			}
		}
		if tok.attrs == nil {
			tok.attrs = map[string]string{}
		}
		tok.attrs[name] = value
	}
}

// parseEntity decodes the entity at the start of s (s[0] == '&'). Telegram
// knows &lt; &gt; &amp; &quot; and every numeric entity (html.EscapeString
// writes &#39; and &#34;); any other '&' is kept as a literal character.
func parseEntity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "&", 1
	}
	name := s[1:end]
	switch name {
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "amp":
		return "&", end + 1
	case "quot":
		return `"`, end + 1
	}
	if name[0] != '#' {
		return "&", 1
	}
	var (
		n   uint64
		err error
	)
	if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
		n, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || n == 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
		return "&", 1
	}
	return string(rune(n)), end + 1
}

func decodeEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			dec, n := parseEntity(s[i:])
			b.WriteString(dec)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// parseHTML checks s as Telegram does for parse_mode HTML and returns the
// text a person sees (no tags, entities decoded) and the tokens. On failure
// the error reads like Telegram's 400 description.
func parseHTML(s string) (string, []htmlToken, error) {
	toks, err := tokenizeHTML(s, false)
	if err != nil {
		return "", nil, err
	}
	var (
		stack []htmlToken
		plain strings.Builder
	)
	for _, t := range toks {
		switch t.kind {
		case tokText:
			plain.WriteString(t.text)
		case tokStart:
			stack = append(stack, t)
		case tokEnd:
			if len(stack) == 0 {
				return "", nil, parseError("Unexpected end tag at byte offset %d", t.pos)
			}
			top := stack[len(stack)-1]
			if top.name != t.name {
				return "", nil, parseError("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", t.pos, top.name, t.name)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return "", nil, parseError("Can't find end tag corresponding to start tag %q", stack[len(stack)-1].name)
	}
	return plain.String(), toks, nil
}

// utf16Len counts UTF-16 code units, the unit of Telegram's length limits:
// an emoji outside the BMP counts 2, a Vietnamese letter 1.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if l := utf16.RuneLen(r); l > 0 {
			n += l
		} else {
			n++
		}
	}
	return n
}

// Render turns a Telegram HTML message into the plain text a person reads:
// tags removed, <a href="u">text</a> shown as "text (u)" (just "u" when the
// text is the address), entities decoded, <pre> and <code> kept as their
// text. It never fails: markup Telegram would refuse is rendered as
// literally as possible, so a bad message is still visible.
func Render(html string) string {
	toks, _ := tokenizeHTML(html, true)
	var (
		b     strings.Builder
		links []struct {
			href  string
			start int
		}
	)
	for _, t := range toks {
		switch t.kind {
		case tokText:
			b.WriteString(t.text)
		case tokStart:
			if t.name == "a" {
				links = append(links, struct {
					href  string
					start int
				}{t.attrs["href"], b.Len()})
			}
		case tokEnd:
			if t.name != "a" || len(links) == 0 {
				continue
			}
			l := links[len(links)-1]
			links = links[:len(links)-1]
			text := b.String()[l.start:]
			switch {
			case l.href == "" || l.href == text:
			case text == "":
				b.WriteString(l.href)
			default:
				b.WriteString(" (" + l.href + ")")
			}
		}
	}
	return b.String()
}

// textEscaper escapes text for canonical, built once: building a Replacer
// for every piece of text was a good part of the double's work per message.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// canonical is the content of a message as Telegram compares it for "message
// is not modified": the visible text plus its formatting, independent of how
// the source spelled entities or whether parse_mode was set for plain text.
func canonical(toks []htmlToken) string {
	var b strings.Builder
	for _, t := range toks {
		switch t.kind {
		case tokText:
			b.WriteString(textEscaper.Replace(t.text))
		case tokStart:
			b.WriteString("<" + t.name)
			for _, k := range slices.Sorted(maps.Keys(t.attrs)) {
				b.WriteString(" " + k + "=" + strconv.Quote(t.attrs[k]))
			}
			b.WriteString(">")
		case tokEnd:
			b.WriteString("</" + t.name + ">")
		}
	}
	return b.String()
}
