package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tiendo/bot"
	"tiendo/bot/access"
	"tiendo/bot/telegramtest"
)

// exampleClocks are the clocks every example is tried at: one in the
// embedded plan's year and today's (the plan's year long over).
var exampleClocks = map[string]time.Time{
	"plan year": time.Date(2022, 6, 25, 10, 0, 0, 0, hcm),
	"today":     time.Date(2026, 12, 6, 10, 0, 0, 0, hcm),
}

// refusalMarks are the words of refusals an example must never get: a
// past date, a missing unit, a text not understood, the apology.
var refusalMarks = []string{"đã qua", "đơn vị nào", "Không đọc được", "Không hiểu", "Xin lỗi", "is over", "which unit", "Sorry"}

// readmeExample is a block of the README marked
// "<!-- examples: ROLE [UNIT], HOW, want "A|B" -->". HOW ending in
// " dated" marks a block that writes a date of its own (a deadline): a
// reader needs it to work from today, and no fixed date is both ahead at
// a clock in 2022 and within the deadlines' horizon today, so it is tried
// at today's clock only.
type readmeExample struct {
	role, unit string
	messages   []string
	want       []string
	dated      bool
}

var exampleMark = regexp.MustCompile(`<!-- examples: (\w+)(?: ([a-z-]+))?, ([^,]+), want "([^"]+)" -->\n` + "```[a-z]*\n((?s:.*?))```")

func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []readmeExample
	for _, m := range exampleMark.FindAllStringSubmatch(string(src), -1) {
		ex := readmeExample{role: m[1], unit: m[2], want: strings.Split(m[4], "|")}
		body := strings.TrimRight(m[5], "\n")
		how, dated := strings.CutSuffix(m[3], " dated")
		ex.dated = dated
		switch how {
		case "one message":
			ex.messages = []string{body}
		case "each line a message", "each line a message up to two spaces":
			for _, line := range strings.Split(body, "\n") {
				if how != "each line a message" {
					line, _, _ = strings.Cut(line, "  ")
				}
				if line = strings.TrimSpace(line); line != "" {
					ex.messages = append(ex.messages, line)
				}
			}
		default:
			t.Fatalf("README example block says %q: not known to this test", how)
		}
		out = append(out, ex)
	}
	if len(out) < 5 {
		t.Fatalf("found %d example blocks in the README, want at least 5", len(out))
	}
	return out
}

// TestReadmeExamples sends every example of the README's marked blocks as
// the role the block names, at a clock in the plan's year and today's, and
// checks each gets the answer the block names and no refusal.
func TestReadmeExamples(t *testing.T) {
	examples := readmeExamples(t)
	for name, at := range exampleClocks {
		t.Run(name, func(t *testing.T) {
			h := start(t, nil, bot.WithClock(func() time.Time { return at }), bot.WithoutReminders())
			users := map[string]telegramtest.From{"admin": admin}
			for i, ex := range examples {
				if ex.dated && name != "today" {
					continue
				}
				from, ok := users[ex.role+ex.unit]
				if !ok {
					from = telegramtest.From{UserID: int64(7100 + i), FirstName: "Mẫu", LanguageCode: "vi"}
					h.addUser(from.UserID, access.Role(ex.role), ex.unit)
					users[ex.role+ex.unit] = from
				}
				for _, msg := range ex.messages {
					got := texts(h.say(from, msg))
					checkExampleAnswer(t, ex.role, msg, got, ex.want)
				}
			}
		})
	}
}

// checkExampleAnswer fails when got has none of want or has a refusal.
func checkExampleAnswer(t *testing.T, who, msg, got string, want []string) {
	t.Helper()
	found := false
	for _, w := range want {
		found = found || strings.Contains(got, w)
	}
	if !found {
		t.Errorf("%s: %q got no %q:\n%s", who, msg, strings.Join(want, " or "), got)
	}
	for _, r := range refusalMarks {
		if strings.Contains(got, r) {
			t.Errorf("%s: %q is refused (%q):\n%s", who, msg, r, got)
		}
	}
}

