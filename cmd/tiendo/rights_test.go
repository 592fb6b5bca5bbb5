package main

import (
	"context"
	"fmt"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
	"tiendo/handlers"
)

// The tests of issue 8's "Rights" and "Numbers": rights as they are at the
// write, no stale user record written back, the last admin, buttons, limits
// of /hanchot them, ceilings, and keys with a lifetime. Users 7xx.

// usersKey is the users hash of the harness's prefix (see store/keys.go).
func (h *harness) usersKey() string { return "{" + h.prefix + "}:users" }

// jobs counts the asynq tasks of the harness's reminder queue whose id
// contains part, leaving out the plan's own reporting deadlines.
func (h *harness) jobs(part string) int {
	h.t.Helper()
	ctx := context.Background()
	n := 0
	iter := h.rdb.Scan(ctx, 0, "asynq:{"+h.prefix+"}:t:*", 1000).Iterator()
	for iter.Next(ctx) {
		if strings.Contains(iter.Val(), part) && !strings.Contains(iter.Val(), ":plan:") {
			n++
		}
	}
	if err := iter.Err(); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// exportsOf returns the official export figures.
func (h *harness) exportsOf() []kpi.Report {
	h.t.Helper()
	rs, err := h.store.Reports(context.Background(), h.app.Plan.ID, "xuat-khau")
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

// A read-back confirmed after its sender lost the right to send it is
// refused, with a clear answer, and nothing is stored — whether the sender
// was removed, demoted or moved to another unit meanwhile.
func TestRevokedSenderCannotConfirm(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	cases := []struct {
		name   string
		change string // what the admin does between read-back and press
		want   string
	}{
		{"removed", "/nguoidung xoa %d", "chưa có quyền"},
		{"demoted to viewer", "/nguoidung sua %d xem", "xem"},
		{"moved to another unit", "/nguoidung sua %d baocao Cần Đước", "Cần Đước"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from := telegramtest.From{UserID: int64(701 + i), FirstName: "Hùng", LanguageCode: "vi"}
			h.addUser(from.UserID, access.Reporter, "ben-luc")
			got := texts(h.say(from, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD"))
			mustContain(t, got, "520 triệu USD", "Xác nhận")
			readBack := h.lastButtons(from)
			mustContain(t, texts(h.say(admin, fmt.Sprintf(tc.change, from.UserID))), fmt.Sprint(from.UserID))

			got = texts(h.press(from, readBack, "ok:"))
			mustContain(t, got, "quyền của bạn đã thay đổi", tc.want)
			if rs := h.exportsOf(); len(rs) != 0 {
				t.Fatalf("stored after the sender lost the right: %+v", rs)
			}
			if now := h.current(from.UserID, readBack.MessageID); !strings.Contains(now, "Không ghi được") {
				t.Errorf("the read-back still reads %q", now)
			}
			if msgs := h.api.Messages(from.UserID); len(msgs[len(msgs)-1].Keyboard) != 0 {
				t.Errorf("the refused read-back kept its buttons")
			}
		})
	}

	t.Run("undo after a move", func(t *testing.T) {
		from := telegramtest.From{UserID: 710, FirstName: "Lộc", LanguageCode: "vi"}
		h.addUser(from.UserID, access.Reporter, "ben-luc")
		h.say(from, "cập nhật nhập khẩu tháng 3/2022: 410 triệu USD")
		mustContain(t, texts(h.press(from, h.lastButtons(from), "ok:")), "Đã ghi nhận")
		h.say(admin, "/nguoidung sua 710 baocao Cần Đước")
		mustContain(t, texts(h.say(from, "/hoantac")), "quyền của bạn đã thay đổi")
		rs, err := h.store.Reports(context.Background(), h.app.Plan.ID, "nhap-khau")
		if err != nil || len(rs) != 1 {
			t.Fatalf("the figure was undone by a reporter of another unit: %v, %v", rs, err)
		}
	})
}

// A user's own message (their name written into their record) never undoes
// an admin's change made at the same moment: 20 rounds, each twenty messages
// from the user and the admin's demotion or removal of them, at once.
func TestOwnMessageDoesNotUndoAdminChange(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	ctx := context.Background()
	const rounds = 20
	for i := range rounds {
		id := int64(720 + i)
		h.addUser(id, access.Reporter, "ben-luc") // no name yet: their message writes it
		from := telegramtest.From{UserID: id, FirstName: fmt.Sprintf("Người %d", i), LanguageCode: "vi"}
		cmd := fmt.Sprintf("/nguoidung sua %d xem", id)
		if i%2 == 1 {
			cmd = fmt.Sprintf("/nguoidung xoa %d", id)
		}
		// Twenty messages at once, each from another group (chats are
		// handled in parallel), each under a new name and choosing a
		// language, with the admin's command among them.
		const messages = 20
		before := len(h.api.Sent())
		var wg sync.WaitGroup
		for j := range messages {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f := from
				f.FirstName = fmt.Sprintf("Người %d-%d", i, j)
				f.ChatID, f.ChatType = -int64(7000+j), "group"
				h.api.SendText(f, []string{"/ngonngu en", "/ngonngu vi"}[j%2])
			}()
			if j == messages/2 {
				h.api.SendText(admin, cmd)
			}
		}
		wg.Wait()
		waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if _, err := h.api.WaitSent(waitCtx, before+messages+1); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if err := h.api.WaitIdle(waitCtx, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		cancel()
		u, err := h.store.User(ctx, id)
		switch {
		case i%2 == 0 && (err != nil || u.Role != access.Viewer):
			t.Errorf("round %d: after the demotion the user is %+v, %v; want a viewer", i, u, err)
		case i%2 == 1 && err == nil:
			t.Errorf("round %d: the removed user was written back: %+v", i, u)
		}
	}
}

// Two admins demoting or removing each other at once leave one admin, in
// every one of 25 rounds. No TIENDO_ADMINS here: configured admins cannot be
// demoted in chat at all (TestConfiguredAdminStaysAdmin).
func TestAdminsRemovingEachOtherLeaveOne(t *testing.T) {
	h := start(t, map[string]string{"TIENDO_ADMINS": ""}, bot.WithoutReminders(), bot.WithoutFloodControl())
	ctx := context.Background()
	for i := range 25 {
		if err := h.rdb.Del(ctx, h.usersKey()).Err(); err != nil {
			t.Fatal(err)
		}
		a := telegramtest.From{UserID: int64(740 + 2*i), FirstName: "An", LanguageCode: "vi"}
		b := telegramtest.From{UserID: int64(741 + 2*i), FirstName: "Bình", LanguageCode: "vi"}
		h.addUser(a.UserID, access.Admin, "")
		h.addUser(b.UserID, access.Admin, "")
		verb := []string{"xoa %d", "sua %d xem"}[i%2]
		// Each admin sends the command from several groups at once (chats
		// are handled in parallel), so the two sides truly overlap.
		const copies = 8
		before := len(h.api.Sent())
		var wg sync.WaitGroup
		for j := range copies {
			for k, pair := range [][2]telegramtest.From{{a, b}, {b, a}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					from := pair[0]
					from.ChatID, from.ChatType = -int64(7100+2*j+k), "group"
					h.api.SendText(from, "/nguoidung "+fmt.Sprintf(verb, pair[1].UserID))
				}()
			}
		}
		wg.Wait()
		waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		// The admin removed first is a stranger for the rest of their
		// commands, told so once and then, in groups, left unanswered:
		// at least the other's copies are answered.
		if _, err := h.api.WaitSent(waitCtx, before+copies); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if err := h.api.WaitIdle(waitCtx, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		cancel()
		us, err := h.store.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		admins := 0
		for _, u := range us {
			if u.Role == access.Admin {
				admins++
			}
		}
		if admins != 1 {
			t.Fatalf("round %d (%s): %d admins left, want 1", i, verb, admins)
		}
	}
}

// The rule for TIENDO_ADMINS: a configured admin is an admin while the
// configuration says so. Chat cannot demote or remove them (the refusal says
// to edit TIENDO_ADMINS), and every start makes them admins again, whatever
// the store says.
func TestConfiguredAdminStaysAdmin(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	ctx := context.Background()
	other := telegramtest.From{UserID: 750, FirstName: "Phương", LanguageCode: "vi"}
	h.addUser(other.UserID, access.Admin, "")
	for _, cmd := range []string{"/nguoidung sua 1 xem", "/nguoidung xoa 1"} {
		mustContain(t, texts(h.say(other, cmd)), "TIENDO_ADMINS")
		if u, err := h.store.User(ctx, 1); err != nil || u.Role != access.Admin {
			t.Fatalf("after %q user 1 is %+v, %v", cmd, u, err)
		}
	}
	// Demoted behind the bot's back (an older version, a hand edit): the
	// next start re-seeds them.
	if err := h.store.PutUser(ctx, access.User{ID: 1, Role: access.Viewer}); err != nil {
		t.Fatal(err)
	}
	h.stopBot()
	h.app, h.stopBot = h.launch(map[string]string{}, bot.WithoutReminders())
	if u, err := h.store.User(ctx, 1); err != nil || u.Role != access.Admin {
		t.Fatalf("after a restart user 1 is %+v, %v; want an admin again", u, err)
	}
	// An admin added in chat is an ordinary one: demoted, they stay demoted.
	mustContain(t, texts(h.say(admin, "/nguoidung sua 750 xem")), "750")
	h.stopBot()
	h.app, h.stopBot = h.launch(map[string]string{}, bot.WithoutReminders())
	if u, _ := h.store.User(ctx, 750); u.Role != access.Viewer {
		t.Errorf("after a restart user 750 is %s; want still a viewer", u.Role)
	}
}

// Buttons are not trusted: a stranger's forged snooze presses create no job,
// a stranger in a group cannot close the group's deadline, every press is
// answered (also with empty or unknown data), and presses are rate-limited
// per user.
func TestForgedPresses(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutFloodControl()) // the press limit, not flood control
	group := telegramtest.From{UserID: 1, FirstName: "Lan", ChatID: -760, ChatType: "group", ChatTitle: "Lãnh đạo"}
	got := texts(h.say(group, "/hanchot them 30/06/2022 17:00 | Báo cáo nhóm | nhóm này | 1d"))
	mustContain(t, got, "Báo cáo nhóm")
	ds, err := h.store.Deadlines(context.Background())
	if err != nil || len(ds) != 1 {
		t.Fatalf("deadlines: %v, %v", ds, err)
	}
	id := ds[0].ID
	snoozesBefore := h.jobs(":snooze:")

	stranger := telegramtest.From{UserID: 761, FirstName: "Lạ", LanguageCode: "vi"}
	msg := h.say(admin, "/hanchot")[0].MessageID // any bot message will do: data is forged
	before := len(h.api.Sent())
	const forged = 101
	for i := range forged {
		data := fmt.Sprintf("sz:%s|chat:-760", id)
		if i%2 == 1 {
			data = fmt.Sprintf("sz:%d|user:761", 900+i) // no such deadline
		}
		h.api.Press(stranger, msg, data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := h.api.WaitSent(ctx, before+forged); err != nil {
		t.Fatalf("not every forged press was answered: %v", err)
	}
	if err := h.api.WaitIdle(ctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := apCount(h.api.Sent()[before:], "answerCallbackQuery"); n != forged {
		t.Errorf("%d answers to %d presses", n, forged)
	}
	if n := h.jobs(":snooze:") - snoozesBefore; n != 0 {
		t.Errorf("forged snooze presses created %d reminder jobs", n)
	}

	// A stranger in the group presses Xong on the group's deadline.
	strangerInGroup := stranger
	strangerInGroup.ChatID, strangerInGroup.ChatType = -760, "group"
	before = len(h.api.Sent())
	h.api.Press(strangerInGroup, msg, "dn:"+id)
	got = texts(h.waitNew(before))
	if d, _ := h.store.Deadline(context.Background(), id); !d.Open() {
		t.Errorf("a stranger closed the group's deadline with the button")
	}
	for _, s := range h.api.Sent()[before:] {
		if s.Method == "sendMessage" && s.ChatID == -760 {
			t.Errorf("the stranger's press made a public message in the group: %q", s.Text)
		}
	}
	_ = got

	// Empty and unknown data are answered, never left spinning.
	reporter := telegramtest.From{UserID: 762, FirstName: "Nam", LanguageCode: "vi"}
	h.addUser(reporter.UserID, access.Reporter, "ben-luc")
	for _, data := range []string{"", "zz", "ok:", "sz:", "dn:", "rn:plan:nothing"} {
		before = len(h.api.Sent())
		h.api.Press(reporter, msg, data)
		if n := apCount(h.waitNew(before), "answerCallbackQuery"); n != 1 {
			t.Errorf("press with data %q: %d answers, want 1", data, n)
		}
	}

	// Rate limit: a registered user pressing the language button 40 times in
	// a minute gets the last ones refused.
	before = len(h.api.Sent())
	for range 40 {
		h.api.Press(reporter, msg, "lang:vi")
	}
	if _, err := h.api.WaitSent(ctx, before+40); err != nil {
		t.Fatal(err)
	}
	if err := h.api.WaitIdle(ctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	limited := 0
	for _, s := range h.api.Sent()[before:] {
		if s.Method == "answerCallbackQuery" && strings.Contains(s.Text, "quá nhiều") {
			limited++
		}
	}
	// 6 presses above were counted in the same window.
	if want := 40 + 6 - handlers.PressLimit; limited != want {
		t.Errorf("%d presses refused as too many, want %d", limited, want)
	}
}

// One /hanchot them cannot schedule thousands of jobs: 700 lead times over
// 15 units are refused, as are 11 lead times, a lead time before now, and 15
// units × 5 lead times; each refusal names the limit, and nothing is
// scheduled.
func TestDeadlineAddIsCapped(t *testing.T) {
	clk := &clock{t: time.Date(2022, 6, 20, 10, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now))
	all := "Tân An, Kiến Tường, Bến Lức, Cần Đước, Cần Giuộc, Châu Thành, Đức Hòa, Đức Huệ, Mộc Hóa, Tân Hưng, Tân Thạnh, Tân Trụ, Thạnh Hóa, Thủ Thừa, Vĩnh Hưng"
	var many []string
	for i := range 700 {
		many = append(many, fmt.Sprintf("%dm", 10+i))
	}
	cases := []struct{ leads, want string }{
		{strings.Join(many, ","), "tối đa 10"},
		{"11d,10d,9d,8d,7d,6d,5d,4d,3d,2d,1d", "tối đa 10"},
		{"11d,1d", "11d"},
		{"7d,3d,2d,1d,2h", "tối đa 60"},
	}
	for _, tc := range cases {
		got := texts(h.say(admin, "/hanchot them 30/06/2022 17:00 | Báo cáo | "+all+" | "+tc.leads))
		mustContain(t, got, tc.want)
	}
	if ds, _ := h.store.Deadlines(context.Background()); len(ds) != 0 {
		t.Errorf("a refused deadline was saved: %+v", ds)
	}
	if n := h.jobs("remind:"); n != 0 {
		t.Errorf("refused deadlines scheduled %d jobs", n)
	}
	got := texts(h.say(admin, "/hanchot them 30/06/2022 17:00 | Báo cáo | "+all+" | 7d,3d,1d,2h"))
	mustContain(t, got, "Báo cáo", "23/06/2022 17:00")
}

// Two figures the size of the ("9.000.000 tỉ USD") cannot be stored,
// so the province total cannot wrap around; the refusal says the ceiling.
func TestFigureAboveCeilingIsRefused(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	got := texts(h.say(admin, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 9.000.000 tỉ USD"))
	mustContain(t, got, "9.000.000 tỉ USD", "tối đa 6.400 tỉ USD")
	if strings.Contains(got, "Xác nhận") {
		t.Errorf("a figure above the ceiling was read back for confirmation:\n%s", got)
	}
	// Two such figures stored before the ceiling existed: the total is an
	// error, not a negative number.
	for _, unit := range []string{"ben-luc", "can-duoc"} {
		r := kpi.Report{Indicator: "xuat-khau", Unit: unit, Period: kpi.Month(2022, 3), Value: 9_000_000 * 1_000_000_000 * kpi.AmountScale}
		if _, err := h.store.PutReport(context.Background(), h.app.Plan.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Không tính được tổng của Kim ngạch xuất khẩu")
	if strings.Contains(got, "-") {
		t.Errorf("a negative figure is shown:\n%s", got)
	}
	mustContain(t, texts(h.say(admin, "/tongquan")), "không tính được tổng")
}

// permanent lists the key patterns (under the prefix) that are meant to live
// without a TTL; every other key the bot writes must have one. The list is
// store.PermanentKeys, documented in bot/store/keys.go.
func isPermanent(key, tag string) bool {
	rest := strings.TrimPrefix(key, tag+":")
	for _, p := range store.PermanentKeys {
		if ok, _ := path.Match(p, rest); ok {
			return true
		}
	}
	return false
}

// After a realistic session — strangers writing and choosing a language,
// users added, an invite made and redeemed, figures submitted, confirmed,
// cancelled and undone, questions, a deadline with its buttons — every key
// under the bot's prefix either has a TTL or is on the documented list of
// permanent patterns.
func TestEveryKeyHasALifetime(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now))
	ctx := context.Background()
	for i := range 5 {
		s := telegramtest.From{UserID: int64(770 + i), FirstName: "Lạ", LanguageCode: "en"}
		h.say(s, "hello")
		h.say(s, "/lang en")
		h.api.Press(s, 1, "lang:vi")
	}
	rep := telegramtest.From{UserID: 780, FirstName: "Hùng", LanguageCode: "vi"}
	h.say(admin, "/nguoidung them 780 baocao Bến Lức")
	h.say(admin, "/nguoidung them 781 chuyenvien")
	h.say(rep, "/ngonngu vi")
	h.say(rep, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")
	h.press(rep, h.lastButtons(rep), "ok:")
	h.say(rep, "cập nhật nhập khẩu tháng 3/2022: 410 triệu USD")
	h.press(rep, h.lastButtons(rep), "no:")
	h.say(rep, "cập nhật nhập khẩu tháng 3/2022: 400 triệu USD")
	h.press(rep, h.lastButtons(rep), "ok:")
	h.say(rep, "/hoantac")
	h.press(rep, h.lastButtons(rep), "ud:")
	h.say(rep, "tiến độ xuất khẩu")
	h.say(rep, "cập nhật bán lẻ tháng 3/2022: 2.150 tỉ đồng") // left unconfirmed
	invite := texts(h.say(admin, "/moi xem"))
	if i := strings.Index(invite, "start="); i >= 0 {
		code := strings.Fields(invite[i+len("start="):])[0]
		h.say(telegramtest.From{UserID: 782, FirstName: "Mới"}, "/start "+code)
	}
	h.say(admin, "/moi baocao Cần Đước") // left unused
	h.say(admin, "/hanchot them 30/04/2022 17:00 | Báo cáo quý | Bến Lức | 1d")
	h.say(admin, "/tongquan")
	if ds, _ := h.store.Deadlines(ctx); len(ds) == 1 {
		h.api.Press(rep, 1, "sz:"+ds[0].ID+"|unit:ben-luc")
		h.say(rep, "/hanchot xong "+ds[0].ID)
	}
	time.Sleep(300 * time.Millisecond)

	tag := "{" + h.prefix + "}"
	iter := h.rdb.Scan(ctx, 0, tag+":*", 1000).Iterator()
	seen := map[string]bool{}
	for iter.Next(ctx) {
		key := iter.Val()
		ttl, err := h.rdb.PTTL(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		pattern := keyPattern(strings.TrimPrefix(key, tag+":"))
		if ttl < 0 && !isPermanent(key, tag) {
			t.Errorf("%s (%s) has no TTL and is not a documented permanent key", key, pattern)
		}
		seen[pattern] = true
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"users", "lang", "slang:*", "rate:*", "pending:*", "invite:*", "undo:*:*", "audit:*", "upd:*"} {
		if !seen[want] {
			t.Errorf("the session wrote no %s key: is it still a realistic one? seen %v", want, seen)
		}
	}
	// The strangers' language choices are not in the permanent hash.
	langs, err := h.rdb.HKeys(ctx, tag+":lang").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range langs {
		if strings.HasPrefix(f, "77") {
			t.Errorf("stranger %s's language is in the permanent language hash", f)
		}
	}
}

// keyPattern turns a key (without the prefix) into its pattern: numbers and
// random ids become *.
func keyPattern(k string) string {
	parts := strings.Split(k, ":")
	for i, p := range parts {
		if i > 0 && p != "deadline" && p != "done" && p != "sent" && p != "open" && p != "seq" && p != "leaders" {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, ":")
}
