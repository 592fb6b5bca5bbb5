package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// Approval, where the plan asks for it (design §2): a reporter's confirmed
// figures for an indicator that needs approval wait in the store's awaiting
// hash. Every editor and admin gets one message per submission with Duyệt /
// Trả lại buttons; Duyệt makes every figure of it that still awaits unchanged
// official, Trả lại asks the editor for a reason (their next message) and
// drops them. Either way the reporter is told, and the other approvers'
// copies are edited so their buttons go. Editors' and admins' own figures
// count at once: they are the approvers.
//
// Progress shows the official figures as before and, marked, those awaiting:
// kpi.Compute stays pure and is simply run a second time on the official
// reports with the awaiting ones put in their slots (what the total would be
// once approved), and the awaiting figures are listed.

// ApprovalTTL is how long the editors' buttons work. Figures that wait longer
// stay awaiting (and shown as such) but can no longer be approved from that
// message.
const ApprovalTTL = 90 * 24 * time.Hour

// ReasonTTL is how long the bot takes an editor's next message as the reason
// for the Trả lại they pressed.
const ReasonTTL = 30 * time.Minute

// maxAwaitingLines bounds the awaiting figures listed under a progress answer.
const maxAwaitingLines = 10

// needsApproval reports whether a submission of reports by the session's user
// waits for an editor: a reporter's, when any of its indicators needs
// approval. The whole submission then waits, so one confirmation stays one
// decision.
func (s *session) needsApproval(reports []kpi.Report) bool {
	return s.needsApprovalBy(s.user, reports)
}

// needsApprovalBy is needsApproval for the submission of reports by u.
func (s *session) needsApprovalBy(u access.User, reports []kpi.Report) bool {
	if u.Role != access.Reporter {
		return false
	}
	for _, r := range reports {
		if ind := s.Plan.Indicator(r.Indicator); ind != nil && ind.NeedsApproval(s.Plan) {
			return true
		}
	}
	return false
}

// in returns a copy of the session that speaks lang, to write to another
// person (an editor, the reporter) in their language.
func (s *session) in(lang string) *session {
	c := *s
	c.lang = langOr(lang)
	return &c
}

// submitted finishes the confirmation of a submission that now awaits
// approval: the reporter's read-back says so, and the approvers are asked.
func (s *session) submitted(ctx context.Context, p store.Pending, changes []store.Change) error {
	lines := []string{s.t("RecordedAwaiting")}
	for i, c := range changes {
		var old *kpi.Report
		if i < len(p.Old) {
			old = p.Old[i]
		}
		lines = append(lines, s.reportLine(*c.New, old))
	}
	lines = append(lines, s.t("RecordedAwaitingNote"))
	text := strings.Join(lines, "\n")
	if err := s.out.Edit(ctx, s.ChatID, s.MessageID, text, nil); err != nil {
		if _, serr := s.out.Send(ctx, s.ChatID, text, nil); serr != nil {
			return serr
		}
	}
	if err := s.out.Answer(ctx, s.CallbackID, s.t("RecordedAwaitingShort")); err != nil {
		return err
	}
	// The figures are stored and the reporter told: a failure to ask the
	// approvers is logged, not shown to the reporter as if nothing happened.
	if err := s.askApprovers(ctx, changes); err != nil {
		s.Log.Error("ask approvers", "err", err, "user_id", s.UserID, "update_id", s.UpdateID)
	}
	return nil
}

