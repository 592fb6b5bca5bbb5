package telegram

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"
)

// What the handlers get of each kind of update, and the chat and sender the
// poller queues and flood-controls it by.
func TestRequestOfEachUpdate(t *testing.T) {
	cases := []struct {
		name       string
		update     string
		ok         bool
		chat, user int64
		text, data string
		callback   string
	}{
		{"message", `{"update_id":1,"message":{"message_id":5,"chat":{"id":77,"type":"private"},"from":{"id":77,"first_name":"Lan","language_code":"vi"},"text":"tiến độ xuất khẩu"}}`,
			true, 77, 77, "tiến độ xuất khẩu", "", ""},
		{"caption of a file", `{"update_id":2,"message":{"message_id":6,"chat":{"id":-100,"type":"group"},"from":{"id":77,"first_name":"Lan"},"caption":"/kehoach","document":{"file_id":"f1","file_name":"kehoach.xlsx"}}}`,
			true, -100, 77, "/kehoach", "", ""},
		{"press", `{"update_id":3,"callback_query":{"id":"cb1","from":{"id":88,"first_name":"Minh"},"message":{"message_id":9,"date":1,"chat":{"id":88,"type":"private"}},"data":"ok:abc"}}`,
			true, 88, 88, "", "ok:abc", "cb1"},
		{"press on a message too old to see", `{"update_id":4,"callback_query":{"id":"cb2","from":{"id":88,"first_name":"Minh"},"message":{"message_id":9,"date":0,"chat":{"id":88,"type":"private"}},"data":"ok:abc"}}`,
			true, 88, 88, "", "ok:abc", "cb2"},
		{"another bot", `{"update_id":5,"message":{"message_id":7,"chat":{"id":-100,"type":"group"},"from":{"id":99,"is_bot":true,"first_name":"Bot"},"text":"xin chào"}}`,
			false, -100, 99, "", "", ""},
		{"an edit", `{"update_id":6,"edited_message":{"message_id":5,"chat":{"id":77,"type":"private"},"from":{"id":77,"first_name":"Lan"},"text":"sửa"}}`,
			false, 0, 0, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(c.update), &u); err != nil {
				t.Fatal(err)
			}
			if got, want := ChatOf(&u), c.chat; got != want {
				t.Errorf("ChatOf %d, want %d", got, want)
			}
			if got, want := SenderOf(&u), c.user; got != want {
				t.Errorf("SenderOf %d, want %d", got, want)
			}
			req, ok := Request(&u)
			if ok != c.ok {
				t.Fatalf("ok %v, want %v", ok, c.ok)
			}
			if !ok {
				return
			}
			if c.name == "caption of a file" && (req.Document == nil || req.Document.FileID != "f1" || req.Document.Name != "kehoach.xlsx") {
				t.Errorf("document %+v", req.Document)
			}
			if c.name == "press on a message too old to see" && u.CallbackQuery.Message.InaccessibleMessage == nil {
				t.Errorf("read as an accessible message")
			}
			if req.UpdateID != u.ID || req.ChatID != c.chat || req.UserID != c.user || req.Text != c.text ||
				req.Data != c.data || req.CallbackID != c.callback {
				t.Errorf("request %+v", req)
			}
		})
	}
}
