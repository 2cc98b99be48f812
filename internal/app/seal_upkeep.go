package app

import (
	"context"
	"time"
)

// reservationPruneEvery is how often the upkeep prunes the licences'
// status-entry reservations (license.PruneStatusReservations).
const reservationPruneEvery = time.Hour

// startSealUpkeep runs the periodic upkeep of what the node seals until
// ctx ends: the decision sweep (SweepDecisions) now and every
// decisionSweepEvery (sooner while batches come back full), and the
// pruning of settled or day-old status-entry reservations now and every
// reservationPruneEvery. The returned function stops it and waits for the
// round under way. Every instance may run it: the sweep is safe against
// itself and the event's path, and pruning deletes rows whichever
// instance reserved them (see license.Service.PruneStatusReservations).
func (a *App) startSealUpkeep(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var lastFull, lastPrune time.Time // when the last complete full sweep, the last pruning started
		for {
			now := a.now()
			if now.Sub(lastPrune) >= reservationPruneEvery {
				lastPrune = now
				a.pruneReservations(ctx)
			}
			full := now.Sub(lastFull) >= decisionSweepFullEvery
			since := now.Add(-decisionSweepRecent)
			if full {
				since = time.Time{}
			}
			r, err := a.SweepDecisions(ctx, since, now.Add(-decisionSweepGrace), decisionSweepBatch)
			wait := decisionSweepEvery
			switch {
			case err != nil:
				if ctx.Err() == nil {
					a.Log.Error("decision sweep", "err", err)
				}
			case r.More:
				wait = time.Second // more to do: let other writers in, then go on
			case full:
				lastFull = now
			}
			if r.Issued > 0 {
				a.Log.Info("decision sweep restored decisions", "issued", r.Issued, "more", r.More)
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// pruneReservations prunes the status-entry reservations; a failure only
// logs (the next hour tries again).
func (a *App) pruneReservations(ctx context.Context) {
	n, err := a.Licenses.PruneStatusReservations(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		a.Log.Warn("prune status reservations", "err", err)
	case n > 0:
		a.Log.Info("pruned status reservations", "rows", n)
	}
}
