package zalo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"tiendo/locales"
)

// UploadTTL is how long an upload link works: a form is filled in over a
// day; /maubaocao gives a new link.
const UploadTTL = 24 * time.Hour

// Upload is a file a Zalo user sent through their upload link.
type Upload struct {
	Chat     int64  // the Zalo chat (and user) the link was made for
	Form     string // the form's file name the link was made with
	Name     string // the uploaded file's name
	MimeType string
	Data     []byte
	// ID is the update id of the upload: from the link and the content,
	// so the same file posted twice through one link is one update.
	ID int64
}

// UploadResult is what handling an upload came to.
type UploadResult int

const (
	UploadHandled UploadResult = iota // handled (or had been): the answer is on Zalo
	UploadBusy                        // being handled by a live copy of the bot: try again
	UploadFailed                      // not handled (Redis unavailable): try again later
)

// Uploads makes and serves upload links: Zalo delivers no files to bots,
// so a filled form comes back through the bot's own HTTP server. A link is
// Base/u/<chat>/<form>?e=<expiry>&s=<signature>, the signature an
// HMAC-SHA256 with Key (the file links' key) over "upload", the chat, the
// form's name and the expiry: it works for that chat only, for uploading
// only, until it expires. GET answers a page with a file input; POST
// (multipart, field "file") reads at most MaxSize bytes and hands the file
// to Handle.
type Uploads struct {
	Base    string // TIENDO_PUBLIC_URL, without a trailing slash
	Key     []byte
	TTL     time.Duration // UploadTTL when 0
	MaxSize int64         // bytes of the file
	Now     func() time.Time
	Cat     *locales.Catalog
	LangOf  func(ctx context.Context, chat int64) string // "" means Vietnamese
	// Handle handles the upload as a message of its chat with the file
	// attached; the answer goes to the chat on Zalo.
	Handle func(ctx context.Context, u Upload) UploadResult
}

func (u *Uploads) ttl() time.Duration {
	if u.TTL > 0 {
		return u.TTL
	}
	return UploadTTL
}

func (u *Uploads) sign(chat int64, form string, exp int64) string {
	m := hmac.New(sha256.New, u.Key)
	m.Write([]byte("upload\n" + strconv.FormatInt(chat, 10) + "\n" + form + "\n" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Link returns the upload link of chat for form (a file name).
func (u *Uploads) Link(chat int64, form string) string {
	exp := u.Now().Add(u.ttl()).Unix()
	q := url.Values{"e": {strconv.FormatInt(exp, 10)}, "s": {u.sign(chat, form, exp)}}
	return u.Base + "/u/" + strconv.FormatInt(chat, 10) + "/" + url.PathEscape(form) + "?" + q.Encode()
}

// Hours is how long a link works, in whole hours.
func (u *Uploads) Hours() int { return int(u.ttl().Hours()) }

var uploadPage = template.Must(template.New("upload").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:2em auto;padding:0 1em;line-height:1.5}button{font-size:1.1em;padding:.4em 1.2em}</style>
</head><body>
<h1>{{.Title}}</h1>
{{if .Message}}<p><strong>{{.Message}}</strong></p>{{end}}
{{if .Form}}<form method="post" enctype="multipart/form-data">
<p>{{.Hint}}</p>
<p><input type="file" name="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></p>
<p><button type="submit">{{.Button}}</button></p>
</form>{{end}}
</body></html>
`))

type pageData struct {
	Lang, Title, Message, Hint, Button string
	Form                               bool
}

func (u *Uploads) page(w http.ResponseWriter, code int, lang string, message string, form bool, name string) {
	t := func(id string, kv ...any) string { return u.Cat.T(lang, id, kv...) }
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(code)
	_ = uploadPage.Execute(w, pageData{Lang: lang, Title: t("ZaloUploadTitle"), Message: message, Form: form,
		Hint: t("ZaloUploadHint", "Name", name, "MaxKB", u.MaxSize>>10), Button: t("ZaloUploadButton")})
}

// errTooLarge is a file over MaxSize.
var errTooLarge = errors.New("zalo: upload too large")

// ServeHTTP answers /u/<chat>/<form>: 404 for a link that is not one, 410
// for one that expired, the page on GET, the upload on POST.
func (u *Uploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, "/u/")
	c, form, ok := strings.Cut(rest, "/")
	chat, cerr := strconv.ParseInt(c, 10, 64)
	exp, eerr := strconv.ParseInt(r.URL.Query().Get("e"), 10, 64)
	lang := "vi"
	if !ok || cerr != nil || eerr != nil || !IsZalo(chat) || !hmac.Equal([]byte(r.URL.Query().Get("s")), []byte(u.sign(chat, form, exp))) {
		u.page(w, http.StatusNotFound, lang, u.Cat.T(lang, "ZaloUploadInvalid"), false, "")
		return
	}
	if u.LangOf != nil {
		if l := u.LangOf(r.Context(), chat); l != "" {
			lang = l
		}
	}
	t := func(id string, kv ...any) string { return u.Cat.T(lang, id, kv...) }
	if u.Now().Unix() > exp {
		u.page(w, http.StatusGone, lang, t("ZaloUploadExpired"), false, form)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		u.page(w, http.StatusOK, lang, "", true, form)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// The size is bounded before anything is read: the declared length,
	// then the body itself (the file and the multipart framing).
	limit := u.MaxSize + 64<<10
	if r.ContentLength > limit {
		w.Header().Set("Connection", "close")
		u.page(w, http.StatusRequestEntityTooLarge, lang, t("ZaloUploadTooLarge", "MaxKB", u.MaxSize>>10), true, form)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	name, mimeType, data, err := u.readFile(r)
	switch {
	case errors.Is(err, errTooLarge):
		w.Header().Set("Connection", "close")
		u.page(w, http.StatusRequestEntityTooLarge, lang, t("ZaloUploadTooLarge", "MaxKB", u.MaxSize>>10), true, form)
		return
	case err != nil || len(data) == 0:
		u.page(w, http.StatusBadRequest, lang, t("ZaloUploadNoFile"), true, form)
		return
	}
	sum := sha256.Sum256(data)
	up := Upload{Chat: chat, Form: form, Name: name, MimeType: mimeType, Data: data,
		ID: UpdateID("upload:" + r.URL.Query().Get("s") + ":" + hex.EncodeToString(sum[:]))}
	// The handling outlives a client that hung up: the answer goes to Zalo.
	switch u.Handle(context.WithoutCancel(r.Context()), up) {
	case UploadHandled:
		u.page(w, http.StatusOK, lang, t("ZaloUploadDone"), false, form)
	case UploadBusy:
		w.Header().Set("Retry-After", "2")
		u.page(w, http.StatusServiceUnavailable, lang, t("ZaloUploadBusy"), true, form)
	default:
		w.Header().Set("Retry-After", "30")
		u.page(w, http.StatusServiceUnavailable, lang, t("ZaloUploadUnavailable"), true, form)
	}
}

// readFile reads the multipart field "file", at most MaxSize bytes.
func (u *Uploads) readFile(r *http.Request) (name, mimeType string, data []byte, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", nil, err
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return "", "", nil, errTooLarge
			}
			return "", "", nil, err
		}
		if p.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, u.MaxSize+1))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig) || int64(len(data)) > u.MaxSize:
			return "", "", nil, errTooLarge
		case err != nil:
			return "", "", nil, err
		}
		name = path.Base(strings.ReplaceAll(p.FileName(), `\`, "/"))
		mimeType, _, _ = mime.ParseMediaType(p.Header.Get("Content-Type"))
		return name, mimeType, data, nil
	}
}
