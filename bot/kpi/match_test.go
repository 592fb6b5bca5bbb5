package kpi

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

type indicatorCase struct {
	name, text, want string // want "" means no indicator
	exact            bool
	span             string // Fold(text)[Start:End], when checked
}

var indicatorCases = []indicatorCase{
	{"vietnamese", "xuất khẩu", "xuat-khau", true, "xuat khau"},
	{"no marks", "xuat khau", "xuat-khau", true, "xuat khau"},
	{"upper case", "XUẤT KHẨU", "xuat-khau", true, "xuat khau"},
	{"longest alias", "kim ngạch xuất khẩu tháng 3", "xuat-khau", true, "kim ngach xuat khau"},
	{"abbreviation", "XK", "xuat-khau", true, "xk"},
	{"abbreviation lower", "tien do xk", "xuat-khau", true, "xk"},
	{"import abbreviation", "nk Bến Lức", "nhap-khau", true, "nk"},
	{"retail abbreviation", "TMBL", "ban-le", true, "tmbl"},
	{"IIP", "iip", "iip", true, "iip"},
	{"GRDP", "GRDP quý 1", "grdp", true, "grdp"},
	{"CCN", "ccn", "cum-cong-nghiep", true, "ccn"},
	{"id", "xuat-khau", "xuat-khau", true, "xuat-khau"},
	{"english", "exports", "xuat-khau", true, "exports"},
	{"english retail", "retail sales", "ban-le", true, "retail sales"},
	{"solar beats electricity", "điện mặt trời", "dien-mat-troi", true, "dien mat troi"},
	{"electricity", "điện", "ho-dung-dien", true, "dien"},
	{"solar by plant name", "tiến độ TTC Đức Huệ 2", "dien-mat-troi", true, "ttc duc hue 2"},
	{"stores", "cửa hàng tiện ích", "cua-hang-tien-ich", true, "cua hang tien ich"},
	{"typo dropped letter", "xuat kau", "xuat-khau", false, "xuat kau"},
	{"typo wrong marks", "xuát khảu", "xuat-khau", true, "xuat khau"},
	{"typo import", "nhap khau", "nhap-khau", true, "nhap khau"},
	{"retail no marks", "ban le", "ban-le", true, "ban le"},
	{"typo transposed", "exprots", "xuat-khau", false, "exprots"},
	{"typo long word", "logistcis", "logistics", false, "logistcis"},
	{"typo in a two-word alias", "logitsics center", "logistics", false, "logitsics center"},
	{"abbreviation inside a word", "xkx", "", false, ""},
	{"short words need exact", "xl", "", false, ""},
	{"first letter typo is not forgiven", "tien", "", false, ""},
	{"district is not electricity", "Kiến Tường", "", false, ""},
	{"nothing", "thời tiết hôm nay", "", false, ""},
}

func TestMatchIndicator(t *testing.T) {
	p := DefaultPlan()
	for _, c := range indicatorCases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				m, ok := p.MatchIndicator(form.text)
				if c.want == "" {
					if ok {
						t.Fatalf("MatchIndicator(%q) = %s; want none", c.text, m.Indicator.ID)
					}
					return
				}
				if !ok || m.Indicator.ID != c.want {
					t.Fatalf("MatchIndicator(%q) = %+v, %v; want %s", c.text, m, ok, c.want)
				}
				if m.Exact != c.exact {
					t.Errorf("exact %v; want %v", m.Exact, c.exact)
				}
				if got := Fold(form.text)[m.Start:m.End]; got != c.span {
					t.Errorf("span %q; want %q", got, c.span)
				}
			})
		}
	}
}

