package kpi

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FuzzParseQuantity: never panics; an accepted quantity was written in the
// input (its text is part of it), and the number before its scale words is
// made of digits the user typed, in that order.
func FuzzParseQuantity(f *testing.F) {
	for _, c := range quantityCases {
		f.Add(c.text, c.lang)
		f.Add(norm.NFD.String(c.text), c.lang)
	}
	for _, s := range []string{"1,2,3", "-5", "âm 5", "15/06/2022", "$", "1.", ",5", "9.999.999.999.999 tỉ USD"} {
		f.Add(s, "vi")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		q, err := ParseQuantity(text, lang)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseQuantity(%q): %v is not a *kpi.Error", text, err)
			}
			return
		}
		if q.Value == nil || q.Value.Sign() < 0 {
			t.Fatalf("ParseQuantity(%q) accepted %v", text, q.Value)
		}
		if q.Text == "" || !strings.Contains(text, q.Text) {
			t.Fatalf("ParseQuantity(%q): matched text %q is not part of the input", text, q.Text)
		}
		number := FormatDecimal(new(big.Rat).Quo(q.Value, pow10(int(q.Scale))), 40, "en")
		d := strings.TrimLeft(digitsOnly(number), "0")
		if d != "" && !strings.Contains(digitsOnly(text), d) {
			t.Fatalf("ParseQuantity(%q) = %s (digits %s): not digits of the input", text, number, d)
		}
		// Whatever was read can be converted without a panic.
		p := DefaultPlan()
		for i := range p.Indicators {
			_, _ = p.Indicators[i].ToAmount(q)
		}
	})
}

// FuzzParseQuestion: never panics, and a question without an error always
// names an indicator; an error is always a refusal (*kpi.Error).
func FuzzParseQuestion(f *testing.F) {
	for _, c := range questionCases {
		f.Add(c.text)
		f.Add(norm.NFD.String(c.text))
	}
	for _, c := range periodCases {
		f.Add(c.text)
	}
	for _, c := range indicatorCases {
		f.Add(c.text)
	}
	for _, s := range []string{"", "/", "/@", "tháng 13", "\xff", "quý vị", "15/06/2022"} {
		f.Add(s)
	}
	p := DefaultPlan()
	f.Fuzz(func(t *testing.T, text string) {
		q, err := p.ParseQuestion(text)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseQuestion(%q): %v is not a *kpi.Error", text, err)
			}
			return
		}
		if q.Indicator == nil {
			t.Fatalf("ParseQuestion(%q) gave no indicator and no error", text)
		}
		if !q.Period.IsZero() && !q.Period.Valid() {
			t.Fatalf("ParseQuestion(%q) gave period %+v", text, q.Period)
		}
	})
}

// FuzzFold: the span-keeping fold agrees with Fold, its spans lie inside
// the input, and cutting a period out of text never invents text.
func FuzzFold(f *testing.F) {
	for _, c := range periodCases {
		f.Add(c.text)
		f.Add(norm.NFD.String(c.text))
	}
	f.Add("한국어 \u1100\u1161\u11a8 \xff")
	f.Fuzz(func(t *testing.T, text string) {
		fm := foldMap(text, "")
		if !utf8.ValidString(text) {
			return // Fold's output for broken UTF-8 is not a contract
		}
		if fm.s != Fold(text) {
			t.Fatalf("foldMap(%q) = %q; Fold = %q", text, fm.s, Fold(text))
		}
		for i := range fm.s {
			if fm.start[i] < 0 || fm.end[i] > len(text) || fm.start[i] >= fm.end[i] {
				t.Fatalf("foldMap(%q): byte %d from [%d,%d)", text, i, fm.start[i], fm.end[i])
			}
		}
		_, rest, found, _ := ParsePeriod(text, 2022)
		if !found && rest != text {
			t.Fatalf("ParsePeriod(%q) changed the text to %q without finding a period", text, rest)
		}
		if len(rest) > len(text) {
			t.Fatalf("ParsePeriod(%q) rest %q is longer than the text", text, rest)
		}
	})
}
