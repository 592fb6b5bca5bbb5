package kpi

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// A place named that the plan does not know is refused with the nearest
// units, in questions and in commands' arguments alike.
func TestStrayPlaceRefused(t *testing.T) {
	p := DefaultPlan()
	for _, c := range []struct {
		name, text, id, place, first string
	}{
		{"typo", "tiến độ xk Bến Lứcc", ErrUnknownPlace, "Bến Lứcc", "ben-luc"},
		{"typo unmarked", "xk ben lucc", ErrUnknownPlace, "ben lucc", "ben-luc"},
		{"other marks", "xuất khẩu Bến Lực", ErrUnknownPlace, "Bến Lực", "ben-luc"},
		{"typo in the second word", "nhập khẩu Đức Hoaa quý 1", ErrUnknownPlace, "Đức Hoaa", "duc-hoa"},
		{"capitalised", "xuất khẩu Long Hòa", ErrUnknownPlace, "Long Hòa", ""},
		{"capitalised beside a unit", "xuất khẩu Bến Lức và Long Hòa", ErrUnknownPlace, "Long Hòa", ""},
		{"after huyện", "bán lẻ huyện Mỹ Yên", ErrUnknownPlaceNone, "huyện Mỹ Yên", ""},
		{"after xã", "xuất khẩu xã Hòa Khánh", ErrUnknownPlace, "xã Hòa Khánh", ""},
		{"command", "/tiendo xk Can Duocc", ErrUnknownPlace, "Can Duocc", "can-duoc"},
	} {
		for _, form := range []string{c.text, norm.NFD.String(c.text)} {
			_, qerr := p.ParseQuestion(form)
			_, serr := p.ParseScope(form)
			for _, err := range []error{qerr, serr} {
				if c.id == "" {
					continue
				}
				e, ok := err.(*Error)
				if !ok || e.ID != c.id || norm.NFC.String(e.Data["place"]) != c.place {
					t.Errorf("%s: %q: %v; want %s of %q", c.name, form, err, c.id, c.place)
					continue
				}
				if c.first != "" && !strings.HasPrefix(e.Data["units"], c.first) {
					t.Errorf("%s: %q: units %q; want %s first", c.name, form, e.Data["units"], c.first)
				}
				if strings.HasPrefix(c.name, "capitalised") && !strings.Contains(e.Data["units"], "duc-hoa") {
					t.Errorf("%s: %q: units %q; want Đức Hòa among them", c.name, form, e.Data["units"])
				}
				if c.id == ErrUnknownPlaceNone && !strings.Contains(e.Data["all"], "Bến Lức") {
					t.Errorf("%s: all = %q", c.name, e.Data["all"])
				}
			}
		}
	}
}

