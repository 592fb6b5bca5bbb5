package kpi

// MinReportedShare is the share of the units reporting an indicator that
// must have sent the latest period of its progress before its pace is
// judged: with fewer, "behind" would be the units that have not reported,
// not the province, and the views say "chưa đủ số liệu" instead.
const MinReportedShare = 0.5

// Coverage returns how many of the units that report pr's indicator in p
// have sent the latest period its progress covers (reported), of how many
// (total). Counts and milestones, which units report as things happen,
// are always covered.
func (pr *Progress) Coverage(p *Plan) (reported, total int) {
	if pr.Indicator == nil {
		return 0, 0
	}
	total = len(p.ReportingUnits(pr.Indicator))
	return max(total-len(pr.Missing), 0), total
}

// Judged reports whether pr's pace may be judged: it has figures, and at
// least MinReportedShare of the units that report it have sent its latest
// period. A progress that is not judged is never shown behind pace. A
// closed year is judged on what was reported, its silent units and months
// named: its verdict is final, the same in every view.
func (pr *Progress) Judged(p *Plan) bool {
	if pr.Closed {
		return pr.HasData
	}
	reported, total := pr.Coverage(p)
	return pr.HasData && (total == 0 || float64(reported) >= MinReportedShare*float64(total))
}

// BehindJudged reports whether pr is behind pace and may be said so.
func (pr *Progress) BehindJudged(p *Plan) bool { return pr.Behind && pr.Judged(p) }