// askApprovers sends every editor and admin who has not blocked the bot the
// submission, official old → new, with Duyệt / Trả lại.
func (s *session) askApprovers(ctx context.Context, changes []store.Change) error {
	if len(changes) == 0 {
		return nil
	}
	reports := make([]kpi.Report, len(changes))
	inds := map[string]bool{}
	for i, c := range changes {
		reports[i] = *c.New
		inds[c.Indicator] = true
	}
	id, err := s.approverStore().PutApproval(ctx, store.Approval{
		Reporter: s.UserID, ReporterName: s.UserName, Lang: s.lang, Reports: reports, Created: s.now(),
	}, ApprovalTTL)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(inds))
	for ind := range inds {
		ids = append(ids, ind)
	}
	official, err := s.approverStore().AllReports(ctx, s.Plan.ID, ids)
	if err != nil {
		return err
	}
	users, err := s.approverStore().Users(ctx)
	if err != nil {
		return err
	}
	var sent []store.SentMessage
	for _, u := range users {
		if u.Blocked || (u.Role != access.Editor && u.Role != access.Admin) || u.ID == s.UserID {
			continue
		}
		as := s.in(u.Lang)
		lines := []string{as.t("ApprovalRequest", "Who", s.reporterName(s.UserName, s.UserID),
			"Unit", s.unitShort(reports[0].Unit), "At", s.now().Format(as.t("LayoutDateTime")))}
		for _, r := range reports {
			lines = append(lines, as.reportLine(r, findSlot(official[r.Indicator], r.Slot())))
		}
		lines = append(lines, as.t("ApprovalAsk"))
		mid, err := s.out.Send(ctx, u.ID, strings.Join(lines, "\n"), [][]Button{{
			{Text: as.t("ButtonApprove"), Data: Action{Kind: cbApprove, ID: id}.String()},
			{Text: as.t("ButtonReturn"), Data: Action{Kind: cbReturn, ID: id}.String()},
		}})
		if err != nil {
			// One approver out of reach (blocked the bot) must not keep
			// the others from being asked.
			s.Log.Warn("ask approver", "err", err, "chat_id", u.ID)
			continue
		}
		sent = append(sent, store.SentMessage{ChatID: u.ID, MessageID: mid})
	}
	if len(sent) == 0 {
		s.Log.Warn("no approver could be asked", "user_id", s.UserID)
		return nil
	}
	return s.approverStore().SetApprovalMessages(ctx, id, sent)
}

func (s *session) reporterName(name string, id int64) string {
	if name != "" {
		return name
	}
	return "#" + itoa(id)
}

// stillAwaiting returns the reports of a that still await exactly as the
// editors were shown them: a figure approved, returned, withdrawn or replaced
// by a newer submission since is left out, so an old message can never
// approve a value its reader did not see.
func (s *session) stillAwaiting(ctx context.Context, a store.Approval) ([]kpi.Report, error) {
	byInd := map[string][]kpi.Report{}
	var out []kpi.Report
	for _, r := range a.Reports {
		aw, ok := byInd[r.Indicator]
		if !ok {
			var err error
			if aw, err = s.decisionStore().Awaiting(ctx, s.Plan.ID, r.Indicator); err != nil {
				return nil, err
			}
			byInd[r.Indicator] = aw
		}
		cur := findSlot(aw, r.Slot())
		if cur != nil && cur.Value == r.Value && cur.By == r.By && cur.At.Equal(r.At) && cur.Date.Equal(r.Date) && cur.Item == r.Item {
			out = append(out, r)
		}
	}
	return out, nil
}

// approvalFor loads the approval a button names, for an editor or admin. ok is
// false when the press has been answered already (not allowed, or gone).
func (s *session) approvalFor(ctx context.Context, id string) (a store.Approval, ok bool, err error) {
	if !s.user.Role.AtLeast(access.Editor) {
		return a, false, s.out.Answer(ctx, s.CallbackID, s.t("NotApprover"))
	}
	a, err = s.decisionStore().Approval(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return a, false, s.out.Answer(ctx, s.CallbackID, s.t("ApprovalHandled"))
	}
	if err == nil {
		err = s.approvalYear(ctx, a)
	}
	return a, err == nil, err
}

// approvalYear makes the request's plan the plan of the approval's figures
// (a figure of last year's plan awaiting in January), where one is kept.
func (s *session) approvalYear(ctx context.Context, a store.Approval) error {
	if len(a.Reports) == 0 || a.Reports[0].Item != "" {
		return nil
	}
	_, err := s.switchYear(ctx, a.Reports[0].Period.Year)
	return err
}

