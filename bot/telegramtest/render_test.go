package telegramtest

import (
	"html"
	"testing"
	"unicode/utf8"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain", "Tiến độ xuất khẩu", "Tiến độ xuất khẩu"},
		{"tags removed", "<b>Xuất khẩu</b>: <i>2,51 tỉ USD</i> (39,2%)", "Xuất khẩu: 2,51 tỉ USD (39,2%)"},
		{"link shows its address", `Xem <a href="https://congthuong.longan.gov.vn">kế hoạch</a>.`, "Xem kế hoạch (https://congthuong.longan.gov.vn)."},
		{"link whose text is the address", `<a href="https://x.vn">https://x.vn</a>`, "https://x.vn"},
		{"formatted link text", `<a href="tg://user?id=42"><b>Lan</b></a>`, "Lan (tg://user?id=42)"},
		{"entities decoded", "&lt;5% &amp; &quot;x&quot; &#39;y&#39; &#x1F4C8; &#34;", `<5% & "x" 'y' 📈 "`},
		{"unknown entity kept", "a&nbsp;b & c", "a&nbsp;b & c"},
		{"pre and code kept", "<pre><code class=\"language-text\">XK   520\nNK   410</code></pre> và <code>/tiendo</code>", "XK   520\nNK   410 và /tiendo"},
		{"spoiler and quote", "<blockquote>trích</blockquote><tg-spoiler>bí mật</tg-spoiler>", "tríchbí mật"},
		{"markup Telegram refuses is shown literally", "a < b <div>c</div>", "a < b <div>c</div>"},
		{"unbalanced end tag ignored", "x</b>y", "xy"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Render(tc.in); got != tc.want {
				t.Errorf("Render(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want int
	}{
		{"ascii", "abc", 3},
		{"precomposed Vietnamese", "Tiến độ", 7},
		{"decomposed Vietnamese counts each mark", "Tie\u0302\u0301n", 6},
		{"emoji outside the BMP", "📈", 2},
		{"invalid byte", "\xff", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := utf16Len(tc.in); got != tc.want {
				t.Errorf("utf16Len(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzRenderAndParse checks what a reader of the terminal and of the tests'
// transcripts relies on: a message Telegram accepts (parseHTML succeeds)
// and that has no link renders to exactly the text Telegram shows, and any
// text escaped as the bot escapes it renders back to itself.
func FuzzRenderAndParse(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "<a href='u'>t</a>", "&#x1F4C8;&lt;", "<pre><code>", "a<b", "&#99999999;",
		"<b>Xuất khẩu</b>: 6,4 tỉ", "&amp;lt;", "<i>a&gt;b</i>", "&#39;&quot;", "<code>x < y</code>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		out := Render(s)
		if plain, toks, err := parseHTML(s); err == nil && !hasLink(toks) && out != plain {
			t.Errorf("Render(%q) = %q, but Telegram shows %q", s, out, plain)
		}
		escaped := html.EscapeString(s)
		if got := Render(escaped); got != s {
			t.Errorf("Render(%q) = %q, want the text escaped, %q", escaped, got, s)
		}
	})
}

func hasLink(toks []htmlToken) bool {
	for _, t := range toks {
		if t.name == "a" {
			return true
		}
	}
	return false
}
