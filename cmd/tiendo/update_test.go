package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
)

// hcm is the plan's time zone.
var hcm = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// april15 is the clock of the submission tests: March 2022 is the last
// finished month.
func april15() time.Time { return time.Date(2022, 4, 15, 9, 30, 0, 0, hcm) }

var benLuc = telegramtest.From{UserID: 501, FirstName: "Hùng", LanguageCode: "vi"}

func (h *harness) addUser(id int64, role access.Role, unit string) {
	h.t.Helper()
	if err := h.store.PutUser(context.Background(), access.User{ID: id, Role: role, Unit: unit}); err != nil {
		h.t.Fatal(err)
	}
}

// lastButtons returns the bot's last message in from's chat that has buttons.
func (h *harness) lastButtons(from telegramtest.From) telegramtest.Sent {
	h.t.Helper()
	chat := from.ChatID
	if chat == 0 {
		chat = from.UserID
	}
	msgs := h.api.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Keyboard) > 0 {
			return msgs[i]
		}
	}
	h.t.Fatalf("no message with buttons in chat %d", chat)
	return telegramtest.Sent{}
}

// lastButtonsFor returns the bot's last message in from's chat with a
// button whose data starts with prefix: the read-back, say, when a
// reminder with buttons of its own may have come in after it.
func (h *harness) lastButtonsFor(from telegramtest.From, prefix string) telegramtest.Sent {
	h.t.Helper()
	chat := from.ChatID
	if chat == 0 {
		chat = from.UserID
	}
	msgs := h.api.Messages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Data, prefix) {
					return msgs[i]
				}
			}
		}
	}
	h.t.Fatalf("no message with a %q button in chat %d", prefix, chat)
	return telegramtest.Sent{}
}

// press presses the button whose data starts with prefix on msg.
func (h *harness) press(from telegramtest.From, msg telegramtest.Sent, prefix string) []telegramtest.Sent {
	h.t.Helper()
	for _, row := range msg.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				before := len(h.api.Sent())
				h.api.Press(from, msg.MessageID, b.Data)
				return h.waitNew(before)
			}
		}
	}
	h.t.Fatalf("no %q button on %+v", prefix, msg.Keyboard)
	return nil
}

// current is the text of message id in chat as a person sees it now.
func (h *harness) current(chat int64, id int) string {
	for _, m := range h.api.Messages(chat) {
		if m.MessageID == id {
			return telegramtest.Render(m.Text)
		}
	}
	return ""
}

func (h *harness) reports(indicator string) []kpi.Report {
	h.t.Helper()
	rs, err := h.store.Reports(context.Background(), "long-an-2022", indicator)
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

func TestSubmitConfirmCorrectUndo(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD"))
	mustContain(t, got, "Kiểm tra lại", "Kim ngạch xuất khẩu", "Bến Lức", "tháng 3/2022", "520 triệu USD", "Chưa có gì được ghi")
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("%d reports stored before confirmation", n)
	}
	readBack := h.lastButtons(benLuc)
	mustContain(t, fmt.Sprint(readBack.Keyboard), "Xác nhận", "Hủy")

	h.press(benLuc, readBack, "ok:")
	mustContain(t, h.current(benLuc.UserID, readBack.MessageID), "Đã ghi nhận", "520 triệu USD")
	for _, m := range h.api.Messages(benLuc.UserID) {
		if m.MessageID == readBack.MessageID && len(m.Keyboard) > 0 {
			t.Error("the buttons stay after confirmation")
		}
	}
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	// March alone, from one unit of fifteen: at least 0,52 tỉ (January and
	// February are not reported by anyone), and the province is not called
	// behind on one unit's figure.
	mustContain(t, got, "ít nhất 0,52 tỉ USD", "8,1%", "Hùng", "Bến Lức",
		"chưa đủ số liệu để đánh giá tiến độ — mới 1/15 đơn vị báo cáo", "Chưa đơn vị nào báo cáo tháng 1–2")
	if strings.Contains(got, "chậm 0,2 điểm") {
		t.Errorf("behind pace on one unit's figure:\n%s", got)
	}

	// The same button pressed again, and the same update delivered again: nothing more.
	h.press(benLuc, readBack, "ok:")
	upd := h.api.Press(benLuc, readBack.MessageID, readBack.Keyboard[0][0].Data)
	h.api.Redeliver(upd)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.api.WaitIdle(ctx, 300*time.Millisecond)
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("%d reports after pressing again, want 1", len(rs))
	}
	hist := texts(h.say(admin, "/lichsu xuất khẩu"))
	if n := strings.Count(hist, "520 triệu USD"); n != 1 {
		t.Errorf("history has %d entries for one confirmation:\n%s", n, hist)
	}

	// A correction shows old → new and replaces.
	got = texts(h.say(benLuc, "/capnhat xk t3 540 trieu usd"))
	mustContain(t, got, "520 triệu USD → 540 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,54 tỉ USD")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value != 540_000_000*kpi.AmountScale {
		t.Fatalf("after correction: %+v", rs)
	}

	// Undo restores the value before the correction.
	// It says what it will undo, and undoes it on the button only.
	got = texts(h.say(benLuc, "/hoantac"))
	mustContain(t, got, "Hoàn tác thay đổi gần nhất", "Kim ngạch xuất khẩu", "tháng 3/2022", "520 triệu USD → 540 triệu USD")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value != 540_000_000*kpi.AmountScale {
		t.Fatalf("undone before the button: %+v", rs)
	}
	got = texts(h.press(benLuc, h.lastButtons(benLuc), "ud:"))
	mustContain(t, got, "Đã hoàn tác", "540 triệu USD → 520 triệu USD")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,52 tỉ USD")
	mustContain(t, texts(h.say(admin, "/lichsu xk Bến Lức")), "hoàn tác")
}

