// Package chart draws the pictures Tiến Độ sends in chat, as PNG sized for a
// phone: an indicator's year month by month, and the overview of every
// indicator as progress bars. It takes kpi values and a function that renders
// its words in the reader's language (the words live in locales/); it knows
// nothing of Telegram or Redis.
//
// Text is drawn with DejaVu Sans, embedded (fonts/, licence beside it): the
// fonts gonum/plot ships lack most Vietnamese letters. Every label is
// normalised to NFC first, because the renderer draws one glyph per rune and
// does not position combining marks.
package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/big"
	"strconv"
	"sync"
	"time"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"tiendo/bot/kpi"
)

// Text renders message id of locales/ as plain text in the reader's language.
type Text func(id string, kv ...any) string

// The picture's size in pixels: 4:3, wide enough for a phone held either way.
const (
	Width  = 1280
	Height = 960
	dpi    = 160
)

var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte

	fontsOnce sync.Once
	fonts     *font.Cache
	fontsErr  error
)

const typeface = "DejaVu Sans"

var (
	regular = font.Font{Typeface: typeface}
	bold    = font.Font{Typeface: typeface, Weight: xfont.WeightBold}
)

// Fonts returns the embedded fonts, parsed once.
func Fonts() (*font.Cache, error) {
	fontsOnce.Do(func() {
		r, err := opentype.Parse(regularTTF)
		if err != nil {
			fontsErr = fmt.Errorf("chart: font: %w", err)
			return
		}
		b, err := opentype.Parse(boldTTF)
		if err != nil {
			fontsErr = fmt.Errorf("chart: font: %w", err)
			return
		}
		fonts = font.NewCache(font.Collection{{Font: regular, Face: r}, {Font: bold, Face: b}})
	})
	return fonts, fontsErr
}

// RegularFont is the embedded regular face's file, for tests of its coverage.
func RegularFont() []byte { return regularTTF }

// Colours: blue for what was done, grey for the plan, red for behind.
var (
	colMonth   = color.RGBA{0x9D, 0xC3, 0xE6, 0xFF}
	colYTD     = color.RGBA{0x1F, 0x4E, 0x9A, 0xFF}
	colTarget  = color.RGBA{0x55, 0x55, 0x55, 0xFF}
	colPace    = color.RGBA{0x2E, 0x8B, 0x57, 0xFF}
	colAhead   = color.RGBA{0x2E, 0x8B, 0x57, 0xFF}
	colBehind  = color.RGBA{0xC6, 0x28, 0x28, 0xFF}
	colTrack   = color.RGBA{0xE6, 0xE6, 0xE6, 0xFF}
	colNoData  = color.RGBA{0x88, 0x88, 0x88, 0xFF}
	colText    = color.Black
	background = color.White
)

func nfc(s string) string { return norm.NFC.String(s) }

func style(cache *font.Cache, f font.Font, size float64, c color.Color) text.Style {
	f.Size = vg.Points(size)
	return text.Style{Color: c, Font: f, Handler: text.Plain{Fonts: cache}, XAlign: draw.XLeft, YAlign: draw.YBottom}
}

// png renders draw onto a Width×Height canvas.
func renderPNG(paint func(c draw.Canvas)) ([]byte, error) {
	w := vg.Length(Width) * vg.Inch / dpi
	h := vg.Length(Height) * vg.Inch / dpi
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(background))
	paint(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: png: %w", err)
	}
	return buf.Bytes(), nil
}

// scale is what the chart writes an indicator's amounts in: money in
// millions of USD or billions of đồng, as the data table does.
func scale(ind *kpi.Indicator) kpi.Scale { return kpi.DisplayScale(ind) }

func inScale(ind *kpi.Indicator, a kpi.Amount) float64 {
	return a.Float() / math.Pow10(int(scale(ind)))
}

// number writes v the way lang writes numbers ("2.630,5", "2,630.5").
func number(v float64, decimals int, lang string) string {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
	if !ok {
		return ""
	}
	return kpi.FormatDecimal(r, decimals, lang)
}

