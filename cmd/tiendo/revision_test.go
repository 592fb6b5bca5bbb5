package main

import (
	"strings"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
)

// An estimate shows as one; the official figure for the same slot replaces
// it as a revision: in the read-back, in /lichsu, and in the total.
func TestEstimateRevisedByOfficial(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())

	got := texts(h.say(admin, "Bến Lức: kim ngạch xuất khẩu tháng 3/2022 ước đạt 520 triệu USD, tăng 12% so với cùng kỳ"))
	mustContain(t, got, "520 triệu USD", "ước tính", "so với cùng kỳ +12%")
	h.press(admin, h.lastButtons(admin), "ok:")
	// No 2021 figures are kept: the comparison the report stated shows, marked.
	mustContain(t, texts(h.say(admin, "xuất khẩu Bến Lức tháng 3 so với cùng kỳ")), "So với cùng kỳ: +12% (theo số nêu trong báo cáo)")
	mustContain(t, texts(h.say(admin, "tiến độ xuất khẩu")), "0,52 tỉ USD", "Còn là số ước tính/sơ bộ (1): Bến Lức tháng 3/2022 (ước)")
	mustContain(t, texts(h.say(admin, "/tongquan")), "(có số ước)")
	mustContain(t, texts(h.say(admin, "xuất khẩu từng tháng")), "tháng 1/2022: chưa có số liệu", "tháng 3/2022: 0,52 tỉ USD (ước) (thiếu 14 đơn vị)")

	got = texts(h.say(admin, "Bến Lức: kim ngạch xuất khẩu tháng 3/2022 chính thức đạt 534 triệu USD"))
	mustContain(t, got, "ước 520 triệu USD → chính thức 534 triệu USD", "điều chỉnh: số chính thức thay số ước tính")
	h.press(admin, h.lastButtons(admin), "ok:")

	mustContain(t, texts(h.say(admin, "/lichsu xuất khẩu")), "ước 520 triệu USD → chính thức 534 triệu USD (điều chỉnh: số ước được thay)")
	got = texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "0,53 tỉ USD")
	if strings.Contains(got, "Còn là số ước") {
		t.Errorf("the official figure still shows as an estimate:\n%s", got)
	}
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value != 534_000_000_000 {
		t.Errorf("stored = %+v, want the official figure alone", rs)
	}
	noRefusals(t, h.api)
}

// /hoantac asks first; Giữ nguyên keeps the figure, and a question left
// while another change is made undoes nothing.
func TestUndoAsksFirst(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	h.say(benLuc, "/hoantac")
	mustContain(t, texts(h.press(benLuc, h.lastButtons(benLuc), "uk:")), "Đã giữ nguyên")
	if rs := h.reports("xuat-khau"); len(rs) != 1 {
		t.Fatalf("Giữ nguyên undid: %+v", rs)
	}
	h.say(benLuc, "/hoantac")
	stale := h.lastButtons(benLuc)
	h.say(benLuc, "cập nhật nhập khẩu tháng 3/2022: 410 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	mustContain(t, texts(h.press(benLuc, stale, "ud:")), "không còn là thay đổi gần nhất")
	if len(h.reports("xuat-khau")) != 1 || len(h.reports("nhap-khau")) != 1 {
		t.Fatalf("a stale undo question reverted something")
	}
	mustContain(t, texts(h.say(benLuc, "/hoantac")), "Kim ngạch nhập khẩu", "410 triệu USD")
}

// A batch confirmed together is undone together: /hoantac names every
// figure of it, and one press reverts them all; a figure confirmed in
// another read-back is not part of it.
func TestUndoWholeBatch(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
	h.say(benLuc, "cập nhật bán lẻ tháng 3/2022: 2.150 tỉ đồng")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")
	h.say(benLuc, "cập nhật tháng 3/2022\nxuất khẩu: 520 triệu USD\nnhập khẩu: 410 triệu USD")
	h.press(benLuc, h.lastButtons(benLuc), "ok:")

	got := texts(h.say(benLuc, "/hoantac"))
	mustContain(t, got, "Hoàn tác 2 số liệu bạn đã xác nhận cùng lúc", "Kim ngạch xuất khẩu", "Kim ngạch nhập khẩu")
	mustNotContain(t, got, "Tổng mức bán lẻ")
	got = texts(h.press(benLuc, h.lastButtons(benLuc), "ud:"))
	mustContain(t, got, "Đã hoàn tác", "520 triệu USD", "410 triệu USD")
	if len(h.reports("xuat-khau")) != 0 || len(h.reports("nhap-khau")) != 0 {
		t.Fatalf("the batch was not undone whole: exports %+v, imports %+v", h.reports("xuat-khau"), h.reports("nhap-khau"))
	}
	if len(h.reports("ban-le")) != 1 {
		t.Fatal("the earlier read-back's figure was undone too")
	}
	// The next /hoantac is the earlier read-back, alone.
	mustContain(t, texts(h.say(benLuc, "/hoantac")), "Tổng mức bán lẻ", "2.150 tỉ đồng")
}
