package handlers

import (
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
)

// The rights checks of the writes a button (or /hoantac) makes. The store
// runs them on the presser's user record as it is at the write, and its
// script writes only if that record is still the one judged: a read-back
// confirmed after its sender was removed, demoted or moved to another unit
// is refused, however long it waited. The rules are access.Policy's.

// mayConfirm is the check of Xác nhận: the sender may still report for every
// unit of the submission, and a submission that went out as counting at once
// still needs no approval.
func (s *session) mayConfirm(u access.User, p store.Pending) error {
	for _, r := range p.Reports {
		if !s.Policy.CanReport(u, r.Unit) {
			return s.rightsChanged(u)
		}
	}
	if !p.Awaiting && s.needsApprovalBy(u, p.Reports) {
		return s.rightsChanged(u)
	}
	return nil
}

// mayUndo is the check of /hoantac: the user may still report for the unit
// of the change.
func (s *session) mayUndo(u access.User, c store.Change) error {
	if !u.Role.AtLeast(access.Reporter) || !s.Policy.CanReport(u, c.Unit) {
		return s.rightsChanged(u)
	}
	return nil
}

// mayApprove is the check of Duyệt and of a return reason.
func (s *session) mayApprove(u access.User) error {
	if !s.Policy.CanApprove(u) {
		return s.rightsChanged(u)
	}
	return nil
}

// rightsChanged is the refusal of a write whose author's rights are no
// longer what they were when they started it, naming what they are now.
func (s *session) rightsChanged(u access.User) error {
	unit := ""
	if u.Unit != "" {
		unit = s.unitShort(u.Unit)
	}
	return kpi.Fail("ErrRightsChanged", "role", s.t("Role_"+string(u.Role)), "unit", unit)
}
