package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

// env is a migrated database with an effects table that handlers write
// to, and a clock the test moves.
type env struct {
	d   *db.DB
	st  *sqlstore.Store
	ctx context.Context
	now time.Time
	log *bytes.Buffer
}

func start(t *testing.T, e storetest.Engine) *env {
	t.Helper()
	d := storetest.Open(t, e)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE effects (event_id TEXT NOT NULL, worker INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return &env{d: d, st: sqlstore.New(d), ctx: ctx, now: t0, log: &bytes.Buffer{}}
}

func (e *env) dispatcher(o jobs.Options) *jobs.Dispatcher {
	o.Now = func() time.Time { return e.now }
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(e.log, nil))
	}
	return jobs.New(e.st, e.d, o)
}

func (e *env) add(t *testing.T, topic string, n int) {
	t.Helper()
	for i := range n {
		if err := e.st.AddOutbox(e.ctx, topic, map[string]any{"i": i}, e.now.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
}

// effect is a handler's write, in the dispatcher's transaction.
func (e *env) effect(ctx context.Context, ev jobs.Event, worker int) error {
	_, err := e.d.Exec(ctx, `INSERT INTO effects (event_id, worker) VALUES (?, ?)`, ev.ID, worker)
	return err
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func runOnce(t *testing.T, ctx context.Context, d *jobs.Dispatcher) int {
	t.Helper()
	n, err := d.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDispatch(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			e.add(t, "cases.submit", 3)
			e.add(t, "ratings.given", 1)
			d := e.dispatcher(jobs.Options{})
			if n := runOnce(t, e.ctx, d); n != 0 {
				t.Fatalf("without handlers: %d events", n)
			}
			var seen []string
			var committed []bool
			d.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
				seen = append(seen, string(ev.Payload))
				jobs.AfterCommit(ctx, func(ctx context.Context) {
					// Runs once the batch committed: the row reads as processed.
					committed = append(committed, e.count(t, `SELECT COUNT(*) FROM outbox WHERE id = ? AND processed_at IS NOT NULL`, ev.ID) == 1)
				})
				return e.effect(ctx, ev, 1)
			})
			d.Handle("cases.sub", func(ctx context.Context, ev jobs.Event) error { return e.effect(ctx, ev, 2) })
			if n := runOnce(t, e.ctx, d); n != 3 {
				t.Fatalf("first run: %d events, want 3", n)
			}
			if strings.Join(seen, " ") != `{"i":0} {"i":1} {"i":2}` {
				t.Errorf("handled in order %v", seen)
			}
			if len(committed) != 3 || !committed[0] || !committed[2] {
				t.Errorf("after-commit functions: %v", committed)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM effects`); n != 6 {
				t.Errorf("effects: %d, want 6 (two matching handlers per event)", n)
			}
			if n := runOnce(t, e.ctx, d); n != 0 {
				t.Errorf("second run handled %d events again", n)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE topic = 'ratings.given' AND processed_at IS NULL`); n != 1 {
				t.Errorf("an event without a handler was consumed")
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE topic LIKE 'cases.%' AND attempts = 1 AND processed_at IS NOT NULL`); n != 3 {
				t.Errorf("processed rows with one attempt: %d", n)
			}
			if s, err := d.Stats(e.ctx); err != nil || s.Pending != 0 || s.Failed != 0 {
				t.Errorf("stats %+v %v", s, err)
			}
		})
	}
}

// TestRetryBackoffFail: a failing handler's writes are undone; the event
// comes back after the backoff, succeeds or, after MaxAttempts, is kept as
// failed; other events of the batch go through meanwhile.
func TestRetryBackoffFail(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			e.add(t, "cases.bad", 1)
			e.add(t, "cases.flaky", 1)
			e.add(t, "cases.good", 1)
			e.add(t, "cases.panic", 1)
			var backoffs []int
			d := e.dispatcher(jobs.Options{MaxAttempts: 3, Backoff: func(n int) time.Duration {
				backoffs = append(backoffs, n)
				return time.Duration(n) * time.Minute
			}})
			flaky := 0
			d.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
				if err := e.effect(ctx, ev, 1); err != nil {
					return err
				}
				switch ev.Topic {
				case "cases.bad":
					return errors.New("the payload makes no sense")
				case "cases.flaky":
					if flaky++; flaky == 1 {
						// A failing statement on PostgreSQL aborts the
						// transaction; the savepoint must bring it back.
						_, err := e.d.Exec(ctx, `INSERT INTO no_such_table VALUES (1)`)
						return err
					}
				case "cases.panic":
					panic("handler bug")
				}
				return nil
			})
			effects := func() int { return e.count(t, `SELECT COUNT(*) FROM effects`) }
			row := func(topic string) (attempts int, lastErr string, next, failed bool) {
				t.Helper()
				var n, f int
				err := e.d.QueryRow(e.ctx, `SELECT attempts, last_error,
					CASE WHEN next_attempt_at IS NULL THEN 0 ELSE 1 END, CASE WHEN failed_at IS NULL THEN 0 ELSE 1 END
					FROM outbox WHERE topic = ?`, topic).Scan(&attempts, &lastErr, &n, &f)
				if err != nil {
					t.Fatal(err)
				}
				return attempts, lastErr, n == 1, f == 1
			}

			if n := runOnce(t, e.ctx, d); n != 4 {
				t.Fatalf("first run: %d events", n)
			}
			if effects() != 1 {
				t.Errorf("effects after the first run: %d, want 1 (only cases.good's; failed handlers' writes undone)", effects())
			}
			if a, msg, next, failed := row("cases.bad"); a != 1 || !strings.Contains(msg, "makes no sense") || !next || failed {
				t.Errorf("bad after one attempt: %d %q next=%v failed=%v", a, msg, next, failed)
			}
			if _, msg, _, _ := row("cases.panic"); !strings.Contains(msg, "panic: handler bug") {
				t.Errorf("panic recorded as %q", msg)
			}
			if !strings.Contains(e.log.String(), "will retry") {
				t.Errorf("retry not logged: %s", e.log)
			}
			if n := runOnce(t, e.ctx, d); n != 0 {
				t.Errorf("before the backoff passed: %d events", n)
			}
			e.now = e.now.Add(time.Minute)
			if n := runOnce(t, e.ctx, d); n != 3 {
				t.Errorf("after one minute: %d events, want bad, flaky and panic", n)
			}
			if a, msg, next, _ := row("cases.flaky"); a != 2 || msg != "" || next {
				t.Errorf("flaky after its success: attempts %d, error %q, next %v", a, msg, next)
			}
			e.now = e.now.Add(2 * time.Minute)
			if n := runOnce(t, e.ctx, d); n != 2 {
				t.Errorf("third attempt: %d events", n)
			}
			if a, _, _, failed := row("cases.bad"); a != 3 || !failed {
				t.Errorf("bad after MaxAttempts: attempts %d failed %v", a, failed)
			}
			e.now = e.now.Add(24 * time.Hour)
			if n := runOnce(t, e.ctx, d); n != 0 {
				t.Errorf("a failed event was tried again")
			}
			if fmt.Sprint(backoffs) != "[1 1 1 2 2]" {
				t.Errorf("backoff asked for attempts %v", backoffs)
			}
			if !strings.Contains(e.log.String(), "failed for good") {
				t.Errorf("final failure not logged")
			}
			if s, _ := d.Stats(e.ctx); s.Failed != 2 || s.Pending != 0 {
				t.Errorf("stats %+v: want bad and panic failed", s)
			}
			if effects() != 2 {
				t.Errorf("effects: %d, want good's and flaky's", effects())
			}
		})
	}
}

// TestTwoDispatchersExactlyOnce: two dispatchers (on PostgreSQL each with
// its own connection pool, like two serve instances) share the work and
// handle every event exactly once. On SQLite they share the one writer.
func TestTwoDispatchersExactlyOnce(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			const events = 300
			e.add(t, "cases.x", events)
			second := e.d
			if e.d.Dialect == db.Postgres {
				var err error
				if second, err = db.Open(e.ctx, e.d.DSN); err != nil {
					t.Fatal(err)
				}
				defer second.Close()
			}
			var handled [2]atomic.Int64
			var wg sync.WaitGroup
			for w, d := range []*db.DB{e.d, second} {
				disp := jobs.New(sqlstore.New(d), d, jobs.Options{BatchSize: 7, Now: func() time.Time { return t0.Add(time.Hour) }})
				disp.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
					handled[w].Add(1)
					time.Sleep(200 * time.Microsecond) // hold the rows a little, so the claims overlap
					_, err := d.Exec(ctx, `INSERT INTO effects (event_id, worker) VALUES (?, ?)`, ev.ID, w)
					return err
				})
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n, err := disp.RunOnce(e.ctx)
						if err != nil {
							t.Error(err)
							return
						}
						if n == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			if n := e.count(t, `SELECT COUNT(*) FROM effects`); n != events {
				t.Errorf("effects: %d, want %d", n, events)
			}
			if n := e.count(t, `SELECT COUNT(DISTINCT event_id) FROM effects`); n != events {
				t.Errorf("distinct events handled: %d, want %d", n, events)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL`); n != 0 {
				t.Errorf("%d events left unprocessed", n)
			}
			if a, b := handled[0].Load(), handled[1].Load(); a+b != events {
				t.Errorf("handler calls %d + %d: a handler ran for an event it did not commit", a, b)
			} else {
				t.Logf("dispatcher 1 handled %d events, dispatcher 2 %d", a, b)
			}
		})
	}
}

