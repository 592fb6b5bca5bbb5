package kpi

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
