package zalo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"tiendo/bot/store"
	"tiendo/handlers"
	"tiendo/locales"
)

// ChoiceTTL is how long a numbered choice can be taken by typing its number.
// The handlers refuse a press of an expired confirmation by themselves;
// this only bounds the key.
const ChoiceTTL = 48 * time.Hour

// Directory is what the Zalo channel keeps in Redis (store.Store).
type Directory interface {
	RememberZalo(ctx context.Context, id int64, zaloID string) error
	ZaloID(ctx context.Context, id int64) (string, error)
	SetZaloChoices(ctx context.Context, chatID int64, data []string, ttl time.Duration) error
	ZaloChoice(ctx context.Context, chatID int64, n int) (string, bool, error)
}

// Sender is handlers.Sender for Zalo: plain text split at MaxText
// characters, buttons as numbered choices ("Gõ 1 để Xác nhận, 2 để Hủy")
// kept per chat, an edit sent as a new message, the answer to a press sent
// as a message when it has text.
type Sender struct {
	API *Client
	Dir Directory
	Cat *locales.Catalog
	// Lang is the language of the choices' line and of the notes on files
	// ("" means Vietnamese), unless LangOf, when set, gives the chat's.
	Lang   string
	LangOf func(ctx context.Context, chatID int64) string
	// Links publishes the files the bot sends; nil (no TIENDO_PUBLIC_URL):
	// a file is answered with a note that files need it.
	Links *Links
	// Uploads makes the links a form comes back through (upload.go); nil:
	// none is offered.
	Uploads *Uploads

	ids  sync.Map // int64 → Zalo id, as read from Dir
	last sync.Map // chat int64 → the plain text last sent there
	held sync.Map // file id → the bytes of an upload being handled (Hold)
}

var (
	_ handlers.Sender = (*Sender)(nil)
	_ handlers.Files  = (*Sender)(nil)
)

func (s *Sender) lang(ctx context.Context, chatID int64) string {
	if s.LangOf != nil {
		if l := s.LangOf(ctx, chatID); l != "" {
			return l
		}
	}
	if s.Lang == "" {
		return "vi"
	}
	return s.Lang
}

// SendFile sends f as a link the bot serves (Zalo has no documents): a
// picture with sendPhoto pointing at its link, any other file as a message
// with its caption and link.
func (s *Sender) SendFile(ctx context.Context, chatID int64, f handlers.File) error {
	if s.Links == nil {
		_, err := s.Send(ctx, chatID, s.Cat.T(s.lang(ctx, chatID), "ZaloFilesNeedURL", "Name", f.Name), nil)
		return err
	}
	link, err := s.Links.Publish(ctx, f.Name, f.Data)
	if err != nil {
		return err
	}
	if f.Photo {
		to, err := s.zaloID(ctx, chatID)
		if err != nil {
			return err
		}
		caption := ""
		if parts := Parts(f.Caption, MaxText); len(parts) > 0 {
			caption = parts[0]
		}
		if _, err := s.API.SendPhoto(ctx, to, link, caption); err != nil {
			return fmt.Errorf("zalo: send photo to chat %d: %w", chatID, err)
		}
		return nil
	}
	text := s.Cat.T(s.lang(ctx, chatID), "ZaloFileLink", "Name", f.Name, "URL", link, "Hours", int(s.Links.ttl().Hours()))
	if f.Caption != "" {
		text = f.Caption + "\n" + text
	}
	text += s.uploadLine(ctx, chatID, f)
	_, err = s.Send(ctx, chatID, text, nil)
	return err
}

// Download returns an upload being handled (Hold): Zalo delivers no files
// to bots, so no other file can be fetched.
func (s *Sender) Download(_ context.Context, fileID string, max int64) ([]byte, error) {
	v, ok := s.held.Load(fileID)
	if !ok {
		return nil, handlers.ErrNoFiles
	}
	data := v.([]byte)
	if int64(len(data)) > max {
		return nil, handlers.ErrFileTooLarge
	}
	return data, nil
}

// Hold keeps data for Download under fileID until the returned function is
// called.
func (s *Sender) Hold(fileID string, data []byte) (release func()) {
	s.held.Store(fileID, data)
	return func() { s.held.Delete(fileID) }
}

// uploadLine is the line under a form that may come back filled: its
// upload link, in a private chat, when uploads are served.
func (s *Sender) uploadLine(ctx context.Context, chatID int64, f handlers.File) string {
	if !f.Fill || s.Uploads == nil || chatID < 0 {
		return ""
	}
	return "\n\n" + s.Cat.T(s.lang(ctx, chatID), "ZaloUploadLink", "URL", s.Uploads.Link(chatID, f.Name), "Hours", s.Uploads.Hours())
}

// Remember notes a user's or chat's Zalo id, for sending to it later.
func (s *Sender) Remember(ctx context.Context, id int64, zaloID string) error {
	if v, ok := s.ids.Load(id); ok && v == zaloID {
		return nil
	}
	if err := s.Dir.RememberZalo(ctx, id, zaloID); err != nil {
		return err
	}
	s.ids.Store(id, zaloID)
	return nil
}

