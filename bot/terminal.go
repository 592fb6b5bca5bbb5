package bot

import (
	"context"
	"fmt"
	"os"
	"time"

	"tiendo/bot/store"
	"tiendo/bot/telegramtest"
	"tiendo/bot/zalo"
	"tiendo/bot/zalotest"
)

// terminalChat is the chat in the terminal, with no token: the bot runs
// against an in-process Bot API on loopback (and an in-process Zalo Bot API
// with -channel zalo), and the terminal is the local user's chat.
type terminalChat struct {
	srv   *telegramtest.Server
	zsrv  *zalotest.Server // -channel zalo, else nil
	local telegramtest.From
	// localAdmin is the local user when TIENDO_ADMINS names nobody (the
	// handlers' App.LocalAdmin), else 0.
	localAdmin int64
}

// newTerminalChat starts the in-process APIs and points cfg at them. The
// local user is TIENDO_ADMINS's first admin, else LocalUserID, made admin.
func newTerminalChat(cfg *Config) *terminalChat {
	t := &terminalChat{srv: telegramtest.New()}
	cfg.Token, cfg.APIURL = Secret(t.srv.Token()), t.srv.URL()
	t.local = telegramtest.From{UserID: LocalUserID, FirstName: "Admin", LanguageCode: "vi"}
	if len(cfg.Admins) > 0 {
		t.local.UserID = cfg.Admins[0]
	} else {
		cfg.Admins = []int64{LocalUserID}
		t.localAdmin = LocalUserID
	}
	if cfg.Channel == "zalo" {
		// The terminal chat as a Zalo user, linked to the local admin.
		t.zsrv = zalotest.New()
		cfg.ZaloToken, cfg.ZaloAPIURL = Secret(t.zsrv.Token()), t.zsrv.URL()
	}
	return t
}

// linkZalo links the terminal's Zalo user to the local user, as /lienket
// would; nothing without -channel zalo. It returns an error when Redis fails.
func (t *terminalChat) linkZalo(ctx context.Context, st *store.Store) error {
	if t == nil || t.zsrv == nil {
		return nil
	}
	code, err := st.PutZaloLink(ctx, t.local.UserID, time.Minute)
	if err == nil {
		_, err = st.TakeZaloLink(ctx, code, zalo.UserID(terminalZaloUser))
	}
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

func (t *terminalChat) close() {
	if t.zsrv != nil {
		t.zsrv.Close()
	}
	t.srv.Close()
}

// runTerminal is the terminal chat's run mode: lines read from stdio.In go
// to the bot as the local user's messages, its answers to stdio.Out, until
// the end of input or ctx.
func (w *wiring) runTerminal(ctx context.Context, stdio IO) error {
	p := w.tg.poller(w)
	p.Timeout = time.Second
	p.Client.Timeout = 30 * time.Second
	// The terminal prints an answer once the Bot API is idle: acknowledged
	// only when done, an update being handled (a chart drawn on a busy
	// machine) keeps it from looking idle. The terminal's Redis is in
	// memory: an inbox would save nothing across a crash anyway.
	p.Inbox = nil
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(pctx); close(done) }()
	defer func() { stop(); <-done }()
	t := w.term
	// With updates acknowledged only when done, idle means answered: a
	// short silence is enough.
	term := &telegramtest.Terminal{Server: t.srv, In: stdio.In, Out: stdio.Out, User: t.local, FilesDir: w.cfg.FilesDir,
		Quiet: 30 * time.Millisecond}
	if f, ok := stdio.In.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			term.Prompt = "> " // a person types; piped input gets a plain transcript
		}
	}
	if t.zsrv != nil {
		zt := &zalotest.Terminal{Server: t.zsrv, In: stdio.In, Out: stdio.Out, Prompt: term.Prompt,
			User: zalotest.From{UserID: terminalZaloUser, Name: "Admin"}}
		return zt.Run(ctx)
	}
	return term.Run(ctx)
}
