package store

import (
	"strconv"
	"strings"
)

// DefaultPrefix is the key prefix New uses when given "".
const DefaultPrefix = "tiendo"

// Every key of the bot lives under one hash tag, "{prefix}". On a Redis
// Cluster the tag puts all of them on one slot, which is what makes the Lua
// scripts legal there: Confirm touches a pending submission, report hashes,
// the audit stream and an undo list at once, Undo three of them, and both
// must stay atomic. One slot is affordable because a department's data is
// small (a few thousand reports a year, tens of users); spreading it over the
// cluster would buy nothing and cost the atomicity the design asks for.
//
// Layout ({p} is "{tiendo}" by default):
//
//	{p}:users                 hash  user id -> user record (JSON)
//	{p}:lang                  hash  registered user id -> "vi" / "en"
//	{p}:slang:<user>          string a stranger's "vi" / "en", with a TTL (StrangerLangTTL)
//	{p}:rate:<user>           string button presses in the current window, with a TTL
//	{p}:r:<plan>:<indicator>  hash  Report.Slot() -> report record (JSON): the official figures
//	{p}:a:<plan>:<indicator>  hash  Report.Slot() -> report record (JSON): confirmed figures
//	                          awaiting an editor's approval; they count only once moved to r (approval.go)
//	{p}:audit:<plan>          stream of changes (set, submit, undo, approve, return)
//	{p}:undo:<plan>:<user>    list  audit entry ids of the user's own sets, newest first
//	{p}:pending:<id>          string pending submission (JSON), with a TTL
//	{p}:upd:<update id>       string "claimed:<instance>" / "done", with a TTL (updates.go)
//	{p}:eff:<update id>:<what> string what an update's write did (a deadline id, an invite code…),
//	                          with a TTL: the same update handled again writes nothing (effects.go)
//	{p}:alive:<instance>      string a running copy of the bot's heartbeat, with a short TTL
//	{p}:in:<update id>        string an update taken from getUpdates and not yet done (JSON), with a TTL
//	{p}:inbox                 zset   update ids of the in:<id> keys, by id; its TTL is the newest one's
//	                          (Zalo's from 2^62 on: store.OtherChannels)
//	{p}:tries:<update id>     string how many times the update was taken up and not finished, 24 h TTL;
//	                          deleted when it is done (updates.go)
//	{p}:noticed:<user>        string a stranger was told their id; the TTL is how long they hear nothing more
//	{p}:invite:<code>         string invite record (JSON), with a TTL; GETDEL on use
//	{p}:expect:<user>         string "indicator|period" the user's next bare figure is for (expect.go)
//	{p}:choice:<id>           string "user|text" a message to read as a report or a question, with a TTL (expect.go)
//	{p}:remind:deadline:<id>  string one-off deadline record (JSON), without Done
//	{p}:remind:done:<id>      hash   Assignee.Key() -> RFC 3339 time it was marked done
//	{p}:remind:open           set    ids of one-off deadlines
//	{p}:remind:seq            string the last deadline id handed out (INCR)
//	{p}:remind:sent:<task>    string "sending" (a lease) or "sent", with a TTL
//	{p}:remind:leaders        string the leaders' group chat id
//	{p}:ready                 string written by the readiness check (Writable), with a TTL
//	{p}:lease:<name>          string holder of a lease ("poller": the copy that polls), with a TTL
//	{p}:plans                 hash  year -> plan record (JSON: the TOML file, its origin) (plans.go)
//	{p}:plansum               hash  year -> digest of that file, written with it: what a copy reads per request
//	{p}:plandraft:<id>        string a plan file an admin sent, until Xác nhận, with a TTL
//	{p}:version               string the data version: INCR in the same script or transaction as every
//	                          write of figures, plans or users, read with each update's claim (answers are
//	                          kept per version in the process)
//
// Plan deadlines are not stored: remind.PlanDeadline computes them from the
// plan, and what closes them is a report.
//	{p}:approval:<id>         string what an editor's Duyệt / Trả lại buttons act on (JSON), with a TTL
//	{p}:reason:<user>         string approval id whose return reason the editor's next message is, with a TTL
//	{p}:zalo:ids              hash  int64 of a Zalo user or chat -> Zalo's string id (zalo.go)
//	{p}:zalo:choice:<chat>    list  callback data of the numbered choices last offered in a Zalo chat, with a TTL
//	{p}:zalo:link:<code>      string user id a one-time /lienket code links a Zalo account to, with a TTL
//	{p}:zalo:alias            hash  linked Zalo account (int64) -> the user it acts as
//	{p}:zalo:linked           hash  user id -> the Zalo account linked to it
//	{p}:zalo:file:<id>        hash  name, data: a file behind a signed link (zalo.Links), with a TTL
//	{p}:<parts...>            whatever other packages build with Key

// PermanentKeys are the patterns (path.Match, after "{prefix}:") of the keys
// meant to live without a TTL; every other key the bot writes has one. Each
// is bounded by what people do, not by time:
//
//	users, lang           registered users and their languages: as many as admins add
//	                      (strangers' languages are slang:<user>, with a TTL)
//	r:*:*, a:*:*          figures: one hash per plan and indicator, a slot per unit and period
//	audit:*               the audit trail of a plan: the department's record, never trimmed
//	undo:*:*              per plan and user, at most UndoDepth entry ids
//	remind:deadline:*     one-off deadlines and who marked them done, until /hanchot xoa
//	remind:done:*
//	remind:open, remind:seq, remind:leaders
//	plans, plansum        one plan per year, as many as the department has years
//	version               one counter
//	zalo:ids              Zalo's string id of each Zalo user and chat: one field a person
//	zalo:alias, zalo:linked  linked Zalo accounts: one field a person
//
// A test (cmd/tiendo TestEveryKeyHasALifetime) runs a session and fails on
// any key without a TTL that is not listed here. asynq's keys (asynq:…) are
// asynq's: finished tasks expire with their retention.
var PermanentKeys = []string{
	"users", "lang",
	"r:*:*", "a:*:*",
	"audit:*",
	"undo:*:*",
	"remind:deadline:*", "remind:done:*",
	"remind:open", "remind:seq", "remind:leaders",
	"plans", "plansum",
	"version",
	"zalo:ids", "zalo:alias", "zalo:linked",
}

