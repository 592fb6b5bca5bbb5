package bot

import (
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
