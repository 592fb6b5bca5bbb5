package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
)

// What a clerk trips over, each as they saw it.
func TestClerkTrips(t *testing.T) {
	today := func() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 0, hcm) }
	t.Run("a deadline names its people", func(t *testing.T) {
		h := start(t, nil, bot.WithClock(today), bot.WithoutReminders())
		h.say(admin, "/hanchot")           // the bot learns the admin's name
		h.addUser(4242, access.Viewer, "") // registered, never wrote: no name
		got := texts(h.say(admin, "/hanchot them 30/06/2027 17:00 | Việc A | Đức Huệ, 1, 4242 | 1d"))
		mustContain(t, got, "giao cho: Đức Huệ, Lan (#1), #4242")
		mustContain(t, texts(h.say(admin, "/hanchot")), "Lan (#1)")
	})
	t.Run("a share over 100% is refused, a rate far off is not a matter of scale", func(t *testing.T) {
		h := start(t, nil, bot.WithClock(today), bot.WithoutReminders())
		got := texts(h.say(admin, "cập nhật tỷ lệ hộ dùng điện tháng 5/2022: 100,5%"))
		mustContain(t, got, "«100,5%»: tỷ lệ không thể vượt 100%")
		if strings.Contains(got, "Xác nhận") {
			t.Errorf("a share over 100%% is offered for confirmation:\n%s", got)
		}
		h.say(admin, "cập nhật GRDP quý 1: 6,2%")
		h.press(admin, h.lastButtons(admin), "ok:")
		got = texts(h.say(admin, "cập nhật GRDP 6 tháng: 65%"))
		mustContain(t, got, "65% khác xa lần báo cáo trước (6,2%)", "Tốc độ, tỷ lệ này khác xa thường lệ")
		if strings.Contains(got, "triệu hay tỉ") {
			t.Errorf("a rate is told to check million or billion:\n%s", got)
		}
		got = texts(h.say(admin, "cập nhật GRDP quý 1: 1500%"))
		if strings.Contains(got, "triệu hay tỉ") || !strings.Contains(got, "1.000%") {
			t.Errorf("a rate over the ceiling:\n%s", got)
		}
	})
	t.Run("an item's name without the indicator's words; a stage without a date asks for the date", func(t *testing.T) {
		h := start(t, nil, bot.WithClock(today), bot.WithoutReminders())
		got := texts(h.say(admin, "cập nhật cửa hàng tiện lợi Bách Hóa Xanh Bến Lức khai trương 10/05/2022"))
		mustContain(t, got, "Cửa hàng tiện ích phát triển thêm — Bến Lức — 10/05/2022: Bách Hóa Xanh\n")
		got = texts(h.say(admin, "cập nhật TTC Đức Huệ 2 đóng điện"))
		mustContain(t, got, "Chưa có ngày: hôm nay (06/12/2026) không thuộc năm kế hoạch 2022")
		if strings.Contains(got, "Chưa có kế hoạch năm 2026") {
			t.Errorf("a missing date is answered as a missing plan:\n%s", got)
		}
		// The example the refusal gives is accepted.
		m := regexp.MustCompile(`Viết ví dụ: (cập nhật [^\n]+)\.`).FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("no example in the refusal:\n%s", got)
		}
		mustContain(t, texts(h.say(admin, m[1])), "Kiểm tra lại", "Đóng điện")
	})
	t.Run("the plan's footer offers another year", func(t *testing.T) {
		h := start(t, nil, bot.WithClock(today), bot.WithoutReminders())
		got := texts(h.say(admin, "/kehoach"))
		if strings.Contains(got, "/kehoach 2022") || strings.Contains(got, "Xem năm khác") {
			t.Errorf("with one plan, the footer offers another year:\n%s", got)
		}
		path := filepath.Join(t.TempDir(), "2023.toml")
		if err := os.WriteFile(path, plan2023(), 0o644); err != nil {
			t.Fatal(err)
		}
		h2 := start(t, map[string]string{"TIENDO_PLAN": path}, bot.WithClock(today), bot.WithoutReminders())
		mustContain(t, texts(h2.say(admin, "/kehoach")), "Kế hoạch năm 2023", "Xem năm khác: /kehoach 2022.")
		mustContain(t, texts(h2.say(admin, "/kehoach 2022")), "Kế hoạch năm 2022", "Xem năm khác: /kehoach 2023.")
	})
}

// The terminal chat's own admin (no TIENDO_ADMINS) is not blamed on
// TIENDO_ADMINS: the refusal says what it is and how to try another role.
func TestTerminalAdminRefusalNamesTheTerminal(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"TIENDO_FILES_DIR": t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := "/nguoidung xoa 1000001\n/nguoidung sua 1000001 xem\n"
	if code := run(ctx, []string{"tiendo"}, func(k string) string { return env[k] }, strings.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	if n := strings.Count(got, "quản trị viên của cuộc trò chuyện trong terminal (chưa đặt TIENDO_ADMINS)"); n != 2 {
		t.Errorf("%d refusals naming the terminal's admin, want 2:\n%s", n, got)
	}
	mustContain(t, got, ":as 1002 Hùng", ":as admin")
	if strings.Contains(got, "Hãy bỏ số này khỏi TIENDO_ADMINS") {
		t.Errorf("blames TIENDO_ADMINS, which is not set:\n%s", got)
	}
}
