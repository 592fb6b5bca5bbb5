package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// bombForm adds rows rows of one empty styled cell in column XFD to the
// figures sheet of a form: 95,000 of them are the 490 KB file that ran the
// bot out of memory, and every restart after it.
func bombForm(t *testing.T, data []byte, rows int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			var add strings.Builder
			for r := 100; r < 100+rows; r++ {
				fmt.Fprintf(&add, `<row r="%d"><c r="XFD%d" s="1"/></row>`, r, r)
			}
			s := string(body)
			i := strings.Index(s, "</sheetData>")
			body = []byte(s[:i] + add.String() + s[i:])
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		_, _ = w.Write(body)
	}
	_ = zw.Close()
	return buf.Bytes()
}

// The bombed form sent to the running program is refused, naming the sheet,
// the cell and the column limit, while the whole program allocates a few
// megabytes; the bot answers the next question as usual.
func TestBombedFormRefusedWithBoundedMemory(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	own := sentFiles(benLuc, h.say(benLuc, "/maubaocao"), "sendDocument")[0].Data
	bomb := bombForm(t, own, 95_000)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d KB, over the upload limit", len(bomb)>>10)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got := texts(h.sendFile(benLuc, "f.xlsx", bomb))
	runtime.ReadMemStats(&after)
	mustContain(t, got, "Trang «Mẫu báo cáo», ô XFD100:", "ngoài cột BL")
	n := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d KB form refused; the program allocated %d KB meanwhile", len(bomb)>>10, n>>10)
	if n > 64<<20 {
		t.Errorf("the program allocated %d MB refusing the form, more than 64 MB", n>>20)
	}
	if n := len(sentFiles(benLuc, h.say(benLuc, "/maubaocao"), "sendDocument")); n != 1 {
		t.Errorf("after the bomb, /maubaocao sent %d forms, want 1", n)
	}
	noRefusals(t, h.api)
}
