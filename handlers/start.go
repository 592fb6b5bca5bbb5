package handlers

import (
	"context"
	"strings"
	"time"

	"tiendo/bot/access"
	"tiendo/bot/kpi"
	"tiendo/locales"
)

// start greets; a stranger learns their Telegram id and how to ask for access.
func (s *session) start(ctx context.Context, args string) error {
	if code := strings.TrimSpace(args); code != "" {
		return s.redeem(ctx, code)
	}
	if !s.known && !s.IsGroup() {
		// Asked for in so many words: always answered.
		return s.reply(ctx, s.t("Stranger", "Name", s.UserName, "ID", s.UserID))
	}
	if !s.known {
		return s.stranger(ctx)
	}
	return s.reply(ctx, s.t("Welcome", "Name", s.UserName, "Role", s.t("Role_"+string(s.user.Role)))+"\n\n"+s.helpText())
}

// StrangerQuiet is how long a stranger, once told their id, hears nothing
// more: someone writing to a bot that does not know them must not get an
// answer per message, nor a group a public notice per message.
const StrangerQuiet = 10 * time.Minute

// stranger tells someone the bot does not know their id and what to do,
// once per StrangerQuiet; /start in a private chat always tells.
func (s *session) stranger(ctx context.Context) error {
	first, err := s.callerStore().NoticeOnce(ctx, s.UserID, StrangerQuiet)
	if err != nil || !first {
		return err
	}
	return s.reply(ctx, s.t("Stranger", "Name", s.UserName, "ID", s.UserID))
}

func (s *session) help(ctx context.Context, _ string) error {
	if !s.known && !s.Policy.Public {
		return s.stranger(ctx)
	}
	return s.reply(ctx, s.helpText())
}

// helpText lists what this user may do, strongest role last.
func (s *session) helpText() string {
	parts := []string{s.t("HelpAsk")}
	month := s.exampleMonth().Label(s.lang)
	files := s.t("HelpFiles", "Month", month, "Year", s.Plan.Year) // files.go
	if s.user.Role.AtLeast(access.Reporter) {
		parts = append(parts, s.t("HelpReport", "Month", month, "Unit", s.exampleUnit()))
		files += "\n" + s.t("HelpTemplate")
	}
	parts = append(parts, files)
	if s.user.Role.AtLeast(access.Admin) {
		parts = append(parts, s.t("HelpAdmin", "Due", s.exampleDue()))
	}
	parts = append(parts, s.t("HelpLang"))
	return strings.Join(parts, "\n\n")
}

// language sets the user's language: "/ngonngu en", or buttons when no argument.
func (s *session) language(ctx context.Context, args string) error {
	arg := kpi.Fold(args)
	if arg == "" {
		return s.reply(ctx, s.t("LangChoose"), []Button{{Text: "Tiếng Việt", Data: Action{Kind: cbLang, ID: "vi"}.String()}, {Text: "English", Data: Action{Kind: cbLang, ID: "en"}.String()}})
	}
	lang := ""
	switch arg {
	case "vi", "tieng viet", "viet", "vietnamese":
		lang = "vi"
	case "en", "english", "tieng anh", "anh":
		lang = "en"
	default:
		return s.reply(ctx, s.t("LangUsage"))
	}
	if err := s.setLanguage(ctx, lang); err != nil {
		return err
	}
	return s.reply(ctx, s.t("LangSet"))
}

func (s *session) setLanguage(ctx context.Context, lang string) error {
	lang = locales.Lang(lang)
	// Only the language is written: never the user record read at the
	// start of this message, which an admin may have changed since.
	if err := s.callerStore().SetLang(ctx, s.UserID, lang); err != nil {
		return err
	}
	s.user.Lang, s.lang = lang, lang
	return nil
}

// exampleUnit is the unit an example of a report names: none for a
// reporter (their own unit is implied), the plan's first unit for an editor
// or admin, who must name one.
func (s *session) exampleUnit() string {
	if s.user.Role.AtLeast(access.Editor) && len(s.Plan.Units) > 0 {
		return s.Plan.Units[0].Short
	}
	return ""
}

// exampleMonth is the month the examples the bot shows name: the month a
// figure without a period is for now, which the bot accepts.
func (s *session) exampleMonth() kpi.Period {
	if p, ok := kpi.DefaultMonth(s.now(), s.Plan.Year); ok {
		return p
	}
	return kpi.Month(s.Plan.Year, 1)
}

// exampleDue is a due time for the examples of /hanchot: the 28th of next
// month at 17:00, always to come.
func (s *session) exampleDue() string {
	now := s.now()
	return time.Date(now.Year(), now.Month()+1, 28, 17, 0, 0, 0, s.Loc).Format("02/01/2006 15:04")
}
