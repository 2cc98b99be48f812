// Package benchevents is what the benchmarks that need a province of
// events share (bench/cockpit, bench/eventsummary): generating them,
// rolling up the cockpit's counts, a caller, and timing.
package benchevents

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

// Generate writes n events over the last 365 days in every village of 广东,
// numbered prefix + a sequence: 95% closed (60% of those rated), the rest
// open in the states before closure, with deadlines for those dispatched
// (a third of them overdue). Events are written through the store in
// batches of 1,000 per transaction (the report path is measured by
// bench/events.sh).
func Generate(ctx context.Context, a *app.App, n int, prefix string) error {
	villages := a.Regions.Descendants("44", region.Village)
	leaves := governance.Leaves()
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC().Truncate(time.Microsecond)
	open := []governance.State{governance.Reported, governance.Accepted, governance.Dispatched, governance.Handling, governance.Replied}
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := a.DB.Transact(ctx, func(ctx context.Context) error {
			for i := 0; i < batch; i++ {
				v := villages[rnd.IntN(len(villages))]
				c := leaves[rnd.IntN(len(leaves))]
				created := now.Add(-time.Duration(rnd.Int64N(int64(365 * 24 * time.Hour))))
				e := &governance.Event{ID: ids.New(), Number: fmt.Sprintf("%s%09d", prefix, done+i), Version: 1, Source: governance.SourceGrid,
					Category: c.Code, Description: "生成的事件", Location: governance.Location{Region: v.Code}, Urgency: governance.Normal,
					State: governance.Closed, Level: c.Level, Department: c.Department, CreatedAt: created, UpdatedAt: created}
				if rnd.IntN(100) < 5 {
					e.State = open[rnd.IntN(len(open))]
					if e.State != governance.Reported && e.State != governance.Accepted {
						e.Deadline = created.Add(time.Duration(rnd.IntN(10*24)) * time.Hour)
						if rnd.IntN(3) > 0 && !e.Deadline.Before(now) {
							e.Deadline = now.Add(time.Duration(rnd.IntN(72)) * time.Hour)
						}
					}
				} else {
					e.ClosedAt = created.Add(time.Duration(rnd.IntN(72)+1) * time.Hour)
					if rnd.IntN(100) < 60 {
						e.Rating, e.RatedAt = 1+rnd.IntN(5), e.ClosedAt.Add(time.Hour)
					}
				}
				if err := a.Store.CreateEvent(ctx, e, nil, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}

// RollUp moves the whole log of the cockpit's counts into the tally (what
// a serving node's loop does every second) and returns the changes moved.
func RollUp(ctx context.Context, a *app.App) (int, error) {
	total := 0
	for {
		n, err := a.Store.RollUpEventTally(ctx, sqlstore.TallyBatch)
		total += n
		if err != nil || n < sqlstore.TallyBatch {
			return total, err
		}
	}
}

// CallerOf is the caller of a demo user's API token.
func CallerOf(ctx context.Context, a *app.App, username string) *identity.Caller {
	u, err := a.Identity.UserByUsername(ctx, username)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("bench"), u.ID, "bench")
	if err != nil {
		log.Fatal(err)
	}
	c, err := a.Identity.CallerByAPIToken(ctx, tok)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// Measure runs f rounds times, prints p50, p90, p99 and max, and returns
// the p99.
func Measure(what string, rounds int, f func() error) time.Duration {
	d := make([]time.Duration, rounds)
	for i := range d {
		t := time.Now()
		if err := f(); err != nil {
			log.Fatalf("%s: %v", what, err)
		}
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))].Round(10 * time.Microsecond) }
	fmt.Printf("%s: p50 %s, p90 %s, p99 %s, max %s\n", what, p(.5), p(.9), p(.99), d[len(d)-1].Round(10*time.Microsecond))
	return p(.99)
}

// Direct counts the province's figures the way the cockpit did before the
// tally (migration 00038): straight from gov_events on its indexes —
// today's events, open and overdue, 30-day ratings and the 30-day closure
// rate. The baseline the benchmarks compare the tally with.
func Direct(ctx context.Context, a *app.App, w governance.Window) (governance.Summary, error) {
	var s governance.Summary
	const open = `state NOT IN ('closed', 'rejected', 'merged', 'split')`
	const in = `(region || '') >= '44' AND (region || '') < '45'`
	err := a.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), 0)
		FROM gov_events WHERE created_at >= ? AND `+in, w.Today).Scan(&s.Today, &s.TodayClosed)
	if err == nil {
		err = a.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN deadline < ? THEN 1 ELSE 0 END), 0)
		FROM gov_events WHERE `+open+` AND `+in, w.Now).Scan(&s.Open, &s.Overdue)
	}
	if err == nil {
		err = a.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END), 0)
		FROM gov_events WHERE rated_at IS NOT NULL AND rated_at >= ? AND `+in, w.Since).Scan(&s.Rated, &s.Satisfied)
	}
	if err == nil {
		err = a.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), 0)
		FROM gov_events WHERE created_at >= ? AND `+in, w.Since).Scan(&s.Reported30, &s.Closed30)
	}
	return s, err
}
