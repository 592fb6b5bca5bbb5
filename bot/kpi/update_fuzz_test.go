package kpi

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// significantDigits returns the digits of |a| in base units without leading
// and trailing zeros: 520000000 USD gives "52", 2,51 tỉ "251", -2,5% "25".
// Scale words only add zeros, so these digits were typed, in this order.
func significantDigits(a Amount) string {
	r := new(big.Rat).Abs(a.Rat())
	d := digitsOnly(FormatDecimal(r, 3, "en"))
	return strings.Trim(d, "0")
}

// compoundAmount is a scale followed by a smaller one ("2 tỷ 696 triệu").
var compoundAmount = regexp.MustCompile(`\d\s*(ty|ti|b)\s*\d+\s*(trieu|tr|nghin|ngan|m|k)\b`)

// namesIndicator reports whether text names ind by one of its names.
func namesIndicator(text string, ind *Indicator) bool {
	toks := wordTokens(text)
	for _, ph := range ind.phrases() {
		for i := range toks {
			if _, _, ok := matchPhrase(toks, i, ph, true); ok {
				return true
			}
		}
	}
	return false
}

// FuzzParseUpdate: never panics; every refusal is a *kpi.Error; at most
// MaxReportsPerUpdate reports, each for an indicator and unit of the plan;
// every figure accepted is made of digits the user typed, and is linked to
// its indicator: the words it was read from (its Quote) are the user's,
// hold the value's digits and name the indicator; periods are finished,
// dates not in the future, items named, stages real.
func FuzzParseUpdate(f *testing.F) {
	for _, c := range updateCases {
		for _, text := range []string{c.text, norm.NFD.String(c.text)} {
			f.Add(text, c.lang == "en", c.unit != "")
		}
	}
	for _, s := range []string{
		"", "/capnhat", "/capnhat@Bot\n\n", "cập nhật", "kim ngạch: 520 triệu USD", "xuất khẩu tháng 13: 5 triệu USD",
		"IIP: −2%", "IIP giảm -2%", "xk t3 -520 trieu usd", "CCN: 2", "CCN 31/02/2022", "CCN 1/1/1",
		"điện mặt trời hoàn thành", "xuất khẩu 520 triệu USD, nhập khẩu 410 triệu USD", "\xff\n\xfe",
		"TTC Đức Huệ 2 đóng điện 30/06/22", "xk t3 9.999.999.999.999 tỉ USD", "tháng 3\n\n\nBến Lức\nxk 1 tỉ USD",
	} {
		f.Add(s, false, true)
		f.Add(s, true, false)
	}
	for _, path := range []string{"testdata/corpus.toml", "testdata/corpus2023.toml"} {
		for _, c := range loadCorpus(f, path) {
			f.Add(c.Text, false, true)
		}
	}
	p := DefaultPlan()
	f.Fuzz(func(t *testing.T, text string, en, reporter bool) {
		o := UpdateOptions{Lang: "vi", Now: july15}
		if en {
			o.Lang = "en"
		}
		if reporter {
			o.Unit = p.Unit("ben-luc")
		}
		rd, err := p.Read(text, o)
		rs := rd.Reports
		for _, alt := range rd.Alternatives {
			rs = append(rs, alt...) // every reading offered holds the property
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseUpdate(%q): %v is not a *kpi.Error", text, err)
			}
			if rs != nil {
				t.Fatalf("ParseUpdate(%q) returned reports with %v", text, err)
			}
			return
		}
		if len(rs) == 0 || len(rd.Reports) > MaxReportsPerUpdate {
			t.Fatalf("ParseUpdate(%q) gave %d reports", text, len(rs))
		}
		typed := digitsOnly(text)
		for _, pp := range rd.Periods {
			if !pp.Valid() || pp.Year != p.Year || pp.End(zoneICT).After(dateICT(2022, 7, 1)) {
				t.Fatalf("ParseUpdate(%q) offered period %+v", text, pp)
			}
		}
		for _, r := range rs {
			ind := p.Indicator(r.Indicator)
			if ind == nil || p.Unit(r.Unit) == nil {
				t.Fatalf("ParseUpdate(%q) gave %+v: indicator or unit not in the plan", text, r)
			}
			switch ind.Kind {
			case Cumulative, Rate, Level:
				// A report sentence without its period: read, the period asked.
				asked := r.NeedsPeriod() && len(rd.Periods) > 0
				if !asked && (!r.Period.Valid() || r.Period.Year != p.Year || r.Period.End(zoneICT).After(dateICT(2022, 7, 1))) {
					t.Fatalf("ParseUpdate(%q) gave period %+v", text, r.Period)
				}
				if r.Value < 0 && ind.Kind != Rate {
					t.Fatalf("ParseUpdate(%q) gave a negative %s", text, r.Value)
				}
				d := significantDigits(r.Value)
				// "1 tỷ 01 triệu" is 1001000000: a compound amount writes its
				// zeros as a scale, not as digits.
				if compoundAmount.MatchString(Fold(r.Quote)) && d != "" {
					d = d[:1]
				}
				if !strings.Contains(typed, d) {
					t.Fatalf("ParseUpdate(%q) gave %s (digits %s): not digits of the input", text, r.Value, d)
				}
				parts := strings.Split(r.Quote, " … ")
				if r.Quote == "" || !strings.Contains(joinSplitScales(text), parts[len(parts)-1]) {
					t.Fatalf("ParseUpdate(%q) gave %s read from %q: not the user's words", text, r.Value, r.Quote)
				}
				if !strings.Contains(digitsOnly(parts[len(parts)-1]), d) {
					t.Fatalf("ParseUpdate(%q) gave %s read from %q: the value is not in the words it was read from", text, r.Value, r.Quote)
				}
				if !namesIndicator(r.Quote, ind) {
					t.Fatalf("ParseUpdate(%q) gave %s for %s read from %q: the words do not name it", text, r.Value, ind.ID, r.Quote)
				}
			case Count:
				if strings.TrimSpace(r.Item) == "" || r.Value != AmountScale || r.Date.After(july15) {
					t.Fatalf("ParseUpdate(%q) gave count %+v", text, r)
				}
			case Milestone:
				if ind.StageIndex(r.Item) < 0 || r.Date.After(july15) {
					t.Fatalf("ParseUpdate(%q) gave milestone %+v", text, r)
				}
			}
		}
	})
}
