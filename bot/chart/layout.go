package chart

import (
	"image"
	"image/color"
	"strings"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Layout records where a chart drew its parts, in pixels of the picture
// (origin top left), for tests of what is drawn where.
type Layout struct {
	Size     image.Point
	Title    image.Rectangle
	Subtitle image.Rectangle
	Plot     image.Rectangle // the data area of a plot
	Legend   image.Rectangle
	// Named boxes: "bar:5" (May's bar), "value:5" (its label), "name:3"
	// (a row's name, each of its lines), "label:3", "tick:3", "track:3".
	Boxes map[string][]image.Rectangle
	// Texts are the words drawn in each named box, in the same order.
	Texts map[string][]string
}

func newLayout(w, h int) *Layout {
	return &Layout{Size: image.Pt(w, h), Boxes: map[string][]image.Rectangle{}, Texts: map[string][]string{}}
}

// canvasPx turns a rectangle of canvas c (points, origin bottom left) into
// picture pixels.
func (l *Layout) px(x0, y0, x1, y1 vg.Length) image.Rectangle {
	s := float64(dpi) / 72
	r := image.Rect(int(float64(x0)*s), l.Size.Y-int(float64(y1)*s), int(float64(x1)*s+0.999), l.Size.Y-int(float64(y0)*s))
	return r.Canon()
}

func (l *Layout) add(name string, r image.Rectangle) {
	if l != nil {
		l.Boxes[name] = append(l.Boxes[name], r)
	}
}

// textBox is where st draws s at pt, in canvas points.
func textBox(st text.Style, s string, pt vg.Point) (x0, y0, x1, y1 vg.Length) {
	w, h := st.Width(s), st.Height(s)
	x0 = pt.X + vg.Length(st.XAlign)*w
	y0 = pt.Y + vg.Length(st.YAlign)*h
	return x0, y0, x0 + w, y0 + h
}

// fillText draws s and records its box under name.
func (l *Layout) fillText(c draw.Canvas, st text.Style, pt vg.Point, s, name string) image.Rectangle {
	c.FillText(st, pt, s)
	x0, y0, x1, y1 := textBox(st, s, pt)
	r := l.px(x0, y0, x1, y1)
	if name != "" {
		l.add(name, r)
		l.Texts[name] = append(l.Texts[name], s)
	}
	return r
}

// wrap breaks s into lines no wider than w in st, at spaces only: a word
// is never cut. A word wider than w alone stays whole on its line.
func wrap(st text.Style, s string, w vg.Length) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && st.Width(try) > w {
			lines = append(lines, cur)
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// hatch fills the rectangle with c and strokes diagonal lines of ink over
// it: the mark of a provisional figure.
func hatch(c draw.Canvas, fill, ink color.Color, x0, y0, x1, y1 vg.Length) {
	c.FillPolygon(fill, rect(x0, y0, x1, y1))
	step := vg.Points(5)
	ls := draw.LineStyle{Color: ink, Width: vg.Points(1)}
	h := y1 - y0
	for x := x0 - h; x < x1; x += step {
		// From (x, y0) to (x+h, y1), clipped to [x0, x1].
		ax, ay, bx, by := x, y0, x+h, y1
		if ax < x0 {
			ay += x0 - ax
			ax = x0
		}
		if bx > x1 {
			by -= bx - x1
			bx = x1
		}
		if ax < bx {
			c.StrokeLine2(ls, ax, ay, bx, by)
		}
	}
}
