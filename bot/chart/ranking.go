package chart

import (
	"fmt"
	"sort"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"tiendo/bot/kpi"
)

// Ranking is the units of a cumulative indicator ranked by their figure
// over a period: a horizontal bar each, as long a picture as the units
// need, so that the 96 communes and wards of a merged province stay
// readable.
type Ranking struct {
	Plan      *kpi.Plan
	Indicator *kpi.Indicator
	Reports   []kpi.Report // the indicator's counted figures, every unit
	Period    kpi.Period   // zero: the year to date
	Now       time.Time
	Lang      string
	T         Text
}

// RankRow is one unit's line of the ranking.
type RankRow struct {
	Unit    *kpi.Unit
	Value   float64 // in the chart's scale
	HasData bool
	Rank    int     // 1 is the largest; equal figures share a rank
	Share   float64 // % of the province total
}

// progress is the province's progress over the ranking's period.
func (r Ranking) progress() kpi.Progress {
	return kpi.Compute(r.Plan, r.Indicator, r.Reports, kpi.Filter{Period: r.Period}, r.Now)
}

// period is what the ranking covers, in words.
func (r Ranking) period(pr kpi.Progress) string {
	if !r.Period.IsZero() {
		return r.Period.Label(r.Lang)
	}
	if pr.HasData {
		return pr.Period.Label(r.Lang)
	}
	return r.T("ChartYear", "Year", r.Plan.Year)
}

// Rows ranks the units with a figure, largest first (equal figures keep the
// plan's order and share a rank), then the units without one.
func (r Ranking) Rows() []RankRow {
	pr := r.progress()
	units := r.Plan.ReportingUnits(r.Indicator)
	var with, without []RankRow
	for i, ut := range pr.Units {
		if i >= len(units) {
			break
		}
		row := RankRow{Unit: units[i], Value: inScale(r.Indicator, ut.Total), HasData: ut.Total > 0}
		if pr.Total > 0 {
			row.Share = kpi.PercentOf(ut.Total, pr.Total)
		}
		if row.HasData {
			with = append(with, row)
		} else {
			without = append(without, row)
		}
	}
	sort.SliceStable(with, func(i, j int) bool { return with[i].Value > with[j].Value })
	for i := range with {
		with[i].Rank = i + 1
		if i > 0 && with[i].Value == with[i-1].Value {
			with[i].Rank = with[i-1].Rank
		}
	}
	return append(with, without...)
}

// Caption says in one line what the ranking shows.
func (r Ranking) Caption() string {
	pr := r.progress()
	rows := r.Rows()
	n := 0
	for _, row := range rows {
		if row.HasData {
			n++
		}
	}
	return r.T("ChartCaptionRanking", "Name", r.Indicator.Name(r.Lang), "Period", r.period(pr), "Count", n, "Total", len(rows))
}

// Sizes of the ranking, in points at the chart's resolution.
const (
	rankFont   = 12.0
	rankRowGap = 3.5
)

// PNG draws the ranking: the title, the date of the figures and how many
// units have none, then a row per unit — its rank, its name (whole, in
// lines broken at spaces when long), a bar to its figure and the figure
// with its share of the province.
func (r Ranking) PNG() ([]byte, error) {
	data, _, err := r.render()
	return data, err
}

