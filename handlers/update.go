package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/locales"
)

// PendingTTL is how long a read-back waits for Xác nhận / Hủy.
const PendingTTL = 30 * time.Minute

// Outlier thresholds: a figure this many times its unit's usual month (or
// this far from the latest rate) asks for a second confirmation.
const (
	outlierRatio  = 10.0
	outlierPoints = 10.0 // percentage points, for rates and levels
)

// update reads a submission back to its author with Xác nhận / Hủy buttons.
// Nothing is stored until Xác nhận.
func (s *session) update(ctx context.Context, _ string) error {
	if !s.user.Role.AtLeast(access.Reporter) {
		if !s.known {
			return s.stranger(ctx)
		}
		return kpi.Fail("ErrNotReporter", "id", itoa(s.UserID))
	}
	own, rd, err := s.read()
	// A figure for another year's plan ("tháng 3/2023" while 2022's is in
	// force, or December's in January) is read again under that plan.
	year := wrongYear(err)
	if err == nil && len(rd.Reports) > 0 && rd.Reports[0].Item == "" && rd.Reports[0].Period.Year != s.Plan.Year {
		year = rd.Reports[0].Period.Year
	}
	if switched, serr := s.switchYear(ctx, year); serr != nil {
		return serr
	} else if switched {
		own, rd, err = s.read()
	}
	if err != nil {
		return err
	}
	if len(rd.Periods) > 0 {
		return s.askPeriod(ctx, rd, own)
	}
	if len(rd.Alternatives) > 0 {
		return s.askAlternative(ctx, rd, own)
	}
	return s.propose(ctx, rd.Reports, rd.Skipped, own, "ReadBackTitle")
}

// read reads the request's text as a report under the request's plan.
func (s *session) read() (*kpi.Unit, kpi.Reading, error) {
	var own *kpi.Unit
	if s.user.Role == access.Reporter {
		if own = s.Plan.Unit(s.user.Unit); own == nil {
			return nil, kpi.Reading{}, kpi.Fail("ErrReporterNeedsUnit", "id", itoa(s.UserID))
		}
	}
	rd, err := s.Plan.Read(s.Text, kpi.UpdateOptions{Unit: own, Lang: s.lang, Now: s.now(),
		Indicator: s.expect.Indicator, Period: s.expect.Period})
	return own, rd, err
}

// propose reads reports back to their author with Xác nhận / Hủy, after the
// checks every submission passes (the user's scope, the outlier check),
// whether typed or read from a file (files.go); titleID heads the read-back.
// skipped are the numbers of a typed message the reader left aside.
func (s *session) propose(ctx context.Context, reports []kpi.Report, skipped []kpi.Skipped, own *kpi.Unit, titleID string) error {
	if err := s.inScope(reports, own); err != nil {
		return err
	}
	p := store.Pending{UserID: s.UserID, ChatID: s.ChatID, Reports: reports, Skipped: skipped, Lang: s.lang, Created: s.now(), PlanYear: s.Plan.Year}
	p.Awaiting = s.needsApproval(reports) // approval.go
	c, err := s.checkOld(ctx, &p)
	if err != nil {
		return err
	}
	id, err := s.confirmStore().PutPending(ctx, p, PendingTTL)
	if err != nil {
		return err
	}
	text, buttons := s.readBackAsk(p, id, titleID, c)
	return s.reply(ctx, text, buttons)
}

// inScope checks that the user may report every figure's unit, and marks
// each with the message it came from.
func (s *session) inScope(reports []kpi.Report, own *kpi.Unit) error {
	via := fmt.Sprintf("%d:%d", s.ChatID, s.MessageID)
	for i := range reports {
		r := &reports[i]
		if !s.Policy.CanReport(s.user, r.Unit) {
			ownName := ""
			if own != nil {
				ownName = own.Short
			}
			return kpi.Fail("ErrUnitScope", "unit", s.unitShort(r.Unit), "own", ownName)
		}
		r.Via = via
	}
	return nil
}

// checked is what checkOld found: the outlier warnings, the message id that
// asks to confirm them twice ("ReadBackTwiceRate" when every warned figure
// is a percent: there is no scale to check), and one line per stored figure
// the submission contradicts.
type checked struct {
	warnings  []string
	twice     string
	conflicts []string
}

