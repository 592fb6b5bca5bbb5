package telegramtest

import "testing"

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

func FuzzRenderAndParse(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "<a href='u'>t</a>", "&#x1F4C8;&lt;", "<pre><code>", "a<b", "&#99999999;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Render(s)
		if plain, _, err := parseHTML(s); err == nil && utf16Len(plain) > utf16Len(out) {
			t.Errorf("Render(%q) = %q is shorter than the parsed text %q", s, out, plain)
		}
	})
}
