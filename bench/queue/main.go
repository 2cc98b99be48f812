// Command queue fills a database with a million cases and measures an
// officer's work queue and a citizen's case list on it: the targets are a
// p99 under 20 ms each. Cases are written straight into the tables in
// batches (the submission path is measured by bench/cases.sh); the reads go
// through the services, as the pages and the API do.
//
// Usage: go run ./bench/queue [-n 1000000] [-dir DIR] [-db postgres://…]
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
	"strings"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

func main() {
	n := flag.Int("n", 1_000_000, "cases to generate")
	dir := flag.String("dir", "", "data directory (default: a temporary one, removed after)")
	dsn := flag.String("db", "", "database DSN (default: SQLite in the data directory)")
	rounds := flag.Int("rounds", 2000, "queries to time per measure")
	flag.Parse()
	ctx := context.Background()
	if *dir == "" {
		d, err := os.MkdirTemp("", "digigov-queue-")
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
	if err := generate(ctx, a, *n); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("generated %d cases in %s\n", *n, time.Since(start).Round(time.Millisecond))

	officer := callerOf(ctx, a, "officer")
	citizen := callerOf(ctx, a, "citizen")
	measure("officer's queue (广州, all open states, first 50)", *rounds, func() (int, error) {
		l, err := a.Cases.Queue(ctx, officer, nil, 50)
		return len(l), err
	})
	measure("officer's queue, one state (待受理, first 50)", *rounds, func() (int, error) {
		l, err := a.Cases.Queue(ctx, officer, []cases.State{cases.Submitted}, 50)
		return len(l), err
	})
	measure("citizen's case list (newest 100)", *rounds, func() (int, error) {
		l, err := a.Cases.Mine(ctx, citizen, 100)
		return len(l), err
	})
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

func measure(what string, rounds int, f func() (int, error)) {
	d := make([]time.Duration, rounds)
	rows := 0
	for i := range d {
		t := time.Now()
		n, err := f()
		d[i] = time.Since(t)
		if err != nil {
			log.Fatalf("%s: %v", what, err)
		}
		rows = n
	}
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))].Round(10 * time.Microsecond) }
	fmt.Printf("%s: %d rows, p50 %s, p90 %s, p99 %s, max %s\n", what, rows, p(.5), p(.9), p(.99), d[len(d)-1].Round(10*time.Microsecond))
}

// generate writes n cases in batches of 1,000 rows per transaction:
// applicants are 10,000 generated citizens plus the demo citizen (who gets
// 0.02% of the cases), regions every county of 广东, 5% of cases still open.
func generate(ctx context.Context, a *app.App, n int) error {
	demo, err := a.Identity.UserByUsername(ctx, "citizen")
	if err != nil {
		return err
	}
	applicants := []ids.ID{demo.ID}
	err = a.DB.Transact(ctx, func(ctx context.Context) error {
		for i := 0; i < 10000; i++ {
			id := ids.New()
			if _, err := a.DB.Exec(ctx, `INSERT INTO users (id, username, display_name, password_hash, kind, locale, elderly, failed_logins, disabled, created_at)
				VALUES (?, ?, ?, 'x', 'person', 'zh-CN', FALSE, 0, FALSE, ?)`, id, fmt.Sprintf("gen%05d", i), fmt.Sprintf("市民%05d", i), time.Now().UTC()); err != nil {
				return err
			}
			applicants = append(applicants, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	items, err := a.Catalog.Items(ctx)
	if err != nil {
		return err
	}
	counties := a.Regions.Descendants("44", region.County)
	closed := []cases.State{cases.Completed, cases.Completed, cases.Completed, cases.Rejected, cases.Withdrawn}
	open := []cases.State{cases.Submitted, cases.InReview, cases.InDecision, cases.Correction, cases.Decided}
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	const cols = 30
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := a.DB.Transact(ctx, func(ctx context.Context) error {
			var q strings.Builder
			q.WriteString(`INSERT INTO cases (id, number, item_code, item_name, applicant_id, person_id, enterprise_id, applicant, proxy_id, consent,
				channel, received_at, authority_id, authority, decided_at, state, resume_state, materials, submitted_at, accepted_at,
				deadline, paused_at, decision, outcome, completed_at, trips, version, created_at, updated_at, form) VALUES `)
			args := make([]any, 0, batch*cols)
			for i := 0; i < batch; i++ {
				if i > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?" + strings.Repeat(", ?", cols-1) + ")")
				k := done + i
				it := items[rnd.IntN(len(items))]
				c := counties[rnd.IntN(len(counties))].Code
				var app ids.ID
				if rnd.IntN(5000) == 0 {
					app = demo.ID
				} else {
					app = applicants[1+rnd.IntN(len(applicants)-1)]
				}
				st := closed[rnd.IntN(len(closed))]
				if rnd.IntN(20) == 0 {
					st = open[rnd.IntN(len(open))]
				}
				sub := now.Add(-time.Duration(rnd.IntN(365*24)) * time.Hour)
				deadline := sub.Add(time.Duration(rnd.IntN(40*24)) * time.Hour)
				var completed any
				if st == cases.Completed {
					completed = deadline.Add(-time.Duration(rnd.IntN(48)) * time.Hour)
				}
				args = append(args, ids.New(), fmt.Sprintf("GEN%s-%08d", c, k), it.Code, it.Name, app, "", "", "市民", "", "",
					"online", c, "org", "某机关", c, st, "", "[]", sub, sub, deadline, nil, "", "", completed, 0, 3, sub, sub, []byte{0})
			}
			_, err := a.DB.Exec(ctx, q.String(), args...)
			return err
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}
