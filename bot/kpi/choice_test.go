package kpi

import (
	"testing"
)

// TestNumberFormatFollowsWords: the scale and unit words decide the
// separators, not the interface language; a number the words do not decide
// keeps the other reading, for the bot to ask.
func TestNumberFormatFollowsWords(t *testing.T) {
	for _, c := range []struct {
		text, lang, value, other string
	}{
		{"2.150 tỉ đồng", "en", "2150000000000", ""},
		{"2.150 billion VND", "en", "2150000000", ""},
		{"2,150 triệu USD", "en", "2150000", ""},
		{"2,150 million USD", "vi", "2150000000", ""},
		{"2.150 USD", "en", "2.15", "2150"},
		{"$2.150", "en", "2.15", "2150"},
		{"2,150 USD", "en", "2150", ""}, // English thousands: not ambiguous in English
		{"6.4 USD", "en", "6.4", ""},
	} {
		q, err := ParseQuantity(c.text, c.lang)
		if err != nil {
			t.Errorf("%q (%s): %v", c.text, c.lang, err)
			continue
		}
		v, _ := AmountFromRat(q.Value)
		other := ""
		if q.Other != nil {
			o, _ := AmountFromRat(q.Other)
			other = amountText(o)
		}
		if amountText(v) != c.value || other != c.other {
			t.Errorf("%q (%s): %s or %q, want %s or %q", c.text, c.lang, amountText(v), other, c.value, c.other)
		}
	}
}

// TestAmbiguousFigureOffersBoth: one value after two indicators, and
// "2.150" in English with no scale word, are offered as two readings, never
// one picked; ParseUpdate, which cannot ask, refuses.
func TestAmbiguousFigureOffersBoth(t *testing.T) {
	p := DefaultPlan()
	for _, c := range []struct {
		text, lang string
		want       [2]string
	}{
		{"cập nhật xuất khẩu, nhập khẩu tháng 4/2022 Bến Lức: 520 triệu USD", "vi",
			[2]string{"nhap-khau 2022-04 520000000 status= yoy= plan=", "xuat-khau 2022-04 520000000 status= yoy= plan="}},
		{"xuất khẩu và nhập khẩu tháng 4/2022: 520 triệu USD", "vi",
			[2]string{"nhap-khau 2022-04 520000000 status= yoy= plan=", "xuat-khau 2022-04 520000000 status= yoy= plan="}},
		{"update exports April 2022: 2.150 USD", "en",
			[2]string{"xuat-khau 2022-04 2.15 status= yoy= plan=", "xuat-khau 2022-04 2150 status= yoy= plan="}},
	} {
		o := UpdateOptions{Unit: p.Unit("ben-luc"), Lang: c.lang, Now: corpusNow}
		rd, err := p.Read(c.text, o)
		if err != nil || len(rd.Alternatives) != 2 {
			t.Errorf("%q: %d readings, %v; want 2", c.text, len(rd.Alternatives), err)
			continue
		}
		for i, alt := range rd.Alternatives {
			if len(alt) != 1 || figureText(p, alt[0]) != c.want[i] {
				t.Errorf("%q: reading %d is %+v, want %s", c.text, i, alt, c.want[i])
			}
		}
		if _, err := p.ParseUpdate(c.text, o); err == nil {
			t.Errorf("ParseUpdate(%q) picked a reading", c.text)
		}
	}
	// Two indicators each with its value are two figures, not a choice.
	rd, err := p.Read("xuất khẩu tháng 4/2022: 520 triệu USD, nhập khẩu 410 triệu USD", UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: corpusNow})
	if err != nil || len(rd.Alternatives) != 0 || len(rd.Reports) != 2 {
		t.Errorf("two figures: %+v, %v", rd, err)
	}
}
