package kpi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// zoneICT is the plan's time zone, fixed so that tests need no tzdata.
var zoneICT = time.FixedZone("ICT", 7*3600)

// Clocks of the update tests: mid-July 2022 (the first half is over), and
// April 2022 (the last finished month is March).
var (
	july15  = time.Date(2022, time.July, 15, 10, 0, 0, 0, zoneICT)
	april10 = time.Date(2022, time.April, 10, 9, 0, 0, 0, zoneICT)
)

func dateICT(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, zoneICT) }

// amountOf reads a plain decimal amount for a wantReport.
func amountOf(t *testing.T, s string) Amount {
	t.Helper()
	a, err := ParseDecimal(s)
	if err != nil {
		t.Fatalf("bad amount %q", s)
	}
	return a
}

// showReport writes a report the way a test failure should show it.
func showReport(r Report) string {
	if r.Item != "" {
		return fmt.Sprintf("%s/%s %q %s value %s", r.Indicator, r.Unit, r.Item, r.Date.Format("2006-01-02"), r.Value)
	}
	return fmt.Sprintf("%s/%s %s %s", r.Indicator, r.Unit, r.Period.Key(), r.Value)
}

// wantReport is a report as a test states it.
type wantReport struct {
	ind, unit string
	per       Period
	value     string // plain decimal; "" for milestones
	item      string
	date      time.Time
}

type updateCase struct {
	name string
	text string
	unit string    // the reporter's own unit; "" for an editor
	lang string    // "" is vi
	now  time.Time // zero is july15
	want []wantReport
}

func (c updateCase) options(p *Plan) UpdateOptions {
	o := UpdateOptions{Lang: c.lang, Now: c.now}
	if o.Lang == "" {
		o.Lang = "vi"
	}
	if o.Now.IsZero() {
		o.Now = july15
	}
	if c.unit != "" {
		o.Unit = p.Unit(c.unit)
	}
	return o
}

const sixLines = `cập nhật tháng 3/2022 Bến Lức
xuất khẩu: 520 triệu USD
nhập khẩu: 410 triệu USD
bán lẻ: 2.150 tỉ đồng`

var (
	march22     = Month(2022, 3)
	firstHalf22 = YearToDate(2022, 6)
)

