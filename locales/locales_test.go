package locales

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Both languages hold the same ids, and every message renders in both,
// plural ones with counts 0, 1 and 2, without go-i18n reporting an error.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	c.Missing = func(lang, id string, err error) { failures = append(failures, lang+" "+id+": "+err.Error()) }
	vi, err := IDs("vi")
	if err != nil {
		t.Fatal(err)
	}
	en, err := IDs("en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(vi, " ") != strings.Join(en, " ") {
		t.Fatalf("ids differ:\nvi %v\nen %v", diff(vi, en), diff(en, vi))
	}
	for _, lang := range Languages {
		for _, id := range vi {
			if IsPlural(lang, id) {
				for _, n := range []int{0, 1, 2} {
					if s := c.N(lang, id, n); s == "" || strings.HasPrefix(s, "[") {
						t.Errorf("%s %s count %d rendered %q", lang, id, n, s)
					}
				}
				continue
			}
			if s := c.T(lang, id); s == "" || strings.HasPrefix(s, "["+id) {
				t.Errorf("%s %s rendered %q", lang, id, s)
			}
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// Data is escaped: a name with markup cannot inject HTML into a reply.
func TestDataIsEscaped(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := c.T("vi", "Stranger", "Name", "<b>Bob</b> & co", "ID", 42)
	if strings.Contains(got, "<b>Bob") || !strings.Contains(got, "&lt;b&gt;Bob&lt;/b&gt; &amp; co") {
		t.Errorf("not escaped: %s", got)
	}
	if got := c.T("en", "OverviewLine", "Mark", "", "Name", "x", "Summary", HTML("<i>kept</i>")); !strings.Contains(got, "<i>kept</i>") {
		t.Errorf("trusted HTML was escaped: %s", got)
	}
}

func TestLang(t *testing.T) {
	for code, want := range map[string]string{"vi": "vi", "en": "en", "en-US": "en", "EN": "en", "fr": "vi", "": "vi"} {
		if got := Lang(code); got != want {
			t.Errorf("Lang(%q) = %q, want %q", code, got, want)
		}
	}
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// Vietnamese "one" covers 0 as well as 1 (CLDR: i = 0 or n = 1): a plural
// message must not print a count it was not given.
func TestVietnameseOneFormCoversZero(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := IDs("vi")
	for _, id := range ids {
		if !IsPlural("vi", id) {
			continue
		}
		for _, n := range []int{0, 1} {
			s := c.N("vi", id, n)
			other := "1"
			if n == 1 {
				other = "0"
			}
			if strings.Contains(s, " "+other+" ") {
				t.Errorf("vi %s with count %d says %q: %s", id, n, other, s)
			}
		}
	}
}

// Every refusal the domain can give, every status, comparison basis and
// role a read-back can name, has its message: a missing one would show
// the user "[ErrX]".
func TestEveryDomainWordHasAMessage(t *testing.T) {
	ids, err := IDs("vi")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	files, err := filepath.Glob("../bot/kpi/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no domain sources: %v", err)
	}
	errID := regexp.MustCompile(`(?m)^\s*(Err[A-Za-z]+)\s*=\s*"(Err[A-Za-z]+)"`)
	word := regexp.MustCompile(`(?m)^\s*(?:Role[A-Za-z]+\s+Role|[A-Za-z]+\s+(Status|Basis))\s*=\s*"([a-z-]+)"`)
	roleID := func(r string) string {
		parts := strings.Split(r, "-")
		for i, p := range parts {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
		return strings.Join(parts, "")
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range errID.FindAllStringSubmatch(string(src), -1) {
			n++
			if !have[m[2]] && m[2] != "errWordsOnly" {
				t.Errorf("%s: refusal %s has no message", filepath.Base(f), m[2])
			}
		}
		for _, m := range word.FindAllStringSubmatch(string(src), -1) {
			var id string
			switch m[1] {
			case "Status":
				id = "Status_" + m[2]
			case "Basis":
				id = "Stated_" + m[2]
			default:
				id = "Role_" + roleID(m[2])
			}
			n++
			if !have[id] {
				t.Errorf("%s: %q has no message %s", filepath.Base(f), m[2], id)
			}
		}
	}
	if n < 40 {
		t.Errorf("found %d domain words; the patterns no longer match the sources", n)
	}
}
