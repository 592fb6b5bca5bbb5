package kpi

import (
	"errors"
	"math/big"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// wantError fails t unless err is a *Error with id and, for each key in
// data, that value.
func wantError(t *testing.T, err error, id string, data map[string]string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v; want *kpi.Error %s", err, id)
	}
	if e.ID != id {
		t.Fatalf("error %v; want %s", err, id)
	}
	for k, v := range data {
		if e.Data[k] != v {
			t.Errorf("%s data %s = %q; want %q", id, k, e.Data[k], v)
		}
	}
}

func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad rat %q", s)
	}
	return r
}

type quantityCase struct {
	name, text, lang string
	value            string // exact, in base units
	measure          Measure
	matched          string
	scale            Scale
}

// quantityCases are the figures reporters write, as the design lists them.
var quantityCases = []quantityCase{
	{"vi billions USD", "6,4 tỉ USD", "vi", "6400000000", USD, "6,4 tỉ USD", Billion},
	{"vi tỷ spelling", "6,4 tỷ USD", "vi", "6400000000", USD, "6,4 tỷ USD", Billion},
	{"vi no marks", "6,4 ti usd", "vi", "6400000000", USD, "6,4 ti usd", Billion},
	{"vi millions USD", "520 triệu USD", "vi", "520000000", USD, "520 triệu USD", Million},
	{"vi trieu no marks", "520 trieu usd", "vi", "520000000", USD, "520 trieu usd", Million},
	{"vi tr", "520tr USD", "vi", "520000000", USD, "520tr USD", Million},
	{"vi tr spaced", "520 tr", "vi", "520000000", "", "520 tr", Million},
	{"vi thousands group dong", "2.150 tỉ đồng", "vi", "2150000000000", VND, "2.150 tỉ đồng", Billion},
	{"vi thousands plain", "96.400", "vi", "96400", "", "96.400", One},
	{"vi decimal and group", "1.234,5", "vi", "1234.5", "", "1.234,5", One},
	{"vi decimal comma", "6,4", "vi", "6.4", "", "6,4", One},
	{"vi dot decimal not three digits", "6.4", "vi", "6.4", "", "6.4", One},
	{"vi comma then three digits is decimal", "6,400", "vi", "6.4", "", "6,400", One},
	{"vi several groups", "96.400.000.000", "vi", "96400000000", "", "96.400.000.000", One},
	{"vi zero point", "0.500", "vi", "0.5", "", "0.500", One},
	{"vi percent", "99,97%", "vi", "99.97", Percent, "99,97%", One},
	{"vi percent spaced", "6,5 %", "vi", "6.5", Percent, "6,5 %", One},
	{"MWp", "49 MWp", "vi", "49", MWp, "49 MWp", One},
	{"mwp lower", "49mwp", "vi", "49", MWp, "49mwp", One},
	{"plain integer", "520", "vi", "520", "", "520", One},
	{"nghìn", "500 nghìn USD", "vi", "500000", USD, "500 nghìn USD", Thousand},
	{"ngàn", "500 ngàn đồng", "vi", "500000", VND, "500 ngàn đồng", Thousand},
	{"nghin no marks", "500 nghin dong", "vi", "500000", VND, "500 nghin dong", Thousand},
	{"k", "500k", "vi", "500000", "", "500k", Thousand},
	{"nghìn tỉ", "96,4 nghìn tỉ đồng", "vi", "96400000000000", VND, "96,4 nghìn tỉ đồng", 12},
	{"VNĐ", "2.150 tỉ VNĐ", "vi", "2150000000000", VND, "2.150 tỉ VNĐ", Billion},
	{"VND", "2150 tỉ VND", "vi", "2150000000000", VND, "2150 tỉ VND", Billion},
	{"đ", "2.150 tỉ đ", "vi", "2150000000000", VND, "2.150 tỉ đ", Billion},
	{"đô", "520 triệu đô", "vi", "520000000", USD, "520 triệu đô", Million},
	{"đô la", "520 triệu đô la", "vi", "520000000", USD, "520 triệu đô la", Million},
	{"dollars", "520 million dollars", "en", "520000000", USD, "520 million dollars", Million},
	{"dollar sign", "$520 million", "en", "520000000", USD, "$520 million", Million},
	{"US dollar sign", "US$6.4 billion", "en", "6400000000", USD, "US$6.4 billion", Billion},
	{"dollar sign after", "520$", "vi", "520", USD, "520$", One},
	{"en billion", "6.4 billion USD", "en", "6400000000", USD, "6.4 billion USD", Billion},
	{"en bn", "6.4bn", "en", "6400000000", "", "6.4bn", Billion},
	{"en b stuck", "$6.4b", "en", "6400000000", USD, "$6.4b", Billion},
	{"en m stuck", "520m", "en", "520000000", "", "520m", Million},
	{"en m one space", "520 m USD", "en", "520000000", USD, "520 m USD", Million},
	{"en mn", "520 mn", "en", "520000000", "", "520 mn", Million},
	{"en thousand", "500 thousand", "en", "500000", "", "500 thousand", Thousand},
	{"en thousands group", "96,400", "en", "96400", "", "96,400", One},
	{"en decimal", "6.4", "en", "6.4", "", "6.4", One},
	{"en decimal and group", "1,234.5", "en", "1234.5", "", "1,234.5", One},
	{"en comma decimal short", "6,4", "en", "6.4", "", "6,4", One},
	{"en dot then three digits is decimal", "96.400", "en", "96.4", "", "96.400", One},
	{"both marks last wins in vi", "1,234.5", "vi", "1234.5", "", "1,234.5", One},
	{"both marks last wins in en", "1.234,5", "en", "1234.5", "", "1.234,5", One},
	{"USD before", "USD 520 million", "en", "520000000", USD, "USD 520 million", Million},
	{"inside a sentence", "xuất khẩu: 520 triệu USD nhé", "vi", "520000000", USD, "520 triệu USD", Million},
	{"sentence full stop", "Kết quả 6,4.", "vi", "6.4", "", "6,4", One},
	{"skips a date", "ngày 15/06/2022 đạt 520 triệu USD", "vi", "520000000", USD, "520 triệu USD", Million},
	{"skips a time", "17:00 đạt 5 tỉ", "vi", "5000000000", "", "5 tỉ", Billion},
	{"skips a code", "T3 520 triệu USD", "vi", "520000000", USD, "520 triệu USD", Million},
	{"range takes the first", "6,5-7%", "vi", "6.5", "", "6,5", One},
	{"tí is not tỉ", "5 tí", "vi", "5", "", "5", One},
	{"bare d is not a unit", "10 d", "vi", "10", "", "10", One},
	{"bare do is not a unit", "10 do mua", "vi", "10", "", "10", One},
	{"m far away is not million", "520  m", "en", "520", "", "520", One},
	{"zero", "0 USD", "vi", "0", USD, "0 USD", One},
	{"minus zero is zero", "-0", "vi", "0", "", "-0", One},
}