// checkOld fills p.Old with the values the figures' slots hold, runs the
// outlier check (p.NeedsSecond when it warns) and holds the figures against
// the stored series (p.Conflicts, p.Remove, p.Basis: checkSeries).
func (s *session) checkOld(ctx context.Context, p *store.Pending) (checked, error) {
	list := indicatorsOf(p.Reports)
	// The basis is read before the figures: Confirm writes nothing if the
	// figures it fingerprints changed (store.ErrStale), and checks again.
	basis, err := s.basis(ctx, p.Reports)
	if err != nil {
		return checked{}, err
	}
	all, err := s.confirmStore().AllReports(ctx, s.Plan.ID, list)
	if err != nil {
		return checked{}, err
	}
	c := checked{twice: "ReadBackTwiceRate"}
	p.Old, p.NeedsSecond = nil, false
	for _, r := range p.Reports {
		p.Old = append(p.Old, findSlot(all[r.Indicator], r.Slot()))
		if w := s.outlier(r, all[r.Indicator]); w != "" {
			p.NeedsSecond = true
			c.warnings = append(c.warnings, w)
			if s.Plan.Indicator(r.Indicator).Measure != kpi.Percent {
				c.twice = "ReadBackTwice"
			}
		}
	}
	c.conflicts = s.checkSeries(p, all)
	p.Basis = basis
	return c, nil
}

// readBackAsk is the read-back of pending submission id with its question
// and buttons: replace the figures it contradicts or cancel; confirm twice
// after the warnings; or confirm.
func (s *session) readBackAsk(p store.Pending, id, titleID string, c checked) (string, []Button) {
	text := s.readBack(p, titleID)
	switch {
	case len(c.conflicts) > 0:
		return text + "\n\n" + strings.Join(c.conflicts, "\n") + "\n" + s.t("ReadBackContradiction"), s.replaceButtons(id)
	case len(c.warnings) > 0:
		return text + "\n\n" + strings.Join(c.warnings, "\n") + "\n" + s.t(c.twice), s.confirmButtons(id)
	}
	return text + "\n\n" + s.t("ReadBackAsk"), s.confirmButtons(id)
}

