package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// fullYear is every month of 2022 from three units, December's figures
// estimates: bars under Oct–Dec, where the legend used to be.
func fullYear() []kpi.Report {
	var out []kpi.Report
	for _, u := range []string{"ben-luc", "duc-hoa", "can-giuoc"} {
		for m := 1; m <= 12; m++ {
			st := kpi.Official
			if m == 12 {
				st = kpi.Estimate
			}
			out = append(out, kpi.Report{Indicator: "xuat-khau", Unit: u, Period: kpi.Month(2022, m), Status: st,
				Value: kpi.Amount(int64(150+20*m)*1_000_000) * kpi.AmountScale, At: time.Date(2022, time.Month(m), 28, 9, 0, 0, 0, zone)})
		}
	}
	return out
}

func inside(r, in image.Rectangle) bool { return r.In(in) }

// TestCumulativeLayout: the legend is under the plot, not over the year's
// last months; the date of the figures and the units missing are under the
// title; every month's value is on its bar, inside the plot, none over
// another; a provisional month is hatched and named in the legend.
func TestCumulativeLayout(t *testing.T) {
	p := kpi.DefaultPlan()
	for _, lang := range []string{"vi", "en"} {
		cu := Cumulative{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: fullYear(), Now: time.Date(2023, 1, 10, 9, 0, 0, 0, zone), Lang: lang, T: textIn(t, lang)}
		data, l, err := cu.render()
		if err != nil {
			t.Fatal(err)
		}
		pic := image.Rect(0, 0, Width, Height)
		if l.Legend.Empty() || !inside(l.Legend, pic) || l.Legend.Overlaps(l.Plot) {
			t.Errorf("%s: legend %v, plot %v: the legend is not outside the plot", lang, l.Legend, l.Plot)
		}
		if !(l.Title.Max.Y <= l.Subtitle.Min.Y && l.Subtitle.Max.Y <= l.Plot.Min.Y) {
			t.Errorf("%s: title %v, subtitle %v, plot %v: not in that order from the top", lang, l.Title, l.Subtitle, l.Plot)
		}
		for m := 1; m <= 12; m++ {
			bars, values := l.Boxes[fmt.Sprintf("bar:%d", m)], l.Boxes[fmt.Sprintf("value:%d", m)]
			if len(bars) != 1 || len(values) != 1 {
				t.Fatalf("%s: month %d: %d bars, %d values", lang, m, len(bars), len(values))
			}
			if bars[0].Overlaps(l.Legend) || !inside(values[0], l.Plot) {
				t.Errorf("%s: month %d: bar %v value %v, legend %v plot %v", lang, m, bars[0], values[0], l.Legend, l.Plot)
			}
			if next := l.Boxes[fmt.Sprintf("value:%d", m+1)]; len(next) == 1 && next[0].Overlaps(values[0]) {
				t.Errorf("%s: the values of months %d and %d overlap", lang, m, m+1)
			}
			// The value is the month's: 3 units × (150 + 20m).
			if got, want := l.Texts[fmt.Sprintf("value:%d", m)][0], number(float64(3*(150+20*m)), 1, lang); got != want {
				t.Errorf("%s: month %d says %q, want %q", lang, m, got, want)
			}
		}
		var legend []string
		for i := 0; ; i++ {
			tx, ok := l.Texts[fmt.Sprintf("legend:%d", i)]
			if !ok {
				break
			}
			legend = append(legend, tx...)
		}
		want := map[string]string{"vi": "Tháng có số ước tính, sơ bộ", "en": "Month with estimated, preliminary figures"}[lang]
		if !strings.Contains(strings.Join(legend, "|"), want) {
			t.Errorf("%s: legend %q has no provisional entry", lang, legend)
		}
		sub := cu.subtitle(cu.Series())
		wantSub := map[string]string{"vi": "Số liệu đến 10/01/2023 · 12/15 đơn vị chưa báo cáo tháng 12/2022",
			"en": "Figures as of 10/01/2023 · 12/15 units have not reported December 2022"}[lang]
		if sub != wantSub {
			t.Errorf("%s: subtitle %q, want %q", lang, sub, wantSub)
		}
		// December is hatched: light fill and the bar colour's lines in
		// its box; November is solid.
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		light, solid := colourShare(img, l.Boxes["bar:12"][0], colMonthLight), colourShare(img, l.Boxes["bar:12"][0], colMonth)
		if light < 0.2 || solid < 0.1 {
			t.Errorf("%s: December's bar %.2f light, %.2f bar colour: not hatched", lang, light, solid)
		}
		if s := colourShare(img, l.Boxes["bar:11"][0].Inset(3), colMonth); s < 0.6 {
			t.Errorf("%s: November's bar %.2f bar colour: not solid", lang, s)
		}
	}
}

// colourShare is the share of r's pixels within a small distance of c.
func colourShare(img image.Image, r image.Rectangle, c interface{ RGBA() (r, g, b, a uint32) }) float64 {
	cr, cg, cb, _ := c.RGBA()
	n, hit := 0, 0
	near := func(a, b uint32) bool { return a>>8 <= b>>8+12 && b>>8 <= a>>8+12 }
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			n++
			if near(pr, cr) && near(pg, cg) && near(pb, cb) {
				hit++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

// TestOverviewLayout: every name is drawn whole, in lines broken at spaces;
// no pace tick crosses words; nothing leaves the picture or runs into the
// next row, in both languages.
func TestOverviewLayout(t *testing.T) {
	p := kpi.DefaultPlan()
	for _, lang := range []string{"vi", "en"} {
		o := Overview{Plan: p, Reports: sampleReports(), Now: june10, Lang: lang, T: textIn(t, lang)}
		_, l, err := o.render()
		if err != nil {
			t.Fatal(err)
		}
		pic := image.Rect(0, 0, Width, Height)
		var words []image.Rectangle
		for i, b := range o.Bars() {
			names := l.Texts[fmt.Sprintf("name:%d", i)]
			if got := strings.Join(names, " "); got != marked(b) || strings.Contains(got, "…") {
				t.Errorf("%s: row %d drawn as %q, want %q", lang, i, got, marked(b))
			}
			words = append(words, l.Boxes[fmt.Sprintf("name:%d", i)]...)
			words = append(words, l.Boxes[fmt.Sprintf("label:%d", i)]...)
		}
		words = append(words, l.Boxes["footer"]...)
		for i, w := range words {
			if !inside(w, pic) {
				t.Errorf("%s: words at %v leave the picture", lang, w)
			}
			for _, v := range words[i+1:] {
				if w.Overlaps(v) {
					t.Errorf("%s: words at %v and %v overlap", lang, w, v)
				}
			}
		}
		for i := range o.Bars() {
			for _, tick := range append(l.Boxes[fmt.Sprintf("tick:%d", i)], l.Boxes[fmt.Sprintf("track:%d", i)]...) {
				for _, w := range words {
					if tick.Overlaps(w) {
						t.Errorf("%s: row %d: the bar or its tick %v crosses words at %v", lang, i, tick, w)
					}
				}
			}
		}
	}
}
