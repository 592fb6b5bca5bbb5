// Command tiendo runs the Tiến Độ Telegram bot. With no TELEGRAM_BOT_TOKEN it
// opens a chat in the terminal instead, on an embedded Redis unless REDIS_URL
// is set:
//
//	echo "tiến độ xuất khẩu" | go run ./cmd/tiendo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"tiendo/bot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program, callable from tests. Exit codes: 0 after a
// clean stop (SIGTERM, end of the terminal chat); 2 for bad configuration —
// a variable, or a plan file that cannot be read — printed one line per
// problem; 1 when the start fails otherwise (Redis or Telegram unreachable,
// the token refused, a port taken).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, opts ...bot.Option) int {
	channel := ""
	if len(args) == 3 && (args[1] == "-channel" || args[1] == "--channel") {
		channel, args = args[2], args[:1]
		if channel != "zalo" && channel != "telegram" {
			fmt.Fprintf(stderr, "tiendo: -channel %q: telegram or zalo\n", channel)
			return 2
		}
	}
	if len(args) > 1 {
		switch args[1] {
		case "-h", "--help", "help":
			fmt.Fprintln(stdout, "usage: tiendo [-version | healthcheck | -channel telegram|zalo]   (configured by environment variables; see README.md)")
			return 0
		case "-version", "--version", "version":
			fmt.Fprintln(stdout, "tiendo", bot.Version())
			return 0
		case "healthcheck":
			return healthcheck(ctx, getenv, stderr)
		default:
			fmt.Fprintf(stderr, "tiendo: unknown argument %q (try tiendo -h)\n", args[1])
			return 2
		}
	}
	cfg, err := bot.LoadConfig(getenv)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "config:", line)
		}
		return 2
	}
	if channel != "" {
		if cfg.Token != "" {
			fmt.Fprintln(stderr, "tiendo: -channel is for the terminal chat: unset TELEGRAM_BOT_TOKEN")
			return 2
		}
		cfg.Channel = channel
	}
	if err := bot.Run(ctx, cfg, bot.IO{In: stdin, Out: stdout, Err: stderr}, opts...); err != nil {
		prefix, code := "tiendo:", 1
		var ce *bot.ConfigError
		if errors.As(err, &ce) {
			prefix, code = "config:", 2
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, prefix, line)
		}
		return code
	}
	return 0
}

// healthcheck asks the running bot's /readyz (TIENDO_HTTP_LISTEN, on
// loopback when it listens on every address) and exits 0 when it is ready,
// 1 otherwise: a HEALTHCHECK for an image without a shell or curl.
func healthcheck(ctx context.Context, getenv func(string) string, stderr io.Writer) int {
	listen := strings.TrimSpace(getenv("TIENDO_HTTP_LISTEN"))
	if listen == "" {
		fmt.Fprintln(stderr, "healthcheck: TIENDO_HTTP_LISTEN is not set: the bot serves no /readyz")
		return 2
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: TIENDO_HTTP_LISTEN: %q is not host:port\n", listen)
		return 2
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s: %s\n", resp.Status, strings.TrimSpace(string(body)))
		return 1
	}
	return 0
}
