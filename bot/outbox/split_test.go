package outbox

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// Replies longer than Telegram's 4096 UTF-16 units are split on line
// boundaries; every part is within the limit and keeps its tags whole.
func TestSplitKeepsLinesAndLimit(t *testing.T) {
	line := "<b>Kim ngạch xuất khẩu</b> — Bến Lức — tháng 3/2022: 520 triệu USD 🇻🇳"
	var lines []string
	for range 200 {
		lines = append(lines, line)
	}
	text := strings.Join(lines, "\n")
	parts := Split(text, MaxText)
	if len(parts) < 2 {
		t.Fatalf("%d parts for %d UTF-16 units", len(parts), utf16Len(text))
	}
	if got := strings.Join(parts, "\n"); got != text {
		t.Error("the parts do not add up to the text")
	}
	for i, p := range parts {
		if n := utf16Len(p); n > MaxText {
			t.Errorf("part %d has %d UTF-16 units", i, n)
		}
		if strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d cuts a tag", i)
		}
	}
}

func TestSplitOneHugeLineLosesMarkupNotText(t *testing.T) {
	text := "<b>" + strings.Repeat("ạ&", 3000) + "</b>"
	parts := Split(text, MaxText)
	var plain strings.Builder
	for _, p := range parts {
		if utf16Len(p) > MaxText {
			t.Fatalf("part of %d units", utf16Len(p))
		}
		plain.WriteString(strings.ReplaceAll(p, "&amp;", "&"))
	}
	if plain.String() != strings.Repeat("ạ&", 3000) {
		t.Error("text lost in the split")
	}
}

func TestShortTextIsOnePart(t *testing.T) {
	if parts := Split("xin chào", MaxText); len(parts) != 1 || parts[0] != "xin chào" {
		t.Errorf("%q", parts)
	}
}

// utf16Len counts what Telegram counts (emoji two units, an invalid byte
// one) without allocating: every reply is measured before it is sent.
func TestUTF16LenCountsWithoutCopying(t *testing.T) {
	for _, s := range []string{"", "tiến độ xuất khẩu", "📈 Lũy kế 4 tháng: <b>2,1 tỉ</b> 🇻🇳", "a\xffb\xed\xa0\x80c", strings.Repeat("đ😀", 500)} {
		if got, want := utf16Len(s), len(utf16.Encode([]rune(s))); got != want {
			t.Errorf("utf16Len(%q) = %d, want %d", s, got, want)
		}
	}
	reply := strings.Repeat("<b>Kim ngạch xuất khẩu</b>: 2,1 tỉ USD — 📈 đạt 33,4%\n", 6)
	if n := testing.AllocsPerRun(100, func() { _ = Split(reply, MaxText) }); n > 1 {
		t.Errorf("Split of a short reply allocates %v times, want at most 1 (its one part)", n)
	}
}
