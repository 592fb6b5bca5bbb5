package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tiendo/bot/chart"
	"tiendo/bot/kpi"
	"tiendo/locales"
)

var zone = time.FixedZone("ICT", 7*3600)

func textIn(t testing.TB, lang string) func(id string, kv ...any) string {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat.Missing = func(l, id string, err error) { t.Errorf("locale %s %s: %v", l, id, err) }
	return func(id string, kv ...any) string { return html.UnescapeString(cat.T(lang, id, kv...)) }
}

// lastYearPlan is the embedded plan moved to the year before, for the
// comparisons with the same period.
func lastYearPlan(t testing.TB) *kpi.Plan {
	t.Helper()
	src := strings.Replace(string(kpi.DefaultPlanSource()), "year = 2022", "year = 2021", 1)
	src = strings.Replace(src, `id = "long-an-2022"`, `id = "long-an-2021"`, 1)
	p, err := kpi.ParsePlan("2021.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func at(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 9, 0, 0, 0, zone) }

// sample is five months of 2022 with the year before for exports.
func sample(t testing.TB) (map[string][]kpi.Report, map[string][]kpi.Report) {
	usd := func(m int64) kpi.Amount { return kpi.Amount(m*100_000) * kpi.AmountScale } // tenths of a million
	cur := map[string][]kpi.Report{}
	last := map[string][]kpi.Report{}
	for i, u := range []string{"tan-an", "ben-luc", "duc-hoa"} {
		for m := 1; m <= 5; m++ {
			st := kpi.Official
			if m == 5 {
				st = kpi.Estimate
			}
			cur["xuat-khau"] = append(cur["xuat-khau"], kpi.Report{Indicator: "xuat-khau", Unit: u, Period: kpi.Month(2022, m),
				Value: usd(int64(1500 + 200*m + 37*i)), Status: st, At: at(2022, m+1, 5)})
			last["xuat-khau"] = append(last["xuat-khau"], kpi.Report{Indicator: "xuat-khau", Unit: u, Period: kpi.Month(2021, m),
				Value: usd(int64(1400 + 180*m + 11*i)), Status: kpi.Official, At: at(2021, m+1, 5)})
		}
	}
	cur["iip"] = []kpi.Report{{Indicator: "iip", Unit: "so-cong-thuong", Period: kpi.Month(2022, 5), Value: 8100, Status: kpi.Preliminary, At: at(2022, 6, 3)}}
	cur["ban-le"] = []kpi.Report{{Indicator: "ban-le", Unit: "tan-an", Period: kpi.YearToDate(2022, 5), Value: kpi.Amount(2_150_000_000_000) * kpi.AmountScale, Status: kpi.Estimate, At: at(2022, 6, 4)}}
	cur["ho-dung-dien"] = []kpi.Report{{Indicator: "ho-dung-dien", Unit: "so-cong-thuong", Period: kpi.Quarter(2022, 1), Value: 99_950, At: at(2022, 4, 4)}}
	cur["dien-mat-troi"] = []kpi.Report{{Indicator: "dien-mat-troi", Unit: "so-cong-thuong", Item: "nghiem-thu", Date: at(2022, 5, 3).Truncate(24 * time.Hour), At: at(2022, 5, 4)}}
	cur["cum-cong-nghiep"] = []kpi.Report{{Indicator: "cum-cong-nghiep", Unit: "duc-hoa", Item: "Hựu Thạnh", Value: kpi.AmountScale, Date: time.Date(2022, 3, 15, 0, 0, 0, 0, zone), At: at(2022, 3, 16)}}
	return cur, last
}

func sampleDocument(t testing.TB) Document {
	p := kpi.DefaultPlan()
	cur, last := sample(t)
	now := at(2022, 6, 10)
	png, err := (chart.Overview{Plan: p, Reports: cur, Now: now, Lang: "vi", T: chart.Text(textIn(t, "vi"))}).PNG()
	if err != nil {
		t.Fatal(err)
	}
	return Document{Plan: p, Reports: cur, Period: kpi.Month(2022, 5), Now: now, T: textIn(t, "vi"),
		LastPlan: lastYearPlan(t), LastReports: last, Chart: png}
}

// parts unzips a .docx.
func parts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// paragraphs reads the text of every paragraph of document.xml in order,
// failing on XML that is not well formed.
func paragraphs(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "t" {
				inText = true
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "t":
				inText = false
			case "p":
				if s := strings.TrimSpace(strings.ReplaceAll(cur.String(), "\u00a0", "")); s != "" {
					out = append(out, s)
				}
				cur.Reset()
			}
		case xml.CharData:
			if inText {
				cur.Write(el)
			}
		}
	}
	return out
}

