package zalotest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Terminal is a chat with the bot as a Zalo user in a terminal: each line
// read from In is sent as User's message, and the bot's messages to User's
// chat are printed to Out as
//
//	» first line of the message
//	  further lines, indented
//
// with a blank line after each; a photo is "» 🖼 <its link>" followed by its
// caption. Zalo has no buttons: the bot writes its choices as a numbered
// line ("Gõ 1 để Xác nhận, 2 để Hủy."), and typing the number answers them.
type Terminal struct {
	Server *Server
	In     io.Reader
	Out    io.Writer
	User   From
	// Quiet is how long the bot must be silent before its answer is
	// printed (150 ms when 0); Timeout bounds the wait for an answer (10 s
	// when 0).
	Quiet, Timeout time.Duration
	Prompt         string
	seen           int
}

// Run reads lines until In ends, printing the answers after each, and the
// bot's messages sent on its own as they come. It returns nil at the end
// of In, ctx's error if ctx ends first.
func (t *Terminal) Run(ctx context.Context) error {
	if t.Server == nil || t.In == nil || t.Out == nil {
		return errors.New("zalotest: terminal needs Server, In and Out")
	}
	quiet, timeout := t.Quiet, t.Timeout
	if quiet <= 0 {
		quiet = 150 * time.Millisecond
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(t.In)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		if t.Prompt != "" {
			fmt.Fprint(t.Out, t.Prompt)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok = <-lines:
		}
		if !ok {
			return nil
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		before := len(t.Server.SentTo(t.chat()))
		t.Server.SendText(t.User, line)
		wctx, cancel := context.WithTimeout(ctx, timeout)
		_, _ = t.Server.WaitSentTo(wctx, t.chat(), before+1)
		// Then until the bot has been quiet for a while.
		for wctx.Err() == nil {
			n := len(t.Server.SentTo(t.chat()))
			qctx, qcancel := context.WithTimeout(wctx, quiet)
			_, err := t.Server.WaitSentTo(qctx, t.chat(), n+1)
			qcancel()
			if err != nil {
				break
			}
		}
		cancel()
		t.print()
	}
}

func (t *Terminal) chat() string {
	if t.User.ChatID != "" {
		return t.User.ChatID
	}
	return t.User.UserID
}

func (t *Terminal) print() {
	sent := t.Server.SentTo(t.chat())
	for _, m := range sent[min(t.seen, len(sent)):] {
		text := m.Text
		if m.Method == "sendPhoto" {
			text = "🖼 " + m.Photo + "\n" + m.Text
		}
		text = strings.TrimRight(text, "\n")
		fmt.Fprintln(t.Out, "» "+strings.ReplaceAll(text, "\n", "\n  "))
		fmt.Fprintln(t.Out)
	}
	t.seen = len(sent)
}
