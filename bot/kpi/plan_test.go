package kpi

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// The embedded plan holds every target of the 2022 programme exactly.
func TestDefaultPlanHoldsTheProgrammeTargets(t *testing.T) {
	p := DefaultPlan()
	if p.Year != 2022 || len(p.Units) != 15 {
		t.Fatalf("year %d, %d units; want 2022 and the 15 district-level units", p.Year, len(p.Units))
	}
	type want struct {
		kind     Kind
		measure  Measure
		min, max string
	}
	cases := map[string]want{
		"grdp":              {Rate, Percent, "6.5", "7"},
		"iip":               {Rate, Percent, "7", "7"},
		"ban-le":            {Cumulative, VND, "96400000000000", "96400000000000"},
		"xuat-khau":         {Cumulative, USD, "6400000000", "6400000000"},
		"nhap-khau":         {Cumulative, USD, "5000000000", "5000000000"},
		"ho-dung-dien":      {Level, Percent, "99.97", "99.97"},
		"cum-cong-nghiep":   {Count, Items, "2", "2"},
		"cua-hang-tien-ich": {Count, Items, "10", "10"},
		"logistics":         {Count, Items, "1", "1"},
		"dien-mat-troi":     {Milestone, Stages, "0", "0"},
	}
	if len(p.Indicators) != len(cases) {
		t.Errorf("%d indicators, want %d", len(p.Indicators), len(cases))
	}
	for id, w := range cases {
		ind := p.Indicator(id)
		if ind == nil {
			t.Errorf("indicator %s missing", id)
			continue
		}
		if ind.Kind != w.kind || ind.Measure != w.measure || ind.TargetMin.String() != w.min || ind.TargetMax.String() != w.max {
			t.Errorf("%s: %s %s %s..%s; want %s %s %s..%s", id, ind.Kind, ind.Measure, ind.TargetMin, ind.TargetMax, w.kind, w.measure, w.min, w.max)
		}
	}
	solar := p.Indicator("dien-mat-troi")
	if !strings.Contains(solar.NameVI, "TTC Đức Huệ 2") || !strings.Contains(solar.NameVI, "49 MWp") || solar.Stages[len(solar.Stages)-1].ID != "dong-dien" {
		t.Errorf("solar milestone: %q stages %v", solar.NameVI, solar.Stages)
	}
	if !strings.Contains(p.Indicator("grdp").NoteVI, "2010") {
		t.Errorf("GRDP target is at 2010 prices")
	}
	var names []string
	for _, u := range p.Units {
		names = append(names, u.Short)
	}
	got := strings.Join(names, ", ")
	wantUnits := "Tân An, Kiến Tường, Bến Lức, Cần Đước, Cần Giuộc, Châu Thành, Đức Hòa, Đức Huệ, Mộc Hóa, Tân Hưng, Tân Thạnh, Tân Trụ, Thạnh Hóa, Thủ Thừa, Vĩnh Hưng"
	if got != wantUnits {
		t.Errorf("units\n got %s\nwant %s", got, wantUnits)
	}
}

func TestParsePlanNamesFilePlaceAndProblem(t *testing.T) {
	cases := []struct {
		name, toml, want string
	}{
		{"syntax", "id = \"x\"\nyear = 2022\nunits = [\n", "plan bad.toml: line 3"},
		{"unknown key", "id=\"x\"\nyear=2022\ncolour=1\n[[units]]\nid=\"a\"\nname=\"A\"\n[[indicators]]\nid=\"i\"\nname_vi=\"I\"\nkind=\"level\"\nmeasure=\"%\"\ntarget=\"1\"\nreporters=\"units\"\nfrequency=\"event\"\n", "plan bad.toml: colour: unknown key"},
		{"bad target", "id=\"x\"\nyear=2022\n[[units]]\nid=\"a\"\nname=\"A\"\n[[indicators]]\nid=\"i\"\nname_vi=\"I\"\nkind=\"level\"\nmeasure=\"%\"\ntarget=\"6,4\"\nreporters=\"units\"\nfrequency=\"event\"\n", "plan bad.toml: indicators[0] (i).target: \"6,4\" is not a plain decimal"},
		{"bad kind", "id=\"x\"\nyear=2022\n[[units]]\nid=\"a\"\nname=\"A\"\n[[indicators]]\nid=\"i\"\nname_vi=\"I\"\nkind=\"sum\"\nmeasure=\"%\"\ntarget=\"1\"\nreporters=\"units\"\nfrequency=\"event\"\n", "indicators[0] (i).kind: must be cumulative"},
		{"duplicate unit", "id=\"x\"\nyear=2022\n[[units]]\nid=\"a\"\nname=\"A\"\n[[units]]\nid=\"a\"\nname=\"B\"\n[[indicators]]\nid=\"i\"\nname_vi=\"I\"\nkind=\"level\"\nmeasure=\"%\"\ntarget=\"1\"\nreporters=\"units\"\nfrequency=\"event\"\n", "units[1].id: \"a\" is used twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePlan("bad.toml", []byte(c.toml))
			var pe *PlanError
			if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}

// The commune-level template parses, and is refused for its empty targets
// alone: it holds no invented figure, and cannot be loaded until filled in.
func TestCommuneTemplateNeedsItsTargets(t *testing.T) {
	src, err := os.ReadFile("plans/template-commune-level.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParsePlan("template-commune-level.toml", src)
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("template: %v, want the targets refused", err)
	}
	for _, e := range j.Unwrap() {
		var pe *PlanError
		if !errors.As(e, &pe) || !strings.HasSuffix(pe.Place, ".target") || pe.Problem != "missing" {
			t.Errorf("template refused for something else than an empty target: %v", e)
		}
	}
	if n := len(j.Unwrap()); n != 3 {
		t.Errorf("%d problems, want the 3 empty targets", n)
	}
	// Filled in, it loads, with its group.
	filled := strings.ReplaceAll(string(src), `target = ""`, `target = "1"`)
	p, err := ParsePlan("filled.toml", []byte(filled))
	if err != nil {
		t.Fatal(err)
	}
	if g := p.Group("long-an-cu"); g == nil || !g.Has("xa-vi-du-1") || g.Previous != "*" {
		t.Errorf("group = %+v", g)
	}
	q, err := p.ParseQuestion("xuất khẩu Long An cũ")
	if err != nil || q.Group == nil || q.Group.ID != "long-an-cu" || q.Unit != nil {
		t.Errorf("a question naming the group = %+v, %v", q, err)
	}
	bad := strings.Replace(filled, `units = ["xa-vi-du-1", "phuong-vi-du-2"]`, `units = ["ben-luc"]`, 1)
	if _, err := ParsePlan("bad.toml", []byte(bad)); err == nil || !strings.Contains(err.Error(), `groups[0] (long-an-cu).units: "ben-luc" is not a unit of the plan`) {
		t.Errorf("a group of an unknown unit: %v", err)
	}
}
