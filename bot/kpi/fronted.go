package kpi

import "strings"

// A rate's value may be written before it, in an opening phrase: "Với mức
// tăng 11,70% trong 6 tháng qua, tốc độ tăng GRDP của Long An xếp thứ 4/63
// tỉnh, …". The number is the rate's when the sentence names that rate
// alone and states no other value.

// frontWords stand right before the fronted value; "với" opens its clause.
var (
	frontWords = sortedPhrases("mức tăng", "tốc độ tăng", "mức tăng trưởng", "tốc độ tăng trưởng", "đà tăng")
	wVoi       = sortedPhrases("với", "with")
)

// periodTail are the folded words that may stand around the fronted
// value's period: "trong 6 tháng qua", "in the first half".
var periodTail = map[string]bool{"trong": true, "qua": true, "vua": true, "nay": true, "in": true, "of": true, "the": true, "past": true}

// frontedValue finds a fronted value of the line's one rate mention and
// reads it, with the skipped list less that number. ok is false when the
// line does not have that shape.
func (r *updateReader) frontedValue(v *lineView, text string, clauses []clause, nums []numAt, periods []periodAt,
	ments []mention, skipped []Skipped) (rep Report, rest []Skipped, ok bool, err error) {
	var m *mention
	for k := range ments {
		if ments[k].blocked != "" || ments[k].ind == nil {
			continue
		}
		if m != nil {
			return Report{}, nil, false, nil // two subjects: whose is it?
		}
		m = &ments[k]
	}
	if m == nil || m.ind.Kind != Rate {
		return Report{}, nil, false, nil
	}
	mc := clauseOf(clauses, m.a)
	var n *numAt
	for k := range nums {
		x := &nums[k]
		if clauseOf(clauses, x.a).sentence != mc.sentence || x.role == RoleCount || x.role == RoleName {
			continue
		}
		if n != nil || x.b > m.a || !x.pct || x.neg || x.err != nil || (x.approx && x.rounded == "") {
			return Report{}, nil, false, nil // another number, or not a plain rate before the mention
		}
		n = x
	}
	if n == nil {
		return Report{}, nil, false, nil
	}
	c := clauseOf(clauses, n.a)
	first := v.wordIndex(n.a)
	k := 0
	for back := 2; back <= 4 && k == 0; back++ {
		if first-back >= 0 && v.phraseAt(first-back, frontWords) == back {
			k = back
		}
	}
	if k == 0 || first-k-1 != c.from || v.phraseAt(c.from, wVoi) != 1 {
		return Report{}, nil, false, nil
	}
	// The clause goes on with at most its period, and the mention's clause
	// is the next one.
	var per *periodAt
	for i := range periods {
		if pa := &periods[i]; pa.a >= n.b && pa.b <= c.b && !pa.basis {
			per = pa
		}
	}
	tail := text[n.b:c.b]
	if per != nil {
		tail = text[n.b:per.a] + text[per.b:c.b]
	}
	for _, w := range strings.Fields(strings.Trim(Fold(tail), " ,")) {
		if !periodTail[w] {
			return Report{}, nil, false, nil
		}
	}
	if per == nil {
		per = sentencePeriod(v, clauses, mc.sentence, periods)
	}
	st, _ := v.status(c)
	if s, found := v.status(mc); found {
		st = s
	}
	rep, err = r.figure(m.ind, n, c, m, per, nil, st, text)
	if err != nil {
		return Report{}, nil, false, err
	}
	for _, s := range skipped {
		if s.Text != text[n.a:n.b] {
			rest = append(rest, s)
		}
	}
	return rep, rest, true, nil
}