// TestDocumentLayout: the parts of the layout Decree 30/2020/NĐ-CP gives,
// in its order, on A4 with its margins, in Times New Roman 14.
func TestDocumentLayout(t *testing.T) {
	d := sampleDocument(t)
	data, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("TIENDO_DOC_OUT"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "bao-cao.docx"), data, 0o644)
	}
	ps := parts(t, data)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/_rels/document.xml.rels", "word/media/image1.png", "docProps/core.xml"} {
		if _, ok := ps[name]; !ok {
			t.Errorf("no part %s", name)
		}
	}
	if !bytes.Equal(ps["word/media/image1.png"], d.Chart) {
		t.Error("the picture is not the overview chart")
	}
	text := paragraphs(t, ps["word/document.xml"])
	// In this order, each the start of a paragraph.
	order := []string{"UBND TỈNH LONG AN", "SỞ CÔNG THƯƠNG", "Số:", "/BC-SCT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "Long An, ngày", "BÁO CÁO", "Kết quả thực hiện các chỉ tiêu kế hoạch tháng 5/2022",
		"I. KẾT QUẢ", "1. Tốc độ tăng trưởng kinh tế (GRDP)", "4. Kim ngạch xuất khẩu tháng 5/2022 ước đạt 761,1 triệu USD, tăng 9,8% so với cùng kỳ; lũy kế 5 tháng ước đạt 3.205,5 triệu USD, tăng 9,5% so với cùng kỳ, bằng 50,1% kế hoạch năm.",
		"II. BIỂU SỐ LIỆU", "STT", "Kim ngạch xuất khẩu", "761,1", "III. BIỂU ĐỒ", "Nơi nhận:", "- UBND tỉnh Long An (b/c);", "- Lưu: VT.", "GIÁM ĐỐC"}
	i := 0
	for _, p := range text {
		if i < len(order) && strings.Contains(p, order[i]) {
			i++
			// "Số:" and its symbol are one paragraph.
			if i < len(order) && strings.Contains(p, order[i]) {
				i++
			}
		}
	}
	if i < len(order) {
		t.Errorf("%q missing or out of order in:\n%s", order[i], strings.Join(text, "\n"))
	}
	doc := string(ps["word/document.xml"])
	// A4, margins in the decree's ranges (twips: 1 mm = 56.7).
	mm := func(attr string) float64 {
		i := strings.Index(doc, attr+`="`)
		if i < 0 {
			t.Fatalf("no %s", attr)
		}
		var v int
		fmt.Sscanf(doc[i+len(attr)+2:], "%d", &v)
		return float64(v) / 56.7
	}
	for _, c := range []struct {
		attr   string
		lo, hi float64
	}{{"w:top", 20, 25}, {"w:bottom", 20, 25}, {"w:left", 30, 35}, {"w:right", 15, 20}} {
		if v := mm(c.attr); v < c.lo-0.1 || v > c.hi+0.1 {
			t.Errorf("margin %s %.1f mm, the decree gives %v–%v", c.attr, v, c.lo, c.hi)
		}
	}
	if w, h := mm("w:pgSz w:w"), mm("w:h"); math.Abs(w-210) > 0.5 || math.Abs(h-297) > 0.5 {
		t.Errorf("page %.0f×%.0f mm, want A4", w, h)
	}
	// The page number at the top from the second page: a PAGE field in
	// the header, none on the first page.
	if h := string(ps["word/header1.xml"]); !strings.Contains(h, " PAGE ") || !strings.Contains(doc, "<w:titlePg/>") ||
		!strings.Contains(doc, `<w:headerReference w:type="default"`) {
		t.Errorf("no page number from page 2: header %q", h)
	}
	// Word refuses properties out of the schema's order, which LibreOffice
	// forgives: check the sequences the writer uses.
	for _, seq := range []struct{ parent, order string }{
		{"rPr", "b bCs i iCs sz szCs u"}, {"pPr", "keepNext spacing ind jc"},
		{"tblPr", "tblW jc tblBorders tblLayout tblCellMar"}, {"tcPr", "tcW gridSpan vAlign"},
		{"sectPr", "headerReference pgSz pgMar titlePg"},
	} {
		re := regexp.MustCompile(`<w:` + seq.parent + `>(.*?)</w:` + seq.parent + `>`)
		rank := map[string]int{}
		for i, name := range strings.Fields(seq.order) {
			rank[name] = i
		}
		child := regexp.MustCompile(`<w:([A-Za-z]+)[ />]`)
		for _, m := range re.FindAllStringSubmatch(doc, -1) {
			last := -1
			for _, c := range child.FindAllStringSubmatch(m[1], -1) {
				r, ok := rank[c[1]]
				if !ok {
					continue // inside a child (tblBorders' sides, tblCellMar's)
				}
				if r < last {
					t.Fatalf("%s out of the schema's order: %s", seq.parent, m[1])
				}
				last = r
			}
		}
	}
	styles := string(ps["word/styles.xml"])
	if !strings.Contains(styles, `w:ascii="Times New Roman"`) || !strings.Contains(styles, `<w:sz w:val="28"/>`) {
		t.Errorf("not Times New Roman 14: %s", styles)
	}
}