// TestRun: Run polls, answers a Kick at once, and returns on cancel.
func TestRun(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	d := e.dispatcher(jobs.Options{Poll: time.Hour}) // only a Kick wakes it after the first look
	done := make(chan string, 10)
	d.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
		jobs.AfterCommit(ctx, func(context.Context) { done <- ev.Topic })
		return nil
	})
	ctx, cancel := context.WithCancel(e.ctx)
	stopped := make(chan error)
	go func() { stopped <- d.Run(ctx) }()
	e.add(t, "cases.first", 1)
	d.Kick()
	select {
	case topic := <-done:
		if topic != "cases.first" {
			t.Errorf("handled %s", topic)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a kicked dispatcher did not run")
	}
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 4: 40 * time.Second, 20: time.Hour} {
		for range 20 {
			got := jobs.Backoff(attempt)
			if got < want*8/10 || got > want*12/10 {
				t.Errorf("Backoff(%d) = %v, want %v ± 20%%", attempt, got, want)
			}
		}
	}
}

// TestBatchWithOneFailure: a batch is first run in one savepoint; when an
// event in the middle fails, the events before and after it still commit
// with their writes exactly once, the failed event's handler ran once in
// that attempt (its writes undone), and its retry is scheduled.
func TestBatchWithOneFailure(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			e.add(t, "cases.submit", 5)
			d := e.dispatcher(jobs.Options{Backoff: func(int) time.Duration { return time.Minute }})
			runs := map[string]int{}
			var after []string
			d.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
				runs[string(ev.Payload)]++
				if err := e.effect(ctx, ev, 1); err != nil {
					return err
				}
				if ev.Topic == "cases.submit" && string(ev.Payload) == `{"i":2}` {
					return errors.New("refused")
				}
				jobs.AfterCommit(ctx, func(context.Context) { after = append(after, string(ev.Payload)) })
				return nil
			})
			if n := runOnce(t, e.ctx, d); n != 5 {
				t.Fatalf("attempted %d events, want 5", n)
			}
			if runs[`{"i":2}`] != 1 {
				t.Errorf("the failing handler ran %d times in one attempt", runs[`{"i":2}`])
			}
			if n := e.count(t, `SELECT COUNT(*) FROM effects`); n != 4 {
				t.Errorf("effects: %d, want 4 (one per event that succeeded)", n)
			}
			if n := e.count(t, `SELECT COUNT(DISTINCT event_id) FROM effects`); n != 4 {
				t.Errorf("distinct events with effects: %d", n)
			}
			if strings.Join(after, " ") != `{"i":0} {"i":1} {"i":3} {"i":4}` {
				t.Errorf("after-commit functions ran for %v", after)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE processed_at IS NOT NULL AND attempts = 1 AND last_error = ''`); n != 4 {
				t.Errorf("processed: %d, want 4", n)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL AND attempts = 1
				AND next_attempt_at IS NOT NULL AND last_error LIKE '%refused%'`); n != 1 {
				t.Errorf("the failed event is not scheduled for a retry")
			}
			// The whole batch succeeds: marked processed together.
			e.add(t, "cases.accept", 3)
			e.now = e.now.Add(2 * time.Minute)
			runs = map[string]int{}
			if n := runOnce(t, e.ctx, d); n != 4 {
				t.Fatalf("second run attempted %d events, want 3 new and the retry", n)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE topic = 'cases.accept' AND processed_at IS NOT NULL AND attempts = 1`); n != 3 {
				t.Errorf("new events processed: %d", n)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL AND attempts = 2`); n != 1 {
				t.Errorf("the retried event failed again: want attempts 2")
			}
		})
	}
}
