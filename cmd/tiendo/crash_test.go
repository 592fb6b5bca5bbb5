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

func startProcess(t *testing.T, api *telegramtest.Server, redisURL, prefix string) *process {
	t.Helper()
	before := api.Calls("setMyCommands")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
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
