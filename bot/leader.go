package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// DefaultLeaseTTL is how long the polling copy's lease lasts without
// renewal: a copy that dies is replaced within about this plus a third of it.
const DefaultLeaseTTL = 6 * time.Second

// leaseName is the lease of the one copy that calls getUpdates.
const leaseName = "poller"

// leaseStore is what leading needs of the store.
type leaseStore interface {
	HoldLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// lead runs work while this copy holds the polling lease, and waits as a
// standby while another copy does: Telegram allows one getUpdates caller,
// and a second one only makes both get 409 in turn. The lease is renewed
// every ttl/3; work is stopped (its context cancelled; the poller finishes
// the batch in hand) only when another copy holds the lease. While Redis
// cannot be reached the leader keeps polling — no copy can take the lease
// then, and users are still told "temporarily unavailable". On shutdown the
// lease is released so a standby takes over at once. leading is told of each
// change.
func lead(ctx context.Context, st leaseStore, ttl time.Duration, log *slog.Logger, leading func(bool), work func(context.Context)) {
	holder := leaseHolder()
	tick := ttl / 3
	standby := false
	for ctx.Err() == nil {
		ok, err := st.HoldLease(ctx, leaseName, holder, ttl)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Warn("polling lease", "err", err)
			}
		case !ok:
			if !standby {
				log.Info("polling: another copy polls; this one waits as standby")
				standby = true
			}
		default:
			standby = false
			log.Info("polling: this copy polls", "holder", holder)
			leading(true)
			leadWhileHeld(ctx, st, holder, ttl, log, work)
			leading(false)
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(tick):
		}
	}
}

// leadWhileHeld runs work and renews the lease until ctx ends or another
// copy has the lease, then releases it if still held.
func leadWhileHeld(ctx context.Context, st leaseStore, holder string, ttl time.Duration, log *slog.Logger, work func(context.Context)) {
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); work(wctx) }()
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
renew:
	for {
		select {
		case <-ctx.Done():
			break renew
		case <-done:
			break renew
		case <-t.C:
			ok, err := st.HoldLease(ctx, leaseName, holder, ttl)
			if err == nil && !ok {
				log.Warn("polling: another copy took the lease; this one stops polling")
				break renew
			}
		}
	}
	stop()
	<-done
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := st.ReleaseLease(rctx, leaseName, holder); err != nil {
		log.Warn("polling lease: release", "err", err)
	}
}

// leaseHolder names this copy: host, process and random bits (two copies
// in one process, as in the tests, differ too).
func leaseHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
