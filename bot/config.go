package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must load on minimal images too

	"golang.org/x/time/rate"

	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
)

// Secret is a value that must never reach a log: its String and LogValue are redacted.
type Secret string

func (s Secret) String() string { return "[redacted]" }

// LogValue keeps the token out of structured logs.
func (s Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Reveal returns the secret itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// Config is what the environment says (design §4). A Config returned by
// LoadConfig is valid.
type Config struct {
	Token  Secret // TELEGRAM_BOT_TOKEN; empty: terminal chat
	APIURL string // TELEGRAM_API_URL
	// Redis is REDIS_URL parsed (store.ParseURL); its zero Topology means
	// the embedded in-memory Redis: the terminal chat's default, and with a
	// token only when Memory says so.
	Redis store.Target
	// Memory is TIENDO_STORE=memory: the operator asks for the in-memory
	// store on purpose (a trial bot). Without it a token needs REDIS_URL.
	Memory     bool
	Admins     []int64        // TIENDO_ADMINS
	PlanPath   string         // TIENDO_PLAN; empty: the embedded plan
	Loc        *time.Location // TIENDO_TZ
	QuietHours string         // TIENDO_QUIET_HOURS, checked here, used by reminders
	Public     bool           // TIENDO_PUBLIC
	UndoWindow time.Duration  // TIENDO_UNDO_WINDOW
	LogFormat  string         // TIENDO_LOG: json or text
	LogLevel   slog.Level     // TIENDO_LOG_LEVEL: debug, info, warn, error
	// HTTPListen is TIENDO_HTTP_LISTEN: where /metrics, /healthz and
	// /readyz are served ("" : nowhere).
	HTTPListen string
	KeyPrefix  string // TIENDO_REDIS_PREFIX
	// Limits are the outbox's rates: TIENDO_RATE_TOTAL (messages/s),
	// TIENDO_RATE_CHAT (messages/s to one chat), TIENDO_RATE_GROUP
	// (messages/min to one group).
	Limits outbox.Limits
	// Webhook mode, when WebhookURL is set: Telegram posts updates to
	// WebhookURL (TIENDO_WEBHOOK_URL, public https), the bot listens on
	// WebhookListen (TIENDO_WEBHOOK_LISTEN) and checks WebhookSecret
	// (TIENDO_WEBHOOK_SECRET; derived from the token when empty).
	WebhookURL    string
	WebhookListen string
	WebhookSecret Secret
	// Zalo, the second channel, when ZaloToken (ZALO_BOT_TOKEN) is set: the
	// Zalo Bot API at ZaloAPIURL (ZALO_API_URL). It runs beside Telegram in
	// the same process, or alone when Token is empty (package zalo).
	ZaloToken  Secret
	ZaloAPIURL string
	// Zalo's webhook, when ZaloWebhookURL (TIENDO_ZALO_WEBHOOK_URL) is set:
	// the platform posts updates there, reached at TIENDO_HTTP_LISTEN, with
	// ZaloWebhookSecret (TIENDO_ZALO_WEBHOOK_SECRET, 8 to 256 characters;
	// derived from the Zalo token when empty).
	ZaloWebhookURL    string
	ZaloWebhookSecret Secret
	// PublicURL is TIENDO_PUBLIC_URL: the bot's public base URL, at which
	// TIENDO_HTTP_LISTEN's /f/ is reached; files go to Zalo as signed links
	// under it (zalo.Links), signed with FileSecret (TIENDO_FILE_SECRET;
	// derived from the Zalo token when empty).
	PublicURL  string
	FileSecret Secret
	// Channel is the terminal chat's channel: "telegram" (also "") or
	// "zalo" (tiendo -channel zalo), against an in-process Zalo Bot API.
	Channel string
	// FilesDir is TIENDO_FILES_DIR: where the terminal chat writes the
	// files the bot sends (DefaultFilesDir when unset).
	FilesDir string
}

// Defaults of design §4.
const (
	DefaultAPIURL     = "https://api.telegram.org"
	DefaultZaloAPIURL = "https://bot-api.zaloplatforms.com"
	DefaultTZ         = "Asia/Ho_Chi_Minh"
	DefaultQuietHours = "20:00-07:00"
	DefaultUndoWindow = 24 * time.Hour
	DefaultKeyPrefix  = "tiendo"
	DefaultFilesDir   = "tiendo-files"
)

// LoadConfig reads the configuration through getenv. Every problem is
// reported, one line each, joined with errors.Join; the token is never part
// of a message.
func LoadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	c := Config{
		Token:      Secret(strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN"))),
		ZaloToken:  Secret(strings.TrimSpace(getenv("ZALO_BOT_TOKEN"))),
		APIURL:     strings.TrimRight(strings.TrimSpace(getenv("TELEGRAM_API_URL")), "/"),
		PlanPath:   strings.TrimSpace(getenv("TIENDO_PLAN")),
		QuietHours: strings.TrimSpace(getenv("TIENDO_QUIET_HOURS")),
		LogFormat:  strings.TrimSpace(getenv("TIENDO_LOG")),
		KeyPrefix:  strings.TrimSpace(getenv("TIENDO_REDIS_PREFIX")),
		UndoWindow: DefaultUndoWindow,
		FilesDir:   strings.TrimSpace(getenv("TIENDO_FILES_DIR")),
	}
	if c.FilesDir == "" {
		c.FilesDir = DefaultFilesDir
	}
	if c.Token != "" {
		id, _, ok := strings.Cut(string(c.Token), ":")
		if _, err := strconv.ParseInt(id, 10, 64); !ok || err != nil || strings.ContainsAny(string(c.Token), " \t/") {
			bad("TELEGRAM_BOT_TOKEN: not a bot token (expected <digits>:<letters> from BotFather)")
		}
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	} else if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TELEGRAM_API_URL: %q is not an http(s) URL", c.APIURL)
	}
	redisURL := strings.TrimSpace(getenv("REDIS_URL"))
	if redisURL != "" {
		t, err := store.ParseURL(redisURL)
		if err != nil {
			bad("REDIS_URL: %v (expected redis://[user:pass@]host:port/db, a cluster redis://host1:port?addr=host2:port, or Sentinel redis://sentinel1:port?addr=sentinel2:port&master_name=mymaster; rediss:// for TLS)", err)
		}
		c.Redis = t
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("TIENDO_STORE"))); v {
	case "", "redis":
	case "memory":
		c.Memory = true
		if redisURL != "" {
			bad("TIENDO_STORE: memory contradicts REDIS_URL: set one of them")
		}
	default:
		bad("TIENDO_STORE: %q is not redis or memory", v)
	}
	if (c.Token != "" || c.ZaloToken != "") && redisURL == "" && !c.Memory {
		bad("REDIS_URL: not set, and a bot with a token must not keep its data in memory by accident (set REDIS_URL, or TIENDO_STORE=memory for a trial that loses everything on restart)")
	}
	if s := strings.TrimSpace(getenv("TIENDO_ADMINS")); s != "" {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				bad("TIENDO_ADMINS: %q is not a Telegram user id (comma-separated numbers)", f)
				continue
			}
			c.Admins = append(c.Admins, id)
		}
	}
	tz := strings.TrimSpace(getenv("TIENDO_TZ"))
	if tz == "" {
		tz = DefaultTZ
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		bad("TIENDO_TZ: unknown time zone %q (e.g. Asia/Ho_Chi_Minh)", tz)
	}
	c.Loc = loc
	if c.QuietHours == "" {
		c.QuietHours = DefaultQuietHours
	}
	if _, err := remind.ParseQuiet(c.QuietHours); err != nil {
		bad("TIENDO_QUIET_HOURS: %q is not HH:MM-HH:MM or off", c.QuietHours)
	}
	switch p := strings.ToLower(strings.TrimSpace(getenv("TIENDO_PUBLIC"))); p {
	case "", "false", "0", "no", "off":
	case "true", "1", "yes", "on":
		c.Public = true
	default:
		bad("TIENDO_PUBLIC: %q is not true or false", p)
	}
	if s := strings.TrimSpace(getenv("TIENDO_UNDO_WINDOW")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			bad("TIENDO_UNDO_WINDOW: %q is not a duration such as 24h", s)
		}
		c.UndoWindow = d
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "json"
	case "json", "text":
	default:
		bad("TIENDO_LOG: %q is not json or text", c.LogFormat)
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("TIENDO_LOG_LEVEL"))); v {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("TIENDO_LOG_LEVEL: %q is not debug, info, warn or error", v)
	}
	c.HTTPListen = strings.TrimSpace(getenv("TIENDO_HTTP_LISTEN"))
	if c.HTTPListen != "" {
		if _, port, err := net.SplitHostPort(c.HTTPListen); err != nil || port == "" {
			bad("TIENDO_HTTP_LISTEN: %q is not host:port or :port (e.g. :9090)", c.HTTPListen)
		}
	}
	c.WebhookURL = strings.TrimSpace(getenv("TIENDO_WEBHOOK_URL"))
	c.WebhookListen = strings.TrimSpace(getenv("TIENDO_WEBHOOK_LISTEN"))
	c.WebhookSecret = Secret(strings.TrimSpace(getenv("TIENDO_WEBHOOK_SECRET")))
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("TIENDO_WEBHOOK_URL: %q is not the bot's public https URL", c.WebhookURL)
		}
		if c.Token == "" {
			bad("TIENDO_WEBHOOK_URL: a webhook needs TELEGRAM_BOT_TOKEN")
		}
		if c.WebhookListen == "" {
			c.WebhookListen = ":8080"
		}
	}
	if c.HTTPListen != "" && c.HTTPListen == c.WebhookListen {
		bad("TIENDO_HTTP_LISTEN: %q is the webhook's address too: give the metrics their own port", c.HTTPListen)
	}
	if c.WebhookSecret != "" && !secretRE.MatchString(string(c.WebhookSecret)) {
		bad("TIENDO_WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
	}
	c.ZaloAPIURL = strings.TrimRight(strings.TrimSpace(getenv("ZALO_API_URL")), "/")
	if c.ZaloToken != "" {
		if id, rest, ok := strings.Cut(string(c.ZaloToken), ":"); !ok || id == "" || rest == "" || strings.ContainsAny(string(c.ZaloToken), " \t/") {
			bad("ZALO_BOT_TOKEN: not a bot token (expected <bot id>:<access token> from Zalo Bot Creator)")
		}
	}
	c.ZaloWebhookURL = strings.TrimSpace(getenv("TIENDO_ZALO_WEBHOOK_URL"))
	c.ZaloWebhookSecret = Secret(strings.TrimSpace(getenv("TIENDO_ZALO_WEBHOOK_SECRET")))
	if c.ZaloWebhookURL != "" {
		if u, err := url.Parse(c.ZaloWebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path == "" || u.Path == "/" {
			bad("TIENDO_ZALO_WEBHOOK_URL: %q is not the public https URL of the bot's Zalo webhook (e.g. https://bot.soct.longan.gov.vn/zalo)", c.ZaloWebhookURL)
		} else if strings.HasPrefix(u.Path, "/f/") || strings.HasPrefix(u.Path, "/u/") || u.Path == "/metrics" || u.Path == "/healthz" || u.Path == "/readyz" {
			bad("TIENDO_ZALO_WEBHOOK_URL: the path %q is taken on TIENDO_HTTP_LISTEN: choose another, e.g. /zalo", u.Path)
		}
		if c.ZaloToken == "" {
			bad("TIENDO_ZALO_WEBHOOK_URL: a webhook needs ZALO_BOT_TOKEN")
		}
		if c.HTTPListen == "" {
			bad("TIENDO_ZALO_WEBHOOK_URL: Zalo's webhook is served on TIENDO_HTTP_LISTEN: set it too")
		}
	}
	if n := len([]rune(string(c.ZaloWebhookSecret))); c.ZaloWebhookSecret != "" && (n < 8 || n > 256) {
		bad("TIENDO_ZALO_WEBHOOK_SECRET: 8 to 256 characters (Zalo's rule)")
	}
	if c.ZaloAPIURL == "" {
		c.ZaloAPIURL = DefaultZaloAPIURL
	} else if u, err := url.Parse(c.ZaloAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("ZALO_API_URL: %q is not an http(s) URL", c.ZaloAPIURL)
	}
	c.PublicURL = strings.TrimRight(strings.TrimSpace(getenv("TIENDO_PUBLIC_URL")), "/")
	c.FileSecret = Secret(strings.TrimSpace(getenv("TIENDO_FILE_SECRET")))
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			bad("TIENDO_PUBLIC_URL: %q is not the bot's public https URL (e.g. https://bot.soct.longan.gov.vn)", c.PublicURL)
		}
		if c.HTTPListen == "" {
			bad("TIENDO_PUBLIC_URL: files are served on TIENDO_HTTP_LISTEN (under /f/): set it too")
		}
	}
	if c.FileSecret != "" && len(c.FileSecret) < 16 {
		bad("TIENDO_FILE_SECRET: at least 16 characters")
	}
	c.Limits = outbox.DefaultLimits
	for _, l := range []struct {
		name string
		per  float64 // seconds the variable's figure is per
		into *rate.Limit
	}{
		{"TIENDO_RATE_TOTAL", 1, &c.Limits.Global},
		{"TIENDO_RATE_CHAT", 1, &c.Limits.PerChat},
		{"TIENDO_RATE_GROUP", 60, &c.Limits.PerGroup},
	} {
		v := strings.TrimSpace(getenv(l.name))
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 10000 {
			bad("%s: %q is not a positive number of messages", l.name, v)
			continue
		}
		*l.into = rate.Limit(f / l.per)
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	} else if strings.ContainsAny(c.KeyPrefix, "{}: ") {
		bad("TIENDO_REDIS_PREFIX: %q may not contain braces, colons or spaces", c.KeyPrefix)
	}
	return c, errors.Join(errs...)
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