// Cumulative is the year of one cumulative indicator.
type Cumulative struct {
	Plan      *kpi.Plan
	Indicator *kpi.Indicator
	Reports   []kpi.Report // the indicator's counted figures, every unit
	Now       time.Time
	Lang      string
	T         Text
}

// Series are the figures the cumulative chart draws, province totals in the
// chart's scale: month m's figure at [m-1] (ok false: not known), and the
// year-to-date total through month m.
type Series struct {
	Month, YTD     [12]float64
	HasMonth       [12]bool
	HasYTD         [12]bool
	Target         float64
	Through        int // the year-to-date line reaches this month
	Progress       kpi.Progress
	MeasureLabel   string
	PercentOfPlan  float64
	YearSharePoint float64
}

// Series computes what the chart shows.
func (cu Cumulative) Series() Series {
	ind, p := cu.Indicator, cu.Plan
	var s Series
	s.Progress = kpi.Compute(p, ind, cu.Reports, kpi.Filter{}, cu.Now)
	s.Target = inScale(ind, ind.Target)
	s.Through = s.Progress.Through
	s.MeasureLabel = ind.MeasureLabel(scale(ind), cu.Lang)
	for m := 1; m <= 12; m++ {
		// A month's bar only where some unit's month is known: a month
		// inside a unit's "lũy kế 5 tháng" alone has no bar of its own.
		if pr := kpi.Compute(p, ind, cu.Reports, kpi.Filter{Period: kpi.Month(p.Year, m)}, cu.Now); pr.HasData && anyExact(pr) {
			s.Month[m-1], s.HasMonth[m-1] = inScale(ind, pr.Total), true
		}
		if m <= s.Through {
			pr := kpi.Compute(p, ind, cu.Reports, kpi.Filter{Period: kpi.YearToDate(p.Year, m)}, cu.Now)
			s.YTD[m-1], s.HasYTD[m-1] = inScale(ind, pr.Total), pr.HasData
		}
	}
	return s
}

// anyExact says whether some unit's figure in pr is known exactly.
func anyExact(pr kpi.Progress) bool {
	for _, ut := range pr.Units {
		if ut.Exact {
			return true
		}
	}
	return false
}

// monthTicks labels the months "T1" … "T12".
type monthTicks struct{ t Text }

func (m monthTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for i := 1; i <= 12; i++ {
		out = append(out, plot.Tick{Value: float64(i), Label: nfc(m.t("ChartMonthTick", "Month", i))})
	}
	return out
}

// localTicks are the default ticks written the way lang writes numbers.
type localTicks struct{ lang string }

func (l localTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = number(ticks[i].Value, 3, l.lang)
		}
	}
	return ticks
}

