package kpi

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// A bare figure sent after "report now" is read for the indicator and
// period given as values, whatever the indicator is called: the name of a
// solar plant with digits in it ("TTC Đức Huệ 2 (49 MWp)") is not read as
// words, so neither its 2 nor its 49 can be taken for the figure, and the
// milestone it also names is not the one reported.
func TestReadWithIndicatorAndPeriodGiven(t *testing.T) {
	now := time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC)
	// A plan whose monthly exports are named like the solar plant.
	src := strings.Replace(string(DefaultPlanSource()), `name_vi = "Kim ngạch xuất khẩu"`, `name_vi = "Sản lượng điện mặt trời TTC Đức Huệ 2 (49 MWp)"`, 1)
	q, err := ParsePlan("renamed.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if q.Indicator("xuat-khau").NameVI == "Kim ngạch xuất khẩu" {
		t.Fatal("not renamed")
	}
	o := UpdateOptions{Unit: q.Unit("ben-luc"), Lang: "vi", Now: now, Indicator: "xuat-khau", Period: Month(2022, 3)}
	for _, tc := range []struct{ name, text, want string }{
		{"figure and unit", "520 triệu USD", "520000000"},
		{"decimal", "12,5 triệu USD", "12500000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := q.Read(tc.text, o)
			if err != nil {
				t.Fatalf("Read(%q): %v", tc.text, err)
			}
			if len(rd.Reports) != 1 {
				t.Fatalf("Read(%q) = %+v, want one report", tc.text, rd.Reports)
			}
			r := rd.Reports[0]
			if r.Indicator != "xuat-khau" || r.Unit != "ben-luc" || r.Period != Month(2022, 3) || r.Value.String() != tc.want {
				t.Fatalf("Read(%q) = %s %s %s %s, want xuat-khau ben-luc 2022-03 %s", tc.text, r.Indicator, r.Unit, r.Period.Key(), r.Value, tc.want)
			}
		})
	}
	// A period written in the text is the one taken.
	rd, err := q.Read("tháng 2/2022: 400 triệu USD", o)
	if err != nil || len(rd.Reports) != 1 || rd.Reports[0].Period != Month(2022, 2) {
		t.Fatalf("a period written: %+v, %v", rd.Reports, err)
	}
	// A figure without its unit is refused as in a full sentence.
	var e *Error
	if _, err := q.Read("520", o); !errors.As(err, &e) || e.ID != ErrNeedUnit {
		t.Fatalf("a figure without unit: %v", err)
	}
	// The old way, the name rebuilt into a sentence and read again, took the
	// plant's 2 for the figure.
	old := "cập nhật " + q.Indicator("xuat-khau").NameVI + " tháng 3/2022: 520 triệu USD"
	o.Indicator, o.Period = "", Period{}
	if rd, err := q.Read(old, o); err == nil && len(rd.Reports) == 1 && rd.Reports[0].Value.String() == "520000000" {
		t.Logf("the rebuilt sentence reads right now: %+v", rd.Reports[0])
	}
}
