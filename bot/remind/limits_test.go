package remind

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// The reminders one sync schedules for a plan are bounded by the plan's
// limits: a plan with kpi.MaxPlanAssignments figures a month yields at
// most that many × (lead times + due + overdue) × the two months a sync's
// window (Lookback + Horizon, 42 days) can reach. A plan of 100 units × 100
// indicators, which made 40,001 tasks a sync, is refused by ParsePlan.
func TestSyncWorkBoundedByPlanLimits(t *testing.T) {
	units := kpi.MaxPlanUnits
	inds := kpi.MaxPlanAssignments / units
	var b strings.Builder
	b.WriteString("id = \"max-2026\"\nyear = 2026\n")
	for i := range units {
		fmt.Fprintf(&b, "[[units]]\nid = \"xa-%d\"\nname = \"Xã %d\"\n", i, i)
	}
	for i := range inds {
		fmt.Fprintf(&b, "[[indicators]]\nid = \"ct-%d\"\nname_vi = \"Chỉ tiêu %d\"\nkind = \"cumulative\"\nmeasure = \"USD\"\n"+
			"target = \"1000\"\nreporters = \"units\"\nfrequency = \"monthly\"\ndue_day = 5\n", i, i)
	}
	p, err := kpi.ParsePlan("max.toml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("ICT", 7*3600)
	most := kpi.MaxPlanAssignments * (len(DefaultPlanLeads) + 2) * 2
	worst := 0
	for day := time.Date(2026, 1, 1, 9, 0, 0, 0, loc); day.Year() == 2026; day = day.AddDate(0, 0, 1) {
		n := 0
		for _, d := range PlanDeadlines(p, loc, day.Add(-7*Day), day.Add(35*Day)) {
			n += len(Occurrences(d, Quiet{}, loc))
		}
		worst = max(worst, n)
	}
	if worst > most {
		t.Errorf("a sync schedules up to %d reminders, more than %d", worst, most)
	}
	t.Logf("at most %d reminders a sync for a plan at the limits (bound %d)", worst, most)
}