// approve is the Duyệt button.
func (s *session) approve(ctx context.Context, id string) error {
	a, ok, err := s.approvalFor(ctx, id)
	if !ok {
		return err
	}
	todo, err := s.stillAwaiting(ctx, a)
	if err != nil {
		return err
	}
	var done []store.Change
	for _, r := range todo {
		c, err := s.decisionStore().Approve(ctx, s.Plan.ID, r.Indicator, r.Slot(), &r, s.UserID, s.UserName, s.now(), s.mayApprove)
		if errors.Is(err, store.ErrNotFound) {
			continue // another editor was faster
		} else if err != nil {
			return err
		}
		done = append(done, c)
	}
	if len(done) == 0 {
		return s.out.Answer(ctx, s.CallbackID, s.t("ApprovalHandled"))
	}
	s.closeApproval(ctx, a, "ApprovedBy", done, "")
	// A reporter removed since they submitted: the figures still count (the
	// approver has the right, and they were confirmed by a reporter then);
	// the approver is told, and the former reporter is not written to.
	if _, err := s.decisionStore().User(ctx, a.Reporter); errors.Is(err, store.ErrNotFound) {
		return s.out.Answer(ctx, s.CallbackID, s.t("ApprovedReporterGone", "Who", s.reporterName(a.ReporterName, a.Reporter)))
	} else if err != nil {
		s.Log.Warn("approve: read reporter", "err", err, "user_id", a.Reporter)
	}
	rs := s.in(s.reporterLang(ctx, a))
	lines := []string{rs.t("ApprovedReporter", "By", s.reporterName(s.UserName, s.UserID))}
	for _, c := range done {
		lines = append(lines, rs.reportLine(*c.New, c.Old))
	}
	if _, err := s.out.Send(ctx, a.Reporter, strings.Join(lines, "\n"), nil); err != nil {
		s.Log.Warn("tell reporter: approved", "err", err, "chat_id", a.Reporter)
	}
	return s.out.Answer(ctx, s.CallbackID, s.t("ApprovedShort"))
}

// askReason is the Trả lại button: the editor's next message is the reason.
func (s *session) askReason(ctx context.Context, id string) error {
	a, ok, err := s.approvalFor(ctx, id)
	if !ok {
		return err
	}
	todo, err := s.stillAwaiting(ctx, a)
	if err != nil {
		return err
	}
	if len(todo) == 0 {
		return s.out.Answer(ctx, s.CallbackID, s.t("ApprovalHandled"))
	}
	if err := s.decisionStore().ExpectReason(ctx, s.UserID, id, ReasonTTL); err != nil {
		return err
	}
	if err := s.out.Answer(ctx, s.CallbackID, ""); err != nil {
		return err
	}
	return s.reply(ctx, s.t("ReturnAskReason",
		"Who", s.reporterName(a.ReporterName, a.Reporter), "Unit", s.unitShort(todo[0].Unit),
		"Minutes", int(ReasonTTL.Minutes())))
}

// returnReason takes an editor's message as the reason for the Trả lại they
// pressed, if they did: the figures are returned and the reporter told. ok is
// false when no reason was expected (the message is then handled as usual).
func (s *session) returnReason(ctx context.Context, text string) (ok bool, err error) {
	if s.IsGroup() || !s.user.Role.AtLeast(access.Editor) {
		return false, nil
	}
	id, err := s.decisionStore().TakeReason(ctx, s.UserID)
	if err != nil || id == "" {
		return false, err
	}
	a, err := s.decisionStore().Approval(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return true, s.reply(ctx, s.t("ApprovalHandled"))
	} else if err != nil {
		return true, err
	}
	if err := s.approvalYear(ctx, a); err != nil {
		return true, err
	}
	todo, err := s.stillAwaiting(ctx, a)
	if err != nil {
		return true, err
	}
	var done []store.Change
	for _, r := range todo {
		c, err := s.decisionStore().Return(ctx, s.Plan.ID, r.Indicator, r.Slot(), s.UserID, s.UserName, text, s.now(), s.mayApprove)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return true, err
		}
		done = append(done, c)
	}
	if len(done) == 0 {
		return true, s.reply(ctx, s.t("ApprovalHandled"))
	}
	s.closeApproval(ctx, a, "ReturnedBy", done, text)
	rs := s.in(s.reporterLang(ctx, a))
	lines := []string{rs.t("ReturnedReporter", "By", s.reporterName(s.UserName, s.UserID))}
	for _, c := range done {
		lines = append(lines, rs.reportLine(*c.Old, nil))
	}
	first := *done[0].Old
	period := ""
	if first.Period.Valid() {
		period = first.Period.Label(rs.lang)
	}
	name := ""
	if ind := s.Plan.Indicator(first.Indicator); ind != nil {
		name = ind.Name(rs.lang)
	}
	lines = append(lines, rs.t("ReturnReasonLine", "Reason", text), rs.t("ReturnedHint", "Name", name, "Period", period))
	if _, err := s.out.Send(ctx, a.Reporter, strings.Join(lines, "\n"), nil); err != nil {
		s.Log.Warn("tell reporter: returned", "err", err, "chat_id", a.Reporter)
	}
	return true, s.reply(ctx, s.t("ReturnDone", "Who", s.reporterName(a.ReporterName, a.Reporter)))
}

