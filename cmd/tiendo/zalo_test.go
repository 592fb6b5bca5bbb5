package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
	"tiendo/bot/zalo"
	"tiendo/bot/zalotest"
)

// zaloClock is a day in the embedded plan's year, when its months can be
// reported.
func zaloClock() time.Time {
	return time.Date(2022, 5, 20, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
}

// zsay sends text from a Zalo user and returns the bot's messages to their
// chat that follow, once the bot has nothing in hand.
func zsay(h *harness, z *zalotest.Server, from zalotest.From, text string) []zalotest.Sent {
	h.t.Helper()
	before := len(z.SentTo(from.UserID))
	z.SendText(from, text)
	return zwait(h, z, from, before)
}

func zwait(h *harness, z *zalotest.Server, from zalotest.From, before int) []zalotest.Sent {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := z.WaitSentTo(ctx, from.UserID, before+1); err != nil {
		h.t.Fatalf("the bot did not answer on Zalo: %v\n%s", err, h.logs.String())
	}
	zsettle(h, z, ctx)
	return z.SentTo(from.UserID)[before:]
}

// zsettle waits until every Zalo update was taken and none is in hand.
func zsettle(h *harness, z *zalotest.Server, ctx context.Context) {
	h.t.Helper()
	if err := z.WaitDrained(ctx); err != nil {
		h.t.Fatalf("updates left on Zalo: %v", err)
	}
	for h.busy.Load() != 0 {
		select {
		case <-ctx.Done():
			h.t.Fatalf("the bot is still busy with %d updates", h.busy.Load())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func ztexts(ss []zalotest.Sent) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Text + "\n")
	}
	return b.String()
}

// zjoin has the admin make an invite on Telegram (command) and from type
// its code on Zalo, as /start <code>; the welcome must name want.
func zjoin(t *testing.T, h *harness, z *zalotest.Server, from zalotest.From, command, want string) {
	t.Helper()
	invite := texts(h.say(admin, command))
	i := strings.Index(invite, "start=")
	if i < 0 {
		t.Fatalf("no invite link:\n%s", invite)
	}
	code := strings.Fields(invite[i+len("start="):])[0]
	mustContain(t, ztexts(zsay(h, z, from, "/start "+code)), want)
}

func startZalo(t *testing.T) (*harness, *zalotest.Server) {
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL()},
		bot.WithClock(zaloClock), bot.WithoutReminders())
	return h, z
}

// startZaloFiles is startZalo with the bot's HTTP server on a free address
// that is also its public URL, so files go out as signed links and come in
// through upload links; it returns that address too.
func startZaloFiles(t *testing.T, clock func() time.Time) (*harness, *zalotest.Server, string) {
	addr := freeAddr(t)
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(),
		"TIENDO_HTTP_LISTEN": addr, "TIENDO_PUBLIC_URL": "http://" + addr},
		bot.WithClock(clock), bot.WithoutReminders())
	return h, z, addr
}

// A reporter invited on Telegram joins on Zalo with the code, asks, reports
// a month, confirms by typing "1", and the admin on Telegram sees the figure.
func TestZaloReporterConfirmsByNumber(t *testing.T) {
	h, z := startZalo(t)
	rep := zalotest.From{UserID: "e4ea2cd5189df1c3a88c", Name: "Nguyễn Văn Bình"}
	zjoin(t, h, z, rep, "/moi baocao Bến Lức", "Bến Lức")

	mustContain(t, ztexts(zsay(h, z, rep, "tiến độ xuất khẩu")), "xuất khẩu")
	readBack := ztexts(zsay(h, z, rep, "cập nhật xuất khẩu tháng 4/2022: 520 triệu USD"))
	mustContain(t, readBack, "520", "Gõ 1 để")
	done := ztexts(zsay(h, z, rep, "1"))
	mustContain(t, done, "520 triệu USD")

	got := texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "0,52 tỉ USD", "Nguyễn Văn Bình (Bến Lức)")

	// "1" again: the confirmation's choices are closed; nothing is stored twice.
	zsay(h, z, rep, "1")
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("%d reports after a second 1, want 1", len(rs))
	}

	// Undo on Zalo: it says what it will undo, and undoes it on "1" only.
	mustContain(t, ztexts(zsay(h, z, rep, "/hoantac")), "Hoàn tác thay đổi gần nhất", "Gõ 1 để")
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("undone before the choice: %+v", rs)
	}
	mustContain(t, ztexts(zsay(h, z, rep, "1")), "Đã hoàn tác")
	if rs := h.reports("xuat-khau"); len(rs) != 0 {
		t.Fatalf("after undo: %+v", rs)
	}

	for _, s := range z.Sent() {
		if strings.ContainsAny(s.Text, "<>") || len([]rune(s.Text)) > zalotest.MaxText {
			t.Errorf("a Zalo message leaks markup or is too long: %.200q", s.Text)
		}
	}
	if r := z.Refused(); len(r) != 0 {
		t.Errorf("Zalo refused: %+v", r)
	}
}

