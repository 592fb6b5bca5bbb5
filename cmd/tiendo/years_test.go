package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
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
	// /hoantac finds that change, the latest, though it is last year's plan's.
	mustContain(t, texts(h.say(admin, "/hoantac")), "tháng 4/2022", "500 triệu USD")
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "ud:")), "Đã hoàn tác")
	if rs := h.planReports("long-an-2022", "xuat-khau"); len(rs) != 1 {
		t.Fatalf("2022 exports after undoing the late figure = %+v", rs)
	}
	if rs := h.planReports("long-an-2023", "xuat-khau"); len(rs) != 1 {
		t.Fatalf("2023 exports after undoing a 2022 figure = %+v", rs)
	}

	// A restart seeds the embedded plan again, and keeps the admin's 2023.
	h.stopBot()
	h.app, h.stopBot = h.launch(nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "/kehoach")), "2022, 2023 (đang áp dụng)", "7 tỉ USD")
	noRefusals(t, h.api)
}

// putExports stores, for every unit of the 2022 plan (same ids in 2023),
// monthly export figures of million(unit, month) million USD.
func (h *harness) putExports(plan string, year int, months int, million func(unit string, m int) int64) {
	h.t.Helper()
	for _, u := range kpi.DefaultPlan().Units {
		for m := 1; m <= months; m++ {
			r := kpi.Report{Indicator: "xuat-khau", Unit: u.ID, Period: kpi.Month(year, m), Value: kpi.Amount(million(u.ID, m) * 1e6 * kpi.AmountScale),
				By: 1, ByName: "Lan", At: time.Date(year, time.Month(m)+1, 5, 9, 0, 0, 0, hcm)}
			if _, err := h.store.PutReport(context.Background(), plan, r); err != nil {
				h.t.Fatal(err)
			}
		}
	}
}

