package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The JSON the server writes. Only the fields a bot of ours reads are
// present; field names follow the Bot API.
type wireUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	Username                string `json:"username,omitempty"`
	LanguageCode            string `json:"language_code,omitempty"`
	CanJoinGroups           bool   `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages *bool  `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   *bool  `json:"supports_inline_queries,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type wireButton struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

type wireMarkup struct {
	InlineKeyboard [][]wireButton `json:"inline_keyboard"`
}

type wireDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
}

type wireMessage struct {
	MessageID   int             `json:"message_id"`
	From        *wireUser       `json:"from,omitempty"`
	Chat        wireChat        `json:"chat"`
	Date        int64           `json:"date"`
	EditDate    int64           `json:"edit_date,omitempty"`
	Text        string          `json:"text,omitempty"`
	Entities    []wireEntity    `json:"entities,omitempty"`
	Caption     string          `json:"caption,omitempty"`
	Document    *wireDocument   `json:"document,omitempty"`
	Photo       []wirePhotoSize `json:"photo,omitempty"`
	ReplyMarkup *wireMarkup     `json:"reply_markup,omitempty"`
}

type wireCallback struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireUpdate struct {
	UpdateID      int64         `json:"update_id"`
	Message       *wireMessage  `json:"message,omitempty"`
	CallbackQuery *wireCallback `json:"callback_query,omitempty"`
}

func botUser() *wireUser {
	f := false
	return &wireUser{ID: BotID, IsBot: true, FirstName: botName, Username: BotUsername,
		CanJoinGroups: true, CanReadAllGroupMessages: &f, SupportsInlineQueries: &f}
}

func userOf(f From) *wireUser {
	return &wireUser{ID: f.UserID, FirstName: firstName(f), Username: f.Username, LanguageCode: f.LanguageCode}
}

func (c *chat) wire() wireChat {
	if c.typ == "private" {
		return wireChat{ID: c.id, Type: c.typ, FirstName: c.first, Username: c.handle}
	}
	return wireChat{ID: c.id, Type: c.typ, Title: c.title}
}

func (s *Server) wireBotMessage(c *chat, m *message) *wireMessage {
	w := &wireMessage{MessageID: m.id, From: botUser(), Chat: c.wire(), Date: m.at.Unix()}
	if m.edits > 0 {
		w.EditDate = s.now().Unix()
	}
	switch m.method {
	case "sendDocument":
		w.Caption = m.plain
		w.Document = &wireDocument{FileID: "doc-" + strconv.FormatInt(c.id, 10) + "-" + strconv.Itoa(m.id),
			FileUniqueID: "u" + strconv.Itoa(m.id), FileName: m.filename, FileSize: m.size}
	case "sendPhoto":
		w.Caption = m.plain
		w.Photo = s.wirePhoto(c, m)
	default:
		w.Text = m.plain
	}
	if m.kb != nil {
		mk := &wireMarkup{InlineKeyboard: make([][]wireButton, len(m.kb))}
		for i, row := range m.kb {
			for _, b := range row {
				mk.InlineKeyboard[i] = append(mk.InlineKeyboard[i], wireButton{Text: b.Text, URL: b.URL, CallbackData: b.Data})
			}
		}
		w.ReplyMarkup = mk
	}
	return w
}

// commandRE finds what Telegram marks as bot_command: "/name" or
// "/name@bot" at the start or after white space.
var commandRE = regexp.MustCompile(`(?:^|\s)(/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?:$|[^A-Za-z0-9_@/])`)

// commandEntities marks bot commands with UTF-16 offsets, as Telegram does
// (go-telegram's MatchTypeCommand slices bytes with them: see libraries.md).
func commandEntities(text string) []wireEntity {
	var out []wireEntity
	for _, loc := range commandRE.FindAllStringSubmatchIndex(text, -1) {
		start, end := loc[2], loc[3]
		out = append(out, wireEntity{Type: "bot_command", Offset: utf16Len(text[:start]), Length: utf16Len(text[start:end])})
	}
	return out
}

type handlerFunc func(s *Server, r *http.Request, p params) (any, *apiError)

// methods maps lower-case method names (the Bot API ignores case) to handlers.
var methods map[string]handlerFunc

func init() {
	methods = map[string]handlerFunc{
		"getme":                  getMe,
		"getupdates":             getUpdates,
		"setwebhook":             setWebhook,
		"deletewebhook":          deleteWebhook,
		"getwebhookinfo":         getWebhookInfo,
		"setmycommands":          setMyCommands,
		"getmycommands":          getMyCommands,
		"deletemycommands":       deleteMyCommands,
		"sendmessage":            sendMessage,
		"editmessagetext":        editMessageText,
		"editmessagereplymarkup": editMessageReplyMarkup,
		"answercallbackquery":    answerCallbackQuery,
		"senddocument":           sendDocument,
		"sendphoto":              sendPhoto,
		"getfile":                getFile,
		"sendchataction":         sendChatAction,
	}
}

func getMe(*Server, *http.Request, params) (any, *apiError) { return botUser(), nil }

// ---- updates ----

func conflict(desc string) *apiError {
	return &apiError{code: http.StatusConflict, desc: "Conflict: " + desc}
}

const webhookActive = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"

// getUpdates is a long poll: it answers at once when updates with id >=
// offset (or redelivered copies) are queued, else waits up to timeout
// seconds. Updates stay queued until a later call's offset acknowledges
// them, so a bot that dies before asking again sees them again. A newer
// getUpdates ends an older waiting one with 409, as Telegram does when two
// copies of a bot poll.
func getUpdates(s *Server, r *http.Request, p params) (any, *apiError) {
	offset, _ := p.int("offset")
	limit := defaultUpdateLimit
	if l, ok := p.int("limit"); ok && l >= 1 && l <= int64(limit) {
		limit = int(l)
	}
	timeout, _ := p.int("timeout")
	wait := time.Duration(max(timeout, 0)) * time.Second
	if s.maxPoll > 0 && wait > s.maxPoll {
		wait = s.maxPoll
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return nil, conflict(webhookActive)
	}
	s.pollSeq++
	me := s.pollSeq
	s.ackLocked(offset)
	s.notifyLocked() // wakes an older poll so it can step aside
	s.mu.Unlock()

	expired := wait == 0
	for {
		s.mu.Lock()
		if s.webhook.url != "" {
			s.mu.Unlock()
			return nil, conflict(webhookActive)
		}
		if s.pollSeq != me {
			s.mu.Unlock()
			return nil, conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
		}
		batch := s.batchLocked(offset, limit)
		if len(batch) > 0 || expired {
			out := make([]json.RawMessage, 0, len(batch))
			for _, q := range batch {
				q.delivered = true
				out = append(out, q.body)
			}
			if len(batch) > 0 {
				s.lastActivity = time.Now()
				s.notifyLocked()
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			expired = true
		case <-r.Context().Done():
			return []json.RawMessage{}, nil // nobody is listening any more
		case <-s.done:
			return []json.RawMessage{}, nil
		}
	}
}

// ackLocked drops what offset acknowledges, as Telegram does: every update
// with a smaller id, or for a negative offset all but the last -offset.
// Redelivered copies, whose ids lie below any offset, count as acknowledged
// by the call after the one that returned them.
func (s *Server) ackLocked(offset int64) {
	before := len(s.queue)
	defer func() {
		if len(s.queue) != before {
			s.lastActivity = time.Now()
		}
	}()
	s.queue = slices.DeleteFunc(s.queue, func(q *queued) bool { return q.forced && q.delivered })
	switch {
	case offset > 0:
		s.queue = slices.DeleteFunc(s.queue, func(q *queued) bool { return !q.forced && q.id < offset })
	case offset < 0:
		keep := int(-offset)
		n := 0
		for _, q := range s.queue {
			if !q.forced {
				n++
			}
		}
		drop := n - keep
		s.queue = slices.DeleteFunc(s.queue, func(q *queued) bool {
			if !q.forced && drop > 0 {
				drop--
				return true
			}
			return false
		})
	}
}

// batchLocked picks the updates to return, ordered by id: the client stores
// the last id it saw as its next offset, so order decides what it acknowledges.
func (s *Server) batchLocked(offset int64, limit int) []*queued {
	var batch []*queued
	for _, q := range s.queue {
		if (q.forced && !q.delivered) || (!q.forced && q.id >= offset) {
			batch = append(batch, q)
		}
	}
	slices.SortStableFunc(batch, func(a, b *queued) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	if len(batch) > limit {
		batch = batch[:limit]
	}
	return batch
}

// ---- webhook ----

var secretTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// setWebhook stores the webhook and starts delivering queued updates to it,
// one at a time, retrying on failure like Telegram. Plain http is accepted
// because the bot under test listens on loopback.
func setWebhook(s *Server, _ *http.Request, p params) (any, *apiError) {
	raw := p.get("url")
	if raw == "" {
		return deleteWebhook(s, nil, p)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badRequest("bad webhook: Failed to resolve host: Name or service not known")
	}
	secret := p.get("secret_token")
	if secret != "" && !secretTokenRE.MatchString(secret) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.webhook.url, s.webhook.secret = raw, secret
	s.webhook.gen++
	s.pollSeq++ // a waiting getUpdates ends with 409
	s.notifyLocked()
	go s.deliver(s.webhook.gen)
	return true, nil
}

func deleteWebhook(s *Server, _ *http.Request, p params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.webhook.url, s.webhook.secret = "", ""
	s.webhook.gen++
	s.notifyLocked()
	return true, nil
}

func getWebhookInfo(s *Server, _ *http.Request, _ params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := struct {
		URL                  string `json:"url"`
		HasCustomCertificate bool   `json:"has_custom_certificate"`
		PendingUpdateCount   int    `json:"pending_update_count"`
		LastErrorDate        int64  `json:"last_error_date,omitempty"`
		LastErrorMessage     string `json:"last_error_message,omitempty"`
		MaxConnections       int    `json:"max_connections,omitempty"`
	}{URL: s.webhook.url, PendingUpdateCount: len(s.queue)}
	if s.webhook.url != "" {
		info.MaxConnections = 40
		info.LastErrorMessage = s.webhook.lastError
		if !s.webhook.lastErrorAt.IsZero() {
			info.LastErrorDate = s.webhook.lastErrorAt.Unix()
		}
	}
	return info, nil
}

// deliver posts queued updates to the webhook of generation gen until the
// webhook changes or the server closes. An update leaves the queue only on a
// 2xx answer; anything else is retried with backoff.
func (s *Server) deliver(gen int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	client := &http.Client{Timeout: 60 * time.Second}
	var backoff time.Duration
	for {
		s.mu.Lock()
		if s.webhook.gen != gen {
			s.mu.Unlock()
			return
		}
		var q *queued
		if len(s.queue) > 0 {
			q = s.queue[0]
		}
		target, secret, ch := s.webhook.url, s.webhook.secret, s.changed
		s.mu.Unlock()
		if q == nil {
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return
			}
		}
		if backoff > 0 {
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
		}
		err := postUpdate(ctx, client, target, secret, q.body)
		s.mu.Lock()
		if err == nil {
			s.queue = slices.DeleteFunc(s.queue, func(x *queued) bool { return x == q })
			s.lastActivity = time.Now()
			backoff = 0
		} else {
			s.webhook.lastError, s.webhook.lastErrorAt = err.Error(), s.now()
			backoff = min(max(2*backoff, 50*time.Millisecond), 2*time.Second)
		}
		s.notifyLocked()
		s.mu.Unlock()
	}
}

type webhookError struct{ status int }

func (e *webhookError) Error() string {
	return "Wrong response from the webhook: " + http.StatusText(e.status)
}

func postUpdate(ctx context.Context, client *http.Client, target, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return &webhookError{status: resp.StatusCode}
	}
	return nil
}

// ---- commands ----

var (
	commandNameRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	langCodeRE    = regexp.MustCompile(`^[a-z]{2}$`)
)

// commandKey is the Commands() key for a scope (JSON) and language code.
func commandKey(scope, lang string) (string, *apiError) {
	if lang != "" && !langCodeRE.MatchString(lang) {
		return "", badRequest("language code is invalid")
	}
	if scope == "" {
		return lang, nil
	}
	var sc struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(scope), &sc); err != nil {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	if sc.Type == "" || sc.Type == "default" {
		return lang, nil
	}
	key := sc.Type
	if len(sc.ChatID) > 0 {
		key += " " + strings.Trim(string(sc.ChatID), `"`)
	}
	if sc.UserID != 0 {
		key += " " + strconv.FormatInt(sc.UserID, 10)
	}
	return key + ":" + lang, nil
}

