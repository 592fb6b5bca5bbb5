package outbox

import (
	"strings"
	"testing"
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
