package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/store"
)

// /lichsu for a year named finds that year's plan among all kept plans,
// not only the one in force.
func TestHistoryOfAnotherYearsPlan(t *testing.T) {
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	mustContain(t, texts(h.say(admin, "cập nhật xuất khẩu tháng 3/2022 Bến Lức: 520 triệu USD")), "520 triệu USD")
	h.press(admin, h.lastButtons(admin), "ok:")
	if err := h.store.PutPlan(context.Background(), store.PlanRecord{Year: 2023, Name: "2023.toml", Source: plan2023(), At: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2023, 4, 15, 9, 30, 0, 0, hcm))
	mustContain(t, texts(h.say(admin, "/kehoach")), "2022, 2023 (đang áp dụng)")
	got := texts(h.say(admin, "/lichsu xuất khẩu năm 2022"))
	mustContain(t, got, "Kim ngạch xuất khẩu", "tháng 3/2022", "520 triệu USD", "Bến Lức")
	if strings.Contains(got, "Chưa có kế hoạch") {
		t.Errorf("/lichsu of 2022 with 2023's plan in force:\n%s", got)
	}
	mustContain(t, texts(h.say(admin, "/lichsu xuất khẩu năm 2031")), "Chưa có kế hoạch năm 2031")
	// The files of a year named likewise.
	for ask, name := range map[string]string{"/baocao năm 2022": "bieu-so-lieu-2022.xlsx", "/baocao 2022": "bieu-so-lieu-2022.xlsx", "/baocao tháng 3/2022": "bieu-so-lieu-2022-03.xlsx"} {
		if docs := sentFiles(admin, h.say(admin, ask), "sendDocument"); len(docs) != 1 || docs[0].Filename != name {
			t.Errorf("%s: documents = %+v", ask, docs)
		}
	}
	photos := sentFiles(admin, h.say(admin, "/bieudo xuất khẩu năm 2022"), "sendPhoto")
	if len(photos) != 1 {
		t.Fatalf("/bieudo xuất khẩu năm 2022: photos = %+v", photos)
	}
	mustContain(t, photos[0].Plain(), "Kim ngạch xuất khẩu 2022", "0,52 tỉ USD")
	mustContain(t, texts(h.say(admin, "/baocao 2031")), "Chưa có kế hoạch năm 2031")
	noRefusals(t, h.api)
}
