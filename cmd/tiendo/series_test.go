package main

import (
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// The sequence through the built program: Bến Lức's months 1–3,
// then a "lũy kế 5 tháng" smaller than them. The read-back names the
// contradiction with its numbers and offers replace or cancel; nothing is
// stored before the choice; every form of the closed year answers alike.
func TestContradictionAskedAndClosedYearAnsweredAlike(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	for _, line := range []string{
		"cập nhật xuất khẩu tháng 1/2022 Bến Lức: 1.200 triệu USD",
		"cập nhật xuất khẩu tháng 2/2022 Bến Lức: 1.200 triệu USD",
		"cập nhật xuất khẩu tháng 3/2022 Bến Lức: 1.270 triệu USD",
	} {
		h.say(admin, line)
		h.press(admin, h.lastButtons(admin), "ok:")
	}
	got := texts(h.say(admin, "cập nhật xuất khẩu lũy kế 5 tháng Bến Lức: 2,51 tỉ USD"))
	mustContain(t, got, "lũy kế 5 tháng 2022 2,51 tỉ USD nhỏ hơn tổng 3 tháng đã ghi 3,67 tỉ USD", "Thay số đã ghi", "Chưa có gì được ghi")
	ask := h.lastButtons(admin)
	if n := len(h.reports("xuat-khau")); n != 3 {
		t.Fatalf("%d figures stored before the choice; want the 3 months", n)
	}
	// Month by month before the choice: the three months.
	before := texts(h.say(admin, "xuất khẩu năm 2022"))
	mustContain(t, before, "Đã đạt 3,67 tỉ USD", "Năm 2022 đã kết thúc", "thiếu 42,7 điểm", "Chưa đơn vị nào báo cáo tháng 4–12")
	if strings.Contains(before, "Dự kiến") {
		t.Errorf("a closed year is projected:\n%s", before)
	}
	h.press(admin, ask, "rp:")
	rs := h.reports("xuat-khau")
	if len(rs) != 1 || rs[0].Period.To != 5 {
		t.Fatalf("stored %+v; want the cumulative alone", rs)
	}
	// One verdict for the year, whatever the words.
	var answers []string
	for _, q := range []string{"tiến độ xuất khẩu", "xuất khẩu năm 2022", "xuất khẩu lũy kế 12 tháng"} {
		a := texts(h.say(admin, q))
		mustContain(t, a, "Kim ngạch xuất khẩu — năm 2022", "Đã đạt 2,51 tỉ USD", "39,2%", "Năm 2022 đã kết thúc", "thiếu 60,8 điểm", "Chưa đơn vị nào báo cáo tháng 6–12")
		answers = append(answers, a)
	}
	if answers[0] != answers[1] || answers[1] != answers[2] {
		t.Errorf("the forms of the year differ:\n%s\n---\n%s\n---\n%s", answers[0], answers[1], answers[2])
	}
	// April is inside the cumulative: reported, not "chưa có số liệu".
	m := texts(h.say(admin, "xuất khẩu từng tháng"))
	mustContain(t, m, "tháng 4/2022: nằm trong số lũy kế 5 tháng 2022 (Bến Lức)")
	four := texts(h.say(admin, "xuất khẩu lũy kế 4 tháng"))
	if strings.Contains(four, "Chưa có số liệu") || strings.Contains(four, "Chưa đơn vị nào trong") {
		t.Errorf("lũy kế 4 tháng says nobody reported:\n%s", four)
	}
	mustContain(t, four, "Bến Lức: lũy kế 4 tháng 2022 nằm trong số lũy kế 5 tháng 2022 (2,51 tỉ USD)")
}

// A projection rests on enough figures and says what: with one month of one
// unit, none is given, and the answer says why.
func TestProjectionNeedsEnoughFigures(t *testing.T) {
	clk := &clock{t: time.Date(2022, 12, 5, 9, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	h.say(admin, "cập nhật xuất khẩu tháng 11/2022 Bến Lức: 600 triệu USD")
	h.press(admin, h.lastButtons(admin), "ok:")
	got := texts(h.say(admin, "tiến độ xuất khẩu"))
	mustContain(t, got, "Chưa dự kiến cả năm: mới có 1 tháng có số liệu, 14/15 đơn vị chưa báo cáo tháng 11", "Chưa đơn vị nào báo cáo tháng 1–10")
	if strings.Contains(got, "Dự kiến cả năm theo nhịp") {
		t.Errorf("projected from one month:\n%s", got)
	}
}

// The write checks again: a cumulative read back while it agreed with the
// stored months, confirmed after another user stored months it contradicts,
// is not written; the read-back is asked again with the new contradiction.
func TestConfirmChecksAgainWhenTheUnitsFiguresChanged(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, hcm)}
	h := start(t, nil, bot.WithClock(clk.Now), bot.WithoutReminders())
	editor := telegramtest.From{UserID: 4242, FirstName: "Lan", LanguageCode: "vi"}
	h.addUser(editor.UserID, access.Editor, "")
	h.say(admin, "cập nhật xuất khẩu lũy kế 5 tháng Bến Lức: 2,51 tỉ USD")
	first := h.lastButtons(admin)
	for _, line := range []string{
		"cập nhật xuất khẩu tháng 1/2022 Bến Lức: 1.200 triệu USD",
		"cập nhật xuất khẩu tháng 2/2022 Bến Lức: 1.200 triệu USD",
		"cập nhật xuất khẩu tháng 3/2022 Bến Lức: 1.270 triệu USD",
	} {
		h.say(editor, line)
		h.press(editor, h.lastButtons(editor), "ok:")
	}
	h.press(admin, first, "ok:")
	if rs := h.reports("xuat-khau"); len(rs) != 3 {
		t.Fatalf("%d figures stored; want the editor's 3 months, the cumulative not written", len(rs))
	}
	mustContain(t, h.current(admin.UserID, first.MessageID), "Mâu thuẫn", "nhỏ hơn tổng 3 tháng đã ghi 3,67 tỉ USD", "Thay số đã ghi")
}

// /hoantac after "Thay số đã ghi" undoes the replacement whole: the new
// cumulative goes and the months it removed come back, so a wrong press
// loses no figure.
func TestUndoOfAReplacementRestoresTheMonths(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	for _, line := range []string{
		"cập nhật xuất khẩu tháng 1/2022 Bến Lức: 1.200 triệu USD",
		"cập nhật xuất khẩu tháng 2/2022 Bến Lức: 1.200 triệu USD",
	} {
		h.say(admin, line)
		h.press(admin, h.lastButtons(admin), "ok:")
	}
	h.say(admin, "cập nhật xuất khẩu lũy kế 2 tháng năm 2022 Bến Lức: 1,5 tỉ USD")
	h.press(admin, h.lastButtons(admin), "rp:")
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Period.To != 2 || rs[0].Period.From != 1 {
		t.Fatalf("after the replacement: %+v; want the cumulative alone", rs)
	}
	mustContain(t, texts(h.say(admin, "/hoantac")), "Hoàn tác 3 số liệu", "lũy kế 2 tháng 2022")
	mustContain(t, texts(h.press(admin, h.lastButtons(admin), "ud:")), "Đã hoàn tác")
	rs := h.reports("xuat-khau")
	if len(rs) != 2 {
		t.Fatalf("after the undo: %+v; want January and February back", rs)
	}
	for _, r := range rs {
		if r.Period.From != r.Period.To || r.Value != 1_200_000_000*1000 {
			t.Errorf("restored %+v; want a month of 1.200 triệu USD", r)
		}
	}
}
