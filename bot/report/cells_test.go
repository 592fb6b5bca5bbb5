package report

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

// rawCell replaces the XML of cell ref on the form's figures sheet with
// xml (its style kept): an error cell or a true/false, which the
// spreadsheet library does not write from a value.
func rawCell(t testing.TB, data []byte, ref, inner, typ string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<c r="` + ref + `"( s="\d+")?[^>]*?(/>|>.*?</c>)`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			if !re.Match(body) {
				t.Fatalf("no cell %s", ref)
			}
			body = re.ReplaceAll(body, []byte(`<c r="`+ref+`"$1 t="`+typ+`">`+inner+`</c>`))
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		_, _ = w.Write(body)
	}
	_ = zw.Close()
	return buf.Bytes()
}

var ddmmyyyy = fmtDate

// dated writes 31/05/2022 in cell c as Excel does when a person types a
// date: the day's serial number, in a date style.
func dated(t testing.TB, data []byte, c string, st *excelize.Style) []byte {
	t.Helper()
	f := open(t, data)
	sh := f.GetSheetName(0)
	id, err := f.NewStyle(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue(sh, c, time.Date(2022, 5, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(sh, c, c, id); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A figure in the form's value column is read as the same figure typed in
// a message is, or refused, with the cell's address: the number reader
// does not stop at the first digits of "1e308 triệu USD" and offer 1
// triệu, nor read a date, an error or a true/false cell as a number.
func TestFormCellsReadAsTyped(t *testing.T) {
	p := kpi.DefaultPlan()
	form := template(t, "ben-luc", "vi")
	xk := rowFor(t, form, "xuat-khau")
	c := cellAt("E", xk)
	typed := func(text string) (kpi.Amount, error) {
		rs, err := p.ParseUpdate("xuất khẩu Bến Lức tháng 5/2022 đạt "+text, kpi.UpdateOptions{Lang: "vi", Now: june20})
		if err != nil {
			return 0, err
		}
		return rs[0].Value, nil
	}
	million := func(n int64) kpi.Amount { return kpi.Amount(n * 1_000_000 * kpi.AmountScale) }
	cases := []struct {
		name string
		data []byte
		// typed is the text a person would type for the same figure ("":
		// no typed equivalent); the form must refuse it where the typed
		// reader does, and read the same amount where it reads one.
		typed string
		want  string     // the refusal and its cell, or "" when read
		value kpi.Amount // when read
	}{
		{"1e308 triệu USD", fill(t, form, map[string]any{c: "1e308 triệu USD"}), "1e308 triệu USD", ErrSheetNotAFigure + " " + c, 0},
		{"10^30 tỷ USD", fill(t, form, map[string]any{c: "10^30 tỷ USD"}), "10^30 tỷ USD", ErrSheetNotAFigure + " " + c, 0},
		{"5<ZWSP>20 triệu", fill(t, form, map[string]any{c: "5\u200b20 triệu"}), "5\u200b20 triệu", ErrSheetNotAFigure + " " + c, 0},
		{"#DIV/0! typed as text", fill(t, form, map[string]any{c: "#DIV/0!"}), "#DIV/0!", ErrSheetNotAFigure + " " + c, 0},
		{"0x1p-2", fill(t, form, map[string]any{c: "0x1p-2"}), "0x1p-2", ErrSheetNotAFigure + " " + c, 0},
		{"1_000", fill(t, form, map[string]any{c: "1_000"}), "1_000", ErrSheetNotAFigure + " " + c, 0},
		{"estimate word", fill(t, form, map[string]any{c: "ước 410 triệu USD"}), "", ErrSheetNotAFigure + " " + c, 0},
		{"#DIV/0! error cell", rawCell(t, form, c, "<v>#DIV/0!</v>", "e"), "", ErrSheetErrorCell + " " + c, 0},
		{"true/false cell", rawCell(t, form, c, "<v>1</v>", "b"), "", ErrSheetBadNumber + " " + c, 0},
		{"ISO date cell", rawCell(t, form, c, "<v>2022-05-31T00:00:00Z</v>", "d"), "", ErrSheetDateInValue + " " + c, 0},
		{"date cell", dated(t, form, c, &excelize.Style{NumFmt: 14}), "", ErrSheetDateInValue + " " + c, 0},
		{"dd/mm/yyyy cell", dated(t, form, c, &excelize.Style{CustomNumFmt: &ddmmyyyy}), "", ErrSheetDateInValue + " " + c, 0},
		{"1e308 number cell", fill(t, form, map[string]any{c: 1e308}), "1e308", kpi.ErrTooLarge + " " + c, 0},
		{"520 triệu USD", fill(t, form, map[string]any{c: "520 triệu USD"}), "520 triệu USD", "", million(520)},
		{"520,5 text", fill(t, form, map[string]any{c: "520,5"}), "520,5 triệu USD", "", million(520) + million(1)/2},
		{"520 number", fill(t, form, map[string]any{c: 520}), "520 triệu USD", "", million(520)},
		{"<ZWSP>520 triệu USD.", fill(t, form, map[string]any{c: "\u200b520 triệu USD."}), "520 triệu USD", "", million(520)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadTemplate(tc.data, p, opts("vi"))
			if id := kpiID(err); tc.want != "" && id != tc.want {
				t.Fatalf("got %s (%v), want %s", id, err, tc.want)
			}
			if tc.want == "" {
				if err != nil || len(got.Rows) != 1 || got.Rows[0].Report.Value != tc.value {
					t.Fatalf("got %+v, %v; want %d", got.Rows, err, tc.value)
				}
			}
			if tc.typed == "" {
				return
			}
			v, terr := typed(tc.typed)
			switch {
			case tc.want != "" && terr == nil:
				t.Errorf("the typed reader reads %q as %d, the form refuses it", tc.typed, v)
			case tc.want == "" && (terr != nil || v != tc.value):
				t.Errorf("the typed reader reads %q as %d, %v; the form as %d", tc.typed, v, terr, tc.value)
			}
		})
	}
}

// A rate's sign is read as a typed rate's: "-2%", "âm 2%", "giảm 2%" are
// minus 2 %, in the form as in a message; another kind's decrease is
// refused in both.
func TestFormRateSignsReadAsTyped(t *testing.T) {
	p := kpi.DefaultPlan()
	dept := template(t, "so-cong-thuong", "vi")
	c := cellAt("E", rowFor(t, dept, "iip"))
	form := template(t, "ben-luc", "vi")
	xk := cellAt("E", rowFor(t, form, "xuat-khau"))
	cases := []struct {
		data  []byte
		typed string
		want  string
		value kpi.Amount
	}{
		{fill(t, dept, map[string]any{c: "-2%"}), "IIP tháng 5/2022 -2%", "", -2 * kpi.AmountScale},
		{fill(t, dept, map[string]any{c: "âm 2,5%"}), "IIP tháng 5/2022 âm 2,5%", "", -2500},
		{fill(t, dept, map[string]any{c: "giảm 2%"}), "IIP tháng 5/2022 giảm 2%", "", -2 * kpi.AmountScale},
		{fill(t, dept, map[string]any{c: "giảm 2% so với cùng kỳ"}), "", ErrSheetNotAFigure + " " + c, 0},
		{fill(t, form, map[string]any{xk: "giảm 5 triệu USD"}), "xuất khẩu Bến Lức tháng 5/2022 giảm 5 triệu USD", kpi.ErrNegative + " " + xk, 0},
	}
	for _, tc := range cases {
		got, err := ReadTemplate(tc.data, p, opts("vi"))
		if tc.want != "" {
			if id := kpiID(err); id != tc.want {
				t.Errorf("%s: got %s, want %s", tc.typed, id, tc.want)
			}
		} else if err != nil || len(got.Rows) != 1 || got.Rows[0].Report.Value != tc.value {
			t.Errorf("%s: got %+v, %v; want %d", tc.typed, got.Rows, err, tc.value)
		}
		if tc.typed == "" {
			continue
		}
		rs, terr := p.ParseUpdate(tc.typed, kpi.UpdateOptions{Lang: "vi", Now: june20})
		switch {
		case tc.want != "" && terr == nil:
			t.Errorf("%s: the typed reader reads it, the form refuses it", tc.typed)
		case tc.want == "" && (terr != nil || rs[0].Value != tc.value):
			t.Errorf("%s: the typed reader: %+v, %v; the form %d", tc.typed, rs, terr, tc.value)
		}
	}
}
