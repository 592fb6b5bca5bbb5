package main

import (
	"bytes"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/remind"
)

// A reminder names its indicator from the plan of its deadline's year, as
// the digest uses the plan in force — not from the plan loaded at start.
func TestReminderNamesTheIndicatorOfItsYearsPlan(t *testing.T) {
	clk := &clock{t: time.Date(2023, 4, 10, 9, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithReminders(func(c *remind.Config) {
		c.EarlyRetry = 200 * time.Millisecond
		c.SyncEvery = 300 * time.Millisecond // schedule the plan loaded in chat without waiting an hour
	}))
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	renamed := bytes.Replace(plan2023(), []byte(`name_vi = "Kim ngạch xuất khẩu"`), []byte(`name_vi = "Xuất khẩu hàng hóa"`), 1)
	mustContain(t, h.sendPlan(admin, "ke-hoach-2023.toml", renamed), "Kế hoạch năm 2023")
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "pl:")), "Đã nạp kế hoạch năm 2023")
	// March 2023's exports are due 20 April 17:00: the 5-day reminder is at 15 April 17:00.
	clk.Set(time.Date(2023, 4, 15, 17, 0, 30, 0, hcm))
	eventually(t, "the 5-day reminder named from the 2023 plan", func() bool {
		return h.count(benLuc.UserID, "Nhắc hạn", "Xuất khẩu hàng hóa tháng 3/2023") >= 1
	})
	if n := h.count(benLuc.UserID, "Kim ngạch xuất khẩu tháng 3/2023"); n != 0 {
		t.Errorf("%d reminders name the indicator from the plan loaded at start", n)
	}
}