// reporterLang is the reporter's language now, else when they submitted.
func (s *session) reporterLang(ctx context.Context, a store.Approval) string {
	if u, err := s.decisionStore().User(ctx, a.Reporter); err == nil && u.Lang != "" {
		return u.Lang
	}
	return a.Lang
}

// closeApproval edits every approver's copy of a to say who decided what,
// without buttons, each in its reader's language. Failures are logged: the
// decision is stored, and a stale button only answers "already handled".
func (s *session) closeApproval(ctx context.Context, a store.Approval, titleID string, done []store.Change, reason string) {
	langs := map[int64]string{}
	if users, err := s.decisionStore().Users(ctx); err == nil {
		for _, u := range users {
			langs[u.ID] = u.Lang
		}
	}
	msgs := a.Messages
	if s.CallbackID != "" && !containsMessage(msgs, s.ChatID, s.MessageID) {
		msgs = append(msgs, store.SentMessage{ChatID: s.ChatID, MessageID: s.MessageID})
	}
	for _, m := range msgs {
		as := s.in(langs[m.ChatID])
		lines := []string{as.t(titleID,
			"By", s.reporterName(s.UserName, s.UserID), "At", s.now().Format(as.t("LayoutDateTime")),
			"Who", s.reporterName(a.ReporterName, a.Reporter), "Unit", s.unitShort(done[0].Unit))}
		for _, c := range done {
			if c.Action == store.ActionApprove {
				lines = append(lines, as.reportLine(*c.New, c.Old))
			} else {
				lines = append(lines, as.reportLine(*c.Old, nil))
			}
		}
		if reason != "" {
			lines = append(lines, as.t("ReturnReasonLine", "Reason", reason))
		}
		if err := s.out.Edit(ctx, m.ChatID, m.MessageID, strings.Join(lines, "\n"), nil); err != nil {
			s.Log.Warn("close approval message", "err", err, "chat_id", m.ChatID)
		}
	}
}

func containsMessage(ms []store.SentMessage, chatID int64, messageID int) bool {
	for _, m := range ms {
		if m.ChatID == chatID && m.MessageID == messageID {
			return true
		}
	}
	return false
}

// withAwaiting returns the official reports with the awaiting ones in their
// slots: what counts once they are approved.
func withAwaiting(official, awaiting []kpi.Report) []kpi.Report {
	out := make([]kpi.Report, 0, len(official)+len(awaiting))
	replaced := map[string]bool{}
	for _, r := range awaiting {
		replaced[r.Slot()] = true
	}
	for _, r := range official {
		if !replaced[r.Slot()] {
			out = append(out, r)
		}
	}
	return append(out, awaiting...)
}

// awaitingProgress is what a progress answer adds for the figures awaiting
// approval within the question's unit and period: for a cumulative indicator
// the total once they are approved, then each figure. It is "" when none
// await.
func (s *session) awaitingProgress(q kpi.Question, official, aw []kpi.Report, f kpi.Filter) string {
	if len(aw) == 0 {
		return ""
	}
	var shown []kpi.Report
	for _, r := range aw {
		if q.Unit != nil && r.Unit != q.Unit.ID {
			continue
		}
		if !q.Period.IsZero() && r.Period.Valid() && (r.Period.To < q.Period.From || r.Period.From > q.Period.To) {
			continue
		}
		shown = append(shown, r)
	}
	if len(shown) == 0 {
		return ""
	}
	ind := q.Indicator
	var lines []string
	if ind.Kind == kpi.Cumulative {
		p := kpi.Compute(s.Plan, ind, withAwaiting(official, aw), f, s.now())
		if p.Overflow {
			return s.t("SummaryOverflow")
		}
		lines = append(lines, s.n("ProgressAwaitingTotal", len(shown),
			"Total", ind.FormatAmount(p.Total, s.lang), "Percent", kpi.FormatPercent(p.Percent, 1, s.lang)))
	} else {
		lines = append(lines, s.n("ProgressAwaiting", len(shown)))
	}
	for i, r := range shown {
		if i == maxAwaitingLines {
			lines = append(lines, "…")
			break
		}
		period := r.Period.Label(s.lang)
		if ind.Kind == kpi.Count || ind.Kind == kpi.Milestone {
			period = s.date(r.Date)
		}
		lines = append(lines, s.t("AwaitingLine", "Unit", s.unitShort(r.Unit), "Period", period,
			"Value", s.value(ind, r), "By", s.reporterName(r.ByName, r.By)))
	}
	return strings.Join(lines, "\n")
}

