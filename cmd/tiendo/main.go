// Command tiendo runs the Tiến Độ Telegram bot. With no TELEGRAM_BOT_TOKEN it
// opens a chat in the terminal instead, on an embedded Redis unless REDIS_URL
// is set:
//
//	echo "tiến độ xuất khẩu" | go run ./cmd/tiendo
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"tiendo/bot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program, callable from tests: configuration problems are
// printed one per line and give exit code 2; a failure to start gives 1.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, opts ...bot.Option) int {
	if len(args) > 1 && (args[1] == "-h" || args[1] == "--help" || args[1] == "help") {
		fmt.Fprintln(stdout, "usage: tiendo   (configured by environment variables; see README.md)")
		return 0
	}
	cfg, err := bot.LoadConfig(getenv)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "config:", line)
		}
		return 2
	}
	if err := bot.Run(ctx, cfg, bot.IO{In: stdin, Out: stdout, Err: stderr}, opts...); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "tiendo:", line)
		}
		return 1
	}
	return 0
}