// Ordinary questions are never refused as naming a place: every question
// of the question tests, and words left over that are no place's.
func TestStrayPlaceNoFalseRefusal(t *testing.T) {
	p := DefaultPlan()
	texts := []string{
		"xuất khẩu nhé", "Xuất khẩu Tháng 3 thế nào", "Tiến Độ Xuất Khẩu", "xuất khẩu huyện nào cao nhất",
		"xuất khẩu các huyện", "xk BL", "xuất khẩu so với cùng kỳ năm trước", "cụm công nghiệp Hựu Thạnh",
		"tiến độ TTC Đức Huệ 2", "xuất khẩu số mới nhất", "xuất khẩu Bến Lức và Cần Đước", "How are Exports doing",
		"xuất khẩu tăng bao nhiêu so với cùng kỳ?", "6 tháng đầu năm xuất khẩu thế nào", "bán lẻ Tân An",
		"xuất khẩu từng tháng", "xếp hạng xuất khẩu các đơn vị", "có đạt kế hoạch xuất khẩu không?",
		// Written in Title Case, or with question words capitalised.
		"Xuất Khẩu Quý Một", "Xuất Khẩu Từng Tháng", "xuất khẩu Từng Tháng", "Xếp Hạng Xuất Khẩu Các Huyện",
		"Xuất Khẩu So Với Cùng Kỳ", "Xuất khẩu So Với Cùng Kỳ", "Dự Báo Xuất Khẩu Cả Năm", "xuất khẩu Dự Báo",
		"Kim Ngạch Xuất Khẩu Đến Nay", "Xuất Khẩu Của Tỉnh Long An", "xk Quý Một", "Tiến Độ Xuất Khẩu Bến Lức",
	}
	for _, c := range questionCases {
		texts = append(texts, c.text)
	}
	for _, text := range texts {
		for _, form := range []string{text, norm.NFD.String(text)} {
			for name, err := range map[string]error{"question": second(p.ParseQuestion(form)), "scope": second(p.ParseScope(form))} {
				var e *Error
				if err != nil {
					e, _ = err.(*Error)
				}
				if e != nil && (e.ID == ErrUnknownPlace || e.ID == ErrUnknownPlaceNone) {
					t.Errorf("%s %q refused: %v", name, form, err)
				}
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

// ParseScope reads units, a group and a period without an indicator.
func TestParseScope(t *testing.T) {
	p := DefaultPlan()
	sc, err := p.ParseScope("/tongquan huyện Bến Lức quý 2")
	if err != nil || len(sc.Units) != 1 || sc.Units[0].ID != "ben-luc" || !sc.HasPeriod || sc.Period != Quarter(2022, 2) || sc.Indicator != nil {
		t.Errorf("ParseScope = %+v, %v", sc, err)
	}
	sc, err = p.ParseScope("xuất khẩu năm 2022")
	if err != nil || sc.Indicator == nil || sc.Indicator.ID != "xuat-khau" || sc.Period != YearToDate(2022, 12) {
		t.Errorf("ParseScope(indicator, year) = %+v, %v", sc, err)
	}
	if _, err := p.ParseScope("năm 2023"); err == nil || err.(*Error).ID != ErrWrongYear {
		t.Errorf("ParseScope(other year) = %v", err)
	}
	if sc, err := p.ParseScope(""); err != nil || sc.Indicator != nil || len(sc.Units) != 0 || sc.HasPeriod {
		t.Errorf("ParseScope(\"\") = %+v, %v", sc, err)
	}
}

// A year on its own is read as that year, never dropped.
func TestStrayYear(t *testing.T) {
	p := DefaultPlan()
	for _, c := range []struct {
		text  string
		want  Period
		wrong string // the year of an ErrWrongYear
	}{
		{"xuất khẩu 2022", YearToDate(2022, 12), ""},
		{"xuất khẩu quý 1 2022", Quarter(2022, 1), ""},
		{"xuất khẩu 2030", Period{}, "2030"},
		{"xuất khẩu quý 1 2023", Period{}, "2023"},
		{"xuất khẩu 520", Period{}, ""},
		{"xuất khẩu tháng 3", Month(2022, 3), ""},
	} {
		q, qerr := p.ParseQuestion(c.text)
		sc, serr := p.ParseScope(c.text)
		for name, got := range map[string]struct {
			per Period
			err error
		}{"question": {q.Period, qerr}, "scope": {sc.Period, serr}} {
			if c.wrong != "" {
				if e, ok := got.err.(*Error); !ok || e.ID != ErrWrongYear || e.Data["year"] != c.wrong {
					t.Errorf("%s %q: %v; want ErrWrongYear %s", name, c.text, got.err, c.wrong)
				}
				continue
			}
			if got.err != nil || got.per != c.want {
				t.Errorf("%s %q = %+v, %v; want %+v", name, c.text, got.per, got.err, c.want)
			}
		}
	}
	if _, err := p.ParseScope("/tongquan 2023"); err == nil || err.(*Error).ID != ErrWrongYear {
		t.Errorf("ParseScope(/tongquan 2023) = %v", err)
	}
}
