package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/access"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
)

// process is the bot running as its own OS process (this test binary,
// re-executed as the program), so that it can be killed with SIGKILL.
type process struct {
	cmd *exec.Cmd
	out *safeBuffer
}

func startProcess(t *testing.T, api *telegramtest.Server, redisURL, prefix string, env ...string) *process {
	t.Helper()
	before := api.Calls("setMyCommands")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...),
		"TIENDO_TEST_AS_MAIN=1",
		"TELEGRAM_BOT_TOKEN="+api.Token(),
		"TELEGRAM_API_URL="+api.URL(),
		"REDIS_URL="+redisURL,
		"TIENDO_ADMINS=1",
		"TIENDO_REDIS_PREFIX="+prefix,
		"TIENDO_LOG=text",
	)
	p := &process{cmd: cmd, out: &safeBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for api.Calls("setMyCommands") < before+3 {
		if time.Now().After(deadline) {
			t.Fatalf("the bot process did not start:\n%s", p.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

func (p *process) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// kill -9 right after "đã ghi nhận": the figure is there after a restart;
// a question sent while the bot was dead is answered once when it is back.
func TestKill9AfterConfirmationLosesNothing(t *testing.T) {
	rdb := storetest.Redis(t)
	addr := rdb.(*redis.Client).Options().Addr
	prefix := fmt.Sprintf("crash%d", time.Now().UnixNano()%1e9)
	st := store.New(rdb, prefix)
	ctx := context.Background()
	if err := st.PutUser(ctx, access.User{ID: benLuc.UserID, Role: access.Reporter, Unit: "ben-luc"}); err != nil {
		t.Fatal(err)
	}
	api := telegramtest.New()
	defer api.Close()
	h := &harness{t: t, api: api, rdb: rdb, store: st, prefix: prefix}

	p := startProcess(t, api, "redis://"+addr+"/0", prefix)
	h.say(benLuc, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")
	msg := h.lastButtons(benLuc)
	h.press(benLuc, msg, "ok:")
	mustContain(t, h.current(benLuc.UserID, msg.MessageID), "Đã ghi nhận")
	p.kill9(t)

	// While it is dead, someone asks.
	before := len(api.Sent())
	api.SendText(admin, "tiến độ xuất khẩu")
	startProcess(t, api, "redis://"+addr+"/0", prefix)
	got := texts(inChat(admin, h.waitNew(before)))
	mustContain(t, got, "0,52 tỉ USD", "8,1%")
	if n := strings.Count(got, "Kim ngạch xuất khẩu"); n != 1 {
		t.Errorf("the question was answered %d times:\n%s", n, got)
	}
}

// crashSetup is a real Redis, a key prefix of the test's own, a registered
// admin and the in-process Bot API.
func crashSetup(t *testing.T) (*telegramtest.Server, string, string) {
	t.Helper()
	rdb := storetest.Redis(t)
	addr := rdb.(*redis.Client).Options().Addr
	prefix := fmt.Sprintf("crash%d", time.Now().UnixNano()%1e9)
	api := telegramtest.New()
	t.Cleanup(api.Close)
	return api, "redis://" + addr + "/0", prefix
}

// waitCalls waits until method has been called more than n times.
func waitCalls(t *testing.T, api *telegramtest.Server, method string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for api.Calls(method) <= n {
		if time.Now().After(deadline) {
			t.Fatalf("no %s call", method)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// answers counts the bot's messages to chat containing want.
func answers(api *telegramtest.Server, chat int64, want string) int {
	n := 0
	for _, s := range api.Sent() {
		if s.Method == "sendMessage" && s.ChatID == chat && strings.Contains(telegramtest.Render(s.Text), want) {
			n++
		}
	}
	return n
}

// waitAnswers waits until chat has n answers containing want, then a little
// longer for a wrong second one.
func waitAnswers(t *testing.T, api *telegramtest.Server, chat int64, want string, n int) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for answers(api, chat, want) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = api.WaitIdle(ctx, 500*time.Millisecond)
	return answers(api, chat, want)
}

// kill -9 while an update is being handled (its reply on the way to
// Telegram), then an immediate restart, as systemd's Restart=always does:
// Telegram delivers the update again, and the new process must answer it
// even though the dead one's claim is still in Redis.
func TestKill9MidUpdateIsAnsweredAfterRestart(t *testing.T) {
	api, redisURL, prefix := crashSetup(t)
	p := startProcess(t, api, redisURL, prefix)
	api.SetHandlerDelay(5 * time.Second) // the reply is in flight when the process dies
	before := api.Calls("sendMessage")
	api.SendText(admin, "tiến độ xuất khẩu")
	waitCalls(t, api, "sendMessage", before)
	p.kill9(t)
	api.SetHandlerDelay(0)

	startProcess(t, api, redisURL, prefix)
	if n := waitAnswers(t, api, admin.UserID, "Kim ngạch xuất khẩu", 1); n != 1 {
		t.Errorf("the question in flight at kill -9 was answered %d times, want 1", n)
	}
}

// The same in webhook mode: the dead process's claim must not make the new
// one answer 200 to Telegram's retry without handling it.
func TestKill9MidUpdateIsAnsweredAfterRestartWebhook(t *testing.T) {
	api, redisURL, prefix := crashSetup(t)
	addr := freeAddr(t)
	env := []string{"TIENDO_WEBHOOK_URL=http://" + addr + "/hook", "TIENDO_WEBHOOK_LISTEN=" + addr}
	p := startProcess(t, api, redisURL, prefix, env...)
	api.SetHandlerDelay(5 * time.Second)
	before := api.Calls("sendMessage")
	api.SendText(admin, "tiến độ xuất khẩu")
	waitCalls(t, api, "sendMessage", before)
	p.kill9(t)
	api.SetHandlerDelay(0)

	startProcess(t, api, redisURL, prefix, env...)
	if n := waitAnswers(t, api, admin.UserID, "Kim ngạch xuất khẩu", 1); n != 1 {
		t.Errorf("the update in flight at kill -9 was answered %d times, want 1", n)
	}
}
