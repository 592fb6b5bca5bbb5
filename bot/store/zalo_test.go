package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tiendo/bot/store"
)

// Zalo's updates share the inbox, in their own id range: each channel's
// poller takes up only its own after a crash.
func TestZaloInboxIdsChoicesAndFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s, _ := b.open(t)
			zalo := store.OtherChannels | 12345
			if err := s.SaveUpdates(ctx, []store.Inbound{{ID: 7, Body: []byte(`{"update_id":7}`)}, {ID: zalo, Body: []byte(`{"event_name":"x"}`)}}, time.Hour); err != nil {
				t.Fatal(err)
			}
			tg, err := s.Inbox(ctx, 10)
			if err != nil || len(tg) != 1 || tg[0].ID != 7 {
				t.Fatalf("Inbox = %+v, %v: want Telegram's update only", tg, err)
			}
			other, err := s.ChannelInbox(ctx, 10)
			if err != nil || len(other) != 1 || other[0].ID != zalo || string(other[0].Body) != `{"event_name":"x"}` {
				t.Fatalf("ChannelInbox = %+v, %v: want the Zalo update only", other, err)
			}
			if err := s.DoneUpdate(ctx, zalo, time.Hour); err != nil {
				t.Fatal(err)
			}
			if other, _ := s.ChannelInbox(ctx, 10); len(other) != 0 {
				t.Fatalf("done, still in the inbox: %+v", other)
			}

			if _, err := s.ZaloID(ctx, zalo); err != store.ErrNotFound {
				t.Fatalf("unknown id: %v, want ErrNotFound", err)
			}
			if err := s.RememberZalo(ctx, zalo, "e4ea2cd5189df1c3a88c"); err != nil {
				t.Fatal(err)
			}
			if z, err := s.ZaloID(ctx, zalo); err != nil || z != "e4ea2cd5189df1c3a88c" {
				t.Fatalf("ZaloID = %q, %v", z, err)
			}
			if err := s.SetZaloChoices(ctx, zalo, []string{"a", "b"}, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := s.SetZaloChoices(ctx, zalo, []string{"c"}, time.Hour); err != nil {
				t.Fatal(err)
			}
			var got []string
			for n := 0; n <= 2; n++ {
				if d, ok, err := s.ZaloChoice(ctx, zalo, n); err != nil {
					t.Fatal(err)
				} else if ok {
					got = append(got, d)
				}
			}
			if !slices.Equal(got, []string{"c"}) {
				t.Fatalf("choices = %v, want only the latest message's [c]", got)
			}

			code, err := s.PutZaloLink(ctx, 42, time.Hour)
			if err != nil || len(code) != 8 {
				t.Fatalf("PutZaloLink = %q, %v", code, err)
			}
			if uid, err := s.TakeZaloLink(ctx, strings.ToUpper(code), zalo); err != nil || uid != 42 {
				t.Fatalf("TakeZaloLink = %d, %v", uid, err)
			}
			if _, err := s.TakeZaloLink(ctx, code, zalo+1); err != store.ErrExpired {
				t.Fatalf("a code used twice: %v, want ErrExpired", err)
			}
			if a, _ := s.ZaloAlias(ctx, zalo); a != 42 {
				t.Fatalf("ZaloAlias = %d, want 42", a)
			}
			if l, _ := s.LinkedZalo(ctx, 42); l != zalo {
				t.Fatalf("LinkedZalo = %d, want %d", l, zalo)
			}
			if a, err := s.ZaloAlias(ctx, zalo+1); a != 0 || err != nil {
				t.Fatalf("an account never linked: %d, %v", a, err)
			}

			if _, _, err := s.File(ctx, "f1"); err != store.ErrNotFound {
				t.Fatalf("File of nothing: %v, want ErrNotFound", err)
			}
			if err := s.SaveFile(ctx, "f1", "bảng.xlsx", []byte("PK\x00\x01"), time.Hour); err != nil {
				t.Fatal(err)
			}
			if name, data, err := s.File(ctx, "f1"); err != nil || name != "bảng.xlsx" || string(data) != "PK\x00\x01" {
				t.Fatalf("File = %q %q %v", name, data, err)
			}
		})
	}
}
