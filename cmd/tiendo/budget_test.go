package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// redisLog is a go-redis hook that records every round trip the bot makes:
// one entry per command sent alone, one per pipeline (its commands, MULTI
// and EXEC included, as Redis counts them).
type redisLog struct {
	mu   sync.Mutex
	trip [][]string // each command as "NAME arg1 arg2 …" (arguments clipped)
}

func (l *redisLog) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (l *redisLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (l *redisLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.add(cmds)
		return next(ctx, cmds)
	}
}

// handshake are the commands go-redis sends when it opens a connection:
// part of the pool's life, not of the question that happened to open it.
var handshake = map[string]bool{"HELLO": true, "CLIENT": true, "AUTH": true, "SELECT": true, "READONLY": true}

func (l *redisLog) add(cmds []redis.Cmder) {
	trip := make([]string, 0, len(cmds))
	for _, c := range cmds {
		if handshake[strings.ToUpper(c.Name())] {
			continue
		}
		var b strings.Builder
		b.WriteString(strings.ToUpper(c.Name()))
		for _, a := range c.Args()[1:] {
			s := fmt.Sprint(a)
			if len(s) > 40 {
				s = s[:40] + "…"
			}
			b.WriteString(" " + s)
		}
		trip = append(trip, b.String())
	}
	if len(trip) == 0 {
		return
	}
	l.mu.Lock()
	l.trip = append(l.trip, trip)
	l.mu.Unlock()
}

func (l *redisLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.trip)
}

// background tells the round trips that belong to no update: the copy's
// heartbeat, the polling lease, and the poller reading the inbox for what a
// dead copy left. (The poller's saves of getUpdates batches are counted
// apart, by between.)
func background(trip []string) bool {
	for _, c := range trip {
		switch {
		case strings.HasPrefix(c, "SET ") && strings.Contains(c, ":alive:"), strings.Contains(c, ":lease:"):
			return true
		case strings.HasPrefix(c, "ZRANGE "):
			return true
		}
	}
	return false
}

// between returns the round trips in [from, to) (to < 0: up to now) that
// belong to updates, and those that are the poller's inbox saves.
func (l *redisLog) between(from, to int) (trips, saves [][]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if to < 0 {
		to = len(l.trip)
	}
	for _, t := range l.trip[from:to] {
		switch {
		case inboxSave(t):
			saves = append(saves, t)
		case background(t):
		default:
			trips = append(trips, t)
		}
	}
	return trips, saves
}

// inboxSave tells the poller's save of a getUpdates batch: its first key
// is an update's body (in:<id>), where a done mark's is its log entry
// (upd:<id>). Old (a MULTI of SET in:<id>, ZADD…) and new (one script) alike.
func inboxSave(trip []string) bool {
	for _, c := range trip {
		f := strings.Fields(c)
		switch {
		case len(f) == 0 || f[0] == "MULTI":
			continue
		case f[0] == "EVALSHA" || f[0] == "EVAL":
			return len(f) > 3 && strings.Contains(f[3], ":in:")
		default:
			return len(f) > 1 && strings.Contains(f[1], ":in:")
		}
	}
	return false
}

// questionCost asks one question as a known viewer and returns the Redis
// round trips it cost, end to end (up to its mark in the update log),
// split at the answer: those made before the reply was sent, and after.
func questionCost(t *testing.T, h *harness, log *redisLog, from telegramtest.From, text string) (before, after, saves [][]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := log.mark()
	n := len(h.api.Sent())
	id := h.api.SendText(from, text)
	if _, err := h.api.WaitSent(ctx, n+1); err != nil {
		t.Fatalf("no answer: %v", err)
	}
	answered := log.mark()
	key := h.store.Key("upd", strconv.FormatInt(id, 10))
	for {
		v, err := h.rdb.Get(ctx, key).Result()
		if err == nil && v == "done" {
			break
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			t.Fatal(err)
		}
		if ctx.Err() != nil {
			t.Fatalf("update %d never marked done", id)
		}
		time.Sleep(2 * time.Millisecond)
	}
	// The hook records a round trip as it starts: the reply is sent after
	// every round trip its handler waited for.
	before, s1 := log.between(m, answered)
	after, s2 := log.between(answered, -1)
	// The done mark follows the reply in the bot, but the bot can start it
	// before this goroutine wakes from WaitSent: it is counted after the
	// answer by what it is, not by when the test looked.
	kept := before[:0:0]
	for _, trip := range before {
		if doneMark(trip) {
			after = append([][]string{trip}, after...)
			continue
		}
		kept = append(kept, trip)
	}
	return kept, after, append(s1, s2...)
}

// doneMark tells the update log's done mark: a script whose keys start with
// an update's log entry (upd:<id>) and then its inbox body (in:<id>). The
// claim's second key is the take-up count (tries:<id>).
func doneMark(trip []string) bool {
	for _, c := range trip {
		f := strings.Fields(c)
		if len(f) > 4 && (f[0] == "EVALSHA" || f[0] == "EVAL") &&
			strings.Contains(f[3], ":upd:") && strings.Contains(f[4], ":in:") {
			return true
		}
	}
	return false
}

func countCmds(trips [][]string) int {
	n := 0
	for _, t := range trips {
		n += len(t)
	}
	return n
}

func dump(trips [][]string) string {
	var b strings.Builder
	for i, t := range trips {
		fmt.Fprintf(&b, "  round trip %d: %s\n", i+1, strings.Join(t, " | "))
	}
	return b.String()
}

// A known viewer's question costs at most 4 Redis commands and 2 round
// trips before the answer: the update claim, the user and the language in
// one script; the figures in one pipeline. The update's done mark is one
// more command, after the answer (it must follow the reply, or a crash
// between the two would lose the answer). Not counted: the poller's save
// of each getUpdates batch in the inbox, one pipeline per batch however many
// updates it holds, and the copy's heartbeat and lease.
func TestQuestionRedisBudget(t *testing.T) {
	log := &redisLog{}
	h := start(t, nil, bot.WithoutReminders(), bot.WithRedisHook(log))
	viewer := telegramtest.From{UserID: 5100, FirstName: "Viewer", LanguageCode: "vi"}
	if err := h.store.PutUser(context.Background(), access.User{ID: viewer.UserID, Name: "Viewer", Role: access.Viewer}); err != nil {
		t.Fatal(err)
	}
	// The first question loads the scripts (NOSCRIPT, then EVAL).
	questionCost(t, h, log, viewer, "tiến độ xuất khẩu")
	questionCost(t, h, log, viewer, "tiến độ bán lẻ")
	// Another question: the same one again would be a lookup (answers kept
	// per data version, TestRepeatedQuestionIsALookup).
	before, after, saves := questionCost(t, h, log, viewer, "tiến độ nhập khẩu")
	all := append(append([][]string{}, before...), after...)
	t.Logf("before the answer: %d commands in %d round trips\n%safter the answer: %d commands in %d round trips\n%sinbox saves: %d commands in %d round trips\n%s",
		countCmds(before), len(before), dump(before), countCmds(after), len(after), dump(after), countCmds(saves), len(saves), dump(saves))
	if n := countCmds(all); n > 4 {
		t.Errorf("a question costs %d Redis commands, want at most 4:\n%s", n, dump(all))
	}
	if len(before) > 2 {
		t.Errorf("a question waits on %d Redis round trips before its answer, want at most 2:\n%s", len(before), dump(before))
	}
	if len(after) > 1 {
		t.Errorf("%d Redis round trips after the answer, want at most 1 (the done mark):\n%s", len(after), dump(after))
	}
}
