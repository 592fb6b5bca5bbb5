package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"tiendo/bot/kpi"
)

// Count and milestone records were once kept in slots without a year
// ("unit|item|dong-dien"), so one year's item replaced another's under the
// same plan id. Their slots now carry the year of the item's date
// (kpi.Report.Slot); MigrateItemSlots moves the records kept the old way.

// legacyItemSlot reports whether slot is an item slot without a year.
func legacyItemSlot(slot string) bool {
	return strings.Count(slot, "|") == 2 && strings.Contains(slot, "|item|")
}

// slotNow is the slot a change recorded under slot lives in now: the same,
// except an item slot without a year, which is the report's slot now that
// MigrateItemSlots has moved it.
func slotNow(slot string, r *kpi.Report) string {
	if r != nil && legacyItemSlot(slot) {
		return r.Slot()
	}
	return slot
}

// moveSlotScript moves a record from slot ARGV[1] to ARGV[3] while it is
// still ARGV[2]; a record already in ARGV[3] (written since, under the new
// slot) is kept and the old one dropped. KEYS[1] the hash. It returns 1 when
// it moved or dropped it, 0 when the record changed meanwhile.
var moveSlotScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[2])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`)

// MigrateItemSlots moves the count and milestone records of plan, official
// and awaiting, from slots without a year to the slots they have now, and
// returns how many it moved. Running it again moves nothing. It returns an
// error when Redis fails or a record cannot be read.
func (s *Store) MigrateItemSlots(ctx context.Context, plan *kpi.Plan) (int, error) {
	moved := 0
	for i := range plan.Indicators {
		ind := &plan.Indicators[i]
		if ind.Kind != kpi.Count && ind.Kind != kpi.Milestone {
			continue
		}
		for _, key := range []string{s.keys.reports(plan.ID, ind.ID), s.keys.awaiting(plan.ID, ind.ID)} {
			m, err := s.rdb.HGetAll(ctx, key).Result()
			if err != nil {
				return moved, fmt.Errorf("store: migrate item slots of %s: %w", key, err)
			}
			for slot, raw := range m {
				if !legacyItemSlot(slot) {
					continue
				}
				r, err := reports.decode(raw)
				if err != nil {
					return moved, fmt.Errorf("store: migrate item slots of %s: slot %s: %w", key, slot, err)
				}
				to := r.Slot()
				if to == slot {
					continue // no date: no year to give it
				}
				n, err := moveSlotScript.Run(ctx, s.rdb, []string{key}, slot, raw, to).Int()
				if err != nil {
					return moved, fmt.Errorf("store: migrate item slots of %s: %w", key, err)
				}
				moved += n
			}
		}
	}
	return moved, nil
}
