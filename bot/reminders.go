package bot

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
	"tiendo/bot/metrics"
	"tiendo/bot/outbox"
	"tiendo/bot/remind"
	"tiendo/bot/store"
	"tiendo/bot/zalo"
	"tiendo/handlers"
)

// newOutbox is the outbox everything the bot sends on its own goes through
// (reminders, approvals, digests): each chat on its own channel. What goes
// to a Telegram user goes to the Zalo account linked to them as a delivery
// of its own (handlers.Notifier's Linked).
func (w *wiring) newOutbox() *outbox.Outbox {
	limits := w.cfg.Limits
	if w.o.limits != (outbox.Limits{}) {
		limits = w.o.limits
	}
	tgc, zc := w.tg, w.zalo
	ob := outbox.New(func(ctx context.Context, chatID int64, html string, kb [][]outbox.Button) error {
		if zc != nil && zalo.IsZalo(chatID) {
			_, err := zc.out.Send(ctx, chatID, html, kb)
			return err
		}
		if tgc == nil {
			return fmt.Errorf("chat %d: no Telegram in a Zalo-only bot", chatID)
		}
		return tgc.out.SendOnce(ctx, chatID, html, kb)
	}, limits)
	ob.Observe = w.met.OutboxQueued
	return ob
}

// startReminders makes the reminder jobs (asynq jobs on the same Redis,
// sent through the outbox) and starts them unless WithoutReminders; close
// stops them. It returns an error when they cannot start.
func (w *wiring) startReminders(ctx context.Context, rdb redis.UniversalClient, plans *store.Plans, plan *kpi.Plan) error {
	ob := w.newOutbox()
	tgc, met := w.tg, w.met
	rcfg := remind.Config{
		Redis: rdb, Store: w.st, Plan: plan, Loc: w.cfg.Loc, Quiet: w.app.Quiet, Now: w.o.now, Logger: w.log,
		Notifier: countingNotifier{next: &handlers.Notifier{App: w.app, Out: ob, Log: w.st, Linked: w.zalo.linked(w.st), Photo: func(ctx context.Context, chatID int64, f handlers.File) error {
			if zalo.IsZalo(chatID) || tgc == nil {
				return fmt.Errorf("chat %d: files go out only on Telegram", chatID)
			}
			return ob.Do(ctx, chatID, func(ctx context.Context) error { return tgc.out.SendFileOnce(ctx, chatID, f) })
		}}, m: met},
		Plans:    allPlans(plans),
		Reported: reported(w.st, plans, plan),
		OnHeld:   func() { met.Reminder(metrics.ReminderHeld) },
	}
	for _, f := range w.o.remind {
		f(&rcfg)
	}
	if rcfg.Queue == "" {
		// The queue is namespaced like every key: two bots with different
		// prefixes on one Redis never take each other's reminders, nor
		// collide on task ids (asynq keeps a queue's tasks, ids included,
		// under "asynq:{<queue>}:"). The default prefix gives the queue
		// earlier versions used, "tiendo-reminders".
		rcfg.Queue = w.cfg.KeyPrefix + "-reminders"
	}
	rem, err := remind.New(rcfg)
	if err != nil {
		return err
	}
	if !w.o.noRemind {
		if err := rem.Start(ctx); err != nil {
			return err
		}
		w.onClose(rem.Shutdown)
	}
	w.app.Reminders = rem
	return nil
}

// allPlans reads every year's plan, for the reminders of plan deadlines.
func allPlans(plans *store.Plans) func(ctx context.Context) ([]*kpi.Plan, error) {
	return func(ctx context.Context) ([]*kpi.Plan, error) {
		ys, err := plans.Years(ctx)
		if err != nil {
			return nil, err
		}
		var out []*kpi.Plan
		for _, y := range ys {
			p, err := plans.Year(ctx, y)
			if err != nil {
				return nil, err
			}
			if p != nil {
				out = append(out, p)
			}
		}
		return out, nil
	}
}

// reported tells whether a unit has reported an indicator for a period. A
// deadline's period names its year, and so the plan its report is kept
// under (plan, the one in force at start, when the period is unreadable or
// its year has none).
func reported(st *store.Store, plans *store.Plans, plan *kpi.Plan) func(ctx context.Context, unit, indicator, period string) (bool, error) {
	return func(ctx context.Context, unit, indicator, period string) (bool, error) {
		id := plan.ID
		if per, err := kpi.ParsePeriodKey(period); err == nil {
			if p, err := plans.Year(ctx, per.Year); err != nil {
				return false, err
			} else if p != nil {
				id = p.ID
			}
		}
		return st.Reported(ctx, id, unit, indicator, period)
	}
}
