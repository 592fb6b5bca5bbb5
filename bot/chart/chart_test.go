package chart

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot/vg/draw"

	"tiendo/bot/kpi"
	"tiendo/locales"
)

var zone = time.FixedZone("ICT", 7*3600)

func textIn(t testing.TB, lang string) Text {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat.Missing = func(l, id string, err error) { t.Errorf("locale %s %s: %v", l, id, err) }
	return func(id string, kv ...any) string { return html.UnescapeString(cat.T(lang, id, kv...)) }
}

// exports: five months of three units, the sum a plausible 2,6 tỉ USD.
func exports() []kpi.Report {
	var out []kpi.Report
	for _, u := range []string{"ben-luc", "duc-hoa", "can-giuoc"} {
		for m := 1; m <= 5; m++ {
			st := kpi.Official
			if m == 5 {
				st = kpi.Estimate // the month's figures are estimates until revised
			}
			out = append(out, kpi.Report{Indicator: "xuat-khau", Unit: u, Period: kpi.Month(2022, m),
				Value: kpi.Amount(int64(150+20*m)*1_000_000) * kpi.AmountScale, Status: st, At: time.Date(2022, time.Month(m+1), 10, 9, 0, 0, 0, zone)})
		}
	}
	return out
}

func sampleReports() map[string][]kpi.Report {
	// Exports from 9 of the 15 units: enough to judge the pace.
	xk := exports()
	for _, u := range []string{"tan-an", "kien-tuong", "can-duoc", "chau-thanh", "duc-hue", "thu-thua"} {
		for m := 1; m <= 5; m++ {
			xk = append(xk, kpi.Report{Indicator: "xuat-khau", Unit: u, Period: kpi.Month(2022, m),
				Value: kpi.Amount(int64(40+5*m)*1_000_000) * kpi.AmountScale, At: time.Date(2022, time.Month(m+1), 10, 9, 0, 0, 0, zone)})
		}
	}
	return map[string][]kpi.Report{
		"xuat-khau": xk,
		// Households below the target: the department reports it alone,
		// so its one figure is judged, and it is behind.
		"ho-dung-dien": {{Indicator: "ho-dung-dien", Unit: "so-cong-thuong", Period: kpi.Quarter(2022, 1), Value: 99_900, At: time.Date(2022, 4, 5, 0, 0, 0, 0, zone)}},
		"iip":          {{Indicator: "iip", Unit: "so-cong-thuong", Period: kpi.Month(2022, 5), Value: 8100, At: time.Date(2022, 6, 5, 0, 0, 0, 0, zone)}},
		"ban-le": {{Indicator: "ban-le", Unit: "tan-an", Period: kpi.YearToDate(2022, 5), Value: kpi.Amount(20_000_000_000_000) * kpi.AmountScale,
			At: time.Date(2022, 6, 5, 0, 0, 0, 0, zone)}},
		"dien-mat-troi": {{Indicator: "dien-mat-troi", Unit: "so-cong-thuong", Item: "nghiem-thu", Date: time.Date(2022, 5, 3, 0, 0, 0, 0, zone)}},
	}
}

// look writes a chart as a person sees it, at full size and at a phone's
// 400 px, to TIENDO_CHART_OUT when it is set.
func look(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := os.Getenv("TIENDO_CHART_OUT")
	if dir == "" {
		return
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	small := image.NewRGBA(image.Rect(0, 0, 400, b.Dy()*400/b.Dx()))
	xdraw.CatmullRom.Scale(small, small.Bounds(), img, b, xdraw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, small); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644)
	_ = os.WriteFile(filepath.Join(dir, name+"-400.png"), buf.Bytes(), 0o644)
}

var june10 = time.Date(2022, 6, 10, 9, 0, 0, 0, zone)

// checkPicture decodes a PNG and checks what a person would notice first:
// its size, and that it is a picture and not a blank page.
func checkPicture(t *testing.T, data []byte) image.Image {
	t.Helper()
	return checkPictureSized(t, data, Width, Height)
}

