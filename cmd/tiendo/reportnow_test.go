package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/remind"
	"tiendo/bot/telegramtest"
)

// "Báo cáo ngay" passes the indicator and period to the reader as values: a
// bare figure is that indicator's, even when its name holds digits and
// another indicator's name ("... TTC Đức Huệ 2 (49 MWp)"), which read again
// as a sentence took the plant's 2 for the figure.
func TestReportNowWithDigitsInTheName(t *testing.T) {
	data, err := os.ReadFile("../../bot/kpi/plans/long-an-2022.toml")
	if err != nil {
		t.Fatal(err)
	}
	const name = "Sản lượng điện mặt trời TTC Đức Huệ 2 (49 MWp)"
	src := strings.Replace(string(data), `name_vi = "Kim ngạch xuất khẩu"`, `name_vi = "`+name+`"`, 1)
	path := filepath.Join(t.TempDir(), "plan.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2022, 4, 15, 16, 59, 0, 0, hcm)}
	h := start(t, map[string]string{"TIENDO_PLAN": path}, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) { c.EarlyRetry = 200 * time.Millisecond }))
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	clk.Set(time.Date(2022, 4, 15, 17, 0, 30, 0, hcm))
	eventually(t, "the 5-day reminder", func() bool {
		return h.count(benLuc.UserID, "Nhắc hạn", name+" tháng 3/2022") >= 1
	})
	var reminder telegramtest.Sent
	for _, m := range h.api.Messages(benLuc.UserID) {
		if strings.Contains(m.Text, name+" tháng 3/2022") && len(m.Keyboard) > 0 {
			reminder = m
		}
	}
	mustContain(t, texts(inChat(benLuc, h.press(benLuc, reminder, "rn:"))), "chỉ cần viết số")
	got := texts(h.say(benLuc, "520 triệu USD"))
	mustContain(t, got, name, "tháng 3/2022", "520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	rs := h.reports("xuat-khau")
	if len(rs) != 1 || rs[0].Unit != "ben-luc" || rs[0].Period.Key() != "2022-03" || rs[0].Value.String() != "520000000" {
		t.Fatalf("after report now: %+v", rs)
	}
}
