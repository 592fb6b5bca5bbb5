package kpi

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// withStatus returns the embedded plan with exports' default status set.
func withStatus(t *testing.T, status string) (*Plan, error) {
	t.Helper()
	src := bytes.Replace(DefaultPlanSource(), []byte(`target = "6_400_000_000"`), []byte(`target = "6_400_000_000"`+"\nstatus = \""+status+"\""), 1)
	return ParsePlan("p.toml", src)
}

func TestDefaultStatusWhenTheWordsSayNone(t *testing.T) {
	p, err := withStatus(t, "estimate")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 4, 15, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		text string
		want Status
	}{
		{"cập nhật xuất khẩu tháng 3 Bến Lức: 520 triệu USD", Estimate},
		{"Bến Lức: kim ngạch xuất khẩu tháng 3 chính thức đạt 534 triệu USD", Official},
		{"cập nhật nhập khẩu tháng 3 Bến Lức: 410 triệu USD", StatusNone}, // no default for imports
	} {
		rs, err := p.ParseUpdate(c.text, UpdateOptions{Now: now})
		if err != nil || len(rs) != 1 {
			t.Fatalf("%q: %v, %v", c.text, rs, err)
		}
		if rs[0].Status != c.want {
			t.Errorf("%q: status %q, want %q", c.text, rs[0].Status, c.want)
		}
	}
	if _, err := withStatus(t, "guess"); err == nil || !strings.Contains(err.Error(), "(xuat-khau).status: must be estimate, preliminary or official") {
		t.Errorf("bad status: %v", err)
	}
}

func TestIsRevision(t *testing.T) {
	est, pre, off := Report{Status: Estimate}, Report{Status: Preliminary}, Report{Status: Official}
	for _, c := range []struct {
		name string
		old  *Report
		next Report
		want bool
	}{
		{"estimate to official", &est, off, true},
		{"estimate to preliminary", &est, pre, true},
		{"preliminary to official", &pre, off, true},
		{"estimate corrected", &est, est, false},
		{"official corrected", &off, off, false},
		{"official to estimate", &off, est, false},
		{"first figure", nil, off, false},
		{"unsaid to official", &Report{}, off, false},
	} {
		if got := IsRevision(c.old, c.next); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
