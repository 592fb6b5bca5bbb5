package kpi

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

//go:embed plans/long-an-2022.toml
var longAn2022 []byte

// DefaultPlanName names the embedded plan in messages and errors.
const DefaultPlanName = "long-an-2022.toml (embedded)"

// Who reports an indicator.
const (
	ByUnits      = "units"      // every district-level unit
	ByDepartment = "department" // the department alone
)

// How often an indicator is reported.
const (
	Monthly   = "monthly"
	Quarterly = "quarterly"
	OnEvent   = "event" // counts and milestones: when something happens
)

// Plan is one year's programme: who reports, what, against which targets.
// A Plan returned by ParsePlan is valid: every reference in it resolves.
type Plan struct {
	ID         string      `toml:"id"`
	Year       int         `toml:"year"`
	Province   string      `toml:"province"`
	TitleVI    string      `toml:"title_vi"`
	TitleEN    string      `toml:"title_en"`
	Source     string      `toml:"source"`
	Approval   bool        `toml:"approval"`
	Department Unit        `toml:"department"`
	Units      []Unit      `toml:"units"`
	Groups     []Group     `toml:"groups"`
	Indicators []Indicator `toml:"indicators"`
	// Letterhead is what the report document (/vanban) is issued as; every
	// field is optional (letterhead.go).
	Letterhead Letterhead `toml:"letterhead"`

	units  map[string]*Unit
	inds   map[string]*Indicator
	groups map[string]*Group

	provinceOnce sync.Once
	province     []phrase
}

// Group is a set of the plan's units whose figures roll up together: the
// communes of a former district or province after a reorganisation ("the
// former Long An"). A question that names it is answered for its units.
type Group struct {
	ID      string   `toml:"id"`
	Name    string   `toml:"name"`
	Short   string   `toml:"short"`
	Aliases []string `toml:"aliases"`
	Units   []string `toml:"units"` // unit ids
	// Previous says what the group continues in the year before's plan,
	// for comparisons: a group id of that plan, or "*" for its whole
	// province (the former province's own plan). "": the same group id.
	Previous string `toml:"previous"`

	member map[string]bool
	phr    []phrase
}

// Has reports whether unit belongs to the group.
func (g *Group) Has(unit string) bool { return g.member[unit] }

// Group returns the group with id, or nil.
func (p *Plan) Group(id string) *Group { return p.groups[id] }

// Unit is a reporting unit: a district-level unit, or the department itself.
type Unit struct {
	ID      string   `toml:"id"`
	Name    string   `toml:"name"`  // "Huyện Bến Lức"
	Short   string   `toml:"short"` // "Bến Lức"
	Aliases []string `toml:"aliases"`

	phr []phrase // folded names, built once by ParsePlan
}

// Stage is one step of a milestone's sequence.
type Stage struct {
	ID string `toml:"id"`
	VI string `toml:"vi"`
	EN string `toml:"en"`
}

