package kpi

import "time"

// Rank orders statuses by how final they are: none and estimate 0 and 1,
// preliminary 2, official 3.
func (s Status) Rank() int {
	switch s {
	case Estimate:
		return 1
	case Preliminary:
		return 2
	case Official:
		return 3
	}
	return 0
}

// Provisional reports whether a figure with status s is still to be
// replaced by a more final one (an estimate or a preliminary figure).
func (s Status) Provisional() bool { return s == Estimate || s == Preliminary }

// IsRevision reports whether next, replacing old in the same slot, is a
// revision: a provisional figure replaced by a more final one ("ước 520 →
// chính thức 534 triệu USD"), as the department's monthly reports revise
// their estimates. A correction of the same status is not a revision.
func IsRevision(old *Report, next Report) bool {
	return old != nil && old.Status.Provisional() && next.Status.Rank() > old.Status.Rank()
}

// defaultStatus gives the reports whose words said no status their
// indicator's default status.
func (p *Plan) defaultStatus(rs []Report) {
	for i := range rs {
		if rs[i].Status != StatusNone {
			continue
		}
		if ind := p.Indicator(rs[i].Indicator); ind != nil {
			rs[i].Status = ind.DefaultStatus
		}
	}
}

// Provisional returns, of the figures a cumulative or latest-value answer
// counted (Progress.Counted), those still provisional, oldest period first.
func (pr *Progress) Provisional() []Report {
	var out []Report
	for _, r := range pr.Counted {
		if r.Status.Provisional() {
			out = append(out, r)
		}
	}
	sortByPeriod(out)
	return out
}

func sortByPeriod(rs []Report) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && less(rs[j], rs[j-1]); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func less(a, b Report) bool {
	if a.Period.Year != b.Period.Year {
		return a.Period.Year < b.Period.Year
	}
	if a.Period.To != b.Period.To {
		return a.Period.To < b.Period.To
	}
	return a.Unit < b.Unit
}

// LeastFinal is the least final status among the figures a progress
// counted (Counted, and the items of counts and milestones): an estimate
// makes the whole an estimate. StatusNone when none says one. The table's
// status column and the answers' provisional line read the same figures.
func (pr *Progress) LeastFinal() Status {
	rank := map[Status]int{Estimate: 3, Preliminary: 2, Official: 1}
	worst := StatusNone
	for _, rs := range [][]Report{pr.Counted, pr.Items} {
		for _, r := range rs {
			if rank[r.Status] > rank[worst] {
				worst = r.Status
			}
		}
	}
	return worst
}

// StageBy returns the furthest stage of a milestone progress reported to
// have happened by end (its date before end), and that date; -1 when none.
func (pr *Progress) StageBy(end time.Time) (int, time.Time) {
	stage, date := -1, time.Time{}
	if pr.Indicator == nil {
		return stage, date
	}
	for _, r := range pr.Items {
		if i := pr.Indicator.StageIndex(r.Item); i > stage && r.Date.Before(end) {
			stage, date = i, r.Date
		}
	}
	return stage, date
}
