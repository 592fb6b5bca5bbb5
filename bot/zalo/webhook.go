package zalo

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
)

// SecretHeader carries the webhook's secret token on each update.
const SecretHeader = "X-Bot-Api-Secret-Token"

// Webhook is the http.Handler the platform posts updates to. A request
// without the secret is refused with 401 before its body is read; an update
// is answered 200 once handled, 503 while a live copy of the bot holds it
// (so that it comes back if that copy dies).
type Webhook struct {
	Secret string
	Handle func(r *http.Request, u *Update) bool
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
	if !h.Handle(r, &u) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