// Indicator is one target of the plan (chỉ tiêu).
type Indicator struct {
	ID      string   `toml:"id"`
	NameVI  string   `toml:"name_vi"`
	NameEN  string   `toml:"name_en"`
	Aliases []string `toml:"aliases"`
	Kind    Kind     `toml:"kind"`
	Measure Measure  `toml:"measure"`
	// ScaleWord is how totals are shown: "billion" shows 6.4e9 USD as "6,4 tỉ USD".
	ScaleWord string `toml:"scale"`
	// Target, or TargetMin..TargetMax for a range; plain decimals in the measure.
	TargetText    string   `toml:"target"`
	TargetMinText string   `toml:"target_min"`
	TargetMaxText string   `toml:"target_max"`
	NoteVI        string   `toml:"note_vi"` // "theo giá so sánh năm 2010"
	NoteEN        string   `toml:"note_en"`
	Reporters     string   `toml:"reporters"`
	Frequency     string   `toml:"frequency"`
	DueDay        int      `toml:"due_day"` // day of the month after the period
	Approval      *bool    `toml:"approval"`
	Stages        []Stage  `toml:"stages"`
	Examples      []string `toml:"examples"` // named items the source mentions
	// Excludes are phrases that hold the indicator's words but name
	// something else: "xuất nhập khẩu" (total trade) is not "nhập khẩu",
	// "giá điện" is not the households using electricity.
	Excludes []string `toml:"excludes"`
	// Basis is what a rate's value is a change on: "same-period" (the
	// default: IIP and GRDP are growth on the same period last year, so
	// "tăng 5,6% so với cùng kỳ" is the value) or "previous-period".
	Basis string `toml:"basis"`
	// DefaultStatus is the status of a figure whose words say none
	// ("estimate": the monthly report's figures are estimates until the
	// statistics office's official ones); "" leaves it unsaid.
	DefaultStatus Status `toml:"status"`
	// UnitTargetsText allocates the target to units, where the plan does
	// (unit id → plain decimal): a unit's answer is then held against its
	// own target. Without it a unit has no target of its own.
	UnitTargetsText map[string]string `toml:"unit_targets"`
	UnitTargets     map[string]Amount `toml:"-"`

	// DefinitionVI and DefinitionEN say in two or three sentences what the
	// indicator measures, for "X là gì?"; DefinitionSource names where the
	// wording comes from (the statistics office's published definition).
	DefinitionVI     string `toml:"definition_vi"`
	DefinitionEN     string `toml:"definition_en"`
	DefinitionSource string `toml:"definition_source"`

	Target    Amount `toml:"-"`
	TargetMin Amount `toml:"-"`
	TargetMax Amount `toml:"-"`
	Scale     Scale  `toml:"-"`

	phr []phrase // folded names and aliases, built once by ParsePlan
	exc []phrase // folded Excludes, built once by ParsePlan
}

// IsRange reports whether the target is a range (GRDP 6,5–7%).
func (ind *Indicator) IsRange() bool { return ind.TargetMax > ind.TargetMin }

// NeedsApproval reports whether a reporter's figures wait for an editor.
func (ind *Indicator) NeedsApproval(p *Plan) bool {
	if ind.Approval != nil {
		return *ind.Approval
	}
	return p.Approval
}

// Name returns the indicator's name in lang ("vi" or "en").
func (ind *Indicator) Name(lang string) string {
	if lang == "en" && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameVI
}

// Note returns the indicator's note in lang.
func (ind *Indicator) Note(lang string) string {
	if lang == "en" {
		return ind.NoteEN
	}
	return ind.NoteVI
}

// maxDefinition bounds each of an indicator's definition fields, in
// characters: a definition is two or three sentences.
const maxDefinition = 1000

// Definition returns what the indicator measures in lang, falling back to
// the Vietnamese when no English one is written; "" when the plan has none.
func (ind *Indicator) Definition(lang string) string {
	if lang == "en" && ind.DefinitionEN != "" {
		return ind.DefinitionEN
	}
	return ind.DefinitionVI
}

