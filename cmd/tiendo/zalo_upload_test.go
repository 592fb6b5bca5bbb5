package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tiendo/bot/zalo"
	"tiendo/bot/zalotest"
)

// upload posts data as the file of the page at link and returns the status
// and the page.
func upload(t *testing.T, link, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(link, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// uploadLink is the link after "gửi lên tại:" in a Zalo message.
func uploadLink(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "/u/")
	if i < 0 {
		t.Fatalf("no upload link in:\n%s", text)
	}
	start := strings.LastIndex(text[:i], "http")
	return strings.Fields(text[start:])[0]
}

// settleZalo waits until the bot has nothing in hand (an upload is handled
// within its POST; this covers what it sent meanwhile).
func settleZalo(h *harness, z *zalotest.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	zsettle(h, z, ctx)
}

// Zalo delivers no files to bots: on Zalo, /maubaocao answers with the
// form's link and an upload link signed for that person. The filled form
// posted there is read back on Zalo with numbered choices, and "1" stores
// it; the same file posted twice is one read-back; a forged or changed link
// is refused; a workbook bomb is refused on Zalo saying why; a file over
// the limit is refused before it is read.
func TestZaloFilledFormUploaded(t *testing.T) {
	h, z, _ := startZaloFiles(t, june20)
	rep := zalotest.From{UserID: "f0f1f2f3", Name: "Võ Thị Lan"}
	zjoin(t, h, z, rep, "/moi baocao Bến Lức", "Bến Lức")

	msg := ztexts(zsay(h, z, rep, "/maubaocao"))
	mustContain(t, msg, "mau-bao-cao-ben-luc-2022-05.xlsx", "Zalo không chuyển tệp cho bot", "24 giờ")
	code, form, _ := fetchLink(t, linkIn(t, msg))
	if code != http.StatusOK {
		t.Fatalf("the form's link: HTTP %d", code)
	}
	up := uploadLink(t, msg)
	code, page := get(t, up)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", up, code, page)
	}
	mustContain(t, page, `enctype="multipart/form-data"`, `type="file"`, "mau-bao-cao-ben-luc-2022-05.xlsx", "1024 KB")

	filled := fillForm(t, form, map[string]map[string]any{"xuat-khau": {"E": 520}})
	before := len(z.SentTo(rep.UserID))
	code, page = upload(t, up, "mau-bao-cao-ben-luc-2022-05.xlsx", filled)
	if code != http.StatusOK {
		t.Fatalf("POST: HTTP %d\n%s", code, page)
	}
	mustContain(t, page, "Đã nhận tệp", "gõ 1")
	// The same file again (a double press of Gửi): no second read-back.
	if code, page := upload(t, up, "mau-bao-cao-ben-luc-2022-05.xlsx", filled); code != http.StatusOK {
		t.Fatalf("second POST: HTTP %d\n%s", code, page)
	}
	settleZalo(h, z)
	got := ztexts(z.SentTo(rep.UserID)[before:])
	mustContain(t, got, "đọc được từ file Excel", "Kim ngạch xuất khẩu", "520 triệu USD", "Gõ 1 để")
	if n := strings.Count(got, "đọc được từ file Excel"); n != 1 {
		t.Errorf("%d read-backs for one file posted twice, want 1:\n%s", n, got)
	}
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("%d reports stored before the choice", n)
	}
	mustContain(t, ztexts(zsay(h, z, rep, "1")), "520 triệu USD")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Unit != "ben-luc" || rs[0].Value != 520_000_000_000 {
		t.Fatalf("stored: %+v", rs)
	}

	// Forged or changed links: refused, nothing handled.
	before = len(z.SentTo(rep.UserID))
	for _, bad := range []string{
		up[:len(up)-2] + "xx",                                        // another signature
		strings.Replace(up, "/u/", "/u/1", 1),                        // another chat
		strings.Replace(up, "ben-luc-2022-05", "ben-luc-2022-06", 1), // another form
	} {
		if code, page := upload(t, bad, "f.xlsx", filled); code != http.StatusNotFound {
			t.Errorf("POST %s: HTTP %d, want 404\n%s", bad, code, page)
		}
	}

	// A workbook bomb: refused on Zalo, naming the cell and the limit.
	bomb := bombForm(t, form, 95_000)
	if code, page := upload(t, up, "f.xlsx", bomb); code != http.StatusOK {
		t.Fatalf("POST bomb: HTTP %d\n%s", code, page)
	}
	settleZalo(h, z)
	mustContain(t, ztexts(z.SentTo(rep.UserID)[before:]), "ô XFD100", "ngoài cột BL")

	// Over the limit: refused before it is read, saying the limit.
	code, page = upload(t, up, "big.xlsx", bytes.Repeat([]byte("x"), 2<<20))
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("POST 2 MB: HTTP %d, want 413", code)
	}
	mustContain(t, page, "lớn hơn 1024 KB")

	// Rights are those at the time of the upload: made a viewer since the
	// link was given, the person's form is refused on Zalo.
	h.say(admin, "/nguoidung sua "+strconv.FormatInt(zalo.UserID(rep.UserID), 10)+" xem")
	before = len(z.SentTo(rep.UserID))
	other := fillForm(t, form, map[string]map[string]any{"xuat-khau": {"E": 530}})
	if code, page := upload(t, up, "mau-bao-cao-ben-luc-2022-05.xlsx", other); code != http.StatusOK {
		t.Fatalf("POST as a viewer: HTTP %d\n%s", code, page)
	}
	settleZalo(h, z)
	mustContain(t, ztexts(z.SentTo(rep.UserID)[before:]), "chỉ có quyền xem")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value != 520_000_000_000 {
		t.Errorf("after a viewer's upload: %+v", rs)
	}
	if r := z.Refused(); len(r) != 0 {
		t.Errorf("Zalo refused: %+v", r)
	}
}

// A file (an event Zalo does not deliver) sent to the bot, or a text saying
// one was sent, is answered with the form and how to send it back.
func TestZaloUnsupportedEventAnswersWithUpload(t *testing.T) {
	h, z, _ := startZaloFiles(t, june20)
	rep := zalotest.From{UserID: "0badf11e", Name: "Đặng Hùng"}
	zjoin(t, h, z, rep, "/moi baocao Bến Lức", "Bến Lức")
	before := len(z.SentTo(rep.UserID))
	if err := z.Enqueue(map[string]any{"event_name": "message.unsupported.received", "message": map[string]any{
		"message_id": "unsup1", "date": time.Now().UnixMilli(),
		"chat": map[string]any{"id": rep.UserID, "chat_type": "PRIVATE"},
		"from": map[string]any{"id": rep.UserID, "display_name": rep.Name, "is_bot": false},
	}}); err != nil {
		t.Fatal(err)
	}
	got := ztexts(zwait(h, z, rep, before))
	mustContain(t, got, "mau-bao-cao-ben-luc-2022-05.xlsx", "Zalo không chuyển tệp cho bot", "/u/")
	// Saying the file was sent: the same answer, not "I did not understand".
	mustContain(t, ztexts(zsay(h, z, rep, "Em đã gửi file báo cáo tháng 5 rồi ạ")), "Zalo không chuyển tệp cho bot", "/u/")
}
