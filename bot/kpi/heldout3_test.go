package kpi

import (
	"strings"
	"testing"
)

// The third held-out part (testdata/holdout3.toml, testdata/questions_holdout2.toml)
// was gathered from 2023–2026 pages of provinces the development sets do not
// draw on, while issue 16's reader and question changes were being made, and
// kept from them: it measures those changes on text they were not fitted to.
// The bars are the issue's: no misread; at least 97% of the sentences whose
// only honest answer is a reading read right, or read with only the period
// asked; at least 95% of real questions answered on the right indicator or
// rightly refused.

// Set 3 was off until its first measurement (16 misreads); it became a
// development set after it and is enforced in every run.

// TestHoldout3 reads every sentence of holdout3.toml as TestCorpus does and
// logs each one not read right with what was expected and what came. Its
// first run, on the reader before issue 16's development pass: 34 of the 46
// readings right and 1 with only the period asked (76.1%), 16 misread.
func TestHoldout3(t *testing.T) {
	const path = "testdata/holdout3.toml"
	p := DefaultPlan()
	cases := loadCorpus(t, path)
	ids := map[string]bool{}
	sentences, reads, right, periodOnly, misreads := 0, 0, 0, 0, 0
	for _, c := range cases {
		if ids[c.ID] {
			t.Errorf("%s: id twice", c.ID)
		}
		ids[c.ID] = true
		if c.Source == "" {
			t.Errorf("%s: no source", c.ID)
		}
		sentences++
		res := readCorpusCase(t, p, c)
		reading := c.Expect == "read" || c.Expect == "period"
		if reading {
			reads++
		}
		switch {
		case res.misread:
			misreads++
			t.Errorf("MISREAD %s (expect %s %s): %q\n%s", c.ID, c.Expect, c.Reason, c.Text, res.why)
		case res.right && reading:
			right++
		case res.right:
		case reading && strings.HasPrefix(res.why, "period asked:"):
			// Read with only the period asked: the issue counts it.
			periodOnly++
			t.Logf("period asked %s: %q\n%s", c.ID, c.Text, res.why)
		default:
			t.Logf("not read %s (expect %s): %q\n%s", c.ID, c.Expect, c.Text, res.why)
		}
	}
	if sentences < 70 || reads < 45 {
		t.Fatalf("%s has %d sentences, %d to be read; want at least 70 and 45", path, sentences, reads)
	}
	share := 100 * float64(right+periodOnly) / float64(reads)
	t.Logf("%s: %d sentences, %d whose honest answer is a reading, %d read right and %d with only the period asked (%.1f%%), %d misread",
		path, sentences, reads, right, periodOnly, share, misreads)
	if misreads > 0 {
		t.Errorf("%d misread; want none", misreads)
	}
	if share < 97 {
		t.Errorf("%.1f%% of the readings read right or with only the period asked; want at least 97%%", share)
	}
}

// TestQuestionHoldout2 measures the second held-out question set. Its first
// run, before issue 16's development pass: 53 of 64 (82.8%).
func TestQuestionHoldout2(t *testing.T) {
	const path = "testdata/questions_holdout2.toml"
	if n := len(loadQuestions(t, path)); n < 50 {
		t.Fatalf("%s has %d questions; want at least 50", path, n)
	}
	right, all := measureQuestions(t, path)
	rate := float64(right) / float64(all)
	t.Logf("held-out questions 2: %d/%d right (%.1f%%)", right, all, 100*rate)
	if rate < 0.95 {
		t.Errorf("held-out questions 2 right: %d/%d = %.1f%%; want at least 95%%", right, all, 100*rate)
	}
}