// keys builds every key the store uses. It is a value so a Store and the
// tests can share one without global state.
type keys struct {
	tag string // "{prefix}"
}

func newKeys(prefix string) keys {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	// A brace inside the prefix would end the hash tag early and scatter the
	// keys over slots; it cannot be meant, so it is replaced.
	prefix = strings.NewReplacer("{", "_", "}", "_").Replace(prefix)
	return keys{tag: "{" + prefix + "}"}
}

func (k keys) join(parts ...string) string {
	return k.tag + ":" + strings.Join(parts, ":")
}

func (k keys) users() string { return k.join("users") }
func (k keys) lang() string  { return k.join("lang") }

// zaloIDs maps the int64 of a Zalo user or chat to Zalo's string id (zalo.go).
func (k keys) zaloIDs() string { return k.join("zalo", "ids") }

// zaloLink is a one-time code linking a Zalo account to a user; zaloAlias
// maps a linked Zalo account to its user, zaloLinked a user to its Zalo
// account.
func (k keys) zaloLink(code string) string { return k.join("zalo", "link", code) }
func (k keys) zaloAlias() string           { return k.join("zalo", "alias") }
func (k keys) zaloLinked() string          { return k.join("zalo", "linked") }

// zaloFile holds a file behind a link: its name and bytes.
func (k keys) zaloFile(id string) string { return k.join("zalo", "file", id) }

// zaloChoices holds the numbered choices last offered in a Zalo chat.
func (k keys) zaloChoices(chatID int64) string {
	return k.join("zalo", "choice", strconv.FormatInt(chatID, 10))
}

// version is the data version, bumped with every change of figures, plans
// or users (the last key of each script that makes one).
func (k keys) version() string { return k.join("version") }

func (k keys) strangerLang(userID int64) string {
	return k.join("slang", strconv.FormatInt(userID, 10))
}

func (k keys) rate(userID int64) string {
	return k.join("rate", strconv.FormatInt(userID, 10))
}

func (k keys) reports(planID, indicator string) string {
	return k.join("r", planID, indicator)
}

// awaiting holds the confirmed figures of one indicator that wait for an
// editor; same slots as reports, so approving one is a move between hashes.
func (k keys) awaiting(planID, indicator string) string {
	return k.join("a", planID, indicator)
}

func (k keys) approval(id string) string { return k.join("approval", id) }

func (k keys) reason(userID int64) string {
	return k.join("reason", strconv.FormatInt(userID, 10))
}

func (k keys) audit(planID string) string { return k.join("audit", planID) }

func (k keys) undo(planID string, userID int64) string {
	return k.join("undo", planID, strconv.FormatInt(userID, 10))
}

func (k keys) pending(id string) string { return k.join("pending", id) }

func (k keys) invite(code string) string { return k.join("invite", code) }

func (k keys) update(updateID int64) string {
	return k.join("upd", strconv.FormatInt(updateID, 10))
}

// alive is the heartbeat of one running copy of the bot; aliveBase+id is
// the same key, for the claim script, which learns the id from a claim.
func (k keys) alive(instance string) string { return k.aliveBase() + instance }
func (k keys) aliveBase() string            { return k.join("alive", "") }

// Key returns a key under the store's prefix and hash tag, for packages that
// keep their own data next to the store's (reminders, locks): Key("remind",
// "sent", "42") is "{tiendo}:remind:sent:42". Callers must not start parts
// with the store's own names (users, lang, slang, rate, r, a, audit, undo, pending, upd, eff,
// alive, noticed, in, inbox, invite, expect, choice, approval, reason, ready, lease, plans,
// plansum, plandraft).
// It cannot fail.
func (s *Store) Key(parts ...string) string { return s.keys.join(parts...) }

func (k keys) expect(userID int64) string {
	return k.join("expect", strconv.FormatInt(userID, 10))
}

func (k keys) choice(id string) string { return k.join("choice", id) }

func (k keys) deadline(id string) string { return k.join("remind", "deadline", id) }
func (k keys) done(id string) string     { return k.join("remind", "done", id) }
func (k keys) open() string              { return k.join("remind", "open") }
func (k keys) seq() string               { return k.join("remind", "seq") }
func (k keys) sent(task string) string   { return k.join("remind", "sent", task) }
func (k keys) leaders() string           { return k.join("remind", "leaders") }

func (k keys) plans() string              { return k.join("plans") }
func (k keys) planSums() string           { return k.join("plansum") }
func (k keys) planDraft(id string) string { return k.join("plandraft", id) }

func (k keys) ready() string { return k.join("ready") }

func (k keys) lease(name string) string { return k.join("lease", name) }

func (k keys) noticed(userID int64) string {
	return k.join("noticed", strconv.FormatInt(userID, 10))
}

func (k keys) inbound(updateID int64) string {
	return k.join("in", strconv.FormatInt(updateID, 10))
}
func (k keys) inbox() string { return k.join("inbox") }

// tries counts the take-ups of an update not finished (updates.go).
func (k keys) tries(updateID int64) string {
	return k.join("tries", strconv.FormatInt(updateID, 10))
}
