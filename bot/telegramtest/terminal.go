package telegramtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Defaults of Terminal.
const (
	DefaultQuiet   = 150 * time.Millisecond
	DefaultTimeout = 10 * time.Second
)

// Terminal is a chat with the bot in a terminal: each line read from In is
// sent as User, and the bot's messages in User's chat are printed to Out in
// the format described in the package documentation.
type Terminal struct {
	Server *Server
	In     io.Reader
	Out    io.Writer
	User   From
	// Quiet is how long the bot must be silent before its answer is
	// printed; 0 means DefaultQuiet.
	Quiet time.Duration
	// Timeout bounds the wait for an answer; after it the terminal prints
	// what came and reads on. 0 means DefaultTimeout.
	Timeout time.Duration
	// Echo prints each input line as "> line", for transcripts of piped input.
	Echo bool
	// Prompt, when set, is printed whenever the terminal waits for input
	// (an interactive terminal; not for piped transcripts).
	Prompt string
	// FilesDir, when set, is the folder where every file the bot sends
	// (sendDocument, sendPhoto with an upload) is written, in any chat; the
	// file's path is printed under its line in the chat. The folder is
	// made at the first file.
	FilesDir string

	home     From              // User when Run began: ":as admin" goes back to it
	printed  map[msgKey]int    // message -> edits already printed
	files    map[msgKey]string // message -> path its file was written to, or the error
	names    map[string]bool   // file names written by this terminal
	sentSeen int               // how much of Server.Sent() has been looked at
}

// msgKey names one bot message: message ids count per chat.
type msgKey struct {
	chat int64
	id   int
}

// Run reads lines until In ends, sending each non-empty line as a message
// from User (a line ending in a backslash continues on the next line, so
// that a message of several lines can be typed), or pressing button N of the last bot message when the line is
// only the number N and that message has an N-th button. After each input it
// waits until the bot has answered and gone quiet and prints the new and
// edited messages; messages the bot sends on its own (reminders) are printed
// as they come. It returns nil at the end of In once the last answers are
// printed, ctx's error if ctx ends first, ErrClosed if the server closes,
// or the error of reading In or writing Out.
func (t *Terminal) Run(ctx context.Context) error {
	if t.Server == nil || t.In == nil || t.Out == nil {
		return errors.New("telegramtest: terminal needs Server, In and Out")
	}
	if t.printed == nil {
		t.printed, t.files, t.names = map[msgKey]int{}, map[msgKey]string{}, map[string]bool{}
		t.home = t.User
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(t.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		var msg []string
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if strings.HasSuffix(line, "\\") {
				msg = append(msg, strings.TrimSuffix(line, "\\"))
				continue // the message goes on
			}
			msg = append(msg, line)
			select {
			case lines <- strings.Join(msg, "\n"):
				msg = nil
			case <-ctx.Done():
				readErr <- nil
				return
			}
		}
		readErr <- sc.Err()
	}()

	if err := t.settleAndPrint(ctx); err != nil {
		return err
	}
	t.prompt()
	for {
		t.Server.mu.Lock()
		changed := t.Server.changed
		fresh := len(t.Server.sent) > t.sentSeen
		t.Server.mu.Unlock()
		if fresh { // the bot spoke on its own
			if err := t.settleAndPrint(ctx); err != nil {
				return err
			}
			t.prompt()
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.Server.done:
			return ErrClosed
		case <-changed:
		case line, ok := <-lines:
			if !ok {
				if err := t.settleAndPrint(ctx); err != nil {
					return err
				}
				if err := <-readErr; err != nil {
					return fmt.Errorf("telegramtest: terminal input: %w", err)
				}
				return nil
			}
			if err := t.input(line); err != nil {
				return err
			}
			if err := t.settleAndPrint(ctx); err != nil {
				return err
			}
			t.prompt()
		}
	}
}

// prompt shows that the terminal waits for input; errors writing it are
// the next print's to report.
func (t *Terminal) prompt() {
	if t.Prompt != "" {
		_, _ = io.WriteString(t.Out, t.Prompt)
	}
}

// chatID is the chat User writes in, as SendText computes it.
func (f From) chatID() int64 {
	switch {
	case f.ChatID != 0:
		return f.ChatID
	case f.ChatType == "" || f.ChatType == "private":
		return f.UserID
	default:
		return -f.UserID
	}
}

// input sends one line, presses a button when the line is its number, or
// runs a terminal command (":help") that the bot never sees.
func (t *Terminal) input(line string) error {
	text := strings.TrimSpace(line)
	if text == "" {
		return nil
	}
	if t.Echo {
		if _, err := fmt.Fprintf(t.Out, "> %s\n", text); err != nil {
			return fmt.Errorf("telegramtest: terminal output: %w", err)
		}
	}
	if name, args, ok := terminalCommand(text); ok {
		return t.command(name, args)
	}
	if n, err := strconv.Atoi(text); err == nil {
		msgs := t.Server.Messages(t.User.chatID())
		if len(msgs) > 0 {
			last := msgs[len(msgs)-1]
			if b, ok := nthButton(last.Keyboard, n); ok {
				if b.Data != "" {
					t.Server.Press(t.User, last.MessageID, b.Data)
					return nil
				}
				// A link button opens a browser in Telegram: show where.
				return t.write("↗ " + b.URL + "\n\n")
			}
		}
	}
	t.Server.SendText(t.User, text)
	return nil
}