// awaitingSummary is the overview's mark for an indicator with figures
// awaiting approval: how many, and for a cumulative one the total once
// approved.
func (a *App) awaitingSummary(lang string, ind *kpi.Indicator, official, awaiting []kpi.Report, now time.Time) string {
	if ind.Kind == kpi.Cumulative {
		p := kpi.Compute(a.Plan, ind, withAwaiting(official, awaiting), kpi.Filter{}, now)
		if p.Overflow {
			return a.Cat.T(lang, "SummaryOverflow")
		}
		return a.Cat.N(lang, "SummaryAwaitingTotal", len(awaiting), "Total", ind.FormatAmount(p.Total, lang))
	}
	return a.Cat.N(lang, "SummaryAwaiting", len(awaiting))
}

// maxPendingGroups bounds the submissions /choduyet lists, one message each.
const maxPendingGroups = 10

// awaitingList answers /choduyet (/pending): the figures awaiting approval,
// one message per submission (who, when), each with Duyệt / Trả lại. A
// submission is the figures one reporter confirmed together (same At).
func (s *session) awaitingList(ctx context.Context, _ string) error {
	figs, err := s.awaitingStore().Figures(ctx, s.Plan.ID, allIndicators(s.Plan))
	if err != nil {
		return err
	}
	type key struct {
		by int64
		at time.Time
	}
	groups := map[key][]kpi.Report{}
	var order []key
	for i := range s.Plan.Indicators {
		for _, r := range figs.Awaiting[s.Plan.Indicators[i].ID] {
			k := key{r.By, r.At.UTC()}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], r)
		}
	}
	if len(order) == 0 {
		return s.reply(ctx, s.t("AwaitingNone"))
	}
	// Oldest first: they have waited longest.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && order[j].at.Before(order[j-1].at); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	if err := s.reply(ctx, s.n("AwaitingTitle", len(order), "Shown", min(len(order), maxPendingGroups))); err != nil {
		return err
	}
	for _, k := range order[:min(len(order), maxPendingGroups)] {
		reports := groups[k]
		name := reports[0].ByName
		// One record per submission, whatever the number of listings.
		id, err := s.awaitingStore().PutSubmissionApproval(ctx, s.Plan.ID, store.Approval{Reporter: k.by, ReporterName: name, Lang: s.lang, Reports: reports, Created: k.at}, ApprovalTTL)
		if err != nil {
			return err
		}
		lines := []string{s.t("ApprovalRequest", "Who", s.reporterName(name, k.by), "Unit", s.unitShort(reports[0].Unit),
			"At", k.at.In(s.Loc).Format(s.t("LayoutDateTime")))}
		for _, r := range reports {
			lines = append(lines, s.reportLine(r, findSlot(figs.Official[r.Indicator], r.Slot())))
		}
		lines = append(lines, s.t("ApprovalAsk"))
		mid, err := s.out.Send(ctx, s.ChatID, strings.Join(lines, "\n"), [][]Button{{
			{Text: s.t("ButtonApprove"), Data: Action{Kind: cbApprove, ID: id}.String()},
			{Text: s.t("ButtonReturn"), Data: Action{Kind: cbReturn, ID: id}.String()},
		}})
		if err != nil {
			return err
		}
		if err := s.awaitingStore().AddApprovalMessages(ctx, id, []store.SentMessage{{ChatID: s.ChatID, MessageID: mid}}); err != nil {
			return err
		}
	}
	return nil
}
