package bot

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// There is no Docker engine in CI: these tests parse compose.yaml, the
// Dockerfile and .dockerignore and check what the README promises of them.

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		EnvFile     any               `yaml:"env_file"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Restart     string            `yaml:"restart"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// isPinned says whether an image reference names a version — digits in
// its tag, or in its name when the image has no versioned tags
// (distroless's static-debian12) — or a digest; never a bare name,
// :latest or :alpine.
func isPinned(ref string) bool {
	if regexp.MustCompile(`@sha256:[0-9a-f]{64}$`).MatchString(ref) {
		return true
	}
	name, tag, ok := strings.Cut(ref[strings.LastIndex(ref, "/")+1:], ":")
	if !ok || tag == "latest" {
		return false
	}
	digit := regexp.MustCompile(`\d`)
	return digit.MatchString(tag) || digit.MatchString(name)
}

func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(false)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("compose.yaml is not valid YAML: %v", err)
	}
	redis, ok1 := c.Services["redis"]
	b, ok2 := c.Services["bot"]
	if !ok1 || !ok2 {
		t.Fatalf("services %v, want bot and redis", c.Services)
	}
	if !isPinned(redis.Image) {
		t.Errorf("redis image %q is not pinned by version", redis.Image)
	}
	cmd := strings.Join(redis.Command, " ")
	if !strings.Contains(cmd, "--appendonly yes") || !strings.Contains(cmd, "--dir /data") {
		t.Errorf("redis does not keep an AOF in /data: %q", cmd)
	}
	if len(redis.Volumes) == 0 || !strings.HasSuffix(redis.Volumes[0], ":/data") {
		t.Errorf("redis /data is not on a volume: %v", redis.Volumes)
	}
	if _, ok := c.Volumes[strings.Split(redis.Volumes[0], ":")[0]]; !ok {
		t.Errorf("volume %q not declared", redis.Volumes[0])
	}
	if b.EnvFile != ".env" {
		t.Errorf("bot env_file %v, want .env (the token lives there)", b.EnvFile)
	}
	if b.Environment["REDIS_URL"] != "redis://redis:6379/0" || b.Environment["TIENDO_HTTP_LISTEN"] == "" {
		t.Errorf("bot environment %v", b.Environment)
	}
	if _, err := LoadConfig(func(k string) string {
		if k == "TELEGRAM_BOT_TOKEN" {
			return "123:abc"
		}
		return b.Environment[k]
	}); err != nil {
		t.Errorf("the bot's compose environment is refused: %v", err)
	}
	if got := strings.Join(b.Healthcheck.Test, " "); got != "CMD /usr/local/bin/tiendo healthcheck" {
		t.Errorf("bot health check %q, want the binary's healthcheck (readiness)", got)
	}
	if b.DependsOn["redis"].Condition != "service_healthy" {
		t.Errorf("bot does not wait for a healthy redis: %+v", b.DependsOn)
	}
	for name, s := range c.Services {
		if s.Restart != "unless-stopped" && s.Restart != "always" {
			t.Errorf("%s restart policy %q", name, s.Restart)
		}
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	from := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(string(data), -1)
	if len(from) != 2 {
		t.Fatalf("%d FROM lines, want a build and a runtime stage", len(from))
	}
	for _, f := range from {
		if !isPinned(f[1]) {
			t.Errorf("base image %q is not pinned by version", f[1])
		}
	}
	if !regexp.MustCompile(`(?ms)^HEALTHCHECK .*?CMD \["/usr/local/bin/tiendo", "healthcheck"\]`).Match(data) {
		t.Error("no HEALTHCHECK running tiendo healthcheck")
	}
	if !regexp.MustCompile(`(?m)^USER nonroot`).Match(data) || !strings.Contains(string(data), "TIENDO_HTTP_LISTEN=:9090") {
		t.Error("the image does not run as nonroot with TIENDO_HTTP_LISTEN set")
	}
	ignore, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".git", ".env"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(ignore) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}

func TestIsPinned(t *testing.T) {
	for ref, want := range map[string]bool{
		"redis:7.4.4-bookworm": true, "golang:1.26.8-bookworm": true, "gcr.io/distroless/static-debian12:nonroot": true,
		"redis@sha256:" + strings.Repeat("a", 64): true, "redis": false, "redis:latest": false, "redis:alpine": false,
	} {
		if got := isPinned(ref); got != want {
			t.Errorf("isPinned(%q) = %v, want %v", ref, got, want)
		}
	}
}
