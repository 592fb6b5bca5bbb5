package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/remind/remindtest"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
	"tiendo/bot/telegramtest"
	"tiendo/handlers"
	"tiendo/locales"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// BenchmarkReminderBurst: 10.000 reminders due in the same minute across
// 2.000 chats, through the whole delivery path — asynq jobs in Redis, the
// Notifier, the outbox's limits, the real Telegram client, the in-process
// Bot API. It reports the achieved rate as a ratio of the configured global
// rate, and fails on a duplicate or a loss.
//
//	go test -run '^$' -bench ReminderBurst -benchtime 1x ./handlers
func BenchmarkReminderBurst(b *testing.B) {
	const (
		chats     = 2000
		deadlines = 5 // each assigned to every chat: 10.000 reminders
		global    = 400.0
	)
	for range b.N {
		api := telegramtest.New()
		rdb := storetest.Redis(b)
		st := store.New(rdb, storetest.Prefix(b))
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		cat, err := locales.Load()
		if err != nil {
			b.Fatal(err)
		}
		var who []remind.Assignee
		for i := range chats {
			id := int64(100_000 + i)
			if err := st.PutUser(ctx, access.User{ID: id, Role: access.Viewer}); err != nil {
				b.Fatal(err)
			}
			who = append(who, remind.Assignee{UserID: id})
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		app := &handlers.App{Plan: kpi.DefaultPlan(), Store: st, Cat: cat, Now: time.Now, Loc: loc, Log: log}
		client, err := tg.New(api.Token(), tg.WithServerURL(api.URL()), tg.WithSkipGetMe())
		if err != nil {
			b.Fatal(err)
		}
		ob := outbox.New(func(ctx context.Context, chatID int64, html string, _ [][]outbox.Button) error {
			_, err := client.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML})
			return err
		}, outbox.Limits{Global: rate.Limit(global), PerChat: 10, PerGroup: 1})
		queue := fmt.Sprintf("bench%d", time.Now().UnixNano())
		r, err := remind.New(remind.Config{
			Redis: rdb, Store: st, Plan: app.Plan, Loc: loc, Quiet: remind.Quiet{Off: true}, Logger: log,
			Notifier: &handlers.Notifier{App: app, Out: ob, Log: st},
			Queue:    queue, Concurrency: 64, Poll: 100 * time.Millisecond,
		})
		if err != nil {
			b.Fatal(err)
		}
		due := time.Now().Add(3 * time.Second).Truncate(time.Second)
		for d := range deadlines {
			dl := remind.Deadline{ID: fmt.Sprint(d + 1), Title: fmt.Sprintf("Hạn %d", d+1), Due: due, Assignees: who, Created: time.Now()}
			if err := st.PutDeadline(ctx, dl); err != nil {
				b.Fatal(err)
			}
			if err := r.Schedule(ctx, dl); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		if err := r.Start(ctx); err != nil {
			b.Fatal(err)
		}
		want := chats * deadlines
		wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		if _, err := api.WaitSent(wctx, want); err != nil {
			b.Fatalf("delivered %d of %d: %v", len(api.Sent()), want, err)
		}
		// Room for a duplicate: nothing left in the queue that could run,
		// and the Bot API idle.
		remindtest.WaitIdle(b, rdb, queue, time.Now, time.Minute)
		if err := api.WaitIdle(wctx, 200*time.Millisecond); err != nil {
			b.Fatal(err)
		}
		cancel()
		b.StopTimer()
		r.Shutdown()
		sent := api.Sent()
		seen := map[string]int{}
		var first, last time.Time
		for _, s := range sent {
			if s.Method != "sendMessage" {
				continue
			}
			seen[fmt.Sprint(s.ChatID, telegramtest.Render(s.Text))]++
			if first.IsZero() || s.At.Before(first) {
				first = s.At
			}
			if s.At.After(last) {
				last = s.At
			}
		}
		dups := 0
		for _, n := range seen {
			dups += n - 1
		}
		achieved := float64(len(seen)-1) / last.Sub(first).Seconds()
		b.ReportMetric(achieved/global, "achieved/configured")
		b.ReportMetric(achieved, "msgs/s")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(float64(want-len(seen)), "lost")
		api.Close()
		if dups != 0 || len(seen) != want {
			b.Fatalf("%d duplicates, %d of %d reminders lost: both must be 0", dups, want-len(seen), want)
		}
	}
}
