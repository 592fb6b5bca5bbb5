package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/store"
)

// One update handled twice (a copy took it over after the first paused or
// died): every write it makes is made once, and the second run gets the
// first run's result.
func TestAnUpdateHandledTwiceWritesOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _ := b.open(t)
			upd := store.WithUpdate(context.Background(), 5001)

			first, rep, err := s.AddDeadline(upd, oneOff(""))
			if err != nil || rep || first.ID != "1" {
				t.Fatalf("AddDeadline = %q, repeat %v, %v; want 1, first", first.ID, rep, err)
			}
			again, rep, err := s.AddDeadline(upd, oneOff(""))
			if err != nil || !rep || again.ID != first.ID {
				t.Fatalf("AddDeadline again = %q, repeat %v, %v; want %s, a repeat", again.ID, rep, err, first.ID)
			}
			sameDeadline(t, again, first)
			ds, err := s.Deadlines(context.Background())
			if err != nil || len(ds) != 1 {
				t.Fatalf("Deadlines = %d, %v; want 1 (the update stored it twice)", len(ds), err)
			}
			// Another update adds another.
			other, rep, err := s.AddDeadline(store.WithUpdate(context.Background(), 5002), oneOff(""))
			if err != nil || rep || other.ID != "2" {
				t.Fatalf("AddDeadline of another update = %q, %v, %v; want 2", other.ID, rep, err)
			}

			// Removing: the repeat answers as the first run did.
			del := store.WithUpdate(context.Background(), 5003)
			for i := range 2 {
				d, err := s.RemoveDeadline(del, "2")
				if err != nil || d.Title != oneOff("").Title {
					t.Fatalf("RemoveDeadline #%d = %+v, %v; want the deadline removed", i+1, d, err)
				}
			}
			if _, err := s.RemoveDeadline(store.WithUpdate(context.Background(), 5004), "2"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("RemoveDeadline by another update = %v, want ErrNotFound", err)
			}

			// An invite: one, with one code; a second record of the same
			// handling is a second record.
			inv := store.Invite{Role: access.Reporter, Unit: "ben-luc", By: 1, Created: t0}
			ictx := store.WithUpdate(context.Background(), 5005)
			c1, err := s.PutInvite(ictx, inv, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			// Handled again: a new context for the same update, as a
			// takeover makes.
			c2, err := s.PutInvite(store.WithUpdate(context.Background(), 5005), inv, time.Hour)
			if err != nil || c2 != c1 {
				t.Fatalf("PutInvite again = %q, %v; want %q (one invite)", c2, err, c1)
			}
			if c, err := s.PutInvite(ictx, inv, time.Hour); err != nil || c == c1 {
				t.Fatalf("a second invite of one handling = %q, %v; want a new code", c, err)
			}
			if _, err := s.TakeInvite(context.Background(), c1); err != nil {
				t.Fatal(err)
			}
			c3, err := s.PutInvite(store.WithUpdate(context.Background(), 5006), inv, time.Hour)
			if err != nil || c3 == c1 {
				t.Fatalf("PutInvite of another update = %q, %v; want a new code", c3, err)
			}

			// A user added, changed by a later update, then the first
			// update handled again: the later change stays.
			add := store.WithUpdate(context.Background(), 5007)
			if existed, err := s.SetRole(add, 555, access.Reporter, "ben-luc", false, 1, t0); err != nil || existed {
				t.Fatalf("SetRole = %v, %v", existed, err)
			}
			if _, err := s.SetRole(store.WithUpdate(context.Background(), 5008), 555, access.Viewer, "", true, 1, t0); err != nil {
				t.Fatal(err)
			}
			if existed, err := s.SetRole(add, 555, access.Reporter, "ben-luc", false, 1, t0); err != nil || existed {
				t.Fatalf("SetRole again = %v, %v; want the first run's answer (added)", existed, err)
			}
			if u, err := s.User(context.Background(), 555); err != nil || u.Role != access.Viewer {
				t.Fatalf("user 555 = %+v, %v; want the later change (viewer) kept", u, err)
			}
			rm := store.WithUpdate(context.Background(), 5009)
			for i := range 2 {
				if err := s.DeleteUser(rm, 555); err != nil {
					t.Fatalf("DeleteUser #%d = %v; want the repeat to answer as the first", i+1, err)
				}
			}

			// What an update takes (a choice, an expectation, a reason)
			// it takes again when handled again; another update finds
			// nothing.
			if err := s.SetExpect(context.Background(), 42, "xuat-khau|2022-05", time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := s.ExpectReason(context.Background(), 42, "ap1", time.Hour); err != nil {
				t.Fatal(err)
			}
			cid, err := s.PutChoice(context.Background(), 42, "520 triệu", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			tk := store.WithUpdate(context.Background(), 5012)
			for i := range 2 {
				if v, err := s.TakeExpect(tk, 42); err != nil || v != "xuat-khau|2022-05" {
					t.Fatalf("TakeExpect #%d = %q, %v", i+1, v, err)
				}
				if v, err := s.TakeReason(tk, 42); err != nil || v != "ap1" {
					t.Fatalf("TakeReason #%d = %q, %v", i+1, v, err)
				}
				if v, err := s.TakeChoice(tk, cid, 42); err != nil || v != "520 triệu" {
					t.Fatalf("TakeChoice #%d = %q, %v", i+1, v, err)
				}
			}
			later := store.WithUpdate(context.Background(), 5013)
			if v, err := s.TakeExpect(later, 42); err != nil || v != "" {
				t.Fatalf("TakeExpect by another update = %q, %v; want nothing", v, err)
			}
			if _, err := s.TakeChoice(later, cid, 42); !errors.Is(err, store.ErrExpired) {
				t.Fatalf("TakeChoice by another update = %v; want ErrExpired", err)
			}

			// The leaders' group set, set elsewhere later, the first again:
			// the later stays.
			lead := store.WithUpdate(context.Background(), 5014)
			if err := s.SetLeadersChat(lead, -100); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLeadersChat(store.WithUpdate(context.Background(), 5015), -200); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLeadersChat(lead, -100); err != nil {
				t.Fatal(err)
			}
			if c, err := s.LeadersChat(context.Background()); err != nil || c != -200 {
				t.Fatalf("leaders' group = %d, %v; want the later -200", c, err)
			}

			// A language chosen, changed by a later update, then the first
			// handled again: the later choice stays.
			lang := store.WithUpdate(context.Background(), 5010)
			if err := s.SetLang(lang, 42, "en"); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLang(store.WithUpdate(context.Background(), 5011), 42, "vi"); err != nil {
				t.Fatal(err)
			}
			if err := s.SetLang(lang, 42, "en"); err != nil {
				t.Fatal(err)
			}
			if l, err := s.Lang(context.Background(), 42); err != nil || l != "vi" {
				t.Fatalf("language = %q, %v; want the later choice vi", l, err)
			}
		})
	}
}