// TestHelpExamples sends every example the help shows (its <code> parts
// that are messages) as the user who sees it, at both clocks: none is
// refused.
func TestHelpExamples(t *testing.T) {
	code := regexp.MustCompile(`<code>([^<]+)</code>`)
	for name, at := range exampleClocks {
		t.Run(name, func(t *testing.T) {
			h := start(t, nil, bot.WithClock(func() time.Time { return at }), bot.WithoutReminders())
			h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
			editor := telegramtest.From{UserID: 7201, FirstName: "Mai", LanguageCode: "vi"}
			h.addUser(editor.UserID, access.Editor, "")
			h.addUser(english.UserID, access.Admin, "")
			for _, who := range []telegramtest.From{benLuc, editor, admin, english} {
				help := ""
				for _, s := range h.say(who, "/help") {
					help += s.Text
				}
				n := 0
				for _, m := range code.FindAllStringSubmatch(help, -1) {
					msg := telegramtest.Render(m[1])
					if !strings.HasPrefix(msg, "cập nhật") && !strings.HasPrefix(msg, "update") && !strings.HasPrefix(msg, "/hanchot them") && !strings.HasPrefix(msg, "/deadlines add") {
						continue // questions and lists: tried by their own tests
					}
					n++
					want := []string{"Kiểm tra lại", "check before", "Đã thêm hạn chót", "Deadline"}
					checkExampleAnswer(t, who.FirstName, msg, texts(h.say(who, msg)), want)
				}
				if n == 0 {
					t.Errorf("%s's help shows no example of a report or deadline:\n%s", who.FirstName, help)
				}
			}
		})
	}
}

// TestRefusalExamples makes the mistakes clerks make, as a reporter and as
// an admin, at both clocks, and sends back every example a refusal offers
// that is a whole message: none of them is refused in turn.
func TestRefusalExamples(t *testing.T) {
	code := regexp.MustCompile(`<code>([^<]+)</code>`)
	mistakes := []struct {
		reporter bool
		text     string
	}{
		{true, "cập nhật xuất khẩu: 520"},
		{true, "cập nhật xuất khẩu tháng 13: 520 triệu USD"},
		{true, "cập nhật xuất khẩu 520 tỉ đồng"},
		{true, "cập nhật cụm công nghiệp"},
		{true, "cập nhật cửa hàng tiện ích: 2"},
		{true, "cập nhật xuất khẩu tháng 3/2030: 520 triệu USD"},
		{false, "cập nhật xuất khẩu tháng 3/2022: 520 triệu USD"},
		{false, "cập nhật TTC Đức Huệ 2 đóng điện"},
		{false, "cập nhật TTC Đức Huệ 2: xong"},
		{false, "/hanchot them 30/06/2022 17:00 | Việc X | Đức Huệ"},
		{false, "/hanchot them mai | việc X"},
		{false, "/nguoidung them 558 baocao"},
		{false, "/kehoach abc"},
	}
	// Whole messages: a command, or a sentence naming what it reports
	// ("xuất khẩu tháng 3: 520 triệu USD", "CCN Hựu Thạnh 15/06/2022").
	whole := regexp.MustCompile(`^(cập nhật |/hanchot them |/nguoidung them |/kehoach|/baocao|/bieudo|/tiendo)|^\pL[^:]*: .*\d|^\pL.* \d{1,2}/\d{1,2}/\d{4}$`)
	for name, at := range exampleClocks {
		t.Run(name, func(t *testing.T) {
			h := start(t, nil, bot.WithClock(func() time.Time { return at }), bot.WithoutReminders())
			h.addUser(benLuc.UserID, access.Reporter, "ben-luc")
			tried := 0
			for _, m := range mistakes {
				who := admin
				if m.reporter {
					who = benLuc
				}
				raw := ""
				for _, s := range h.say(who, m.text) {
					raw += s.Text + "\n"
				}
				for _, c := range code.FindAllStringSubmatch(raw, -1) {
					ex := telegramtest.Render(c[1])
					if !whole.MatchString(ex) || strings.ContainsAny(ex, "<>…") {
						continue // a fragment ("520 triệu USD") or a pattern ("<mã>")
					}
					tried++
					t.Logf("%q → %q", m.text, ex)
					got := texts(h.say(who, ex))
					for _, r := range append(slices.Clone(refusalMarks), "Chưa có kế hoạch", "chưa kết thúc", "Không tìm thấy", "Chưa rõ", "Chưa có tên", "không thuộc năm") {
						if strings.Contains(got, r) {
							t.Errorf("%q offers %q, which is refused (%q):\n%s", m.text, ex, r, got)
						}
					}
				}
			}
			if tried < 5 {
				t.Errorf("only %d examples in the refusals were whole messages", tried)
			}
		})
	}
}
