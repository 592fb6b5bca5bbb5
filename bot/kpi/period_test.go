package kpi

import (
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

type periodCase struct {
	name, text string
	want       Period
	rest       string
}

// periodCases are the periods people write, alone and inside a message.
var periodCases = []periodCase{
	{"tháng", "tháng 3", Month(2022, 3), ""},
	{"thang no marks zero padded", "thang 03", Month(2022, 3), ""},
	{"thang stuck", "thang3", Month(2022, 3), ""},
	{"T", "T3", Month(2022, 3), ""},
	{"t dot", "t.3", Month(2022, 3), ""},
	{"T year", "T3/2022", Month(2022, 3), ""},
	{"T short year", "T3/22", Month(2022, 3), ""},
	{"month slash year", "03/2022", Month(2022, 3), ""},
	{"month slash year short month", "3/2022", Month(2022, 3), ""},
	{"tháng slash year", "tháng 3/2022", Month(2022, 3), ""},
	{"tháng năm", "tháng 3 năm 2022", Month(2022, 3), ""},
	{"tháng năm nay", "tháng 3 năm nay", Month(2022, 3), ""},
	{"tháng dash year", "tháng 3-2022", Month(2022, 3), ""},
	{"quý digit", "quý 1", Quarter(2022, 1), ""},
	{"quý roman", "quý I", Quarter(2022, 1), ""},
	{"quý roman IV", "Quý IV/2022", Quarter(2022, 4), ""},
	{"quy no marks", "quy 2", Quarter(2022, 2), ""},
	{"Q", "Q1", Quarter(2022, 1), ""},
	{"Q year", "Q3 2022", Quarter(2022, 3), ""},
	{"first half vi", "6 tháng đầu năm", YearToDate(2022, 6), ""},
	{"first half vi year", "6 tháng đầu năm 2022", YearToDate(2022, 6), ""},
	{"six months", "6 tháng", YearToDate(2022, 6), ""},
	{"nine months", "9 tháng", YearToDate(2022, 9), ""},
	{"second half vi", "6 tháng cuối năm", Period{2022, 7, 12}, ""},
	{"lũy kế", "lũy kế 5 tháng", YearToDate(2022, 5), ""},
	{"luỹ kế old marks", "luỹ kế 5 tháng", YearToDate(2022, 5), ""},
	{"luy ke no marks", "luy ke 5 thang", YearToDate(2022, 5), ""},
	{"lk", "lk 5 tháng", YearToDate(2022, 5), ""},
	{"lũy kế đến tháng", "lũy kế đến tháng 5", YearToDate(2022, 5), ""},
	{"cả năm", "cả năm", Period{2022, 1, 12}, ""},
	// The words of the reporting trade (issue: reading figures as written).
	// In a report "năm tháng qua" is the year so far, not a window back.
	{"spelled months", "hai tháng đầu năm", YearToDate(2022, 2), ""},
	{"spelled months past", "năm tháng qua", YearToDate(2022, 5), "qua"},
	{"digits months past", "3 tháng qua", YearToDate(2022, 3), "qua"},
	{"spelled month name", "tháng Tám", Month(2022, 8), ""},
	{"tháng Giêng", "tháng Giêng", Month(2022, 1), ""},
	{"tháng Mười Một", "tháng Mười Một", Month(2022, 11), ""},
	{"sau N tháng", "sau 7 tháng", YearToDate(2022, 7), "sau"},
	{"tính hết tháng", "tính hết tháng 5", YearToDate(2022, 5), ""},
	{"tính đến hết tháng", "tính đến hết tháng 5", YearToDate(2022, 5), ""},
	{"từ đầu năm đến tháng", "từ đầu năm đến tháng 5", YearToDate(2022, 5), ""},
	{"tính chung", "tính chung 9 tháng", YearToDate(2022, 9), "tính chung"},
	{"quý III", "quý III", Quarter(2022, 3), ""},
	{"năm", "năm 2022", Period{2022, 1, 12}, ""},
	{"month range", "tháng 4–5", Period{2022, 4, 5}, ""},
	{"month range words", "từ tháng 4 đến tháng 5", Period{2022, 4, 5}, ""},
	{"english month", "march", Month(2022, 3), ""},
	{"english short month", "mar", Month(2022, 3), ""},
	{"english month year", "March 2022", Month(2022, 3), ""},
	{"english may after in", "in may", Month(2022, 5), "in"},
	{"english may with year", "May 2022", Month(2022, 5), ""},
	{"english range", "Apr–May", Period{2022, 4, 5}, ""},
	{"english Q", "Q1", Quarter(2022, 1), ""},
	{"first quarter", "first quarter", Quarter(2022, 1), ""},
	{"H1", "H1", YearToDate(2022, 6), ""},
	{"H2", "H2", Period{2022, 7, 12}, ""},
	{"first half", "first half", YearToDate(2022, 6), ""},
	{"ytd months", "ytd 5 months", YearToDate(2022, 5), ""},
	{"months", "5 months", YearToDate(2022, 5), ""},
	{"year to date through", "year to date through may", YearToDate(2022, 5), ""},
	{"full year", "full year", Period{2022, 1, 12}, ""},
	// inside messages: the rest keeps everything else as written
	{"in an update", "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD", Month(2022, 3), "cập nhật xuất khẩu: 520 triệu USD"},
	{"in a question", "xk t3 ben luc", Month(2022, 3), "xk ben luc"},
	{"period first", "Quý 1 xuất khẩu Bến Lức", Quarter(2022, 1), "xuất khẩu Bến Lức"},
	{"english question", "exports in march 2022", Month(2022, 3), "exports in"},
	{"amount after month is not a year", "tháng 3 2150 tỉ đồng", Month(2022, 3), "2150 tỉ đồng"},
	{"dash amount is not a range", "tháng 3 - 52 triệu USD", Month(2022, 3), "- 52 triệu USD"},
	{"date left alone", "hạn 15/06/2022 tháng 3", Month(2022, 3), "hạn 15/06/2022"},
}

func TestParsePeriod(t *testing.T) {
	for _, c := range periodCases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				p, rest, found, err := ParsePeriod(form.text, 2022)
				if err != nil || !found {
					t.Fatalf("ParsePeriod(%q) found %v, %v", c.text, found, err)
				}
				if p != c.want {
					t.Errorf("ParsePeriod(%q) = %+v; want %+v", c.text, p, c.want)
				}
				if norm.NFC.String(rest) != c.rest {
					t.Errorf("rest %q; want %q", rest, c.rest)
				}
				if form.name == "NFD" && rest != norm.NFD.String(c.rest) {
					t.Errorf("rest %q is not the NFD text the user wrote", rest)
				}
			})
		}
	}
}

