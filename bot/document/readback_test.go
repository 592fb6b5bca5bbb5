package document

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/report"
)

// itemNames are names of clusters, stores and projects as reports give
// them; none holds a unit's name (a unit named in an item's name is read as
// the unit the item is for).
var itemNames = []string{"Hựu Thạnh", "Long Định", "Phước Đông", "Nhựt Chánh", "Tân Kim", "Co.op Food Phú Mỹ",
	"Bách Hóa Xanh Gò Đen", "Đông Thạnh", "Lợi Bình Nhơn", "An Nhựt Tân"}

var statuses = []kpi.Status{kpi.StatusNone, kpi.Estimate, kpi.Preliminary, kpi.Official}

// series generates a plan year of figures: every kind of indicator, units
// that report and units that do not, month and year-to-date figures, every
// status, and the same months of the year before for some indicators.
func series(r *rand.Rand, p, lp *kpi.Plan, through int) (cur, last map[string][]kpi.Report) {
	cur, last = map[string][]kpi.Report{}, map[string][]kpi.Report{}
	status := func() kpi.Status { return statuses[r.IntN(len(statuses))] }
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		units := p.ReportingUnits(ind)
		if r.IntN(8) == 0 {
			continue // nobody has reported it
		}
		switch ind.Kind {
		case kpi.Cumulative:
			withLast := r.IntN(2) == 0
			for _, u := range units {
				if r.IntN(3) == 0 {
					continue
				}
				upTo := 1 + r.IntN(through)
				for m := 1; m <= upTo; m++ {
					// Up to 900 million USD or 9.000 billion đồng, to the
					// đồng or the cent.
					v := kpi.Amount(r.Int64N(900*int64(math.Pow10(6+3*btoi(ind.Measure == kpi.VND)))*kpi.AmountScale + 1))
					cur[ind.ID] = append(cur[ind.ID], kpi.Report{Indicator: ind.ID, Unit: u.ID, Period: kpi.Month(p.Year, m), Value: v,
						Status: status(), At: at(p.Year, m, 28)})
					if withLast {
						lv := v/2 + kpi.Amount(r.Int64N(int64(v)+1))
						last[ind.ID] = append(last[ind.ID], kpi.Report{Indicator: ind.ID, Unit: u.ID, Period: kpi.Month(lp.Year, m), Value: lv,
							Status: kpi.Official, At: at(lp.Year, m, 28)})
					}
				}
			}
		case kpi.Rate, kpi.Level:
			for m := 1; m <= through; m++ {
				per := kpi.Month(p.Year, m)
				if ind.Frequency == kpi.Quarterly {
					if m%3 != 0 {
						continue
					}
					per = kpi.Quarter(p.Year, m/3)
				}
				if r.IntN(4) == 0 {
					continue
				}
				v := kpi.Amount(r.Int64N(30_000) - 10_000) // -10,000 .. 19,999 %
				if ind.Kind == kpi.Level {
					v = kpi.Amount(95_000 + r.Int64N(5_001))
				}
				cur[ind.ID] = append(cur[ind.ID], kpi.Report{Indicator: ind.ID, Unit: units[0].ID, Period: per, Value: v, Status: status(), At: at(p.Year, m, 28)})
			}
		case kpi.Count:
			for _, name := range itemNames {
				if r.IntN(4) != 0 {
					continue
				}
				d := time.Date(p.Year, time.Month(1+r.IntN(through)), 1+r.IntN(28), 0, 0, 0, 0, zone)
				cur[ind.ID] = append(cur[ind.ID], kpi.Report{Indicator: ind.ID, Unit: units[r.IntN(len(units))].ID, Item: name, Value: kpi.AmountScale, Date: d, At: d.Add(time.Hour)})
			}
		case kpi.Milestone:
			for _, st := range ind.Stages {
				if r.IntN(2) == 0 {
					break
				}
				d := time.Date(p.Year, time.Month(1+r.IntN(through)), 1+r.IntN(28), 0, 0, 0, 0, zone)
				cur[ind.ID] = append(cur[ind.ID], kpi.Report{Indicator: ind.ID, Unit: units[0].ID, Item: st.ID, Date: d, At: d.Add(time.Hour)})
			}
		}
	}
	return cur, last
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// want is a figure a sentence states.
type want struct {
	period kpi.Period
	value  float64 // in the indicator's own measure (USD, đồng, %)
	status kpi.Status
	stated map[kpi.Basis]float64
	item   string
	date   time.Time
}

