package kpi

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// bigPlan is a plan file of units units and inds indicators (reported by
// the units when byUnits, else by the department), each indicator with a
// target and unitTargets of the units' targets, every target text target.
func bigPlan(units, groups, inds, unitTargets int, byUnits bool, target string) []byte {
	var b strings.Builder
	b.WriteString("id = \"big-2026\"\nyear = 2026\nprovince = \"Tây Ninh\"\n")
	b.WriteString("[department]\nid = \"so\"\nname = \"Sở Công Thương\"\n")
	for i := range units {
		fmt.Fprintf(&b, "[[units]]\nid = \"xa-%d\"\nname = \"Xã %d\"\n", i, i)
	}
	for i := range groups {
		fmt.Fprintf(&b, "[[groups]]\nid = \"nhom-%d\"\nname = \"Nhóm %d\"\nunits = [\"xa-0\"]\n", i, i)
	}
	reporters := "department"
	if byUnits {
		reporters = "units"
	}
	for i := range inds {
		fmt.Fprintf(&b, "[[indicators]]\nid = \"ct-%d\"\nname_vi = \"Chỉ tiêu %d\"\nkind = \"cumulative\"\nmeasure = \"USD\"\n"+
			"target = %q\nreporters = %q\nfrequency = \"monthly\"\ndue_day = 5\n", i, i, target, reporters)
		if unitTargets > 0 {
			b.WriteString("[indicators.unit_targets]\n")
			for u := range unitTargets {
				fmt.Fprintf(&b, "\"xa-%d\" = %q\n", u, target)
			}
		}
	}
	return []byte(b.String())
}

// A plan beyond a limit is refused, the limit and the number found in the
// message; a plan at the limits is read.
func TestPlanLimits(t *testing.T) {
	if _, err := ParsePlan("max.toml", bigPlan(MaxPlanUnits, MaxPlanGroups, MaxPlanAssignments/MaxPlanUnits, MaxPlanUnits, true, "1000")); err != nil {
		t.Fatalf("a plan at the limits: %v", err)
	}
	if _, err := ParsePlan("max.toml", bigPlan(10, 0, MaxPlanIndicators, 0, false, "1000")); err != nil {
		t.Fatalf("a plan of %d indicators: %v", MaxPlanIndicators, err)
	}
	long := strings.Repeat("a", MaxPlanName+1)
	cases := []struct {
		name string
		src  []byte
		want string
	}{
		{"1,000 units × 1,400 indicators", bigPlan(1000, 0, 1400, 0, true, "1000"),
			"units: at most 200 units, not 1000"},
		{"units", bigPlan(MaxPlanUnits+1, 0, 1, 0, true, "1000"), "units: at most 200 units, not 201"},
		{"groups", bigPlan(5, MaxPlanGroups+1, 1, 0, true, "1000"), "groups: at most 20 groups, not 21"},
		{"indicators", bigPlan(5, 0, MaxPlanIndicators+1, 0, false, "1000"), "indicators: at most 60 indicators, not 61"},
		{"100 × 100, reminders", bigPlan(100, 0, 50, 0, true, "1000"),
			"indicators: at most 2000 figures a period (indicators reported by units × units), not 5000"},
		{"a long name", []byte(strings.Replace(string(bigPlan(2, 0, 1, 0, true, "1")), "Xã 1", long, 1)),
			"units[1].name: at most 200 characters, not 201"},
		{"a huge exponent", bigPlan(2, 0, 1, 0, true, "1e999999"), `indicators[0] (ct-0).target: "1e999999" is not a plain decimal`},
		{"too many digits", bigPlan(2, 0, 1, 0, true, strings.Repeat("9", 25)), `is not a plain decimal`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePlan("big.toml", c.src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

// 4,000 targets of 1e999999 are refused on their text: big.Rat never
// computes 10^999999 (about 400 KB each, 67 s for a plan of them before).
// The bound is what is allocated, not a clock.
func TestHugeExponentTargetsRefusedCheaply(t *testing.T) {
	// 60 indicators × (1 target + 66 unit targets) = 4,020 targets.
	src := bigPlan(66, 0, MaxPlanIndicators, 66, false, "1e999999")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ParsePlan("big.toml", src)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "1e999999") {
		t.Fatalf("got %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("allocated %d MB refusing them", n>>20)
	} else {
		t.Logf("%d KB plan, %d KB allocated", len(src)>>10, n>>10)
	}
}

func BenchmarkHugeExponentTargets(b *testing.B) {
	src := bigPlan(66, 0, MaxPlanIndicators, 66, false, "1e999999")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParsePlan("big.toml", src)
	}
}
