// Package locales holds every sentence Tiến Độ says, in Vietnamese (the
// default) and English, as go-i18n message files embedded in the binary, and
// the small Catalog that renders them.
//
// Every reply is Telegram HTML, and go-i18n's templates are text/template,
// which escapes nothing: Catalog therefore HTML-escapes every string it is
// given as data. Markup built by the caller travels as HTML and is trusted.
package locales

import (
	"embed"
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.vi.toml active.en.toml
var files embed.FS

// Languages are the languages the bot speaks, default first.
var Languages = []string{"vi", "en"}

// HTML is markup the caller built from escaped parts; Catalog does not escape it.
type HTML string

// Catalog renders messages by id in a language.
type Catalog struct {
	bundle *i18n.Bundle
	loc    map[string]*i18n.Localizer
	// Missing is called when a message is missing or fails to render; the
	// reply then carries the id, which tests catch.
	Missing func(lang, id string, err error)
}

// Load parses the embedded message files. It fails only on a malformed file,
// which the locales tests catch before a build ships.
func Load() (*Catalog, error) {
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages {
		if _, err := b.LoadMessageFileFS(files, "active."+l+".toml"); err != nil {
			return nil, fmt.Errorf("locales: %w", err)
		}
	}
	c := &Catalog{bundle: b, loc: map[string]*i18n.Localizer{}}
	for _, l := range Languages {
		c.loc[l] = i18n.NewLocalizer(b, l)
	}
	return c, nil
}

// Lang maps a Telegram language_code ("en", "en-US", "vi") or a user's
// choice to a language the bot speaks; anything else is Vietnamese.
func Lang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, l := range Languages {
		if code == l || strings.HasPrefix(code, l+"-") || strings.HasPrefix(code, l+"_") {
			return l
		}
	}
	return Languages[0]
}

// T renders message id in lang with key/value pairs of data.
func (c *Catalog) T(lang, id string, kv ...any) string {
	return c.render(lang, id, nil, kv)
}

// N renders the plural form of id for count; {{.Count}} is available.
func (c *Catalog) N(lang, id string, count int, kv ...any) string {
	return c.render(lang, id, count, kv)
}

func (c *Catalog) render(lang, id string, count any, kv []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		data[k] = escape(kv[i+1])
	}
	if count != nil {
		data["Count"] = count
	}
	l, ok := c.loc[Lang(lang)]
	if !ok {
		l = c.loc[Languages[0]]
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		if c.Missing != nil {
			c.Missing(lang, id, err)
		}
		if s == "" {
			return "[" + id + "]"
		}
	}
	return s
}

func escape(v any) any {
	switch v := v.(type) {
	case HTML:
		return string(v)
	case string:
		return html.EscapeString(v)
	case fmt.Stringer:
		return html.EscapeString(v.String())
	}
	return v
}

// IDs returns the message ids defined in lang's file, sorted; for tests and tools.
func IDs(lang string) ([]string, error) {
	data, err := files.ReadFile("active." + lang + ".toml")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// IsPlural reports whether message id in lang has plural forms.
func IsPlural(lang, id string) bool {
	data, err := files.ReadFile("active." + lang + ".toml")
	if err != nil {
		return false
	}
	var m map[string]any
	if toml.Unmarshal(data, &m) != nil {
		return false
	}
	t, ok := m[id].(map[string]any)
	if !ok {
		return false
	}
	_, other := t["other"]
	return other
}
