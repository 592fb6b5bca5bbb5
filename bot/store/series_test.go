package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
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
			tip, err := s.UnitBasis(ctx, plan, "xuat-khau", "ben-luc")
			if err != nil {
				t.Fatal(err)
			}
			five := kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.YearToDate(2022, 5), Value: 2510 * kpi.AmountScale}
			p := store.Pending{UserID: 20, ChatID: 20, MessageID: 7, Reports: []kpi.Report{five}, Lang: "vi", Created: t0,
				Remove: months, Conflicts: 1, Basis: []store.Basis{tip}}
			id, err := s.PutPending(ctx, p, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			// Another unit's figure changes nothing of Bến Lức's basis.
			other := pend(t, s, 21, time.Minute, monthly("xuat-khau", "tan-an", 1, 10))
			if _, err := s.Confirm(ctx, plan, other, 21, "Lan", t0, "21:1", nil); err != nil {
				t.Fatal(err)
			}
			if again, _ := s.UnitBasis(ctx, plan, "xuat-khau", "ben-luc"); again != tip {
				t.Fatalf("Bến Lức's basis moved with Tân An's figure: %v → %v", tip, again)
			}
			// Someone else writes a Bến Lức figure after the check.
			other = pend(t, s, 21, time.Minute, monthly("xuat-khau", "ben-luc", 7, 10))
			if _, err := s.Confirm(ctx, plan, other, 21, "Lan", t0, "21:1", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Confirm(ctx, plan, id, 20, "Minh", t0, "20:9", nil); !errors.Is(err, store.ErrStale) {
				t.Fatalf("Confirm after another write: %v; want ErrStale", err)
			}
			if rs, _ := s.Reports(ctx, plan, "xuat-khau"); len(rs) != 5 {
				t.Fatalf("a stale confirm wrote: %d figures, want the 3 months and the two others", len(rs))
			}
			// Checked again on the new basis, it writes: the months go, the cumulative stays.
			if tip, err = s.UnitBasis(ctx, plan, "xuat-khau", "ben-luc"); err != nil {
				t.Fatal(err)
			}
			p.Basis = []store.Basis{tip}
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
			var bl []kpi.Report
			for _, r := range rs {
				if r.Unit == "ben-luc" && r.Period.To <= 5 {
					bl = append(bl, r)
				}
			}
			if len(bl) != 1 || bl[0].Period != five.Period {
				t.Fatalf("Bến Lức's stored %+v; want the cumulative alone", bl)
			}
		})
	}
}

// The store-backed half of the coherence property (the pure half, with
// 10 000 sequences, is kpi's TestCoherenceOfEveryView): generated figures go
// through the read-back's check and the confirm script on the real server;
// after every write the stored figures never contradict each other, the
// reminders' Reported agrees with the series month by month, and the year
// to date never falls unless a revision or a replacement says so.
func TestCoherenceThroughTheStore(t *testing.T) {
	ctx := context.Background()
	s := realStore(t)
	p := kpi.DefaultPlan()
	ind := p.Indicator("xuat-khau")
	now := time.Date(2022, 9, 10, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewSource(1414))
	units := []string{"ben-luc", "tan-an"}
	runs := 60
	if testing.Short() {
		runs = 10
	}
	for run := 0; run < runs; run++ {
		planID := fmt.Sprintf("coherence-%d", run)
		var last kpi.Amount
		for step := 0; step < 12; step++ {
			u := units[rng.Intn(len(units))]
			var per kpi.Period
			switch rng.Intn(3) {
			case 0:
				per = kpi.Month(2022, 1+rng.Intn(8))
			case 1:
				per = kpi.YearToDate(2022, 1+rng.Intn(8))
			default:
				per = kpi.Quarter(2022, 1+rng.Intn(3))
			}
			r := kpi.Report{Indicator: "xuat-khau", Unit: u, Period: per, Value: kpi.Amount(int64(rng.Intn(300)*per.Months()) * kpi.AmountScale)}
			tip, err := s.UnitBasis(ctx, planID, "xuat-khau", u)
			if err != nil {
				t.Fatal(err)
			}
			all, err := s.Reports(ctx, planID, "xuat-khau")
			if err != nil {
				t.Fatal(err)
			}
			var stored []kpi.Report
			mayFall := false
			for _, o := range all {
				if o.Unit == u {
					stored = append(stored, o)
					if o.Slot() == r.Slot() && r.Value < o.Value {
						mayFall = true
					}
				}
			}
			cs := kpi.NewContradictions(stored, []kpi.Report{r})
			remove := kpi.Replaced(stored, []kpi.Report{r})
			mayFall = mayFall || len(remove) > 0
			id, err := s.PutPending(ctx, store.Pending{UserID: 20, ChatID: 20, Reports: []kpi.Report{r}, Lang: "vi", Created: t0,
				Remove: remove, Conflicts: len(cs), Basis: []store.Basis{tip}}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Confirm(ctx, planID, id, 20, "Minh", now.Add(time.Duration(step)*time.Minute), "20:1", nil); err != nil {
				t.Fatalf("run %d step %d: %v", run, step, err)
			}
			after, err := s.Reports(ctx, planID, "xuat-khau")
			if err != nil {
				t.Fatal(err)
			}
			pr := kpi.Compute(p, ind, after, kpi.Filter{}, now)
			if pr.Total < last && !mayFall {
				t.Fatalf("run %d step %d: the year to date fell from %s to %s", run, step, last, pr.Total)
			}
			last = pr.Total
			for _, uu := range units {
				var mine []kpi.Report
				for _, o := range after {
					if o.Unit == uu {
						mine = append(mine, o)
					}
				}
				if c := kpi.Contradictions(mine); len(c) > 0 {
					t.Fatalf("run %d step %d: %s's stored figures contradict: %+v", run, step, uu, c[0])
				}
				for m := 1; m <= 12; m++ {
					got, err := s.Reported(ctx, planID, uu, "xuat-khau", kpi.Month(2022, m).Key())
					if err != nil {
						t.Fatal(err)
					}
					if want := kpi.Covered(mine, kpi.Month(2022, m)); got != want {
						t.Fatalf("run %d step %d: %s month %d: store says reported %v, the series %v", run, step, uu, m, got, want)
					}
				}
			}
		}
	}
}

// UnitBases reads several units' bases in one call, each the one UnitBasis
// reads alone; a unit without figures has a basis too (the empty one).
func TestUnitBasesAgreeWithUnitBasis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			for _, r := range []kpi.Report{monthly("xuat-khau", "ben-luc", 1, 1200), monthly("nhap-khau", "ben-luc", 1, 800)} {
				if _, err := s.PutReport(ctx, plan, r); err != nil {
					t.Fatal(err)
				}
			}
			want := []store.Basis{{Indicator: "xuat-khau", Unit: "ben-luc"}, {Indicator: "nhap-khau", Unit: "ben-luc"}, {Indicator: "xuat-khau", Unit: "tan-an"}}
			got, err := s.UnitBases(ctx, plan, want)
			if err != nil || len(got) != len(want) {
				t.Fatalf("UnitBases = %v, %v", got, err)
			}
			for i, w := range want {
				one, err := s.UnitBasis(ctx, plan, w.Indicator, w.Unit)
				if err != nil || got[i] != one {
					t.Errorf("%s %s: UnitBases %v, UnitBasis %v (%v)", w.Indicator, w.Unit, got[i], one, err)
				}
			}
			if got[0].Fingerprint == got[1].Fingerprint || got[0].Fingerprint == got[2].Fingerprint {
				t.Errorf("different figures, one fingerprint: %v", got)
			}
		})
	}
}
