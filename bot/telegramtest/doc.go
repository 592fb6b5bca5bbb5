// Package telegramtest is an in-process Telegram Bot API on loopback. The
// real github.com/go-telegram/bot client talks to it over HTTP, so tests,
// benchmarks and the terminal chat of `go run ./cmd/tiendo` exercise the
// same code as production:
//
//	srv := telegramtest.New()
//	defer srv.Close()
//	b, _ := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(), ...)
//	go b.Start(ctx)
//	srv.SendText(telegramtest.From{UserID: 42}, "/start")
//	sent, err := srv.WaitSent(ctx, 1)
//
// The server speaks what go-telegram sends: every request is a
// multipart/form-data POST to /bot<token>/<method> (urlencoded and JSON
// bodies work too), nested objects such as reply_markup arrive as JSON
// strings, answers are {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":…}} with the HTTP status equal
// to error_code. The client turns these into errors that callers can match:
// 429 is *bot.TooManyRequestsError (errors.As; RetryAfter in seconds), 403
// wraps bot.ErrorForbidden, 400 bot.ErrorBadRequest, 401
// bot.ErrorUnauthorized, 404 bot.ErrorNotFound, 409 bot.ErrorConflict
// (errors.Is); other codes are plain errors.
//
// It refuses with 400, like Telegram, what a careless bot would get wrong:
// empty text or text over 4096 UTF-16 code units after entity parsing (1024
// for captions), parse_mode HTML with a tag Telegram does not know or
// unbalanced tags, callback_data over 64 bytes, a photo that is not a PNG or
// JPEG or has impossible dimensions, inline buttons with no
// action, edits that change nothing ("message is not modified"), a second
// answer to the same callback query, invalid command names. Each refusal is
// also kept in Refused so a test can assert there were none.
//
// Long polling follows Telegram: getUpdates returns at once when updates are
// queued and otherwise waits up to its timeout (go-telegram asks for its poll
// timeout minus one second: 59 s by default; WithMaxPoll caps the wait).
// Updates stay queued until a later offset acknowledges them, a second poller
// ends the first with 409, and a webhook, once set, receives the updates by
// POST instead.
//
// # Terminal format
//
// Terminal prints each bot message once, when the bot has gone quiet, as
//
//	» first line of the message
//	  further lines, indented
//	  [1] Xác nhận   [2] Hủy
//
// with a blank line after each message. HTML is shown through Render: tags
// removed, links as "text (url)". Buttons are numbered across rows, one row
// a line; a link button ends in "↗". An edited message is printed again
// with "✎ " instead of "» ". A document is "» 📎 name (size B)", a photo
// "» 🖼 name (width×height)", followed by its caption, a callback answer with text is "ⓘ text". Typing only a number
// presses that button of the last bot message, if it has one; anything else
// is sent as text. With Echo, each input line is printed first as "> line".
// With FilesDir, each file the bot sends is written there and its path
// printed under its line as "→ path".
//
// A line of ":" and a word is the terminal's own command, never sent:
// ":file PATH [caption]" sends a file as a document, ":as ID [name]" writes
// as another user from then on (printing what came to their chat), ":as
// admin" goes back to the first user, ":help" lists them.
package telegramtest
