package zalo

import (
	"html"
	"regexp"
	"strings"

	"tiendo/bot/outbox"
)

var (
	linkRe = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>(.*?)</a>`)
	brRe   = regexp.MustCompile(`(?i)<br\s*/?>`)
	tagRe  = regexp.MustCompile(`<[^>]*>`)
)

// Plain renders the handlers' Telegram HTML as the plain text Zalo shows:
// tags removed, a link as "text (url)", entities unescaped.
func Plain(h string) string {
	h = linkRe.ReplaceAllStringFunc(h, func(m string) string {
		sub := linkRe.FindStringSubmatch(m)
		url, text := html.UnescapeString(sub[1]), tagRe.ReplaceAllString(sub[2], "")
		if html.UnescapeString(text) == url || url == "" {
			return text
		}
		return text + " (" + html.EscapeString(url) + ")"
	})
	h = brRe.ReplaceAllString(h, "\n")
	return html.UnescapeString(tagRe.ReplaceAllString(h, ""))
}

// Parts cuts an HTML text into plain parts of at most limit characters, on
// line boundaries, in order (outbox.Split on the HTML: each line of the
// replies closes its own tags, and Plain only shortens a line).
func Parts(h string, limit int) []string {
	var out []string
	for _, p := range outbox.Split(h, limit) {
		if t := strings.TrimSpace(Plain(p)); t != "" {
			out = append(out, t)
		}
	}
	return out
}
