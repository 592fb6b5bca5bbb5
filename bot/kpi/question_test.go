package kpi

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

type questionCase struct {
	name, text string
	indicator  string
	unit       string // "" means all units
	period     Period // zero means year to date
}

// questionCases are questions as officials type them.
var questionCases = []questionCase{
	{"question mark", "tiến độ xuất khẩu?", "xuat-khau", "", Period{}},
	{"no marks", "tien do xuat khau", "xuat-khau", "", Period{}},
	{"shouting abbreviation", "TIẾN ĐỘ XK", "xuat-khau", "", Period{}},
	{"command", "/tiendo xk", "xuat-khau", "", Period{}},
	{"command with bot name", "/tiendo@TienDoBot xk", "xuat-khau", "", Period{}},
	{"english command", "/progress exports", "xuat-khau", "", Period{}},
	{"unit", "xuất khẩu Bến Lức", "xuat-khau", "ben-luc", Period{}},
	{"unit with huyện", "tiến độ xuất khẩu của huyện Bến Lức", "xuat-khau", "ben-luc", Period{}},
	{"quarter", "xuất khẩu quý 1", "xuat-khau", "", Quarter(2022, 1)},
	{"short everything", "xk t3 ben luc", "xuat-khau", "ben-luc", Month(2022, 3)},
	{"period first", "quý 2 nhập khẩu Đức Hòa", "nhap-khau", "duc-hoa", Quarter(2022, 2)},
	{"year to date", "bán lẻ lũy kế 5 tháng Tân An", "ban-le", "tan-an", YearToDate(2022, 5)},
	{"how much", "xuất khẩu đạt bao nhiêu", "xuat-khau", "", Period{}},
	{"how is it going", "bán lẻ như thế nào rồi", "ban-le", "", Period{}},
	{"english", "export progress", "xuat-khau", "", Period{}},
	{"english question", "how are exports doing?", "xuat-khau", "", Period{}},
	{"english with unit and period", "exports Ben Luc Q1", "xuat-khau", "ben-luc", Quarter(2022, 1)},
	{"english month", "imports in march", "nhap-khau", "", Month(2022, 3)},
	{"typo", "tien do xuat kau", "xuat-khau", "", Period{}},
	{"typo in marks", "xuát khảu", "xuat-khau", "", Period{}},
	{"solar plant name is not Đức Huệ", "tiến độ TTC Đức Huệ 2", "dien-mat-troi", "", Period{}},
	{"Đức Huệ beside another indicator", "xuất khẩu Đức Huệ", "xuat-khau", "duc-hue", Period{}},
	{"tan an is Tân An", "xk tan an", "xuat-khau", "tan-an", Period{}},
	{"tân hưng", "xk tân hưng", "xuat-khau", "tan-hung", Period{}},
	{"cửa hàng is not của", "cửa hàng tiện ích", "cua-hang-tien-ich", "", Period{}},
	{"của before an indicator", "tiến độ của cửa hàng tiện ích", "cua-hang-tien-ich", "", Period{}},
	{"số is not sở", "số liệu xuất khẩu", "xuat-khau", "", Period{}},
	{"chỉ số keeps its số", "chỉ số công nghiệp", "iip", "", Period{}},
	{"department", "GRDP Sở Công Thương", "grdp", "so-cong-thuong", Period{}},
	{"province is a filler", "xuất khẩu tỉnh Long An", "xuat-khau", "", Period{}},
	{"whole year", "xuất khẩu cả năm", "xuat-khau", "", Period{2022, 1, 12}},
}

func TestParseQuestion(t *testing.T) {
	p := DefaultPlan()
	for _, c := range questionCases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				q, err := p.ParseQuestion(form.text)
				if err != nil {
					t.Fatalf("ParseQuestion(%q): %v", c.text, err)
				}
				unit := ""
				if q.Unit != nil {
					unit = q.Unit.ID
				}
				if q.Indicator == nil || q.Indicator.ID != c.indicator || unit != c.unit || q.Period != c.period {
					t.Errorf("ParseQuestion(%q) = %v %q %+v; want %s %q %+v", c.text, q.Indicator, unit, q.Period, c.indicator, c.unit, c.period)
				}
			})
		}
	}
}

func TestParseQuestionRefuses(t *testing.T) {
	p := DefaultPlan()
	cases := []struct {
		name, text, id string
		data           map[string]string
		suggest        string // one id the suggestions must hold
	}{
		{"empty", "", ErrNoIndicator, nil, ""},
		{"command alone", "/tiendo", ErrNoIndicator, nil, ""},
		{"fillers alone", "tiến độ thế nào?", ErrNoIndicator, nil, ""},
		{"unit alone", "/tiendo Bến Lức", ErrNoIndicator, nil, ""},
		{"period alone", "tiến độ quý 1", ErrNoIndicator, nil, ""},
		{"unknown", "/tiendo kim ngạch", ErrUnknownIndicator, map[string]string{"query": "kim ngạch"}, "xuat-khau"},
		{"unknown with unit", "tiến độ xuat khauuu Bến Lức", ErrUnknownIndicator, map[string]string{"query": "tiến độ xuat khauuu Bến Lức"}, "xuat-khau"},
		{"nothing alike", "how is tourism doing", ErrNotUnderstood, map[string]string{"query": "how is tourism doing"}, ""},
		{"nonsense", "asdkjh qwe", ErrNotUnderstood, map[string]string{"query": "asdkjh qwe"}, ""},
		{"electricity price is no indicator", "giá điện tháng này", ErrUnknownIndicator, nil, ""},
		{"export tax is no indicator", "thuế xuất khẩu", ErrUnknownIndicator, nil, "xuat-khau"},
		{"total trade is no indicator", "tiến độ xuất nhập khẩu", ErrUnknownIndicator, nil, ""},
		{"another province", "xuất khẩu Hà Nội", ErrNotPlanUnit, map[string]string{"place": "Hà Nội"}, ""},
		{"consumer prices are not IIP", "chỉ số giá tiêu dùng tháng 3", ErrUnknownIndicator, nil, ""},
		{"bad period", "xuất khẩu tháng 13", ErrBadPeriod, map[string]string{"text": "tháng 13"}, ""},
		{"wrong year", "xuất khẩu năm 2021", ErrWrongYear, map[string]string{"year": "2021", "plan_year": "2022"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := p.ParseQuestion(c.text)
			if err == nil {
				t.Fatalf("ParseQuestion(%q) = %+v; want %s", c.text, q, c.id)
			}
			wantError(t, err, c.id, c.data)
			if c.id != ErrUnknownIndicator {
				return
			}
			e := err.(*Error)
			got := strings.Split(e.Data["suggest"], ",")
			if len(got) == 0 || len(got) > 3 {
				t.Errorf("suggest %q; want one to three indicator ids", e.Data["suggest"])
			}
			for _, id := range got {
				if p.Indicator(id) == nil {
					t.Errorf("suggest %q holds %q, not an indicator id", e.Data["suggest"], id)
				}
			}
			if c.suggest != "" && !strings.Contains(e.Data["suggest"], c.suggest) {
				t.Errorf("suggest %q; want %s among them", e.Data["suggest"], c.suggest)
			}
		})
	}
}
