package store_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

// planOf returns the embedded plan's file made into year's plan.
func planOf(year int, id string) []byte {
	src := kpi.DefaultPlanSource()
	src = bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "`+id+`"`), 1)
	return bytes.Replace(src, []byte("year = 2022"), []byte("year = "+strconv.Itoa(year)), 1)
}

func TestPlansSeedKeepsAdminPlan(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			ctx := context.Background()
			plans := store.NewPlans(s)
			if _, err := plans.InForce(ctx, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("InForce on an empty store = %v, want ErrNotFound", err)
			}
			seed := store.PlanRecord{Year: 2022, Name: "seed.toml", Source: kpi.DefaultPlanSource(), At: t0}
			if ok, err := s.SeedPlan(ctx, seed); err != nil || !ok {
				t.Fatalf("SeedPlan = %v, %v", ok, err)
			}
			// An admin's 2022 file (another title) is kept by the next start's seed.
			admin := planOf(2022, "long-an-2022")
			admin = bytes.Replace(admin, []byte(`title_vi = "`), []byte(`title_vi = "Sửa: `), 1)
			if err := s.PutPlan(ctx, store.PlanRecord{Year: 2022, Name: "admin.toml", Source: admin, By: 7, At: t0}); err != nil {
				t.Fatal(err)
			}
			if ok, err := s.SeedPlan(ctx, seed); err != nil || ok {
				t.Fatalf("SeedPlan over an admin's plan = %v, %v; want false", ok, err)
			}
			p, err := plans.Year(ctx, 2022)
			if err != nil || p == nil || p.TitleVI[:len("Sửa: ")] != "Sửa: " {
				t.Fatalf("plan 2022 after a second seed = %v, %v; want the admin's", p, err)
			}
			if err := s.PutPlan(ctx, store.PlanRecord{Year: 2023, Name: "2023.toml", Source: planOf(2023, "long-an-2023"), At: t0}); err != nil {
				t.Fatal(err)
			}
			ys, err := plans.Years(ctx)
			if err != nil || len(ys) != 2 || ys[0] != 2022 || ys[1] != 2023 {
				t.Fatalf("Years = %v, %v", ys, err)
			}
			for _, c := range []struct {
				now  time.Time
				want int
			}{
				{t0, 2022},                   // the current year's plan
				{t0.AddDate(1, 0, 0), 2023},  // the current year's plan
				{t0.AddDate(4, 0, 0), 2023},  // no plan for 2026: the latest
				{t0.AddDate(-3, 0, 0), 2023}, // before every plan: the latest
			} {
				p, err := plans.InForce(ctx, c.now)
				if err != nil || p.Year != c.want {
					t.Errorf("InForce(%d) = %v, %v; want %d", c.now.Year(), p, err, c.want)
				}
			}
		})
	}
}

func TestPlanDraftTakenOnce(t *testing.T) {
	s := realStore(t)
	ctx := context.Background()
	id, err := s.PutPlanDraft(ctx, store.PlanRecord{Year: 2023, Name: "x.toml", Source: []byte("a"), By: 1, At: t0}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := s.TakePlanDraft(ctx, id); err != nil || string(rec.Source) != "a" {
		t.Fatalf("TakePlanDraft = %v, %v", rec, err)
	}
	if _, err := s.TakePlanDraft(ctx, id); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("second TakePlanDraft = %v, want ErrExpired", err)
	}
}

// BenchmarkPlanInForce: what resolving the plan costs each request (the
// years, then the year's file, parsed once and cached), against reading one
// user record, which every request also does; "ratio" is InForce's time
// over that baseline's, measured in the same iterations.
//
//	go test -run '^$' -bench PlanInForce ./bot/store
func BenchmarkPlanInForce(b *testing.B) {
	ctx := context.Background()
	s := store.New(storetest.Redis(b), storetest.Prefix(b))
	if _, err := s.SeedPlan(ctx, store.PlanRecord{Year: 2022, Name: "p.toml", Source: kpi.DefaultPlanSource(), At: t0}); err != nil {
		b.Fatal(err)
	}
	if err := s.PutUser(ctx, access.User{ID: 40, Role: access.Viewer}); err != nil {
		b.Fatal(err)
	}
	plans := store.NewPlans(s)
	var inForce, user time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := plans.InForce(ctx, t0); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := s.User(ctx, 40); err != nil {
			b.Fatal(err)
		}
		inForce += mid.Sub(start)
		user += time.Since(mid)
	}
	b.ReportMetric(float64(inForce)/float64(user), "ratio")
}

// Two drafts under one id for two years, both read back before either is
// confirmed: the second confirmation is refused, atomically with the write.
// Someone else's press changes no draft; the same update confirming again
// stores nothing more.
func TestConfirmPlanDraftChecksAtTheWrite(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			ctx := context.Background()
			put := func(year int, id string) string {
				t.Helper()
				d, err := s.PutPlanDraft(ctx, store.PlanRecord{Year: year, Name: "p.toml", Source: planOf(year, id), By: 7, At: t0}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			d23, d24 := put(2023, "same-id"), put(2024, "same-id")

			// A stranger's cancel or confirm: the draft stays.
			if err := s.DropPlanDraft(ctx, d23, 8); !errors.Is(err, store.ErrNotYours) {
				t.Fatalf("DropPlanDraft by another = %v, want ErrNotYours", err)
			}
			if _, _, _, err := s.ConfirmPlanDraft(ctx, d23, 8, t0); !errors.Is(err, store.ErrNotYours) {
				t.Fatalf("ConfirmPlanDraft by another = %v, want ErrNotYours", err)
			}

			upd := store.WithUpdate(ctx, 7001)
			rec, p, rep, err := s.ConfirmPlanDraft(upd, d23, 7, t0)
			if err != nil || rep || rec.Year != 2023 || p.ID != "same-id" {
				t.Fatalf("ConfirmPlanDraft 2023 = %d %v %v, %v", rec.Year, p, rep, err)
			}
			if rec, _, rep, err := s.ConfirmPlanDraft(upd, d23, 7, t0); err != nil || !rep || rec.Year != 2023 {
				t.Fatalf("ConfirmPlanDraft 2023 again by the same update = %d, %v, %v; want the plan it stored, a repeat", rec.Year, rep, err)
			}
			if _, _, _, err := s.ConfirmPlanDraft(store.WithUpdate(ctx, 7002), d23, 7, t0); !errors.Is(err, store.ErrExpired) {
				t.Fatalf("a second press = %v, want ErrExpired", err)
			}

			_, _, _, err = s.ConfirmPlanDraft(ctx, d24, 7, t0)
			var pe *kpi.PlanError
			if !errors.As(err, &pe) || pe.Place != "id" {
				t.Fatalf("ConfirmPlanDraft 2024 under 2023's id = %v, want a plan error on its id", err)
			}
			if ys, err := s.PlanYears(ctx); err != nil || len(ys) != 1 || ys[0] != 2023 {
				t.Fatalf("plan years = %v, %v; want only 2023", ys, err)
			}
			// Cancelled by its owner, it is gone.
			if err := s.DropPlanDraft(ctx, d24, 7); err != nil {
				t.Fatal(err)
			}
			if err := s.DropPlanDraft(ctx, d24, 7); !errors.Is(err, store.ErrExpired) {
				t.Fatalf("DropPlanDraft again = %v, want ErrExpired", err)
			}
		})
	}
}

// A plan replaced between a figure's read-back and its Xác nhận: the
// confirmation writes nothing (checked in the script that writes), and the
// submission stays to be read back again.
func TestConfirmRefusedWhenThePlanChanged(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			ctx := context.Background()
			if _, err := s.SeedPlan(ctx, store.PlanRecord{Year: 2022, Name: "seed.toml", Source: kpi.DefaultPlanSource(), At: t0}); err != nil {
				t.Fatal(err)
			}
			put := func() string {
				t.Helper()
				id, err := s.PutPending(ctx, store.Pending{UserID: 7, ChatID: 7, Reports: []kpi.Report{monthly("xuat-khau", "ben-luc", 3, 520)}, PlanYear: 2022, Created: t0}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			before := put()
			other := bytes.Replace(kpi.DefaultPlanSource(), []byte(`id = "ben-luc"`), []byte(`id = "ben-luc-moi"`), 1)
			if err := s.PutPlan(ctx, store.PlanRecord{Year: 2022, Name: "new.toml", Source: other, By: 1, At: t0}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Confirm(ctx, plan, before, 7, "A", t0, "", nil); !errors.Is(err, store.ErrPlanChanged) {
				t.Fatalf("Confirm after the plan changed = %v, want ErrPlanChanged", err)
			}
			if rs, err := s.Reports(ctx, plan, "xuat-khau"); err != nil || len(rs) != 0 {
				t.Fatalf("reports = %v, %v; want nothing written", rs, err)
			}
			if _, err := s.Pending(ctx, before); err != nil {
				t.Fatalf("the submission is gone: %v", err)
			}
			// Read back under the new plan, it confirms.
			if _, err := s.Confirm(ctx, plan, put(), 7, "A", t0, "", nil); err != nil {
				t.Fatalf("Confirm under the plan in force = %v", err)
			}
		})
	}
}

// Count and milestone records carry the year of their date: two years'
// same stage under one plan id are two records, and records kept the old
// way (no year in the slot) are moved, once, and still read.
func TestItemSlotsCarryTheirYear(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			ctx := context.Background()
			p := kpi.DefaultPlan()
			var ind string
			for _, i := range p.Indicators {
				if i.Kind == kpi.Milestone {
					ind = i.ID
				}
			}
			stage := func(year int) kpi.Report {
				return kpi.Report{Indicator: ind, Unit: "duc-hue", Item: "dong-dien", Value: kpi.AmountScale,
					Date: time.Date(year, 6, 20, 0, 0, 0, 0, time.UTC)}
			}
			if _, err := s.PutReport(ctx, p.ID, stage(2022)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PutReport(ctx, p.ID, stage(2023)); err != nil {
				t.Fatal(err)
			}
			if rs, err := s.Reports(ctx, p.ID, ind); err != nil || len(rs) != 2 {
				t.Fatalf("two years' stage = %d records, %v; want 2 (one overwrote the other)", len(rs), err)
			}

			// A record kept the old way, and a newer one of another item.
			key := s.Key("r", p.ID, ind)
			raw, err := s.Client().HGet(ctx, key, stage(2022).Slot()).Result()
			if err != nil {
				t.Fatal(err)
			}
			s.Client().HDel(ctx, key, stage(2022).Slot())
			s.Client().HSet(ctx, key, "duc-hue|item|dong-dien", raw)
			n, err := s.MigrateItemSlots(ctx, p)
			if err != nil || n != 1 {
				t.Fatalf("MigrateItemSlots = %d, %v; want 1 moved", n, err)
			}
			if n, err := s.MigrateItemSlots(ctx, p); err != nil || n != 0 {
				t.Fatalf("MigrateItemSlots again = %d, %v; want none", n, err)
			}
			fields, err := s.Client().HKeys(ctx, key).Result()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(fields)
			if want := []string{"duc-hue|item|2022|dong-dien", "duc-hue|item|2023|dong-dien"}; !slices.Equal(fields, want) {
				t.Fatalf("slots = %v, want %v", fields, want)
			}
		})
	}
}