// Text that only looks like a period stays as it is.
func TestParsePeriodFindsNone(t *testing.T) {
	cases := []struct{ name, text string }{
		{"nothing", "tiến độ xuất khẩu"},
		{"date", "15/06/2022"},
		{"date in words", "hạn chót 30/06/2022 17:00"},
		{"document number", "Quyết định 3/2022/QĐ-UBND"},
		{"vietnamese number", "1.234,5 tỉ đồng"},
		{"T inside a word", "mã VT3 và ST3"},
		{"T glued to letters after", "t3abc"},
		{"T13 is a code", "T13"},
		{"quý vị is not a quarter", "kính gửi quý vị"},
		{"quy hoạch is not a quarter", "theo quy hoạch"},
		{"dệt may is not May", "xuất khẩu dệt may"},
		{"sếp is not September", "báo cáo sếp"},
		{"Q5 is not a quarter", "Q5"},
		{"last months are not year to date", "last 3 months"},
		{"h dot is a district", "h. Bến Lức"},
		{"lũy kế alone", "lũy kế xuất khẩu"},
		{"a plain number", "520 triệu USD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, rest, found, err := ParsePeriod(c.text, 2022)
			if found || err != nil || rest != c.text {
				t.Errorf("ParsePeriod(%q) = %+v, %q, %v, %v; want nothing found", c.text, p, rest, found, err)
			}
		})
	}
}

