package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/locales"
)

// fakeSender records replies.
type fakeSender struct {
	mu   sync.Mutex
	sent []string
}

func (f *fakeSender) Send(_ context.Context, _ int64, html string, _ [][]Button) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, html)
	return len(f.sent), nil
}

func (f *fakeSender) Edit(context.Context, int64, int, string, [][]Button) error { return nil }
func (f *fakeSender) Answer(context.Context, string, string) error               { return nil }

// A handler that panics (here: no store at all) answers the generic apology
// and returns an error; the process lives on.
func TestHandlePanicIsRecovered(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := &App{Plan: kpi.DefaultPlan(), Cat: cat, Now: time.Now, Loc: time.UTC, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	out := &fakeSender{}
	err = app.Handle(context.Background(), out, Request{ChatID: 5, UserID: 5, ChatType: "private", Text: "tiến độ xuất khẩu"})
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("error %v, want the panic reported", err)
	}
	if len(out.sent) != 1 || out.sent[0] != cat.T("vi", "ErrInternal") {
		t.Fatalf("replies %q, want the apology", out.sent)
	}
}

func TestSplitCommand(t *testing.T) {
	cases := []struct {
		text, name, args string
		forUs            bool
	}{
		{"/tiendo xk", "tiendo", "xk", true},
		{"/TienDo@TienDoBot xk ben luc", "tiendo", "xk ben luc", true},
		{"/tiendo@OtherBot xk", "tiendo", "xk", false},
		{"/capnhat\nxuất khẩu: 520 triệu USD", "capnhat", "xuất khẩu: 520 triệu USD", true},
		{"/start abc123", "start", "abc123", true},
	}
	for _, c := range cases {
		name, args, forUs := splitCommand(c.text, "TienDoBot")
		if name != c.name || args != c.args || forUs != c.forUs {
			t.Errorf("splitCommand(%q) = %q, %q, %v; want %q, %q, %v", c.text, name, args, forUs, c.name, c.args, c.forUs)
		}
	}
}

// Only an unreachable Redis is "temporarily unavailable"; a bug is not.
func TestUnavailable(t *testing.T) {
	cases := map[string]struct {
		err  error
		want bool
	}{
		"refused":       {fmt.Errorf("store: read user 1: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		"closed":        {fmt.Errorf("store: %w", io.EOF), true},
		"timeout":       {fmt.Errorf("store: %w", context.DeadlineExceeded), true},
		"pool":          {errors.New("redis: connection pool timeout"), true},
		"bad record":    {errors.New("store: read user 1: invalid character 'x' looking for beginning of value"), false},
		"script answer": {errors.New(`store: confirm: unexpected script answer ["?"]`), false},
	}
	for name, c := range cases {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", name, c.err, got, c.want)
		}
	}
}
