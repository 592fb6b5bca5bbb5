package store_test

import (
	"context"
	"testing"
	"time"

	"tiendo/bot/kpi"
	"tiendo/bot/store"
	"tiendo/bot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const plan = "long-an-2022"

// backend is a Redis the script tests run on: the real server (what CI and
// production use) and miniredis (what the terminal chat and fast unit tests
// of other packages use), whose Lua is gopher-lua.
type backend struct {
	name string
	// open returns a store on a clean key space and a function that lets
	// time pass for the server's TTLs.
	open func(t *testing.T) (*store.Store, func(time.Duration))
}

var backends = []backend{
	{"redis", func(t *testing.T) (*store.Store, func(time.Duration)) {
		return store.New(storetest.Redis(t), storetest.Prefix(t)), func(d time.Duration) { storetest.Elapse(t, d) }
	}},
	{"miniredis", func(t *testing.T) (*store.Store, func(time.Duration)) {
		m, rdb := storetest.Miniredis(t)
		return store.New(rdb, ""), m.FastForward
	}},
}

// realStore returns a store on the shared real server (or its fallback).
func realStore(t *testing.T) *store.Store {
	t.Helper()
	return store.New(storetest.Redis(t), storetest.Prefix(t))
}

var t0 = time.Date(2022, 4, 5, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// monthly returns a report of value (in base units) for month m of 2022.
func monthly(indicator, unit string, m int, value int64) kpi.Report {
	return kpi.Report{
		Indicator: indicator, Unit: unit, Period: kpi.Month(2022, m),
		Value: kpi.Amount(value * kpi.AmountScale),
	}
}

// pend stores a pending submission of reports by user and returns its id.
func pend(t *testing.T, s *store.Store, user int64, ttl time.Duration, rs ...kpi.Report) string {
	t.Helper()
	id, err := s.PutPending(context.Background(), store.Pending{
		UserID: user, ChatID: user, MessageID: 7, Reports: rs, Lang: "vi", Created: t0,
	}, ttl)
	if err != nil {
		t.Fatalf("PutPending: %v", err)
	}
	return id
}
