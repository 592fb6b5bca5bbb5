package chart

import (
	"fmt"
	"image/color"
	"time"

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
	Behind    bool // behind pace, and judged so (kpi.Progress.BehindJudged)
	// TooFew: fewer than kpi.MinReportedShare of the units that report it
	// have sent its latest period, so its pace is not judged.
	TooFew          bool
	Reported, Units int
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
		b := Bar{Indicator: ind, Name: nfc(ind.Name(l)), HasData: pr.HasData, Behind: pr.BehindJudged(o.Plan), Pace: -1}
		b.Reported, b.Units = pr.Coverage(o.Plan)
		b.TooFew = pr.HasData && !pr.Judged(o.Plan)
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
		switch {
		case !pr.HasData:
			b.Label = t("ChartNoData")
		case b.TooFew:
			b.Label += " — " + t("ChartTooFew", "Reported", b.Reported, "Total", b.Units)
		case b.Behind:
			b.Label += " — " + t("ChartBehind")
		}
		b.Label = nfc(b.Label)
		out = append(out, b)
	}
	return out
}

// Caption says in one line what the overview shows, and how many
// indicators have too few figures to be judged.
func (o Overview) Caption() string {
	bars := o.Bars()
	behind, few := 0, 0
	for _, b := range bars {
		if b.Behind {
			behind++
		}
		if b.TooFew {
			few++
		}
	}
	c := o.T("ChartCaptionOverview", "Year", o.Plan.Year, "Behind", behind, "Total", len(o.Plan.Indicators))
	if few > 0 {
		c += " " + o.T("ChartCaptionTooFew", "Count", few)
	}
	return c
}

// PNG draws one line per indicator: its name and what it reached, under it a
// bar to its % of the target on a track to 120%, with a black tick where it
// should be at this time of year; behind-pace bars are red, marked ⚠; those
// with too few units reported grey, said so.
func (o Overview) PNG() ([]byte, error) {
	data, _, err := o.render()
	return data, err
}

// overviewRow is one indicator's row laid out: its name in lines and the
// size of its words.
type overviewRow struct {
	lines []string
	size  float64
	// ownLine: the label is too long to stand beside the name; it has the
	// line under it.
	ownLine bool
}

func (o Overview) render() ([]byte, *Layout, error) {
	cache, err := Fonts()
	if err != nil {
		return nil, nil, err
	}
	bars := o.Bars()
	t := o.T
	layout := newLayout(Width, Height)
	data, err := renderPNG(func(c draw.Canvas) {
		W, H := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
		left, right := vg.Points(14), W-vg.Points(14)
		titleStyle := style(cache, bold, 16, colText)
		titleStyle.XAlign, titleStyle.YAlign = draw.XCenter, draw.YTop
		layout.Title = layout.fillText(c, titleStyle, vg.Point{X: W / 2, Y: H - vg.Points(10)},
			nfc(t("ChartTitleOverview", "Year", o.Plan.Year, "Date", o.Now.Format("02/01/2006"))), "")

		top, bottom := H-vg.Points(38), vg.Points(22)
		track := right - left
		x := func(pct float64) vg.Length { return left + track*vg.Length(min(max(pct, 0), maxBar)/maxBar) }
		const (
			barH    = 9.0 // points
			tickOut = 3.0 // the pace tick's reach over and under the bar
			gapText = 2.5 // between the tick's top and the words
			gapRow  = 5.5 // under the bar, before the next row
		)
		// The largest size at which every row fits: names wrap at spaces
		// beside their figures, never cut.
		var rows []overviewRow
		for size := 12.5; ; size -= 0.5 {
			rows = rows[:0]
			total := vg.Length(0)
			for _, b := range bars {
				ls := style(cache, regular, size, colText)
				ns := style(cache, bold, size, colText)
				room := track - ls.Width(b.Label) - vg.Points(12)
				own := room < track/3
				if own {
					room = track
				}
				lines := wrap(ns, marked(b), room)
				rows = append(rows, overviewRow{lines: lines, size: size, ownLine: own})
				total += vg.Length(len(lines)+btoi(own))*ns.Height("Ág") + vg.Points(barH+2*tickOut+gapText+gapRow)
			}
			if total <= top-bottom || size <= 8 {
				break
			}
		}
		y := top
		for i, b := range bars {
			r := rows[i]
			nameColor, fill := color.Color(colText), color.Color(colAhead)
			labelColor := color.Color(colText)
			switch {
			case !b.HasData:
				nameColor, fill, labelColor = colNoData, colNoData, colNoData
			case b.TooFew:
				fill, labelColor = colNoData, colNoData
			case b.Behind:
				nameColor, fill, labelColor = colBehind, colBehind, colBehind
			}
			ns := style(cache, bold, r.size, nameColor)
			ls := style(cache, regular, r.size, labelColor)
			ls.XAlign = draw.XRight
			lineH := ns.Height("Ág")
			// The words: the name's lines from the top, the label beside
			// the first one.
			for k, line := range r.lines {
				ly := y - lineH*vg.Length(k+1)
				layout.fillText(c, ns, vg.Point{X: left, Y: ly}, line, fmt.Sprintf("name:%d", i))
			}
			n := len(r.lines)
			if r.ownLine {
				n++
				layout.fillText(c, ls, vg.Point{X: right, Y: y - lineH*vg.Length(n)}, b.Label, fmt.Sprintf("label:%d", i))
			} else {
				layout.fillText(c, ls, vg.Point{X: right, Y: y - lineH}, b.Label, fmt.Sprintf("label:%d", i))
			}
			y -= lineH * vg.Length(n)
			// Under the words, clear of them, the bar and its ticks.
			barTop := y - vg.Points(gapText+tickOut)
			barY := barTop - vg.Points(barH)
			c.FillPolygon(colTrack, rect(left, barY, right, barTop))
			layout.add(fmt.Sprintf("track:%d", i), layout.px(left, barY, right, barTop))
			if b.HasData && b.Percent > 0 {
				c.FillPolygon(fill, rect(left, barY, x(b.Percent), barTop))
			}
			c.StrokeLine2(draw.LineStyle{Color: colTarget, Width: vg.Points(0.8)}, x(100), barY-vg.Points(2), x(100), barTop+vg.Points(2))
			if b.Pace >= 0 {
				tx := x(b.Pace)
				c.StrokeLine2(draw.LineStyle{Color: colText, Width: vg.Points(2.5)}, tx, barY-vg.Points(tickOut), tx, barTop+vg.Points(tickOut))
				layout.add(fmt.Sprintf("tick:%d", i), layout.px(tx-vg.Points(1.25), barY-vg.Points(tickOut), tx+vg.Points(1.25), barTop+vg.Points(tickOut)))
			}
			y = barY - vg.Points(tickOut+gapRow)
		}
		fs := style(cache, regular, 10, colNoData)
		layout.fillText(c, fs, vg.Point{X: left, Y: vg.Points(8)}, nfc(t("ChartPaceTick")), "footer")
	})
	return data, layout, err
}

// marked is the name as drawn: ⚠ before a behind-pace one.
func marked(b Bar) string {
	if b.Behind {
		return "⚠ " + b.Name
	}
	return b.Name
}

func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
