package bot

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "" || c.APIURL != DefaultAPIURL || c.Loc.String() != "Asia/Ho_Chi_Minh" || c.QuietHours != "20:00-07:00" ||
		c.Public || c.UndoWindow != 24*time.Hour || c.KeyPrefix != "tiendo" {
		t.Errorf("defaults: %+v", c)
	}
	if c.Limits.Global != 30 || c.Limits.PerChat != 1 || c.Limits.PerGroup != rate.Limit(20.0/60) {
		t.Errorf("limits %+v, want Telegram's 30/s, 1/s, 20/min", c.Limits)
	}
}

func TestConfigReadsEverything(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_URL": "http://127.0.0.1:8081/", "REDIS_URL": "redis://:pw@redis:6379/2",
		"TIENDO_ADMINS": "1, 2;3", "TIENDO_TZ": "UTC", "TIENDO_QUIET_HOURS": "off", "TIENDO_PUBLIC": "true",
		"TIENDO_UNDO_WINDOW": "2h", "TIENDO_RATE_TOTAL": "10", "TIENDO_RATE_CHAT": "0.5", "TIENDO_RATE_GROUP": "6",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "http://127.0.0.1:8081" || len(c.Admins) != 3 || c.Loc != time.UTC || !c.Public || c.UndoWindow != 2*time.Hour {
		t.Errorf("%+v", c)
	}
	if c.Limits.Global != 10 || c.Limits.PerChat != 0.5 || c.Limits.PerGroup != 0.1 {
		t.Errorf("limits %+v", c.Limits)
	}
	if strings.Contains(c.Token.String(), "abc") {
		t.Error("the token prints")
	}
}

func TestConfigRedactsRedisPassword(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"REDIS_URL": "redis://:hunter2@host:notaport/0", "TIENDO_RATE_TOTAL": "-1"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "TIENDO_RATE_TOTAL") {
		t.Errorf("error %v", err)
	}
}

// Production must never run on memory by accident: a token without
// REDIS_URL is refused in one line, unless TIENDO_STORE=memory asks for it.
func TestConfigTokenNeedsRedisOrExplicitMemory(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc"}))
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), "REDIS_URL: not set") ||
		!strings.Contains(err.Error(), "TIENDO_STORE=memory") {
		t.Errorf("token without REDIS_URL: %v; want one line naming REDIS_URL and TIENDO_STORE=memory", err)
	}
	c, err := LoadConfig(env(map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "TIENDO_STORE": "memory"}))
	if err != nil || !c.Memory || c.Redis.Topology != "" {
		t.Errorf("TIENDO_STORE=memory: %+v, %v", c, err)
	}
	if _, err := LoadConfig(env(map[string]string{"TIENDO_STORE": "memory", "REDIS_URL": "redis://h:6379"})); err == nil {
		t.Error("TIENDO_STORE=memory with REDIS_URL accepted")
	}
	if _, err := LoadConfig(env(map[string]string{"TIENDO_STORE": "disk"})); err == nil || !strings.Contains(err.Error(), "TIENDO_STORE") {
		t.Errorf("TIENDO_STORE=disk: %v", err)
	}
	// The terminal chat needs neither.
	if c, err := LoadConfig(env(nil)); err != nil || c.Redis.Topology != "" {
		t.Errorf("no token: %+v, %v", c, err)
	}
}

func TestConfigRedisTopologies(t *testing.T) {
	cases := map[string]struct {
		url  string
		want string // topology, or the text the error must contain
		ok   bool
	}{
		"single":           {"redis://:pw@h:6379/2", "single", true},
		"cluster":          {"redis://h1:7000?addr=h2:7001&addr=h3:7002", "cluster", true},
		"sentinel":         {"redis://s1:26379?addr=s2:26379&master_name=mymaster&password=pw", "sentinel", true},
		"unknown option":   {"redis://h:6379/0?colour=blue", "unexpected option: colour", false},
		"cluster with db":  {"redis://h1:7000/3?addr=h2:7001", "only database 0", false},
		"sentinel no name": {"redis://s1:26379?master_name=", "master_name is empty", false},
		"bad timeout":      {"redis://h:6379?read_timeout=soon", "read_timeout", false},
		"scheme":           {"http://h:6379", "invalid URL scheme", false},
	}
	for name, c := range cases {
		cfg, err := LoadConfig(env(map[string]string{"REDIS_URL": c.url}))
		switch {
		case c.ok && (err != nil || string(cfg.Redis.Topology) != c.want):
			t.Errorf("%s: %q gave %q, %v; want %s", name, c.url, cfg.Redis.Topology, err, c.want)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %q gave %v; want an error with %q", name, c.url, err, c.want)
		}
	}
}