func checkPictureSized(t *testing.T, data []byte, w, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	inked, colours := 0, map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
			if r < 0xF000 || g < 0xF000 || bl < 0xF000 {
				inked++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if frac := float64(inked) / float64(total); frac < 0.03 || frac > 0.6 {
		t.Errorf("%.1f%% of the picture is inked: blank or a blot", 100*frac)
	}
	if len(colours) < 8 {
		t.Errorf("%d colours: not a chart", len(colours))
	}
	return img
}

// inkIn reports the share of non-white pixels in a rectangle.
func inkIn(img image.Image, r image.Rectangle) float64 {
	n, ink := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			n++
			if cr < 0xE000 || cg < 0xE000 || cb < 0xE000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(n)
}

func TestCumulativeChart(t *testing.T) {
	p := kpi.DefaultPlan()
	cu := Cumulative{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: exports(), Now: june10, Lang: "vi", T: textIn(t, "vi")}
	s := cu.Series()
	if s.Through != 5 || !s.HasMonth[4] || s.HasMonth[5] || s.Month[0] != 510 || s.YTD[4] != 3*(170+190+210+230+250) {
		t.Errorf("series = through %d, months %v %v, ytd %v", s.Through, s.Month, s.HasMonth, s.YTD)
	}
	data, err := cu.PNG()
	if err != nil {
		t.Fatal(err)
	}
	look(t, "cumulative", data)
	img := checkPicture(t, data)
	// The title is drawn at the top centre.
	if ink := inkIn(img, image.Rect(Width/3, 0, 2*Width/3, 60)); ink < 0.02 {
		t.Errorf("no title: %.3f inked", ink)
	}
	if got := cu.Caption(); got != "📊 Kim ngạch xuất khẩu 2022: lũy kế 5 tháng 3,15 tỉ USD, đạt 49,2% kế hoạch 6,4 tỉ USD (đúng tiến độ: 41,7%)." {
		t.Errorf("caption = %q", got)
	}
	if os.Getenv("TIENDO_UPDATE_DOCS") != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "chart-xuat-khau.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCumulativeChartWithoutData(t *testing.T) {
	p := kpi.DefaultPlan()
	cu := Cumulative{Plan: p, Indicator: p.Indicator("nhap-khau"), Now: june10, Lang: "en", T: textIn(t, "en")}
	data, err := cu.PNG()
	if err != nil {
		t.Fatal(err)
	}
	checkPicture(t, data)
	if got := cu.Caption(); got != "📊 Import turnover 2022: no figures yet; target 5 billion USD." {
		t.Errorf("caption = %q", got)
	}
}

func TestOverviewChart(t *testing.T) {
	p := kpi.DefaultPlan()
	o := Overview{Plan: p, Reports: sampleReports(), Now: june10, Lang: "vi", T: textIn(t, "vi")}
	bars := o.Bars()
	if len(bars) != len(p.Indicators) {
		t.Fatalf("%d bars", len(bars))
	}
	byID := map[string]Bar{}
	for _, b := range bars {
		byID[b.Indicator.ID] = b
	}
	if b := byID["xuat-khau"]; b.Behind || b.TooFew || b.Reported != 9 || b.Pace < 41 || b.Pace > 42 || b.Percent < 74.9 || b.Percent > 75.1 {
		t.Errorf("exports bar = %+v", b)
	}
	// Retail far behind the pace, but 14 of 15 units have not reported:
	// not painted "chậm".
	if b := byID["ban-le"]; b.Behind || !b.TooFew || !strings.HasSuffix(b.Label, "— chưa đủ số liệu (1/15 đơn vị)") {
		t.Errorf("retail bar = %+v", b)
	}
	if b := byID["ho-dung-dien"]; !b.Behind || b.TooFew || !strings.HasSuffix(b.Label, "— chậm") {
		t.Errorf("households bar = %+v", b)
	}
	if b := byID["nhap-khau"]; b.HasData || b.Label != "chưa có số liệu" {
		t.Errorf("imports bar = %+v", b)
	}
	if b := byID["dien-mat-troi"]; b.Pace >= 0 || b.Percent < 70 {
		t.Errorf("solar bar = %+v", b)
	}
	data, err := o.PNG()
	if err != nil {
		t.Fatal(err)
	}
	look(t, "overview", data)
	img := checkPicture(t, data)
	// Retail is behind: its bar is red.
	red := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0xB000 && g < 0x5000 && bl < 0x5000 {
				red++
			}
		}
	}
	if red < 500 {
		t.Errorf("%d red pixels: the behind-pace indicator is not marked", red)
	}
	if got := o.Caption(); got != "📊 Tổng quan 2022: 1/10 chỉ tiêu chậm tiến độ (đánh dấu đỏ). 1 chỉ tiêu chưa đủ số liệu để đánh giá (dưới một nửa số đơn vị đã báo cáo)." {
		t.Errorf("caption = %q", got)
	}
	if os.Getenv("TIENDO_UPDATE_DOCS") != "" {
		_ = os.WriteFile(filepath.Join("..", "..", "docs", "chart-tong-quan.png"), data, 0o644)
	}
}

