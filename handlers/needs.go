package handlers

import (
	"context"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
)

// What each use case needs from storage, declared here where it is used.
// The Redis store implements them all (the assertions below); a test gives
// a use case a fake instead (App.needs), so its decisions are tested
// without Redis. Read these to see what a use case touches.

// figureReader is what answering a question reads (query.go, compare.go),
// and what the files made of the figures read (/baocao, /bieudo in
// files.go, /vanban in document.go): a plan's figures, official and
// awaiting approval. The plans themselves come from PlanSource, and answers
// are kept per data version in memory (answers.go), so a question asked
// again reads nothing.
type figureReader interface {
	// Figures returns the figures of indicators in the plan planID.
	Figures(ctx context.Context, planID string, indicators []string) (store.Figures, error)
}

// confirmStore is what a submission touches from its read-back to its
// confirmation (update.go): the submission held while the user decides,
// the stored figures it is checked against (contradictions, outliers), and
// the one atomic step that stores it, where the rights are checked again.
type confirmStore interface {
	PutPending(ctx context.Context, p store.Pending, ttl time.Duration) (id string, err error)
	Pending(ctx context.Context, id string) (store.Pending, error)
	UpdatePending(ctx context.Context, p store.Pending, ttl time.Duration) error
	DropPending(ctx context.Context, id string) error
	// AllReports returns the stored reports of indicators, by indicator.
	AllReports(ctx context.Context, planID string, indicators []string) (map[string][]kpi.Report, error)
	// UnitBases returns the fingerprints of units' stored figures that the
	// contradiction check reads, which Confirm checks again (ErrStale).
	UnitBases(ctx context.Context, planID string, want []store.Basis) ([]store.Basis, error)
	// Confirm stores the pending submission if allow lets the user, as
	// read in the same step, confirm it.
	Confirm(ctx context.Context, planID, pendingID string, by int64, byName string, at time.Time, via string, allow func(access.User, store.Pending) error) ([]store.Change, error)
}

// approverStore is what asking the approvers after a reporter's
// confirmation touches (approval.go): the approval held for their buttons,
// the official figures shown beside the new ones, and the users asked.
type approverStore interface {
	PutApproval(ctx context.Context, a store.Approval, ttl time.Duration) (string, error)
	AllReports(ctx context.Context, planID string, indicators []string) (map[string][]kpi.Report, error)
	// Users lists the known users: the editors and admins are asked.
	Users(ctx context.Context) ([]access.User, error)
	// SetApprovalMessages keeps the messages asked, to edit them once decided.
	SetApprovalMessages(ctx context.Context, id string, msgs []store.SentMessage) error
}

// deadlineStore is what /hanchot and the reminders' buttons touch
// (deadlines.go).
type deadlineStore interface {
	AddDeadline(ctx context.Context, d remind.Deadline) (_ remind.Deadline, repeat bool, err error)
	Deadline(ctx context.Context, id string) (remind.Deadline, error)
	Deadlines(ctx context.Context) ([]remind.Deadline, error)
	RemoveDeadline(ctx context.Context, id string) (remind.Deadline, error)
	MarkDoneAs(ctx context.Context, id string, assigneeKeys []string, at time.Time, by int64, allow func(access.User) error) error
	// Reported reports whether unit has a figure of indicator for period.
	Reported(ctx context.Context, planID, unit, indicator, period string) (bool, error)
	// Users lists the known users: a deadline's assignees must be.
	Users(ctx context.Context) ([]access.User, error)
	SetLeadersChat(ctx context.Context, chatID int64) error
	// SetExpect holds what the user's next bare figure is for ("report now").
	SetExpect(ctx context.Context, userID int64, what string, ttl time.Duration) error
	// Once returns the value the update's first call stored under what.
	Once(ctx context.Context, what, value string) (string, error)
}

// callerStore is what every request touches before its use case runs
// (router.go, start.go): the caller's record and language (unless the
// update's claim read them), the record made for a TIENDO_ADMINS admin or
// refreshed with a new name, the presses allowed per minute, the one
// notice a stranger gets, and /ngonngu's choice.
type callerStore interface {
	User(ctx context.Context, id int64) (access.User, error)
	Lang(ctx context.Context, userID int64) (string, error)
	CreateUser(ctx context.Context, u access.User) (created bool, err error)
	// EditUser changes the record as it is at the write; edit reports
	// whether it changed anything.
	EditUser(ctx context.Context, id int64, edit func(u *access.User) bool) (access.User, error)
	// Allow reports whether the user may press once more within window.
	Allow(ctx context.Context, userID int64, limit int, window time.Duration) (bool, error)
	// NoticeOnce reports whether a stranger is to be told their id now.
	NoticeOnce(ctx context.Context, userID int64, quiet time.Duration) (bool, error)
	SetLang(ctx context.Context, userID int64, lang string) error
}

