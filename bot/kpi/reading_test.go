package kpi

import (
	"errors"
	"testing"
	"time"
)

// "Từ đầu năm đến nay" before any month of the plan year is over: asked
// for a period, with an example to copy, never an empty one.
func TestYearSoFarBeforeAMonthIsOver(t *testing.T) {
	p := DefaultPlan()
	_, err := p.Read("xuất khẩu từ đầu năm đến nay đạt 5 tỷ USD", UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi",
		Now: time.Date(2022, time.January, 15, 9, 0, 0, 0, zoneICT)})
	var e *Error
	if !errors.As(err, &e) || e.ID != ErrNeedPeriod || e.Data["example"] == "" || e.Data["example_en"] == "" {
		t.Fatalf("Read = %v; want ErrNeedPeriod with examples", err)
	}
}
