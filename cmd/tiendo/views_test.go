package main

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
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
	mustContain(t, texts(h.say(admin, "/tongquan năm 2022")), "năm 2022", "Kim ngạch xuất khẩu: ≥ 0,52 tỉ USD / 6,4 tỉ USD")
	mustContain(t, texts(h.say(admin, "/tongquan Bến Lức năm 2022")), "Tổng quan — Huyện Bến Lức — năm 2022")
	// A year on its own, likewise.
	mustContain(t, texts(h.say(admin, "/tongquan 2022")), "Kim ngạch xuất khẩu: ≥ 0,52 tỉ USD / 6,4 tỉ USD")
	mustContain(t, texts(h.say(admin, "xuất khẩu 2022")), "Kim ngạch xuất khẩu — năm 2022", "0,52 tỉ USD")
	mustContain(t, texts(h.say(admin, "xuất khẩu 2031")), "Chưa có kế hoạch năm 2031")
	noRefusals(t, h.api)
}

var codeRE = regexp.MustCompile(`<code>(.*?)</code>`)

// lastHTML is the HTML source of the last message in ss.
func lastHTML(ss []telegramtest.Sent) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[len(ss)-1].Text
}

// pressLabel presses the button labelled label on msg and returns what
// the bot sent.
func (h *harness) pressLabel(from telegramtest.From, msg telegramtest.Sent, label string) []telegramtest.Sent {
	h.t.Helper()
	for _, row := range msg.Keyboard {
		for _, b := range row {
			if b.Text == label {
				before := len(h.api.Sent())
				h.api.Press(from, msg.MessageID, b.Data)
				return h.waitNew(before)
			}
		}
	}
	h.t.Fatalf("no %q button on %+v", label, msg.Keyboard)
	return nil
}

// pressForFile presses the button labelled label on msg and waits for the
// file (method: sendPhoto, sendDocument) it brings: the answer to the press
// comes first, the file once drawn.
func (h *harness) pressForFile(from telegramtest.From, msg telegramtest.Sent, label, method string) []telegramtest.Sent {
	h.t.Helper()
	before := len(h.api.Sent())
	h.pressLabel(from, msg, label)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for n := before + 1; ; n++ {
		if _, err := h.api.WaitSent(ctx, n); err != nil {
			h.t.Fatalf("no %s after pressing %q: %v", method, label, err)
		}
		if files := sentFiles(from, h.api.Sent()[before:], method); len(files) > 0 {
			return files
		}
	}
}

// refusedWith asserts that ask is refused with want and a button labelled
// button, and returns that message.
func (h *harness) refusedWith(from telegramtest.From, ask string, button string, want ...string) telegramtest.Sent {
	h.t.Helper()
	got := inChat(from, h.say(from, ask))
	mustContain(h.t.(*testing.T), texts(got), want...)
	for _, s := range got {
		if s.Method == "sendDocument" || s.Method == "sendPhoto" {
			h.t.Errorf("%s: a file was sent: %s", ask, s.Filename)
		}
		for _, row := range s.Keyboard {
			for _, b := range row {
				if b.Text == button {
					return s
				}
			}
		}
	}
	h.t.Fatalf("%s: no %q button:\n%s", ask, button, texts(got))
	return telegramtest.Sent{}
}