// Zalo has no offset: the same message may come twice. It is handled once.
func TestZaloSameMessageTwiceHandledOnce(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "a1b2c3d4e5f6a7b8c9d0", Name: "Trần Thị Hoa"}
	zjoin(t, h, z, u, "/moi xem", "")
	before := len(z.SentTo(u.UserID))
	id := z.SendText(u, "tiến độ xuất khẩu")
	first := zwait(h, z, u, before)
	if len(first) == 0 {
		t.Fatal("no answer")
	}
	if !z.Redeliver(id) {
		t.Fatal("redeliver: unknown message")
	}
	// The chat's updates are handled in order: once the next question is
	// answered, the copy before it was taken and passed over.
	after := zsay(h, z, u, "tiến độ nhập khẩu")
	for _, m := range after {
		if m.Text == first[0].Text {
			t.Fatalf("the redelivered message was answered again:\n%s", ztexts(after))
		}
	}
	if len(after) == 0 {
		t.Fatal("no answer to the next question")
	}
}

// linkIn returns the first http(s) URL of text.
func linkIn(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "http")
	if i < 0 {
		t.Fatalf("no link in:\n%s", text)
	}
	return strings.Fields(text[i:])[0]
}

func fetchLink(t *testing.T, url string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// /baocao on Zalo sends a link that downloads the same workbook Telegram
// gets as a document; a link changed in any way is worthless; /bieudo goes
// out with sendPhoto pointing at its link.
func TestZaloFilesAsSignedLinks(t *testing.T) {
	h, z, addr := startZaloFiles(t, zaloClock)
	u := zalotest.From{UserID: "0a0b0c0d0e0f", Name: "Lê Văn Tâm"}
	zjoin(t, h, z, u, "/moi xem", "")

	msg := ztexts(zsay(h, z, u, "/baocao tháng 4/2022"))
	mustContain(t, msg, "bieu-so-lieu-2022-04.xlsx", "4 giờ")
	link := linkIn(t, msg)
	code, got, hdr := fetchLink(t, link)
	if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "bieu-so-lieu-2022-04.xlsx") {
		t.Fatalf("GET %s: %d %v\n%s", link, code, hdr, msg)
	}
	docs := sentFiles(admin, h.say(admin, "/baocao tháng 4/2022"), "sendDocument")
	if len(docs) != 1 {
		t.Fatalf("Telegram documents: %+v", docs)
	}
	if !bytes.Equal(got, docs[0].Data) {
		zs, _ := openXLSX(t, got).GetRows("Biểu số liệu")
		ts, _ := openXLSX(t, docs[0].Data).GetRows("Biểu số liệu")
		if fmt.Sprint(zs) != fmt.Sprint(ts) {
			t.Fatalf("the link's workbook differs from Telegram's:\n%v\n%v", zs, ts)
		}
	}
	for _, bad := range []string{
		strings.Replace(link, "bieu-so-lieu", "bieu-so-liex", 1), // another name
		link[:len(link)-2] + "xx",                                // another signature
		strings.Replace(link, "/f/", "/f/0", 1),                  // another file
	} {
		if code, _, _ := fetchLink(t, bad); code != 404 {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}

	before := len(z.SentTo(u.UserID))
	z.SendText(u, "/bieudo xuất khẩu")
	zwait(h, z, u, before)
	var photo *zalotest.Sent
	for _, s := range z.SentTo(u.UserID)[before:] {
		if s.Method == "sendPhoto" {
			photo = &s
		}
	}
	if photo == nil || !strings.HasPrefix(photo.Photo, "http://"+addr+"/f/") {
		t.Fatalf("no sendPhoto at a link: %+v", z.SentTo(u.UserID)[before:])
	}
	if _, err := png.Decode(bytes.NewReader(photo.Data)); err != nil {
		t.Fatalf("the photo fetched from the link is not a PNG: %v", err)
	}
	if r := z.Refused(); len(r) != 0 {
		t.Errorf("Zalo refused: %+v", r)
	}
}

// Without TIENDO_PUBLIC_URL a file is answered with what it needs.
func TestZaloFilesNeedPublicURL(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "0f0e0d", Name: "Phạm Thu"}
	zjoin(t, h, z, u, "/moi xem", "")
	mustContain(t, ztexts(zsay(h, z, u, "/baocao tháng 4/2022")), "TIENDO_PUBLIC_URL", "bieu-so-lieu-2022-04.xlsx")
}