// updateCases are submissions as district staff and the department write them.
var updateCases = []updateCase{
	// Design §2 and issue 3.
	{"design one line", "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"design command short", "/capnhat xk t3 520 trieu usd", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"command with bot name", "/capnhat@TienDoBot xk t3 520 trieu usd", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"design block, editor", sixLines, "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"},
		{ind: "nhap-khau", unit: "ben-luc", per: march22, value: "410000000"},
		{ind: "ban-le", unit: "ben-luc", per: march22, value: "2150000000000"},
	}},
	{"design block, reporter", "/capnhat\n" + strings.ReplaceAll(sixLines, " Bến Lức", ""), "ben-luc", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"},
		{ind: "nhap-khau", unit: "ben-luc", per: march22, value: "410000000"},
		{ind: "ban-le", unit: "ben-luc", per: march22, value: "2150000000000"},
	}},
	{"block with CRLF and blank lines", "Cập nhật T3 Đức Hòa\r\n\r\nXK = 1,2 tỉ USD\r\n\r\nNK - 800 triệu USD\r\n", "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "duc-hoa", per: march22, value: "1200000000"},
		{ind: "nhap-khau", unit: "duc-hoa", per: march22, value: "800000000"},
	}},
	{"line overrides header", "cập nhật tháng 3/2022 Bến Lức\nxuất khẩu Đức Hòa: 100 triệu USD\nnhập khẩu tháng 2: 50 triệu USD\nbán lẻ: 2.150 tỉ đồng", "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "duc-hoa", per: march22, value: "100000000"},
		{ind: "nhap-khau", unit: "ben-luc", per: Month(2022, 2), value: "50000000"},
		{ind: "ban-le", unit: "ben-luc", per: march22, value: "2150000000000"},
	}},
	{"second header", "tháng 2 Bến Lức\nxk 10 triệu USD\ntháng 3\nxk 20 triệu USD", "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "ben-luc", per: Month(2022, 2), value: "10000000"},
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "20000000"},
	}},
	{"no command, no marks", "xk t3 520 trieu usd", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"value first", "520 triệu USD xuất khẩu tháng 3", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"shouting", "CẬP NHẬT XUẤT KHẨU THÁNG 3: 520 TRIỆU USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"cập nhập misspelt", "cập nhập xuất khẩu tháng 3: 520 triệu USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"year to date", "xuất khẩu lũy kế 5 tháng: 2,51 tỉ USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: YearToDate(2022, 5), value: "2510000000"}}},
	{"year to date first", "lũy kế 5 tháng: 2,51 tỉ USD xuất khẩu", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: YearToDate(2022, 5), value: "2510000000"}}},
	{"quarter", "xuất khẩu quý 1: 1,5 tỉ USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: Quarter(2022, 1), value: "1500000000"}}},
	{"first half", "bán lẻ 6 tháng đầu năm: 12.000 tỉ đồng", "tan-an", "", time.Time{},
		[]wantReport{{ind: "ban-le", unit: "tan-an", per: firstHalf22, value: "12000000000000"}}},
	{"thousands and decimals", "bán lẻ tháng 3: 1.234,5 tỉ đồng", "tan-an", "", time.Time{},
		[]wantReport{{ind: "ban-le", unit: "tan-an", per: march22, value: "1234500000000"}}},
	{"no period is the last finished month", "xuất khẩu: 520 triệu USD", "ben-luc", "", april10,
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"no period in January of the next year", "xuất khẩu: 520 triệu USD", "ben-luc", "", time.Date(2023, 1, 5, 9, 0, 0, 0, zoneICT),
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: Month(2022, 12), value: "520000000"}}},
	{"editor names the unit", "xuất khẩu Bến Lức tháng 3: 520 triệu USD", "", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"reporter naming another unit gets it named", "xuất khẩu Đức Hòa tháng 3: 520 triệu USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "duc-hoa", per: march22, value: "520000000"}}},
	{"greeting to the department", "Kính gửi Sở Công Thương Long An\nxuất khẩu tháng 3: 520 triệu USD", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"correction in the same message", "xuất khẩu tháng 3: 520 triệu USD\nnhập khẩu tháng 3: 1 tỉ USD\nxuất khẩu tháng 3: 530 triệu USD", "ben-luc", "", time.Time{}, []wantReport{
		{ind: "nhap-khau", unit: "ben-luc", per: march22, value: "1000000000"},
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "530000000"},
	}},
	{"compared with last year", "xuất khẩu tháng 3 đạt 520 triệu USD, tăng 12% so với cùng kỳ", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"numbered report", "Báo cáo số liệu tháng 3/2022 của huyện Bến Lức như sau:\n1. Xuất khẩu: 520 triệu USD;\n2. Nhập khẩu: 410 triệu USD.\n- Bán lẻ: 2.150 tỉ đồng", "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"},
		{ind: "nhap-khau", unit: "ben-luc", per: march22, value: "410000000"},
		{ind: "ban-le", unit: "ben-luc", per: march22, value: "2150000000000"},
	}},
	{"units in turn", "tháng 3\nTân An\nXK 5 tr USD\nBến Lức\nXK 6 tr USD", "", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "tan-an", per: march22, value: "5000000"},
		{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "6000000"},
	}},
	{"one figure per month", "xk t1 100 triệu USD\nxk t2 200 triệu USD", "ben-luc", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "ben-luc", per: Month(2022, 1), value: "100000000"},
		{ind: "xuat-khau", unit: "ben-luc", per: Month(2022, 2), value: "200000000"},
	}},

	// English.
	{"english", "update exports March 2022: 520 million USD", "ben-luc", "en", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: march22, value: "520000000"}}},
	{"english command and dollars", "/update imports Q1: $1.2 billion", "ben-luc", "en", time.Time{},
		[]wantReport{{ind: "nhap-khau", unit: "ben-luc", per: Quarter(2022, 1), value: "1200000000"}}},
	{"english thousands", "update retail March Tan An: 2,150 billion VND", "", "en", time.Time{},
		[]wantReport{{ind: "ban-le", unit: "tan-an", per: march22, value: "2150000000000"}}},
	{"english decrease", "IIP down 2.5% in June", "", "en", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "-2.5"}}},

	// Rates and levels, reported by the department.
	{"GRDP, editor", "tăng trưởng GRDP 6 tháng đầu năm: 5,2%", "", "", time.Time{},
		[]wantReport{{ind: "grdp", unit: "so-cong-thuong", per: firstHalf22, value: "5.2"}}},
	{"GRDP, reporter gets the department", "tăng trưởng GRDP 6 tháng đầu năm: 5,2%", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "grdp", unit: "so-cong-thuong", per: firstHalf22, value: "5.2"}}},
	{"GRDP naming the department", "GRDP Sở Công Thương quý 2: 6,1%", "", "", time.Time{},
		[]wantReport{{ind: "grdp", unit: "so-cong-thuong", per: Quarter(2022, 2), value: "6.1"}}},
	{"rate with a bare number", "IIP tháng 6: 7", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "7"}}},
	{"rate giảm", "IIP tháng 6 giảm 2%", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "-2"}}},
	{"rate minus sign", "IIP tháng 6: -2%", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "-2"}}},
	{"rate âm", "chỉ số sản xuất công nghiệp tháng 6 âm 2,5%", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "-2.5"}}},
	{"rate tăng", "IIP tháng 6 tăng 7,3%", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "7.3"}}},
	{"level", "hộ dùng điện quý 2: 99,9%", "", "", time.Time{},
		[]wantReport{{ind: "ho-dung-dien", unit: "so-cong-thuong", per: Quarter(2022, 2), value: "99.9"}}},

	// Counts.
	{"count design", "cụm công nghiệp Hựu Thạnh đi vào hoạt động 15/06/2022", "duc-hoa", "", time.Time{},
		[]wantReport{{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 6, 15)}}},
	{"count with unit", "CCN Hựu Thạnh Đức Hòa 15/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 6, 15)}}},
	{"count store", "cửa hàng tiện ích Bách Hóa Xanh Thủ Thừa khai trương 02/05/2022", "", "", time.Time{},
		[]wantReport{{ind: "cua-hang-tien-ich", unit: "thu-thua", value: "1", item: "Bách Hóa Xanh", date: dateICT(2022, 5, 2)}}},
	{"count keeps signs in names", "cửa hàng tiện ích Vinmart+ tại Tân An khai trương ngày 2/5/2022", "", "", time.Time{},
		[]wantReport{{ind: "cua-hang-tien-ich", unit: "tan-an", value: "1", item: "Vinmart+", date: dateICT(2022, 5, 2)}}},
	{"count keeps its whole name", "trung tâm logistics Long An Logistics Park khởi công 10/05/2022", "", "", time.Time{},
		[]wantReport{{ind: "logistics", unit: "so-cong-thuong", value: "1", item: "Long An Logistics Park", date: dateICT(2022, 5, 10)}}},
	{"two indicators in one sentence", "Theo Sở Công Thương, trong tháng 3 xuất khẩu ước đạt 177,5 triệu USD, nhập khẩu đạt 164 triệu USD.", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "xuat-khau", unit: "ben-luc", per: Month(2022, 3), value: "177500000"},
			{ind: "nhap-khau", unit: "ben-luc", per: Month(2022, 3), value: "164000000"}}},
	{"growth is the verb after an indicator", "IIP tháng 3 tăng trưởng 7%", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 3), value: "7"}}},
	{"growth on the same period is a rate's value", "Chỉ số sản xuất công nghiệp (IIP) tháng 6 tăng 5,5% so với tháng trước và giảm 2% so với cùng kỳ.", "", "", time.Time{},
		[]wantReport{{ind: "iip", unit: "so-cong-thuong", per: Month(2022, 6), value: "-2"}}},
	{"count keeps a dotted name", "CHTI Co.opFood mới khai trương 02-05-2022", "ben-luc", "", time.Time{},
		[]wantReport{{ind: "cua-hang-tien-ich", unit: "ben-luc", value: "1", item: "Co.opFood", date: dateICT(2022, 5, 2)}}},
	{"count date without year", "CCN Hựu Thạnh 15/06", "duc-hoa", "", time.Time{},
		[]wantReport{{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 6, 15)}}},
	{"count without date is today", "CCN Hựu Thạnh đi vào hoạt động", "duc-hoa", "", time.Time{},
		[]wantReport{{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 7, 15)}}},
	{"count in a month", "CCN Hựu Thạnh đi vào hoạt động tháng 6", "duc-hoa", "", time.Time{},
		[]wantReport{{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 6, 30)}}},
	{"count english", "new convenience store Co.opFood Tan An opened 02/05/2022", "", "en", time.Time{},
		[]wantReport{{ind: "cua-hang-tien-ich", unit: "tan-an", value: "1", item: "Co.opFood", date: dateICT(2022, 5, 2)}}},
	{"count by the department", "logistics Trung tâm Long Hậu khởi công 01/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "logistics", unit: "so-cong-thuong", value: "1", item: "Trung tâm Long Hậu", date: dateICT(2022, 6, 1)}}},
	{"count ignores the header period", "tháng 3 Thủ Thừa\ncửa hàng tiện ích San Hà 20/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "cua-hang-tien-ich", unit: "thu-thua", value: "1", item: "San Hà", date: dateICT(2022, 6, 20)}}},

	// Milestones.
	{"milestone design", "điện mặt trời TTC Đức Huệ 2 nghiệm thu 20/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "nghiem-thu", date: dateICT(2022, 6, 20)}}},
	{"milestone Đức Huệ is the plant's name", "TTC Đức Huệ 2: đóng điện 30/06/2022", "duc-hue", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 6, 30)}}},
	{"milestone english", "solar plant energised", "", "en", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 7, 15)}}},
	{"milestone with a typo", "solar plant energized", "", "en", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 7, 15)}}},
	{"milestone by stage id", "NLMT dong-dien 30/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 6, 30)}}},
	{"milestone stage alone", "đóng điện 30/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 6, 30)}}},
	{"milestone stage before the name", "đóng điện NLMT 30/06/2022", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "dong-dien", date: dateICT(2022, 6, 30)}}},
	{"milestone the year before", "điện mặt trời thi công 10/11/2021", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "thi-cong", date: dateICT(2021, 11, 10)}}},
	{"milestone short stage", "điện mặt trời lắp đặt tháng 12/2021", "", "", time.Time{},
		[]wantReport{{ind: "dien-mat-troi", unit: "so-cong-thuong", item: "lap-dat", date: dateICT(2021, 12, 31)}}},

	// A mixed batch.
	{"mixed batch", "/capnhat tháng 6\nXK 300 triệu USD\nCCN Hựu Thạnh đi vào hoạt động 15/06/2022\ncửa hàng Bách Hóa Xanh 20/06/2022", "duc-hoa", "", time.Time{}, []wantReport{
		{ind: "xuat-khau", unit: "duc-hoa", per: Month(2022, 6), value: "300000000"},
		{ind: "cum-cong-nghiep", unit: "duc-hoa", value: "1", item: "Hựu Thạnh", date: dateICT(2022, 6, 15)},
		{ind: "cua-hang-tien-ich", unit: "duc-hoa", value: "1", item: "Bách Hóa Xanh", date: dateICT(2022, 6, 20)},
	}},
}