// A unit, group or year that a question or command names and the bot does
// not understand, or the command does not take, is refused with what to
// write — buttons for the units meant — never answered for the province.
func TestUnitNamedIsHonouredOrRefused(t *testing.T) {
	h := start(t, nil, bot.WithClock(june20), bot.WithoutReminders(), bot.WithoutFloodControl())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 5/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	// A question: the misspelt unit is refused; its button answers for it.
	msg := h.refusedWith(admin, "tiến độ xk Bến Lứcc", "Bến Lức", "Không thấy đơn vị «Bến Lứcc»", "có phải Bến Lức?")
	if strings.Contains(msg.Text, "6,4 tỉ USD") {
		t.Errorf("the province answered beside the refusal:\n%s", msg.Text)
	}
	got := texts(h.pressLabel(admin, msg, "Bến Lức"))
	mustContain(t, got, "Kim ngạch xuất khẩu — Bến Lức", "0,52 tỉ USD")

	// /bieudo: misspelt → suggestion; the unit itself → the chart is the
	// province's, with a button for it.
	msg = h.refusedWith(admin, "/bieudo xuất khẩu Bến Lứcc", "Bến Lức", "Không thấy đơn vị «Bến Lứcc»")
	msg = h.refusedWith(admin, "/bieudo xuất khẩu Bến Lức", "Cả tỉnh", "/bieudo lập cho cả tỉnh", "không chọn riêng «Bến Lức»")
	if photos := h.pressForFile(admin, msg, "Cả tỉnh", "sendPhoto"); len(photos) != 1 || photos[0].Filename != "bieu-do-xuat-khau.png" {
		t.Errorf("whole province chart: %+v", photos)
	}
	// Through the suggestion's button, the same refusal.
	msg = h.refusedWith(admin, "/bieudo Ben Lucc", "Bến Lức", "«Ben Lucc»")
	mustContain(t, texts(h.pressLabel(admin, msg, "Bến Lức")), "/bieudo lập cho cả tỉnh")

	// /baocao.
	msg = h.refusedWith(admin, "/baocao Bến Lức", "Cả tỉnh", "/baocao lập cho cả tỉnh", "«Bến Lức»")
	if docs := h.pressForFile(admin, msg, "Cả tỉnh", "sendDocument"); len(docs) != 1 || docs[0].Filename != "bieu-so-lieu-2022-05.xlsx" {
		t.Errorf("whole province table: %+v", docs)
	}
	msg = h.refusedWith(admin, "/baocao tháng 5 Cần Đướcc", "Cần Đước", "«Cần Đướcc»")
	mustContain(t, texts(h.pressLabel(admin, msg, "Cần Đước")), "/baocao lập cho cả tỉnh", "«Cần Đước»")

	// /tongquan: a place that is no unit; a unit; a period it does not take.
	msg = h.refusedWith(admin, "/tongquan Long Hòa", "Đức Hòa", "Không thấy đơn vị «Long Hòa»")
	if strings.Contains(msg.Text, "Tổng quan") {
		t.Errorf("an overview beside the refusal:\n%s", msg.Text)
	}
	mustContain(t, texts(h.pressLabel(admin, msg, "Đức Hòa")), "Tổng quan — Huyện Đức Hòa")
	mustContain(t, texts(h.say(admin, "/tongquan Bến Lức")), "Tổng quan — Huyện Bến Lức", "0,52 tỉ USD")
	mustContain(t, texts(h.say(admin, "tiến độ Bến Lức")), "Tổng quan — Huyện Bến Lức")
	mustContain(t, texts(h.say(admin, "/tongquan quý 2")), "/tongquan cho số liệu từ đầu năm", "quý 2/2022")
	mustContain(t, texts(h.say(admin, "/tongquan huyện Mỹ Yên")), "Không thấy đơn vị «huyện Mỹ Yên»", "Các đơn vị báo cáo: Tân An")

	// /lichsu.
	msg = h.refusedWith(admin, "/lichsu xuất khẩu Bến Lứcc", "Bến Lức", "Không thấy đơn vị «Bến Lứcc»")
	mustContain(t, texts(h.pressLabel(admin, msg, "Bến Lức")), "Lịch sử", "Bến Lức", "520 triệu USD")

	// /hanchot takes no unit; a misspelt one is still named.
	h.refusedWith(admin, "/hanchot Bến Lứcc", "Bến Lức", "Không thấy đơn vị «Bến Lứcc»")
	mustContain(t, texts(h.say(admin, "/hanchot Bến Lức")), "/hanchot liệt kê hạn chót của bạn", "«Bến Lức»")

	// /maubaocao for a unit misspelt.
	msg = h.refusedWith(admin, "/maubaocao Duc Hoaa", "Đức Hòa", "Không thấy đơn vị «Duc Hoaa»")
	if docs := h.pressForFile(admin, msg, "Đức Hòa", "sendDocument"); len(docs) != 1 || !strings.Contains(docs[0].Filename, "duc-hoa") {
		t.Errorf("/maubaocao Đức Hòa: %+v", docs)
	}

	// The examples the refusals give are accepted as written.
	for ask, want := range map[string]string{
		"/baocao Bến Lức":             "— Bến Lức — năm 2022",
		"/tongquan quý 2":             "— quý 2/2022",
		"/hanchot Bến Lức":            "Hạn chót",
		"/lichsu xk Bến Lức Cần Đước": "Lịch sử",
	} {
		got := h.say(admin, ask)
		ex := codeRE.FindAllStringSubmatch(lastHTML(got), -1)
		if len(ex) == 0 {
			t.Errorf("%s: no example in %q", ask, lastHTML(got))
			continue
		}
		example := html.UnescapeString(ex[len(ex)-1][1])
		if strings.HasPrefix(ask, "/lichsu") {
			example = html.UnescapeString(ex[0][1])
		}
		mustContain(t, texts(h.say(admin, example)), want)
	}

	// A unit with no figures and no target of its own is not given the
	// province's target.
	got = texts(h.say(admin, "xk can duoc"))
	mustContain(t, got, "Cần Đước", "Chưa có số liệu", "không giao chỉ tiêu riêng cho Cần Đước")
	if strings.Contains(got, "6,4 tỉ USD") {
		t.Errorf("a unit without figures shows the province's target:\n%s", got)
	}
	noRefusals(t, h.api)
}

