package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/locales"
)

// failingPlans is a PlanSource whose store fails (not a lost connection).
type failingPlans struct{}

var errScript = errors.New("store: plan years: ERR Error running script (call to f_x): @user_script:1: out of memory")

func (failingPlans) InForce(context.Context, time.Time) (*kpi.Plan, error) { return nil, errScript }
func (failingPlans) Year(context.Context, int) (*kpi.Plan, error)          { return nil, errScript }
func (failingPlans) Years(context.Context) ([]int, error)                  { return nil, errScript }

// A store error while a plan file is checked is the server's fault: the
// admin is told so, to send it again, and not that their file is wrong; it
// is logged at Error.
func TestPlanUploadStoreErrorIsAServerFault(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	app := &App{Plan: kpi.DefaultPlan(), Plans: failingPlans{}, Cat: cat, Now: time.Now, Loc: time.UTC,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	out := &fakeSender{}
	s := &session{App: app, Request: Request{ChatID: 1, UserID: 1, ChatType: "private", Document: &Document{Name: "p.toml"}},
		Plan: app.Plan, out: out, user: access.User{ID: 1, Role: access.Admin}, known: true, lang: "vi"}
	src := bytes.Replace(kpi.DefaultPlanSource(), []byte("year = 2022"), []byte("year = 2023"), 1)
	src = bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
	if err := s.planFrom(context.Background(), "p.toml", src, false); err != nil {
		t.Fatalf("planFrom = %v", err)
	}
	if len(out.sent) != 1 || out.sent[0] != cat.T("vi", "PlanServerFault") {
		t.Fatalf("replies %q, want the server fault", out.sent)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "out of memory") {
		t.Errorf("the fault was not logged at Error:\n%s", logs.String())
	}
}
