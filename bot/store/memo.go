package store

import (
	"slices"
	"sync"

	"tiendo/bot/kpi"
)

// Every question reads an indicator's whole report hash, and most of its
// records have not changed since the last question: decoding the same JSON
// again (reflection, times, big numbers) was the largest cost of an answer.
// reportMemo remembers what each exact record text decodes to. Decoding is
// a pure function of the text, so a remembered value is never stale: a
// changed figure is a different text. The memo is bounded, and emptied
// when full.
type reportMemo struct {
	mu sync.RWMutex
	m  map[string]kpi.Report
}

// reportMemoMax bounds the memo: several years of a province's figures.
const reportMemoMax = 50_000

var reports = &reportMemo{m: map[string]kpi.Report{}}

// decode is decodeReport, remembered. The caller owns what it returns.
func (c *reportMemo) decode(raw string) (kpi.Report, error) {
	c.mu.RLock()
	r, ok := c.m[raw]
	c.mu.RUnlock()
	if !ok {
		var err error
		if r, err = decodeReport(raw); err != nil {
			return kpi.Report{}, err
		}
		c.mu.Lock()
		if len(c.m) >= reportMemoMax {
			clear(c.m)
		}
		c.m[raw] = r
		c.mu.Unlock()
	}
	r.Stated = slices.Clone(r.Stated)
	return r, nil
}
