package main

import (
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
)

// Long after the plan's year: a figure without a period is for the plan's
// December, and every example the bot shows is one it then accepts.
func TestExamplesAreDatedFromNow(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, hcm) }
	h := start(t, nil, bot.WithClock(now), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	help := texts(h.say(admin, "/trogiup"))
	mustContain(t, help, "cập nhật xuất khẩu tháng 12/2022 Tân An: 520 triệu USD", "/hanchot them 28/01/2027 17:00 |", "/baocao tháng 12/2022")
	for _, past := range []string{"30/06/2022", "tháng 3/2022", "tháng 5/2022"} {
		if strings.Contains(help, past) {
			t.Errorf("help shows %q:\n%s", past, help)
		}
	}
	// The help names a unit for an admin, who must name one (TestHelpExamples
	// sends each); a reporter's example, as they send it: read back.
	mustContain(t, texts(h.say(benLuc, "cập nhật xuất khẩu tháng 12/2022: 520 triệu USD")), "Kiểm tra lại", "tháng 12/2022")
	// No period: the plan's last month, not "no month has ended".
	got := texts(h.say(benLuc, "cập nhật xuất khẩu: 530 triệu USD"))
	mustContain(t, got, "Kiểm tra lại", "tháng 12/2022", "530 triệu USD")
	if strings.Contains(got, "Không có tháng nào") {
		t.Errorf("refused with a false reason:\n%s", got)
	}
	// A refused deadline shows an example to come, and that example is accepted.
	got = texts(h.say(admin, "/hanchot them mai | x"))
	mustContain(t, got, "28/01/2027 17:00 | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d")
	mustContain(t, texts(h.say(admin, "/hanchot")), "/hanchot them 28/01/2027 17:00 |")
	mustContain(t, texts(h.say(admin, "/hanchot them 28/01/2027 17:00 | Nghiệm thu đóng điện TTC Đức Huệ 2 | Đức Huệ | 7d,1d")), "Đã thêm hạn chót")
	h.addUser(english.UserID, access.Admin, "")
	help = texts(h.say(english, "/help"))
	mustContain(t, help, "update exports December 2022 Tân An: 520 million USD", "/deadlines add 28/01/2027 17:00 |")
	if strings.Contains(help, "2022 17:00") || strings.Contains(help, "March 2022") {
		t.Errorf("English help shows a past date:\n%s", help)
	}
}
