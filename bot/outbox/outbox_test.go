package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"tiendo/bot/outbox"
	"tiendo/bot/telegramtest"
)

// client is the real go-telegram/bot client on the in-process Bot API.
func client(t testing.TB, api *telegramtest.Server) outbox.SendFunc {
	t.Helper()
	b, err := tg.New(api.Token(), tg.WithServerURL(api.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return func(ctx context.Context, chatID int64, html string, _ [][]outbox.Button) error {
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML})
		return err
	}
}

// The fake API refuses, as Telegram's flood control would, anything over its
// limits; the outbox runs 10% under them (loopback timing jitter), so a
// refusal means the outbox sent too fast.
func margin(l telegramtest.Limits) outbox.Limits {
	return outbox.Limits{
		Global:   rate.Limit(float64(l.PerSecond) * 0.9),
		PerChat:  rate.Limit(float64(l.PerChatPerSecond) * 0.9),
		PerGroup: rate.Limit(float64(l.PerGroupPerMinute) / 60 * 0.9),
	}
}

func TestNothingFasterThanTheLimitsNothingLost(t *testing.T) {
	api := telegramtest.New(telegramtest.WithLimits(telegramtest.TelegramLimits))
	defer api.Close()
	ob := outbox.New(client(t, api), margin(telegramtest.TelegramLimits))
	ctx := context.Background()
	// 40 chats at once (over the 30/s global limit) and 3 messages to one chat.
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- ob.Send(ctx, int64(1000+i), fmt.Sprintf("nhắc %d", i), nil)
		}()
	}
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- ob.Send(ctx, 7, fmt.Sprintf("cùng chat %d", i), nil)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if r := api.Refused(); len(r) > 0 {
		t.Errorf("%d sends refused by flood control, first %+v", len(r), r[0])
	}
	seen := map[string]int{}
	for _, s := range api.Sent() {
		seen[s.Text]++
	}
	if len(seen) != 43 {
		t.Errorf("%d distinct messages delivered, want 43", len(seen))
	}
	for text, n := range seen {
		if n != 1 {
			t.Errorf("%q delivered %d times", text, n)
		}
	}
}

func TestObeysRetryAfterAndKeepsTheMessage(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	ob := outbox.New(client(t, api), outbox.Limits{Global: 100, PerChat: 100})
	api.FailNext("sendMessage", 1, 429, 1)
	start := time.Now()
	if err := ob.Send(context.Background(), 5, "sau 429", nil); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("sent again after %v, before retry_after (1 s)", waited)
	}
	if got := api.Sent(); len(got) != 1 || got[0].Text != "sau 429" {
		t.Errorf("sent %+v, want the message once", got)
	}
}

func TestBlockedIsReportedNotRetried(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	ob := outbox.New(client(t, api), outbox.Limits{Global: 100, PerChat: 100})
	api.FailNext("sendMessage", 1, 403, 0)
	err := ob.Send(context.Background(), 5, "x", nil)
	if !errors.Is(err, outbox.ErrBlocked) {
		t.Fatalf("err %v, want ErrBlocked", err)
	}
	if n := api.Calls("sendMessage"); n != 1 {
		t.Errorf("%d calls after a 403, want 1", n)
	}
}

// A message over Telegram's 4096 characters (an overdue summary of 60 late
// deadlines is 7.500) goes out as several, split on lines, in order, every
// line in one piece, the buttons under the last part; the Bot API refuses
// none.
func TestLongMessageIsSplitInOrder(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	b, err := tg.New(api.Token(), tg.WithServerURL(api.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	send := func(ctx context.Context, chatID int64, html string, kb [][]outbox.Button) error {
		params := &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML}
		if len(kb) > 0 {
			row := []models.InlineKeyboardButton{}
			for _, x := range kb[0] {
				row = append(row, models.InlineKeyboardButton{Text: x.Text, CallbackData: x.Data})
			}
			params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{row}}
		}
		_, err := b.SendMessage(ctx, params)
		return err
	}
	ob := outbox.New(send, outbox.Limits{Global: 1000, PerChat: 1000, PerGroup: 1000})
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf("• <b>Báo cáo kim ngạch xuất khẩu tháng %d</b> — hạn 20/%02d/2022 17:00 — chưa xong: Bến Lức, Cần Giuộc, Đức Hòa, Tân An (%d)", i%12+1, i%12+1, i))
	}
	text := strings.Join(lines, "\n")
	if len([]rune(text)) <= 4096 {
		t.Fatalf("the text is only %d characters", len([]rune(text)))
	}
	kb := [][]outbox.Button{{{Text: "Xong", Data: "dn:1"}}}
	if err := ob.Send(context.Background(), 42, text, kb); err != nil {
		t.Fatal(err)
	}
	got := api.Messages(42)
	if len(got) < 2 {
		t.Fatalf("%d messages, want the text split in several", len(got))
	}
	var joined []string
	for i, m := range got {
		joined = append(joined, m.Text)
		if hasKB := len(m.Keyboard) > 0; hasKB != (i == len(got)-1) {
			t.Errorf("part %d of %d: buttons %v", i+1, len(got), m.Keyboard)
		}
	}
	if strings.Join(joined, "\n") != text {
		t.Errorf("the parts, in order, are not the text")
	}
	if r := api.Refused(); len(r) > 0 {
		t.Errorf("refused: %+v", r)
	}
}
