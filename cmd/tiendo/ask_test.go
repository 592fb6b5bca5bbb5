package main

import (
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// Greetings, thanks and messages without words get a polite line and the
// help hint: no indicator suggestions, no overview (issue 16, item 9).
func TestSmallTalk(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	for _, c := range []struct{ text, want string }{
		{"cảm ơn", "Không có gì ạ"},
		{"Cảm ơn bạn nhiều nhé", "Không có gì ạ"},
		{"xin chào", "Chào bạn!"},
		{"chào bot", "Chào bạn!"},
		{"thanks", "Không có gì ạ"},
		{"👍", "Hãy viết câu hỏi bằng chữ"},
		{".", "Hãy viết câu hỏi bằng chữ"},
	} {
		got := texts(h.say(benLuc, c.text))
		mustContain(t, got, c.want, "/trogiup")
		mustNotContain(t, got, "Có phải bạn muốn", "Không tìm thấy chỉ tiêu", "Tổng quan", "Chưa hiểu")
	}
	h.addUser(english.UserID, access.Viewer, "")
	got := texts(h.say(english, "thanks"))
	mustContain(t, got, "You're welcome", "/help")
}

// A number in a question does not make it a report, and "X là gì?" gets the
// indicator's definition, its source, then its figure (items 6 and 7).
func TestQuestionsWithNumbersAndDefinitions(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "Chỉ số IIP là gì? 5 bước tính chỉ số sản xuất công nghiệp"))
	mustNotContain(t, got, "bạn muốn ghi số liệu này hay xem tiến độ")
	mustContain(t, got, "Chỉ số sản xuất công nghiệp (IIP) là gì?", "khối lượng sản xuất công nghiệp",
		"Nguồn: Tổng cục Thống kê", "Chỉ số sản xuất công nghiệp (IIP) — năm 2022", "Kế hoạch năm 2022: 7%")

	got = texts(h.say(benLuc, "BÀI 5: TỔNG MỨC BÁN LẺ HÀNG HÓA"))
	mustNotContain(t, got, "bạn muốn ghi số liệu này hay xem tiến độ", "là gì?")
	mustContain(t, got, "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ — năm 2022")

	got = texts(h.say(benLuc, "Top 10 địa phương có tốc độ tăng trưởng IIP"))
	mustNotContain(t, got, "bạn muốn ghi số liệu này hay xem tiến độ")
	mustContain(t, got, "Bot này giữ số liệu của Long An")

	h.addUser(english.UserID, access.Viewer, "")
	got = texts(h.say(english, "what does IIP mean?"))
	mustContain(t, got, "What is Industrial production index (IIP)?", "volume of industrial production", "Source:")

	// The report shape still asks or reads.
	got = texts(h.say(benLuc, "xk 520"))
	mustContain(t, got, "bạn muốn ghi số liệu này hay xem tiến độ")
}

