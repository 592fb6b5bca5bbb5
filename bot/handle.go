package bot

import (
	"context"
	"log/slog"
	"time"

	"tiendo/bot/metrics"
	"tiendo/bot/store"
	"tiendo/handlers"
	"tiendo/locales"
)

// outcome is what became of one update.
type outcome int

const (
	// handled: done (answered, a duplicate of a done one, or not for us):
	// it may be acknowledged.
	handled outcome = iota
	// held: a live copy of the bot is handling it. It is not done: it must
	// not be acknowledged, so that it comes back if that copy dies.
	held
)

// handleRequest runs one request of any channel once, taken out of the
// update whose id (unique across channels) is updateID: the update log in
// Redis makes a redelivered update (same id) a no-op once it is done, holds
// it back while a live copy of the bot is on it, and lets it through again
// at once if the copy that took it died before finishing.
func handleRequest(ctx context.Context, app *handlers.App, st *store.Store, marks *doneMarks, instance string, out handlers.Sender, log *slog.Logger, met *metrics.Metrics, updateID int64, req handlers.Request, ok bool) outcome {
	start := time.Now()
	kind := updateKind(req, ok)
	result := metrics.OutcomeOK
	defer func() {
		met.Update(kind, result, start)
		// Never the text: ids, kind, outcome and time only.
		log.Debug("update", "update_id", updateID, "kind", kind, "outcome", result, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	}()
	if !ok {
		// Nothing to act on (an edit, a sticker on Zalo): done at once, or
		// the inbox would hand it out again every recovery round for a day.
		result = metrics.OutcomeIgnored
		if err := marks.mark(ctx, updateID); err != nil {
			log.Warn("update log", "update_id", updateID, "err", err)
		}
		return handled
	}
	// The claim reads the user's record and language in the same round
	// trip; the handler does not read them again.
	claim, caller, err := st.ClaimUpdateFrom(ctx, updateID, instance, claimLease, req.UserID)
	req.Caller = caller
	if caller != nil {
		// And the plans' digests: which plan is in force costs no read.
		ctx = store.WithPlanSums(ctx, caller.PlanSums)
	}
	switch {
	case err != nil && store.Unavailable(err):
		// Redis cannot serve: say so now rather than wait out the same
		// timeouts a second time in the handler.
		log.Warn("update log unavailable", "update_id", updateID, "err", err)
		result = metrics.OutcomeUnavailable
		_ = app.Fail(ctx, out, req, err)
		return handled
	case err != nil:
		log.Warn("update log", "update_id", updateID, "err", err)
	case claim == store.UpdateDone:
		log.Info("duplicate update skipped", "update_id", updateID)
		result = metrics.OutcomeDuplicate
		// Saved again by a poller that got it before its acknowledgement:
		// take it out of the inbox.
		if err := marks.mark(ctx, updateID); err != nil {
			log.Warn("update log", "update_id", updateID, "err", err)
		}
		return handled
	case claim == store.UpdateBusy:
		log.Info("update held by a live copy", "update_id", updateID)
		result = metrics.OutcomeDuplicate
		return held
	case claim == store.UpdateGivenUp:
		// Taken up MaxUpdateTries times and never finished: it takes the
		// process down. It is marked done already; tell and move on.
		log.Error("update given up: it stopped the bot every time it was handled", "update_id", updateID,
			"tries", store.MaxUpdateTries, "kind", kind, "chat_id", req.ChatID, "user_id", req.UserID)
		result = metrics.OutcomeGivenUp
		if err := app.GiveUp(ctx, out, req, store.MaxUpdateTries); err != nil {
			log.Warn("update given up: notice", "update_id", updateID, "err", err)
		}
		return handled
	case claim == store.UpdateTakenOver:
		log.Warn("update taken over from a copy that died while handling it", "update_id", updateID)
	}
	if herr := app.Handle(ctx, out, req); herr != nil {
		result = metrics.OutcomeError
		if store.Unavailable(herr) {
			result = metrics.OutcomeUnavailable
		}
		log.Error("handle", "update_id", updateID, "chat_id", req.ChatID, "user_id", req.UserID, "err", herr)
	}
	// The user has been answered, even if only with an apology: a
	// redelivery must not answer again.
	if err := marks.mark(ctx, updateID); err != nil {
		log.Warn("update log", "update_id", updateID, "err", err)
	}
	return handled
}

// dropRequest answers a request refused by flood control: a button press is
// answered (or it spins), and the first message of a mute gets a notice in
// a private chat. In a group nothing is said.
func dropRequest(ctx context.Context, app *handlers.App, out handlers.Sender, log *slog.Logger, req handlers.Request, first bool) {
	if first {
		log.Warn("flood: user muted", "user_id", req.UserID, "chat_id", req.ChatID, "for", floodMute.String())
	}
	switch {
	case req.CallbackID != "":
		_ = out.Answer(ctx, req.CallbackID, "")
	case first && !req.IsGroup():
		text := app.Cat.N(locales.Lang(req.LangCode), "FloodMuted", int(floodMute/time.Minute))
		if _, err := out.Send(ctx, req.ChatID, text, nil); err != nil {
			log.Warn("flood notice", "chat_id", req.ChatID, "err", err)
		}
	}
}
