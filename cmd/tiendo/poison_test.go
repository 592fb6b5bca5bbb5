package main

import (
	"strings"
	"testing"
	"time"

	"tiendo/bot/store"
)

// A poison update — one that takes the process down every time it is
// handled — is given up after store.MaxUpdateTries crashes instead of
// crashing every restart for the inbox's 24 hours. Each crash is a kill -9
// of the bot's process while the update is being handled (its reply on the
// way to Telegram), and an immediate restart, which takes it up again from
// the inbox. The restart after the third crash drops it: the sender is told
// once, the admins once, the log says so, and a further restart does not
// take it up again.
func TestPoisonUpdateGivenUpAfterCrashes(t *testing.T) {
	api, redisURL, prefix := crashSetup(t)
	p := startProcess(t, api, redisURL, prefix)
	api.SetHandlerDelay(time.Second) // every reply is in flight long enough to kill
	before := api.Calls("sendMessage")
	api.SendText(admin, "tiến độ xuất khẩu")
	for crash := 1; crash <= store.MaxUpdateTries; crash++ {
		waitCalls(t, api, "sendMessage", before)
		p.kill9(t)
		before = api.Calls("sendMessage")
		p = startProcess(t, api, redisURL, prefix)
	}
	const toSender, toAdmin = "nên tôi bỏ qua nó để bot chạy tiếp", "Đã bỏ qua một cập nhật"
	if n := waitAnswers(t, api, admin.UserID, toAdmin, 1); n != 1 {
		t.Fatalf("the admins were told %d times, want 1:\n%s", n, p.out.String())
	}
	if n := answers(api, admin.UserID, toSender); n != 1 {
		t.Errorf("the sender was told %d times, want 1", n)
	}
	if n := answers(api, admin.UserID, "Kim ngạch xuất khẩu"); n != 0 {
		t.Errorf("the poison update was answered %d times", n)
	}
	if !strings.Contains(p.out.String(), "update given up") {
		t.Errorf("the log does not say the update was given up:\n%s", p.out.String())
	}

	// A restart does not take it up again; a new question is answered.
	api.SetHandlerDelay(0)
	p.kill9(t)
	p = startProcess(t, api, redisURL, prefix)
	api.SendText(admin, "tiến độ xuất khẩu")
	if n := waitAnswers(t, api, admin.UserID, "Kim ngạch xuất khẩu", 1); n != 1 {
		t.Errorf("a new question after the restart was answered %d times, want 1", n)
	}
	if n := answers(api, admin.UserID, toAdmin) + answers(api, admin.UserID, toSender); n != 2 {
		t.Errorf("%d notices after a further restart, want still 2", n)
	}
	if strings.Contains(p.out.String(), "taken up again") {
		t.Errorf("the given-up update was taken up again:\n%s", p.out.String())
	}
}
