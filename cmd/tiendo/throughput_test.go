package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/bot/telegramtest"
)

// throughputChats is how many officials ask at once in each round.
const throughputChats = 64

// round has each of users send text once, at once, and waits for one
// answer in each chat. It returns how long the round took and each
// question's latency (from its update being queued to its answer arriving
// at the Bot API).
func round(b *testing.B, api *telegramtest.Server, users []telegramtest.From, text string) (time.Duration, []time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	before := api.SentCount()
	asked := make(map[int64]time.Time, len(users))
	start := time.Now()
	for _, u := range users {
		asked[u.UserID] = time.Now()
		api.SendText(u, text)
	}
	sent, err := api.WaitSentFrom(ctx, before, before+len(users))
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	lat := make([]time.Duration, 0, len(users))
	for _, s := range sent {
		if t, ok := asked[s.ChatID]; ok {
			lat = append(lat, s.At.Sub(t))
			delete(asked, s.ChatID)
		}
	}
	if len(asked) > 0 {
		b.Fatalf("%d chats had no answer", len(asked))
	}
	return took, lat
}

// startEcho runs go-telegram/bot's bare echo bot on api: a default handler
// that sends the message's text back, nothing else. As the library comes,
// its HTTP client keeps Go's default two idle connections, so most replies
// sent at once each open a connection; with keepAlive it keeps as many as
// Tiến Độ does (one per chat answered at once).
func startEcho(b *testing.B, api *telegramtest.Server, keepAlive bool) {
	b.Helper()
	opts := []tgbot.Option{tgbot.WithServerURL(api.URL()), tgbot.WithSkipGetMe(),
		tgbot.WithDefaultHandler(func(ctx context.Context, eb *tgbot.Bot, u *models.Update) {
			if u.Message == nil {
				return
			}
			_, _ = eb.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
		})}
	if keepAlive {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = throughputChats + 4
		opts = append(opts, tgbot.WithHTTPClient(time.Minute, &http.Client{Timeout: time.Minute, Transport: t}))
	}
	eb, err := tgbot.New(api.Token(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { eb.Start(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}

func quantile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkThroughputVsEcho: in each iteration 64 officials in their own
// chats ask "tiến độ xuất khẩu" (four months of figures from every unit) at once, once to Tiến Độ (the whole
// program: polling, the inbox and update log on a real redis-server, the
// handlers) and once to go-telegram/bot's bare echo handler, each on its own
// copy of the same in-process Bot API. It reports questions per second and
// the p50/p99 latency of both, and the ratio of the throughputs
// (bot_per_echo: 1 would be as fast as the bare library).
//
// It also reports the TCP connections each bot opened while measured.
//
//	go test -run '^$' -bench ThroughputVsEcho -benchtime 60x ./cmd/tiendo
func BenchmarkThroughputVsEcho(b *testing.B) { throughputVsEcho(b, false) }

// BenchmarkThroughputVsEchoKeepAlive is BenchmarkThroughputVsEcho against
// an echo bot whose HTTP client keeps a connection alive for each chat
// answered at once, as Tiến Độ's does: the library at its best, not as it
// comes.
func BenchmarkThroughputVsEchoKeepAlive(b *testing.B) { throughputVsEcho(b, true) }

func throughputVsEcho(b *testing.B, keepAlive bool) {
	h := start(b, nil, bot.WithoutReminders(), bot.WithoutFloodControl())
	echoAPI := telegramtest.New()
	b.Cleanup(echoAPI.Close)
	startEcho(b, echoAPI, keepAlive)
	users := make([]telegramtest.From, throughputChats)
	for i := range users {
		users[i] = telegramtest.From{UserID: int64(6000 + i), FirstName: fmt.Sprint("Viewer ", i), LanguageCode: "vi"}
		if err := h.store.PutUser(context.Background(), access.User{ID: users[i].UserID, Name: users[i].FirstName, Role: access.Viewer}); err != nil {
			b.Fatal(err)
		}
	}
	// Four months of export figures from every unit: the answer has a
	// total, a pace and who is missing, as in April of a real year.
	plan := kpi.DefaultPlan()
	at := time.Date(2022, 4, 20, 9, 0, 0, 0, time.UTC)
	for _, u := range plan.Units {
		for m := 1; m <= 4; m++ {
			r := kpi.Report{Indicator: "xuat-khau", Unit: u.ID, Period: kpi.Month(2022, m), Value: kpi.Amount(int64(30+m) * 1_000_000 * kpi.AmountScale), By: 5, ByName: "Hùng", At: at}
			if _, err := h.store.PutReport(context.Background(), plan.ID, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	const q = "tiến độ xuất khẩu"
	// One round each before measuring: scripts loaded, connections open.
	round(b, h.api, users, q)
	round(b, echoAPI, users, q)
	botConns, echoConns := h.api.Connections(), echoAPI.Connections()
	var botTime, echoTime time.Duration
	var botLat, echoLat []time.Duration
	n := 0
	for b.Loop() {
		took, lat := round(b, h.api, users, q)
		botTime += took
		botLat = append(botLat, lat...)
		took, lat = round(b, echoAPI, users, q)
		echoTime += took
		echoLat = append(echoLat, lat...)
		n += len(users)
	}
	botQPS := float64(n) / botTime.Seconds()
	echoQPS := float64(n) / echoTime.Seconds()
	b.ReportMetric(float64(h.api.Connections()-botConns), "bot_conns")
	b.ReportMetric(float64(echoAPI.Connections()-echoConns), "echo_conns")
	b.ReportMetric(botQPS, "bot_q/s")
	b.ReportMetric(echoQPS, "echo_q/s")
	b.ReportMetric(botQPS/echoQPS, "bot_per_echo")
	b.ReportMetric(ms(quantile(botLat, 0.50)), "bot_p50_ms")
	b.ReportMetric(ms(quantile(botLat, 0.99)), "bot_p99_ms")
	b.ReportMetric(ms(quantile(echoLat, 0.50)), "echo_p50_ms")
	b.ReportMetric(ms(quantile(echoLat, 0.99)), "echo_p99_ms")
}
