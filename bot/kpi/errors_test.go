package kpi

import (
	"slices"
	"testing"
)

func TestErrorTypedData(t *testing.T) {
	e := Fail("X", "year", "2023", "max", "x12", "units", ListData([]string{"ben-luc", "can-duoc"}), "empty", "")
	for _, tc := range []struct {
		key  string
		want int
		ok   bool
	}{
		{"year", 2023, true},
		{"max", 0, false},
		{"absent", 0, false},
	} {
		if n, ok := e.Int(tc.key); n != tc.want || ok != tc.ok {
			t.Errorf("Int(%q) = %d, %v; want %d, %v", tc.key, n, ok, tc.want, tc.ok)
		}
	}
	if got := e.List("units"); !slices.Equal(got, []string{"ben-luc", "can-duoc"}) {
		t.Errorf("List(units) = %q", got)
	}
	if got := e.List("empty"); got != nil {
		t.Errorf("List(empty) = %q, want nil", got)
	}
	if got := e.List("absent"); got != nil {
		t.Errorf("List(absent) = %q, want nil", got)
	}
}
