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
	"image/png"
	"math"
	"math/big"
	"strconv"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot/font"
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

// renderPNG renders paint onto a Width×Height canvas.
func renderPNG(paint func(c draw.Canvas)) ([]byte, error) { return renderPNGSize(Width, Height, paint) }

// renderPNGSize renders paint onto a w×h pixel canvas.
func renderPNGSize(w, h int, paint func(c draw.Canvas)) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/dpi, vg.Length(h)*vg.Inch/dpi), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(background))
	paint(draw.New(img))
	// The fastest compression: half of a chart's time went to the
	// default's, for a file 4% larger, and the answer waits on it.
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img.Image()); err != nil {
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
