package telegram

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
)

// fakeInbox is the Redis inbox in memory.
type fakeInbox struct {
	mu    sync.Mutex
	saved map[int64][]byte
}

func (f *fakeInbox) SaveUpdates(_ context.Context, ups []store.Inbound, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range ups {
		f.saved[u.ID] = u.Body
	}
	return nil
}

func (f *fakeInbox) Inbox(_ context.Context, limit int) ([]store.Inbound, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Inbound
	for id, b := range f.saved {
		if len(out) < limit {
			out = append(out, store.Inbound{ID: id, Body: b})
		}
	}
	return out, nil
}

func (f *fakeInbox) ids() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int64
	for id := range f.saved {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// The poller, on its own against the in-process Bot API: an update a dead
// copy left in the inbox is taken up at start; each update fetched is saved
// in the inbox and reaches Handle as a Request of its chat and user; one
// held by a live copy is tried again, the chat's next update waiting behind
// it, while another chat goes on; everything is acknowledged once done.
func TestPollerSavesHandsAndAcknowledges(t *testing.T) {
	api := telegramtest.New()
	defer api.Close()
	lan := telegramtest.From{UserID: 77, FirstName: "Lan", LanguageCode: "vi"}
	minh := telegramtest.From{UserID: 88, FirstName: "Minh", LanguageCode: "vi"}
	left := `{"update_id":900,"message":{"message_id":3,"date":1,"chat":{"id":77,"type":"private"},"from":{"id":77,"is_bot":false,"first_name":"Lan"},"text":"cập nhật xuất khẩu tháng 4: 250 triệu USD"}}`
	inbox := &fakeInbox{saved: map[int64][]byte{900: []byte(left)}}

	type seen struct {
		id         int64
		chat, user int64
		text       string
	}
	var mu sync.Mutex
	var got []seen
	tries := map[int64]int{}
	handled := make(chan struct{}, 10)
	var held int64
	p := &Poller{
		URL: api.URL() + "/bot" + api.Token(), Client: &http.Client{Timeout: 10 * time.Second},
		Timeout: time.Second, Chats: 4, Inbox: inbox, Log: slog.New(slog.DiscardHandler),
		Retry: 20 * time.Millisecond,
		Handle: func(_ context.Context, u *models.Update) bool {
			mu.Lock()
			defer mu.Unlock()
			tries[u.ID]++
			if u.ID == held && tries[u.ID] == 1 {
				return false // a live copy has it: not done
			}
			req, ok := Request(u)
			if !ok {
				t.Errorf("update %d: no request", u.ID)
			}
			got = append(got, seen{u.ID, req.ChatID, req.UserID, req.Text})
			handled <- struct{}{}
			return true
		},
	}
	held = api.SendText(lan, "tiến độ xuất khẩu")
	second := api.SendText(lan, "/hanchot")
	other := api.SendText(minh, "tiến độ nhập khẩu")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	timeout := time.After(10 * time.Second)
	for range 4 {
		select {
		case <-handled:
		case <-timeout:
			t.Fatalf("handled %+v after 10 s, want 4 updates", got)
		}
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := api.WaitIdle(wctx, 50*time.Millisecond); err != nil {
		t.Errorf("not everything acknowledged: %v", err)
	}
	cancel()
	<-done

	mu.Lock()
	defer mu.Unlock()
	var lans []int64
	for _, s := range got {
		switch s.id {
		case 900:
			if s.chat != 77 || s.user != 77 || s.text != "cập nhật xuất khẩu tháng 4: 250 triệu USD" {
				t.Errorf("the update left in the inbox: %+v", s)
			}
		case other:
			if s.chat != 88 || s.user != 88 || s.text != "tiến độ nhập khẩu" {
				t.Errorf("Minh's update: %+v", s)
			}
		}
		if s.chat == 77 && s.id != 900 {
			lans = append(lans, s.id)
		}
	}
	if !slices.Equal(lans, []int64{held, second}) || tries[held] != 2 {
		t.Errorf("Lan's updates handled %v after %d tries of the held one; want %v, the held one twice", lans, tries[held], []int64{held, second})
	}
	if ids := inbox.ids(); !slices.Equal(ids, sorted(held, second, other, 900)) {
		t.Errorf("inbox holds %v; want every update fetched saved", ids)
	}
}

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}