// Another province or the country: what the bot keeps, and the plan's own
// answer behind a button; a year without a plan: the years there are, and
// the nearest behind a button (item 8).
func TestQuestionsAboutOtherPlacesAndYears(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "Tây Ninh tăng trưởng GRDP 9 tháng bao nhiêu?"))
	mustContain(t, got, "Bot này giữ số liệu của Long An; số liệu của «Tây Ninh» không có ở đây",
		"Tốc độ tăng trưởng kinh tế (GRDP) của Long An")
	mustNotContain(t, got, "không được ghi", "không phải đơn vị báo cáo", "Tốc độ tăng trưởng kinh tế (GRDP) —")
	got = texts(h.press(benLuc, h.lastButtonsFor(benLuc, "rq:"), "rq:"))
	mustContain(t, got, "Tốc độ tăng trưởng kinh tế (GRDP) —", "9 tháng")

	got = texts(h.say(benLuc, "kim ngạch xuất khẩu của cả nước 6 tháng đầu năm"))
	mustContain(t, got, "Bot này giữ số liệu của Long An; số liệu của «cả nước» không có ở đây")

	// GDP is the country's GRDP: the plan's GRDP is offered, for the
	// quarter asked.
	got = texts(h.say(benLuc, "GDP cả nước quý 3 tăng bao nhiêu"))
	mustContain(t, got, "Bot này giữ số liệu của Long An; số liệu của «cả nước» không có ở đây",
		"Tốc độ tăng trưởng kinh tế (GRDP) của Long An")
	mustNotContain(t, got, "không phải chỉ tiêu", "Không hiểu", "Có phải")
	got = texts(h.press(benLuc, h.lastButtonsFor(benLuc, "rq:"), "rq:"))
	mustContain(t, got, "Tốc độ tăng trưởng kinh tế (GRDP) —", "quý 3")
	got = texts(h.say(benLuc, "GDP 6 tháng tăng bao nhiêu"))
	mustContain(t, got, "«GDP» là số liệu của cả nước; bot này giữ số liệu của Long An",
		"Bấm nút dưới để xem Tốc độ tăng trưởng kinh tế (GRDP) của Long An")

	got = texts(h.say(benLuc, "xuất khẩu năm 2025"))
	mustContain(t, got, "Chưa có kế hoạch năm 2025. Bot có kế hoạch các năm: 2022.", "Bấm nút dưới để xem năm 2022")
	mustNotContain(t, got, "Kim ngạch xuất khẩu —")
	got = texts(h.press(benLuc, h.lastButtonsFor(benLuc, "rq:"), "rq:"))
	mustContain(t, got, "Kim ngạch xuất khẩu — năm 2022")
}

// Questions that hold an indicator's words but ask about something else
// are told it is not one of the plan's indicators, with the list (item 9).
func TestOffTopicQuestions(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	for _, c := range []struct{ text, topic string }{
		{"Thuế suất hàng xuất khẩu", "«Thuế suất» không phải chỉ tiêu của kế hoạch"},
		{"mức bán lẻ giá điện", "«giá» không phải chỉ tiêu của kế hoạch"},
		{"Nhập khẩu nhiều hơn xuất khẩu gọi là gì", "«gọi là gì» không phải chỉ tiêu của kế hoạch"},
		{"Sau 5 tháng tăng liên tiếp, xuất khẩu dệt may đột ngột giảm mạnh", "«xuất khẩu dệt may» không phải chỉ tiêu của kế hoạch"},
		{"Infographic: 10 mặt hàng xuất khẩu chủ lực năm 2024", "«mặt hàng» không phải chỉ tiêu của kế hoạch"},
	} {
		got := texts(h.say(benLuc, c.text))
		mustContain(t, got, c.topic, "Các chỉ tiêu của kế hoạch: Tốc độ tăng trưởng kinh tế (GRDP), Chỉ số sản xuất công nghiệp (IIP)")
		mustNotContain(t, got, "Kim ngạch xuất khẩu —", "Kim ngạch nhập khẩu —", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ —")
	}
}

// The same in English.
func TestQuestionsNotAboutTheFiguresInEnglish(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(english.UserID, access.Viewer, "")
	got := texts(h.say(english, "GDP growth in Q3"))
	mustContain(t, got, "“GDP” is a figure of the whole country; this bot keeps those of Long An")
	got = texts(h.say(english, "exports of Vietnam in Q2"))
	mustContain(t, got, "This bot keeps the figures of Long An; those of “Vietnam” are not here")
	got = texts(h.press(english, h.lastButtonsFor(english, "rq:"), "rq:"))
	mustContain(t, got, "Export turnover —", "Q2 2022")

	got = texts(h.say(english, "export tax rate"))
	mustContain(t, got, "“tax” is not one of the plan's indicators", "The plan's indicators: Economic growth (GRDP)")
	mustNotContain(t, got, "Export turnover —")
}