func TestParseUpdate(t *testing.T) {
	p := DefaultPlan()
	for _, c := range updateCases {
		for _, form := range []struct{ name, text string }{{"NFC", c.text}, {"NFD", norm.NFD.String(c.text)}} {
			t.Run(c.name+"/"+form.name, func(t *testing.T) {
				got, err := p.ParseUpdate(form.text, c.options(p))
				if err != nil {
					t.Fatalf("ParseUpdate(%q): %v", c.text, err)
				}
				var gs []string
				for _, r := range got {
					gs = append(gs, showReport(r))
				}
				if len(got) != len(c.want) {
					t.Fatalf("ParseUpdate(%q) = %d reports %v; want %d", c.text, len(got), gs, len(c.want))
				}
				for i, w := range c.want {
					r := got[i]
					value := Amount(0)
					if w.value != "" {
						value = amountOf(t, w.value)
					}
					// An item keeps the user's spelling: compare it in the form sent.
					item := w.item
					if form.name == "NFD" && r.Indicator != "dien-mat-troi" {
						item = norm.NFD.String(item)
					}
					if r.Indicator != w.ind || r.Unit != w.unit || r.Period != w.per || r.Value != value ||
						r.Item != item || !r.Date.Equal(w.date) {
						t.Errorf("report %d = %s; want %s/%s %s %s %q %s", i, showReport(r), w.ind, w.unit, w.per.Key(), value, w.item, w.date.Format("2006-01-02"))
					}
					if r.By != 0 || !r.At.IsZero() || r.Via != "" || r.ByName != "" {
						t.Errorf("report %d has By/At/Via set: %+v", i, r)
					}
				}
			})
		}
	}
}

