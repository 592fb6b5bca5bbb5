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

// figureReader is what answering a question reads (query.go, compare.go):
// a plan's figures, official and awaiting approval. The plans themselves
// come from PlanSource, and answers are kept per data version in memory
// (answers.go), so a question asked again reads nothing.
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

var (
	_ figureReader  = (*store.Store)(nil)
	_ confirmStore  = (*store.Store)(nil)
	_ approverStore = (*store.Store)(nil)
	_ deadlineStore = (*store.Store)(nil)
)

// needs are fakes a test puts in place of App.Store for one use case; nil
// ones are App.Store.
type needs struct {
	figures   figureReader
	confirm   confirmStore
	approvers approverStore
	deadlines deadlineStore
}

func (a *App) figureReader() figureReader {
	if a.needs.figures != nil {
		return a.needs.figures
	}
	return a.Store
}

func (a *App) confirmStore() confirmStore {
	if a.needs.confirm != nil {
		return a.needs.confirm
	}
	return a.Store
}

func (a *App) approverStore() approverStore {
	if a.needs.approvers != nil {
		return a.needs.approvers
	}
	return a.Store
}

func (a *App) deadlineStore() deadlineStore {
	if a.needs.deadlines != nil {
		return a.needs.deadlines
	}
	return a.Store
}
