package kpi

import (
	"strings"
	"testing"
)

// TestCitedPriorPeriod: an earlier period cited for last year's figure
// ("mức tăng 4,8% của quý I/2021") is not the period of the sentence; the
// same months of the plan year are. A figure of that period itself stays
// refused.
func TestCitedPriorPeriod(t *testing.T) {
	text := "GRDP ước tăng 6,5% so với cùng kỳ năm trước, cao hơn mức tăng 4,8% của quý I/2021."
	got, err := readTexts(t, text)
	if want := "grdp 2022-01..03 6.5 status=estimate yoy= plan="; err != nil || strings.Join(got, "\n") != want {
		t.Errorf("%q:\n got %q, %v\nwant %q", text, got, err, want)
	}
	for _, text := range []string{
		"GRDP quý I/2021 tăng 4,8% so với cùng kỳ.",
		"GRDP tăng 6,5%, cao hơn mức tăng 4,8%, của quý I/2021.",
	} {
		if got, err := readTexts(t, text); len(got) > 0 {
			t.Errorf("%q: offered %q (%v); want no figure", text, got, err)
		}
	}
}