// expected returns the figures each sentence of ln's paragraph states, in
// the measure's own units, as rounded as the document writes them.
func expected(d Document, ln report.Line, sentences []string) [][]want {
	ind := ln.Indicator
	per := d.Period
	ytd := kpi.YearToDate(per.Year, per.To)
	scale := math.Pow10(int(report.TableScale(ind)))
	status := func(s kpi.Status) kpi.Status {
		if s == kpi.StatusNone {
			return ind.DefaultStatus
		}
		return s
	}
	out := make([][]want, len(sentences))
	switch ind.Kind {
	case kpi.Cumulative:
		var ws []want
		if ln.HasCur {
			w := want{period: per, value: Round(ln.Cur, amountDecimals) * scale, status: status(ln.CurStatus), stated: map[kpi.Basis]float64{}}
			if ln.HasCurChange {
				w.stated[kpi.SamePeriod] = Round(ln.CurChange, percentDecimals)
			}
			if per.From == 1 && ln.HasOfPlan {
				w.stated[kpi.OfPlan] = Round(ln.OfPlan, percentDecimals)
			}
			ws = append(ws, w)
		}
		if per.From != 1 && ln.HasYTD {
			w := want{period: ytd, value: Round(ln.YTD, amountDecimals) * scale, status: status(ln.YTDStatus), stated: map[kpi.Basis]float64{}}
			if ln.HasYTDChange {
				w.stated[kpi.SamePeriod] = Round(ln.YTDChange, percentDecimals)
			}
			if ln.HasOfPlan {
				w.stated[kpi.OfPlan] = Round(ln.OfPlan, percentDecimals)
			}
			ws = append(ws, w)
		}
		out[0] = ws
	case kpi.Rate, kpi.Level:
		v, p, st, ok := ln.Cur, per, ln.CurStatus, ln.HasCur
		if !ok && ln.HasYTD {
			v, p, st, ok = ln.YTD, ln.YTDPeriod, ln.YTDStatus, true
		}
		if ok {
			out[0] = []want{{period: p, value: Round(v, rateDecimals), status: status(st), stated: map[kpi.Basis]float64{}}}
		}
	case kpi.Count:
		for i, it := range ln.Items {
			out[1+i] = []want{{item: it.Item, date: it.Date}}
		}
	case kpi.Milestone:
		if len(ln.Items) > 0 {
			for i, it := range ln.Items {
				out[i] = []want{{item: it.Item, date: it.Date}}
			}
		}
	}
	return out
}

