package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
	"tiendo/handlers"
)

// TestMain doubles as the program itself when TIENDO_TEST_AS_MAIN is set, so
// tests can run the bot as a separate process and kill -9 it.
func TestMain(m *testing.M) {
	if os.Getenv("TIENDO_TEST_AS_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, []string{"tiendo"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	storetest.Main(m)
}

// The newcomer's first minute: no token, no Redis; a question on standard
// input; the export target on standard output, and a clean exit at EOF.
func TestTerminalChatAnswersTheExportQuestion(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader("tien do xuat khau\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{"Kim ngạch xuất khẩu", "6,4 tỉ USD", "Chưa có số liệu"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<b>") || strings.Contains(got, "&lt;") {
		t.Errorf("terminal output shows markup:\n%s", got)
	}
	if !strings.Contains(errb.String(), "nothing survives a restart") {
		t.Errorf("no warning about the embedded Redis on stderr: %q", errb.String())
	}
}

func TestBadConfigurationIsOneLineEach(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": "secret-token-without-colon",
		"REDIS_URL":          "redis://127.0.0.1:6379/0",
		"TIENDO_ADMINS":      "12,abc",
		"TIENDO_TZ":          "Mars/Olympus",
		"TIENDO_QUIET_HOURS": "late",
		"TIENDO_PUBLIC":      "maybe",
	}
	code := run(context.Background(), []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if len(lines) != 5 {
		t.Errorf("%d lines, want one per problem (5):\n%s", len(lines), errb.String())
	}
	for _, want := range []string{"TELEGRAM_BOT_TOKEN", "TIENDO_ADMINS: \"abc\"", "TIENDO_TZ", "TIENDO_QUIET_HOURS", "TIENDO_PUBLIC"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("no line about %s:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), "secret-token") {
		t.Error("the token was printed")
	}
}

func TestUnreachableRedisStopsTheStart(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0"}
	code := run(context.Background(), []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "redis: cannot reach 127.0.0.1:1") {
		t.Fatalf("exit %d, stderr %q; want 1 and a line naming Redis", code, errb.String())
	}
}

func TestMalformedPlanNamesFilePlaceProblem(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/plan.toml"
	if err := writeFile(path, "id = \"x\"\nyear = 2022\n[[units]]\nid = \"a\"\nname = \"A\"\n[[indicators]]\nid = \"xk\"\nname_vi = \"XK\"\nkind = \"cumulative\"\nmeasure = \"USD\"\ntarget = \"6,4\"\nreporters = \"units\"\nfrequency = \"monthly\"\ndue_day = 20\n"); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := map[string]string{"TIENDO_PLAN": path}
	code := run(context.Background(), []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "config: plan "+path+": indicators[0] (xk).target") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// harness runs the whole program against the in-process Bot API and a real Redis.
type harness struct {
	t      testing.TB
	api    *telegramtest.Server
	rdb    redis.UniversalClient
	store  *store.Store
	prefix string
	// redisURL is the bot's REDIS_URL; "" means the single node of rdb.
	redisURL string
	logs     *safeBuffer // the last launched copy's stderr
	app      *handlers.App
	stop     func() // the bot and the Bot API
	stopBot  func() // the bot only
	// busy counts the updates the copies launched here have in hand.
	busy atomic.Int64
}

// external holds the Bot APIs that a bot process started by startProcess
// answers on: its updates are not counted in busy, so waits there listen
// for a silence instead.
var external sync.Map

var prefixN struct {
	sync.Mutex
	n int
}

func start(t testing.TB, env map[string]string, opts ...bot.Option) *harness {
	t.Helper()
	return startOn(t, telegramtest.New(), env, opts...)
}

// startOn is start on a Bot API of the caller's (with limits, say); the
// harness closes it.
func startOn(t testing.TB, api *telegramtest.Server, env map[string]string, opts ...bot.Option) *harness {
	t.Helper()
	rdb := storetest.Redis(t)
	prefixN.Lock()
	prefixN.n++
	prefix := fmt.Sprintf("e2e%d%d", time.Now().UnixNano()%1e6, prefixN.n)
	prefixN.Unlock()
	h := &harness{t: t, api: api, rdb: rdb, prefix: prefix, store: store.New(rdb, prefix)}
	h.app, h.stopBot = h.launch(env, opts...)
	h.stop = func() {
		h.stopBot()
		api.Close()
	}
	t.Cleanup(h.stop)
	return h
}

// launch runs one copy of the bot on the harness's Bot API and Redis, and
// returns its App and a function that stops it.
func (h *harness) launch(env map[string]string, opts ...bot.Option) (*handlers.App, func()) {
	t := h.t
	t.Helper()
	redisURL := h.redisURL
	if redisURL == "" {
		redisURL = "redis://" + h.rdb.(*redis.Client).Options().Addr + "/0"
	}
	full := map[string]string{
		"TELEGRAM_BOT_TOKEN":  h.api.Token(),
		"TELEGRAM_API_URL":    h.api.URL(),
		"REDIS_URL":           redisURL,
		"TIENDO_ADMINS":       "1",
		"TIENDO_REDIS_PREFIX": h.prefix,
		"TIENDO_LOG":          "text",
	}
	for k, v := range env {
		full[k] = v
	}
	ready := make(chan *handlers.App, 1)
	// Each test gets its own reminder queue: tests share one Redis.
	opts = append([]bot.Option{bot.WithReminders(func(c *remind.Config) {
		c.Queue, c.Poll, c.FoldWait = h.prefix, 100*time.Millisecond, time.Second
	})}, opts...)
	opts = append(opts, bot.WithPollTimeout(time.Second), bot.WithReady(func(a *handlers.App) { ready <- a }),
		bot.WithBusy(func(d int) { h.busy.Add(int64(d)) }))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb safeBuffer
	h.logs = &errb
	go func() {
		done <- run(ctx, []string{"tiendo"}, func(k string) string { return full[k] }, strings.NewReader(""), &safeBuffer{}, &errb, opts...)
	}()
	var app *handlers.App
	select {
	case app = <-ready:
	case code := <-done:
		t.Fatalf("bot exited %d at start:\n%s", code, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("bot did not start:\n%s", errb.String())
	}
	stopped := false
	return app, func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Errorf("bot did not stop")
		}
	}
}

// say sends text as from and returns what the bot then did in from's chat.
func (h *harness) say(from telegramtest.From, text string) []telegramtest.Sent {
	h.t.Helper()
	before := len(h.api.Sent())
	h.api.SendText(from, text)
	return inChat(from, h.waitNew(before))
}

func inChat(from telegramtest.From, ss []telegramtest.Sent) []telegramtest.Sent {
	chat := from.ChatID
	if chat == 0 {
		chat = from.UserID
	}
	var out []telegramtest.Sent
	for _, s := range ss {
		if s.ChatID == chat || s.Method == "answerCallbackQuery" {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) waitNew(before int) []telegramtest.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.api.WaitSent(ctx, before+1); err != nil {
		h.t.Fatalf("the bot did not answer: %v", err)
	}
	h.settle(ctx)
	return h.api.Sent()[before:]
}

// settle waits until the bot is done: nothing in hand and the Bot API idle.
// A copy in another process is not counted: there a silence of 150 ms
// stands for "done".
func (h *harness) settle(ctx context.Context) {
	h.t.Helper()
	if _, ext := external.Load(h.api); ext {
		if err := h.api.WaitIdle(ctx, 150*time.Millisecond); err != nil {
			h.t.Fatalf("the bot did not go quiet: %v", err)
		}
		return
	}
	for {
		if err := h.api.WaitIdle(ctx, 10*time.Millisecond); err != nil {
			h.t.Fatalf("the bot did not go quiet: %v", err)
		}
		if h.busy.Load() == 0 {
			return
		}
		select {
		case <-ctx.Done():
			h.t.Fatalf("the bot is still busy with %d updates", h.busy.Load())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func texts(ss []telegramtest.Sent) string {
	var b strings.Builder
	for _, s := range ss {
		if s.Text != "" {
			b.WriteString(telegramtest.Render(s.Text) + "\n")
		}
	}
	return b.String()
}

var (
	admin    = telegramtest.From{UserID: 1, FirstName: "Lan", LanguageCode: "vi"}
	stranger = telegramtest.From{UserID: 777, FirstName: "Minh", LanguageCode: "vi"}
	english  = telegramtest.From{UserID: 42, FirstName: "Anna", LanguageCode: "en"}
)

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}

func TestQuestionsEndToEnd(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	at := time.Date(2022, 4, 15, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	for _, r := range []kpi.Report{
		{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 3), Value: 520_000_000 * kpi.AmountScale, By: 5, ByName: "Hùng", At: at},
		{Indicator: "grdp", Unit: "so-cong-thuong", Period: kpi.Quarter(2022, 1), Value: 6_200, By: 1, ByName: "Lan", At: at},
	} {
		if _, err := h.store.PutReport(ctx, "long-an-2022", r); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("vietnamese with and without marks", func(t *testing.T) {
		for _, q := range []string{"tiến độ xuất khẩu?", "tien do xuat khau", "TIẾN ĐỘ XK", "/tiendo xk", "/tiendo@TienDoBot xk", "xuat kau"} {
			got := texts(h.say(admin, q))
			mustContain(t, got, "Kim ngạch xuất khẩu", "0,52 tỉ USD", "6,4 tỉ USD", "8,1%", "tháng 3", "Bến Lức", "Hùng")
		}
	})
	t.Run("english user gets english", func(t *testing.T) {
		if err := h.store.PutUser(ctx, access.User{ID: 42, Role: access.Viewer}); err != nil {
			t.Fatal(err)
		}
		got := texts(h.say(english, "export progress"))
		mustContain(t, got, "Export turnover", "0.52 billion USD", "6.4 billion USD", "8.1%")
	})
	t.Run("stranger learns the id and sees nothing", func(t *testing.T) {
		got := texts(h.say(stranger, "tiến độ xuất khẩu"))
		mustContain(t, got, "777", "quản trị")
		if strings.Contains(got, "6,4") || strings.Contains(got, "0,52") {
			t.Errorf("a stranger saw figures:\n%s", got)
		}
	})
	t.Run("unit and period filters", func(t *testing.T) {
		got := texts(h.say(admin, "xuất khẩu Cần Giuộc"))
		mustContain(t, got, "Kim ngạch xuất khẩu — Cần Giuộc", "Chưa có số liệu")
		if strings.Contains(got, "0,52") {
			t.Errorf("Bến Lức's figure shown for Cần Giuộc:\n%s", got)
		}
		got = texts(h.say(admin, "xuất khẩu quý 1"))
		mustContain(t, got, "quý 1", "0,52 tỉ USD")
	})
	t.Run("rate against a range", func(t *testing.T) {
		got := texts(h.say(admin, "tăng trưởng GRDP"))
		mustContain(t, got, "6,2%", "6,5–7%", "chưa đạt")
	})
	t.Run("nothing matches: suggestions", func(t *testing.T) {
		got := texts(h.say(admin, "tiến độ xuất khẩu gạo sang châu Âu abcdef"))
		if !strings.Contains(got, "Kim ngạch xuất khẩu") {
			t.Errorf("no suggestion:\n%s", got)
		}
		// Not an indicator: no figures, and a command to write instead.
		got = texts(h.say(admin, "thời tiết hôm nay"))
		if strings.Contains(got, "Đã đạt") || strings.Contains(got, "tỉ USD") {
			t.Errorf("a question about the weather got figures:\n%s", got)
		}
		if !strings.Contains(got, "/tongquan") && !strings.Contains(got, "/trogiup") {
			t.Errorf("the refusal does not say what to write instead (/tongquan or /trogiup):\n%s", got)
		}
	})
	t.Run("overview marks behind pace", func(t *testing.T) {
		got := texts(h.say(admin, "/tongquan"))
		mustContain(t, got, "Tổng quan", "⚠️", "Kim ngạch xuất khẩu", "Nhà máy điện mặt trời TTC Đức Huệ 2")
		if n := strings.Count(got, "\n"); n < 10 {
			t.Errorf("overview has %d lines, want every indicator", n)
		}
	})
}

func TestUsersAndLanguage(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	role := func(id int64) access.User {
		t.Helper()
		u, err := h.store.User(ctx, id)
		if err != nil {
			t.Fatalf("user %d: %v", id, err)
		}
		return u
	}
	// Each reply is the bot's own sentence, not the words typed, and the
	// store holds what it says.
	got := texts(h.say(admin, "/nguoidung them 555 bao cao Bến Lức"))
	mustContain(t, got, "Đã thêm 555: báo cáo, Bến Lức.")
	if u := role(555); u.Role != access.Reporter || u.Unit != "ben-luc" {
		t.Errorf("555 stored as %+v, want a reporter of ben-luc", u)
	}
	got = texts(h.say(admin, "/nguoidung them 556 chuyên viên"))
	mustContain(t, got, "Đã thêm 556: chuyên viên.")
	got = texts(h.say(admin, "/nguoidung them 557 boss"))
	mustContain(t, got, "Không hiểu vai trò", "quantri, chuyenvien, baocao, xem")
	got = texts(h.say(admin, "/nguoidung them 558 baocao"))
	mustContain(t, got, "cần một đơn vị", "/nguoidung them 558 baocao Bến Lức")
	got = texts(h.say(admin, "/nguoidung"))
	mustContain(t, got, "555 — báo cáo — Bến Lức", "556 — chuyên viên")
	if strings.Contains(got, "557") || strings.Contains(got, "558") {
		t.Errorf("a refused user was added:\n%s", got)
	}
	got = texts(h.say(admin, "/nguoidung sua 555 xem"))
	mustContain(t, got, "Đã đổi 555 thành xem.")
	if u := role(555); u.Role != access.Viewer {
		t.Errorf("555 is %v after the change, want a viewer", u.Role)
	}
	got = texts(h.say(admin, "/nguoidung xoa 1"))
	mustContain(t, got, "do cấu hình (TIENDO_ADMINS)")
	got = texts(h.say(admin, "/nguoidung xoa 556"))
	mustContain(t, got, "Đã xóa người dùng 556.")
	if got := texts(h.say(admin, "/nguoidung")); strings.Contains(got, "556") {
		t.Errorf("a removed user is still listed:\n%s", got)
	}
	u := telegramtest.From{UserID: 555, FirstName: "Hùng"}
	got = texts(h.say(u, "/nguoidung"))
	mustContain(t, got, "không có quyền")
	got = texts(h.say(u, "/lang en"))
	mustContain(t, got, "English")
	got = texts(h.say(u, "/help"))
	mustContain(t, got, "Ask for progress")
	got = texts(h.say(admin, "/users add 600 reporter Ben Luc"))
	mustContain(t, got, "Đã thêm 600: báo cáo, Bến Lức.")
}

func TestRepeatedUpdateIsHandledOnce(t *testing.T) {
	h := start(t, nil)
	if n := h.answersToRedelivered(admin, "/tongquan"); n != 1 {
		t.Errorf("%d answers to one update delivered twice, want 1", n)
	}
}

// answersToRedelivered sends text, lets the bot answer, has Telegram deliver
// the same update (same update_id) again, and counts the messages sent.
func (h *harness) answersToRedelivered(from telegramtest.From, text string) int {
	h.t.Helper()
	before := len(h.api.Sent())
	id := h.api.SendText(from, text)
	h.waitNew(before)
	h.api.Redeliver(id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.api.WaitIdle(ctx, 500*time.Millisecond)
	n := 0
	for _, s := range h.api.Sent()[before:] {
		if s.Method == "sendMessage" {
			n++
		}
	}
	return n
}

// HTML in what users write never reaches a reply as markup.
func TestUserTextIsEscaped(t *testing.T) {
	h := start(t, nil)
	got := h.say(telegramtest.From{UserID: 900, FirstName: "<b>X</b>"}, "/start")
	for _, s := range got {
		if strings.Contains(s.Text, "<b>X</b>") {
			t.Errorf("name injected as HTML: %s", s.Text)
		}
	}
	got = h.say(admin, "/nguoidung them <i>1</i> xem")
	for _, s := range got {
		if strings.Contains(s.Text, "<i>1</i>") {
			t.Errorf("argument injected as HTML: %s", s.Text)
		}
	}
}

func TestMenusInBothLanguages(t *testing.T) {
	h := start(t, nil)
	cmds := h.api.Commands()
	if len(cmds["vi"]) == 0 || len(cmds["en"]) == 0 {
		t.Fatalf("menus: %v", cmds)
	}
	names := func(lang string) string {
		var s []string
		for _, c := range cmds[lang] {
			s = append(s, c.Command)
		}
		return strings.Join(s, " ")
	}
	mustContain(t, names("vi"), "tiendo", "tongquan", "trogiup")
	mustContain(t, names("en"), "progress", "overview", "help")
}

// Redis lost while running: the user is told, the bot lives, and recovers.
func TestRedisLostWhileRunning(t *testing.T) {
	if storetest.IsMiniredis(t) {
		t.Skip("needs a real redis-server to stop and start")
	}
	h := start(t, nil)
	got := texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "6,4 tỉ USD")
	storetest.Stop(t)
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "tạm thời")
	storetest.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got = texts(h.say(admin, "tiến độ xuất khẩu"))
		if strings.Contains(got, "6,4 tỉ USD") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	mustContain(t, got, "6,4 tỉ USD")
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }

// The token never reaches the logs, even in the client's own errors (which
// carry the request URL, token included).
func TestTokenNeverLogged(t *testing.T) {
	const token = "987654:SECRETsecretSECRET"
	api := telegramtest.New()
	api.Close() // nothing answers there
	var out, errb bytes.Buffer
	env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api.URL(), "TIENDO_STORE": "memory"}
	code := run(context.Background(), []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(errb.String()+out.String(), "SECRET") {
		t.Errorf("the token was printed:\n%s", errb.String())
	}
	if !strings.Contains(errb.String(), "getMe") {
		t.Errorf("no clear line about Telegram:\n%s", errb.String())
	}
}

// A webhook left over from another deployment is deleted at start; without
// that, getUpdates would get 409 for ever.
func TestLeftoverWebhookIsDeleted(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	c, err := tgbot.New(api.Token(), tgbot.WithServerURL(api.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetWebhook(context.Background(), &tgbot.SetWebhookParams{URL: "http://127.0.0.1:1/hook"}); err != nil {
		t.Fatal(err)
	}
	rdb := storetest.Redis(t)
	prefix := fmt.Sprintf("wh%d", time.Now().UnixNano()%1e9)
	h := &harness{t: t, api: api, rdb: rdb, prefix: prefix, store: store.New(rdb, prefix)}
	var stop func()
	h.app, stop = h.launch(nil, bot.WithoutReminders())
	defer stop()
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "6,4 tỉ USD")
}

// A sticker in a private chat is answered, not dropped.
func TestNonTextMessageIsAnswered(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	before := len(h.api.Sent())
	_, err := h.api.Enqueue(map[string]any{"message": map[string]any{
		"message_id": 99, "date": time.Now().Unix(),
		"chat":    map[string]any{"id": admin.UserID, "type": "private"},
		"from":    map[string]any{"id": admin.UserID, "is_bot": false, "first_name": "Lan"},
		"sticker": map[string]any{"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1, "height": 1, "is_animated": false, "is_video": false},
	}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, texts(inChat(admin, h.waitNew(before))), "chỉ đọc tin nhắn chữ")
}

// An update the bot has nothing to do with (an edited message) is done once
// taken: it leaves the inbox rather than being handed out again every
// recovery round for a day.
func TestIgnoredUpdateLeavesTheInbox(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	id, err := h.api.Enqueue(map[string]any{"edited_message": map[string]any{
		"message_id": 98, "date": time.Now().Unix(), "edit_date": time.Now().Unix(),
		"chat": map[string]any{"id": admin.UserID, "type": "private"},
		"from": map[string]any{"id": admin.UserID, "is_bot": false, "first_name": "Lan"},
		"text": "tiến độ xuất khẩu",
	}})
	if err != nil {
		t.Fatal(err)
	}
	key := h.store.Key("upd", strconv.FormatInt(id, 10))
	eventually(t, "the edited message marked done and out of the inbox", func() bool {
		v, _ := h.rdb.Get(context.Background(), key).Result()
		in, err := h.store.Inbox(context.Background(), 10)
		return v == "done" && err == nil && len(in) == 0
	})
}
