package kpi

import (
	"strings"
	"testing"
)

// wrongIndicator reports whether outcome got answers on an indicator when
// want asks for another one or for none: a question answered on the wrong
// thing, worse than a refusal.
func wrongIndicator(want, got string) bool {
	ind := func(s string) string {
		for _, k := range []string{"answer:", "define:"} {
			if rest, ok := strings.CutPrefix(s, k); ok {
				id, _, _ := strings.Cut(rest, ":")
				return id
			}
		}
		return ""
	}
	return ind(got) != "" && ind(got) != ind(want)
}

// TestQuestionCorpus2023: the questions of 2023–2026 (testdata/questions2023.toml):
// at least 95% right, and none taken as a report or answered on a wrong
// indicator. The first batch (105) at first sight, before the rules were
// changed for it: 91 (86.7%), 3 of the misses answered on an indicator
// they do not ask about and 1 taken as a report; after the change 103.
// The second batch (39), gathered after that change: 35 at first sight
// (89.7%; "tổng sản phẩm trong nước" answered as GRDP, "nhập khẩu ô tô",
// "IIP ngành chế biến chế tạo", "… của 6 thành phố" asked ghi hay xem),
// then taught. The third batch (34), gathered after that: 31 at first
// sight (91.2%; "xuất khẩu của doanh nghiệp FDI" answered as exports, "IIP
// là viết tắt của gì?" not as a definition, "… có đạt 7% không?" asked
// ghi hay xem), then taught. Now 176 of 178. The two kept are headlines of a change
// alone ("Tổng mức bán lẻ … tăng 9,4%"), annotated as reports: the bot
// asks "ghi hay xem?", as it does for "xuất khẩu tăng 12%" (TestIntent).
func TestQuestionCorpus2023(t *testing.T) {
	p := DefaultPlan()
	cases := loadQuestions(t, "testdata/questions2023.toml")
	right := 0
	for _, c := range cases {
		if c.Source == "" {
			t.Errorf("%q: no source", c.Text)
		}
		got := questionOutcome(p, c.Text)
		switch {
		case questionRight(c.Want, got):
			right++
			continue
		case got == "report":
			t.Errorf("%q: taken as a report, want %s (%s)", c.Text, c.Want, c.Source)
		case wrongIndicator(c.Want, got):
			t.Errorf("%q: answered %s, want %s (%s)", c.Text, got, c.Want, c.Source)
		}
		t.Logf("%q: got %s, want %s (%s)", c.Text, got, c.Want, c.Source)
	}
	rate := float64(right) / float64(len(cases))
	t.Logf("questions 2023–2026: %d/%d right (%.1f%%)", right, len(cases), 100*rate)
	if rate < 0.95 {
		t.Errorf("questions 2023–2026 right: %d/%d = %.1f%%; want at least 95%%", right, len(cases), 100*rate)
	}
}