func TestMatchUnit(t *testing.T) {
	p := DefaultPlan()
	cases := []struct {
		name, text, want string // want "" means no unit
		span             string
	}{
		{"short", "Bến Lức", "ben-luc", "ben luc"},
		{"no marks", "ben luc", "ben-luc", "ben luc"},
		{"with huyện", "xuất khẩu huyện Bến Lức", "ben-luc", "huyen ben luc"},
		{"with h.", "h. Bến Lức", "ben-luc", "h. ben luc"},
		{"abbreviation", "xk BL", "ben-luc", "bl"},
		{"abbreviation lower", "xk bl t3", "ben-luc", "bl"},
		{"abbreviation inside a word", "TMBL", "", ""},
		{"abbreviation inside a longer word", "blah", "", ""},
		{"id", "ben-luc", "ben-luc", "ben-luc"},
		{"city", "TP Tân An", "tan-an", "tp tan an"},
		{"city dotted", "tp. tân an", "tan-an", "tp. tan an"},
		{"city long", "thành phố Tân An", "tan-an", "thanh pho tan an"},
		{"tan an", "tan an", "tan-an", "tan an"},
		{"tân hưng", "tân hưng", "tan-hung", "tan hung"},
		{"tan hung", "tan hung", "tan-hung", "tan hung"},
		{"tân thạnh", "Tân Thạnh", "tan-thanh", "tan thanh"},
		{"tân trụ", "tan tru", "tan-tru", "tan tru"},
		{"thạnh hóa", "thanh hoa", "thanh-hoa", "thanh hoa"},
		{"đức hòa", "Đức Hòa", "duc-hoa", "duc hoa"},
		{"đức hoà old marks", "Đức Hoà", "duc-hoa", "duc hoa"},
		{"duc hoa", "duc hoa", "duc-hoa", "duc hoa"},
		{"đức huệ", "Đức Huệ", "duc-hue", "duc hue"},
		{"duc hue", "huyen duc hue", "duc-hue", "huyen duc hue"},
		{"town", "thị xã Kiến Tường", "kien-tuong", "thi xa kien tuong"},
		{"department", "Sở Công Thương", "so-cong-thuong", "so cong thuong"},
		{"department short", "sct", "so-cong-thuong", "sct"},
		{"số is not sở", "số liệu", "", ""},
		{"nothing", "xuất khẩu", "", ""},
	}
	for _, c := range cases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				u, start, end, ok := p.MatchUnit(form.text)
				if c.want == "" {
					if ok {
						t.Fatalf("MatchUnit(%q) = %s; want none", c.text, u.ID)
					}
					return
				}
				if !ok || u.ID != c.want {
					t.Fatalf("MatchUnit(%q) = %v, %v; want %s", c.text, u, ok, c.want)
				}
				if got := Fold(form.text)[start:end]; got != c.span {
					t.Errorf("span %q; want %q", got, c.span)
				}
			})
		}
	}
}

func TestSuggest(t *testing.T) {
	p := DefaultPlan()
	ids := func(inds []*Indicator) string {
		var out []string
		for _, ind := range inds {
			out = append(out, ind.ID)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		name, text string
		n          int
		first      string // the best suggestion
		has        []string
	}{
		{"half a name", "kim ngach", 3, "", []string{"xuat-khau", "nhap-khau"}},
		{"badly misspelt", "xuat kahu", 3, "xuat-khau", nil},
		{"english typo", "exprot turnovr", 1, "xuat-khau", nil},
		{"retail typo", "ban lee hang", 1, "ban-le", nil},
		{"solar", "nang luong", 1, "dien-mat-troi", nil},
		{"nothing alike", "zzz", 3, "", nil},
		{"empty", "", 2, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := p.Suggest(c.text, c.n)
			if len(got) != c.n {
				t.Fatalf("Suggest(%q, %d) = %s; want %d suggestions", c.text, c.n, ids(got), c.n)
			}
			if c.first != "" && got[0].ID != c.first {
				t.Errorf("Suggest(%q) = %s; want %s first", c.text, ids(got), c.first)
			}
			for _, id := range c.has {
				if !strings.Contains(ids(got), id) {
					t.Errorf("Suggest(%q) = %s; want %s among them", c.text, ids(got), id)
				}
			}
		})
	}
	if got := p.Suggest("xk", 0); len(got) != 0 {
		t.Errorf("Suggest(n=0) = %s", ids(got))
	}
	if got := p.Suggest("xk", 100); len(got) != len(p.Indicators) {
		t.Errorf("Suggest(n=100) gave %d; want every indicator once", len(got))
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"khau", "khau", 0},
		{"kau", "khau", 1},
		{"exprots", "exports", 1},
		{"xuat", "xuta", 1},
		{"ca", "abc", 3},
		{"logitsics", "logistics", 1},
		{"", "abc", 3},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b, 10); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", c.a, c.b, got, c.want)
		}
	}
	if got := editDistance("abcdef", "uvwxyz", 2); got != 3 {
		t.Errorf("over the limit: %d; want limit+1", got)
	}
}

// foldMap folds exactly like Fold, so spans from it index Fold's output.
func TestFoldMapAgreesWithFold(t *testing.T) {
	for _, s := range []string{
		"TIẾN ĐỘ Xuất khẩu", norm.NFD.String("Tiến độ xuất khẩu tháng 3/2022: 520 triệu USD"),
		"  nhiều   khoảng  trắng  ", "Đức Hoà, Đức Huệ!", "₫ $ € «» — – …", "한국어 텍스트", "\xff\xfe bad utf8",
	} {
		fm := foldMap(s, "")
		if fm.s != Fold(s) {
			t.Errorf("foldMap(%q) = %q; Fold = %q", s, fm.s, Fold(s))
		}
	}
}
