package zalo

import (
	"regexp"
	"strings"
	"unicode"

	"tiendo/bot/kpi"
)

// filePhrases are what people write when they send, or mean to send, a file
// (folded): "em đã gửi file báo cáo rồi ạ", "gửi tệp thế nào?", "file đính
// kèm". On Zalo the file never reaches the bot.
var filePhrases = []string{"gui file", "gui tep", "gui bieu mau", "gui mau bao cao", "gui lai file", "gui lai tep",
	"nop file", "nop tep", "file dinh kem", "tep dinh kem", "file excel", "tep excel", "file bao cao", "tep bao cao"}

// years are the numbers that name a period, not a figure: "4/2026", "2026".
var years = regexp.MustCompile(`\b(\d{1,2}/)?(19|20)\d\d\b`)

// mentionsFile reports whether text is about sending a file and carries no
// figure (no number of three digits or more, a year aside): such a text on
// Zalo is answered with the form and its upload link, not read as a report.
func mentionsFile(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || strings.HasPrefix(t, "/") || len([]rune(t)) > 120 {
		return false
	}
	run := 0
	for _, r := range years.ReplaceAllString(t, " ") {
		if unicode.IsDigit(r) {
			if run++; run >= 3 {
				return false
			}
		} else {
			run = 0
		}
	}
	f := " " + kpi.Fold(t) + " "
	for _, p := range filePhrases {
		if strings.Contains(f, " "+p+" ") {
			return true
		}
	}
	return false
}
