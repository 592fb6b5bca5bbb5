package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/kpi"
	"tiendo/bot/telegramtest"
)

// plan2023 is the embedded plan made into a 2023 plan with its own id and
// an export target of 7 tỉ USD.
func plan2023() []byte {
	src := kpi.DefaultPlanSource()
	src = bytes.Replace(src, []byte(`id = "long-an-2022"`), []byte(`id = "long-an-2023"`), 1)
	src = bytes.Replace(src, []byte("year = 2022"), []byte("year = 2023"), 1)
	return bytes.Replace(src, []byte(`target = "6_400_000_000"`), []byte(`target = "7_000_000_000"`), 1)
}

func (h *harness) sendPlan(from telegramtest.From, name string, data []byte) string {
	h.t.Helper()
	before := len(h.api.Sent())
	h.api.SendDocument(from, name, "application/toml", data, "")
	return texts(inChat(from, h.waitNew(before)))
}

func (h *harness) planReports(plan, indicator string) []kpi.Report {
	h.t.Helper()
	rs, err := h.store.Reports(context.Background(), plan, indicator)
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

// An admin loads the 2023 plan in chat; 2022's figures stay; questions and
// reports name either year; a restart does not undo the admin's plan.
func TestAdminLoadsNextYearsPlan(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())

	mustContain(t, texts(h.say(admin, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")), "520 triệu USD")
	h.press(admin, h.lastButtons(admin), "ok:")

	// A broken file: every problem, with file and place, and nothing changes.
	bad := bytes.Replace(plan2023(), []byte("year = 2023"), []byte("year = 23"), 1)
	bad = bytes.Replace(bad, []byte(`kind = "cumulative"`), []byte(`kind = "sum"`), 1)
	got := h.sendPlan(admin, "ke-hoach-2023.toml", bad)
	mustContain(t, got, "chưa dùng được", "ke-hoach-2023.toml: year: must be a year such as 2022, not 23", `.kind: must be cumulative`)
	if got := texts(h.say(admin, "/kehoach")); !bytes.Contains([]byte(got), []byte("Các năm có kế hoạch: 2022 (đang áp dụng)")) || bytes.Contains([]byte(got), []byte("2023")) {
		t.Fatalf("/kehoach after a broken file:\n%s", got)
	}
	// A viewer's file is not a plan.
	mustContain(t, h.sendPlan(english, "p.toml", plan2023()), "Only an administrator")

	// The good file: read back, then loaded on Xác nhận.
	got = h.sendPlan(admin, "ke-hoach-2023.toml", plan2023())
	mustContain(t, got, "Kế hoạch năm 2023", "long-an-2023", "Đơn vị báo cáo (15)", "Kim ngạch xuất khẩu: 7 tỉ USD", "chưa có kế hoạch năm này", "Chưa có gì được ghi")
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "pl:")), "Đã nạp kế hoạch năm 2023")
	mustContain(t, texts(h.say(admin, "/kehoach")), "2022 (đang áp dụng), 2023", "Kế hoạch năm 2022")
	mustContain(t, texts(h.say(admin, "/kehoach 2023")), "Kế hoạch năm 2023", "7 tỉ USD")
	// The same id for another year is refused: it would mix two years' totals.
	clash := bytes.Replace(plan2023(), []byte(`id = "long-an-2023"`), []byte(`id = "long-an-2022"`), 1)
	mustContain(t, h.sendPlan(admin, "clash.toml", clash), "id: \"long-an-2022\" is the id of the 2022 plan")

	// In 2023 the 2023 plan is in force; 2022 is asked for by name.
	clk.Set(time.Date(2023, 4, 15, 9, 30, 0, 0, hcm))
	mustContain(t, texts(h.say(admin, "cập nhật xuất khẩu tháng 3/2023 Bến Lức: 600 triệu USD")), "tháng 3/2023", "600 triệu USD")
	h.press(admin, h.lastButtons(admin), "ok:")
	if rs := h.planReports("long-an-2023", "xuat-khau"); len(rs) != 1 || rs[0].Period != kpi.Month(2023, 3) {
		t.Fatalf("2023 exports = %+v", rs)
	}
	if rs := h.planReports("long-an-2022", "xuat-khau"); len(rs) != 1 || rs[0].Value != 520_000_000_000 {
		t.Fatalf("2022 exports after the 2023 plan = %+v", rs)
	}
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,6 tỉ USD", "7 tỉ USD")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu năm 2022")), "0,52 tỉ USD", "6,4 tỉ USD")
	// A late 2022 figure sent in 2023 goes to the 2022 plan.
	mustContain(t, texts(h.say(admin, "cập nhật xuất khẩu tháng 4/2022 Bến Lức: 500 triệu USD")), "tháng 4/2022")
	h.press(admin, h.lastButtons(admin), "ok:")
	if rs := h.planReports("long-an-2022", "xuat-khau"); len(rs) != 2 {
		t.Fatalf("2022 exports after a late figure = %+v", rs)
	}

	// A restart seeds the embedded plan again, and keeps the admin's 2023.
	h.stopBot()
	h.app, h.stopBot = h.launch(nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "/kehoach")), "2022, 2023 (đang áp dụng)", "7 tỉ USD")
	noRefusals(t, h.api)
}