// Webhook mode: the platform posts each update with the secret header to
// the bot's HTTP server; one without it is refused; a message posted twice
// is answered once.
func TestZaloWebhookMode(t *testing.T) {
	addr := freeAddr(t)
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(),
		"TIENDO_HTTP_LISTEN": addr, "TIENDO_ZALO_WEBHOOK_URL": "http://" + addr + "/zalo",
		"TIENDO_ZALO_WEBHOOK_SECRET": "a-secret-of-the-department"},
		bot.WithClock(zaloClock), bot.WithoutReminders())
	if z.Webhook() != "http://"+addr+"/zalo" {
		t.Fatalf("webhook %q not registered", z.Webhook())
	}
	u := zalotest.From{UserID: "77aa", Name: "Võ Minh"}
	zjoin(t, h, z, u, "/moi xem", "")
	before := len(z.SentTo(u.UserID))
	id := z.SendText(u, "tiến độ xuất khẩu")
	first := zwait(h, z, u, before)
	mustContain(t, ztexts(first), "xuất khẩu")
	z.Redeliver(id)
	after := zsay(h, z, u, "tiến độ nhập khẩu")
	for _, m := range after {
		if m.Text == first[0].Text {
			t.Fatalf("the message posted twice was answered twice")
		}
	}
	resp, err := http.Post("http://"+addr+"/zalo", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a post without the secret: %d, want 401", resp.StatusCode)
	}
	if z.Calls("getUpdates") != 0 {
		t.Fatalf("%d getUpdates calls in webhook mode", z.Calls("getUpdates"))
	}
	if code, body := get(t, "http://"+addr+"/readyz"); code != http.StatusOK || !strings.Contains(body, "zalo: webhook") {
		t.Errorf("/readyz in webhook mode: HTTP %d %s", code, body)
	}
}

// A reporter who joined on Zalo gets the deadline's reminders on Zalo,
// buttons as numbered choices.
func TestZaloReporterRemindedOnZalo(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(), "TIENDO_PLAN": eventPlan(t)},
		bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	u := zalotest.From{UserID: "d1d2d3", Name: "Huỳnh Tâm"}
	zjoin(t, h, z, u, "/moi baocao Đức Huệ", "Đức Huệ")
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 1h")
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the 1-hour reminder on Zalo", func() bool {
		for _, s := range z.SentTo(u.UserID) {
			if strings.Contains(s.Text, "Nhắc hạn") && strings.Contains(s.Text, "còn 1 giờ") && strings.Contains(s.Text, "Gõ 1 để") {
				return true
			}
		}
		return false
	})
	if r := z.Refused(); len(r) != 0 {
		t.Errorf("Zalo refused: %+v", r)
	}
}