// TestSentencesReadBack: every sentence the document writes, the bot's own
// reader reads back to the figures it states — indicator, unit, period,
// value, status and comparisons — over generated series of every kind of
// indicator and period. A sentence that states no figure (no data yet, the
// units that have not reported, a count so far) is read as none.
func TestSentencesReadBack(t *testing.T) {
	p := kpi.DefaultPlan()
	lp := lastYearPlan(t)
	tr := textIn(t, "vi")
	r := rand.New(rand.NewPCG(17, 2026))
	periods := func() kpi.Period {
		switch r.IntN(5) {
		case 0:
			return kpi.Quarter(p.Year, 1+r.IntN(4))
		case 1:
			return kpi.YearToDate(p.Year, 6)
		case 2:
			return kpi.YearToDate(p.Year, 12)
		case 3:
			return kpi.YearToDate(p.Year, 1+r.IntN(12))
		}
		return kpi.Month(p.Year, 1+r.IntN(12))
	}
	sentences, figures := 0, 0
	for n := range 80 {
		per := periods()
		now := per.End(zone).AddDate(0, 0, 5+r.IntN(20)).Add(9 * time.Hour)
		cur, last := series(r, p, lp, per.To)
		d := Document{Plan: p, Reports: cur, Period: per, Now: now, T: tr, LastPlan: lp, LastReports: last}
		if r.IntN(3) == 0 {
			d.LastPlan, d.LastReports = nil, nil
		}
		lines := d.table().Lines()
		for i, para := range d.Paragraphs() {
			ln := lines[i]
			ind := ln.Indicator
			unit := p.ReportingUnits(ind)[0]
			wants := expected(d, ln, para.Sentences)
			for k, s := range para.Sentences {
				sentences++
				rd, err := p.Read(s, kpi.UpdateOptions{Unit: unit, Lang: "vi", Now: now})
				got := rd.Reports
				if len(wants[k]) == 0 {
					if len(got) > 0 {
						t.Errorf("case %d %s: %q states no figure, read as %+v", n, per.Label("vi"), s, got)
					}
					continue
				}
				if err != nil || len(got) != len(wants[k]) {
					t.Errorf("case %d %s: %q read as %d figures (%v), want %d", n, per.Label("vi"), s, len(got), err, len(wants[k]))
					continue
				}
				for j, w := range wants[k] {
					figures++
					if msg := compare(ind, unit, got[j], w); msg != "" {
						t.Errorf("case %d %s: %q figure %d: %s", n, per.Label("vi"), s, j+1, msg)
					}
				}
			}
		}
	}
	t.Logf("%d sentences, %d figures read back", sentences, figures)
	if figures < 300 {
		t.Errorf("only %d figures: the generator makes too few", figures)
	}
}

func compare(ind *kpi.Indicator, unit *kpi.Unit, got kpi.Report, w want) string {
	if got.Indicator != ind.ID {
		return fmt.Sprintf("indicator %s, want %s", got.Indicator, ind.ID)
	}
	if w.item != "" {
		if kpi.Fold(got.Item) != kpi.Fold(w.item) || !got.Date.Equal(w.date) {
			return fmt.Sprintf("item %q %s, want %q %s", got.Item, got.Date.Format("02/01/2006"), w.item, w.date.Format("02/01/2006"))
		}
		return ""
	}
	if got.Unit != unit.ID {
		return fmt.Sprintf("unit %s, want %s", got.Unit, unit.ID)
	}
	if got.Period != w.period {
		return fmt.Sprintf("period %s, want %s", got.Period.Label("vi"), w.period.Label("vi"))
	}
	if v := got.Value.Float(); math.Abs(v-w.value) > 1e-9*math.Max(1, math.Abs(w.value)) {
		return fmt.Sprintf("value %v, want %v", v, w.value)
	}
	if got.Status != w.status {
		return fmt.Sprintf("status %q, want %q", got.Status, w.status)
	}
	stated := map[kpi.Basis]float64{}
	for _, s := range got.Stated {
		stated[s.Basis] = s.Pct.Float()
	}
	if len(stated) != len(w.stated) {
		return fmt.Sprintf("comparisons %v, want %v", stated, w.stated)
	}
	for b, v := range w.stated {
		if g, ok := stated[b]; !ok || math.Abs(g-v) > 1e-9 {
			return fmt.Sprintf("comparisons %v, want %v", stated, w.stated)
		}
	}
	return ""
}

// TestOtherSentencesStateNoFigure: the document's sentences outside the
// indicators' paragraphs — the opening, when the figures were compiled, the
// summary, the table's note — give the reader no figure to record.
func TestOtherSentencesStateNoFigure(t *testing.T) {
	d := sampleDocument(t)
	h := d.Head()
	for _, s := range []string{
		d.T("DocIntro", "Issuer", h.Issuer, "Plan", d.Plan.Title(lang), "Period", d.Period.Label(lang)),
		d.T("DocAsOf", "Date", d.Now.Format("02/01/2006"), "Time", d.Now.Format("15:04")),
		d.Title(),
		d.T("DocTableNote", "Year", d.Plan.Year),
	} {
		rd, _ := d.Plan.Read(s, kpi.UpdateOptions{Unit: d.Plan.Unit("ben-luc"), Lang: "vi", Now: d.Now})
		if len(rd.Reports) > 0 {
			t.Errorf("%q read as %+v", s, rd.Reports)
		}
	}
}