// askPeriod reads back the figures of a report sentence that does not say
// its period, and asks for it with a button per likely period: one press
// stores them for that period (or, when a figure is far outside its
// history, shows the usual read-back to confirm twice). The choices travel
// in the pending record, as periods; the button carries only their index.
func (s *session) askPeriod(ctx context.Context, rd kpi.Reading, own *kpi.Unit) error {
	if err := s.inScope(rd.Reports, own); err != nil {
		return err
	}
	p := store.Pending{UserID: s.UserID, ChatID: s.ChatID, Reports: rd.Reports, Skipped: rd.Skipped, Lang: s.lang, Created: s.now(), PlanYear: s.Plan.Year}
	p.Awaiting = s.needsApproval(rd.Reports) // approval.go
	// A period a figure of the same indicator states already is no choice:
	// the two would be one slot.
	for _, per := range rd.Periods {
		clash := false
		for _, r := range rd.Reports {
			for _, o := range rd.Reports {
				clash = clash || (r.NeedsPeriod() && !o.NeedsPeriod() && o.Indicator == r.Indicator && o.Unit == r.Unit && o.Period == per)
			}
		}
		if !clash {
			p.Periods = append(p.Periods, per)
		}
	}
	if len(p.Periods) == 0 {
		return kpi.Fail(kpi.ErrTwoValues, "text", rd.Reports[0].Quote)
	}
	id, err := s.confirmStore().PutPending(ctx, p, PendingTTL)
	if err != nil {
		return err
	}
	text := s.readBack(p, "ReadBackPeriodTitle") + "\n\n" + s.t("ReadBackPeriodAsk")
	var rows [][]Button
	for i, per := range p.Periods {
		b := Button{Text: per.Label(s.lang), Data: Action{Kind: cbPeriod, ID: id, N: i}.String()}
		if i%2 == 0 {
			rows = append(rows, []Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	rows = append(rows, []Button{{Text: s.t("ButtonCancel"), Data: Action{Kind: cbCancel, ID: id}.String()}})
	return s.reply(ctx, text, rows...)
}

// choosePeriod is the press of a period button ("pp:<id>:<n>"): the
// figures that lacked a period get the n-th choice, their slots' old values
// and the outlier check are taken, and they are stored at once unless a
// warning asks for the usual confirmation.
func (s *session) choosePeriod(ctx context.Context, id string, n int) error {
	p, ok, err := s.ownPending(ctx, id)
	if !ok {
		return err
	}
	if n >= len(p.Periods) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	if _, err := s.switchYear(ctx, p.PlanYear); err != nil {
		return err
	}
	per := p.Periods[n]
	for i := range p.Reports {
		if p.Reports[i].NeedsPeriod() {
			p.Reports[i].Period = per
		}
	}
	p.Periods = nil
	return s.storeChosen(ctx, id, p)
}

// askAlternative asks which reading of an ambiguous figure is meant — one
// value written after two indicators, or "2.150" in English with no scale
// word — with a button per reading; it never picks one. The readings travel
// in the pending record as figures; the button carries only their index.
func (s *session) askAlternative(ctx context.Context, rd kpi.Reading, own *kpi.Unit) error {
	for _, alt := range rd.Alternatives {
		if err := s.inScope(alt, own); err != nil {
			return err
		}
	}
	p := store.Pending{UserID: s.UserID, ChatID: s.ChatID, Reports: rd.Alternatives[0], Alternatives: rd.Alternatives,
		Skipped: rd.Skipped, Lang: s.lang, Created: s.now(), PlanYear: s.Plan.Year}
	p.Awaiting = s.needsApproval(rd.Reports) // approval.go
	at := 0
	for i := range rd.Alternatives[0] {
		a, b := rd.Alternatives[0][i], rd.Alternatives[1][i]
		if a.Indicator != b.Indicator || a.Value != b.Value {
			at = i
		}
	}
	id, err := s.confirmStore().PutPending(ctx, p, PendingTTL)
	if err != nil {
		return err
	}
	lines := []string{s.t("ReadBackChoiceTitle")}
	var rows [][]Button
	for i, alt := range rd.Alternatives {
		r := alt[at]
		lines = append(lines, s.reportLine(r, nil))
		label := s.value(s.Plan.Indicator(r.Indicator), r)
		if rd.Alternatives[0][at].Indicator != rd.Alternatives[1][at].Indicator {
			label = s.Plan.Indicator(r.Indicator).Name(s.lang)
		}
		rows = append(rows, []Button{{Text: label, Data: Action{Kind: cbAlternative, ID: id, N: i}.String()}})
	}
	if q := rd.Alternatives[0][at].Quote; q != "" {
		lines = append(lines, s.t("ReadBackQuote", "Quote", clipRunes(q, maxQuote)))
	}
	rows = append(rows, []Button{{Text: s.t("ButtonCancel"), Data: Action{Kind: cbCancel, ID: id}.String()}})
	return s.reply(ctx, strings.Join(lines, "\n")+"\n\n"+s.t("ReadBackChoiceAsk"), rows...)
}

// chooseAlternative is the press of a reading's button ("pa:<id>:<n>"):
// the n-th reading is taken and stored as choosePeriod stores.
func (s *session) chooseAlternative(ctx context.Context, id string, n int) error {
	p, ok, err := s.ownPending(ctx, id)
	if !ok {
		return err
	}
	if n >= len(p.Alternatives) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
	}
	if _, err := s.switchYear(ctx, p.PlanYear); err != nil {
		return err
	}
	p.Reports, p.Alternatives = p.Alternatives[n], nil
	p.Awaiting = s.needsApproval(p.Reports) // the indicator chosen decides
	return s.storeChosen(ctx, id, p)
}

// storeChosen stores a pending submission once its question is answered:
// the slots' old values and the outlier check are taken again, and the
// figures are stored at once unless a warning or a contradiction asks for
// the usual confirmation.
func (s *session) storeChosen(ctx context.Context, id string, p store.Pending) error {
	c, err := s.checkOld(ctx, &p)
	if err != nil {
		return err
	}
	if err := s.confirmStore().UpdatePending(ctx, p, PendingTTL); errors.Is(err, store.ErrExpired) {
		return s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	} else if err != nil {
		return err
	}
	if p.NeedsSecond || len(c.conflicts) > 0 {
		text, buttons := s.readBackAsk(p, id, "ReadBackTitle", c)
		if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, [][]Button{buttons}); err != nil {
			return err
		}
		return s.out.Answer(ctx, s.CallbackID, "")
	}
	return s.confirm(ctx, id)
}

func (s *session) confirmButtons(id string) []Button {
	return []Button{
		{Text: s.t("ButtonConfirm"), Data: Action{Kind: cbConfirm, ID: id}.String()},
		{Text: s.t("ButtonCancel"), Data: Action{Kind: cbCancel, ID: id}.String()},
	}
}

// replaceButtons are the choices of a read-back that contradicts stored
// figures: keep the new ones and remove what they contradict, or cancel.
func (s *session) replaceButtons(id string) []Button {
	return []Button{
		{Text: s.t("ButtonReplace"), Data: Action{Kind: cbReplace, ID: id}.String()},
		{Text: s.t("ButtonCancel"), Data: Action{Kind: cbCancel, ID: id}.String()},
	}
}

// checkSeries holds p's cumulative figures against the stored ones (all,
// by indicator) with kpi.NewContradictions, unit by unit and year by year,
// and returns one line per contradiction, with its numbers. It sets
// p.Conflicts and p.Remove: the stored figures the new ones contradict (the
// months inside a new cumulative, or a stored cumulative a new month
// pushes past), removed only if the user chooses to replace them.
func (s *session) checkSeries(p *store.Pending, all map[string][]kpi.Report) []string {
	type key struct {
		ind, unit string
		year      int
	}
	groups := map[key][]kpi.Report{}
	var order []key
	for _, r := range p.Reports {
		ind := s.Plan.Indicator(r.Indicator)
		if ind == nil || ind.Kind != kpi.Cumulative || r.Item != "" || !r.Period.Valid() {
			continue
		}
		k := key{r.Indicator, r.Unit, r.Period.Year}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		r.At = s.now().Add(time.Hour) // confirmed after everything stored
		groups[k] = append(groups[k], r)
	}
	p.Conflicts, p.Remove = 0, nil
	var lines []string
	for _, k := range order {
		var stored []kpi.Report
		for _, r := range all[k.ind] {
			if r.Unit == k.unit && r.Item == "" && r.Period.Year == k.year {
				stored = append(stored, r)
			}
		}
		ind := s.Plan.Indicator(k.ind)
		fresh := map[string]bool{}
		for _, r := range groups[k] {
			fresh[r.Slot()] = true
		}
		cs := kpi.NewContradictions(stored, groups[k])
		for _, c := range cs {
			p.Conflicts++
			lines = append(lines, s.t("ReadBackConflict", "Unit", s.unitShort(k.unit), "Text", s.conflictText(ind, c, fresh)))
		}
		p.Remove = append(p.Remove, kpi.Replaced(stored, groups[k])...)
	}
	return lines
}

func findSlot(rs []kpi.Report, slot string) *kpi.Report {
	for i := range rs {
		if rs[i].Slot() == slot {
			r := rs[i]
			return &r
		}
	}
	return nil
}

// readBack lists what the bot understood, old → new where a value exists.
func (s *session) readBack(p store.Pending, titleID string) string {
	lines := []string{s.t(titleID)}
	for i, r := range p.Reports {
		var old *kpi.Report
		if i < len(p.Old) {
			old = p.Old[i]
		}
		lines = append(lines, s.reportLine(r, old))
		lines = append(lines, s.readDetails(r)...)
	}
	if line := s.skippedLine(p.Skipped); line != "" {
		lines = append(lines, line)
	}
	if p.Awaiting { // approval.go
		lines = append(lines, s.t("ReadBackAwaiting"))
	}
	return strings.Join(lines, "\n")
}

// reportLine is one figure as the user should check it.
func (s *session) reportLine(r kpi.Report, old *kpi.Report) string {
	ind := s.Plan.Indicator(r.Indicator)
	if ind == nil {
		return ""
	}
	what := s.approxValue(r, s.value(ind, r))
	if old != nil && (old.Status != kpi.StatusNone || r.Status != kpi.StatusNone) {
		what = s.statusValue(ind, r) // "ước 520 → chính thức 534 triệu USD"
	}
	args := []any{"Name", ind.Name(s.lang), "Unit", s.unitShort(r.Unit), "Value", what}
	switch {
	case ind.Kind == kpi.Count || ind.Kind == kpi.Milestone:
		args = append(args, "Period", s.date(r.Date))
	case r.NeedsPeriod():
		args = append(args, "Period", s.t("PeriodNotStated"))
	default:
		args = append(args, "Period", r.Period.Label(s.lang))
	}
	if old != nil && (ind.Kind != kpi.Count) {
		line := s.t("ReportLineChange", append(args, "Old", s.statusValue(ind, *old))...)
		if kpi.IsRevision(old, r) {
			line += " " + s.revisionNote(*old, r)
		}
		return line
	}
	return s.t("ReportLine", args...)
}

// statusValue is a value with its status before it ("ước 520 triệu USD"),
// or the bare value when its report said none.
func (s *session) statusValue(ind *kpi.Indicator, r kpi.Report) string {
	v := s.approxValue(r, s.value(ind, r))
	if r.Status == kpi.StatusNone || ind.Kind == kpi.Count || ind.Kind == kpi.Milestone {
		return v
	}
	return s.t("StatusValue", "Status", s.t("StatusShort_"+string(r.Status)), "Value", v)
}

// approxValue marks a value its report rounded: "≈ hơn 350.000 tỷ đồng".
// v is the value as shown, plain text.
func (s *session) approxValue(r kpi.Report, v string) string {
	if r.Approx == "" {
		return v
	}
	return s.t("ApproxValue", "Word", r.Approx, "Value", v)
}

// revisionNote says that a more final figure replaces a provisional one.
func (s *session) revisionNote(old, next kpi.Report) string {
	return s.t("RevisionNote", "Old", s.t("Status_"+string(old.Status)), "New", s.t("Status_"+string(next.Status)))
}

// readDetails are the lines under a figure of a read-back: what the reader
// took from the words (status, stated comparisons) and the words themselves,
// so that a misreading shows at a glance.
func (s *session) readDetails(r kpi.Report) []string {
	var out []string
	var parts []string
	if r.Status != kpi.StatusNone {
		parts = append(parts, s.t("Status_"+string(r.Status)))
	}
	for _, st := range r.Stated {
		pct := signedPercent(st, s.lang)
		if st.Approx != "" {
			pct = s.t("ApproxValue", "Word", st.Approx, "Value", pct)
		}
		parts = append(parts, s.t("Stated_"+string(st.Basis), "Pct", locales.HTML(pct)))
	}
	if len(parts) > 0 {
		out = append(out, s.t("ReadBackDetails", "Details", locales.HTML(strings.Join(parts, " · "))))
	}
	if r.Quote != "" {
		out = append(out, s.t("ReadBackQuote", "Quote", clipRunes(r.Quote, maxQuote)))
	}
	return out
}

// maxQuote bounds the quoted words of a figure: enough to recognise the
// sentence, not a paragraph.
const maxQuote = 160

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// signedPercent writes a stated comparison: a change with its sign ("+12%",
// "−2,8%"), a share of the plan without ("23,4%").
func signedPercent(st kpi.Stated, lang string) string {
	v := st.Pct.Float()
	text := kpi.FormatPercent(abs(v), 2, lang)
	switch {
	case st.Basis == kpi.OfPlan:
		if v < 0 {
			return "−" + text
		}
		return text
	case v < 0:
		return "−" + text
	}
	return "+" + text
}

// skippedLine names the numbers the reader left aside and why, or "".
func (s *session) skippedLine(sk []kpi.Skipped) string {
	if len(sk) == 0 {
		return ""
	}
	items := make([]string, 0, len(sk))
	for _, k := range sk {
		items = append(items, s.t("SkippedItem", "Text", k.Text, "Why", s.t("Role_"+roleID(k.Role), "What", k.What)))
	}
	return s.t("ReadBackSkipped", "Items", locales.HTML(strings.Join(items, "; ")))
}

// roleID turns a role ("same-period") into the tail of its message id ("SamePeriod").
func roleID(r kpi.Role) string {
	parts := strings.Split(string(r), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// value shows a report's value the way the user wrote it: "520 triệu USD",
// "6,8%", the item's name, or the stage.
func (s *session) value(ind *kpi.Indicator, r kpi.Report) string {
	switch ind.Kind {
	case kpi.Count:
		return r.Item
	case kpi.Milestone:
		if i := ind.StageIndex(r.Item); i >= 0 {
			return stageName(ind.Stages[i], s.lang)
		}
		return r.Item
	case kpi.Cumulative:
		return kpi.FormatNatural(r.Value, ind.Measure, s.lang)
	}
	return ind.FormatAmount(r.Value, s.lang)
}

func (s *session) unitShort(id string) string {
	if u := s.Plan.Unit(id); u != nil {
		return u.Short
	}
	return id
}

// outlier returns a warning when r is far outside its indicator's history
// for the unit: ten times the unit's usual month (or a tenth of it), or a
// rate ten points away from the latest one.
func (s *session) outlier(r kpi.Report, history []kpi.Report) string {
	ind := s.Plan.Indicator(r.Indicator)
	switch ind.Kind {
	case kpi.Cumulative:
		var sum kpi.Amount
		months := 0
		for _, h := range history {
			if h.Unit == r.Unit && h.Slot() != r.Slot() && h.Period.Valid() {
				var ok bool
				if sum, ok = sum.Add(h.Value); !ok {
					return "" // figures from before the ceilings: no usual month
				}
				months += h.Period.Months()
			}
		}
		if months == 0 || sum <= 0 {
			return ""
		}
		usual := sum.Float() / float64(months)
		now := r.Value.Float() / float64(r.Period.Months())
		if now > usual*outlierRatio || now < usual/outlierRatio {
			return s.t("OutlierMonth", "Name", ind.Name(s.lang),
				"Value", kpi.FormatNatural(r.Value, ind.Measure, s.lang),
				"Usual", ind.FormatAmount(kpi.Amount(usual*kpi.AmountScale), s.lang))
		}
	case kpi.Rate, kpi.Level:
		var last *kpi.Report
		for i, h := range history {
			if h.Slot() != r.Slot() && h.Period.Valid() && (last == nil || h.Period.To > last.Period.To) {
				last = &history[i]
			}
		}
		if last != nil && abs(r.Value.Float()-last.Value.Float()) > outlierPoints {
			lastText := ""
			if last != nil {
				lastText = ind.FormatAmount(last.Value, s.lang)
			}
			return s.t("OutlierRate", "Name", ind.Name(s.lang), "Value", ind.FormatAmount(r.Value, s.lang), "Last", lastText)
		}
	}
	return ""
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// confirm stores a pending submission, once: the store's script deletes the
// pending record in the same step, so a second press or a redelivered
// update finds nothing to do.
func (s *session) confirm(ctx context.Context, id string) error {
	return s.confirmAs(ctx, id, false)
}

// confirmAs is confirm; replace is the press of "replace the stored
// figures" on a read-back that named contradictions. A plain Xác nhận of
// such a submission stores nothing: it shows the question again.
func (s *session) confirmAs(ctx context.Context, id string, replace bool) error {
	p, ok, err := s.ownPending(ctx, id)
	if !ok {
		return err
	}
	for _, r := range p.Reports {
		if r.NeedsPeriod() || len(p.Alternatives) > 0 { // asked with their own buttons
			return s.out.Answer(ctx, s.CallbackID, s.t("ErrButtonExpired"))
		}
	}
	if _, err := s.switchYear(ctx, p.PlanYear); err != nil {
		return err
	}
	if err := s.mayConfirm(s.user, p); err != nil {
		return s.refuseConfirm(ctx, id, err)
	}
	if p.NeedsSecond {
		p.NeedsSecond = false
		if err := s.confirmStore().UpdatePending(ctx, p, PendingTTL); err != nil {
			return err
		}
		text := s.readBack(p, "ReadBackTitle") + "\n\n" + s.t("ReadBackSecond")
		if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, [][]Button{s.confirmButtons(id)}); err != nil {
			return err
		}
		return s.out.Answer(ctx, s.CallbackID, "")
	}
	if p.Conflicts > 0 && !replace {
		return s.out.Answer(ctx, s.CallbackID, s.t("ReadBackContradictionShort"))
	}
	via := ""
	if len(p.Reports) > 0 {
		via = p.Reports[0].Via
	}
	changes, err := s.confirmStore().Confirm(ctx, s.Plan.ID, id, s.UserID, s.UserName, s.now(), via, s.mayConfirm)
	for try := 0; errors.Is(err, store.ErrStale) && try < staleRetries; try++ {
		// The unit's figures changed since the check: check again on what
		// is stored now; a contradiction the user was not shown is asked.
		if p.Basis, err = s.basis(ctx, p.Reports); err != nil {
			return err
		}
		var all map[string][]kpi.Report
		if all, err = s.confirmStore().AllReports(ctx, s.Plan.ID, indicatorsOf(p.Reports)); err != nil {
			return err
		}
		before := p.Conflicts
		conflicts := s.checkSeries(&p, all)
		if err := s.confirmStore().UpdatePending(ctx, p, PendingTTL); err != nil {
			return err
		}
		if len(conflicts) > before || (before == 0 && len(conflicts) > 0) {
			text := s.readBack(p, "ReadBackTitle") + "\n\n" + strings.Join(conflicts, "\n") + "\n" + s.t("ReadBackContradiction")
			if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, [][]Button{s.replaceButtons(id)}); err != nil {
				return err
			}
			return s.out.Answer(ctx, s.CallbackID, s.t("ReadBackContradictionShort"))
		}
		changes, err = s.confirmStore().Confirm(ctx, s.Plan.ID, id, s.UserID, s.UserName, s.now(), via, s.mayConfirm)
	}
	var refused *kpi.Error
	switch {
	case errors.Is(err, store.ErrExpired):
		return s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	case errors.Is(err, store.ErrPlanChanged):
		return s.planChanged(ctx, id, p)
	case errors.As(err, &refused):
		return s.refuseConfirm(ctx, id, err)
	case err != nil:
		return err
	}
	if s.App.Confirmed != nil {
		s.App.Confirmed(len(changes))
	}
	if p.Awaiting { // approval.go: the figures wait for an editor
		return s.submitted(ctx, p, changes)
	}
	lines := []string{s.t("Recorded")}
	for _, c := range changes {
		if c.New == nil { // removed: the new figures replace it (checkSeries)
			if c.Old != nil {
				lines = append(lines, s.t("RecordedRemoved", "Line", locales.HTML(s.reportLine(*c.Old, nil))))
			}
			continue
		}
		lines = append(lines, s.reportLine(*c.New, c.Old))
	}
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, strings.Join(lines, "\n"), nil); err != nil {
		// Stored already: say so in a new message rather than fail.
		if _, serr := s.out.Send(ctx, s.ChatID, strings.Join(lines, "\n"), nil); serr != nil {
			return serr
		}
	}
	return s.out.Answer(ctx, s.CallbackID, s.t("RecordedShort"))
}

// planChanged answers a Xác nhận on a read-back whose plan was replaced
// since (an admin loaded a new plan of that year): nothing was stored. If
// the new plan still has every indicator and unit of the figures, and the
// reporter's own unit, they are read back again under it, for the reporter
// to check and confirm; otherwise the read-back says what the new plan no
// longer has, and the submission is dropped.
func (s *session) planChanged(ctx context.Context, id string, p store.Pending) error {
	var gone []string
	seen := map[string]bool{}
	add := func(what string) {
		if !seen[what] {
			seen[what] = true
			gone = append(gone, what)
		}
	}
	for _, r := range p.Reports {
		if s.Plan.Indicator(r.Indicator) == nil {
			add(s.t("PlanChangedIndicator", "ID", r.Indicator))
		}
		if r.Unit != "" && s.Plan.Unit(r.Unit) == nil {
			add(s.t("PlanChangedUnit", "ID", r.Unit))
		}
	}
	var own *kpi.Unit
	if s.user.Role == access.Reporter {
		if own = s.Plan.Unit(s.user.Unit); own == nil {
			add(s.t("PlanChangedUnit", "ID", s.user.Unit))
		}
	}
	if len(gone) > 0 {
		return s.refuseConfirm(ctx, id, kpi.Fail("ErrPlanChangedGone", "year", strconv.Itoa(s.Plan.Year), "what", strings.Join(gone, ", ")))
	}
	if err := s.confirmStore().DropPending(ctx, id); err != nil {
		return err
	}
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, s.t("PlanChangedReadAgain", "Year", s.Plan.Year), nil); err != nil {
		s.Log.Warn("plan changed: edit read-back", "err", err, "chat_id", s.ChatID)
	}
	if err := s.out.Answer(ctx, s.CallbackID, s.t("NotRecordedShort")); err != nil {
		return err
	}
	reports := make([]kpi.Report, len(p.Reports))
	for i, r := range p.Reports {
		r.By, r.ByName, r.At, r.Via = 0, "", time.Time{}, ""
		reports[i] = r
	}
	return s.propose(ctx, reports, p.Skipped, own, "ReadBackTitle")
}

