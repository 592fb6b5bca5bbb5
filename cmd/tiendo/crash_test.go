package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
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
	external.Store(api, true)
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

// killRounds is how many rounds TestKill9Loop runs: 3 in the normal suite,
// TIENDO_KILL_ROUNDS for the long run the README reports (20 or more).
func killRounds(t *testing.T) int {
	if v := os.Getenv("TIENDO_KILL_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("TIENDO_KILL_ROUNDS=%q", v)
		}
		return n
	}
	return 3
}

// The kill -9 loop: in each round 20 users send 5 commands each at once,
// the process is killed with SIGKILL when part of them are answered and
// started again at once. Every command must be answered: 0 lost. None may
// be answered twice unless it was in flight at the kill — its reply sent,
// the update not yet marked done — which the new process logs as taken
// over; Telegram's sendMessage cannot be made idempotent, so such an update
// is answered again rather than risk answering it never. Each command is
// unknown to the bot, and its answer names it, so each update's answers can
// be counted.
//
//	TIENDO_KILL_ROUNDS=20 go test -run TestKill9Loop -v ./cmd/tiendo
func TestKill9Loop(t *testing.T) {
	api, redisURL, prefix := crashSetup(t)
	const users, each = 20, 5
	rounds := killRounds(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	p := startProcess(t, api, redisURL, prefix)
	total, lost, twice, inflight := 0, 0, 0, 0
	for round := range rounds {
		// Each reply takes a few tens of milliseconds at the Bot API (a
		// slow network), so that many updates are in flight when the kill
		// comes; a round's answers take about each × delay.
		delay := time.Duration(20+rng.IntN(30)) * time.Millisecond
		api.SetHandlerDelay(delay)
		before := len(api.Sent())
		type cmd struct {
			chat int64
			name string
		}
		var cmds []cmd
		ids := map[cmd]int64{}
		for i := range each {
			for u := range users {
				c := cmd{chat: int64(3000 + u), name: fmt.Sprintf("/kr%du%di%d", round, u, i)}
				cmds = append(cmds, c)
				ids[c] = api.SendText(telegramtest.From{UserID: c.chat, FirstName: "K", LanguageCode: "vi"}, c.name)
			}
		}
		// Kill at a random moment once answering has begun (not at the
		// moment of an answer, which would aim at the one window where an
		// update is answered and not yet marked done).
		deadline := time.Now().Add(20 * time.Second)
		for len(api.Sent()) == before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(each * delay))))
		at := len(api.Sent()) - before
		p.kill9(t)
		api.SetHandlerDelay(0)
		p = startProcess(t, api, redisURL, prefix)
		restarted := p

		deadline = time.Now().Add(30 * time.Second)
		for len(api.Sent())-before < len(cmds) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = api.WaitIdle(ctx, 300*time.Millisecond)
		cancel()
		got := map[cmd]int{}
		for _, s := range api.Sent()[before:] {
			if s.Method != "sendMessage" {
				continue
			}
			for _, c := range cmds {
				if s.ChatID == c.chat && strings.Contains(telegramtest.Render(s.Text), c.name+".") {
					got[c]++
				}
			}
		}
		over := takenOver(restarted.out.String())
		rl, rt, bad := 0, 0, 0
		for _, c := range cmds {
			switch n := got[c]; {
			case n == 0:
				rl++
			case n > 1:
				rt += n - 1
				if !over[ids[c]] {
					bad++
					t.Errorf("round %d: %s answered %d times, and it was not in flight at the kill", round+1, c.name, n)
				}
			}
		}
		t.Logf("round %d: %d updates, killed after %d answers; %d in flight taken over; lost %d, answered twice %d",
			round+1, len(cmds), at, len(over), rl, rt)
		total, lost, twice, inflight = total+len(cmds), lost+rl, twice+rt, inflight+len(over)
	}
	t.Logf("kill -9 loop: %d rounds, %d updates, %d in flight at a kill; %d lost, %d answered twice", rounds, total, inflight, lost, twice)
	if lost > 0 {
		t.Errorf("%d of %d updates lost, want 0", lost, total)
	}
}

