package kpi

import (
	"fmt"
	"strconv"
	"time"
)

// Kind says how an indicator's progress is computed (design §1).
type Kind string

// The kinds of indicator.
const (
	// Cumulative values add up over units and months (exports, retail).
	Cumulative Kind = "cumulative"
	// Rate is a growth rate; the latest value counts (GRDP growth, IIP).
	Rate Kind = "rate"
	// Level is a state; the latest value counts (households with electricity).
	Level Kind = "level"
	// Count counts named items achieved (new industrial clusters, stores).
	Count Kind = "count"
	// Milestone follows a named sequence of stages (a solar plant).
	Milestone Kind = "milestone"
)

// Measure is the base unit an indicator's amounts are held in.
type Measure string

// The measures a plan may use.
const (
	USD     Measure = "USD"
	VND     Measure = "VND"
	Percent Measure = "%"
	MWp     Measure = "MWp"
	Items   Measure = "item"
	Stages  Measure = "stage"
)

// Scale is a power-of-ten multiplier words stand for ("tỉ" = 1e9).
type Scale int

// The scales people write.
const (
	One      Scale = 0
	Thousand Scale = 3
	Million  Scale = 6
	Billion  Scale = 9
)

// Period is a span of whole months of one year, From..To inclusive: a month
// (3..3), a quarter (4..6), a year-to-date total (1..5), the first half (1..6).
type Period struct {
	Year int
	From int
	To   int
}

// Month returns the period of one month.
func Month(year, m int) Period { return Period{Year: year, From: m, To: m} }

// YearToDate returns the period from January to month m.
func YearToDate(year, m int) Period { return Period{Year: year, From: 1, To: m} }

// Quarter returns the period of quarter q (1..4).
func Quarter(year, q int) Period { return Period{Year: year, From: 3*q - 2, To: 3 * q} }

// Valid reports whether p is a non-empty span inside one year.
func (p Period) Valid() bool {
	return p.Year > 0 && p.From >= 1 && p.To <= 12 && p.From <= p.To
}

// IsZero reports whether p is the zero Period (no period given).
func (p Period) IsZero() bool { return p == Period{} }

// IsMonth reports whether p is a single month.
func (p Period) IsMonth() bool { return p.From == p.To }

// Months is the number of months p covers.
func (p Period) Months() int { return p.To - p.From + 1 }

// Key is the stable storage form: "2022-03" for a month, "2022-01..05" otherwise.
func (p Period) Key() string {
	if p.IsMonth() {
		return fmt.Sprintf("%04d-%02d", p.Year, p.From)
	}
	return fmt.Sprintf("%04d-%02d..%02d", p.Year, p.From, p.To)
}

// ParsePeriodKey reads what Key wrote.
func ParsePeriodKey(s string) (Period, error) {
	var p Period
	if n, _ := fmt.Sscanf(s, "%04d-%02d..%02d", &p.Year, &p.From, &p.To); n == 3 && p.Valid() {
		return p, nil
	}
	p = Period{}
	if n, _ := fmt.Sscanf(s, "%04d-%02d", &p.Year, &p.From); n == 2 {
		p.To = p.From
		if p.Valid() && len(s) == 7 {
			return p, nil
		}
	}
	return Period{}, fmt.Errorf("kpi: bad period key %q", s)
}

// End returns the first instant after the period, in loc.
func (p Period) End(loc *time.Location) time.Time {
	return time.Date(p.Year, time.Month(p.To)+1, 1, 0, 0, 0, 0, loc)
}

// Report is one figure for (indicator, unit, period), or for count and
// milestone indicators one named item or stage. Sending a report with the same
// Slot again replaces it: that is what keeps totals from doubling.
type Report struct {
	Indicator string
	Unit      string
	Period    Period // cumulative, rate, level
	Value     Amount // cumulative, rate, level; for counts, how many (usually 1)
	// Item is the named thing for a count ("CCN Hựu Thạnh") or the stage id
	// for a milestone ("dong-dien").
	Item string
	// Date is when the item or stage happened (civil date, midnight local).
	Date time.Time

	// Status is how final the figure is, as its report said ("ước đạt").
	Status Status
	// Approx is the word of an approximate figure as its report wrote it
	// ("hơn" in "ước đạt hơn 350.000 tỷ đồng"), "" for a stated figure.
	// The number is the one written; the word says it is rounded.
	Approx string
	// Stated are the comparisons written beside the figure ("tăng 12% so
	// với cùng kỳ"), kept for the comparisons to come; never the value.
	Stated []Stated
	// Quote is the text the figure was read from, for the read-back.
	Quote string

	// altIndicator and altValue are the other reading of an ambiguous
	// figure, while it is read: the second indicator one value was written
	// after, the value with the other language's separators. Read turns
	// them into Reading.Alternatives; they are never stored.
	altIndicator string
	altValue     Amount

	By     int64     // Telegram user id of who reported it
	ByName string    // their display name when they reported
	At     time.Time // when it was confirmed
	Via    string    // the message it came from ("chat:message")
}

// Slot identifies what a report replaces: the same indicator, unit and
// period, or the same indicator, item and year of its date for counts and
// milestones — so that one year's item never replaces another year's
// under the same indicator ("unit|item|2022|dong-dien"). An item without
// a date keeps the slot without a year, as records written before years
// were added to slots (the store migrates those).
func (r Report) Slot() string {
	if r.Item != "" {
		if r.Date.IsZero() {
			return r.Unit + "|item|" + Fold(r.Item)
		}
		return r.Unit + "|item|" + strconv.Itoa(r.Date.Year()) + "|" + Fold(r.Item)
	}
	return r.Unit + "|" + r.Period.Key()
}

// Status is how final a figure is: a monthly report is compiled before the
// month's data is complete, so its figures are estimates (ước tính), later
// preliminary (sơ bộ) and official (chính thức).
type Status string

// The statuses; "" is a figure whose report did not say.
const (
	StatusNone  Status = ""
	Estimate    Status = "estimate"
	Preliminary Status = "preliminary"
	Official    Status = "official"
)

// Basis is what a stated comparison compares a figure with.
type Basis string

// The bases of comparisons.
const (
	// SamePeriod: "tăng 12% so với cùng kỳ", the change on the same period
	// last year, in percent (12 is +12%).
	SamePeriod Basis = "same-period"
	// PrevPeriod: "tăng 5,5% so với tháng trước", the change on the month
	// (or quarter) before, in percent.
	PrevPeriod Basis = "previous-period"
	// OfPlan: "bằng 23,4% kế hoạch", the share of the year's plan reached.
	OfPlan Basis = "plan"
)

// Stated is one comparison written beside a figure. Pct is in percent
// points, as an Amount (thousandths): 12% is 12000.
type Stated struct {
	Basis Basis
	Pct   Amount
	// Approx is the word of an approximate comparison ("gần" in "tăng
	// gần 14% so với cùng kỳ"), "" when the comparison is stated exactly.
	Approx string
}
