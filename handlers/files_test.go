package handlers

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
)

// cells returns every cell of every sheet of an .xlsx file, as shown.
func cells(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r...)
		}
	}
	return out
}

// /baocao sends the province's table of the month, with the stored figures
// read once; a unit named is refused before anything is read or sent.
func TestReportFileHasTheStoredFigures(t *testing.T) {
	viewer := access.User{ID: 7, Role: access.Viewer}
	figs, choices := &fakeFigures{}, &fakeChoices{}
	a := testApp(t, needs{figures: figs, choices: choices})
	figs.figs = map[string][]kpi.Report{"xuat-khau": reports(t, a.Plan, "xuất khẩu tháng 3/2022 Bến Lức: 520,3 triệu USD")}
	out := &fileSender{}
	handle(t, a, out, viewer, "/baocao tháng 3/2022", "")
	if len(out.files) != 1 || figs.reads != 1 {
		t.Fatalf("sent %d files, read figures %d times; replies %v", len(out.files), figs.reads, out.sent)
	}
	f := out.files[0]
	if f.Name != "bieu-so-lieu-2022-03.xlsx" || !strings.Contains(f.Caption, "Biểu số liệu tháng 3/2022") {
		t.Errorf("file %q, caption %q", f.Name, f.Caption)
	}
	if cs := cells(t, f.Data); !slices.ContainsFunc(cs, func(c string) bool { return strings.Contains(c, "520,3") || strings.Contains(c, "520.3") }) {
		t.Errorf("the table lacks Bến Lức's 520,3:\n%q", cs)
	}

	out = &fileSender{}
	handle(t, a, out, viewer, "/baocao Bến Lức", "")
	m := out.last(t)
	if len(out.files) != 0 || figs.reads != 1 || !strings.Contains(m.html, "/baocao lập cho cả tỉnh") {
		t.Fatalf("/baocao Bến Lức: sent %d files, read %d; reply\n%s", len(out.files), figs.reads, m.html)
	}
	// The refusal offers the province's table instead.
	if len(m.data) != 1 || m.data[0] != "rr:C1" || len(choices.texts) != 1 || choices.texts[0] != "/baocao" {
		t.Errorf("offered %q for %q", m.data, choices.texts)
	}
}

// The form /maubaocao sends, filled and sent back by the unit's reporter,
// is read back like typed figures and held once for Xác nhận; a viewer's
// file is refused unread.
func TestFilledFormReadBackOnce(t *testing.T) {
	reporter := access.User{ID: 10, Role: access.Reporter, Unit: "ben-luc"}
	fc := &fakeConfirm{stored: map[string][]kpi.Report{}}
	a := testApp(t, needs{confirm: fc})
	out := &fileSender{}
	handle(t, a, out, reporter, "/maubaocao", "")
	if len(out.files) != 1 || out.files[0].Name != "mau-bao-cao-ben-luc-2022-03.xlsx" {
		t.Fatalf("sent %+v", out.files)
	}
	book, err := excelize.OpenReader(bytes.NewReader(out.files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	sh := book.GetSheetName(0)
	rows, _ := book.GetRows(sh)
	row := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == "xuat-khau" })
	if row < 0 {
		t.Fatalf("no exports row in the form")
	}
	if err := book.SetCellValue(sh, "E"+itoa(int64(row+1)), 520.3); err != nil {
		t.Fatal(err)
	}
	var filled bytes.Buffer
	if _, err := book.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	file := Request{Document: &Document{FileID: "f1", Name: "mau-bao-cao-ben-luc-2022-03.xlsx", Size: int64(filled.Len())}}

	viewer := &fileSender{uploads: map[string][]byte{"f1": filled.Bytes()}}
	handleReq(t, a, viewer, access.User{ID: 7, Role: access.Viewer}, file)
	if len(viewer.downloaded) != 0 || len(fc.put) != 0 || !strings.Contains(viewer.last(t).html, "chỉ có quyền xem") {
		t.Fatalf("a viewer's form: downloaded %q, held %d; reply\n%s", viewer.downloaded, len(fc.put), viewer.last(t).html)
	}

	back := &fileSender{uploads: map[string][]byte{"f1": filled.Bytes()}}
	handleReq(t, a, back, reporter, file)
	m := back.last(t)
	if len(fc.put) != 1 || len(m.data) == 0 || m.data[0] != "ok:P1" || !strings.Contains(m.html, "Tôi đọc được từ file Excel") {
		t.Fatalf("held %d; read-back %q:\n%s", len(fc.put), m.data, m.html)
	}
	if rs := fc.put[0].Reports; len(rs) != 1 || rs[0].Indicator != "xuat-khau" || rs[0].Unit != "ben-luc" ||
		rs[0].Period != kpi.Month(2022, 3) || fc.put[0].UserID != 10 {
		t.Fatalf("held %+v", fc.put[0])
	}
}
