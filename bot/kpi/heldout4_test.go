package kpi

import (
	"os"
	"strings"
	"testing"
)

// Held-out set 4 (testdata/holdout4.toml, testdata/questions_holdout3.toml)
// was gathered for issue 16 while the reader and the question reader were
// being changed, and kept away from that work: real report sentences and
// questions from 2023–2026 pages of fifteen provinces, each expected outcome
// written before any run. Its first run is the measurement of the merged
// work, so the tests are off unless TIENDO_HELDOUT4 is set:
//
//	TIENDO_HELDOUT4=1 go test -run 'Holdout4|QuestionHoldout3' -v ./bot/kpi/
//
// First run, on the merged reader (2026-12-06): 51 of the 60 sentences to
// read read right or with only the period asked (85,0%), 8 misread, 105 of
// 110 refusals kept; questions 56/68 (82,4%). The bars are not met; the set
// stays off until the next pass makes it a development set and gathers a
// new held-out one. One of the 8 (h4-qng-xk-nam-vuot: "vượt 14,3% kế
// hoạch", 2,4 against 2,1 tỷ USD) is the reader right and the expectation
// wrong: 114,3% of the plan.

// TestHoldout4 reads every sentence of held-out set 4: none may be misread
// (a figure offered that the sentence does not state), and at least 97% of
// those whose only honest answer is a reading are read exactly, or read with
// only their period asked where the sentence states none (expect =
// "period"). Every miss is logged with what was expected and what came.
func TestHoldout4(t *testing.T) {
	if os.Getenv("TIENDO_HELDOUT4") == "" {
		t.Skip("held-out set 4: measured by the lead after the merge")
	}
	const path = "testdata/holdout4.toml"
	p := DefaultPlan()
	cases := loadCorpus(t, path)
	if len(cases) < 70 {
		t.Fatalf("%s has %d sentences; want at least 70", path, len(cases))
	}
	ids := map[string]bool{}
	var reads, readRight, periods, periodRight, periodAskedStated, shortReads, refusals, refusalsKept, misreads int
	for _, c := range cases {
		if ids[c.ID] {
			t.Errorf("%s: id twice", c.ID)
		}
		ids[c.ID] = true
		if c.Source == "" {
			t.Errorf("%s: no source", c.ID)
		}
		res := readCorpusCase(t, p, c)
		short := false
		if res.misread && strings.HasPrefix(res.why, "got\n") && figuresLeftOut(t, p, c) {
			// Fewer figures than the sentence states, each of them
			// right: nothing offered that it does not state.
			res.misread, short = false, true
			res.why = "figures left out: " + res.why
		}
		switch c.Expect {
		case "read", "period":
			reads++
			if c.Expect == "period" {
				periods++
			}
			if res.right {
				readRight++
				if c.Expect == "period" {
					periodRight++
				}
			} else if strings.HasPrefix(res.why, "period asked:") {
				periodAskedStated++
			}
		default:
			refusals++
			if res.right {
				refusalsKept++
			}
		}
		switch {
		case res.misread:
			misreads++
			t.Errorf("MISREAD %s: %q\n\texpected: %s\n\t%s", c.ID, c.Text, expectedText(t, p, c), res.why)
		case !res.right:
			if short {
				shortReads++
			}
			t.Logf("miss %s: %q\n\texpected: %s\n\t%s", c.ID, c.Text, expectedText(t, p, c), res.why)
		}
	}
	share := 100 * float64(readRight) / float64(max(reads, 1))
	t.Logf("%s: %d sentences; %d whose honest answer is a reading (%d of them without a period): %d read right (%.1f%%; %d of the %d with only the period asked); %d more read but asked for a period they state; %d read with figures left out; %d of %d refusals kept; %d misread",
		path, len(cases), reads, periods, readRight, share, periodRight, periods, periodAskedStated, shortReads, refusalsKept, refusals, misreads)
	if misreads > 0 {
		t.Errorf("%d misread; want none", misreads)
	}
	if share < 97 {
		t.Errorf("%.1f%% of the sentences whose honest answer is a reading read right; want at least 97%%", share)
	}
}

// figuresLeftOut reports whether the sentence was read with fewer figures
// than it states, each of them exactly as expected (a bracket's figures
// for other periods of the plan year left out, say).
func figuresLeftOut(t testing.TB, p *Plan, c corpusCase) bool {
	if c.Expect != "read" && c.Expect != "period" {
		return false
	}
	rd, err := p.Read(c.Text, UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: corpusNow})
	if err != nil || len(rd.Reports) == 0 || len(rd.Reports) >= len(c.Figures) {
		return false
	}
	want := map[string]bool{}
	for _, f := range c.Figures {
		want[wantText(t, p, f)] = true
	}
	for _, r := range rd.Reports {
		if !want[figureText(p, r)] {
			return false
		}
	}
	return true
}

// expectedText is a case's expected outcome in the terms figureText uses.
func expectedText(t testing.TB, p *Plan, c corpusCase) string {
	if c.Expect != "read" && c.Expect != "period" {
		return c.Expect + " (" + c.Reason + ")"
	}
	var want []string
	for _, f := range c.Figures {
		want = append(want, wantText(t, p, f))
	}
	return c.Expect + ": " + strings.Join(want, "; ")
}

// TestQuestionHoldout3 measures held-out questions 3: at least 95% answered
// on the right indicator (and period) or rightly refused; every miss is
// logged with what came and what was expected.
func TestQuestionHoldout3(t *testing.T) {
	if os.Getenv("TIENDO_HELDOUT4") == "" {
		t.Skip("held-out set 4: measured by the lead after the merge")
	}
	const path = "testdata/questions_holdout3.toml"
	qs := loadQuestions(t, path)
	if len(qs) < 50 {
		t.Fatalf("%s has %d questions; want at least 50", path, len(qs))
	}
	for _, q := range qs {
		if q.Source == "" || q.Want == "" {
			t.Errorf("%q: no source or no expected outcome", q.Text)
		}
	}
	right, all := measureQuestions(t, path)
	rate := float64(right) / float64(all)
	t.Logf("%s: %d/%d right (%.1f%%)", path, right, all, 100*rate)
	if rate < 0.95 {
		t.Errorf("held-out questions 3 right: %d/%d = %.1f%%; want at least 95%%", right, all, 100*rate)
	}
}
