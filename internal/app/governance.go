package app

import (
	"context"
	"time"
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
