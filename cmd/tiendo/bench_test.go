package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// BenchmarkQuestionRoundTrip: one official asks "tiến độ xuất khẩu" and
// waits for the answer, through the whole program — the long-polling loop,
// the update log in Redis, the handlers, a real redis-server and the real
// Telegram client against the in-process Bot API.
//
//	go test -run '^$' -bench RoundTrip ./cmd/tiendo
func BenchmarkQuestionRoundTrip(b *testing.B) {
	h := start(b, nil, bot.WithoutReminders())
	ctx := context.Background()
	for b.Loop() {
		before := len(h.api.Sent())
		h.api.SendText(admin, "tiến độ xuất khẩu")
		if _, err := h.api.WaitSent(ctx, before+1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuestionsManyChats: 200 officials in their own chats ask at
// once; reports answers per second for the whole program on this machine.
func BenchmarkQuestionsManyChats(b *testing.B) {
	h := start(b, nil, bot.WithoutReminders())
	const chats = 200
	for i := range chats {
		if err := h.store.PutUser(context.Background(), access.User{ID: int64(5000 + i), Role: access.Viewer}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	total := 0
	start := time.Now()
	for b.Loop() {
		before := len(h.api.Sent())
		var wg sync.WaitGroup
		for i := range chats {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.api.SendText(telegramtest.From{UserID: int64(5000 + i), FirstName: fmt.Sprint(i)}, "tien do xk")
			}()
		}
		wg.Wait()
		if _, err := h.api.WaitSent(ctx, before+chats); err != nil {
			b.Fatal(err)
		}
		total += chats
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "answers/s")
}
