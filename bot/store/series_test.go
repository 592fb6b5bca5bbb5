package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// A cumulative that contradicts the stored months replaces them in one
// write, and only if nothing was written since the check (the basis).
func TestConfirmReplacesContradictedFiguresOnItsBasis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			var months []kpi.Report
			for m, v := range []int64{1200, 1200, 1270} {
				months = append(months, monthly("xuat-khau", "ben-luc", m+1, v))
				if _, err := s.PutReport(ctx, plan, months[m]); err != nil {
					t.Fatal(err)
				}
			}
			tip, err := s.AuditTip(ctx, plan)
			if err != nil {
				t.Fatal(err)
			}
			five := kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.YearToDate(2022, 5), Value: 2510 * kpi.AmountScale}
			p := store.Pending{UserID: 20, ChatID: 20, MessageID: 7, Reports: []kpi.Report{five}, Lang: "vi", Created: t0,
				Remove: months, Conflicts: 1, Basis: tip}
			id, err := s.PutPending(ctx, p, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			// Someone else writes a figure of the plan after the check.
			other := pend(t, s, 21, time.Minute, monthly("nhap-khau", "tan-an", 1, 10))
			if _, err := s.Confirm(ctx, plan, other, 21, "Lan", t0, "21:1", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); !errors.Is(err, store.ErrStale) {
				t.Fatalf("Confirm after another write: %v; want ErrStale", err)
			}
			if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 3 {
				t.Fatalf("a stale confirm wrote: %d figures, want the 3 months", len(rs))
			}
			// Checked again on the new basis, it writes: the months go, the cumulative stays.
			if p.Basis, err = s.AuditTip(ctx, plan); err != nil {
				t.Fatal(err)
			}
			p.ID = id
			if err := s.UpdatePending(ctx, p, time.Minute); err != nil {
				t.Fatal(err)
			}
			changes, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 4 || changes[0].New != nil || changes[0].Old == nil || changes[3].New == nil || changes[3].New.Period != five.Period {
				t.Fatalf("changes %+v; want 3 removals then the cumulative", changes)
			}
			rs, _ := s.Reports(ctx, plan, "xuat-khau")
			if len(rs) != 1 || rs[0].Period != five.Period {
				t.Fatalf("stored %+v; want the cumulative alone", rs)
			}
		})
	}
}
