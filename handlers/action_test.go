package handlers

import (
	"strings"
	"testing"
)

func TestParseAction(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want Action
		bad  bool
	}{
		{name: "confirm", data: "ok:AbCdEf012_-x", want: Action{Kind: cbConfirm, ID: "AbCdEf012_-x"}},
		{name: "cancel", data: "no:x1", want: Action{Kind: cbCancel, ID: "x1"}},
		{name: "period", data: "pp:x1:2", want: Action{Kind: cbPeriod, ID: "x1", N: 2}},
		{name: "alternative", data: "pa:x1:0", want: Action{Kind: cbAlternative, ID: "x1"}},
		{name: "undo with year", data: "ud:2022:1700000000000-0", want: Action{Kind: cbUndo, Year: 2022, ID: "1700000000000-0"}},
		{name: "undo of a batch", data: "ud:2026:1700000000000-3:4", want: Action{Kind: cbUndo, Year: 2026, ID: "1700000000000-3", N: 4}},
		{name: "undo before years", data: "ud:1700000000000-0", want: Action{Kind: cbUndo, ID: "1700000000000-0"}},
		{name: "keep", data: "uk:2022:1-0", want: Action{Kind: cbUndoKeep, Year: 2022, ID: "1-0"}},
		{name: "keep before years", data: "uk:1-0", want: Action{Kind: cbUndoKeep, ID: "1-0"}},
		{name: "plan deadline keeps its colons", data: "rn:plan:xuat-khau:2026-03", want: Action{Kind: cbReportNow, ID: "plan:xuat-khau:2026-03"}},
		{name: "done", data: "dn:d7", want: Action{Kind: cbDone, ID: "d7"}},
		{name: "snooze", data: "sz:plan:xuat-khau:2026-03|unit:ben-luc", want: Action{Kind: cbSnooze, ID: "plan:xuat-khau:2026-03", Key: "unit:ben-luc"}},
		{name: "language", data: "lang:en", want: Action{Kind: cbLang, ID: "en"}},
		{name: "plan upload", data: "pn:abc", want: Action{Kind: cbPlanCancel, ID: "abc"}},

		{name: "empty", data: "", bad: true},
		{name: "no id", data: "ok:", bad: true},
		{name: "no colon", data: "ok", bad: true},
		{name: "unknown kind", data: "zz:abc", bad: true},
		{name: "period without index", data: "pp:x1", bad: true},
		{name: "negative index", data: "pp:x1:-1", bad: true},
		{name: "index with a sign", data: "pp:x1:+1", bad: true},
		{name: "index with a leading zero", data: "pa:x1:01", bad: true},
		{name: "undo year not a number", data: "ud:abc:1-0", bad: true},
		{name: "undo of zero changes", data: "ud:2022:1-0:0", bad: true},
		{name: "keep with a count", data: "uk:2022:1-0:3", bad: true},
		{name: "undo too many parts", data: "ud:2022:1-0:3:4", bad: true},
		{name: "snooze without assignee", data: "sz:d7", bad: true},
		{name: "snooze empty assignee", data: "sz:d7|", bad: true},
		{name: "longer than Telegram allows", data: "ok:" + strings.Repeat("a", 62), bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAction(tc.data)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParseAction(%q) = %+v, want an error", tc.data, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAction(%q): %v", tc.data, err)
			}
			if got != tc.want {
				t.Fatalf("ParseAction(%q) = %+v, want %+v", tc.data, got, tc.want)
			}
			if s := got.String(); s != tc.data {
				t.Fatalf("String() = %q, want the data back %q", s, tc.data)
			}
		})
	}
}

// The longest button the bot makes, a snooze of a quarterly plan deadline
// for a unit, fits Telegram's 64 bytes; one that would not says so.
func TestActionFits(t *testing.T) {
	a := Action{Kind: cbSnooze, ID: "plan:ho-dung-dien:2026-01..03", Key: "unit:so-cong-thuong"}
	if !a.Fits() {
		t.Fatalf("%q (%d bytes) does not fit", a, len(a.String()))
	}
	a.Key = "unit:" + strings.Repeat("x", 40)
	if a.Fits() {
		t.Fatalf("%q (%d bytes) fits", a, len(a.String()))
	}
}

// FuzzParseAction: whatever arrives as callback data, ParseAction either
// refuses it or reads a value that writes back as the same bytes (so every
// accepted press fits in 64 bytes) and reads again as the same value.
func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"ok:abc", "pp:a:1", "pa:a:10", "ud:2022:1-0:3", "uk:1-0", "sz:plan:x:2026-03|unit:a", "rn:plan:x:2026-03", "lang:vi", "ok:", "ud::", "sz:|", "pp:a:007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAction(s)
		if err != nil {
			return
		}
		out := a.String()
		if out != s {
			t.Fatalf("ParseAction(%q).String() = %q", s, out)
		}
		if len(out) > MaxActionBytes || !a.Fits() {
			t.Fatalf("accepted %q of %d bytes", s, len(out))
		}
		b, err := ParseAction(out)
		if err != nil || b != a {
			t.Fatalf("ParseAction(%q) = %+v, %v; want %+v", out, b, err, a)
		}
	})
}