func TestConfigLogLevelAndHTTP(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{"TIENDO_LOG_LEVEL": "debug", "TIENDO_HTTP_LISTEN": ":9090"}))
	if err != nil || c.LogLevel != slog.LevelDebug || c.HTTPListen != ":9090" {
		t.Errorf("%+v, %v", c, err)
	}
	_, err = LoadConfig(env(map[string]string{"TIENDO_LOG_LEVEL": "loud", "TIENDO_HTTP_LISTEN": "9090"}))
	if err == nil || !strings.Contains(err.Error(), "TIENDO_LOG_LEVEL") || !strings.Contains(err.Error(), "TIENDO_HTTP_LISTEN") {
		t.Errorf("bad level and address: %v", err)
	}
	_, err = LoadConfig(env(map[string]string{"TELEGRAM_BOT_TOKEN": "1:a", "REDIS_URL": "redis://h:1", "TIENDO_WEBHOOK_URL": "https://x/y",
		"TIENDO_WEBHOOK_LISTEN": ":8080", "TIENDO_HTTP_LISTEN": ":8080"}))
	if err == nil || !strings.Contains(err.Error(), "TIENDO_HTTP_LISTEN") {
		t.Errorf("metrics on the webhook's port: %v", err)
	}
}

// Zalo runs beside Telegram; its token, its API URL and the files' public
// URL are checked like the rest, one line each, the token never quoted.
func TestConfigZalo(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc", "REDIS_URL": "redis://redis:6379/0"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	c, err := LoadConfig(env(with("ZALO_BOT_TOKEN", "2000:zalosecret", "TIENDO_HTTP_LISTEN", ":9090", "TIENDO_PUBLIC_URL", "https://bot.example.vn/")))
	if err != nil {
		t.Fatal(err)
	}
	if c.ZaloToken.Reveal() != "2000:zalosecret" || c.ZaloAPIURL != DefaultZaloAPIURL || c.PublicURL != "https://bot.example.vn" {
		t.Errorf("%+v", c)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ZALO_BOT_TOKEN": "2000:zalosecret"}, "REDIS_URL: not set"},
		{with("ZALO_BOT_TOKEN", "zalosecret"), "ZALO_BOT_TOKEN: not a bot token"},
		{with("ZALO_BOT_TOKEN", "2000:x", "ZALO_API_URL", "bot-api"), "ZALO_API_URL"},
		{with("TIENDO_PUBLIC_URL", "https://bot.example.vn"), "set it too"},
		{with("TIENDO_HTTP_LISTEN", ":9090", "TIENDO_FILE_SECRET", "short"), "TIENDO_FILE_SECRET"},
		{with("ZALO_BOT_TOKEN", "2000:x", "TIENDO_ZALO_WEBHOOK_URL", "https://bot.example.vn/zalo"), "set it too"},
		{with("TIENDO_HTTP_LISTEN", ":9090", "TIENDO_ZALO_WEBHOOK_URL", "https://bot.example.vn/zalo"), "needs ZALO_BOT_TOKEN"},
		{with("ZALO_BOT_TOKEN", "2000:x", "TIENDO_HTTP_LISTEN", ":9090", "TIENDO_ZALO_WEBHOOK_URL", "https://bot.example.vn/metrics"), "is taken"},
		{with("TIENDO_ZALO_WEBHOOK_SECRET", "short"), "TIENDO_ZALO_WEBHOOK_SECRET"},
	} {
		_, err := LoadConfig(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "zalosecret") {
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}
