package kpi

import (
	"math"
	"testing"
)

func TestFormatDecimal(t *testing.T) {
	cases := []struct {
		name, value string
		decimals    int
		vi, en      string
	}{
		{"thousands", "96400", 2, "96.400", "96,400"},
		{"decimal", "6.4", 2, "6,4", "6.4"},
		{"both", "1234.5", 2, "1.234,5", "1,234.5"},
		{"millions", "1234567", 0, "1.234.567", "1,234,567"},
		{"trailing zeros trimmed", "6.400", 3, "6,4", "6.4"},
		{"integer", "520", 2, "520", "520"},
		{"three digits no group", "999", 0, "999", "999"},
		{"round half away up", "0.125", 2, "0,13", "0.13"},
		{"round half away negative", "-0.125", 2, "-0,13", "-0.13"},
		{"round down", "0.124", 2, "0,12", "0.12"},
		{"round to integer", "2.5", 0, "3", "3"},
		{"round carries", "9.999", 2, "10", "10"},
		{"negative rounds to zero", "-0.001", 2, "0", "0"},
		{"small", "0.003", 3, "0,003", "0.003"},
		{"zero", "0", 2, "0", "0"},
		{"negative decimals mean none", "6.4", -1, "6", "6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rat(t, c.value)
			if got := FormatDecimal(r, c.decimals, "vi"); got != c.vi {
				t.Errorf("vi %q; want %q", got, c.vi)
			}
			if got := FormatDecimal(r, c.decimals, "en"); got != c.en {
				t.Errorf("en %q; want %q", got, c.en)
			}
		})
	}
	if got := FormatDecimal(nil, 2, "vi"); got != "" {
		t.Errorf("nil: %q", got)
	}
}

func TestFormatPercent(t *testing.T) {
	cases := []struct {
		name     string
		pct      float64
		decimals int
		vi, en   string
	}{
		{"one decimal", 8.1, 1, "8,1%", "8.1%"},
		{"decimal half rounds up", 8.05, 1, "8,1%", "8.1%"},
		{"whole", 100, 1, "100%", "100%"},
		{"share of year", 41.666666, 1, "41,7%", "41.7%"},
		{"thousands", 1234.5, 1, "1.234,5%", "1,234.5%"},
		{"negative", -2.35, 1, "-2,4%", "-2.4%"},
		{"no target", math.Inf(1), 1, "—", "—"},
		{"nan", math.NaN(), 1, "—", "—"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FormatPercent(c.pct, c.decimals, "vi"); got != c.vi {
				t.Errorf("vi %q; want %q", got, c.vi)
			}
			if got := FormatPercent(c.pct, c.decimals, "en"); got != c.en {
				t.Errorf("en %q; want %q", got, c.en)
			}
		})
	}
}