// The same question about unchanged figures is a lookup: one Redis command
// before the answer (the claim, which reads the data version), none to read
// figures, and the same answer. Any change of the figures, or another day,
// computes it again.
func TestRepeatedQuestionIsALookup(t *testing.T) {
	log := &redisLog{}
	clk := &clock{t: time.Date(2022, 4, 15, 9, 30, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders(), bot.WithRedisHook(log))
	viewer := telegramtest.From{UserID: 5200, FirstName: "Viewer", LanguageCode: "vi"}
	h.addUser(viewer.UserID, access.Viewer, "")
	h.putExports("long-an-2022", 2022, 3, func(string, int) int64 { return 20 })
	const q = "tiến độ xuất khẩu"
	questionCost(t, h, log, viewer, q) // loads the scripts; records the viewer's name (a change)
	questionCost(t, h, log, viewer, q)
	first := texts(inChat(viewer, h.api.Messages(viewer.UserID)[len(h.api.Messages(viewer.UserID))-1:]))
	mustContain(t, first, "0,9 tỉ USD")
	for _, ask := range []string{q, "  tiến độ   xuất khẩu "} {
		// The done mark may start before the answer is seen: count both.
		before, after, _ := questionCost(t, h, log, viewer, ask)
		all := append(before, after...)
		if countCmds(all) != 2 || strings.Contains(dump(all), "HGETALL") {
			t.Errorf("%q again: %d commands; want the claim, then the done mark:\n%s", ask, countCmds(all), dump(all))
		}
		msgs := h.api.Messages(viewer.UserID)
		if got := texts(msgs[len(msgs)-1:]); got != first {
			t.Errorf("%q again answered\n%s\nwant\n%s", ask, got, first)
		}
	}
	// A figure stored: computed again, with it.
	r := kpi.Report{Indicator: "xuat-khau", Unit: "ben-luc", Period: kpi.Month(2022, 4), Value: kpi.Amount(100e6 * kpi.AmountScale), By: 1, ByName: "Lan", At: clk.Now()}
	if _, err := h.store.PutReport(context.Background(), "long-an-2022", r); err != nil {
		t.Fatal(err)
	}
	if before, _, _ := questionCost(t, h, log, viewer, q); !strings.Contains(dump(before), "HGETALL") {
		t.Errorf("after a change: no figures read before the answer:\n%s", dump(before))
	}
	msgs := h.api.Messages(viewer.UserID)
	mustContain(t, texts(msgs[len(msgs)-1:]), "1 tỉ USD")
	// Another day: pace and "as of" move, computed again.
	clk.Set(clk.Now().AddDate(0, 0, 1))
	if before, _, _ := questionCost(t, h, log, viewer, q); !strings.Contains(dump(before), "HGETALL") {
		t.Errorf("the next day: no figures read before the answer:\n%s", dump(before))
	}
	// Another language is another answer.
	h.say(viewer, "/ngonngu en")
	questionCost(t, h, log, viewer, q)
	msgs = h.api.Messages(viewer.UserID)
	mustContain(t, texts(msgs[len(msgs)-1:]), "Export turnover", "1 billion USD")
}