// StageIndex returns the position of stage id in the sequence, or -1.
func (ind *Indicator) StageIndex(id string) int {
	for i, s := range ind.Stages {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// PlanError is a problem in a plan file: which file, where, what.
type PlanError struct {
	File    string
	Place   string // "line 12, column 3" or "indicators[2] (xuat-khau).target"
	Problem string
}

func (e *PlanError) Error() string {
	return fmt.Sprintf("plan %s: %s: %s", e.File, e.Place, e.Problem)
}

// DefaultPlan returns the embedded Long An 2022 plan.
func DefaultPlan() *Plan {
	p, err := ParsePlan(DefaultPlanName, longAn2022)
	if err != nil {
		panic(err) // the embedded plan is tested; this cannot happen in a build that passed
	}
	return p
}

// DefaultPlanSource returns the embedded plan's file, as it is stored in
// Redis beside the plans admins load.
func DefaultPlanSource() []byte { return bytes.Clone(longAn2022) }

// LoadPlan reads and validates the plan file at path. Errors are *PlanError
// (joined with errors.Join when there are several).
func LoadPlan(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &PlanError{File: path, Place: "file", Problem: err.Error()}
	}
	return ParsePlan(path, data)
}

var scales = map[string]Scale{"": One, "one": One, "thousand": Thousand, "million": Million, "billion": Billion}

// ParsePlan decodes and validates a plan. name is used in errors only.
func ParsePlan(name string, data []byte) (*Plan, error) {
	var p Plan
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &PlanError{File: name, Place: fmt.Sprintf("line %d, column %d", pe.Position.Line, pe.Position.Col), Problem: pe.Message}
		}
		return nil, &PlanError{File: name, Place: "file", Problem: err.Error()}
	}
	var errs []error
	bad := func(place, format string, args ...any) {
		errs = append(errs, &PlanError{File: name, Place: place, Problem: fmt.Sprintf(format, args...)})
	}
	for _, k := range md.Undecoded() {
		bad(k.String(), "unknown key")
	}
	if !checkLimits(&p, bad) {
		return nil, errors.Join(errs...)
	}
	if p.ID == "" {
		bad("id", "missing")
	}
	if p.Year < 2000 || p.Year > 2100 {
		bad("year", "must be a year such as 2022, not %d", p.Year)
	}
	p.units = map[string]*Unit{}
	p.inds = map[string]*Indicator{}
	checkUnit := func(place string, u *Unit) {
		switch {
		case u.ID == "":
			bad(place+".id", "missing")
		case p.units[u.ID] != nil:
			bad(place+".id", "%q is used twice", u.ID)
		}
		if u.Name == "" {
			bad(place+".name", "missing")
		}
		if u.Short == "" {
			u.Short = u.Name
		}
		p.units[u.ID] = u
	}
	if p.Department.ID != "" {
		checkUnit("department", &p.Department)
	}
	if len(p.Units) == 0 {
		bad("units", "a plan needs at least one reporting unit")
	}
	for i := range p.Units {
		checkUnit(fmt.Sprintf("units[%d]", i), &p.Units[i])
	}
	p.groups = map[string]*Group{}
	for i := range p.Groups {
		g := &p.Groups[i]
		place := fmt.Sprintf("groups[%d] (%s)", i, g.ID)
		switch {
		case g.ID == "":
			bad(place+".id", "missing")
		case p.groups[g.ID] != nil || p.units[g.ID] != nil:
			bad(place+".id", "%q is used twice", g.ID)
		}
		if g.Name == "" {
			bad(place+".name", "missing")
		}
		if g.Short == "" {
			g.Short = g.Name
		}
		if len(g.Units) == 0 {
			bad(place+".units", "a group needs at least one unit")
		}
		g.member = map[string]bool{}
		for _, u := range g.Units {
			if p.units[u] == nil {
				bad(place+".units", "%q is not a unit of the plan", u)
			}
			g.member[u] = true
		}
		p.groups[g.ID] = g
	}
	if len(p.Indicators) == 0 {
		bad("indicators", "a plan needs at least one indicator")
	}
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		place := fmt.Sprintf("indicators[%d] (%s)", i, ind.ID)
		for _, f := range [...]struct{ key, text string }{{"definition_vi", ind.DefinitionVI},
			{"definition_en", ind.DefinitionEN}, {"definition_source", ind.DefinitionSource}} {
			if n := utf8.RuneCountInString(f.text); n > maxDefinition {
				bad(place+"."+f.key, "at most %d characters, not %d", maxDefinition, n)
			}
		}
		switch {
		case ind.ID == "":
			bad(place+".id", "missing")
		case p.inds[ind.ID] != nil:
			bad(place+".id", "%q is used twice", ind.ID)
		}
		p.inds[ind.ID] = ind
		if ind.NameVI == "" {
			bad(place+".name_vi", "missing")
		}
		switch ind.Kind {
		case Cumulative, Rate, Level, Count, Milestone:
		default:
			bad(place+".kind", "must be cumulative, rate, level, count or milestone, not %q", ind.Kind)
		}
		switch ind.Measure {
		case USD, VND, Percent, MWp, Items, Stages:
		default:
			bad(place+".measure", "must be USD, VND, %%, MWp, item or stage, not %q", ind.Measure)
		}
		sc, ok := scales[ind.ScaleWord]
		if !ok {
			bad(place+".scale", "must be one, thousand, million or billion, not %q", ind.ScaleWord)
		}
		ind.Scale = sc
		amount := func(field, text string) Amount {
			if text == "" {
				return 0
			}
			a, err := ParseDecimal(text)
			if err != nil {
				bad(place+"."+field, "%q is not a plain decimal such as 6400000000 or 99.97", text)
			}
			return a
		}
		ind.Target = amount("target", ind.TargetText)
		ind.TargetMin = amount("target_min", ind.TargetMinText)
		ind.TargetMax = amount("target_max", ind.TargetMaxText)
		switch {
		case ind.TargetText != "" && (ind.TargetMinText != "" || ind.TargetMaxText != ""):
			bad(place+".target", "give either target or target_min and target_max, not both")
		case ind.TargetText == "" && ind.TargetMinText != "" && ind.TargetMaxText != "":
			if ind.TargetMax < ind.TargetMin {
				bad(place+".target_max", "is below target_min")
			}
			ind.Target = ind.TargetMin
		case ind.TargetText == "" && ind.Kind != Milestone:
			bad(place+".target", "missing")
		}
		if ind.TargetText != "" {
			ind.TargetMin, ind.TargetMax = ind.Target, ind.Target
		}
		switch ind.Reporters {
		case ByUnits:
		case ByDepartment:
			if p.Department.ID == "" {
				bad(place+".reporters", "is department, but the plan has no [department]")
			}
		default:
			bad(place+".reporters", "must be units or department, not %q", ind.Reporters)
		}
		switch ind.Frequency {
		case Monthly, Quarterly:
			if ind.DueDay < 1 || ind.DueDay > 28 {
				bad(place+".due_day", "must be a day from 1 to 28, not %d", ind.DueDay)
			}
		case OnEvent:
		default:
			bad(place+".frequency", "must be monthly, quarterly or event, not %q", ind.Frequency)
		}
		for uid, text := range ind.UnitTargetsText {
			if _, ok := p.units[uid]; !ok {
				bad(place+".unit_targets."+uid, "is not a unit of the plan")
				continue
			}
			if ind.UnitTargets == nil {
				ind.UnitTargets = map[string]Amount{}
			}
			ind.UnitTargets[uid] = amount("unit_targets."+uid, text)
		}
		switch ind.DefaultStatus {
		case StatusNone, Estimate, Preliminary, Official:
		default:
			bad(place+".status", "must be estimate, preliminary or official, not %q", ind.DefaultStatus)
		}
		if ind.Kind == Milestone {
			if len(ind.Stages) < 1 {
				bad(place+".stages", "a milestone needs its stages")
			}
			seen := map[string]bool{}
			for j, s := range ind.Stages {
				if s.ID == "" || s.VI == "" || seen[s.ID] {
					bad(fmt.Sprintf("%s.stages[%d]", place, j), "each stage needs a unique id and a vi name")
				}
				seen[s.ID] = true
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Fold every name once: a plan is read-only from here on.
	p.Department.phr = p.Department.buildPhrases()
	for i := range p.Units {
		p.Units[i].phr = p.Units[i].buildPhrases()
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		g.phr = []phrase{newPhrase(g.Name), newPhrase(g.Short)}
		for _, a := range g.Aliases {
			g.phr = append(g.phr, newPhrase(a))
		}
	}
	for i := range p.Indicators {
		p.Indicators[i].phr = p.Indicators[i].buildPhrases()
		for _, e := range p.Indicators[i].Excludes {
			p.Indicators[i].exc = append(p.Indicators[i].exc, newPhrase(e))
		}
	}
	return &p, nil
}

// Indicator returns the indicator with id, or nil.
func (p *Plan) Indicator(id string) *Indicator { return p.inds[id] }

// Unit returns the unit with id (a district or the department), or nil.
func (p *Plan) Unit(id string) *Unit { return p.units[id] }

// ReportingUnits returns the units expected to report ind.
func (p *Plan) ReportingUnits(ind *Indicator) []*Unit {
	if ind.Reporters == ByDepartment {
		return []*Unit{&p.Department}
	}
	out := make([]*Unit, len(p.Units))
	for i := range p.Units {
		out[i] = &p.Units[i]
	}
	return out
}

// Title returns the plan's title in lang.
func (p *Plan) Title(lang string) string {
	if lang == "en" && p.TitleEN != "" {
		return p.TitleEN
	}
	return p.TitleVI
}

// String names the plan for logs.
func (p *Plan) String() string { return strings.TrimSpace(p.ID) }