// choiceStore is what the buttons that rerun a text touch (router.go,
// ask.go, scope.go): the text a "did you mean" button stands for, taken
// once by the user it was offered to, and what a bare figure after
// "report now" is for.
type choiceStore interface {
	PutChoice(ctx context.Context, userID int64, text string, ttl time.Duration) (string, error)
	// TakeChoice returns the text once, to userID only.
	TakeChoice(ctx context.Context, id string, userID int64) (string, error)
	// TakeExpect returns, once, what the user's next bare figure is for.
	TakeExpect(ctx context.Context, userID int64) (string, error)
}

// historyReader is what /lichsu reads (history.go): the latest changes of
// an indicator, of one unit or all.
type historyReader interface {
	History(ctx context.Context, planID, indicator string, unit string, n int) ([]store.Change, error)
}

// undoStore is what /hoantac touches (history.go): the user's last changes
// confirmed together within the window, the change a button names (to
// check whose it is), and the one atomic step that reverts a change if it
// is still the user's last one and allow lets them, as read in that step.
type undoStore interface {
	NextUndoBatch(ctx context.Context, planID string, userID int64, window time.Duration, now time.Time) ([]store.Change, error)
	ChangeByID(ctx context.Context, planID, id string) (store.Change, error)
	UndoIf(ctx context.Context, planID string, userID int64, expect string, window time.Duration, now time.Time, byName string, allow func(access.User, store.Change) error) (store.Change, error)
}

// planDraftStore is what loading a plan file touches (plans.go): the file
// held while the admin decides, and the step that makes it its year's plan
// (ErrNotYours for another admin's draft). The plans kept are read through
// PlanSource.
type planDraftStore interface {
	PutPlanDraft(ctx context.Context, rec store.PlanRecord, ttl time.Duration) (string, error)
	ConfirmPlanDraft(ctx context.Context, id string, by int64, at time.Time) (rec store.PlanRecord, plan *kpi.Plan, repeat bool, err error)
	DropPlanDraft(ctx context.Context, id string, by int64) error
}

// userLister lists the known users: GiveUp tells the admins among them.
type userLister interface {
	Users(ctx context.Context) ([]access.User, error)
}

// userReader reads one user: naming a deadline's or reminder's assignee.
type userReader interface {
	User(ctx context.Context, id int64) (access.User, error)
}

// userStore is what /nguoidung touches (users.go): the users, and the
// atomic steps that set a role and remove a user, keeping the last admin.
type userStore interface {
	userLister
	SetRole(ctx context.Context, id int64, role access.Role, unit string, mustExist bool, by int64, at time.Time) (existed bool, err error)
	DeleteUser(ctx context.Context, id int64) error
}

// inviteStore is what /moi and the invite link's /start touch (invite.go):
// the invite, taken once, and the user it makes unless one exists.
type inviteStore interface {
	PutInvite(ctx context.Context, inv store.Invite, ttl time.Duration) (string, error)
	// TakeInvite returns the invite once (ErrExpired after).
	TakeInvite(ctx context.Context, code string) (store.Invite, error)
	CreateUser(ctx context.Context, u access.User) (created bool, err error)
	userReader
}

// linkStore is what /lienket touches (link.go): the one-time code that
// links a Zalo account to an existing user, and that user.
type linkStore interface {
	PutZaloLink(ctx context.Context, userID int64, ttl time.Duration) (string, error)
	// TakeZaloLink links zaloUser to the code's user, once, and returns
	// that user's id.
	TakeZaloLink(ctx context.Context, code string, zaloUser int64) (int64, error)
	userReader
}

// decisionStore is what Duyệt and Trả lại touch (approval.go): the
// approval a button names, the figures still awaiting as shown, the atomic
// steps that approve or return one (the approver's rights read in the
// step), the reason asked for, and the reporter and approvers told.
type decisionStore interface {
	Approval(ctx context.Context, id string) (store.Approval, error)
	Awaiting(ctx context.Context, planID, indicator string) ([]kpi.Report, error)
	Approve(ctx context.Context, planID, indicator, slot string, expect *kpi.Report, by int64, byName string, at time.Time, allow func(access.User) error) (store.Change, error)
	Return(ctx context.Context, planID, indicator, slot string, by int64, byName, reason string, at time.Time, allow func(access.User) error) (store.Change, error)
	ExpectReason(ctx context.Context, userID int64, approvalID string, ttl time.Duration) error
	// TakeReason returns, once, the approval the user's next message is
	// the reason of ("" when none).
	TakeReason(ctx context.Context, userID int64) (string, error)
	userReader
	userLister
}