// TestLetterheadFromPlan: the issuing body, the place, the symbol, the
// signer and the recipients are the plan's, and without them derived from
// its province and department, never another province's.
func TestLetterheadFromPlan(t *testing.T) {
	d := sampleDocument(t)
	d.Chart = nil
	src := strings.Replace(string(kpi.DefaultPlanSource()), `province = "Long An"`, `province = "Tây Ninh"`, 1)
	src = strings.Replace(src, `short = "Sở Công Thương"`, `short = "Sở Kế hoạch và Đầu tư"`, 1)
	p, err := kpi.ParsePlan("tay-ninh.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d.Plan = p
	h := d.Head()
	if h.Authority != "UBND tỉnh Tây Ninh" || h.Issuer != "Sở Kế hoạch và Đầu tư" || h.Symbol != "SKHĐT" || h.Place != "Tây Ninh" ||
		h.SignerTitle != "Giám đốc" || strings.Join(h.Recipients, "|") != "UBND tỉnh Tây Ninh (b/c)|Lưu: VT" {
		t.Errorf("derived head = %+v", h)
	}
	p.Letterhead = kpi.Letterhead{Authority: "UBND thành phố Hồ Chí Minh", Issuer: "Sở Công Thương", Symbol: "SCT", Place: "Thành phố Hồ Chí Minh",
		SignerTitle: "KT. Giám đốc\nPhó Giám đốc", Signer: "Nguyễn Văn A", Recipients: []string{"Bộ Công Thương (b/c)", "Lưu: VT, KHTC"}}
	data, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(paragraphs(t, parts(t, data)["word/document.xml"]), "\n")
	for _, want := range []string{"UBND THÀNH PHỐ HỒ CHÍ MINH", "/BC-SCT", "Thành phố Hồ Chí Minh, ngày", "- Bộ Công Thương (b/c);", "- Lưu: VT, KHTC.",
		"Nguyễn Văn A", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Long An,") || strings.Contains(text, "UBND TỈNH") {
		t.Errorf("a derived word left:\n%s", text)
	}
}

// TestDocumentOpensInLibreOffice converts the document to PDF with
// LibreOffice where it is installed: Word's rival reads the package.
func TestDocumentOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not on PATH: the conversion to PDF is not tried")
	}
	if testing.Short() {
		t.Skip("-short: LibreOffice takes seconds")
	}
	data, err := sampleDocument(t).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "bao-cao.docx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "bao-cao.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 10_000 {
		t.Fatalf("no PDF (%d bytes): %v", len(pdf), err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		return
	}
	out, err := exec.Command(pdftotext, "-layout", filepath.Join(dir, "bao-cao.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Kim ngạch xuất khẩu tháng 5/2022 ước đạt", "Nơi nhận:", "GIÁM ĐỐC"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the PDF has no %q", want)
		}
	}
}

func BenchmarkDocument(b *testing.B) {
	d := sampleDocument(b)
	for b.Loop() {
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