func TestBatchOfThreeInOneStep(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	got := texts(h.say(benLuc, "cập nhật tháng 3/2022 Bến Lức\nxuất khẩu: 520 triệu USD\nnhập khẩu: 410 triệu USD\nbán lẻ: 2.150 tỉ đồng"))
	mustContain(t, got, "520 triệu USD", "410 triệu USD", "2.150 tỉ đồng")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	for ind, want := range map[string]kpi.Amount{"xuat-khau": 520_000_000_000, "nhap-khau": 410_000_000_000, "ban-le": 2_150_000_000_000_000} {
		rs := h.reports(ind)
		if len(rs) != 1 || rs[0].Value != want || rs[0].Period != kpi.Month(2022, 3) || rs[0].Unit != "ben-luc" {
			t.Errorf("%s: %+v", ind, rs)
		}
	}
}

func TestCancelStoresNothing(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu: 520 triệu USD")
	msg := h.lastButtons(benLuc)
	h.press(benLuc, msg, "no:")
	mustContain(t, h.current(benLuc.UserID, msg.MessageID), "Đã hủy")
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("%d reports after cancel", n)
	}
}

// Every refusal says why and what to write instead, and stores nothing.
func TestRefusalsTeach(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	viewerU := telegramtest.From{UserID: 502, FirstName: "Mai"}
	h.addUser(viewerU.UserID, access.Viewer, "")
	cases := []struct {
		name string
		from telegramtest.From
		text string
		want string
	}{
		{"unknown indicator", benLuc, "cập nhật sản lượng lúa tháng 3: 5 triệu tấn",

			"Không tìm thấy chỉ tiêu «sản lượng lúa tháng 3: 5 triệu tấn». Có phải bạn muốn: Chỉ số sản xuất công nghiệp (IIP); Tốc độ tăng trưởng kinh tế (GRDP); Nhà máy điện mặt trời TTC Đức Huệ 2 (49 MWp)? Gõ /tongquan để xem mọi chỉ tiêu."},
		{"unreadable number", benLuc, "cập nhật xuất khẩu tháng 3: 5.2.1 triệu USD",
			"Không đọc được số «5.2.1». Viết ví dụ: 520 triệu USD hoặc 2.150 tỉ đồng."},
		{"wrong unit", benLuc, "cập nhật xuất khẩu tháng 3: 520 tỉ đồng",
			"Chỉ tiêu này tính bằng USD, không dùng được «520 tỉ đồng». Viết ví dụ: 6,4 tỉ USD."},
		{"negative", benLuc, "cập nhật xuất khẩu tháng 3: -520 triệu USD",
			"Số liệu không được âm: «-520 triệu USD». Viết giá trị dương, ví dụ: 520 triệu USD."},
		{"future period", benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD",
			"Kỳ tháng 5/2022 chưa kết thúc nên chưa báo cáo được. Kỳ gần nhất đã kết thúc là tháng 3/2022: ghi tháng 3/2022, hoặc bỏ kỳ đi thì số liệu tự ghi cho tháng 3/2022."},
		{"outside the plan year", benLuc, "cập nhật xuất khẩu tháng 3/2021: 520 triệu USD",
			"Chưa có kế hoạch năm 2021 (kế hoạch đang dùng: năm 2022). Viết ví dụ: tháng 3/2022, hoặc nhờ quản trị viên nạp kế hoạch năm 2021 (/kehoach)."},
		{"unit outside scope", benLuc, "cập nhật xuất khẩu tháng 3 Đức Huệ: 520 triệu USD",
			"Bạn chỉ báo cáo được cho Bến Lức, không cho Đức Huệ. Bỏ tên đơn vị đi: số liệu sẽ tự ghi cho Bến Lức."},
		{"missing value", benLuc, "cập nhật xuất khẩu tháng 3",
			"Thiếu số liệu cho Kim ngạch xuất khẩu. Viết ví dụ: xuất khẩu tháng 3/2022: 520 triệu USD."},
		{"bare number needs a unit", benLuc, "cập nhật xuất khẩu tháng 3: 520",
			"«520» thiếu đơn vị. Ghi rõ triệu/tỉ và USD/đồng, ví dụ: 520 triệu USD."},
		{"viewer", viewerU, "cập nhật xuất khẩu tháng 3: 520 triệu USD",
			"Bạn chỉ có quyền xem, chưa được báo cáo số liệu. Nhờ quản trị viên cấp quyền báo cáo (/nguoidung sua 502 baocao <đơn vị>)."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.TrimSpace(texts(h.say(c.from, c.text)))
			if got != c.want {
				t.Errorf("reply\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	for _, ind := range []string{"xuat-khau"} {
		if n := len(h.reports(ind)); n != 0 {
			t.Errorf("%d %s reports stored by refusals", n, ind)
		}
	}
}

// A figure ten times the unit's usual month asks twice.
func TestOutlierNeedsSecondConfirmation(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	ctx := context.Background()
	for m := 1; m <= 2; m++ {
		if _, err := h.store.PutReport(ctx, "long-an-2022", kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, m), Value: 500_000_000_000, At: april15()}); err != nil {
			t.Fatal(err)
		}
	}
	got := texts(h.say(benLuc, "cập nhật xuất khẩu tháng 3: 52 tỉ USD"))
	mustContain(t, got, "10 lần", "hai lần")
	msg := h.lastButtons(benLuc)
	h.press(benLuc, msg, "ok:")
	if n := len(h.reports("xuat-khau")); n != 2 {
		t.Fatalf("stored after the first press: %d reports", n)
	}
	mustContain(t, h.current(benLuc.UserID, msg.MessageID), "một lần nữa")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	if n := len(h.reports("xuat-khau")); n != 3 {
		t.Fatalf("not stored after the second press: %d reports", n)
	}
}

// In a group the read-back is confirmed by its author only.
func TestGroupConfirmationByAuthorOnly(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	other := telegramtest.From{UserID: 503, FirstName: "Lan", ChatID: -100200, ChatType: "supergroup", ChatTitle: "Sở CT"}
	h.addUser(other.UserID, access.Editor, "")
	inGroup := benLuc
	inGroup.ChatID, inGroup.ChatType, inGroup.ChatTitle = -100200, "supergroup", "Sở CT"
	h.say(inGroup, "/capnhat xk t3 520 triệu USD")
	msg := h.lastButtons(inGroup)
	got := h.press(other, msg, "ok:")
	var answer string
	for _, s := range got {
		if s.Method == "answerCallbackQuery" {
			answer = s.Text
		}
	}
	if !strings.Contains(answer, "Chỉ người gửi") {
		t.Errorf("another member's press answered %q", answer)
	}
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("another member's press stored %d reports", n)
	}
	h.press(inGroup, msg, "ok:")
	if n := len(h.reports("xuat-khau")); n != 1 {
		t.Fatalf("the author's press stored %d reports", n)
	}
}