// nthButton counts buttons across rows, from 1.
func nthButton(kb [][]Button, n int) (Button, bool) {
	if n < 1 {
		return Button{}, false
	}
	for _, row := range kb {
		if n <= len(row) {
			return row[n-1], true
		}
		n -= len(row)
	}
	return Button{}, false
}

// settleAndPrint waits for the bot to go quiet, then prints what changed.
func (t *Terminal) settleAndPrint(ctx context.Context) error {
	quiet, timeout := t.Quiet, t.Timeout
	if quiet <= 0 {
		quiet = DefaultQuiet
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	err := t.Server.WaitIdle(wctx, quiet)
	cancel()
	switch {
	case errors.Is(err, ErrClosed):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	}
	// A timeout is not an error: print whatever the bot managed to say.
	return t.print()
}

// print writes every message of the chat that is new or edited since the
// last print, in the order the bot acted, and callback answers with text.
func (t *Terminal) print() error {
	chatID := t.User.chatID()
	s := t.Server
	s.mu.Lock()
	fresh := cloneSent(s.sent[t.sentSeen:])
	t.sentSeen = len(s.sent)
	s.mu.Unlock()
	if len(fresh) == 0 {
		return nil
	}
	t.saveFiles(fresh)
	current := map[int]Sent{}
	for _, m := range s.Messages(chatID) {
		current[m.MessageID] = m
	}
	var b strings.Builder
	for _, x := range fresh {
		if x.ChatID != chatID {
			continue
		}
		if x.Method == "answerCallbackQuery" {
			if x.Text != "" {
				b.WriteString(formatBlock("ⓘ ", x.Text, nil))
			}
			continue
		}
		m, ok := current[x.MessageID]
		if !ok {
			continue
		}
		b.WriteString(t.formatOnce(m))
	}
	return t.write(b.String())
}

// saveFiles writes the file of each send in fresh, in any chat, to
// FilesDir, and remembers where (or why not) by message.
func (t *Terminal) saveFiles(fresh []Sent) {
	if t.FilesDir == "" {
		return
	}
	for _, x := range fresh {
		if (x.Method != "sendDocument" && x.Method != "sendPhoto") || x.Data == nil {
			continue
		}
		t.files[msgKey{x.ChatID, x.MessageID}] = t.saveFile(x.Filename, x.Data)
	}
}

// saveFile writes data under name in FilesDir, as name-2.ext and so on
// when this terminal already wrote a file of that name, and returns the
// line printed under the file: its path, or why it could not be written.
func (t *Terminal) saveFile(name string, data []byte) string {
	name = filepath.Base(filepath.Clean("/" + strings.ReplaceAll(name, "\\", "/")))
	if name == "/" || name == "." || name == "" {
		name = "file"
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 2; t.names[name]; i++ {
		name = stem + "-" + strconv.Itoa(i) + ext
	}
	t.names[name] = true
	path := filepath.Join(t.FilesDir, name)
	if err := os.MkdirAll(t.FilesDir, 0o755); err != nil {
		return "✗ not saved: " + err.Error()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "✗ not saved: " + err.Error()
	}
	return "→ " + path
}

// formatOnce formats m if it is new or edited since it was last printed.
func (t *Terminal) formatOnce(m Sent) string {
	k := msgKey{m.ChatID, m.MessageID}
	seen, printed := t.printed[k]
	if printed && seen == m.Edits {
		return ""
	}
	marker := "» "
	if printed {
		marker = "✎ "
	}
	t.printed[k] = m.Edits
	return formatMessage(marker, m, t.files[k])
}

func (t *Terminal) write(s string) error {
	if s == "" {
		return nil
	}
	if _, err := io.WriteString(t.Out, s); err != nil {
		return fmt.Errorf("telegramtest: terminal output: %w", err)
	}
	return nil
}

// formatMessage prints one bot message as a person reads it; saved is the
// line under a file (where it was written), if any.
func formatMessage(marker string, m Sent, saved string) string {
	body := strings.TrimSpace(m.Plain())
	if m.Method == "sendDocument" || m.Method == "sendPhoto" {
		head := "📎 " + m.Filename
		if m.FileSize > 0 {
			head += " (" + strconv.FormatInt(m.FileSize, 10) + " B)"
		}
		if m.Method == "sendPhoto" {
			head = "🖼 " + m.Filename + " (" + strconv.Itoa(m.Width) + "×" + strconv.Itoa(m.Height) + ")"
		}
		if saved != "" {
			head += "\n" + saved
		}
		if body != "" {
			head += "\n" + body
		}
		body = head
	}
	return formatBlock(marker, body, m.Keyboard)
}

// formatBlock writes marker + first line, the other lines indented, the
// buttons numbered across rows, one row a line, and a blank line.
func formatBlock(marker, body string, kb [][]Button) string {
	var b strings.Builder
	for i, line := range strings.Split(body, "\n") {
		switch {
		case i == 0:
			b.WriteString(marker + line)
		case line != "":
			b.WriteString("  " + line)
		}
		b.WriteString("\n")
	}
	n := 1
	for _, row := range kb {
		parts := make([]string, 0, len(row))
		for _, btn := range row {
			p := "[" + strconv.Itoa(n) + "] " + btn.Text
			if btn.URL != "" {
				p += " ↗"
			}
			parts = append(parts, p)
			n++
		}
		if len(parts) > 0 {
			b.WriteString("  " + strings.Join(parts, "   ") + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}