func (r Ranking) render() ([]byte, *Layout, error) {
	cache, err := Fonts()
	if err != nil {
		return nil, nil, err
	}
	t, l := r.T, r.Lang
	pr := r.progress()
	rows := r.Rows()
	ptPx := func(px int) vg.Length { return vg.Length(px) * vg.Inch / dpi }
	W := ptPx(Width)
	margin := vg.Points(12)

	ns := style(cache, regular, rankFont, colText)
	bs := style(cache, bold, rankFont, colText)
	vs := style(cache, regular, rankFont, colText)
	lineH := ns.Height("Ág")
	// The columns: rank, name (as wide as the longest, at most 40%), the
	// bar, and room after it for the widest figure.
	rankW := bs.Width(fmt.Sprint(len(rows))+".") + vg.Points(6)
	nameW := vg.Length(0)
	for _, row := range rows {
		nameW = max(nameW, ns.Width(nfc(row.Unit.Short)))
	}
	nameW = min(nameW, (W-2*margin)*0.4)
	labels := make([]string, len(rows))
	valueW := vg.Length(0)
	maxV := 0.0
	for i, row := range rows {
		if row.HasData {
			labels[i] = number(row.Value, 1, l) + " (" + kpi.FormatPercent(row.Share, 1, l) + ")"
		} else {
			labels[i] = nfc(t("ChartNoData"))
		}
		valueW = max(valueW, vs.Width(labels[i]))
		maxV = max(maxV, row.Value)
	}
	barX0 := margin + rankW + nameW + vg.Points(10)
	barMax := W - margin - valueW - vg.Points(8) - barX0
	names := make([][]string, len(rows))
	height := vg.Length(0)
	for i, row := range rows {
		names[i] = wrap(ns, nfc(row.Unit.Short), nameW)
		height += vg.Length(len(names[i]))*lineH + vg.Points(rankRowGap)
	}
	title := nfc(t("ChartTitleRanking", "Name", r.Indicator.Name(l), "Period", r.period(pr)))
	sub := nfc(t("ChartAsOf", "Date", r.Now.Format("02/01/2006")) + " · " + r.Indicator.MeasureLabel(scale(r.Indicator), l))
	if _, total := pr.Coverage(r.Plan); total > 0 {
		none := 0
		for _, row := range rows {
			if !row.HasData {
				none++
			}
		}
		if none > 0 {
			sub += " · " + nfc(t("ChartRankingNone", "Count", none, "Total", total))
		}
	}
	ts := style(cache, bold, 17, colText)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	ss := style(cache, regular, 13.5, colSubtitle)
	ss.XAlign, ss.YAlign = draw.XCenter, draw.YTop
	titleLines, subLines := wrap(ts, title, W-2*margin), wrap(ss, sub, W-2*margin)
	head := vg.Points(10) + vg.Length(len(titleLines))*ts.Height("Ág") + vg.Points(4) + vg.Length(len(subLines))*ss.Height("Ág") + vg.Points(12)
	Hpt := head + height + margin
	hpx := int(float64(Hpt) * dpi / 72)
	hpx = max(hpx, 480)
	layout := newLayout(Width, hpx)
	data, err := renderPNGSize(Width, hpx, func(c draw.Canvas) {
		H := c.Max.Y
		y := H - vg.Points(10)
		for _, line := range titleLines {
			layout.Title = layout.Title.Union(layout.fillText(c, ts, vg.Point{X: W / 2, Y: y}, line, ""))
			y -= ts.Height(line)
		}
		y -= vg.Points(4)
		for _, line := range subLines {
			layout.Subtitle = layout.Subtitle.Union(layout.fillText(c, ss, vg.Point{X: W / 2, Y: y}, line, ""))
			y -= ss.Height(line)
		}
		y -= vg.Points(12)
		for i, row := range rows {
			rowH := vg.Length(len(names[i])) * lineH
			if i%2 == 1 {
				c.FillPolygon(colStripe, rect(margin/2, y-rowH-vg.Points(rankRowGap)/2, W-margin/2, y+vg.Points(rankRowGap)/2))
			}
			mid := y - lineH/2 // the first line's middle
			rs := bs
			rs.XAlign, rs.YAlign = draw.XRight, draw.YCenter
			if row.HasData {
				layout.fillText(c, rs, vg.Point{X: margin + rankW - vg.Points(6), Y: mid}, fmt.Sprintf("%d.", row.Rank), fmt.Sprintf("rank:%d", i))
			}
			nst := ns
			nst.YAlign = draw.YCenter
			if !row.HasData {
				nst.Color = colNoData
			}
			for k, line := range names[i] {
				layout.fillText(c, nst, vg.Point{X: margin + rankW, Y: mid - lineH*vg.Length(k)}, line, fmt.Sprintf("name:%d", i))
			}
			end := barX0
			if row.HasData && maxV > 0 {
				end = barX0 + barMax*vg.Length(row.Value/maxV)
				bh := lineH * 0.7
				c.FillPolygon(colYTD, rect(barX0, mid-bh/2, end, mid+bh/2))
				layout.add(fmt.Sprintf("bar:%d", i), layout.px(barX0, mid-bh/2, end, mid+bh/2))
			}
			vst := vs
			vst.YAlign = draw.YCenter
			if !row.HasData {
				vst.Color = colNoData
			}
			layout.fillText(c, vst, vg.Point{X: end + vg.Points(6), Y: mid}, labels[i], fmt.Sprintf("value:%d", i))
			y -= rowH + vg.Points(rankRowGap)
		}
	})
	return data, layout, err
}