// With 2022's figures kept, 2023's answers compare with the same months of
// 2022 and the month before, project the year, and give a unit its share.
func TestYearOnYearAnswers(t *testing.T) {
	clk := &clock{t: time.Date(2023, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	// Bến Lức has a target of its own in 2023; the other units do not.
	src := bytes.Replace(plan2023(), []byte(`target = "7_000_000_000"`), []byte(`target = "7_000_000_000"`+"\nunit_targets = { \"ben-luc\" = \"500_000_000\" }"), 1)
	// A group of two units, continuing 2022's whole province.
	src = bytes.Replace(src, []byte("[[indicators]]"), []byte(`[[groups]]
id = "phia-nam"
name = "Khu vực phía Nam"
aliases = ["phía nam"]
units = ["ben-luc", "can-duoc"]
previous = "*"

[[indicators]]`), 1)
	if err := h.store.PutPlan(context.Background(), store.PlanRecord{Year: 2023, Name: "2023.toml", Source: src, At: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	// 2022: 20 a month per unit in the first half, 40 in the second; Bến Lức twice that.
	h.putExports("long-an-2022", 2022, 12, func(u string, m int) int64 {
		v := int64(20)
		if m > 6 {
			v = 40
		}
		if u == "ben-luc" {
			v *= 2
		}
		return v
	})
	// 2023: 22 a month per unit, Bến Lức 44: +10% on 2022.
	h.putExports("long-an-2023", 2023, 3, func(u string, m int) int64 {
		if u == "ben-luc" {
			return 44
		}
		return 22
	})

	got := texts(h.say(admin, "xuất khẩu tháng 3 so với cùng kỳ"))
	mustContain(t, got, "tháng 3/2023", "So với cùng kỳ (tháng 3/2022): +10%", "So với tháng 2/2023: +0%")
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "1,06 tỉ USD / 7 tỉ USD", "So với cùng kỳ (quý 1/2022): +10%",
		"Dự kiến cả năm theo nhịp 3 tháng qua: 4,22 tỉ USD (60% kế hoạch) — ⚠️ chưa đạt kế hoạch",
		"Dự kiến cả năm theo diễn biến năm 2022: 6,34 tỉ USD (91% kế hoạch)")
	mustContain(t, texts(h.say(admin, "có đạt kế hoạch không?")), "Dự kiến cả năm 2023", "Kim ngạch xuất khẩu", "6,34 tỉ USD (91% kế hoạch)")
	got = texts(h.say(admin, "xuất khẩu Bến Lức"))
	mustContain(t, got, "Bến Lức", "Đã đạt 0,13 tỉ USD", "Chiếm 12,5% tổng toàn tỉnh", "xếp hạng 1/15", "So với cùng kỳ (quý 1/2022): +10%",
		"Kế hoạch của đơn vị: 0,5 tỉ USD — đạt 26,4%", "vượt 1,4 điểm")
	got = texts(h.say(admin, "xuất khẩu Đức Hòa"))
	mustContain(t, got, "Đức Hòa", "Chiếm 6,3% tổng toàn tỉnh", "xếp hạng 2/15", "không giao chỉ tiêu riêng")
	for _, wrong := range []string{"kế hoạch năm.", "Dự kiến cả năm", "chậm", "vượt"} {
		if strings.Contains(got, wrong) {
			t.Errorf("a unit's answer holds the province's target or pace (%q):\n%s", wrong, got)
		}
	}
	mustContain(t, texts(h.say(admin, "/tongquan")), "1,06 tỉ USD", "· cùng kỳ +10%")
	got = texts(h.say(admin, "xuất khẩu khu vực phía Nam"))
	mustContain(t, got, "Khu vực phía Nam", "Đã đạt 0,2 tỉ USD", "Chiếm 18,8% tổng toàn tỉnh (1,06 tỉ USD); gồm 2 đơn vị", "So với cùng kỳ (quý 1/2022): −79,4% (0,96 tỉ USD)")
	if strings.Contains(got, "Dự kiến") || strings.Contains(got, "kế hoạch năm") {
		t.Errorf("a group's answer holds the province's target:\n%s", got)
	}
	mustContain(t, texts(h.say(admin, "xuất khẩu từng tháng")), "từng tháng năm 2023",
		"tháng 1/2023: 0,35 tỉ USD — năm 2022: 0,32 tỉ USD (+10%)", "tháng 3/2023: 0,35 tỉ USD — năm 2022: 0,32 tỉ USD (+10%)")
	mustContain(t, texts(h.say(admin, "xếp hạng xuất khẩu các đơn vị")), "Xếp hạng Kim ngạch xuất khẩu — năm 2023",
		"1. Bến Lức: 0,13 tỉ USD (12,5%)", "2. Tân An: 0,07 tỉ USD (6,3%)", "2. Vĩnh Hưng: 0,07 tỉ USD (6,3%)")
	mustContain(t, texts(h.say(admin, "/tongquan Bến Lức")), "Tổng quan — Huyện Bến Lức — năm 2023", "Kim ngạch xuất khẩu: 0,13 tỉ USD (12,5% toàn tỉnh, hạng 1/15) — kế hoạch đơn vị 0,5 tỉ USD: đạt 26,4%", "Kim ngạch nhập khẩu: chưa có số liệu")
	// English, and a year named: 2022 compares with nothing kept before it.
	h.addUser(english.UserID, access.Viewer, "")
	mustContain(t, texts(h.say(english, "exports in March compared with the same period last year")), "On the same period last year (March 2022): +10%")
	got = texts(h.say(admin, "xuất khẩu năm 2022"))
	mustContain(t, got, "5,76 tỉ USD / 6,4 tỉ USD")
	if strings.Contains(got, "So với cùng kỳ") {
		t.Errorf("2022 compared with a year that has no plan:\n%s", got)
	}
	noRefusals(t, h.api)
}

// An admin gets a year's plan as a workbook, edits it into next year's and
// sends it back: the same checks and read-back as a plan file, with errors
// placed in the workbook's sheets and rows.
func TestPlanAsWorkbook(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	before := len(h.api.Sent())
	h.api.SendText(admin, "/kehoach xlsx")
	files := sentFiles(admin, h.waitNew(before), "sendDocument")
	if len(files) != 1 || files[0].Filename != "long-an-2022.xlsx" {
		t.Fatalf("/kehoach xlsx sent %+v; want long-an-2022.xlsx", files)
	}
	x := openXLSX(t, files[0].Data)
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := x.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// Next year's: id, year, and the export target (row of xuat-khau).
	set("Kế hoạch", "B2", "long-an-2023")
	set("Kế hoạch", "B3", 2023)
	rows, err := x.GetRows("Chỉ tiêu")
	if err != nil {
		t.Fatal(err)
	}
	exportRow := 0
	for i, r := range rows {
		if len(r) > 0 && r[0] == "xuat-khau" {
			exportRow = i + 1
		}
	}
	set("Chỉ tiêu", fmt.Sprintf("H%d", exportRow), "7_000_000_000")
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got := h.sendPlan(admin, "ke-hoach-2023.xlsx", buf.Bytes())
	mustContain(t, got, "Kế hoạch năm 2023", "long-an-2023", "Kim ngạch xuất khẩu: 7 tỉ USD", "Chưa có gì được ghi")
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "pl:")), "Đã nạp kế hoạch năm 2023")
	mustContain(t, texts(h.say(admin, "/kehoach 2023")), "7 tỉ USD")

	// A target that is no number: refused at the row a person sees.
	set("Chỉ tiêu", fmt.Sprintf("H%d", exportRow), "bảy tỉ")
	set("Kế hoạch", "B2", "long-an-2024")
	set("Kế hoạch", "B3", 2024)
	buf.Reset()
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got = h.sendPlan(admin, "ke-hoach-2024.xlsx", buf.Bytes())
	mustContain(t, got, "chưa dùng được", fmt.Sprintf("Chỉ tiêu, row %d (xuat-khau).target", exportRow))
	// A unit's form is still a form, not a plan: the plan path is taken
	// only by a workbook with the plan's sheets.
	if !strings.Contains(texts(h.say(admin, "/kehoach")), "2022 (đang áp dụng), 2023") {
		t.Error("the refused workbook changed the plans")
	}
}

// In January a unit's December figures of last year's plan are still due
// and /hanchot lists them; "/hanchot 2022" lists what the unit has not met
// of that year's plan.
func TestDeadlinesOfLastYearsPlan(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.sendPlan(admin, "ke-hoach-2023.toml", plan2023())
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "pl:")), "Đã nạp kế hoạch năm 2023")

	clk.Set(time.Date(2023, 1, 10, 9, 30, 0, 0, hcm))
	got := texts(h.say(benLuc, "/hanchot"))
	mustContain(t, got, "tháng 12/2022")
	got = texts(h.say(benLuc, "/hanchot 2022"))
	mustContain(t, got, "tháng 3/2022", "tháng 11/2022")
	mustContain(t, texts(h.say(benLuc, "/hanchot 2019")), "Chưa có kế hoạch năm 2019")
}
