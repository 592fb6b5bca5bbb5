package telegramtest

import (
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// terminalHelp is what ":help" prints; %s is where files are written.
const terminalHelp = `Terminal commands (the bot never sees them):
  :help                  this list
  :file PATH [caption]   send a file to the bot as a document (a plan .toml or .xlsx,
                         a filled form); a PATH with spaces goes in double quotes
  :as ID [name]          write as the Telegram user ID from now on (a stranger to the
                         bot until an admin adds them); what came to them is shown
  :as admin              back to the admin you started as
  :as                    who you are writing as
A number alone presses that button of the last message; a line ending in \ goes on
on the next line. %s
`

// terminalCommand splits a line that starts with ":" and a letter into the
// command's name and the rest; any other line is for the bot.
func terminalCommand(text string) (name, args string, ok bool) {
	if len(text) < 2 || text[0] != ':' || text[1] < 'a' || text[1] > 'z' {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	return name, strings.TrimSpace(args), true
}

// command runs one terminal command.
func (t *Terminal) command(name, args string) error {
	switch name {
	case "help":
		where := "Files the bot sends are not saved."
		if t.FilesDir != "" {
			where = "Files the bot sends are saved in " + t.FilesDir + "."
		}
		return t.write(fmt.Sprintf(terminalHelp, where) + "\n")
	case "file":
		return t.sendFile(args)
	case "as":
		return t.actAs(args)
	}
	return t.write("✗ :" + name + " is not a terminal command (:help lists them)\n\n")
}

// sendFile reads "PATH [caption]" and sends the file as a document.
func (t *Terminal) sendFile(args string) error {
	path, caption := args, ""
	if strings.HasPrefix(args, `"`) {
		if end := strings.Index(args[1:], `"`); end >= 0 {
			path, caption = args[1:1+end], strings.TrimSpace(args[2+end:])
		}
	} else if p, c, ok := strings.Cut(args, " "); ok {
		path, caption = p, strings.TrimSpace(c)
	}
	if path == "" {
		return t.write("✗ :file needs a path, e.g. :file tiendo-files/mau-bao-cao.xlsx\n\n")
	}
	fi, err := os.Stat(path)
	if err == nil && fi.Size() > MaxDocumentSize {
		return t.write(fmt.Sprintf("✗ %s is %d B; Telegram takes documents up to %d B\n\n", path, fi.Size(), MaxDocumentSize))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return t.write("✗ " + err.Error() + "\n\n")
	}
	typ := mime.TypeByExtension(strings.ToLower(filepath.Ext(path)))
	if typ == "" {
		typ = "application/octet-stream"
	}
	t.Server.SendDocument(t.User, filepath.Base(path), typ, data, caption)
	return nil
}

// actAs makes the terminal write as another user ("ID [name]"), back as
// the first one ("admin"), or says who it writes as (no argument). The
// messages that came to the new user's chat meanwhile are printed.
func (t *Terminal) actAs(args string) error {
	switch {
	case args == "":
		return t.write("ⓘ writing as " + who(t.User) + "\n\n")
	case strings.EqualFold(args, "admin"):
		t.User = t.home
	default:
		idText, name, _ := strings.Cut(args, " ")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return t.write("✗ :as needs a Telegram user id (a positive number), e.g. :as 1002 Hùng; :as admin goes back\n\n")
		}
		lang := t.home.LanguageCode
		t.User = From{UserID: id, FirstName: strings.TrimSpace(name), LanguageCode: lang}
	}
	var b strings.Builder
	b.WriteString("ⓘ now writing as " + who(t.User) + "\n\n")
	for _, m := range t.Server.Messages(t.User.chatID()) {
		b.WriteString(t.formatOnce(m))
	}
	return t.write(b.String())
}

// who is a user as the terminal names them: "Lan (#1002)".
func who(f From) string {
	return firstName(f) + " (#" + strconv.FormatInt(f.UserID, 10) + ")"
}
