package handlers_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/handlers"
	"tiendo/locales"
)

// A Redis error while finding the leaders' group is not "no group": the
// weekly digest and the overdue summary fail, to be retried, and the error
// is logged at Error — never dropped as skipped.
func TestLeadersGroupReadErrorIsRetried(t *testing.T) {
	_, rdb := storetest.Miniredis(t)
	st := store.New(rdb, "")
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	app := &handlers.App{Plan: kpi.DefaultPlan(), Store: st, Cat: cat, Now: time.Now, Loc: time.UTC,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	n := &handlers.Notifier{App: app}
	ctx := context.Background()

	// No group registered: skipped, no error.
	if err := n.Digest(ctx, "digest@1", nil); err != nil {
		t.Fatalf("Digest without a group = %v, want skipped", err)
	}
	// The key holds what no group id is (a store fault): an error.
	if err := rdb.HSet(ctx, st.Key("remind", "leaders"), "x", "y").Err(); err != nil {
		t.Fatal(err)
	}
	if err := n.Digest(ctx, "digest@2", nil); err == nil {
		t.Error("Digest with the leaders' group unreadable = nil, want an error (retried)")
	}
	late := []remind.Late{{Deadline: remind.Deadline{ID: "1", Title: "X", Due: time.Now()}, Assignees: []remind.Assignee{{Unit: "ben-luc"}}}}
	if err := n.Overdue(ctx, "overdue:1", late); err == nil {
		t.Error("Overdue with the leaders' group unreadable = nil, want an error (retried)")
	}
	if got := logs.String(); strings.Count(got, "level=ERROR") < 2 || strings.Contains(got, "skipped: no leaders' group") && strings.Count(got, "skipped") > 1 {
		t.Errorf("want two errors logged at Error and one skip:\n%s", got)
	}
}