// Every target of the 2022 programme, written as the programme writes it.
func TestFormatTargetsOfTheDefaultPlan(t *testing.T) {
	p := DefaultPlan()
	cases := map[string]struct{ amountVI, amountEN, targetVI, targetEN string }{
		"grdp":              {"6,5%", "6.5%", "6,5–7%", "6.5–7%"},
		"iip":               {"7%", "7%", "7%", "7%"},
		"ban-le":            {"96.400 tỉ đồng", "96,400 billion VND", "96.400 tỉ đồng", "96,400 billion VND"},
		"xuat-khau":         {"6,4 tỉ USD", "6.4 billion USD", "6,4 tỉ USD", "6.4 billion USD"},
		"nhap-khau":         {"5 tỉ USD", "5 billion USD", "5 tỉ USD", "5 billion USD"},
		"ho-dung-dien":      {"99,97%", "99.97%", "99,97%", "99.97%"},
		"cum-cong-nghiep":   {"2", "2", "2", "2"},
		"cua-hang-tien-ich": {"10", "10", "10", "10"},
		"logistics":         {"1", "1", "1", "1"},
		"dien-mat-troi":     {"0", "0", "Đóng điện", "Energised"},
	}
	if len(cases) != len(p.Indicators) {
		t.Fatalf("%d cases for %d indicators", len(cases), len(p.Indicators))
	}
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		w, ok := cases[ind.ID]
		if !ok {
			t.Errorf("no case for %s", ind.ID)
			continue
		}
		t.Run(ind.ID, func(t *testing.T) {
			if got := ind.FormatAmount(ind.Target, "vi"); got != w.amountVI {
				t.Errorf("FormatAmount(target, vi) = %q; want %q", got, w.amountVI)
			}
			if got := ind.FormatAmount(ind.Target, "en"); got != w.amountEN {
				t.Errorf("FormatAmount(target, en) = %q; want %q", got, w.amountEN)
			}
			if got := ind.FormatTarget("vi"); got != w.targetVI {
				t.Errorf("FormatTarget(vi) = %q; want %q", got, w.targetVI)
			}
			if got := ind.FormatTarget("en"); got != w.targetEN {
				t.Errorf("FormatTarget(en) = %q; want %q", got, w.targetEN)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	p := DefaultPlan()
	solar := &Indicator{ID: "mwp", Measure: MWp, Kind: Level}
	cases := []struct {
		name   string
		ind    *Indicator
		amount string // base units
		vi, en string
	}{
		{"part of a billion", p.Indicator("xuat-khau"), "520000000", "0,52 tỉ USD", "0.52 billion USD"},
		{"rounded to two decimals", p.Indicator("xuat-khau"), "2513000000", "2,51 tỉ USD", "2.51 billion USD"},
		{"small is not zero", p.Indicator("xuat-khau"), "3000000", "0,003 tỉ USD", "0.003 billion USD"},
		{"zero", p.Indicator("xuat-khau"), "0", "0 tỉ USD", "0 billion USD"},
		{"retail part", p.Indicator("ban-le"), "40150000000000", "40.150 tỉ đồng", "40,150 billion VND"},
		{"percent two decimals", p.Indicator("grdp"), "6.456", "6,46%", "6.46%"},
		{"negative growth", p.Indicator("iip"), "-1.5", "-1,5%", "-1.5%"},
		{"count", p.Indicator("cua-hang-tien-ich"), "7", "7", "7"},
		{"MWp", solar, "49", "49 MWp", "49 MWp"},
		{"stage reached", p.Indicator("dien-mat-troi"), "2", "Hoàn thành lắp đặt", "Installation complete"},
		{"last stage", p.Indicator("dien-mat-troi"), "4", "Đóng điện", "Energised"},
		{"no such stage", p.Indicator("dien-mat-troi"), "9", "9", "9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := ParseDecimal(c.amount)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.ind.FormatAmount(a, "vi"); got != c.vi {
				t.Errorf("vi %q; want %q", got, c.vi)
			}
			if got := c.ind.FormatAmount(a, "en"); got != c.en {
				t.Errorf("en %q; want %q", got, c.en)
			}
		})
	}
}

func TestFormatNatural(t *testing.T) {
	cases := []struct {
		name    string
		amount  string
		measure Measure
		vi, en  string
	}{
		{"millions", "520000000", USD, "520 triệu USD", "520 million USD"},
		{"billions of dong", "2150000000000", VND, "2.150 tỉ đồng", "2,150 billion VND"},
		{"decimal billions", "2510000000", USD, "2,51 tỉ USD", "2.51 billion USD"},
		{"millions when billions need three decimals", "2513000000", USD, "2.513 triệu USD", "2,513 million USD"},
		{"thousands", "5000", USD, "5 nghìn USD", "5 thousand USD"},
		{"plain when no scale is exact", "1234567", USD, "1.234.567 USD", "1,234,567 USD"},
		{"under a thousand", "500", VND, "500 đồng", "500 VND"},
		{"percent", "8.1", Percent, "8,1%", "8.1%"},
		{"MWp", "49", MWp, "49 MWp", "49 MWp"},
		{"items", "2", Items, "2", "2"},
		{"no measure", "96400", "", "96.400", "96,400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := ParseDecimal(c.amount)
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatNatural(a, c.measure, "vi"); got != c.vi {
				t.Errorf("vi %q; want %q", got, c.vi)
			}
			if got := FormatNatural(a, c.measure, "en"); got != c.en {
				t.Errorf("en %q; want %q", got, c.en)
			}
		})
	}
}

// What the reader reads, the writer writes back the same: a reporter sees
// the figure they sent.
func TestNaturalFormatReadsBack(t *testing.T) {
	for _, text := range []string{"520 triệu USD", "2.150 tỉ đồng", "2,51 tỉ USD", "99,97%", "49 MWp", "1.234.567 USD"} {
		for _, lang := range []string{"vi", "en"} {
			q, err := ParseQuantity(text, "vi")
			if err != nil {
				t.Fatal(err)
			}
			a, err := AmountFromRat(q.Value)
			if err != nil {
				t.Fatal(err)
			}
			out := FormatNatural(a, q.Measure, lang)
			back, err := ParseQuantity(out, lang)
			if err != nil || back.Value.Cmp(q.Value) != 0 || back.Measure != q.Measure {
				t.Errorf("%q → %q (%s) → %v %q, %v", text, out, lang, back.Value, back.Measure, err)
			}
		}
	}
}
