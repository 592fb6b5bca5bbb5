package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// This file writes the OOXML parts of a .docx with archive/zip and
// WordprocessingML written as text: the document needs paragraphs, runs,
// borderless layout tables, one data table, one inline picture and the page
// set-up, which is less code than a library's API and keeps the module free
// of a dependency (see README, "The report document").

// Page set-up of Decree 30/2020/NĐ-CP, appendix I: A4 portrait, margins top
// and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. In twentieths of a
// point (twips): 1 mm = 56.7 twips.
const (
	pageW        = 11906 // 210 mm
	pageH        = 16838 // 297 mm
	marginTop    = 1134  // 20 mm
	marginBottom = 1134  // 20 mm
	marginLeft   = 1701  // 30 mm
	marginRight  = 851   // 15 mm
	textWidth    = pageW - marginLeft - marginRight
	emuPerTwip   = 635
)

// Font sizes in half-points, as the decree gives them: the body 13–14, the
// motto 12–13 (capitals) and 13–14, the title 13–14.
const (
	szBody     = 28 // 14 pt
	szHead     = 26 // 13 pt: issuing body, motto, number line
	szTable    = 22 // 11 pt: the data table
	szReceiver = 22 // 11 pt: the "Nơi nhận" list
	szSmall    = 24 // 12 pt: "Nơi nhận:"
)

// run is a piece of text with its character properties.
type run struct {
	text                    string
	bold, italic, underline bool
	size                    int // half-points; 0: the paragraph's
	tab, br                 bool
}

// para is one paragraph.
type para struct {
	runs     []run
	align    string // left, center, both, right
	indent   int    // first-line indent, twips
	before   int    // space before, twips
	after    int    // space after, twips
	keepNext bool
	image    string // relationship id of an inline picture
	imgW     int64  // EMU
	imgH     int64
	imgID    int
}

// cell is one table cell: its paragraphs and width in twips.
type cell struct {
	paras []para
	width int
	span  int // gridSpan
}

// table is a table: rows of cells, bordered or a layout table.
type table struct {
	rows    [][]cell
	widths  []int
	borders bool
	header  int // rows repeated at the top of every page
}

// block is a paragraph or a table of the body.
type block struct {
	p *para
	t *table
}

// docx is the document being written.
type docx struct {
	body   []block
	images [][]byte
	title  string
	lang   string
	now    time.Time
}

func (d *docx) para(p para)   { d.body = append(d.body, block{p: &p}) }
func (d *docx) table(t table) { d.body = append(d.body, block{t: &t}) }

// image adds a PNG and returns a paragraph showing it width twips wide.
func (d *docx) image(data []byte, width int) (para, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return para{}, fmt.Errorf("document: picture: %w", err)
	}
	d.images = append(d.images, data)
	w := int64(width) * emuPerTwip
	h := w * int64(cfg.Height) / int64(cfg.Width)
	return para{align: "center", image: fmt.Sprintf("rIdImg%d", len(d.images)), imgW: w, imgH: h, imgID: len(d.images)}, nil
}

// esc escapes text for XML, NFC first: Word shows combining marks typed
// apart as separate glyphs in some fonts.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(norm.NFC.String(s)))
	return b.String()
}

func (r run) xml(b *strings.Builder) {
	b.WriteString("<w:r><w:rPr>")
	if r.bold {
		b.WriteString("<w:b/><w:bCs/>")
	}
	if r.italic {
		b.WriteString("<w:i/><w:iCs/>")
	}
	// The schema's order: sz before u (Word refuses a file out of order).
	if r.size > 0 {
		fmt.Fprintf(b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.size, r.size)
	}
	if r.underline {
		b.WriteString(`<w:u w:val="single"/>`)
	}
	b.WriteString("</w:rPr>")
	switch {
	case r.tab:
		b.WriteString("<w:tab/>")
	case r.br:
		b.WriteString("<w:br/>")
	default:
		fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t>`, esc(r.text))
	}
	b.WriteString("</w:r>")
}

func (p para) xml(b *strings.Builder) {
	b.WriteString("<w:p><w:pPr>")
	if p.keepNext {
		b.WriteString("<w:keepNext/>")
	}
	fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="auto"/>`, p.before, p.after, 264)
	if p.indent > 0 {
		fmt.Fprintf(b, `<w:ind w:firstLine="%d"/>`, p.indent)
	}
	if p.align != "" {
		fmt.Fprintf(b, `<w:jc w:val="%s"/>`, p.align)
	}
	b.WriteString("</w:pPr>")
	for _, r := range p.runs {
		r.xml(b)
	}
	if p.image != "" {
		fmt.Fprintf(b, `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>`+
			`<wp:docPr id="%d" name="%s"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">`+
			`<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">`+
			`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">`+
			`<pic:nvPicPr><pic:cNvPr id="0" name="%s.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
			`<pic:blipFill><a:blip r:embed="%s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
			`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`,
			p.imgW, p.imgH, p.imgID, p.image, p.image, p.image, p.imgW, p.imgH)
	}
	b.WriteString("</w:p>")
}

