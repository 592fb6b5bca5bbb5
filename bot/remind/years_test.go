package remind_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store/storetest"
)

// In January both years' plans have deadlines: December's figures under the
// plan of the year before, January's under the new one. With Plans set, a
// sync schedules both.
func TestSyncRemindsEveryYearsPlan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	loc := hcm(t)
	e.clk.Set(time.Date(2023, 1, 18, 9, 0, 0, 0, loc))
	src := bytes.Replace(kpi.DefaultPlanSource(), []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
	p23, err := kpi.ParsePlan("2023.toml", bytes.Replace(src, []byte("year = 2022"), []byte("year = 2023"), 1))
	if err != nil {
		t.Fatal(err)
	}
	p22 := kpi.DefaultPlan()
	r, err := remind.New(remind.Config{
		Redis: storetest.Redis(t), Store: e.store, Plan: p23, Loc: loc, Notifier: newNotifier(e.clk),
		Plans: func(context.Context) ([]*kpi.Plan, error) { return []*kpi.Plan{p22, p23}, nil },
		Queue: e.queue, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		plan *kpi.Plan
		per  kpi.Period
	}{{p22, kpi.Month(2022, 12)}, {p23, kpi.Month(2023, 1)}} {
		d, ok := remind.PlanDeadline(c.plan, loc, remind.PlanDeadlineID("xuat-khau", c.per))
		if !ok {
			t.Fatalf("no deadline for %v", c.per)
		}
		due := remind.Occurrences(d, remind.Quiet{}, loc)[2] // at the due time
		if _, err := e.insp.GetTaskInfo(e.queue, due.TaskID()); err != nil {
			t.Errorf("the %s deadline of %s is not scheduled: %v", c.per.Key(), c.plan.ID, err)
		}
	}
}