var takenOverRE = regexp.MustCompile(`msg="update taken over[^"]*" update_id=(\d+)`)

// takenOver returns the update ids a process's log says it took over from
// a dead copy.
func takenOver(log string) map[int64]bool {
	out := map[int64]bool{}
	for _, m := range takenOverRE.FindAllStringSubmatch(log, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		out[id] = true
	}
	return out
}

// Two webhook copies behind a load balancer, one killed with -9 while
// updates flow: Telegram's retries go to the other copy, which answers
// every update; none is lost to the dead copy's claim.
func TestKill9OneOfTwoWebhookCopies(t *testing.T) {
	api, redisURL, prefix := crashSetup(t)
	backends := []string{freeAddr(t), freeAddr(t)}
	// A round-robin balancer that knows what each copy has in hand.
	var next atomic.Int64
	var inflight [2]atomic.Int64
	var proxies [2]*httputil.ReverseProxy
	for i, b := range backends {
		target := &url.URL{Scheme: "http", Host: b}
		proxies[i] = &httputil.ReverseProxy{
			Rewrite:  func(r *httputil.ProxyRequest) { r.SetURL(target) },
			ErrorLog: log.New(io.Discard, "", 0),
		}
	}
	lb := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := next.Add(1) % 2
		inflight[i].Add(1)
		defer inflight[i].Add(-1)
		proxies[i].ServeHTTP(w, r)
	})
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: lb}
	go func() { _ = srv.Serve(front) }()
	t.Cleanup(func() { _ = srv.Close() })

	hook := "TIENDO_WEBHOOK_URL=http://" + front.Addr().String() + "/hook"
	copies := []*process{
		startProcess(t, api, redisURL, prefix, hook, "TIENDO_WEBHOOK_LISTEN="+backends[0]),
		startProcess(t, api, redisURL, prefix, hook, "TIENDO_WEBHOOK_LISTEN="+backends[1]),
	}
	api.SetHandlerDelay(20 * time.Millisecond)
	const n = 60
	for i := range n {
		api.SendText(telegramtest.From{UserID: int64(3500 + i%6), FirstName: "W", LanguageCode: "vi"}, fmt.Sprintf("/w%d", i))
	}
	// Kill the first copy once a third is answered, while it has an update in
	// hand (its reply waiting in the Bot API's delay).
	// The Bot API double posts one update at a time, so a sendMessage that
	// starts while the first copy has a post in hand is that copy's reply.
	deadline := time.Now().Add(20 * time.Second)
	for len(api.Sent()) < n/3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for time.Now().Before(deadline) {
		if inflight[0].Load() == 0 {
			time.Sleep(100 * time.Microsecond)
			continue
		}
		c := api.Calls("sendMessage")
		for inflight[0].Load() > 0 && api.Calls("sendMessage") == c {
			time.Sleep(100 * time.Microsecond)
		}
		if inflight[0].Load() > 0 {
			break
		}
	}
	copies[0].kill9(t)
	deadline = time.Now().Add(60 * time.Second)
	for len(api.Sent()) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = api.WaitIdle(ctx, 500*time.Millisecond)
	over := takenOver(copies[1].out.String())
	lost, twice := 0, 0
	for i := range n {
		chat, name := int64(3500+i%6), fmt.Sprintf("/w%d.", i)
		switch got := answers(api, chat, name); {
		case got == 0:
			lost++
		case got > 1:
			twice += got - 1
		}
	}
	t.Logf("%d updates, one copy killed: %d lost, %d answered twice, %d taken over", n, lost, twice, len(over))
	if lost > 0 {
		t.Errorf("%d of %d updates lost", lost, n)
	}
	if twice > len(over) {
		t.Errorf("%d answered twice, more than the %d in flight at the kill", twice, len(over))
	}
	if len(over) == 0 {
		t.Errorf("no update was in hand at the kill: the test proved nothing")
	}
}