// Fifty reporters confirming at once: every figure is in the total.
func TestFiftyReportersAtOnce(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	plan := kpi.DefaultPlan()
	var froms []telegramtest.From
	for i := range 50 {
		f := telegramtest.From{UserID: int64(10_000 + i), FirstName: fmt.Sprintf("R%d", i), LanguageCode: "vi"}
		h.addUser(f.UserID, access.Reporter, plan.Units[i%15].ID)
		froms = append(froms, f)
	}
	var want kpi.Amount
	for i, f := range froms {
		v := 100 + i
		want += kpi.Amount(v) * 1_000_000 * kpi.AmountScale
		// Every (indicator, unit, month) differs: months 1–3 of exports, then imports.
		ind, month := "xuất khẩu", 1+i/15
		if i >= 45 {
			ind, month = "nhập khẩu", 3
		}
		h.say(f, fmt.Sprintf("cập nhật %s tháng %d/2022: %d triệu USD", ind, month, v))
	}
	msgs := make([]telegramtest.Sent, len(froms))
	for i, f := range froms {
		msgs[i] = h.lastButtons(f)
	}
	before := len(h.api.Sent())
	var wg sync.WaitGroup
	for i, f := range froms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.api.Press(f, msgs[i].MessageID, msgs[i].Keyboard[0][0].Data)
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.api.WaitSent(ctx, before+100); err != nil { // an edit and an answer each
		t.Fatal(err)
	}
	rs := append(h.reports("xuat-khau"), h.reports("nhap-khau")...)
	var total kpi.Amount
	for _, r := range rs {
		total += r.Value
	}
	if len(rs) != 50 || total != want {
		t.Fatalf("%d reports totalling %s, want 50 totalling %s", len(rs), total, want)
	}
}

