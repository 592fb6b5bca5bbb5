package zalo

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"tiendo/bot/store"
)

// SecretHeader carries the webhook's secret token on each update.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Webhook is the http.Handler the platform posts updates to. A request
// without the secret is refused with 401 before its body is read; an update
// is saved in the inbox, then answered 200 once handled, 503 while a live
// copy of the bot holds it (so that it comes back if that copy dies).
//
// Saved first: the platform's documentation does not say that it posts an
// update again when the bot died before answering, so a copy of the bot
// killed while handling it leaves it in the inbox for the next (Recover).
type Webhook struct {
	Secret string
	Handle func(r *http.Request, u *Update) bool
	// Inbox keeps each update until it is done; nil: none.
	Inbox interface {
		SaveUpdates(ctx context.Context, ups []store.Inbound, keep time.Duration) error
	}
	Keep time.Duration // how long a saved update is kept (24 h when 0)
	Log  *slog.Logger  // nil: nothing logged
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), []byte(h.Secret)) != 1 {
		w.Header().Set("Connection", "close")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	var u Update
	if err := json.Unmarshal(body, &u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	if h.Inbox != nil && u.Message.MessageID != "" {
		keep := h.Keep
		if keep <= 0 {
			keep = 24 * time.Hour
		}
		// A save that fails leaves the update to the platform's post again:
		// it is answered only once handled.
		if err := h.Inbox.SaveUpdates(r.Context(), []store.Inbound{{ID: UpdateID(u.Message.MessageID), Body: body}}, keep); err != nil && h.Log != nil {
			h.Log.Warn("zalo: webhook: inbox: update handled unsaved", "err", err)
		}
	}
	if !h.Handle(r, &u) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
