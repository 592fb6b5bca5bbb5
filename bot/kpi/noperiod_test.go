package kpi

import (
	"errors"
	"reflect"
	"testing"
)

// TestNoPeriodAsked: a report sentence without its period is read, its
// figures without a period, and the likely periods are offered; a heading
// line stating the period gives it to the lines below; a sentence with a
// date ("đến ngày 15/9") is still refused; ParseUpdate, which cannot ask,
// refuses as before.
func TestNoPeriodAsked(t *testing.T) {
	p := DefaultPlan()
	o := UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: july15}
	text := "Kim ngạch xuất khẩu ước đạt 3,268 tỷ USD (tăng 40%), nhập khẩu đạt 2 tỷ USD."
	rd, err := p.Read(text, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.Reports) != 2 || !rd.Reports[0].NeedsPeriod() || !rd.Reports[1].NeedsPeriod() {
		t.Fatalf("figures %+v; want exports and imports, their period asked", rd.Reports)
	}
	want := []Period{Month(2022, 6), Quarter(2022, 2), YearToDate(2022, 6)}
	if !reflect.DeepEqual(rd.Periods, want) {
		t.Errorf("periods offered %v, want %v", rd.Periods, want)
	}
	if _, err := p.ParseUpdate(text, o); !isErr(err, ErrPeriodNotStated) {
		t.Errorf("ParseUpdate: %v, want ErrPeriodNotStated", err)
	}
	// In January after the plan year: December, the fourth quarter, the
	// second half, the year.
	jan := UpdateOptions{Unit: o.Unit, Lang: "vi", Now: corpusNow}
	rd, err = p.Read("Chỉ số sản xuất công nghiệp tăng 11,06% so với cùng kỳ năm trước.", jan)
	if err != nil || len(rd.Reports) != 1 {
		t.Fatalf("%+v, %v", rd, err)
	}
	want = []Period{Month(2022, 12), Quarter(2022, 4), {Year: 2022, From: 7, To: 12}, YearToDate(2022, 12)}
	if !reflect.DeepEqual(rd.Periods, want) {
		t.Errorf("periods offered in January %v, want %v", rd.Periods, want)
	}
	// A heading gives its period to the lines below.
	rd, err = p.Read("6 tháng đầu năm 2022:\n- Kim ngạch xuất khẩu ước đạt 3,2 tỷ USD, tăng 12% so với cùng kỳ.\n- Chỉ số sản xuất công nghiệp tăng 7,5% so với cùng kỳ năm trước.", o)
	if err != nil || len(rd.Periods) != 0 || len(rd.Reports) != 2 || rd.Reports[0].Period != YearToDate(2022, 6) || rd.Reports[1].Period != YearToDate(2022, 6) {
		t.Errorf("heading: %+v, %v; want both figures for the first half", rd, err)
	}
	// A date is a period the plan cannot hold.
	if _, err := p.Read("Tính đến ngày 15/6, kim ngạch xuất khẩu của tỉnh đạt 1,8 tỷ USD, tăng 10% so với cùng kỳ.", o); !isErr(err, ErrPeriodNotStated) {
		t.Errorf("a dated sentence: %v, want ErrPeriodNotStated", err)
	}
}

func isErr(err error, id string) bool {
	var e *Error
	return errors.As(err, &e) && e.ID == id
}
