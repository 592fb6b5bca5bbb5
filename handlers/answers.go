package handlers

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"

	"tiendo/bot/kpi"
)

// An answer is computed once per change of the data, not once per question:
// every write of figures, plans or users bumps the data version in the same
// script (store), each update's claim reads it, and the rendered answer is
// kept in the process under that version and everything else it depends
// on. A question about unchanged figures then costs a map lookup: no
// figures read, nothing parsed or computed.

// maxAnswers bounds the answers kept: past it, the cache starts afresh.
const maxAnswers = 4096

// answerCache holds rendered answers of one data version, the newest seen.
// The zero value is ready to use.
type answerCache struct {
	mu      sync.Mutex
	version int64
	m       map[string]string
}

// get returns the answer kept under key at version.
func (c *answerCache) get(version int64, key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return "", false
	}
	v, ok := c.m[key]
	return v, ok
}

// put keeps html under key at version. An answer of an older version than
// one already seen is dropped; a newer version forgets every older answer.
func (c *answerCache) put(version int64, key, html string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || c.m == nil || len(c.m) >= maxAnswers:
		c.version, c.m = version, make(map[string]string)
	}
	c.m[key] = html
}

// answerKey is the key of an answer of kind to text for this request, and
// the data version it is kept at; ok is false when the request's claim did
// not read the version (nothing is kept then). The key holds everything an
// answer depends on besides the figures: the plans (their digests), the
// language, who asks (role, unit, known, group chat), the day or, with
// minute, the minute ("as of", pace, the plan in force), and the text as
// written (NFC, spaces collapsed: marks and capitals change a reading).
func (s *session) answerKey(kind, text string, minute bool) (key string, version int64, ok bool) {
	c := s.Caller
	if c == nil {
		return "", 0, false
	}
	layout := "2006-01-02"
	if minute {
		layout = "2006-01-02T15:04"
	}
	var b strings.Builder
	b.WriteString(kind)
	for _, part := range []string{s.lang, string(s.user.Role), s.user.Unit, strconv.FormatBool(s.known), s.ChatType, s.now().Format(layout)} {
		b.WriteByte('|')
		b.WriteString(part)
	}
	years := make([]int, 0, len(c.PlanSums))
	for y := range c.PlanSums {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		b.WriteString("|" + strconv.Itoa(y) + ":" + c.PlanSums[y])
	}
	b.WriteByte('|')
	b.WriteString(strings.Join(strings.Fields(norm.NFC.String(text)), " "))
	return b.String(), c.Version, true
}

// kept returns the answer of kind to text kept for this request, if any.
func (s *session) kept(kind, text string, minute bool) (html, key string, version int64, ok bool) {
	key, version, ok = s.answerKey(kind, text, minute)
	if !ok {
		return "", "", 0, false
	}
	html, hit := s.answers.get(version, key)
	return html, key, version, hit
}

// keep remembers html as the answer under key at version ("" key: not kept).
func (s *session) keep(key string, version int64, html string) {
	if key != "" {
		s.answers.put(version, key, html)
	}
}

// intent is Plan.Intent of text, kept like an answer: it depends on the
// plan, the language and the text alone.
func (s *session) intent(text string) kpi.Intent {
	kept, key, version, hit := s.kept("i", text, false)
	if hit {
		if n, err := strconv.Atoi(kept); err == nil {
			return kpi.Intent(n)
		}
	}
	in := s.Plan.Intent(text, s.lang)
	s.keep(key, version, strconv.Itoa(int(in)))
	return in
}

// maxReadText is the longest text whose reading is kept: questions are
// short, reports long and seldom sent twice.
const maxReadText = 200

// textReading is what the router reads of a message's text before it knows
// what the message is: whether it is small talk, and its folded form. Both
// depend on the text alone, so they are kept per text, as the answers are,
// for every copy of a question that many officials ask in the same words.
type textReading struct {
	small  kpi.SmallTalk
	folded string
}

var readings struct {
	mu sync.Mutex
	m  map[string]textReading
}

// readText is kpi.ReadSmallTalk and kpi.Fold of text, from memory when the
// same text was read before. At most maxAnswers readings are kept.
func readText(text string) textReading {
	if len(text) > maxReadText {
		return textReading{kpi.ReadSmallTalk(text), kpi.Fold(text)}
	}
	readings.mu.Lock()
	r, ok := readings.m[text]
	readings.mu.Unlock()
	if ok {
		return r
	}
	r = textReading{kpi.ReadSmallTalk(text), kpi.Fold(text)}
	readings.mu.Lock()
	if readings.m == nil || len(readings.m) >= maxAnswers {
		readings.m = make(map[string]textReading)
	}
	readings.m[text] = r
	readings.mu.Unlock()
	return r
}
