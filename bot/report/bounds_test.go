package report

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// bomb returns data with rows rows of one empty styled cell in column col
// added to the sheet named sheet, after its last row: the file of the
// report that took the bot down, made from a real file by editing its zip.
func bomb(t testing.TB, data []byte, sheet string, rows int, col string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	part := ""
	for p, name := range sheetNames(zr) {
		if name == sheet {
			part = p
		}
	}
	if part == "" {
		t.Fatalf("no sheet %q in %v", sheet, sheetNames(zr))
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == part {
			var add strings.Builder
			for r := 100; r < 100+rows; r++ {
				fmt.Fprintf(&add, `<row r="%d"><c r="%s%d" s="1"/></row>`, r, col, r)
			}
			s := string(body)
			i := strings.Index(s, "</sheetData>")
			if i < 0 {
				t.Fatalf("%s has no sheetData", part)
			}
			body = []byte(s[:i] + add.String() + s[i:])
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated runs f and returns the bytes it allocated and how long it took.
func allocated(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

// A form or plan workbook with rows of one empty styled cell far to the
// right is refused before excelize expands a row, naming the sheet and the
// limit, with little memory: the bound is what is allocated, not a clock.
// Before the sheets were scanned, the 60-row file cost excelize about
// 60 × 16,384 cells (hundreds of MB) and the 95,000-row one ran out of
// memory.
func TestBombedSheetsRefusedCheaply(t *testing.T) {
	p := kpi.DefaultPlan()
	form := template(t, "ben-luc", "vi")
	filled := fill(t, form, map[string]any{cellAt("E", rowFor(t, form, "xuat-khau")): 520})
	plan, err := PlanBook(p)
	if err != nil {
		t.Fatal(err)
	}
	const budget = 32 << 20 // bytes allocated by one read, all included
	cases := []struct {
		name string
		data []byte
		read func([]byte) error
		want string
	}{
		{"form, 95,000 rows in XFD", bomb(t, filled, "Mẫu báo cáo", 95_000, "XFD"), readForm, ErrSheetTooWide + " «Mẫu báo cáo» XFD100"},
		{"form, 60 rows in XFD", bomb(t, filled, "Mẫu báo cáo", 60, "XFD"), readForm, ErrSheetTooWide + " «Mẫu báo cáo» XFD100"},
		{"hidden sheet, 60 rows in XFD", bomb(t, filled, metaSheet, 60, "XFD"), readForm, ErrSheetTooWide + " «tiendo» XFD100"},
		{"form, 25,000 rows in A", bomb(t, filled, "Mẫu báo cáo", 25_000, "A"), readForm, ErrSheetTooManyRows + " «Mẫu báo cáo» "},
		{"form, 900 rows of 30 cells", wide(t, filled, "Mẫu báo cáo", 900, 30), readForm, ErrSheetTooManyCells + " «Mẫu báo cáo» "},
		{"plan, 60 rows in XFD", bomb(t, plan, PlanIndicatorsSheet, 60, "XFD"), readPlan, ErrSheetTooWide + " «Chỉ tiêu» XFD100"},
		{"plan, 95,000 rows in XFD", bomb(t, plan, PlanUnitsSheet, 95_000, "XFD"), readPlan, ErrSheetTooWide + " «Đơn vị» XFD100"},
		// Before: 300 MB and 1.5 s for 240,000 shared strings, 107 MB for
		// 100,000 empty styles, each file under 20 KB.
		{"240,000 shared strings", editPart(t, filled, "xl/sharedStrings.xml", "</sst>", strings.Repeat("<si><t>a</t></si>", 240_000)),
			readForm, ErrSheetTooComplex + " «sharedStrings.xml» "},
		{"100,000 styles", editPart(t, filled, "xl/styles.xml", "</cellXfs>", strings.Repeat("<xf/>", 100_000)),
			readForm, ErrSheetTooComplex + " «styles.xml» "},
		// Before: IsPlanBook, which the bot calls first, cost 144 MB.
		{"100,000 defined names", editPart(t, filled, "xl/workbook.xml", "</workbook>",
			"<definedNames>"+strings.Repeat(`<definedName name="a">b</definedName>`, 100_000)+"</definedNames>"),
			readForm, ErrSheetTooComplex + " «workbook.xml» "},
		{"plan, 100,000 styles", editPart(t, plan, "xl/styles.xml", "</cellXfs>", strings.Repeat("<xf/>", 100_000)),
			readPlan, ErrSheetTooComplex + " «styles.xml» "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.data) > MaxFileSize {
				t.Fatalf("the file is %d KB, over the upload limit", len(c.data)>>10)
			}
			var err error
			n, took := allocated(func() { err = c.read(c.data) })
			t.Logf("%d KB file: refused in %v, %d KB allocated", len(c.data)>>10, took.Round(time.Millisecond), n>>10)
			if got := refusal(err); got != c.want {
				t.Errorf("got %q (%v), want %q", got, err, c.want)
			}
			if n > budget {
				t.Errorf("allocated %d MB, more than %d MB", n>>20, budget>>20)
			}
		})
	}
}

// editPart inserts add before the first mark in part.
func editPart(t testing.TB, data []byte, part, mark, add string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == part {
			s := string(body)
			i := strings.Index(s, mark)
			if i < 0 {
				t.Fatalf("no %s in %s", mark, part)
			}
			body, found = []byte(s[:i]+add+s[i:]), true
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		_, _ = w.Write(body)
	}
	if !found {
		t.Fatalf("no part %s", part)
	}
	_ = zw.Close()
	return buf.Bytes()
}

// wide adds rows rows of cols filled cells each, from row 100 (within
// the column limit): too many cells.
func wide(t testing.TB, data []byte, sheet string, rows, cols int) []byte {
	t.Helper()
	out := data
	zr, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	part := ""
	for p, name := range sheetNames(zr) {
		if name == sheet {
			part = p
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == part {
			var add strings.Builder
			for r := 100; r < 100+rows; r++ {
				fmt.Fprintf(&add, `<row r="%d">`, r)
				for c := 1; c <= cols; c++ {
					fmt.Fprintf(&add, `<c r="%s"><v>1</v></c>`, cell(c, r))
				}
				add.WriteString(`</row>`)
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

// readForm reads a file as the bot does: is it a plan book, else a form.
func readForm(data []byte) error {
	if IsPlanBook(data) {
		return errors.New("taken for a plan book")
	}
	_, err := ReadTemplate(data, kpi.DefaultPlan(), opts("vi"))
	return err
}

func readPlan(data []byte) error {
	_, err := PlanTOML(data)
	return err
}

// refusal is a refusal's id, sheet and cell: "ErrSheetTooWide «Mẫu báo cáo» XFD100".
func refusal(err error) string {
	var ke *kpi.Error
	if !errors.As(err, &ke) {
		return fmt.Sprint(err)
	}
	where := ke.Data["sheet"]
	if where == "" {
		where = ke.Data["part"]
	}
	return ke.ID + " «" + where + "» " + ke.Data["cell"]
}

// A read that outlasts its budget is refused as too slow, and no more
// than readsAtOnce reads run at once: one more waits, and is refused if
// no slot frees within the budget.
func TestReadBudget(t *testing.T) {
	defer func(d time.Duration) { readBudget = d }(readBudget)
	readBudget = 300 * time.Millisecond
	release := make(chan struct{})
	running := make(chan struct{}, readsAtOnce+1)
	errs := make(chan error, readsAtOnce+1)
	stuck := func(ctx context.Context) (int, error) {
		running <- struct{}{}
		<-release // stuck in a library call that does not look at ctx
		return 1, nil
	}
	for range readsAtOnce {
		go func() { _, err := withBudget(stuck); errs <- err }()
	}
	for range readsAtOnce {
		<-running
	}
	ran := false
	_, err := withBudget(func(ctx context.Context) (int, error) { ran = true; return 1, nil })
	if kpiID(err) != ErrSheetTooSlow+" " || ran {
		t.Errorf("a read over the slots: ran %v, got %v, want %s", ran, err, ErrSheetTooSlow)
	}
	for range readsAtOnce {
		if err := <-errs; kpiID(err) != ErrSheetTooSlow+" " {
			t.Errorf("a stuck read: got %v, want %s", err, ErrSheetTooSlow)
		}
	}
	close(release)
	// The stuck reads give their slots back when they return.
	deadline := time.After(5 * time.Second)
	for {
		v, err := withBudget(func(ctx context.Context) (int, error) { return 7, nil })
		if err == nil && v == 7 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("the slots were not given back: %v", err)
		default:
		}
	}
}

// A panic in a read is the caller's error, not the process's end: the
// read runs on its own goroutine, out of the handler's recover.
func TestReadPanicIsAnError(t *testing.T) {
	_, err := withBudget(func(ctx context.Context) (int, error) { panic("excelize bug") })
	if err == nil || !strings.Contains(err.Error(), "excelize bug") {
		t.Fatalf("got %v", err)
	}
	// The slot is given back.
	for range readsAtOnce + 1 {
		if v, err := withBudget(func(ctx context.Context) (int, error) { return 1, nil }); err != nil || v != 1 {
			t.Fatalf("after a panic: %d, %v", v, err)
		}
	}
}