func TestParseUpdateRefuses(t *testing.T) {
	p := DefaultPlan()
	many := ""
	for _, line := range []string{"xk tháng %d: %d triệu USD", "nk tháng %d: %d triệu USD", "bán lẻ tháng %d: %d tỉ đồng", "IIP tháng %d: %d%%"} {
		for m := 1; m <= 6; m++ {
			many += fmt.Sprintf(line, m, m) + "\n"
		}
	}
	cases := []struct {
		name string
		c    updateCase
		id   string
		data map[string]string
	}{
		{"nothing", updateCase{text: ""}, ErrNoFigures,
			map[string]string{"example": "bán lẻ tháng 3/2022: 2.150 tỉ đồng"}},
		{"command alone", updateCase{text: "/capnhat"}, ErrNoFigures, nil},
		{"header alone", updateCase{text: "cập nhật tháng 3/2022 Bến Lức"}, ErrNoFigures, nil},
		{"unknown indicator with a figure", updateCase{text: "kim ngạch: 520 triệu USD", unit: "ben-luc"}, ErrUnknownIndicator,
			map[string]string{"query": "kim ngạch: 520 triệu USD"}},
		{"unknown indicator alone", updateCase{text: "/capnhat kim ngạch"}, ErrUnknownIndicator,
			map[string]string{"query": "kim ngạch"}},
		{"unknown indicator in a block", updateCase{text: sixLines + "\ndu lịch: 5 tỉ đồng"}, ErrUnknownIndicator,
			map[string]string{"query": "du lịch: 5 tỉ đồng", "line": "5"}},
		{"item verb without an indicator", updateCase{text: "Bách Hóa Xanh khai trương 02/05/2022", unit: "ben-luc"}, ErrUnknownIndicator,
			map[string]string{"query": "Bách Hóa Xanh khai trương 02/05/2022"}},
		{"no value", updateCase{text: "xuất khẩu tháng 3", unit: "ben-luc"}, ErrMissingValue,
			map[string]string{"indicator": "xuat-khau", "example": "xuất khẩu tháng 3/2022: 520 triệu USD", "example_en": "Export turnover March 2022: 520 million USD"}},
		{"no value in a block", updateCase{text: sixLines + "\nnhập khẩu", unit: "ben-luc"}, ErrMissingValue,
			map[string]string{"indicator": "nhap-khau", "line": "5", "example": "nhập khẩu tháng 3/2022: 520 triệu USD"}},
		{"no period in January", updateCase{text: "xuất khẩu: 520 triệu USD", unit: "ben-luc", now: time.Date(2022, 1, 10, 9, 0, 0, 0, zoneICT)}, ErrNeedPeriod,
			map[string]string{"indicator": "xuat-khau"}},
		{"future month", updateCase{text: "xuất khẩu tháng 8: 5 triệu USD", unit: "ben-luc"}, ErrFuturePeriod,
			map[string]string{"period": "tháng 8/2022", "last": "tháng 6/2022"}},
		{"current month is not finished", updateCase{text: "xuất khẩu tháng 7: 5 triệu USD", unit: "ben-luc"}, ErrFuturePeriod,
			map[string]string{"period": "tháng 7/2022"}},
		{"future quarter in english", updateCase{text: "exports Q3: 5 million USD", unit: "ben-luc", lang: "en"}, ErrFuturePeriod,
			map[string]string{"period": "Q3 2022", "last": "June 2022"}},
		{"future header period", updateCase{text: "tháng 9\nxuất khẩu: 5 triệu USD", unit: "ben-luc"}, ErrFuturePeriod,
			map[string]string{"period": "tháng 9/2022", "line": "2"}},
		{"wrong year", updateCase{text: "xuất khẩu tháng 3/2021: 520 triệu USD", unit: "ben-luc"}, ErrWrongYear,
			map[string]string{"year": "2021", "plan_year": "2022"}},
		{"bad period", updateCase{text: "xuất khẩu tháng 13: 5 triệu USD", unit: "ben-luc"}, ErrBadPeriod,
			map[string]string{"text": "tháng 13"}},
		{"district on a department indicator", updateCase{text: "GRDP Bến Lức quý 1: 5%"}, ErrNotReportedByUnit,
			map[string]string{"indicator": "grdp", "unit": "Bến Lức", "reporters": ByDepartment}},
		{"district header on a department indicator", updateCase{text: "Bến Lức tháng 3\nIIP: 5%"}, ErrNotReportedByUnit,
			map[string]string{"indicator": "iip", "unit": "Bến Lức", "line": "2"}},
		{"department on a district indicator", updateCase{text: "xuất khẩu Sở Công Thương tháng 3: 5 triệu USD"}, ErrNotReportedByUnit,
			map[string]string{"indicator": "xuat-khau", "unit": "Sở Công Thương", "reporters": ByUnits}},
		{"editor without a unit", updateCase{text: "xuất khẩu tháng 3: 520 triệu USD"}, ErrNeedUnitName,
			map[string]string{"indicator": "xuat-khau", "example": "xuất khẩu Tân An tháng 3/2022: 520 triệu USD"}},
		{"department staff name the district", updateCase{text: "xuất khẩu tháng 3: 520 triệu USD", unit: "so-cong-thuong"}, ErrNeedUnitName,
			map[string]string{"indicator": "xuat-khau"}},
		{"editor without a unit, count", updateCase{text: "CCN Hựu Thạnh 15/06/2022"}, ErrNeedUnitName,
			map[string]string{"indicator": "cum-cong-nghiep"}},
		{"no scale or unit", updateCase{text: "xuất khẩu tháng 3: 520", unit: "ben-luc"}, ErrNeedUnit,
			map[string]string{"example": "520 triệu USD"}},
		{"wrong measure", updateCase{text: "xuất khẩu tháng 3: 520 tỉ đồng", unit: "ben-luc"}, ErrWrongMeasure,
			map[string]string{"got": "VND", "want": "USD"}},
		{"money for a rate", updateCase{text: "GRDP quý 1: 6,4 tỉ USD"}, ErrWrongMeasure, nil},
		{"negative export", updateCase{text: "xuất khẩu tháng 3: -520 triệu USD", unit: "ben-luc"}, ErrNegative,
			map[string]string{"text": "-520 triệu USD"}},
		{"export giảm", updateCase{text: "xuất khẩu tháng 3 giảm 520 triệu USD", unit: "ben-luc"}, ErrNegative,
			map[string]string{"text": "giảm 520 triệu USD"}},
		{"negative level", updateCase{text: "hộ dùng điện quý 1: âm 1%"}, ErrNegative, nil},
		{"unreadable number", updateCase{text: "xuất khẩu tháng 3: 1,2,3 triệu USD", unit: "ben-luc"}, ErrNumberUnreadable,
			map[string]string{"text": "1,2,3"}},
		{"count without a name", updateCase{text: "CCN: 2", unit: "ben-luc"}, ErrNeedItemName,
			map[string]string{"indicator": "cum-cong-nghiep", "example": "cụm công nghiệp ABC 15/07/2022"}},
		{"count with only verbs", updateCase{text: "cụm công nghiệp đi vào hoạt động 15/06/2022", unit: "ben-luc"}, ErrNeedItemName,
			map[string]string{"indicator": "cum-cong-nghiep"}},
		{"store example names a store", updateCase{text: "cửa hàng tiện ích khai trương", unit: "ben-luc"}, ErrNeedItemName,
			map[string]string{"example": "cửa hàng San Hà 15/07/2022"}},
		{"future date", updateCase{text: "cửa hàng tiện ích Co.opFood khai trương 20/07/2022", unit: "ben-luc"}, ErrFutureDate,
			map[string]string{"date": "20/07/2022", "today": "15/07/2022"}},
		{"future month for a count", updateCase{text: "CCN Hựu Thạnh tháng 9", unit: "ben-luc"}, ErrFuturePeriod,
			map[string]string{"period": "tháng 9/2022"}},
		{"count date in another year", updateCase{text: "CCN Hựu Thạnh 15/06/2021", unit: "ben-luc"}, ErrWrongYear,
			map[string]string{"year": "2021", "plan_year": "2022"}},
		{"milestone two years back", updateCase{text: "điện mặt trời thi công 10/11/2020"}, ErrWrongYear,
			map[string]string{"year": "2020"}},
		// Long after the plan's year, a stage without a date: the date is
		// missing, not the plan of today's year.
		{"stage without a date after the plan's year", updateCase{text: "cập nhật TTC Đức Huệ 2 đóng điện",
			now: time.Date(2026, 12, 6, 10, 0, 0, 0, july15.Location())}, ErrNeedDate,
			map[string]string{"today": "06/12/2026", "plan_year": "2022"}},
		{"impossible date", updateCase{text: "cửa hàng tiện ích Co.opFood khai trương 31/02/2022", unit: "ben-luc"}, ErrInvalidDate,
			map[string]string{"text": "31/02/2022"}},
		{"unknown stage", updateCase{text: "điện mặt trời hoàn thành 20/06/2022"}, ErrUnknownStage,
			map[string]string{"indicator": "dien-mat-troi", "stages": "Đang thi công, Hoàn thành lắp đặt, Nghiệm thu, Đóng điện",
				"stages_en": "Under construction, Installation complete, Accepted, Energised"}},
		{"too many", updateCase{text: many, unit: "ben-luc"}, ErrTooManyLines,
			map[string]string{"max": "20"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			got, err := p.ParseUpdate(c.text, c.options(p))
			if err == nil {
				t.Fatalf("ParseUpdate(%q) = %d reports; want %s", c.text, len(got), tc.id)
			}
			if got != nil {
				t.Errorf("ParseUpdate(%q) returned reports with an error", c.text)
			}
			wantError(t, err, tc.id, tc.data)
			e := err.(*Error)
			if _, ok := e.Data["line"]; ok && !strings.Contains(strings.TrimSpace(c.text), "\n") {
				t.Errorf("a one-line message got a line number: %v", err)
			}
			if tc.id == ErrUnknownIndicator {
				ids := strings.Split(e.Data["suggest"], ",")
				if len(ids) != 3 {
					t.Errorf("suggest %q; want three ids", e.Data["suggest"])
				}
				for _, id := range ids {
					if p.Indicator(id) == nil {
						t.Errorf("suggest %q holds %q, not an indicator id", e.Data["suggest"], id)
					}
				}
			}
		})
	}
}