// awaitingStore is what /choduyet touches (approval.go): the figures
// awaiting, one approval per submission however often it is listed, and
// the messages listed, to edit once decided.
type awaitingStore interface {
	figureReader
	PutSubmissionApproval(ctx context.Context, planID string, a store.Approval, ttl time.Duration) (string, error)
	AddApprovalMessages(ctx context.Context, id string, msgs []store.SentMessage) error
}

// notifyStore is what sending the reminders' decisions touches (notify.go):
// the recipients, the flag set on a user who blocked the bot, the leaders'
// group, and the figures of the weekly digest.
type notifyStore interface {
	userReader
	userLister
	EditUser(ctx context.Context, id int64, edit func(u *access.User) bool) (access.User, error)
	LeadersChat(ctx context.Context) (int64, error)
	AllReports(ctx context.Context, planID string, indicators []string) (map[string][]kpi.Report, error)
}

var (
	_ figureReader   = (*store.Store)(nil)
	_ confirmStore   = (*store.Store)(nil)
	_ approverStore  = (*store.Store)(nil)
	_ deadlineStore  = (*store.Store)(nil)
	_ callerStore    = (*store.Store)(nil)
	_ choiceStore    = (*store.Store)(nil)
	_ historyReader  = (*store.Store)(nil)
	_ undoStore      = (*store.Store)(nil)
	_ planDraftStore = (*store.Store)(nil)
	_ userLister     = (*store.Store)(nil)
	_ userReader     = (*store.Store)(nil)
	_ userStore      = (*store.Store)(nil)
	_ inviteStore    = (*store.Store)(nil)
	_ linkStore      = (*store.Store)(nil)
	_ decisionStore  = (*store.Store)(nil)
	_ awaitingStore  = (*store.Store)(nil)
	_ notifyStore    = (*store.Store)(nil)
)

// needs are fakes a test puts in place of App.Store for one use case; nil
// ones are App.Store. App.Store is read nowhere else: a use case reaches
// storage only through its accessor below.
type needs struct {
	figures   figureReader
	confirm   confirmStore
	approvers approverStore
	deadlines deadlineStore
	caller    callerStore
	choices   choiceStore
	history   historyReader
	undo      undoStore
	planDraft planDraftStore
	lister    userLister
	reader    userReader
	users     userStore
	invites   inviteStore
	links     linkStore
	decisions decisionStore
	awaiting  awaitingStore
	notify    notifyStore
}

// orStore is fake, or the store when the test set none.
func orStore[T comparable](fake T, st T) T {
	var none T
	if fake != none {
		return fake
	}
	return st
}

func (a *App) figureReader() figureReader {
	return orStore[figureReader](a.needs.figures, a.Store)
}

func (a *App) confirmStore() confirmStore {
	return orStore[confirmStore](a.needs.confirm, a.Store)
}

func (a *App) approverStore() approverStore {
	return orStore[approverStore](a.needs.approvers, a.Store)
}

func (a *App) deadlineStore() deadlineStore {
	return orStore[deadlineStore](a.needs.deadlines, a.Store)
}

func (a *App) callerStore() callerStore {
	return orStore[callerStore](a.needs.caller, a.Store)
}

func (a *App) choiceStore() choiceStore {
	return orStore[choiceStore](a.needs.choices, a.Store)
}

func (a *App) historyReader() historyReader {
	return orStore[historyReader](a.needs.history, a.Store)
}

func (a *App) undoStore() undoStore {
	return orStore[undoStore](a.needs.undo, a.Store)
}

func (a *App) planDraftStore() planDraftStore {
	return orStore[planDraftStore](a.needs.planDraft, a.Store)
}

func (a *App) userLister() userLister {
	return orStore[userLister](a.needs.lister, a.Store)
}

func (a *App) userReader() userReader {
	return orStore[userReader](a.needs.reader, a.Store)
}

func (a *App) userStore() userStore {
	return orStore[userStore](a.needs.users, a.Store)
}

func (a *App) inviteStore() inviteStore {
	return orStore[inviteStore](a.needs.invites, a.Store)
}

func (a *App) linkStore() linkStore {
	return orStore[linkStore](a.needs.links, a.Store)
}

func (a *App) decisionStore() decisionStore {
	return orStore[decisionStore](a.needs.decisions, a.Store)
}

func (a *App) awaitingStore() awaitingStore {
	return orStore[awaitingStore](a.needs.awaiting, a.Store)
}

func (a *App) notifyStore() notifyStore {
	return orStore[notifyStore](a.needs.notify, a.Store)
}