func TestParseQuantity(t *testing.T) {
	for _, c := range quantityCases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				q, err := ParseQuantity(form.text, c.lang)
				if err != nil {
					t.Fatalf("ParseQuantity(%q, %s): %v", form.text, c.lang, err)
				}
				if q.Value.Cmp(rat(t, c.value)) != 0 || q.Measure != c.measure || q.Scale != c.scale {
					t.Errorf("ParseQuantity(%q, %s) = %s %q scale %d; want %s %q scale %d",
						c.text, c.lang, q.Value.FloatString(3), q.Measure, q.Scale, c.value, c.measure, c.scale)
				}
				if norm.NFC.String(q.Text) != c.matched {
					t.Errorf("matched %q; want %q", q.Text, c.matched)
				}
			})
		}
	}
}

func TestParseQuantityRefuses(t *testing.T) {
	cases := []struct {
		name, text, lang, id, quoted string
	}{
		{"no number", "xuất khẩu", "vi", ErrNumberUnreadable, "xuất khẩu"},
		{"empty", "  ", "vi", ErrNumberUnreadable, ""},
		{"groups of one", "1,2,3", "vi", ErrNumberUnreadable, "1,2,3"},
		{"bad thousands group", "1.23.456", "vi", ErrNumberUnreadable, "1.23.456"},
		{"two decimal marks", "1.234,5,6", "vi", ErrNumberUnreadable, "1.234,5,6"},
		{"long first group", "1234.567", "vi", ErrNumberUnreadable, "1234.567"},
		{"too many digits", "1234567890123456789012345678901", "vi", ErrNumberUnreadable, "1234567890123456789012345678901"},
		{"only a date", "15/06/2022", "vi", ErrNumberUnreadable, "15/06/2022"},
		{"minus", "-5", "vi", ErrNegative, "-5"},
		{"minus with unit", "xuất khẩu: -520 triệu USD", "vi", ErrNegative, "-520 triệu USD"},
		{"unicode minus", "−5 tỉ", "vi", ErrNegative, "−5 tỉ"},
		{"âm", "âm 5 tỉ đồng", "vi", ErrNegative, "âm 5 tỉ đồng"},
		{"am without marks", "am 5", "vi", ErrNegative, "am 5"},
		{"minus dollars", "-$5", "en", ErrNegative, "-$5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := ParseQuantity(c.text, c.lang)
			if err == nil {
				t.Fatalf("ParseQuantity(%q) = %v %q; want %s", c.text, q.Value, q.Measure, c.id)
			}
			wantError(t, err, c.id, map[string]string{"text": c.quoted})
		})
	}
	// English has no "âm": "am 5" there is not a sign.
	if q, err := ParseQuantity("I am 5", "en"); err != nil || q.Value.Cmp(big.NewRat(5, 1)) != 0 {
		t.Errorf(`ParseQuantity("I am 5", en) = %v, %v; want 5`, q.Value, err)
	}
}

