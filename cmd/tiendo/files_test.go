package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// june20 is the clock of the file tests: May 2022 is the last finished month.
func june20() time.Time { return time.Date(2022, 6, 20, 9, 30, 0, 0, hcm) }

// sentFiles returns what the bot sent in from's chat with method.
func sentFiles(from telegramtest.From, ss []telegramtest.Sent, method string) []telegramtest.Sent {
	var out []telegramtest.Sent
	for _, s := range inChat(from, ss) {
		if s.Method == method {
			out = append(out, s)
		}
	}
	return out
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the .xlsx does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// /baocao answers with an .xlsx document, and /bieudo with a PNG photo: the
// files arrive through the real client with their names, and open.
func TestReportAndChartArriveAsFiles(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	docs := sentFiles(admin, h.say(admin, "/baocao tháng 5/2022"), "sendDocument")
	if len(docs) != 1 || docs[0].Filename != "bieu-so-lieu-2022-05.xlsx" || docs[0].ContentType == "" {
		t.Fatalf("documents = %+v", docs)
	}
	mustContain(t, docs[0].Plain(), "Biểu số liệu tháng 5/2022")
	f := openXLSX(t, docs[0].Data)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Biểu số liệu|Theo đơn vị|Chưa báo cáo" {
		t.Errorf("sheets = %s", got)
	}
	rows, _ := f.GetRows("Biểu số liệu", excelize.Options{RawCellValue: true})
	found := false
	for _, r := range rows {
		if len(r) > 5 && r[1] == "Kim ngạch xuất khẩu" {
			found = r[5] == "520" && r[3] == "6400"
		}
	}
	if !found {
		t.Errorf("no exports row with May = 520 and plan 6400:\n%v", rows)
	}

	// In English for an English-speaking user; "quý 2" and "Q2" alike.
	h.addUser(english.UserID, access.Viewer, "")
	docs = sentFiles(english, h.say(english, "/report Q2"), "sendDocument")
	if len(docs) != 1 || docs[0].Filename != "data-table-2022-Q2.xlsx" {
		t.Fatalf("english documents = %+v", docs)
	}
	if got := openXLSX(t, docs[0].Data).GetSheetList(); got[0] != "Data table" {
		t.Errorf("english sheets = %v", got)
	}

	for ask, name := range map[string]string{"/baocao năm 2022": "bieu-so-lieu-2022.xlsx", "/baocao 2022": "bieu-so-lieu-2022.xlsx",
		"/baocao 6 tháng": "bieu-so-lieu-2022-01-06.xlsx", "/baocao": "bieu-so-lieu-2022-05.xlsx"} {
		if docs := sentFiles(admin, h.say(admin, ask), "sendDocument"); len(docs) != 1 || docs[0].Filename != name {
			t.Errorf("%s: documents = %+v", ask, docs)
		}
	}
	got := h.say(admin, "/baocao tháng 13")
	if len(sentFiles(admin, got, "sendDocument")) != 0 {
		t.Error("a file for month 13")
	}
	mustContain(t, texts(got), "tháng 13")

	for _, ask := range []string{"/bieudo xuất khẩu", "biểu đồ xuất khẩu"} {
		photos := sentFiles(admin, h.say(admin, ask), "sendPhoto")
		if len(photos) != 1 || photos[0].Filename != "bieu-do-xuat-khau.png" || photos[0].Width != 1280 || photos[0].Height != 960 {
			t.Fatalf("%s: photos = %+v", ask, photos)
		}
		if _, err := png.Decode(bytes.NewReader(photos[0].Data)); err != nil {
			t.Errorf("%s: not a PNG: %v", ask, err)
		}
		mustContain(t, photos[0].Plain(), "Kim ngạch xuất khẩu 2022", "0,52 tỉ USD")
	}
	photos := sentFiles(admin, h.say(admin, "/bieudo"), "sendPhoto")
	if len(photos) != 1 || photos[0].Filename != "bieu-do-tong-quan.png" {
		t.Fatalf("overview photos = %+v", photos)
	}
	mustContain(t, photos[0].Plain(), "Tổng quan 2022")
	noRefusals(t, h.api)
}

func noRefusals(t *testing.T, api *telegramtest.Server) {
	t.Helper()
	for _, r := range api.Refused() {
		t.Errorf("Telegram refused %s: %d %s", r.Method, r.Code, r.Description)
	}
}

