package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tiendo/bot/kpi"
)

// Bounds on the sheets of a file sent back, checked by reading each sheet's
// XML as a stream before excelize sees it. excelize expands a row to its
// last cell when a cell of the sheet is looked up (GetCellFormula): one
// empty styled cell in column XFD makes a row of 16,384 cells, and 95,000
// such rows fit in a 490 KB file. Every part of the archive is scanned, not
// only the sheets the workbook names, so no path or relationship trick
// hides a sheet from the bound.
const (
	maxSheetRow = 1000 // the highest row number any sheet may use
	maxSheetCol = 64   // the highest column any sheet may use (BL)
	// maxElements bounds the XML elements of the whole archive, and
	// maxOtherElements those outside the sheets' rows (shared strings,
	// styles, theme…): excelize keeps about a kilobyte for each, so 100,000
	// empty styles in a 9 KB file cost 107 MB, where the form has a few
	// hundred. A sheet of 20,000 cells is about 41,000 elements.
	maxElements      = 60_000
	maxOtherElements = 20_000
	readsAtOnce      = 2 // files read at the same time; more wait their turn within the budget
)

// readBudget is the time one file may take, waiting for its turn included.
var readBudget = 10 * time.Second

// More error IDs of the readers.
const (
	ErrSheetTooWide      = "ErrSheetTooWide"      // Data: sheet, cell, max (a column letter)
	ErrSheetTooManyCells = "ErrSheetTooManyCells" // Data: sheet, max
	ErrSheetTooSlow      = "ErrSheetTooSlow"      // Data: seconds
	ErrSheetTooComplex   = "ErrSheetTooComplex"   // Data: part, max
)

// readSlots bounds the memory of file reads: at most readsAtOnce run, so a
// burst of uploads costs at most that many reads' worth.
var readSlots = make(chan struct{}, readsAtOnce)

// withBudget runs read under the time budget of one file: the read gets a
// context that ends at the deadline, and the caller gets ErrSheetTooSlow
// if read has not finished by then (a read stuck in excelize goes on in the
// background, holding its slot, until it returns: the bounds above keep
// that short).
func withBudget[T any](read func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readBudget)
	slow := func() (T, error) {
		var zero T
		return zero, kpi.Fail(ErrSheetTooSlow, "seconds", strconv.Itoa(int(readBudget/time.Second)))
	}
	select {
	case readSlots <- struct{}{}:
	case <-ctx.Done():
		cancel()
		return slow()
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-readSlots }()
		defer cancel()
		defer func() {
			// A panic in the spreadsheet library would take the process
			// down from this goroutine, out of the handler's recover: it
			// is the caller's error instead, with its stack for the log.
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("report: reading a file panicked: %v\n%s", p, debug.Stack())}
			}
		}()
		v, err := read(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		select {
		case r := <-done: // finished at the deadline
			return r.v, r.err
		default:
		}
		return slow()
	}
}

// errBudget is what a read returns when its context ended.
func errBudget() error {
	return kpi.Fail(ErrSheetTooSlow, "seconds", strconv.Itoa(int(readBudget/time.Second)))
}

// openBook checks the archive and the bounds of its sheets, then opens it
// with excelize. Every refusal is a *kpi.Error.
func openBook(ctx context.Context, data []byte) (*excelize.File, error) {
	if len(data) > MaxFileSize {
		return nil, kpi.Fail(ErrSheetTooLarge, "max_kb", strconv.Itoa(MaxFileSize>>10))
	}
	if err := checkZip(data); err != nil {
		return nil, err
	}
	if err := checkSheets(ctx, data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped, RawCellValue: true})
	if err != nil {
		return nil, kpi.Fail(ErrSheetUnreadable)
	}
	return f, nil
}

// checkSheets streams every XML part of the archive (checkZip has bounded
// their number and size) and refuses a sheet that uses a row past
// maxSheetRow, a column past maxSheetCol, or more than maxCells cells,
// naming the sheet and the limit. It stops at the first cell past a limit.
func checkSheets(ctx context.Context, data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return kpi.Fail(ErrSheetUnreadable)
	}
	names := sheetNames(zr)
	var n counts
	for _, zf := range zr.File {
		if !strings.HasSuffix(strings.ToLower(zf.Name), ".xml") && !strings.HasSuffix(zf.Name, ".rels") {
			continue
		}
		name := clipText(names[zf.Name])
		if name == "" {
			name = path.Base(zf.Name)
		}
		if err := scanSheet(ctx, zf, name, &n); err != nil {
			return err
		}
	}
	return nil
}

