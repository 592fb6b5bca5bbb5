package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// readmeBlock returns the lines of the code block that follows the line
// "<!-- marker: …" in the README.
func readmeBlock(t *testing.T, marker string) []string {
	t.Helper()
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(src), "<!-- "+marker+":")
	if !ok {
		t.Fatalf("README has no block marked %q", marker)
	}
	_, after, _ = strings.Cut(after, "```")
	_, after, _ = strings.Cut(after, "\n") // the fence's language
	block, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatalf("README block %q is not closed", marker)
	}
	return strings.Split(strings.TrimRight(block, "\n"), "\n")
}

// TestReadmeTrial runs the README's trial as a newcomer would: the shell
// lines (done here in Go), then every chat line piped into the terminal
// chat at today's clock, the form filled before it is sent back, as the
// README says. Each step's answer is checked in order, and every file the
// bot sent is in ./tiendo-files and opens.
func TestReadmeTrial(t *testing.T) {
	shell := readmeBlock(t, "trial-shell")
	wantShell := []string{
		"sed 's/^approval = false/approval = true/' bot/kpi/plans/long-an-2022.toml > ke-hoach-duyet.toml",
		"TIENDO_PLAN=ke-hoach-duyet.toml go run ./cmd/tiendo",
	}
	if strings.Join(shell, "\n") != strings.Join(wantShell, "\n") {
		t.Fatalf("the README's trial shell lines changed; make this test do what they say:\n%s", strings.Join(shell, "\n"))
	}
	plan, err := os.ReadFile("../../bot/kpi/plans/long-an-2022.toml")
	if err != nil {
		t.Fatal(err)
	}
	chat := readmeBlock(t, "trial-chat")
	t.Chdir(t.TempDir())
	withApproval := strings.Replace(string(plan), "\napproval = false\n", "\napproval = true\n", 1)
	if withApproval == string(plan) {
		t.Fatal("the plan has no line approval = false for the sed to change")
	}
	if err := os.WriteFile("ke-hoach-duyet.toml", []byte(withApproval), 0o644); err != nil {
		t.Fatal(err)
	}

	in, feed := io.Pipe()
	var out, errb safeBuffer
	env := map[string]string{"TIENDO_PLAN": "ke-hoach-duyet.toml"}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"tiendo"}, func(k string) string { return env[k] }, in, &out, &errb) }()
	for _, line := range chat {
		if path, ok := strings.CutPrefix(line, ":file "); ok {
			// The newcomer opens the form the bot sent and types 530
			// in Số liệu of the exports row (step 4).
			data := waitFile(t, path, &out)
			filled := fillForm(t, data, map[string]map[string]any{"xuat-khau": {"E": 530}})
			if err := os.WriteFile(path, filled, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := io.WriteString(feed, line+"\n"); err != nil {
			t.Fatalf("the terminal stopped reading at %q: %v\n%s", line, err, out.String())
		}
	}
	feed.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, errb.String())
		}
	case <-ctx.Done():
		t.Fatalf("the trial did not end:\n%s", out.String())
	}

	got := out.String()
	steps := []struct{ step, want string }{
		{"1. reporter added", "Đã thêm 1002: báo cáo, Bến Lức."},
		{"1. editor added", "Đã thêm 1003: chuyên viên."},
		{"2. as Hùng", "now writing as Hùng (#1002)"},
		{"2. read-back", "Kim ngạch xuất khẩu — Bến Lức — tháng 5/2022: 520 triệu USD"},
		{"2. waits for approval", "Đã gửi, chờ chuyên viên duyệt"},
		{"3. as Mai", "now writing as Mai (#1003)"},
		{"3. the request came", "Số liệu chờ duyệt — Hùng (Bến Lức)"},
		{"3. approved", "Đã duyệt bởi Mai"},
		{"3. table saved", "→ tiendo-files/bieu-so-lieu-2022-05.xlsx"},
		{"3. chart saved", "→ tiendo-files/bieu-do-xuat-khau.png"},
		{"3. chart counts the approved figure", "lũy kế 5 tháng 0,52 tỉ USD"},
		{"3. document saved", "→ tiendo-files/bao-cao-2022-05.docx"},
		{"4. Hùng told", "đã được Mai duyệt"},
		{"4. form saved", "→ tiendo-files/mau-bao-cao-ben-luc-2022-12.xlsx"},
		{"4. form read back", "tháng 12/2022: 530 triệu USD"},
		{"4. form waits", "Đã gửi, chờ chuyên viên duyệt"},
		{"4. form approved", "Đã duyệt bởi Mai"},
		{"5. stranger", "Mã Telegram của bạn là 777"},
		{"6. the admin's total", "Đã đạt ít nhất 1,05 tỉ USD / 6,4 tỉ USD"},
	}
	rest := got
	for _, s := range steps {
		i := strings.Index(rest, s.want)
		if i < 0 {
			t.Fatalf("step %s: no %q after the steps before it; transcript:\n%s\nstderr:\n%s", s.step, s.want, got, errb.String())
		}
		rest = rest[i+len(s.want):]
	}
	if strings.Contains(got, "6,4 tỉ USD") && strings.Count(got, "Đã đạt") != 1 {
		t.Errorf("figures shown more than once (to the stranger?):\n%s", got)
	}
	for _, name := range []string{"bieu-so-lieu-2022-05.xlsx", "mau-bao-cao-ben-luc-2022-12.xlsx"} {
		f, err := excelize.OpenFile(filepath.Join("tiendo-files", name))
		if err != nil {
			t.Errorf("%s does not open: %v", name, err)
			continue
		}
		f.Close()
	}
	if doc, err := os.ReadFile(filepath.Join("tiendo-files", "bao-cao-2022-05.docx")); err != nil {
		t.Errorf("the document: %v", err)
	} else {
		mustContain(t, docxText(t, doc), "Kim ngạch xuất khẩu tháng 5/2022")
	}
	pic, err := os.ReadFile(filepath.Join("tiendo-files", "bieu-do-xuat-khau.png"))
	if err == nil {
		_, err = png.Decode(bytes.NewReader(pic))
	}
	if err != nil {
		t.Errorf("the chart: %v", err)
	}
}

// waitFile waits until the terminal has written path and returns it.
func waitFile(t *testing.T, path string, out fmt.Stringer) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return data
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not written in 30 s:\n%s", path, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A script of 50 lines piped into the terminal chat gets 50 answers: the
// bot's flood control (20 at once, then one a second) does not mute the
// terminal's own user, and no line is dropped.
func TestTerminalScriptOfFiftyLines(t *testing.T) {
	var script strings.Builder
	for i := range 50 {
		fmt.Fprintf(&script, "xuất khẩu tháng %d\n", i%12+1)
	}
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := map[string]string{"TIENDO_FILES_DIR": t.TempDir()}
	if code := run(ctx, []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(script.String()), &out, &errb); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errb.String())
	}
	got := out.String()
	answers := strings.Count("\n"+got, "\n» ")
	if answers != 50 || strings.Count(got, "Kim ngạch xuất khẩu") != 50 {
		t.Errorf("%d answers (%d about exports) to 50 lines, want 50:\n%s", answers, strings.Count(got, "Kim ngạch xuất khẩu"), got)
	}
	for i := range 12 {
		if !strings.Contains(got, fmt.Sprintf("tháng %d/2022", i+1)) {
			t.Errorf("no answer about month %d", i+1)
		}
	}
}