func setMyCommands(s *Server, _ *http.Request, p params) (any, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p.get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse BotCommand array")
	}
	if len(cmds) > maxCommands {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !commandNameRE.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if strings.TrimSpace(c.Description) == "" || utf16Len(c.Description) > maxCommandDescLen {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, e := commandKey(p.get("scope"), p.get("language_code"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	s.notifyLocked()
	return true, nil
}

func getMyCommands(s *Server, _ *http.Request, p params) (any, *apiError) {
	key, e := commandKey(p.get("scope"), p.get("language_code"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.commands[key])
	if out == nil {
		out = []BotCommand{}
	}
	return out, nil
}

func deleteMyCommands(s *Server, _ *http.Request, p params) (any, *apiError) {
	key, e := commandKey(p.get("scope"), p.get("language_code"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	s.notifyLocked()
	return true, nil
}

// ---- messages ----

func chatParam(p params) (int64, *apiError) {
	if strings.TrimSpace(p.get("chat_id")) == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, ok := p.int("chat_id")
	if !ok || id == 0 {
		return 0, badRequest("chat not found") // @usernames are not simulated
	}
	return id, nil
}

func blocked() *apiError {
	return &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
}

// checkText validates a text or caption like Telegram and returns what a
// person sees and the canonical content for "not modified" comparisons.
func checkText(text, parseMode string, limit int, caption bool) (plain, canon string, e *apiError) {
	switch strings.ToLower(parseMode) {
	case "":
		plain, canon = text, canonical([]htmlToken{{kind: tokText, text: text}})
	case "html":
		var toks []htmlToken
		var err error
		plain, toks, err = parseHTML(text)
		if err != nil {
			return "", "", &apiError{code: http.StatusBadRequest, desc: err.Error()}
		}
		canon = canonical(toks)
	case "markdownv2", "markdown":
		// Not validated: the project writes HTML.
		plain, canon = text, parseMode+":"+text
	default:
		return "", "", badRequest("unsupported parse_mode")
	}
	if !caption && strings.TrimSpace(plain) == "" {
		return "", "", badRequest("message text is empty")
	}
	if utf16Len(plain) > limit {
		if caption {
			return "", "", badRequest("message caption is too long")
		}
		return "", "", badRequest("message is too long")
	}
	return plain, canon, nil
}

type wireButtonIn struct {
	Text                         string                 `json:"text"`
	URL                          *string                `json:"url"`
	CallbackData                 *string                `json:"callback_data"`
	CopyText                     *struct{ Text string } `json:"copy_text"`
	WebApp                       json.RawMessage        `json:"web_app"`
	LoginURL                     json.RawMessage        `json:"login_url"`
	SwitchInlineQuery            *string                `json:"switch_inline_query"`
	SwitchInlineQueryCurrentChat *string                `json:"switch_inline_query_current_chat"`
	SwitchInlineQueryChosenChat  json.RawMessage        `json:"switch_inline_query_chosen_chat"`
	CallbackGame                 json.RawMessage        `json:"callback_game"`
	Pay                          bool                   `json:"pay"`
}

// parseMarkup reads reply_markup. Only inline keyboards are recorded; reply
// keyboards, removals and force-reply are accepted and ignored.
func parseMarkup(raw string) ([][]Button, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard *[][]wireButtonIn `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if m.InlineKeyboard == nil {
		return nil, nil
	}
	kb := make([][]Button, 0, len(*m.InlineKeyboard))
	for _, row := range *m.InlineKeyboard {
		out := make([]Button, 0, len(row))
		for _, b := range row {
			if strings.TrimSpace(b.Text) == "" {
				return nil, badRequest("can't parse inline keyboard button: Text must be non-empty")
			}
			btn := Button{Text: b.Text}
			kind := false
			if b.CallbackData != nil {
				if *b.CallbackData == "" || len(*b.CallbackData) > MaxCallbackData || !utf8.ValidString(*b.CallbackData) {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				btn.Data, kind = *b.CallbackData, true
			}
			if b.URL != nil {
				u, err := url.Parse(*b.URL)
				if err != nil || !(u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "tg") || (u.Scheme != "tg" && u.Host == "") {
					return nil, badRequest("inline keyboard button URL '" + *b.URL + "' is invalid: Wrong HTTP URL")
				}
				btn.URL, kind = *b.URL, true
			}
			// go-telegram sends "copy_text":{"text":""} on every button: an
			// empty copy_text is no button kind.
			if (b.CopyText != nil && b.CopyText.Text != "") || len(b.WebApp) > 0 || len(b.LoginURL) > 0 ||
				b.SwitchInlineQuery != nil || b.SwitchInlineQueryCurrentChat != nil ||
				len(b.SwitchInlineQueryChosenChat) > 0 || len(b.CallbackGame) > 0 || b.Pay {
				kind = true
			}
			if !kind {
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			out = append(out, btn)
		}
		kb = append(kb, out)
	}
	return kb, nil
}

func keyboardsEqual(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

func sendMessage(s *Server, _ *http.Request, p params) (any, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	text, pm := p.get("text"), p.get("parse_mode")
	plain, canon, e := checkText(text, pm, MaxTextLen, false)
	if e != nil {
		return nil, e
	}
	kb, e := parseMarkup(p.get("reply_markup"))
	if e != nil {
		return nil, e
	}
	m := &message{fromBot: true, method: "sendMessage", text: text, parseMode: pm, plain: plain, canon: canon, kb: kb}
	return s.post(chatID, m, Sent{})
}

// post adds the bot's message m to chat chatID, as Telegram would (refused
// if the chat blocked the bot or flood control says no), and records it;
// sent carries the fields of the record particular to the method.
func (s *Server) post(chatID int64, m *message, sent Sent) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		return nil, blocked()
	}
	c := s.chatLocked(chatID)
	if e := s.floodLocked(c); e != nil {
		return nil, e
	}
	m.at = s.now()
	c.add(m)
	sent.Method, sent.ChatID, sent.MessageID, sent.At = m.method, chatID, m.id, m.at
	sent.Text, sent.ParseMode, sent.Keyboard = m.text, m.parseMode, m.kb
	s.recordLocked(sent)
	return s.wireBotMessage(c, m), nil
}

// editTarget finds the bot message an edit names.
func (s *Server) editTargetLocked(p params) (*chat, *message, *apiError) {
	if p.get("inline_message_id") != "" {
		return nil, nil, badRequest("inline messages are not simulated by telegramtest")
	}
	chatID, e := chatParam(p)
	if e != nil {
		return nil, nil, e
	}
	id, ok := p.int("message_id")
	if !ok {
		return nil, nil, badRequest("message identifier is not specified")
	}
	if s.blocked[chatID] {
		return nil, nil, blocked()
	}
	c := s.chats[chatID]
	if c == nil {
		return nil, nil, badRequest("chat not found")
	}
	m := c.byID[int(id)]
	if m == nil {
		return nil, nil, badRequest("message to edit not found")
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return c, m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// editMessageText replaces text and keyboard; as in Telegram, leaving out
// reply_markup removes the keyboard.
func editMessageText(s *Server, _ *http.Request, p params) (any, *apiError) {
	text, pm := p.get("text"), p.get("parse_mode")
	plain, canon, e := checkText(text, pm, MaxTextLen, false)
	if e != nil {
		return nil, e
	}
	kb, e := parseMarkup(p.get("reply_markup"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, e := s.editTargetLocked(p)
	if e != nil {
		return nil, e
	}
	if m.method == "sendDocument" || m.method == "sendPhoto" {
		return nil, badRequest("there is no text in the message to edit")
	}
	if m.canon == canon && keyboardsEqual(m.kb, kb) {
		return nil, badRequest(notModified)
	}
	m.text, m.parseMode, m.plain, m.canon, m.kb = text, pm, plain, canon, kb
	m.edits++
	s.recordLocked(Sent{Method: "editMessageText", ChatID: c.id, MessageID: m.id, Text: text, ParseMode: pm, Keyboard: kb, At: s.now()})
	return s.wireBotMessage(c, m), nil
}

func editMessageReplyMarkup(s *Server, _ *http.Request, p params) (any, *apiError) {
	kb, e := parseMarkup(p.get("reply_markup"))
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, e := s.editTargetLocked(p)
	if e != nil {
		return nil, e
	}
	if keyboardsEqual(m.kb, kb) {
		return nil, badRequest(notModified)
	}
	m.kb = kb
	m.edits++
	s.recordLocked(Sent{Method: "editMessageReplyMarkup", ChatID: c.id, MessageID: m.id, Keyboard: kb, At: s.now()})
	return s.wireBotMessage(c, m), nil
}

// answerCallbackQuery accepts one answer per press, as Telegram does.
func answerCallbackQuery(s *Server, _ *http.Request, p params) (any, *apiError) {
	id := p.get("callback_query_id")
	text := p.get("text")
	if utf16Len(text) > MaxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cb := s.callbacks[id]
	if cb == nil || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	s.recordLocked(Sent{Method: "answerCallbackQuery", ChatID: cb.chatID, MessageID: cb.messageID, Text: text,
		CallbackID: id, ShowAlert: p.bool("show_alert"), At: s.now()})
	return true, nil
}

func sendDocument(s *Server, _ *http.Request, p params) (any, *apiError) {
	fr, e := readFileRequest(p, "document")
	if e != nil {
		return nil, e
	}
	doc := fr.file
	if doc.size > MaxDocumentSize {
		return nil, &apiError{code: 413, desc: "Request Entity Too Large"}
	}
	kb, e := parseMarkup(p.get("reply_markup"))
	if e != nil {
		return nil, e
	}
	m := &message{fromBot: true, method: "sendDocument", text: fr.caption, parseMode: fr.parseMode, plain: fr.plain, canon: fr.canon,
		kb: kb, filename: doc.name, size: doc.size}
	return s.post(fr.chatID, m, Sent{Filename: doc.name, FileSize: doc.size, ContentType: doc.contentType, Data: doc.data})
}

func sendChatAction(s *Server, _ *http.Request, p params) (any, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	if p.get("action") == "" {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		return nil, blocked()
	}
	s.chatLocked(chatID)
	return true, nil
}