// kill -9 while a Zalo message is being handled: the platform has forgotten
// it (getUpdates has no offset), so only the inbox has it; the restarted
// process answers it, once.
func TestZaloKill9MidUpdateIsAnsweredAfterRestart(t *testing.T) {
	rdb := storetest.Redis(t)
	redisURL := "redis://" + rdb.(*redis.Client).Options().Addr + "/0"
	prefix := fmt.Sprintf("zcrash%d", time.Now().UnixNano()%1e9)
	api := telegramtest.New()
	t.Cleanup(api.Close)
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	u := zalotest.From{UserID: "c0ffee", Name: "Đỗ Hạnh"}
	st := store.New(rdb, prefix)
	if err := st.PutUser(context.Background(), access.User{ID: zalo.UserID(u.UserID), Role: access.Viewer, Name: u.Name}); err != nil {
		t.Fatal(err)
	}
	env := []string{"ZALO_BOT_TOKEN=" + z.Token(), "ZALO_API_URL=" + z.URL()}
	p := startProcess(t, api, redisURL, prefix, env...)
	z.SetSendDelay(5 * time.Second) // the reply is in flight when the process dies
	before := z.Calls("sendMessage")
	z.SendText(u, "tiến độ xuất khẩu")
	deadline := time.Now().Add(20 * time.Second)
	for z.Calls("sendMessage") <= before {
		if time.Now().After(deadline) {
			t.Fatalf("no sendMessage call:\n%s", p.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.kill9(t)
	z.SetSendDelay(0)
	if z.Queued() != 0 {
		t.Fatal("the double still holds the message: the test proves nothing")
	}

	startProcess(t, api, redisURL, prefix, env...)
	count := func() int {
		n := 0
		for _, s := range z.SentTo(u.UserID) {
			if strings.Contains(s.Text, "Kim ngạch xuất khẩu") {
				n++
			}
		}
		return n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The chat's messages are handled in order: once a later one is
	// answered, the one taken up from the inbox was handled (or skipped).
	z.SendText(u, "tiến độ nhập khẩu")
	if _, err := z.WaitSentTo(ctx, u.UserID, 2); err != nil {
		t.Fatalf("no answers after the restart: %v", err)
	}
	for !strings.Contains(ztexts(z.SentTo(u.UserID)), "nhập khẩu") {
		if _, err := z.WaitSentTo(ctx, u.UserID, len(z.SentTo(u.UserID))+1); err != nil {
			t.Fatalf("the later question was not answered: %v\n%s", err, ztexts(z.SentTo(u.UserID)))
		}
	}
	if n := count(); n != 1 {
		t.Errorf("the Zalo message in flight at kill -9 was answered %d times, want 1", n)
	}
}

// An admin links a Zalo account to an existing Telegram reporter with a
// one-time code: on Zalo the person reports with their unit and role.
func TestZaloAccountLinkedToExistingUser(t *testing.T) {
	h, z := startZalo(t)
	rep := telegramtest.From{UserID: 5501, FirstName: "Ngọc"}
	if err := h.store.PutUser(context.Background(), access.User{ID: rep.UserID, Name: "Ngọc", Role: access.Reporter, Unit: "ben-luc"}); err != nil {
		t.Fatal(err)
	}
	made := texts(h.say(admin, "/lienket 5501"))
	mustContain(t, made, "Mã liên kết Zalo", "Ngọc")
	i := strings.Index(made, "/lienket ")
	if i < 0 {
		t.Fatalf("no code:\n%s", made)
	}
	code := strings.Fields(made[i+len("/lienket "):])[0]

	u := zalotest.From{UserID: "5a10a11", Name: "Ngọc Zalo"}
	mustContain(t, ztexts(zsay(h, z, u, "/lienket "+code)), "Đã liên kết", "Ngọc")
	readBack := ztexts(zsay(h, z, u, "cập nhật xuất khẩu tháng 4/2022: 520 triệu USD"))
	mustContain(t, readBack, "Bến Lức", "Gõ 1 để")
	mustContain(t, ztexts(zsay(h, z, u, "1")), "520 triệu USD")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,52 tỉ USD", "Ngọc (Bến Lức)")
	// A used code links nothing more.
	other := zalotest.From{UserID: "0ther", Name: "Khác"}
	mustContain(t, ztexts(zsay(h, z, other, "/lienket "+code)), "đã dùng hoặc đã hết hạn")
}

// A person linked on both channels gets a deadline's reminder on both.
func TestZaloLinkedUserRemindedOnBoth(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(), "TIENDO_PLAN": eventPlan(t)},
		bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	if err := h.store.PutUser(context.Background(), access.User{ID: 6601, Name: "Tâm", Role: access.Reporter, Unit: "duc-hue"}); err != nil {
		t.Fatal(err)
	}
	made := texts(h.say(admin, "/lienket 6601"))
	i := strings.Index(made, "/lienket ")
	if i < 0 {
		t.Fatalf("no code:\n%s", made)
	}
	u := zalotest.From{UserID: "7a7a", Name: "Tâm Zalo"}
	mustContain(t, ztexts(zsay(h, z, u, "/lienket "+strings.Fields(made[i+len("/lienket "):])[0])), "Đã liên kết")
	h.say(admin, "/hanchot them 21/06/2022 09:00 | Gửi báo cáo quý | Đức Huệ | 1h")
	clk.Set(time.Date(2022, 6, 21, 8, 0, 30, 0, hcm))
	eventually(t, "the reminder on Telegram and on Zalo", func() bool {
		onZalo := false
		for _, s := range z.SentTo(u.UserID) {
			onZalo = onZalo || strings.Contains(s.Text, "Nhắc hạn")
		}
		return onZalo && h.count(6601, "Nhắc hạn") >= 1
	})
}

// The terminal chat as Zalo shows the numbered flow: the read-back ends in
// "Gõ 1 để …", and typing 1 confirms.
func TestTerminalChatAsZalo(t *testing.T) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in := "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD\n1\n"
	if code := run(ctx, []string{"tiendo", "-channel", "zalo"}, func(string) string { return "" }, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errb.String())
	}
	got := out.String()
	mustContain(t, got, "» Kiểm tra lại trước khi ghi", "Gõ 1 để ✅ Xác nhận, 2 để ✖ Hủy.", "» ✅ Đã ghi nhận")
	if strings.Count(got, "Đã ghi nhận") != 1 {
		t.Errorf("the confirmation is said more than once:\n%s", got)
	}
	if strings.ContainsAny(got, "<>") {
		t.Errorf("markup in the Zalo terminal:\n%s", got)
	}
}

// Zalo alone, no Telegram: an admin on Zalo (their id, as the bot tells a
// stranger, in TIENDO_ADMINS) invites a reporter, who reports and confirms.
func TestZaloAlone(t *testing.T) {
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	boss := zalotest.From{UserID: "ad01", Name: "Trưởng phòng"}
	h := start(t, map[string]string{"TELEGRAM_BOT_TOKEN": "", "ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(),
		"TIENDO_ADMINS": fmt.Sprint(zalo.UserID(boss.UserID))}, bot.WithClock(zaloClock), bot.WithoutReminders())
	invite := ztexts(zsay(h, z, boss, "/moi baocao Bến Lức"))
	i := strings.Index(invite, "/start ")
	if i < 0 {
		t.Fatalf("no code to type on Zalo:\n%s", invite)
	}
	rep := zalotest.From{UserID: "be1uc", Name: "Lý Hưng"}
	mustContain(t, ztexts(zsay(h, z, rep, "/start "+strings.Fields(invite[i+len("/start "):])[0])), "Bến Lức")
	mustContain(t, ztexts(zsay(h, z, rep, "cập nhật xuất khẩu tháng 4/2022: 520 triệu USD")), "Gõ 1 để")
	mustContain(t, ztexts(zsay(h, z, rep, "1")), "520 triệu USD")
	mustContain(t, ztexts(zsay(h, z, boss, "tiến độ xuất khẩu")), "0,52 tỉ USD", "Lý Hưng (Bến Lức)")
	if n := h.api.Calls("getMe") + h.api.Calls("getUpdates"); n != 0 {
		t.Errorf("%d calls to Telegram from a Zalo-only bot", n)
	}
}

// Approval across channels: a reporter on Zalo confirms by "1", an editor
// on Telegram approves, and the reporter is told on Zalo.
func TestZaloApprovalAcrossChannels(t *testing.T) {
	z := zalotest.New(zalotest.WithMaxPoll(time.Second))
	t.Cleanup(z.Close)
	h := start(t, map[string]string{"ZALO_BOT_TOKEN": z.Token(), "ZALO_API_URL": z.URL(), "TIENDO_PLAN": approvalPlan(t)},
		bot.WithClock(apClock), bot.WithoutReminders())
	ctx := context.Background()
	rep := zalotest.From{UserID: "a99", Name: "Hùng"}
	for _, u := range []access.User{
		{ID: zalo.UserID(rep.UserID), Name: "Hùng", Role: access.Reporter, Unit: "ben-luc"},
		{ID: apEditor.UserID, Name: "Quang", Role: access.Editor},
	} {
		if err := h.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mustContain(t, ztexts(zsay(h, z, rep, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")), "sẽ chờ chuyên viên duyệt", "Gõ 1 để")
	mustContain(t, ztexts(zsay(h, z, rep, "1")), "chờ chuyên viên duyệt")
	defer func() {
		if t.Failed() {
			t.Log(h.logs.String())
			for _, s := range h.api.Sent() {
				t.Logf("%s %d %q", s.Method, s.ChatID, s.Text)
			}
		}
	}()
	eventually(t, "the editor asked on Telegram", func() bool {
		for _, m := range h.api.Messages(apEditor.UserID) {
			for _, row := range m.Keyboard {
				for _, b := range row {
					if strings.HasPrefix(b.Data, "ap:") {
						return true
					}
				}
			}
		}
		return false
	})
	m := apButtons(h, apEditor.UserID, "ap:")
	mustContain(t, telegramtest.Render(m.Text), "Hùng", "Bến Lức", "520 triệu USD")
	before := len(z.SentTo(rep.UserID))
	apPress(h, apEditor, m.MessageID, apData(h, m, "ap:"))
	told := ztexts(zwait(h, z, rep, before))
	mustContain(t, told, "520 triệu USD", "Quang")
	if rs, _ := h.store.Reports(ctx, "long-an-2022", "xuat-khau"); len(rs) != 1 {
		t.Fatalf("%d official reports after approval, want 1", len(rs))
	}
}

// Flood control holds on Zalo: a user who sends dozens of messages at once
// is muted and told so once.
func TestZaloFloodMutes(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "f100d", Name: "Máy"}
	zjoin(t, h, z, u, "/moi xem", "")
	before := len(z.SentTo(u.UserID))
	for range 40 {
		z.SendText(u, "tiến độ xuất khẩu")
	}
	notices := func() int { return strings.Count(ztexts(z.SentTo(u.UserID)[before:]), "quá nhiều tin nhắn") }
	eventually(t, "the mute notice", func() bool { return notices() >= 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	zsettle(h, z, ctx)
	// A muted message is dropped (so fewer than 40 answers), and the
	// notice is said once per mute.
	if n := notices(); n != 1 {
		t.Fatalf("%d mute notices, want 1", n)
	}
}

// The numbered line speaks the user's language.
func TestZaloChoicesInTheUsersLanguage(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "e9", Name: "Anna"}
	zjoin(t, h, z, u, "/moi baocao Bến Lức", "Bến Lức")
	zsay(h, z, u, "/ngonngu en")
	mustContain(t, ztexts(zsay(h, z, u, "update exports April 2022: 520 million USD")), "Type 1 for")
}

// In a Zalo group (beta: the bot sees mentions and replies) a question is
// answered in the group.
func TestZaloGroupQuestion(t *testing.T) {
	h, z := startZalo(t)
	u := zalotest.From{UserID: "9a9a", Name: "Quân"}
	zjoin(t, h, z, u, "/moi xem", "")
	g := zalotest.From{UserID: u.UserID, Name: u.Name, ChatID: "9r0up", ChatType: "GROUP"}
	z.SendText(g, "@Tiến Độ tiến độ xuất khẩu")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := z.WaitSentTo(ctx, "9r0up", 1)
	if err != nil {
		t.Fatalf("no answer in the group: %v\n%s", err, h.logs.String())
	}
	mustContain(t, ztexts(got), "Kim ngạch xuất khẩu")
}
