package storetest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// tallyOracle computes the cockpit's figures of region in from the events
// themselves, as the definitions in governance.Summary say.
func tallyOracle(evs map[ids.ID]*governance.Event, in region.Code, w governance.Window) governance.Summary {
	var s governance.Summary
	for _, e := range evs {
		if !region.Within(e.Region, in) {
			continue
		}
		closed := e.State == governance.Closed
		if !e.CreatedAt.Before(w.Today) && e.CreatedAt.Before(w.Today.Add(24*time.Hour)) {
			s.Today++
			if closed {
				s.TodayClosed++
			}
		}
		if e.State.Open() {
			s.Open++
			if !e.Deadline.IsZero() && e.Deadline.Before(w.Now) {
				s.Overdue++
			}
		}
		if !e.RatedAt.IsZero() && !e.RatedAt.Before(w.Since) {
			s.Rated++
			if e.Rating >= 4 {
				s.Satisfied++
			}
		}
		if !e.CreatedAt.Before(w.Since) {
			s.Reported30++
			if closed {
				s.Closed30++
			}
		}
	}
	return s
}

// TestEventTallyMatchesEvents: after random reports, closures, reopenings,
// merges, escalations (new deadline and level), ratings and partial
// roll-ups, every figure of every region at the five levels, and of each
// region's children, equals the count from the events — with the log
// partly rolled up, fully rolled up, after a rebuild, and from a new
// store on the same database (a restart).
func TestEventTallyMatchesEvents(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, eng)
			s := sqlstore.New(d)
			rnd := rand.New(rand.NewPCG(7, 38))
			now := time.Now().UTC().Truncate(time.Microsecond)
			w := governance.WindowAt(now)
			places := []region.Code{"440106006002", "440106006003", "440106007001", "440104001001", "440301001001", "440106", "440106006", "4403"}
			evs := map[ids.ID]*governance.Event{}
			var list []*governance.Event
			ago := func(max time.Duration) time.Time { return now.Add(-time.Duration(rnd.Int64N(int64(max)))) }

			check := func(when string) {
				t.Helper()
				codes := []region.Code{"44", "4401", "4403", "4402", "440106", "440104", "440106006", "440106007", "440106006002", "440301001001"}
				for _, c := range codes {
					got, err := s.EventSummary(ctx, c, w)
					if err != nil {
						t.Fatal(err)
					}
					if want := tallyOracle(evs, c, w); got != want {
						t.Fatalf("%s: %s: tally %+v, events %+v", when, c, got, want)
					}
					// Its children: every code at the level below that an
					// event lies in, and one without events.
					want := map[region.Code]governance.Summary{}
					var kidCodes []region.Code
					if l := region.LevelOf(c); l < region.Village {
						n := map[region.Level]int{region.City: 4, region.County: 6, region.Town: 9, region.Village: 12}[l+1]
						kidCodes = append(kidCodes, c+region.Code("999999999999"[:n-len(c)]))
						for _, e := range evs {
							if len(e.Region) >= n && region.Within(e.Region, c) {
								k := e.Region[:n]
								if _, ok := want[k]; !ok {
									kidCodes = append(kidCodes, k)
									if sum := tallyOracle(evs, k, w); sum != (governance.Summary{}) {
										want[k] = sum
									}
								}
							}
						}
					}
					kids, err := s.EventSummaries(ctx, kidCodes, w)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, kids); diff != "" {
						t.Fatalf("%s: children of %s (-events +tally):\n%s", when, c, diff)
					}
				}
			}

			update := func(e *governance.Event, change func(e *governance.Event)) {
				t.Helper()
				next := *e
				change(&next)
				next.Version++
				next.UpdatedAt = now
				if err := s.UpdateEvent(ctx, &next); err != nil {
					t.Fatal(err)
				}
				*e = next
			}
			for round := 0; round < 6; round++ {
				for i := 0; i < 60; i++ {
					e := govEvent(fmt.Sprintf("T%d-%d", round, i), "440106006002", ago(40*24*time.Hour))
					e.Region = places[rnd.IntN(len(places))]
					if rnd.IntN(3) == 0 {
						e.CreatedAt = ago(time.Duration(now.Sub(w.Today))) // today
					}
					e.UpdatedAt = e.CreatedAt
					if rnd.IntN(2) == 0 {
						e.State, e.Deadline = governance.Dispatched, e.CreatedAt.Add(time.Duration(rnd.IntN(20*24))*time.Hour)
					}
					if err := s.CreateEvent(ctx, e, nil, ""); err != nil {
						t.Fatal(err)
					}
					evs[e.ID] = e
					list = append(list, e)
				}
				for i := 0; i < 80; i++ {
					e := list[rnd.IntN(len(list))]
					switch rnd.IntN(7) {
					case 0, 1: // close
						if e.State.Open() {
							update(e, func(e *governance.Event) { e.State, e.ClosedAt = governance.Closed, now })
						}
					case 2: // reopen (重新打开): back in hand with a new deadline; the rating stays
						if e.State == governance.Closed {
							update(e, func(e *governance.Event) {
								e.State, e.ClosedAt, e.Deadline = governance.Handling, time.Time{}, ago(3*24*time.Hour).Add(48*time.Hour)
							})
						}
					case 3: // merge into another (并单)
						if e.State.Open() {
							update(e, func(e *governance.Event) { e.State, e.MergedInto = governance.Merged, list[0].ID })
						}
					case 4: // escalation to the level above: a new deadline
						if e.State.Open() {
							update(e, func(e *governance.Event) {
								e.Level, e.Escalated, e.Deadline = 3, e.Escalated+1, ago(2*24*time.Hour).Add(time.Duration(rnd.IntN(96))*time.Hour)
							})
						}
					case 5: // rating (回访)
						if e.State == governance.Closed {
							update(e, func(e *governance.Event) { e.Rating, e.RatedAt = 1+rnd.IntN(5), ago(35*24*time.Hour) })
						}
					case 6: // a step that changes no count
						update(e, func(e *governance.Event) { e.Reply = "已处理" })
					}
				}
				if round%2 == 1 {
					if _, err := s.RollUpEventTally(ctx, 1+rnd.IntN(300)); err != nil {
						t.Fatal(err)
					}
				}
				check(fmt.Sprintf("round %d", round))
			}
			for {
				n, err := s.RollUpEventTally(ctx, 500)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			check("rolled up")
			var pending int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM gov_event_tally_log`).Scan(&pending); err != nil || pending != 0 {
				t.Fatalf("log after the roll-up: %d %v", pending, err)
			}
			s = sqlstore.New(d) // a restart: everything is in the database
			check("new store")
			if err := s.RebuildEventTally(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RollUpEventTally(ctx, 10); err != nil {
				t.Fatal(err)
			}
			check("rebuilt")
		})
	}
}