// fillForm sets cells of the form's rows: indicator id → column → value.
func fillForm(t *testing.T, data []byte, cells map[string]map[string]any) []byte {
	t.Helper()
	f := openXLSX(t, data)
	sh := f.GetSheetName(0)
	rows, _ := f.GetRows(sh)
	for id, cols := range cells {
		row := 0
		for i, r := range rows {
			if len(r) > 0 && r[0] == id {
				row = i + 1
			}
		}
		if row == 0 {
			t.Fatalf("no row %s in the form", id)
		}
		for col, v := range cols {
			c, _ := excelize.JoinCellName(col, row)
			var err error
			if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
				err = f.SetCellFormula(sh, c, s)
			} else {
				err = f.SetCellValue(sh, c, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (h *harness) sendFile(from telegramtest.From, name string, data []byte) []telegramtest.Sent {
	h.t.Helper()
	before := len(h.api.Sent())
	h.api.SendDocument(from, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, "")
	return inChat(from, h.waitNew(before))
}

// A reporter takes the form, fills it in, sends it back: the figures are
// read back as typed ones are, and stored on one Xác nhận.
func TestFilledFormStoredOnOneConfirm(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	docs := sentFiles(benLuc, h.say(benLuc, "/maubaocao"), "sendDocument")
	if len(docs) != 1 || docs[0].Filename != "mau-bao-cao-ben-luc-2022-05.xlsx" {
		t.Fatalf("form = %+v", docs)
	}
	mustContain(t, docs[0].Plain(), "Huyện Bến Lức", "tháng 5/2022")
	form := docs[0].Data

	filled := fillForm(t, form, map[string]map[string]any{
		"xuat-khau":         {"E": 520},
		"nhap-khau":         {"E": "410 triệu USD"},
		"cua-hang-tien-ich": {"E": "Bách Hóa Xanh Gò Đen", "F": "12/05/2022"},
	})
	got := texts(h.sendFile(benLuc, "mau-bao-cao-ben-luc-2022-05.xlsx", filled))
	mustContain(t, got, "đọc được từ file Excel", "Kim ngạch xuất khẩu", "520 triệu USD", "410 triệu USD", "Bách Hóa Xanh Gò Đen", "Chưa có gì được ghi")
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("%d reports stored before confirmation", n)
	}
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	for id, n := range map[string]int{"xuat-khau": 1, "nhap-khau": 1, "cua-hang-tien-ich": 1, "ban-le": 0} {
		rs := h.reports(id)
		if len(rs) != n {
			t.Errorf("%s: %d reports, want %d", id, len(rs), n)
			continue
		}
		if n > 0 && (rs[0].Unit != "ben-luc" || rs[0].By != benLuc.UserID) {
			t.Errorf("%s stored as %+v", id, rs[0])
		}
	}
	if rs := h.reports("xuat-khau"); len(rs) == 1 && rs[0].Value != 520_000_000_000 {
		t.Errorf("exports = %v", rs[0].Value)
	}
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,52 tỉ USD")
	noRefusals(t, h.api)
}

// Forms are refused as typed figures are, naming the sheet and cell.
func TestFilledFormRefusals(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	own := sentFiles(benLuc, h.say(benLuc, "/maubaocao"), "sendDocument")[0].Data
	other := sentFiles(admin, h.say(admin, "/maubaocao Đức Hòa"), "sendDocument")
	if len(other) != 1 || other[0].Filename != "mau-bao-cao-duc-hoa-2022-05.xlsx" {
		t.Fatalf("editor's form = %+v", other)
	}
	cases := []struct {
		name string
		data []byte
		file string
		want []string
	}{
		{"another unit's form", fillForm(t, other[0].Data, map[string]map[string]any{"xuat-khau": {"E": 500}}), "f.xlsx", []string{"Đức Hòa"}},
		{"a formula", fillForm(t, own, map[string]map[string]any{"xuat-khau": {"E": "=1+1"}}), "f.xlsx", []string{"Trang «Mẫu báo cáo», ô E8:", "công thức"}},
		{"a wrong unit", fillForm(t, own, map[string]map[string]any{"xuat-khau": {"E": "520 tỉ đồng"}}), "f.xlsx", []string{"ô E8:"}},
		{"not the form", []byte("PK\x03\x04 broken"), "f.xlsx", []string{"Không đọc được file này"}},
		{"not a spreadsheet", []byte("hello"), "notes.txt", []string{"chỉ đọc file Excel"}},
	}
	for _, c := range cases {
		got := texts(h.sendFile(benLuc, c.file, c.data))
		mustContain(t, got, c.want...)
		if strings.Contains(got, "Xác nhận") || strings.Contains(got, "Đã ghi nhận") {
			t.Errorf("%s: offered to store:\n%s", c.name, got)
		}
	}
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Errorf("%d reports stored", n)
	}
	// A viewer's file is not read.
	h.addUser(stranger.UserID, access.Viewer, "")
	mustContain(t, texts(h.sendFile(stranger, "f.xlsx", own)), "báo cáo")
	noRefusals(t, h.api)
}
