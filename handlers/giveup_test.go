package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tiendo/bot/access"
)

type fakeLister []access.User

func (f fakeLister) Users(context.Context) ([]access.User, error) { return f, nil }

// An update given up is told to its sender, in their chat, and to every
// admin who has not blocked the bot, by kind and file name: never the
// message's text.
func TestGiveUpTellsTheSenderAndTheAdmins(t *testing.T) {
	a := testApp(t, needs{lister: fakeLister{
		{ID: 1, Role: access.Admin}, {ID: 2, Role: access.Admin, Blocked: true}, {ID: 3, Role: access.Editor},
		{ID: 4, Role: access.Admin, Lang: "en"}, {ID: 10, Name: "Lan", Role: access.Reporter, Unit: "ben-luc"},
	}})
	out := &kbSender{}
	req := Request{UpdateID: 77, ChatID: 10, UserID: 10, UserName: "lan_ba", Text: "xuất khẩu tháng 3 Bến Lức: 520 triệu USD",
		Document: &Document{Name: "so-lieu.xlsx"}}
	if err := a.GiveUp(context.Background(), out, req, 3); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.chats, []int64{10, 1, 4}) {
		t.Fatalf("told %v, want the sender, then admins 1 and 4", out.chats)
	}
	if m := out.sent[0].html; !strings.Contains(m, "file «so-lieu.xlsx» bạn vừa gửi làm bot dừng đột ngột 3 lần") {
		t.Errorf("the sender was told:\n%s", m)
	}
	if m := out.sent[1].html; !strings.Contains(m, "file «so-lieu.xlsx» của Lan (id 10, chat 10, update 77)") {
		t.Errorf("admin 1 was told:\n%s", m)
	}
	for _, m := range out.sent {
		if strings.Contains(m.html, "520") {
			t.Errorf("the message's text went out:\n%s", m.html)
		}
	}
}