// staleRetries bounds the checks again of one press whose unit's figures
// keep changing under it (store.ErrStale).
const staleRetries = 8

// basis fingerprints, for each (indicator, unit) of the cumulative figures
// of rs, the unit's stored figures: what the contradiction check reads.
func (s *session) basis(ctx context.Context, rs []kpi.Report) ([]store.Basis, error) {
	seen := map[string]bool{}
	var want []store.Basis
	for _, r := range rs {
		ind := s.Plan.Indicator(r.Indicator)
		if ind == nil || ind.Kind != kpi.Cumulative || r.Item != "" || seen[r.Indicator+"|"+r.Unit] {
			continue
		}
		seen[r.Indicator+"|"+r.Unit] = true
		want = append(want, store.Basis{Indicator: r.Indicator, Unit: r.Unit})
	}
	return s.confirmStore().UnitBases(ctx, s.Plan.ID, want)
}

// indicatorsOf lists the indicators of rs, once each.
func indicatorsOf(rs []kpi.Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if !seen[r.Indicator] {
			seen[r.Indicator] = true
			out = append(out, r.Indicator)
		}
	}
	return out
}

// refuseConfirm answers a Xác nhận its presser may no longer make (err is
// the *kpi.Error of the rights check): nothing was stored, the read-back
// says why and loses its buttons, and the submission is dropped.
func (s *session) refuseConfirm(ctx context.Context, id string, err error) error {
	var ke *kpi.Error
	if !errors.As(err, &ke) {
		return err
	}
	if err := s.confirmStore().DropPending(ctx, id); err != nil {
		return err
	}
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, s.refusal(ke), nil); err != nil {
		if _, serr := s.out.Send(ctx, s.ChatID, s.refusal(ke), nil); serr != nil {
			return serr
		}
	}
	return s.out.Answer(ctx, s.CallbackID, s.t("NotRecordedShort"))
}

// cancel drops a pending submission.
func (s *session) cancel(ctx context.Context, id string) error {
	if _, ok, err := s.ownPending(ctx, id); !ok {
		return err
	}
	if err := s.confirmStore().DropPending(ctx, id); err != nil {
		return err
	}
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, s.t("Cancelled"), nil); err != nil {
		return err
	}
	return s.out.Answer(ctx, s.CallbackID, "")
}

// ownPending loads the pending submission a button is for. ok is false when
// the press is answered already: the submission is gone (recorded, cancelled,
// expired) or belongs to someone else (a group); err is set only when Redis
// fails.
func (s *session) ownPending(ctx context.Context, id string) (p store.Pending, ok bool, err error) {
	p, err = s.confirmStore().Pending(ctx, id)
	switch {
	case errors.Is(err, store.ErrExpired):
		return p, false, s.out.Answer(ctx, s.CallbackID, s.t("PendingGone"))
	case err != nil:
		return p, false, err
	case p.UserID != s.UserID:
		return p, false, s.out.Answer(ctx, s.CallbackID, s.t("NotYours"))
	}
	return p, true, nil
}
