package store

import (
	"encoding/json"
	"fmt"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
)

// The records below are what Redis holds. They are private so the JSON shape
// can change without touching the domain, and the domain without breaking
// stored data. Amounts travel as JSON integers of thousandths: Go's
// encoding/json keeps int64 exact, which is also why no script decodes JSON
// (Lua numbers are doubles and would round 96.400 tỉ đồng in milli-đồng).

type reportRecord struct {
	Indicator string         `json:"indicator"`
	Unit      string         `json:"unit,omitempty"`
	Period    string         `json:"period,omitempty"` // kpi.Period.Key(); "" for none
	Value     int64          `json:"value"`            // kpi.Amount, thousandths
	Item      string         `json:"item,omitempty"`
	Date      *time.Time     `json:"date,omitempty"`
	By        int64          `json:"by,omitempty"`
	ByName    string         `json:"by_name,omitempty"`
	At        *time.Time     `json:"at,omitempty"`
	Via       string         `json:"via,omitempty"`
	Status    string         `json:"status,omitempty"` // kpi.Status
	Stated    []statedRecord `json:"stated,omitempty"`
	Quote     string         `json:"quote,omitempty"`
	Approx    string         `json:"approx,omitempty"` // kpi.Report.Approx
}

// statedRecord is a kpi.Stated: a comparison written beside a figure.
type statedRecord struct {
	Basis string `json:"basis"`
	Pct   int64  `json:"pct"` // kpi.Amount, thousandths of a point
	// Approx is kpi.Stated.Approx.
	Approx string `json:"approx,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func timeVal(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func toReportRecord(r kpi.Report) reportRecord {
	rec := reportRecord{
		Indicator: r.Indicator,
		Unit:      r.Unit,
		Value:     int64(r.Value),
		Item:      r.Item,
		Date:      timePtr(r.Date),
		By:        r.By,
		ByName:    r.ByName,
		At:        timePtr(r.At),
		Via:       r.Via,
		Status:    string(r.Status),
		Quote:     r.Quote,
		Approx:    r.Approx,
	}
	for _, st := range r.Stated {
		rec.Stated = append(rec.Stated, statedRecord{Basis: string(st.Basis), Pct: int64(st.Pct), Approx: st.Approx})
	}
	if !r.Period.IsZero() {
		rec.Period = r.Period.Key()
	}
	return rec
}

func (rec reportRecord) toDomain() (kpi.Report, error) {
	r := kpi.Report{
		Indicator: rec.Indicator,
		Unit:      rec.Unit,
		Value:     kpi.Amount(rec.Value),
		Item:      rec.Item,
		Date:      timeVal(rec.Date),
		By:        rec.By,
		ByName:    rec.ByName,
		At:        timeVal(rec.At),
		Via:       rec.Via,
		Status:    kpi.Status(rec.Status),
		Quote:     rec.Quote,
		Approx:    rec.Approx,
	}
	for _, st := range rec.Stated {
		r.Stated = append(r.Stated, kpi.Stated{Basis: kpi.Basis(st.Basis), Pct: kpi.Amount(st.Pct), Approx: st.Approx})
	}
	if rec.Period != "" {
		p, err := kpi.ParsePeriodKey(rec.Period)
		if err != nil {
			return kpi.Report{}, err
		}
		r.Period = p
	}
	return r, nil
}

func encodeReport(r kpi.Report) (string, error) {
	b, err := json.Marshal(toReportRecord(r))
	return string(b), err
}

func decodeReport(s string) (kpi.Report, error) {
	var rec reportRecord
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return kpi.Report{}, fmt.Errorf("decode report: %w", err)
	}
	r, err := rec.toDomain()
	if err != nil {
		return kpi.Report{}, fmt.Errorf("decode report: %w", err)
	}
	return r, nil
}

// decodeReportPtr reads an optional report: "" (no value in the slot) is nil.
func decodeReportPtr(s string) (*kpi.Report, error) {
	if s == "" {
		return nil, nil
	}
	r, err := decodeReport(s)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// userRecord leaves out Lang: the language lives in its own hash because
// strangers choose one too (see SetLang), and one place must own it.
type userRecord struct {
	ID      int64      `json:"id"`
	Name    string     `json:"name,omitempty"`
	Role    string     `json:"role"`
	Unit    string     `json:"unit,omitempty"`
	AddedBy int64      `json:"added_by,omitempty"`
	AddedAt *time.Time `json:"added_at,omitempty"`
	Blocked bool       `json:"blocked,omitempty"`
}

func toUserRecord(u access.User) userRecord {
	return userRecord{
		ID:      u.ID,
		Name:    u.Name,
		Role:    string(u.Role),
		Unit:    u.Unit,
		AddedBy: u.AddedBy,
		AddedAt: timePtr(u.AddedAt),
		Blocked: u.Blocked,
	}
}

func (rec userRecord) toDomain(lang string) access.User {
	return access.User{
		ID:      rec.ID,
		Name:    rec.Name,
		Role:    access.Role(rec.Role),
		Unit:    rec.Unit,
		Lang:    lang,
		AddedBy: rec.AddedBy,
		AddedAt: timeVal(rec.AddedAt),
		Blocked: rec.Blocked,
	}
}

func decodeUser(s, lang string) (access.User, error) {
	var rec userRecord
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return access.User{}, fmt.Errorf("decode user: %w", err)
	}
	return rec.toDomain(lang), nil
}

type pendingRecord struct {
	UserID       int64            `json:"user_id"`
	ChatID       int64            `json:"chat_id"`
	MessageID    int              `json:"message_id,omitempty"`
	Reports      []reportRecord   `json:"reports"`
	Old          []*reportRecord  `json:"old,omitempty"`
	Lang         string           `json:"lang,omitempty"`
	Created      *time.Time       `json:"created,omitempty"`
	NeedsSecond  bool             `json:"needs_second,omitempty"`
	Awaiting     bool             `json:"awaiting,omitempty"`
	Skipped      []skippedRecord  `json:"skipped,omitempty"`
	PlanYear     int              `json:"plan_year,omitempty"`
	Periods      []string         `json:"periods,omitempty"` // kpi.Period.Key()
	PlanSum      string           `json:"plan_sum,omitempty"`
	Alternatives [][]reportRecord `json:"alternatives,omitempty"`
	Remove       []reportRecord   `json:"remove,omitempty"`
	Conflicts    int              `json:"conflicts,omitempty"`
	Basis        []basisRecord    `json:"basis,omitempty"`
}

// basisRecord is a Basis.
type basisRecord struct {
	Indicator   string `json:"indicator"`
	Unit        string `json:"unit"`
	Fingerprint string `json:"fp"`
}

// skippedRecord is a kpi.Skipped: a number the reader left aside.
type skippedRecord struct {
	Text string `json:"text"`
	Role string `json:"role"`
	What string `json:"what,omitempty"`
}

func toPendingRecord(p Pending) pendingRecord {
	rec := pendingRecord{
		UserID:      p.UserID,
		ChatID:      p.ChatID,
		MessageID:   p.MessageID,
		Reports:     make([]reportRecord, len(p.Reports)),
		Lang:        p.Lang,
		Created:     timePtr(p.Created),
		NeedsSecond: p.NeedsSecond,
		Awaiting:    p.Awaiting,
		PlanYear:    p.PlanYear,
		PlanSum:     p.PlanSum,
		Conflicts:   p.Conflicts,
	}
	for _, b := range p.Basis {
		rec.Basis = append(rec.Basis, basisRecord(b))
	}
	for i, r := range p.Reports {
		rec.Reports[i] = toReportRecord(r)
	}
	for _, r := range p.Remove {
		rec.Remove = append(rec.Remove, toReportRecord(r))
	}
	for _, k := range p.Skipped {
		rec.Skipped = append(rec.Skipped, skippedRecord{Text: k.Text, Role: string(k.Role), What: k.What})
	}
	for _, per := range p.Periods {
		rec.Periods = append(rec.Periods, per.Key())
	}
	for _, alt := range p.Alternatives {
		var rs []reportRecord
		for _, r := range alt {
			rs = append(rs, toReportRecord(r))
		}
		rec.Alternatives = append(rec.Alternatives, rs)
	}
	if len(p.Old) > 0 {
		rec.Old = make([]*reportRecord, len(p.Old))
		for i, o := range p.Old {
			if o != nil {
				or := toReportRecord(*o)
				rec.Old[i] = &or
			}
		}
	}
	return rec
}

func (rec pendingRecord) toDomain(id string) (Pending, error) {
	p := Pending{
		ID:          id,
		UserID:      rec.UserID,
		ChatID:      rec.ChatID,
		MessageID:   rec.MessageID,
		Reports:     make([]kpi.Report, len(rec.Reports)),
		Lang:        rec.Lang,
		Created:     timeVal(rec.Created),
		NeedsSecond: rec.NeedsSecond,
		Awaiting:    rec.Awaiting,
		PlanYear:    rec.PlanYear,
		PlanSum:     rec.PlanSum,
		Conflicts:   rec.Conflicts,
	}
	for _, b := range rec.Basis {
		p.Basis = append(p.Basis, Basis(b))
	}
	for _, r := range rec.Remove {
		d, err := r.toDomain()
		if err != nil {
			return Pending{}, err
		}
		p.Remove = append(p.Remove, d)
	}
	for _, k := range rec.Skipped {
		p.Skipped = append(p.Skipped, kpi.Skipped{Text: k.Text, Role: kpi.Role(k.Role), What: k.What})
	}
	for _, key := range rec.Periods {
		per, err := kpi.ParsePeriodKey(key)
		if err != nil {
			return Pending{}, err
		}
		p.Periods = append(p.Periods, per)
	}
	for _, alt := range rec.Alternatives {
		var rs []kpi.Report
		for _, r := range alt {
			d, err := r.toDomain()
			if err != nil {
				return Pending{}, err
			}
			rs = append(rs, d)
		}
		p.Alternatives = append(p.Alternatives, rs)
	}
	for i, r := range rec.Reports {
		d, err := r.toDomain()
		if err != nil {
			return Pending{}, err
		}
		p.Reports[i] = d
	}
	if len(rec.Old) > 0 {
		p.Old = make([]*kpi.Report, len(rec.Old))
		for i, o := range rec.Old {
			if o == nil {
				continue
			}
			d, err := o.toDomain()
			if err != nil {
				return Pending{}, err
			}
			p.Old[i] = &d
		}
	}
	return p, nil
}

func decodePending(id, s string) (Pending, error) {
	var rec pendingRecord
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return Pending{}, fmt.Errorf("decode pending: %w", err)
	}
	return rec.toDomain(id)
}

type approvalRecord struct {
	Reporter     int64           `json:"reporter"`
	ReporterName string          `json:"reporter_name,omitempty"`
	Lang         string          `json:"lang,omitempty"`
	Reports      []reportRecord  `json:"reports"`
	Messages     []messageRecord `json:"messages,omitempty"`
	Created      *time.Time      `json:"created,omitempty"`
}

type messageRecord struct {
	ChatID    int64 `json:"chat"`
	MessageID int   `json:"message"`
}

func toApprovalRecord(a Approval) approvalRecord {
	rec := approvalRecord{
		Reporter:     a.Reporter,
		ReporterName: a.ReporterName,
		Lang:         a.Lang,
		Reports:      make([]reportRecord, len(a.Reports)),
		Created:      timePtr(a.Created),
	}
	for i, r := range a.Reports {
		rec.Reports[i] = toReportRecord(r)
	}
	for _, m := range a.Messages {
		rec.Messages = append(rec.Messages, messageRecord(m))
	}
	return rec
}

func (rec approvalRecord) toDomain(id string) (Approval, error) {
	a := Approval{
		ID:           id,
		Reporter:     rec.Reporter,
		ReporterName: rec.ReporterName,
		Lang:         rec.Lang,
		Reports:      make([]kpi.Report, len(rec.Reports)),
		Created:      timeVal(rec.Created),
	}
	for i, r := range rec.Reports {
		d, err := r.toDomain()
		if err != nil {
			return Approval{}, err
		}
		a.Reports[i] = d
	}
	for _, m := range rec.Messages {
		a.Messages = append(a.Messages, SentMessage(m))
	}
	return a, nil
}
