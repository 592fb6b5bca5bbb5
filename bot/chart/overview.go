package chart

import (
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tiendo/bot/kpi"
)

// Overview is every indicator of the plan at one glance.
type Overview struct {
	Plan    *kpi.Plan
	Reports map[string][]kpi.Report // counted figures, by indicator id
	Now     time.Time
	Lang    string
	T       Text
}

// Bar is one indicator's line of the overview.
type Bar struct {
	Indicator *kpi.Indicator
	Name      string
	Label     string  // what was reached against the target, in words and numbers
	Percent   float64 // length of the bar, % of the target (a stage: % of the stages)
	Pace      float64 // where the tick goes, % of the target; < 0: no tick
	HasData   bool
	Behind    bool
}

// maxBar is the far end of the track: 120% of the target.
const maxBar = 120.0

// Bars computes the overview's lines, in plan order.
func (o Overview) Bars() []Bar {
	l, t := o.Lang, o.T
	var out []Bar
	for i := range o.Plan.Indicators {
		ind := &o.Plan.Indicators[i]
		pr := kpi.Compute(o.Plan, ind, o.Reports[ind.ID], kpi.Filter{}, o.Now)
		b := Bar{Indicator: ind, Name: nfc(ind.Name(l)), HasData: pr.HasData, Behind: pr.Behind, Pace: -1}
		elapsed := float64(kpi.MonthsElapsed(o.Plan.Year, o.Now)) / 12 * 100
		switch ind.Kind {
		case kpi.Cumulative:
			b.Percent, b.Pace = pr.Percent, elapsed
			if pr.HasData {
				b.Pace = pr.YearShare
				b.Label = ind.FormatAmount(pr.Total, l) + " / " + ind.FormatTarget(l) + " (" + kpi.FormatPercent(pr.Percent, 1, l) + ")"
			}
		case kpi.Count:
			b.Percent, b.Pace = pr.Percent, elapsed
			if pr.HasData {
				b.Label = number(float64(pr.Achieved), 0, l) + " / " + ind.FormatTarget(l) + " (" + kpi.FormatPercent(pr.Percent, 0, l) + ")"
			}
		case kpi.Rate, kpi.Level:
			b.Pace = 100
			if pr.HasData && ind.TargetMin > 0 {
				b.Percent = max(0, pr.Value.Float()/ind.TargetMin.Float()*100)
			}
			if pr.HasData {
				b.Label = ind.FormatAmount(pr.Value, l) + " / " + ind.FormatTarget(l) + " (" + pr.Period.Label(l) + ")"
			}
		case kpi.Milestone:
			if pr.HasData && len(ind.Stages) > 0 {
				b.Percent = float64(pr.Stage+1) / float64(len(ind.Stages)) * 100
				b.Label = ind.Stages[pr.Stage].Name(l)
			}
		}
		if !pr.HasData {
			b.Label = t("ChartNoData")
		}
		if b.Behind {
			b.Label += " — " + t("ChartBehind")
		}
		b.Label = nfc(b.Label)
		out = append(out, b)
	}
	return out
}

// Behind counts the indicators behind pace.
func (o Overview) Behind() int {
	n := 0
	for _, b := range o.Bars() {
		if b.Behind {
			n++
		}
	}
	return n
}

// Caption says in one line what the overview shows.
func (o Overview) Caption() string {
	return o.T("ChartCaptionOverview", "Year", o.Plan.Year, "Behind", o.Behind(), "Total", len(o.Plan.Indicators))
}

// PNG draws one line per indicator: its name and what it reached, under it a
// bar to its % of the target on a track to 120%, with a black tick where it
// should be at this time of year; behind-pace bars are red, marked ⚠.
func (o Overview) PNG() ([]byte, error) {
	cache, err := Fonts()
	if err != nil {
		return nil, err
	}
	bars := o.Bars()
	t := o.T
	return renderPNG(func(c draw.Canvas) {
		W, H := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
		left, right := vg.Points(14), W-vg.Points(14)
		titleStyle := style(cache, bold, 15, colText)
		titleStyle.XAlign, titleStyle.YAlign = draw.XCenter, draw.YTop
		c.FillText(titleStyle, vg.Point{X: W / 2, Y: H - vg.Points(10)},
			nfc(t("ChartTitleOverview", "Year", o.Plan.Year, "Date", o.Now.Format("02/01/2006"))))

		top, bottom := H-vg.Points(40), vg.Points(28)
		rowH := (top - bottom) / vg.Length(max(len(bars), 1))
		track := right - left
		x := func(pct float64) vg.Length { return left + track*vg.Length(min(max(pct, 0), maxBar)/maxBar) }
		for i, b := range bars {
			y0 := top - rowH*vg.Length(i+1) // bottom of the row
			barH := rowH * 0.30
			barY := y0 + rowH*0.12
			textY := barY + barH + rowH*0.10

			var nameColor, fill color.Color = colText, colAhead
			if b.Behind {
				nameColor, fill = colBehind, colBehind
			}
			if !b.HasData {
				fill = colNoData
			}
			name := b.Name
			if b.Behind {
				name = "⚠ " + name
			}
			ls := style(cache, regular, 11.5, nameColor)
			ls.XAlign = draw.XRight
			if !b.HasData {
				ls.Color = colNoData
			}
			c.FillText(ls, vg.Point{X: right, Y: textY}, b.Label)
			// The name takes what the figures leave: a smaller size, then
			// cut with "…", never written over them.
			room := track - ls.Width(b.Label) - vg.Points(12)
			ns := style(cache, bold, 11.5, nameColor)
			for size := 11.5; ns.Width(name) > room && size > 9; size -= 0.5 {
				ns = style(cache, bold, size, nameColor)
			}
			c.FillText(ns, vg.Point{X: left, Y: textY}, fit(ns, name, room))

			c.FillPolygon(colTrack, rect(left, barY, right, barY+barH))
			if b.HasData && b.Percent > 0 {
				c.FillPolygon(fill, rect(left, barY, x(b.Percent), barY+barH))
			}
			// 100% of the target, thin; the pace, a heavy tick.
			c.StrokeLine2(draw.LineStyle{Color: colTarget, Width: vg.Points(0.8)}, x(100), barY-vg.Points(2), x(100), barY+barH+vg.Points(2))
			if b.Pace >= 0 {
				c.StrokeLine2(draw.LineStyle{Color: colText, Width: vg.Points(2.5)}, x(b.Pace), barY-vg.Points(4), x(b.Pace), barY+barH+vg.Points(4))
			}
		}
		fs := style(cache, regular, 10, colNoData)
		c.FillText(fs, vg.Point{X: left, Y: vg.Points(8)}, nfc(t("ChartPaceTick")))
	})
}

// fit cuts s with "…" to width w in style st.
func fit(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && st.Width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}
