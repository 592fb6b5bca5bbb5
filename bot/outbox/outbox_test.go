package outbox_test

import (
	"context"
	"errors"
	"fmt"
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
