package app

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/store/sqlstore"
)

// governanceTick is how often the overdue timer looks for events past
// their deadline.
const governanceTick = time.Minute

// startGovernanceTimer runs the overdue timer of events (escalation and
// supervision by level) until ctx ends. Every instance may run it: the
// timer claims events in a transaction (skipping rows another instance
// holds on PostgreSQL). The returned function stops it and waits.
func (a *App) startGovernanceTimer(ctx context.Context) (stop func()) {
	return periodic(ctx, governanceTick, true, func(ctx context.Context) {
		for {
			n, err := a.Governance.RunOverdue(ctx, 100)
			if err != nil && ctx.Err() == nil {
				a.Log.Error("overdue events", "err", err)
			}
			if err != nil || n < 100 {
				return
			}
		}
	})
}

// eventTallyTick is how often the cockpit's event counts are rolled up
// from their log (readers add the log's rows, so figures are exact in
// between; the roll-up keeps the log short).
const eventTallyTick = time.Second

// startEventTally rolls the cockpit's event counts up (sqlstore.
// RollUpEventTally) until ctx ends; every instance may run it (the
// roll-up serialises on a row). The returned function stops it and waits.
func (a *App) startEventTally(ctx context.Context) (stop func()) {
	return periodic(ctx, eventTallyTick, true, func(ctx context.Context) {
		for {
			n, err := a.Store.RollUpEventTally(ctx, sqlstore.TallyBatch)
			if err != nil && ctx.Err() == nil {
				a.Log.Error("event tally roll-up", "err", err)
			}
			if err != nil || n < sqlstore.TallyBatch {
				return
			}
		}
	})
}
