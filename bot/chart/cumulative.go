package chart

import (
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tiendo/bot/kpi"
)

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
	Provisional    [12]bool // the month counts an estimate or a preliminary figure
	Target         float64
	Through        int // the year-to-date line reaches this month
	Progress       kpi.Progress
	MeasureLabel   string
	PercentOfPlan  float64
	YearSharePoint float64
	// Reported of Units have sent month Through.
	Reported, Units int
}

// Series computes what the chart shows.
func (cu Cumulative) Series() Series {
	ind, p := cu.Indicator, cu.Plan
	var s Series
	s.Progress = kpi.Compute(p, ind, cu.Reports, kpi.Filter{}, cu.Now)
	s.Reported, s.Units = s.Progress.Coverage(p)
	s.Target = inScale(ind, ind.Target)
	s.Through = s.Progress.Through
	s.MeasureLabel = ind.MeasureLabel(scale(ind), cu.Lang)
	for m := 1; m <= 12; m++ {
		// A month's bar only where some unit's month is known: a month
		// inside a unit's "lũy kế 5 tháng" alone has no bar of its own.
		if pr := kpi.Compute(p, ind, cu.Reports, kpi.Filter{Period: kpi.Month(p.Year, m)}, cu.Now); pr.HasData && anyExact(pr) {
			s.Month[m-1], s.HasMonth[m-1] = inScale(ind, pr.Total), true
			s.Provisional[m-1] = len(pr.Provisional()) > 0
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

// Colours of provisional months: lighter, hatched with the month's colour.
var colMonthLight = color.RGBA{0xE3, 0xEE, 0xF8, 0xFF}

// colSubtitle is the date and completeness line: quieter than the title.
var colSubtitle = color.RGBA{0x44, 0x44, 0x44, 0xFF}

// colStripe shades every other row of a long list.
var colStripe = color.RGBA{0xF3, 0xF5, 0xF8, 0xFF}

// barWidth is a month's bar.
var barWidth = vg.Points(26)

// monthBars draws a bar per month, provisional ones lighter and hatched,
// with its value on it where the value fits the month's width.
type monthBars struct {
	s      *Series
	lang   string
	st     text.Style
	layout *Layout
	// values: this one writes the values, over the lines drawn after the
	// bars.
	values bool
}

func (b monthBars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	slot := trX(1.5) - trX(0.5)
	for m := 1; m <= 12; m++ {
		if !b.s.HasMonth[m-1] || b.s.Month[m-1] <= 0 {
			continue
		}
		x := trX(float64(m))
		x0, x1 := x-barWidth/2, x+barWidth/2
		y0, y1 := trY(0), trY(b.s.Month[m-1])
		if !b.values {
			if b.s.Provisional[m-1] {
				hatch(c, colMonthLight, colMonth, x0, y0, x1, y1)
			} else {
				c.FillPolygon(colMonth, rect(x0, y0, x1, y1))
			}
			b.layout.add(fmt.Sprintf("bar:%d", m), b.layout.px(x0, y0, x1, y1))
			continue
		}
		// The value over the bar, one decimal, or none if that is too wide.
		v := b.s.Month[m-1]
		label := number(v, 1, b.lang)
		if b.st.Width(label) > slot-vg.Points(2) {
			label = number(v, 0, b.lang)
		}
		if b.st.Width(label) > slot-vg.Points(2) {
			continue
		}
		// Inside the bar, half-way up, where the year-to-date line (which
		// starts on January's top) does not pass; over it when it is short.
		st := b.st
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		h := st.Height(label)
		pt := vg.Point{X: x, Y: (y0 + y1) / 2}
		if y1-y0 < h+vg.Points(4) {
			st.YAlign = draw.YBottom
			pt.Y = y1 + vg.Points(2)
		} else {
			// A patch of the bar's colour under the text, over the lines.
			w, fill := st.Width(label), colMonth
			if b.s.Provisional[m-1] {
				fill = colMonthLight
			}
			c.FillPolygon(fill, rect(x-w/2-vg.Points(1), pt.Y-h/2, x+w/2+vg.Points(1), pt.Y+h/2))
		}
		b.layout.fillText(c, st, pt, label, fmt.Sprintf("value:%d", m))
	}
}

func (b monthBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0.5, 12.5, 0, maxOf(b.s.Month[:])
}

// legendEntry is one line of a legend drawn outside the plot.
type legendEntry struct {
	label string
	thumb func(c draw.Canvas, x0, y0, x1, y1 vg.Length)
}

func lineThumb(ls draw.LineStyle) func(c draw.Canvas, x0, y0, x1, y1 vg.Length) {
	return func(c draw.Canvas, x0, y0, x1, y1 vg.Length) {
		c.StrokeLine2(ls, x0, (y0+y1)/2, x1, (y0+y1)/2)
	}
}

// drawLegend lays the entries out in rows from left to right within
// [left, right], the first row's top at top, and returns the bottom of the
// last row. With paint false it only measures.
func drawLegend(c draw.Canvas, st text.Style, entries []legendEntry, left, right, top vg.Length, paint bool, l *Layout) vg.Length {
	thumbW, gap, sep := vg.Points(26), vg.Points(5), vg.Points(16)
	lineH := st.Height("Ág") + vg.Points(4)
	x, y := left, top
	for i, e := range entries {
		w := thumbW + gap + st.Width(e.label)
		if x > left && x+w > right {
			x, y = left, y-lineH
		}
		if paint {
			mid := y - lineH/2
			e.thumb(c, x, mid-vg.Points(5), x+thumbW, mid+vg.Points(5))
			ts := st
			ts.YAlign = draw.YCenter
			l.fillText(c, ts, vg.Point{X: x + thumbW + gap, Y: mid}, e.label, fmt.Sprintf("legend:%d", i))
		}
		x += w + sep
	}
	return y - lineH
}

// PNG draws the year: a bar per month (provisional ones lighter and
// hatched), the year-to-date line, the target, and the pace line from zero
// to the target at December; over it the title, the date of the figures and
// how many units have not reported; under it the legend.
func (cu Cumulative) PNG() ([]byte, error) {
	data, _, err := cu.render()
	return data, err
}

// subtitle is "Số liệu đến 10/06/2022 · 14/15 đơn vị chưa báo cáo tháng 5/2022".
func (cu Cumulative) subtitle(s Series) string {
	t := cu.T
	asOf := t("ChartAsOf", "Date", cu.Now.Format("02/01/2006"))
	switch {
	case !s.Progress.HasData:
		return asOf + " · " + t("ChartNoneReported")
	case s.Reported < s.Units:
		return asOf + " · " + t("ChartMissing", "Missing", s.Units-s.Reported, "Total", s.Units,
			"Period", kpi.Month(cu.Plan.Year, s.Through).Label(cu.Lang))
	}
	return asOf + " · " + t("ChartComplete", "Total", s.Units, "Period", kpi.Month(cu.Plan.Year, s.Through).Label(cu.Lang))
}

func (cu Cumulative) render() ([]byte, *Layout, error) {
	cache, err := Fonts()
	if err != nil {
		return nil, nil, err
	}
	s := cu.Series()
	t, l := cu.T, cu.Lang
	layout := newLayout(Width, Height)
	p := plot.New()
	p.TextHandler = text.Plain{Fonts: cache}
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
	// Room over the highest point for its label.
	p.Y.Max = max(s.Target, maxOf(s.YTD[:]), maxOf(s.Month[:])) * 1.12
	if p.Y.Max <= 0 {
		p.Y.Max = 1
	}
	p.X.Tick.Marker = monthTicks{t}
	p.Y.Tick.Marker = localTicks{l}
	p.Add(plotter.NewGrid())

	p.Add(monthBars{s: &s, lang: l, st: style(cache, regular, 11, colYTD), layout: layout})

	paceStyle := draw.LineStyle{Color: colPace, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(6), vg.Points(4)}}
	paceLine, _ := plotter.NewLine(plotter.XYs{{X: 0.5, Y: 0}, {X: 12, Y: s.Target}})
	paceLine.LineStyle = paceStyle
	p.Add(paceLine)

	targetStyle := draw.LineStyle{Color: colTarget, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(2), vg.Points(3)}}
	target, _ := plotter.NewLine(plotter.XYs{{X: 0.5, Y: s.Target}, {X: 12.5, Y: s.Target}})
	target.LineStyle = targetStyle
	p.Add(target)

	var ytd plotter.XYs
	for m := 1; m <= s.Through; m++ {
		if s.HasYTD[m-1] {
			ytd = append(ytd, plotter.XY{X: float64(m), Y: s.YTD[m-1]})
		}
	}
	ytdStyle := draw.LineStyle{Color: colYTD, Width: vg.Points(3.5)}
	if len(ytd) > 0 {
		ytdLine, _ := plotter.NewLine(ytd)
		ytdLine.LineStyle = ytdStyle
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
	p.Add(monthBars{s: &s, lang: l, st: style(cache, regular, 11, colYTD), layout: layout, values: true})

	// The legend, outside the plot: nothing of the year is under it.
	var entries []legendEntry
	entries = append(entries, legendEntry{nfc(t("ChartLegendMonth")), func(c draw.Canvas, x0, y0, x1, y1 vg.Length) {
		c.FillPolygon(colMonth, rect(x0+vg.Points(6), y0, x1-vg.Points(6), y1))
	}})
	if anyTrue(s.Provisional[:]) {
		entries = append(entries, legendEntry{nfc(t("ChartLegendProvisional")), func(c draw.Canvas, x0, y0, x1, y1 vg.Length) {
			hatch(c, colMonthLight, colMonth, x0+vg.Points(6), y0, x1-vg.Points(6), y1)
		}})
	}
	if len(ytd) > 0 {
		entries = append(entries, legendEntry{nfc(t("ChartLegendCumulative")), lineThumb(ytdStyle)})
	}
	entries = append(entries,
		legendEntry{nfc(t("ChartLegendTarget") + " " + number(s.Target, 1, l)), lineThumb(targetStyle)},
		legendEntry{nfc(t("ChartLegendPace")), lineThumb(paceStyle)})

	title := nfc(t("ChartTitleCumulative", "Name", cu.Indicator.Name(l), "Year", cu.Plan.Year))
	sub := nfc(cu.subtitle(s))
	data, err := renderPNG(func(c draw.Canvas) {
		W, H := c.Max.X, c.Max.Y
		margin := vg.Points(8)
		ts := style(cache, bold, 18, colText)
		ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
		y := H - margin
		for _, line := range wrap(ts, title, W-2*margin) {
			layout.Title = layout.Title.Union(layout.fillText(c, ts, vg.Point{X: W / 2, Y: y}, line, ""))
			y -= ts.Height(line)
		}
		ss := style(cache, regular, 14, colSubtitle)
		ss.XAlign, ss.YAlign = draw.XCenter, draw.YTop
		y -= vg.Points(3)
		for _, line := range wrap(ss, sub, W-2*margin) {
			layout.Subtitle = layout.Subtitle.Union(layout.fillText(c, ss, vg.Point{X: W / 2, Y: y}, line, ""))
			y -= ss.Height(line)
		}
		ls := style(cache, regular, 13.5, colText)
		left, right := margin+vg.Points(10), W-margin
		legendH := vg.Points(1000) - drawLegend(c, ls, entries, left, right, vg.Points(1000), false, nil)
		bottom := margin + legendH
		drawLegend(c, ls, entries, left, right, bottom, true, layout)
		var lb []string
		for k := range layout.Boxes {
			if len(k) > 7 && k[:7] == "legend:" {
				lb = append(lb, k)
			}
		}
		for _, k := range lb {
			for _, r := range layout.Boxes[k] {
				layout.Legend = layout.Legend.Union(r)
			}
		}
		layout.Legend = layout.Legend.Union(layout.px(left, margin, left+vg.Points(26), bottom))
		pc := draw.Crop(c, margin, -margin, bottom+vg.Points(6), -(H - y + vg.Points(6)))
		dc := p.DataCanvas(pc)
		layout.Plot = layout.px(dc.Min.X, dc.Min.Y, dc.Max.X, dc.Max.Y)
		p.Draw(pc)
	})
	return data, layout, err
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
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
