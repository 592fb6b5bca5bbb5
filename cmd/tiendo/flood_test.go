package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// One user's backlog holds back nobody else: with Telegram's one message a
// second per chat, the answers to six quick questions of one official take
// about six seconds; another official who asks meanwhile is answered while
// that backlog is still going out, not after it.
func TestOneChatsBacklogHoldsBackNoOther(t *testing.T) {
	api := telegramtest.New(telegramtest.WithLimits(telegramtest.Limits{PerChatPerSecond: 1}))
	h := startOn(t, api, nil, bot.WithoutReminders())
	busy := telegramtest.From{UserID: 4001, FirstName: "Busy", LanguageCode: "vi"}
	if err := h.store.PutUser(context.Background(), access.User{ID: busy.UserID, Role: access.Viewer}); err != nil {
		t.Fatal(err)
	}
	const flood = 6
	for range flood {
		api.SendText(busy, "tiến độ xuất khẩu")
	}
	// The backlog is being answered, one a second (Telegram's limit per
	// chat), for at least flood-1 seconds...
	eventually(t, "the first answer to the busy chat", func() bool { return h.count(busy.UserID, "Kim ngạch xuất khẩu") >= 1 })
	// ...when someone else asks: the answer comes in the time of one
	// answer, not after the busy chat's.
	asked := time.Now()
	api.SendText(admin, "/tongquan")
	var answered time.Time
	eventually(t, "the other official's answer", func() bool {
		for _, s := range api.Sent() {
			if s.ChatID == admin.UserID && strings.Contains(telegramtest.Render(s.Text), "Tổng quan") {
				answered = s.At
				return true
			}
		}
		return false
	})
	const bound = 2 * time.Second // the busy chat's backlog takes 5 s
	took := answered.Sub(asked)
	t.Logf("the other official's answer took %v", took.Round(time.Millisecond))
	if took > bound {
		t.Errorf("the other official waited %v for the answer (bound %v): one chat's backlog held back another", took.Round(10*time.Millisecond), bound)
	}
	eventually(t, "the whole backlog", func() bool { return h.count(busy.UserID, "Kim ngạch xuất khẩu") == flood })
}

// A stranger who floods is told who they are once, and that they are
// muted once; everything else is silence. In a group, a stranger's flood
// gets no public notice per message, and no mute notice at all.
func TestFloodingStrangerIsMutedQuietly(t *testing.T) {
	h := start(t, nil, bot.WithoutReminders())
	private := telegramtest.From{UserID: 4100, FirstName: "Spam", LanguageCode: "vi"}
	inGroup := telegramtest.From{UserID: 4101, FirstName: "Spam2", LanguageCode: "vi", ChatID: -4101, ChatType: "group", ChatTitle: "Nhóm"}
	const n = 60
	for i := range n {
		h.api.SendText(private, fmt.Sprintf("tiến độ xuất khẩu %d", i))
		h.api.SendText(inGroup, fmt.Sprintf("tiến độ xuất khẩu %d", i))
	}
	// Someone the bot knows is still answered, and after the flood was read.
	mustContain(t, texts(h.say(admin, "/tongquan")), "Tổng quan")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = h.api.WaitIdle(ctx, 500*time.Millisecond)

	if got := h.count(private.UserID, "4100"); got != 1 {
		t.Errorf("the flooding stranger was told their id %d times, want once", got)
	}
	if got := h.count(private.UserID, "quá nhiều tin nhắn"); got != 1 {
		t.Errorf("the flooding stranger was told %d times that they are muted, want once", got)
	}
	if got := h.count(private.UserID); got != 2 {
		t.Errorf("%d messages to the flooding stranger, want 2", got)
	}
	if got := h.count(inGroup.ChatID); got > 1 {
		t.Errorf("%d messages in the group for a stranger's %d, want at most one", got, n)
	}
	if got := h.count(inGroup.ChatID, "quá nhiều tin nhắn"); got != 0 {
		t.Errorf("the group was told of the mute")
	}
}