// TestParseUpdateSuggestsTheClosest: "kim ngạch" is how exports and imports
// begin; the suggestions say so.
func TestParseUpdateSuggestsTheClosest(t *testing.T) {
	p := DefaultPlan()
	_, err := p.ParseUpdate("kim ngạch: 520 triệu USD", UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: july15})
	wantError(t, err, ErrUnknownIndicator, nil)
	s := err.(*Error).Data["suggest"]
	if !strings.Contains(s, "xuat-khau") || !strings.Contains(s, "nhap-khau") {
		t.Errorf("suggest %q; want exports and imports", s)
	}
}

// TestParseUpdateExamplesParse: every example a refusal shows is a line the
// parser accepts, for the indicator it was shown for, in both languages.
func TestParseUpdateExamplesParse(t *testing.T) {
	p := DefaultPlan()
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		unit := p.ReportingUnits(ind)[0]
		for _, editor := range []bool{false, true} {
			o := UpdateOptions{Lang: "vi", Now: july15, Unit: unit}
			if editor {
				o.Unit = nil
			}
			// Provoke the refusal whose example to try: the indicator
			// alone, which has no value (or no item, or no stage), or, for
			// an editor, no unit.
			text := exampleName(ind)
			if editor {
				text += " tháng 6: 5%"
			}
			_, err := p.ParseUpdate(text, o)
			var e *Error
			if !errors.As(err, &e) || e.Data["example"] == "" {
				if editor && ind.Reporters == ByDepartment {
					continue // the department needs no unit named
				}
				t.Fatalf("%s (editor %v): %v; want a refusal with an example", ind.ID, editor, err)
			}
			for _, lang := range []string{"vi", "en"} {
				ex := e.Data["example"]
				if lang == "en" {
					ex = e.Data["example_en"]
				}
				o.Lang = lang
				got, err := p.ParseUpdate(ex, o)
				if err != nil || len(got) != 1 || got[0].Indicator != ind.ID {
					t.Errorf("%s example %q (%s, editor %v) = %v, %v; want one report of %s", e.ID, ex, lang, editor, got, err, ind.ID)
				}
			}
		}
	}
}

// TestParseUpdateSameItemTwice: an item named twice in one message, with
// other spelling, is one item.
func TestParseUpdateSameItemTwice(t *testing.T) {
	p := DefaultPlan()
	got, err := p.ParseUpdate("CCN Hựu Thạnh 10/06/2022\ncum cong nghiep HUU THANH 15/06/2022", UpdateOptions{Unit: p.Unit("duc-hoa"), Lang: "vi", Now: july15})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Item != "HUU THANH" || !got[0].Date.Equal(dateICT(2022, 6, 15)) {
		t.Errorf("got %v; want the later line only", got)
	}
}