// PNG draws the year: a bar per month, the year-to-date line, the target,
// and the pace line from zero to the target at December.
func (cu Cumulative) PNG() ([]byte, error) {
	cache, err := Fonts()
	if err != nil {
		return nil, err
	}
	s := cu.Series()
	t, l := cu.T, cu.Lang
	p := plot.New()
	p.TextHandler = text.Plain{Fonts: cache}
	p.Title.Text = nfc(t("ChartTitleCumulative", "Name", cu.Indicator.Name(l), "Year", cu.Plan.Year))
	p.Title.TextStyle = style(cache, bold, 17, colText)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(regular, 14)
		a.Label.TextStyle.Handler = text.Plain{Fonts: cache}
		a.Label.Padding = vg.Points(6)
		a.Tick.Label.Font = font.From(regular, 13)
		a.Tick.Label.Handler = text.Plain{Fonts: cache}
		a.LineStyle.Width = vg.Points(1)
	}
	p.X.Label.Text = nfc(t("ChartAxisMonth"))
	p.Y.Label.Text = nfc(s.MeasureLabel)
	p.X.Min, p.X.Max = 0.4, 12.6
	p.Y.Min = 0
	p.Y.Max = max(s.Target, maxOf(s.YTD[:]), maxOf(s.Month[:])) * 1.08
	if p.Y.Max <= 0 {
		p.Y.Max = 1
	}
	p.X.Tick.Marker = monthTicks{t}
	p.Y.Tick.Marker = localTicks{l}
	p.Add(plotter.NewGrid())

	months := make(plotter.Values, 12)
	copy(months, s.Month[:])
	bars, err := plotter.NewBarChart(months, vg.Points(22))
	if err != nil {
		return nil, fmt.Errorf("chart: bars: %w", err)
	}
	bars.XMin = 1
	bars.Color = colMonth
	bars.LineStyle.Width = 0
	p.Add(bars)

	pace := plotter.XYs{{X: 0.5, Y: 0}, {X: 12, Y: s.Target}}
	paceLine, _ := plotter.NewLine(pace)
	paceLine.Color, paceLine.Width, paceLine.Dashes = colPace, vg.Points(2), []vg.Length{vg.Points(6), vg.Points(4)}
	p.Add(paceLine)

	target, _ := plotter.NewLine(plotter.XYs{{X: 0.5, Y: s.Target}, {X: 12.5, Y: s.Target}})
	target.Color, target.Width, target.Dashes = colTarget, vg.Points(2), []vg.Length{vg.Points(2), vg.Points(3)}
	p.Add(target)

	var ytd plotter.XYs
	for m := 1; m <= s.Through; m++ {
		if s.HasYTD[m-1] {
			ytd = append(ytd, plotter.XY{X: float64(m), Y: s.YTD[m-1]})
		}
	}
	var ytdLine *plotter.Line
	if len(ytd) > 0 {
		ytdLine, _ = plotter.NewLine(ytd)
		ytdLine.Color, ytdLine.Width = colYTD, vg.Points(3.5)
		pts, _ := plotter.NewScatter(ytd)
		pts.GlyphStyle = draw.GlyphStyle{Color: colYTD, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		p.Add(ytdLine, pts)
		last := ytd[len(ytd)-1]
		lbl, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{last},
			Labels: []string{number(last.Y, 1, l) + " (" + kpi.FormatPercent(s.Progress.Percent, 1, l) + ")"}})
		lbl.TextStyle = []text.Style{style(cache, bold, 13, colYTD)}
		lbl.TextStyle[0].XAlign, lbl.TextStyle[0].YAlign = draw.XCenter, draw.YBottom
		lbl.Offset = vg.Point{Y: vg.Points(8)}
		if last.X > 10 {
			lbl.TextStyle[0].XAlign = draw.XRight
		}
		p.Add(lbl)
	}

	p.Legend.TextStyle = style(cache, regular, 13, colText)
	// Bottom right: below the pace line, where the year is still to come.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), vg.Points(6)
	p.Legend.Padding = vg.Points(3)
	p.Legend.ThumbnailWidth = vg.Points(28)
	p.Legend.Add(nfc(t("ChartLegendMonth")), bars)
	if ytdLine != nil {
		p.Legend.Add(nfc(t("ChartLegendCumulative")), ytdLine)
	}
	p.Legend.Add(nfc(t("ChartLegendTarget")+" "+number(s.Target, 1, l)), target)
	p.Legend.Add(nfc(t("ChartLegendPace")), paceLine)

	return renderPNG(func(c draw.Canvas) {
		c = draw.Crop(c, vg.Points(6), -vg.Points(12), vg.Points(6), -vg.Points(6))
		p.Draw(c)
	})
}

func maxOf(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

// Caption says in one line what the cumulative chart shows.
func (cu Cumulative) Caption() string {
	pr := kpi.Compute(cu.Plan, cu.Indicator, cu.Reports, kpi.Filter{}, cu.Now)
	t, l, ind := cu.T, cu.Lang, cu.Indicator
	if !pr.HasData {
		return t("ChartCaptionNoData", "Name", ind.Name(l), "Year", cu.Plan.Year, "Target", ind.FormatTarget(l))
	}
	return t("ChartCaptionCumulative", "Name", ind.Name(l), "Year", cu.Plan.Year, "Through", pr.Through,
		"Total", ind.FormatAmount(pr.Total, l), "Percent", kpi.FormatPercent(pr.Percent, 1, l),
		"Target", ind.FormatTarget(l), "Share", kpi.FormatPercent(pr.YearShare, 1, l))
}