// counts are the elements of the archive so far: all, and those outside
// the rows of a sheet.
type counts struct{ all, other int }

func (n *counts) add(part string, inRows bool) error {
	n.all++
	if !inRows {
		n.other++
	}
	if n.all > maxElements || n.other > maxOtherElements {
		most := maxElements
		if n.other > maxOtherElements {
			most = maxOtherElements
		}
		return kpi.Fail(ErrSheetTooComplex, "part", part, "max", strconv.Itoa(most))
	}
	return nil
}

// scanSheet counts the rows and cells of one part; a part that is not a
// sheet has none.
func scanSheet(ctx context.Context, zf *zip.File, name string, n *counts) error {
	rc, err := zf.Open()
	if err != nil {
		return kpi.Fail(ErrSheetUnreadable)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	row, col, cells, tokens := 0, 0, 0, 0
	inRow, inData := false, false
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return kpi.Fail(ErrSheetUnreadable)
		}
		if tokens++; tokens%4096 == 0 && ctx.Err() != nil {
			return errBudget()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := n.add(path.Base(zf.Name), inData); err != nil {
				return err
			}
			switch t.Name.Local {
			case "sheetData":
				inData = true
			case "row":
				inRow = true
				row++
				col = 0
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 {
						return kpi.Fail(ErrSheetUnreadable)
					}
					row = n
				}
				if row > maxSheetRow {
					return kpi.Fail(ErrSheetTooManyRows, "sheet", name, "max", strconv.Itoa(maxSheetRow))
				}
			case "c":
				if !inRow {
					continue
				}
				cells++
				col++
				if r := attr(t, "r"); r != "" {
					c, rn, err := excelize.CellNameToCoordinates(r)
					if err != nil {
						return kpi.Fail(ErrSheetUnreadable)
					}
					col = c
					if rn > maxSheetRow {
						return kpi.Fail(ErrSheetTooManyRows, "sheet", name, "max", strconv.Itoa(maxSheetRow))
					}
				}
				if col > maxSheetCol {
					last, _ := excelize.ColumnNumberToName(maxSheetCol)
					return kpi.Fail(ErrSheetTooWide, "sheet", name, "cell", cell(min(col, excelize.MaxColumns), max(row, 1)), "max", last)
				}
				if cells > maxCells {
					return kpi.Fail(ErrSheetTooManyCells, "sheet", name, "max", strconv.Itoa(maxCells))
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				inRow = false
			case "sheetData":
				inData = false
			}
		}
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// sheetNames maps the parts of the workbook's sheets to their names, for
// the refusals; a part it cannot name is named by its file. It streams the
// workbook and its relationships and stops after maxOtherElements elements
// of each: they are scanned for their bounds only after it.
func sheetNames(zr *zip.Reader) map[string]string {
	out := map[string]string{}
	ids := map[string]string{} // relationship id → sheet name
	targets := map[string]string{}
	each(zr, "xl/workbook.xml", func(t xml.StartElement) {
		if t.Name.Local == "sheet" {
			ids[attrNS(t, "id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships")] = attr(t, "name")
		}
	})
	each(zr, "xl/_rels/workbook.xml.rels", func(t xml.StartElement) {
		if t.Name.Local == "Relationship" {
			targets[attr(t, "Id")] = attr(t, "Target")
		}
	})
	for id, name := range ids {
		target, ok := targets[id]
		if !ok || id == "" {
			continue
		}
		p := strings.TrimPrefix(target, "/")
		if !strings.HasPrefix(p, "xl/") {
			p = path.Join("xl", p)
		}
		out[p] = name
	}
	return out
}

// each calls f for the start elements of part name, at most
// maxOtherElements of them.
func each(zr *zip.Reader, name string, f func(xml.StartElement)) {
	for _, zf := range zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return
		}
		defer rc.Close()
		d := xml.NewDecoder(rc)
		d.Strict = false
		for n := 0; n < maxOtherElements; {
			tok, err := d.Token()
			if err != nil {
				return
			}
			if t, ok := tok.(xml.StartElement); ok {
				n++
				f(t)
			}
		}
		return
	}
}

// attrNS is the value of attribute local in namespace space.
func attrNS(t xml.StartElement, local, space string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}
