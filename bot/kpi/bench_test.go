package kpi

import (
	"strings"
	"testing"
	"time"
)

// The parsers run on every message; progress on every question. Numbers in
// the README come from: go test -run '^$' -bench . -benchmem ./bot/kpi

func BenchmarkParseQuestion(b *testing.B) {
	p := DefaultPlan()
	for b.Loop() {
		if _, err := p.ParseQuestion("tiến độ xuất khẩu Bến Lức quý 1?"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseUpdateThreeLines(b *testing.B) {
	p := DefaultPlan()
	o := UpdateOptions{Lang: "vi", Now: time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC)}
	text := "cập nhật tháng 3/2022 Bến Lức\nxuất khẩu: 520 triệu USD\nnhập khẩu: 410 triệu USD\nbán lẻ: 2.150 tỉ đồng"
	for b.Loop() {
		if rs, err := p.ParseUpdate(text, o); err != nil || len(rs) != 3 {
			b.Fatal(rs, err)
		}
	}
}

// A full year of monthly exports from all 15 units.
func BenchmarkComputeCumulativeYear(b *testing.B) {
	p := DefaultPlan()
	ind := p.Indicator("xuat-khau")
	var rs []Report
	for _, u := range p.Units {
		for m := 1; m <= 12; m++ {
			rs = append(rs, Report{Indicator: ind.ID, Unit: u.ID, Period: Month(2022, m), Value: 500_000_000 * AmountScale})
		}
	}
	now := time.Date(2023, 1, 10, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if pr := Compute(p, ind, rs, Filter{}, now); pr.Through != 12 {
			b.Fatal(pr.Through)
		}
	}
}

// The worst a chat message can be: 4 KB of one "word" that matches nothing.
// It costs under a millisecond, not the 180 ms it did before Suggest bounded its
// edit distances.
func BenchmarkParseQuestionWorstCase(b *testing.B) {
	p := DefaultPlan()
	text := "xu" + strings.Repeat("e", 4000)
	for b.Loop() {
		if _, err := p.ParseQuestion(text); err == nil {
			b.Fatal("matched noise")
		}
	}
}

// BenchmarkReadReportSentence: a sentence pasted from a report, two figures,
// comparisons and a status.
func BenchmarkReadReportSentence(b *testing.B) {
	p := DefaultPlan()
	o := UpdateOptions{Lang: "vi", Now: time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC), Unit: p.Unit("ben-luc")}
	text := "Kim ngạch xuất khẩu tháng 3 ước đạt 520 triệu USD, tăng 12% so với cùng kỳ, lũy kế 3 tháng đạt 1,5 tỷ USD, bằng 23,4% kế hoạch năm."
	for b.Loop() {
		if rd, err := p.Read(text, o); err != nil || len(rd.Reports) != 2 {
			b.Fatal(rd, err)
		}
	}
}

// BenchmarkReadWorstLine: 4 KB of one indicator's abbreviation, the most
// mentions a line can hold; bounded by maxMentions.
func BenchmarkReadWorstLine(b *testing.B) {
	p := DefaultPlan()
	o := UpdateOptions{Lang: "vi", Now: time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC), Unit: p.Unit("ben-luc")}
	text := strings.Repeat("xk ", 1333)
	for b.Loop() {
		_, _ = p.Read(text, o)
		_ = p.Intent(text, "vi")
	}
}
