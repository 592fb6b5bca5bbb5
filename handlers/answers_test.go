package handlers

import (
	"strconv"
	"strings"
	"testing"

	"tiendo/bot/kpi"
)

// Answers are served only at the version they were computed at; a newer
// version forgets the older ones, and an older one never overwrites.
func TestAnswerCacheVersions(t *testing.T) {
	var c answerCache
	if _, ok := c.get(0, "q"); ok {
		t.Fatal("an empty cache answered")
	}
	c.put(3, "q", "three")
	if v, ok := c.get(3, "q"); !ok || v != "three" {
		t.Errorf("get(3) = %q, %v", v, ok)
	}
	if _, ok := c.get(4, "q"); ok {
		t.Error("an answer of version 3 served at 4")
	}
	c.put(4, "q", "four")
	c.put(3, "q", "late three") // computed before the change, finished after
	if v, ok := c.get(4, "q"); !ok || v != "four" {
		t.Errorf("get(4) = %q, %v", v, ok)
	}
	if _, ok := c.get(3, "q"); ok {
		t.Error("version 3 still served after 4")
	}
	for i := range maxAnswers + 1 {
		c.put(4, strconv.Itoa(i), "x")
	}
	if n := len(c.m); n > maxAnswers {
		t.Errorf("%d answers kept, want at most %d", n, maxAnswers)
	}
}

// The router's reading of a text (small talk or not, folded) is the same
// from memory as computed, is kept for a short text and not for a long one.
func TestTextReadingKept(t *testing.T) {
	long := strings.Repeat("cập nhật xuất khẩu tháng 4/2026 Bến Lức: 120 triệu USD\n", 5)
	for _, text := range []string{"cảm ơn", "Xin chào", "tiến độ xuất khẩu", "👍", "tien do XK", long} {
		want := textReading{kpi.ReadSmallTalk(text), kpi.Fold(text)}
		for range 2 {
			if got := readText(text); got != want {
				t.Errorf("readText(%q) = %+v, want %+v", text, got, want)
			}
		}
		readings.mu.Lock()
		_, kept := readings.m[text]
		readings.mu.Unlock()
		if kept != (len(text) <= maxReadText) {
			t.Errorf("%q (%d bytes) kept: %v", text, len(text), kept)
		}
	}
	if readText("cảm ơn").small != kpi.SmallThanks {
		t.Error("«cảm ơn» not read as thanks")
	}
}