func (s *Sender) zaloID(ctx context.Context, id int64) (string, error) {
	if v, ok := s.ids.Load(id); ok {
		return v.(string), nil
	}
	z, err := s.Dir.ZaloID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("zalo: chat %d: the bot never heard from it", id)
	}
	if err != nil {
		return "", err
	}
	s.ids.Store(id, z)
	return z, nil
}

// choices renders kb as numbered choices and returns the line and the data
// of each number; link buttons are listed as "text: url".
func (s *Sender) choices(ctx context.Context, chatID int64, kb [][]handlers.Button) (string, []string) {
	if len(kb) == 0 {
		return "", nil
	}
	lang := s.lang(ctx, chatID)
	var items, links []string
	var data []string
	for _, row := range kb {
		for _, b := range row {
			switch {
			case b.URL != "":
				links = append(links, Plain(b.Text)+": "+b.URL)
			case b.Data != "":
				data = append(data, b.Data)
				id := "ZaloChoiceNext"
				if len(data) == 1 {
					id = "ZaloChoiceFirst"
				}
				items = append(items, s.Cat.T(lang, id, "N", len(data), "Text", strings.TrimSpace(Plain(b.Text))))
			}
		}
	}
	var lines []string
	if len(items) > 0 {
		lines = append(lines, strings.Join(items, ", ")+".")
	}
	lines = append(lines, links...)
	return strings.Join(lines, "\n"), data
}

// Send posts html as plain text with kb as numbered choices, and returns an
// int standing for the id of the last part (Zalo's ids are strings; the
// handlers keep message ids only to edit, which Zalo cannot).
func (s *Sender) Send(ctx context.Context, chatID int64, html string, kb [][]handlers.Button) (int, error) {
	to, err := s.zaloID(ctx, chatID)
	if err != nil {
		return 0, err
	}
	line, data := s.choices(ctx, chatID, kb)
	parts := Parts(html, MaxText)
	if line != "" {
		if n := len(parts); n > 0 && len([]rune(parts[n-1]))+2+len([]rune(line)) <= MaxText {
			parts[n-1] += "\n\n" + line
		} else {
			parts = append(parts, Parts(line, MaxText)...)
		}
	}
	id := 0
	for _, p := range parts {
		m, err := s.API.SendMessage(ctx, to, p)
		if err != nil {
			return 0, fmt.Errorf("zalo: send to chat %d: %w", chatID, err)
		}
		id = int(UpdateID(m.MessageID) & 0x7fffffff)
		s.last.Store(chatID, p)
	}
	// The choices are open once the message is out; a message without
	// buttons leaves the ones before it open.
	if len(data) > 0 {
		if err := s.Dir.SetZaloChoices(ctx, chatID, data, ChoiceTTL); err != nil {
			return id, err
		}
	}
	return id, nil
}

// Edit sends the new text as a new message (Zalo cannot edit). With no
// buttons the chat's open choices are closed: the message they belonged
// to was answered.
func (s *Sender) Edit(ctx context.Context, chatID int64, _ int, html string, kb [][]handlers.Button) error {
	if len(kb) == 0 {
		if err := s.Dir.SetZaloChoices(ctx, chatID, nil, 0); err != nil {
			return err
		}
	}
	_, err := s.Send(ctx, chatID, html, kb)
	return err
}

// Answer sends a press's notice, when it has text, to the chat the press
// came from (callbackID is PressID's).
func (s *Sender) Answer(ctx context.Context, callbackID, text string) error {
	if text == "" {
		return nil
	}
	chat, ok := pressChat(callbackID)
	if !ok {
		return nil
	}
	// A notice that only repeats what the press's answer just said
	// ("Đã ghi nhận") is a toast on Telegram, noise on Zalo.
	if last, ok := s.last.Load(chat); ok && strings.Contains(last.(string), strings.TrimSpace(text)) {
		return nil
	}
	_, err := s.Send(ctx, chat, handlersEscape(text), nil)
	return err
}

// handlersEscape makes a notice (plain text) safe for Send's HTML.
func handlersEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// PressID is the CallbackID of a numbered choice taken in chat by a message.
func PressID(chat int64, messageID string) string {
	return "zalo:" + strconv.FormatInt(chat, 10) + ":" + messageID
}

func pressChat(callbackID string) (int64, bool) {
	rest, ok := strings.CutPrefix(callbackID, "zalo:")
	if !ok {
		return 0, false
	}
	c, _, _ := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(c, 10, 64)
	return n, err == nil
}

// Press turns req into the press of a numbered choice when its text is only
// a number of a choice open in its chat; otherwise req stays a message.
func Press(ctx context.Context, dir Directory, req *handlers.Request, messageID string) error {
	t := strings.TrimSpace(req.Text)
	if t == "" || len(t) > 2 || strings.Trim(t, "0123456789") != "" {
		return nil
	}
	n, _ := strconv.Atoi(t)
	data, ok, err := dir.ZaloChoice(ctx, req.ChatID, n)
	if err != nil || !ok {
		return err
	}
	req.Data, req.CallbackID, req.Text = data, PressID(req.ChatID, messageID), ""
	return nil
}
