package main

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// docxText is the text of a .docx's body, its XML tags dropped.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the .docx is not a zip: %v", err)
	}
	for _, f := range z.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		in := false
		for _, r := range string(b) {
			switch {
			case r == '<':
				in = true
			case r == '>':
				in = false
			case !in:
				out.WriteRune(r)
			}
		}
		return out.String()
	}
	t.Fatal("no word/document.xml")
	return ""
}

// /vanban answers with the report as a Word document: the figure a
// reporter confirmed is in its sentence, the periods of /baocao are its
// periods, and an English speaker gets the same Vietnamese document with an
// English caption.
func TestReportDocumentArrives(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	docs := sentFiles(admin, h.say(admin, "/vanban tháng 5"), "sendDocument")
	if len(docs) != 1 || docs[0].Filename != "bao-cao-2022-05.docx" {
		t.Fatalf("documents = %+v", docs)
	}
	mustContain(t, docs[0].Plain(), "Báo cáo tháng 5/2022 bằng văn bản Word")
	mustContain(t, docxText(t, docs[0].Data), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ CÔNG THƯƠNG", "/BC-SCT",
		"Kim ngạch xuất khẩu tháng 5/2022 đạt 520 triệu USD", "Chưa báo cáo tháng 5/2022 (14/15 đơn vị)", "Nơi nhận:", "GIÁM ĐỐC")

	for ask, name := range map[string]string{"/vanban năm 2022": "bao-cao-2022.docx", "/vanban 6 tháng": "bao-cao-2022-01-06.docx",
		"/vanban": "bao-cao-2022-05.docx", "/vanban quý 2": "bao-cao-2022-Q2.docx"} {
		if docs := sentFiles(admin, h.say(admin, ask), "sendDocument"); len(docs) != 1 || docs[0].Filename != name {
			t.Errorf("%s: documents = %+v", ask, docs)
		}
	}

	h.addUser(english.UserID, access.Viewer, "")
	docs = sentFiles(english, h.say(english, "/document May"), "sendDocument")
	if len(docs) != 1 || docs[0].Filename != "bao-cao-2022-05.docx" {
		t.Fatalf("english documents = %+v", docs)
	}
	mustContain(t, docs[0].Plain(), "The report for May 2022 as a Word document")
	mustContain(t, docxText(t, docs[0].Data), "Kim ngạch xuất khẩu tháng 5/2022")
}

// One unit of fifteen has reported exports, far under the pace: /tongquan
// does not call the province behind, it says too few have reported, as the
// overview chart does.
func TestOverviewWithTooFewUnitsIsNotBehind(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	got := texts(h.say(admin, "/tongquan"))
	mustContain(t, got, "0,52 tỉ USD / 6,4 tỉ USD (8,1%) (chưa đủ số liệu để đánh giá: 1/15 đơn vị đã báo cáo)", "Không có chỉ tiêu nào chậm tiến độ")
	if strings.Contains(got, "⚠️ Kim ngạch xuất khẩu") || strings.Contains(got, "chậm 33") {
		t.Errorf("exports marked behind on one unit's figure:\n%s", got)
	}
}

// "/bieudo xếp hạng xuất khẩu" draws the units ranked, as long a picture as
// they need; a ranking of an indicator that is not summed over units is
// refused with an example.
func TestRankingChartArrives(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	for _, ask := range []string{"/bieudo xếp hạng xuất khẩu", "biểu đồ xuất khẩu các đơn vị"} {
		photos := sentFiles(admin, h.say(admin, ask), "sendPhoto")
		if len(photos) != 1 || photos[0].Filename != "bieu-do-xep-hang-xuat-khau.png" || photos[0].Width != 1280 || photos[0].Height < 480 {
			t.Fatalf("%s: photos = %+v", ask, photos)
		}
		mustContain(t, photos[0].Plain(), "Xếp hạng Kim ngạch xuất khẩu", "1/15 đơn vị có số liệu")
	}
	mustContain(t, texts(h.say(admin, "/bieudo xếp hạng IIP")), "chỉ có cho chỉ tiêu cộng dồn", "/bieudo xếp hạng xuất khẩu")
	// The English refusal's example is one the bot draws.
	h.addUser(english.UserID, access.Viewer, "")
	mustContain(t, texts(h.say(english, "/chart IIP ranked by unit")), "/chart exports ranked by unit")
	photos := sentFiles(english, h.say(english, "/chart exports ranked by unit"), "sendPhoto")
	if len(photos) != 1 || !strings.Contains(photos[0].Plain(), "Export turnover ranked") {
		t.Fatalf("english photos = %+v", photos)
	}
}