func (t table) xml(b *strings.Builder) {
	// The schema's order: tblW, jc, tblBorders, tblLayout, tblCellMar.
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>`)
	if t.borders {
		b.WriteString(`<w:tblBorders>`)
		for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
			fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
		}
		b.WriteString(`</w:tblBorders>`)
	}
	b.WriteString(`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range t.widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString("</w:tblGrid>")
	for i, row := range t.rows {
		b.WriteString("<w:tr><w:trPr><w:cantSplit/>")
		if i < t.header {
			b.WriteString("<w:tblHeader/>")
		}
		b.WriteString("</w:trPr>")
		for _, c := range row {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, c.width)
			if c.span > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, c.span)
			}
			if t.borders {
				b.WriteString(`<w:vAlign w:val="center"/>`)
			}
			b.WriteString(`</w:tcPr>`)
			if len(c.paras) == 0 {
				c.paras = []para{{}}
			}
			for _, p := range c.paras {
				p.xml(b)
			}
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"`

func (d *docx) documentXML() string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<w:document ` + nsW + `><w:body>`)
	for _, bl := range d.body {
		if bl.p != nil {
			bl.p.xml(&b)
		} else {
			bl.t.xml(&b)
			// Word needs a paragraph between two tables and after the last.
			(&para{after: 0}).xml(&b)
		}
	}
	// The page number at the top centre from the second page on, as the
	// decree gives it; the first page has none (titlePg, no first header).
	fmt.Fprintf(&b, `<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/><w:titlePg/></w:sectPr>`,
		pageW, pageH, marginTop, marginRight, marginBottom, marginLeft)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

func (d *docx) stylesXML() string {
	return xml.Header + `<w:styles ` + nsW + `><w:docDefaults><w:rPrDefault><w:rPr>` +
		`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>` +
		fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>`, szBody, szBody) +
		`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
		`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`</w:styles>`
}

// bytes writes the .docx package.
func (d *docx) bytes() ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) error {
		w, err := z.Create(name)
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(body))
		return err
	}
	ct := xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`
	rels := xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`
	var dr strings.Builder
	dr.WriteString(xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`)
	for i := range d.images {
		fmt.Fprintf(&dr, `<Relationship Id="rIdImg%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image%d.png"/>`, i+1, i+1)
	}
	dr.WriteString(`</Relationships>`)
	stamp := d.now.UTC().Format("2006-01-02T15:04:05Z")
	core := xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(d.title) + `</dc:title><dc:creator>Tiến Độ</dc:creator><dc:language>` + esc(d.lang) + `</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified></cp:coreProperties>`
	app := xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tiến Độ</Application></Properties>`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", ct}, {"_rels/.rels", rels}, {"word/document.xml", d.documentXML()},
		{"word/styles.xml", d.stylesXML()}, {"word/_rels/document.xml.rels", dr.String()}, {"word/header1.xml", headerXML},
		{"docProps/core.xml", core}, {"docProps/app.xml", app},
	}
	for _, p := range parts {
		if err := put(p.name, p.body); err != nil {
			return nil, fmt.Errorf("document: zip: %w", err)
		}
	}
	for i, img := range d.images {
		w, err := z.Create(fmt.Sprintf("word/media/image%d.png", i+1))
		if err == nil {
			_, err = w.Write(img)
		}
		if err != nil {
			return nil, fmt.Errorf("document: zip: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("document: zip: %w", err)
	}
	return buf.Bytes(), nil
}

// headerXML is the page header: the page number, centred, 13 pt.
const headerXML = xml.Header + `<w:hdr ` + nsW + `><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
	`<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>` +
	`<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
	`<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>` +
	`<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:t>2</w:t></w:r>` +
	`<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`
