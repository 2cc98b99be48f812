// Command eventsummary fills a database with a million events and measures
// the cockpit's event summary (governance.Service.CockpitSummary: today's
// events, closed share, open and overdue events, 30-day satisfaction) for
// the province, a city and a county: the target is a p99 under 100 ms.
// Events are written through the store in batches of 1,000 per transaction
// (the report path is measured by bench/events.sh); the reads go through
// the service, as the API does.
//
// Usage: go run ./bench/eventsummary [-n 1000000] [-rounds 500] [-dir DIR] [-db postgres://…]
// (-dir DIR -n 0 measures a directory filled by an earlier run again.)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

func main() {
	n := flag.Int("n", 1_000_000, "events to generate")
	dir := flag.String("dir", "", "data directory (default: a temporary one, removed after)")
	dsn := flag.String("db", "", "database DSN (default: SQLite in the data directory)")
	rounds := flag.Int("rounds", 500, "queries to time per measure")
	flag.Parse()
	ctx := context.Background()
	if *dir == "" {
		d, err := os.MkdirTemp("", "digigov-events-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	cfg := &config.Config{DataDir: *dir, DB: *dsn, NodeKeyFile: filepath.Join(*dir, "node.key"), LogFormat: "text", LogLevel: "error"}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(*dir, "digigov.db")
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SeedDemo(ctx); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	if *n == 0 {
		fmt.Println("measuring the events already in", *dir)
	} else if err := generate(ctx, a, *n); err != nil {
		log.Fatal(err)
	}
	if *n > 0 {
		fmt.Printf("generated %d events in %s\n", *n, time.Since(start).Round(time.Millisecond))
	}

	leader := callerOf(ctx, a, "leader")
	for _, r := range []region.Code{"44", "4401", "440106"} {
		var last governance.Summary
		measure(fmt.Sprintf("cockpit summary for %s (%s)", r, a.Regions.FullName(r)), *rounds, func() error {
			s, err := a.Governance.CockpitSummary(ctx, leader, r)
			last = s
			return err
		})
		fmt.Printf("  today %d (closed %.0f%%), open %d, overdue %d, rated %d (satisfied %.0f%%)\n",
			last.Today, 100*last.ClosedShare(), last.Open, last.Overdue, last.Rated, 100*last.Satisfaction())
	}
}

func callerOf(ctx context.Context, a *app.App, username string) *identity.Caller {
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

func measure(what string, rounds int, f func() error) {
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
}

// generate writes n events over the last 365 days in every village of 广东:
// 95% closed (60% of those rated), the rest open, a third of those overdue.
func generate(ctx context.Context, a *app.App, n int) error {
	villages := a.Regions.Descendants("44", region.Village)
	leaves := governance.Leaves()
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC().Truncate(time.Microsecond)
	open := []governance.State{governance.Reported, governance.Accepted, governance.Dispatched, governance.Handling, governance.Replied}
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := a.DB.Transact(ctx, func(ctx context.Context) error {
			for i := 0; i < batch; i++ {
				k := done + i
				v := villages[rnd.IntN(len(villages))]
				c := leaves[rnd.IntN(len(leaves))]
				created := now.Add(-time.Duration(rnd.Int64N(int64(365 * 24 * time.Hour))))
				e := &governance.Event{ID: ids.New(), Number: fmt.Sprintf("SJB%09d", k), Version: 1, Source: governance.SourceGrid,
					Category: c.Code, Description: "生成的事件", Location: governance.Location{Region: v.Code}, Urgency: governance.Normal,
					State: governance.Closed, Level: c.Level, Department: c.Department, CreatedAt: created, UpdatedAt: created}
				if rnd.IntN(100) < 5 {
					e.State = open[rnd.IntN(len(open))]
					if e.State != governance.Reported && e.State != governance.Accepted {
						e.Deadline = created.Add(time.Duration(rnd.IntN(10*24)) * time.Hour)
						if rnd.IntN(3) > 0 && e.Deadline.Before(now) == false {
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
