package main

import (
	"context"
	"fmt"
	"testing"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// One value written after two indicators is of one of them: the bot asks
// which, with a button for each, and never picks one itself.
func TestOneValueTwoIndicatorsAsks(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	h.addUser(benLuc.UserID, access.Reporter, "ben-luc")

	got := texts(h.say(benLuc, "cập nhật xuất khẩu, nhập khẩu tháng 3/2022 Bến Lức: 520 triệu USD"))
	mustContain(t, got, "hai cách", "xuất khẩu", "nhập khẩu", "520 triệu USD")
	ask := h.lastButtons(benLuc)
	mustContain(t, fmt.Sprint(ask.Keyboard), "xuất khẩu", "nhập khẩu", "Hủy")
	mustNotContain(t, fmt.Sprint(ask.Keyboard), "Xác nhận")
	if len(h.reports("nhap-khau")) != 0 || len(h.reports("xuat-khau")) != 0 {
		t.Fatal("a figure was stored before the indicator was chosen")
	}
	h.press(benLuc, ask, buttonData(t, ask, "Kim ngạch xuất khẩu"))
	if xk := h.reports("xuat-khau"); len(xk) != 1 || xk[0].Value.Float() != 520e6 || len(h.reports("nhap-khau")) != 0 {
		t.Fatalf("stored exports %+v, imports %+v; want exports 520 triệu USD only", xk, h.reports("nhap-khau"))
	}
}

// The words decide the number format, not the interface language:
// "2.150 tỉ đồng" is Vietnamese in an English chat; a bare "2.150" in
// English is asked, with both readings.
func TestNumberFormatFollowsTheWords(t *testing.T) {
	h := start(t, nil, bot.WithClock(april15), bot.WithoutReminders())
	en := telegramtest.From{UserID: 502, FirstName: "Ann", LanguageCode: "en"}
	h.addUser(en.UserID, access.Reporter, "ben-luc")
	if err := h.store.SetLang(context.Background(), en.UserID, "en"); err != nil {
		t.Fatal(err)
	}

	h.say(en, "update retail March 2022 Ben Luc: 2.150 tỉ đồng")
	h.press(en, h.lastButtons(en), "ok:")
	if rs := h.reports("ban-le"); len(rs) != 1 || rs[0].Value.Float() != 2150e9 {
		t.Fatalf("stored %+v; want 2.150 tỉ đồng = 2150 billion VND", rs)
	}

	got := texts(h.say(en, "update exports March 2022: 2.150 USD"))
	mustContain(t, got, "reads two ways")
	ask := h.lastButtons(en)
	mustContain(t, fmt.Sprint(ask.Keyboard), "2.15 USD", "2.15 thousand USD")
	h.press(en, ask, buttonData(t, ask, "2.15 thousand USD"))
	if rs := h.reports("xuat-khau"); len(rs) != 1 || rs[0].Value.Float() != 2150 {
		t.Fatalf("stored %+v; want 2,150 USD", rs)
	}
}