func TestParsePeriodRefuses(t *testing.T) {
	cases := []struct {
		name, text, id string
		data           map[string]string
	}{
		{"month 13", "tháng 13", ErrBadPeriod, map[string]string{"text": "tháng 13"}},
		{"month 0", "thang 0", ErrBadPeriod, map[string]string{"text": "thang 0"}},
		{"quarter 5", "quý 5", ErrBadPeriod, map[string]string{"text": "quý 5"}},
		{"quarter 12", "quy 12", ErrBadPeriod, map[string]string{"text": "quy 12"}},
		{"13 months", "13 tháng", ErrBadPeriod, map[string]string{"text": "13 tháng"}},
		{"backwards range", "tháng 5-4", ErrBadPeriod, nil},
		{"other year", "tháng 3/2021", ErrWrongYear, map[string]string{"year": "2021", "plan_year": "2022"}},
		{"other year in words", "xuất khẩu tháng 3 năm 2023", ErrWrongYear, map[string]string{"year": "2023", "plan_year": "2022"}},
		{"other year short", "T3/21", ErrWrongYear, map[string]string{"year": "2021"}},
		{"other year whole", "năm 2021", ErrWrongYear, map[string]string{"year": "2021"}},
		{"other year english", "march 2021", ErrWrongYear, map[string]string{"year": "2021"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, found, err := ParsePeriod(c.text, 2022)
			if !found {
				t.Errorf("found false; a refused period is still found")
			}
			wantError(t, err, c.id, c.data)
		})
	}
}

func TestPeriodLabel(t *testing.T) {
	cases := []struct {
		name   string
		p      Period
		vi, en string
	}{
		{"month", Month(2022, 3), "tháng 3/2022", "March 2022"},
		{"quarter", Quarter(2022, 1), "quý 1/2022", "Q1 2022"},
		{"fourth quarter", Quarter(2022, 4), "quý 4/2022", "Q4 2022"},
		{"year to date", YearToDate(2022, 5), "lũy kế 5 tháng 2022", "Jan–May 2022 (year to date)"},
		{"first half", YearToDate(2022, 6), "6 tháng đầu năm 2022", "H1 2022"},
		{"second half", Period{2022, 7, 12}, "6 tháng cuối năm 2022", "H2 2022"},
		{"year", Period{2022, 1, 12}, "năm 2022", "2022"},
		{"range", Period{2022, 4, 5}, "tháng 4–5/2022", "Apr–May 2022"},
		{"zero", Period{}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.Label("vi"); got != c.vi {
				t.Errorf("vi %q; want %q", got, c.vi)
			}
			if got := c.p.Label("en"); got != c.en {
				t.Errorf("en %q; want %q", got, c.en)
			}
		})
	}
}

// A label reads back as the same period.
func TestPeriodLabelReadsBack(t *testing.T) {
	for _, p := range []Period{Month(2022, 3), Quarter(2022, 2), YearToDate(2022, 5), YearToDate(2022, 6), {2022, 7, 12}, {2022, 1, 12}, {2022, 4, 5}} {
		for _, lang := range []string{"vi", "en"} {
			if lang == "en" && p.Months() == 12 {
				continue // "2022" alone is a number, not a period
			}
			got, _, found, err := ParsePeriod(p.Label(lang), 2022)
			if err != nil || !found || got != p {
				t.Errorf("%q → %+v, %v, %v; want %+v", p.Label(lang), got, found, err, p)
			}
		}
	}
}

func TestLastFinishedMonth(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	cases := []struct {
		name string
		now  time.Time
		want Period
		ok   bool
	}{
		{"mid year", time.Date(2022, 4, 10, 9, 0, 0, 0, loc), Month(2022, 3), true},
		{"first day of a month", time.Date(2022, 7, 1, 0, 0, 0, 0, loc), Month(2022, 6), true},
		{"January of the next year", time.Date(2023, 1, 5, 9, 0, 0, 0, loc), Month(2022, 12), true},
		{"January of the plan year", time.Date(2022, 1, 15, 9, 0, 0, 0, loc), Period{}, false},
		{"long after", time.Date(2024, 3, 1, 9, 0, 0, 0, loc), Period{}, false},
		{"before", time.Date(2021, 6, 1, 9, 0, 0, 0, loc), Period{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := LastFinishedMonth(c.now, 2022)
			if p != c.want || ok != c.ok {
				t.Errorf("LastFinishedMonth(%s) = %+v, %v; want %+v, %v", c.now, p, ok, c.want, c.ok)
			}
		})
	}
}