// Redis goes away between the read-back and the press: the user is told
// plainly, nothing is half-written, and the press works once it is back. A
// restart in between (with persistence, as in production) keeps the
// read-back valid.
func TestRedisRestartBetweenReadBackAndConfirm(t *testing.T) {
	if storetest.IsMiniredis(t) {
		t.Skip("needs a real redis-server to stop and start")
	}
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 3: 520 triệu USD")
	msg := h.lastButtons(benLuc)

	storetest.Stop(t)
	got := texts(h.press(benLuc, msg, "ok:"))
	storetest.Start(t)
	mustContain(t, got, "tạm thời")
	if n := len(h.reports("xuat-khau")); n != 0 {
		t.Fatalf("%d reports written while Redis was down", n)
	}

	storetest.Restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for len(h.reports("xuat-khau")) == 0 && time.Now().Before(deadline) {
		h.press(benLuc, msg, "ok:")
	}
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("%d reports after the restart, want 1", len(rs))
	}
	mustContain(t, h.current(benLuc.UserID, msg.MessageID), "Đã ghi nhận")
	hist := texts(h.say(admin, "/lichsu xk"))
	if n := strings.Count(hist, "520 triệu USD"); n != 1 {
		t.Errorf("%d audit entries:\n%s", n, hist)
	}
}

func kpiReport(ind, unit string, month int, usd int64) kpi.Report {
	return kpi.Report{Indicator: ind, Unit: unit, Period: kpi.Month(2022, month), Value: kpi.Amount(usd) * kpi.AmountScale, At: april15()}
}

// An invite registers exactly one person with its role and unit.
func TestInviteLink(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	got := texts(h.say(admin, "/moi baocao Bến Lức"))
	m := regexp.MustCompile(`https://t\.me/TienDoBot\?start=([A-Za-z0-9_-]+)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no deep link:\n%s", got)
	}
	newcomer := telegramtest.From{UserID: 880, FirstName: "Thảo"}
	got = texts(h.say(newcomer, "/start "+m[1]))
	mustContain(t, got, "Chào mừng Thảo", "báo cáo", "Bến Lức")
	got = texts(h.say(newcomer, "cập nhật xuất khẩu tháng 3: 520 triệu USD"))
	mustContain(t, got, "Bến Lức", "520 triệu USD")
	late := telegramtest.From{UserID: 881, FirstName: "Khoa"}
	got = texts(h.say(late, "/start "+m[1]))
	mustContain(t, got, "đã được dùng hoặc đã hết hạn", "881")
	mustContain(t, texts(h.say(admin, "/moi baocao")), "cần một đơn vị")
}
