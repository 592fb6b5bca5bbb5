package main

import (
	"testing"

	"tiendo/bot"
)

// Questions that name no indicator of the plan, a place outside it, or two
// units get the answers a clerk expects.
func TestQuestionsThatDoNotCollide(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	got := texts(h.say(admin, "giá điện tháng này"))
	mustContain(t, got, "Không tìm thấy chỉ tiêu")
	mustNotContain(t, got, "Tỷ lệ hộ sử dụng điện —")

	got = texts(h.say(admin, "xuất khẩu Hà Nội"))
	mustContain(t, got, "Bot này giữ số liệu của Long An; số liệu của «Hà Nội» không có ở đây")
	mustNotContain(t, got, "không phải đơn vị báo cáo", "không được ghi")

	got = texts(h.say(admin, "asdkjh qwe"))
	mustContain(t, got, "Chưa hiểu", "/trogiup")

	got = texts(h.say(admin, "xk ben luc va can duoc"))
	mustContain(t, got, "Kim ngạch xuất khẩu — Bến Lức —", "Kim ngạch xuất khẩu — Cần Đước —")

	// "so với" is not the department; the question is about the province.
	got = texts(h.say(admin, "xuất khẩu tăng bao nhiêu so với cùng kỳ?"))
	mustContain(t, got, "Kim ngạch xuất khẩu")
	mustNotContain(t, got, "Sở Công Thương —")
}