func TestToAmount(t *testing.T) {
	p := DefaultPlan()
	cases := []struct {
		name, ind, text, lang string
		want                  string // Amount.String(), when no error
		id                    string
		data                  map[string]string
	}{
		{"exports in millions", "xuat-khau", "520 triệu USD", "vi", "520000000", "", nil},
		{"exports in billions", "xuat-khau", "2,51 tỉ USD", "vi", "2510000000", "", nil},
		{"exports scale only", "xuat-khau", "520 triệu", "vi", "520000000", "", nil},
		{"exports english", "xuat-khau", "$520 million", "en", "520000000", "", nil},
		{"exports unit only", "xuat-khau", "520 USD", "vi", "520", "", nil},
		{"retail", "ban-le", "2.150 tỉ đồng", "vi", "2150000000000", "", nil},
		{"retail scale only", "ban-le", "2.150 tỉ", "vi", "2150000000000", "", nil},
		{"growth bare", "grdp", "6,8", "vi", "6.8", "", nil},
		{"growth percent", "grdp", "6,8%", "vi", "6.8", "", nil},
		{"iip english", "iip", "7.5%", "en", "7.5", "", nil},
		{"electricity", "ho-dung-dien", "99,97%", "vi", "99.97", "", nil},
		{"count", "cum-cong-nghiep", "2", "vi", "2", "", nil},
		{"exports in dong", "xuat-khau", "520 tỉ đồng", "vi", "", ErrWrongMeasure, map[string]string{"got": "VND", "want": "USD", "text": "520 tỉ đồng", "example": "6,4 tỉ USD", "example_en": "6.4 billion USD"}},
		{"retail in dollars", "ban-le", "5 triệu USD", "vi", "", ErrWrongMeasure, map[string]string{"got": "USD", "want": "VND"}},
		{"growth in dollars", "grdp", "6,4 tỉ", "vi", "", ErrWrongMeasure, map[string]string{"got": "6,4 tỉ", "want": "%", "text": "6,4 tỉ", "example": "6,5%"}},
		{"count in percent", "cum-cong-nghiep", "2%", "vi", "", ErrWrongMeasure, map[string]string{"got": "%", "want": "item"}},
		{"bare exports", "xuat-khau", "520", "vi", "", ErrNeedUnit, map[string]string{"example": "520 triệu USD", "example_en": "520 million USD", "text": "520"}},
		{"bare retail", "ban-le", "2.150", "vi", "", ErrNeedUnit, map[string]string{"example": "2.150 tỉ đồng", "example_en": "2,150 billion VND"}},
		{"bare imports english", "nhap-khau", "410", "en", "", ErrNeedUnit, map[string]string{"example": "410 triệu USD", "example_en": "410 million USD"}},
		{"fractional count", "cua-hang-tien-ich", "1,5", "vi", "", ErrNotWhole, map[string]string{"text": "1,5"}},
		{"too precise", "grdp", "6,8125%", "vi", "", ErrTooPrecise, map[string]string{"text": "6,8125%"}},
		{"too large", "xuat-khau", "9.999.999.999.999 tỉ USD", "vi", "", ErrTooLarge, nil},
		// The ceilings: 1000 times the year's target, 1000 percent points.
		{"exports at the ceiling", "xuat-khau", "6.400 tỉ USD", "vi", "6400000000000", "", nil},
		{"exports above the ceiling", "xuat-khau", "9.000.000 tỉ USD", "vi", "", ErrAboveCeiling, map[string]string{"text": "9.000.000 tỉ USD", "max": "6.400 tỉ USD", "max_en": "6,400 billion USD"}},
		// Retail's ceiling (96,4·10^15 đồng) is beyond what an Amount holds:
		// there ErrTooLarge bites first, and sums are checked (Amount.Add).
		{"imports above the ceiling", "nhap-khau", "5.000,001 tỉ USD", "vi", "", ErrAboveCeiling, map[string]string{"max": "5.000 tỉ USD"}},
		{"growth of 1000 percent", "grdp", "1000%", "vi", "1000", "", nil},
		{"growth above 1000 percent", "grdp", "1001%", "vi", "", ErrAboveCeiling, map[string]string{"text": "1001%"}},
		{"stores above the ceiling", "cua-hang-tien-ich", "10001", "vi", "", ErrAboveCeiling, map[string]string{"text": "10001"}},
		{"growth above 1000 percent is no matter of scale", "grdp", "1500%", "vi", "", ErrAboveCeiling, map[string]string{"percent": "1"}},
		// A share cannot be over 100%: refused, never a second press.
		{"share of 100 percent", "ho-dung-dien", "100%", "vi", "100", "", nil},
		{"share above 100 percent", "ho-dung-dien", "100,5%", "vi", "", ErrShareAbove100, map[string]string{"text": "100,5%"}},
		{"milestone", "dien-mat-troi", "49 MWp", "vi", "", ErrNotANumber, map[string]string{"indicator": "dien-mat-troi", "stages": "thi-cong, lap-dat, nghiem-thu, dong-dien"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := ParseQuantity(c.text, c.lang)
			if err != nil {
				t.Fatalf("ParseQuantity(%q): %v", c.text, err)
			}
			a, err := p.Indicator(c.ind).ToAmount(q)
			if c.id != "" {
				if err == nil {
					t.Fatalf("%s.ToAmount(%q) = %s; want %s", c.ind, c.text, a, c.id)
				}
				wantError(t, err, c.id, c.data)
				return
			}
			if err != nil || a.String() != c.want {
				t.Errorf("%s.ToAmount(%q) = %s, %v; want %s", c.ind, c.text, a, err, c.want)
			}
		})
	}
}
