package zalo

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"tiendo/handlers"
)

// Update is one event as the platform sends it.
type Update struct {
	EventName string  `json:"event_name"`
	Message   Message `json:"message"`
}

// Message is an update's message. Ids are strings; Date is in milliseconds.
type Message struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	Chat      struct {
		ID       string `json:"id"`
		ChatType string `json:"chat_type"`
	} `json:"chat"`
	From struct {
		ID          string `json:"id"`
		DisplayName string `json:"display_name"`
		IsBot       bool   `json:"is_bot"`
	} `json:"from"`
	Text     string `json:"text"`
	Caption  string `json:"caption"`
	PhotoURL string `json:"photo_url"`
}

// base is where the ranges of Zalo ids begin (see the package comment).
const base = int64(1) << 62

func hash62(s string) int64 {
	sum := sha256.Sum256([]byte(s))
	return int64(binary.BigEndian.Uint64(sum[:8]) & (uint64(base) - 1))
}

// UserID is the int64 the handlers know a Zalo user by.
func UserID(zaloID string) int64 { return base | hash62("zalo:user:"+zaloID) }

// ChatID is the int64 of a Zalo chat: a private chat is its user's id (the
// platform gives them the same id), a group is negative.
func ChatID(zaloID string, group bool) int64 {
	if group {
		return -(base | hash62("zalo:chat:"+zaloID))
	}
	return UserID(zaloID)
}

// UpdateID is the int64 the update log knows a Zalo message by.
func UpdateID(messageID string) int64 { return base | hash62("zalo:msg:"+messageID) }

// IsZalo reports whether a user or chat id is a Zalo one.
func IsZalo(id int64) bool { return id >= base || id <= -base }

// Group reports whether u came from a group chat.
func (u *Update) Group() bool { return strings.EqualFold(u.Message.Chat.ChatType, "GROUP") }

// formCommand is what an event Zalo does not deliver the content of (a
// file), a bare photo or a text about sending a file (mentionsFile) stands
// for in a private chat: the form with its upload link, the Zalo way to
// send a filled form.
const formCommand = "/maubaocao"

// Request takes what the handlers need out of an update; ok is false for
// updates the bot does not act on (stickers, voice, other bots). Data and
// CallbackID are left for Press.
func Request(u *Update) (handlers.Request, bool) {
	m := u.Message
	if m.MessageID == "" || m.From.ID == "" || m.From.IsBot {
		return handlers.Request{}, false
	}
	text := m.Text
	switch u.EventName {
	case "message.text.received":
		if !u.Group() && mentionsFile(text) {
			text = formCommand // the file never reached the bot: how to send it
		}
	case "message.image.received":
		text = m.Caption
		if strings.TrimSpace(text) == "" && !u.Group() {
			text = formCommand // a photo of a form, perhaps: how to send it
		}
	case "message.unsupported.received":
		// A file among others: Zalo does not deliver it. In a private chat
		// the answer is the form and its upload link.
		if u.Group() {
			return handlers.Request{}, false
		}
		text = formCommand
	default:
		return handlers.Request{}, false
	}
	chat := m.Chat.ID
	if chat == "" {
		chat = m.From.ID
	}
	typ := "private"
	if u.Group() {
		typ = "group"
	}
	id := UpdateID(m.MessageID)
	return handlers.Request{
		UpdateID: id, ChatID: ChatID(chat, u.Group()), ChatType: typ,
		// The handlers use the message id only to say where a figure came
		// from; Zalo's is a string.
		MessageID: int(id & 0x7fffffff),
		UserID:    UserID(m.From.ID), UserName: strings.TrimSpace(m.From.DisplayName), LangCode: "vi",
		Text: text,
	}, true
}
