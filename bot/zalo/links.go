package zalo

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"tiendo/bot/store"
)

// LinkTTL is how long a file link works.
const LinkTTL = 4 * time.Hour

// FileStore keeps the files behind links (store.Store).
type FileStore interface {
	SaveFile(ctx context.Context, id, name string, data []byte, ttl time.Duration) error
	File(ctx context.Context, id string) (name string, data []byte, err error)
}

// Links publishes files at unguessable, expiring, single-purpose links and
// serves them: Zalo has no documents and takes photos by URL only. A link
// is Base/f/<id>/<name>?e=<expiry>&s=<signature>: id is 128 random bits
// naming one file, kept in Redis for TTL; the signature, an HMAC-SHA256
// with Key over id, name and expiry, makes a link that was changed (another
// name, a later expiry) worthless.
type Links struct {
	Base  string // TIENDO_PUBLIC_URL, without a trailing slash
	Key   []byte
	TTL   time.Duration // LinkTTL when 0
	Store FileStore
	Now   func() time.Time
}

func (l *Links) ttl() time.Duration {
	if l.TTL > 0 {
		return l.TTL
	}
	return LinkTTL
}

func (l *Links) sign(id, name string, exp int64) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte(id + "\n" + name + "\n" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Publish keeps data and returns its link.
func (l *Links) Publish(ctx context.Context, name string, data []byte) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	if err := l.Store.SaveFile(ctx, id, name, data, l.ttl()); err != nil {
		return "", err
	}
	exp := l.Now().Add(l.ttl()).Unix()
	q := url.Values{"e": {strconv.FormatInt(exp, 10)}, "s": {l.sign(id, name, exp)}}
	return l.Base + "/f/" + id + "/" + url.PathEscape(name) + "?" + q.Encode(), nil
}

// ServeHTTP answers GET /f/<id>/<name>: 404 for a link that is not one,
// 410 for one that expired.
func (l *Links) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/f/")
	id, name, ok2 := strings.Cut(rest, "/")
	exp, err := strconv.ParseInt(r.URL.Query().Get("e"), 10, 64)
	if !ok || !ok2 || err != nil || !hmac.Equal([]byte(r.URL.Query().Get("s")), []byte(l.sign(id, name, exp))) {
		http.NotFound(w, r)
		return
	}
	if l.Now().Unix() > exp {
		http.Error(w, "this link has expired", http.StatusGone)
		return
	}
	kept, data, err := l.Store.File(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, "this link has expired", http.StatusGone)
		return
	case err != nil:
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	case kept != name:
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !strings.HasPrefix(ct, "image/") {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}