// BenchmarkLatencyWhileOneChatFloods: 200 officials ask once each, in their
// own chats, while one more official sends 100 questions as fast as
// possible, with Telegram's one message a second per chat enforced by the
// Bot API double. Reported: the 200's answer latency (from the message
// reaching the Bot API to the answer reaching it), p50 and p99, alone
// ("quiet") and during the flood, and the flood's p99 over the quiet p99 in
// the same run.
//
//	go test -run '^$' -bench LatencyWhileOneChatFloods -benchtime 3x ./cmd/tiendo
func BenchmarkLatencyWhileOneChatFloods(b *testing.B) {
	api := telegramtest.New(telegramtest.WithLimits(telegramtest.Limits{PerChatPerSecond: 1}))
	h := startOn(b, api, nil, bot.WithoutReminders())
	const others, flood = 200, 100
	ctx := context.Background()
	for i := range others {
		if err := h.store.PutUser(ctx, access.User{ID: int64(6000 + i), Role: access.Viewer}); err != nil {
			b.Fatal(err)
		}
	}
	var quiet, loud []time.Duration
	round := 0
	for b.Loop() {
		round++
		quiet = append(quiet, latencies(b, h, others, 0, round)...)
		loud = append(loud, latencies(b, h, others, flood, round)...)
	}
	q50, q99 := percentile(quiet, 50), percentile(quiet, 99)
	l50, l99 := percentile(loud, 50), percentile(loud, 99)
	b.ReportMetric(float64(q50.Milliseconds()), "quiet-p50-ms")
	b.ReportMetric(float64(q99.Milliseconds()), "quiet-p99-ms")
	b.ReportMetric(float64(l50.Milliseconds()), "flood-p50-ms")
	b.ReportMetric(float64(l99.Milliseconds()), "flood-p99-ms")
	b.ReportMetric(float64(l99)/float64(max(q99, time.Millisecond)), "flood/quiet-p99")
}

// latencies sends one question from each of n chats (after flood questions
// from one more chat, if flood > 0) and returns each answer's latency.
func latencies(b *testing.B, h *harness, n, flood, round int) []time.Duration {
	b.Helper()
	// A new flooder each round: the last one is still muted.
	flooder := telegramtest.From{UserID: int64(8000 + 2*round + min(flood, 1)), FirstName: "Flood", LanguageCode: "vi"}
	if err := h.store.PutUser(context.Background(), access.User{ID: flooder.UserID, Role: access.Viewer}); err != nil {
		b.Fatal(err)
	}
	for range flood {
		h.api.SendText(flooder, "tiến độ xuất khẩu")
	}
	before := len(h.api.Sent())
	asked := make([]time.Time, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			asked[i] = time.Now()
			h.api.SendText(telegramtest.From{UserID: int64(6000 + i), FirstName: "O", LanguageCode: "vi"}, "tien do xk")
		}()
	}
	wg.Wait()
	answered := map[int64]time.Time{}
	deadline := time.Now().Add(2 * time.Minute)
	for len(answered) < n && time.Now().Before(deadline) {
		for _, s := range h.api.Sent()[before:] {
			if s.Method == "sendMessage" && s.ChatID >= 6000 && s.ChatID < int64(6000+n) && strings.Contains(s.Text, "xuất khẩu") {
				if _, ok := answered[s.ChatID]; !ok {
					answered[s.ChatID] = s.At
				}
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(answered) < n {
		b.Fatalf("%d of %d answered", len(answered), n)
	}
	out := make([]time.Duration, 0, n)
	for i := range n {
		out = append(out, answered[int64(6000+i)].Sub(asked[i]))
	}
	// Let the flood's backlog drain before the next quiet round.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_ = h.api.WaitIdle(ctx, 1500*time.Millisecond)
	return out
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}