// vietnameseLetters is the whole alphabet: every letter a–z with every mark
// Vietnamese puts on it, precomposed, lower and upper case, and đ, Đ.
func vietnameseLetters() []rune {
	bases := []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"}
	tones := []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
	var out []rune
	for c := 'a'; c <= 'z'; c++ {
		out = append(out, c)
	}
	for _, b := range bases {
		for _, tone := range tones {
			out = append(out, []rune(norm.NFC.String(b+tone))...)
		}
	}
	out = append(out, 'đ')
	var all []rune
	for _, r := range out {
		all = append(all, r)
		all = append(all, []rune(strings.ToUpper(string(r)))...)
	}
	return all
}

func TestFontCoversVietnamese(t *testing.T) {
	f, err := sfnt.Parse(RegularFont())
	if err != nil {
		t.Fatal(err)
	}
	letters := vietnameseLetters()
	if len(letters) != 2*(26+12*6+1) {
		t.Fatalf("%d letters", len(letters))
	}
	var buf sfnt.Buffer
	for _, r := range letters {
		if len([]rune(norm.NFC.String(string(r)))) != 1 {
			t.Errorf("%q is not one precomposed rune", r)
		}
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			t.Errorf("no glyph for %q (U+%04X)", r, r)
		}
	}
	// And every rune of every label the charts draw, in both languages.
	p := kpi.DefaultPlan()
	for _, lang := range locales.Languages {
		tr := textIn(t, lang)
		var labels []string
		for _, b := range (Overview{Plan: p, Reports: sampleReports(), Now: june10, Lang: lang, T: tr}).Bars() {
			labels = append(labels, "⚠ "+b.Name, b.Label)
		}
		for _, id := range []string{"ChartTitleOverview", "ChartPaceTick", "ChartAxisMonth", "ChartLegendMonth", "ChartLegendCumulative",
			"ChartLegendTarget", "ChartLegendPace", "ChartTitleCumulative", "ChartMonthTick", "ChartAsOf", "ChartMissing", "ChartComplete",
			"ChartNoneReported", "ChartLegendProvisional", "ChartTooFew", "ChartTitleRanking", "ChartRankingNone"} {
			labels = append(labels, tr(id, "Year", 2022, "Date", "10/06/2022", "Name", p.Indicators[0].Name(lang), "Month", 12,
				"Missing", 14, "Total", 15, "Period", "tháng 5/2022", "Reported", 1, "Count", 3)+" · ")
		}
		for _, s := range labels {
			for _, r := range norm.NFC.String(s) {
				if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
					t.Errorf("%s: no glyph for %q in %q", lang, r, s)
				}
			}
		}
	}
}

func BenchmarkCumulativeChart(b *testing.B) {
	p := kpi.DefaultPlan()
	var reports []kpi.Report
	for _, u := range p.Units {
		for m := 1; m <= 12; m++ {
			reports = append(reports, kpi.Report{Indicator: "xuat-khau", Unit: u.ID, Period: kpi.Month(2022, m), Value: 30_000_000 * kpi.AmountScale})
		}
	}
	cu := Cumulative{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: reports, Now: time.Date(2023, 1, 5, 0, 0, 0, 0, zone), Lang: "vi", T: textIn(b, "vi")}
	for b.Loop() {
		if _, err := cu.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOverviewChart(b *testing.B) {
	p := kpi.DefaultPlan()
	o := Overview{Plan: p, Reports: sampleReports(), Now: june10, Lang: "vi", T: textIn(b, "vi")}
	for b.Loop() {
		if _, err := o.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlankPicture is the baseline of the chart benchmarks: a blank
// picture of the same size encoded as PNG.
func BenchmarkBlankPicture(b *testing.B) {
	for b.Loop() {
		if _, err := renderPNG(func(draw.Canvas) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRankingChart: the province's units ranked, the picture in the README.
func TestRankingChart(t *testing.T) {
	p := kpi.DefaultPlan()
	r := Ranking{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: sampleReports()["xuat-khau"], Now: june10, Lang: "vi", T: textIn(t, "vi")}
	rows := r.Rows()
	if len(rows) != 15 || rows[0].Rank != 1 || !rows[8].HasData || rows[9].HasData {
		t.Fatalf("rows = %+v", rows)
	}
	data, err := r.PNG()
	if err != nil {
		t.Fatal(err)
	}
	look(t, "ranking", data)
	if got := r.Caption(); got != "📊 Xếp hạng Kim ngạch xuất khẩu, lũy kế 5 tháng 2022: 9/15 đơn vị có số liệu." {
		t.Errorf("caption = %q", got)
	}
	if os.Getenv("TIENDO_UPDATE_DOCS") != "" {
		_ = os.WriteFile(filepath.Join("..", "..", "docs", "chart-xep-hang.png"), data, 0o644)
	}
}
