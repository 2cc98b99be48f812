package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// claim runs ClaimOutbox in a transaction of its own and returns the
// topics it got.
func claim(t *testing.T, d *db.DB, st *sqlstore.Store, prefixes []string, now time.Time, limit int) []jobs.Event {
	t.Helper()
	var evs []jobs.Event
	err := d.Transact(context.Background(), func(ctx context.Context) error {
		var err error
		evs, err = st.ClaimOutbox(ctx, prefixes, now, limit)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func topics(evs []jobs.Event) string {
	s := ""
	for _, e := range evs {
		s += e.Topic + " "
	}
	return s
}

func TestOutbox(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			st := sqlstore.New(d)
			at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
			// Written out of order: claims come oldest first.
			for i, topic := range []string{"cases.accept", "ratings.given", "cases.submit", "Cases.odd", "cases.complete"} {
				if err := st.AddOutbox(ctx, topic, map[string]any{"n": i}, at([]int{2, 0, 1, 3, 4}[i])); err != nil {
					t.Fatal(err)
				}
			}
			cases := []string{"cases."}
			if _, err := st.ClaimOutbox(ctx, cases, at(10), 10); err == nil {
				t.Error("claiming outside a transaction was allowed")
			}
			evs := claim(t, d, st, cases, at(10), 10)
			if got := topics(evs); got != "cases.submit cases.accept cases.complete " {
				t.Fatalf("claimed %q: want only cases.* (case-sensitive), oldest first", got)
			}
			if string(evs[0].Payload) != `{"n":2}` || !evs[0].CreatedAt.Equal(at(1)) || evs[0].Attempts != 0 {
				t.Errorf("event: %+v", evs[0])
			}
			if got := topics(claim(t, d, st, []string{"ratings.", "cases.sub"}, at(10), 10)); got != "ratings.given cases.submit " {
				t.Errorf("two prefixes: %q", got)
			}
			if got := topics(claim(t, d, st, cases, at(10), 1)); got != "cases.submit " {
				t.Errorf("limit 1: %q", got)
			}

			// One processed, one to retry at minute 20, one given up.
			submit, accept, complete := evs[0], evs[1], evs[2]
			settle := func(id ids.ID, o jobs.Outcome) {
				t.Helper()
				if err := st.SettleOutbox(ctx, id, o); err != nil {
					t.Fatal(err)
				}
			}
			settle(submit.ID, jobs.Outcome{Attempts: 1, ProcessedAt: at(10)})
			settle(accept.ID, jobs.Outcome{Attempts: 1, NextAt: at(20), LastError: "boom"})
			settle(complete.ID, jobs.Outcome{Attempts: 3, FailedAt: at(10), LastError: "for good"})
			if err := st.SettleOutbox(ctx, ids.New(), jobs.Outcome{}); err == nil {
				t.Error("settling an unknown event succeeded")
			}
			if got := topics(claim(t, d, st, cases, at(19), 10)); got != "" {
				t.Errorf("before the retry time: %q", got)
			}
			if due, err := st.OutboxDue(ctx, cases, at(19)); due || err != nil {
				t.Errorf("due before the retry time: %v %v", due, err)
			}
			if due, err := st.OutboxDue(ctx, cases, at(20)); !due || err != nil {
				t.Errorf("due at the retry time: %v %v", due, err)
			}
			if due, _ := st.OutboxDue(ctx, nil, at(20)); due {
				t.Errorf("due without prefixes")
			}
			evs = claim(t, d, st, cases, at(20), 10)
			if topics(evs) != "cases.accept " || evs[0].Attempts != 1 {
				t.Errorf("at the retry time: %+v", evs)
			}
			var lastErr string
			d.QueryRow(ctx, `SELECT last_error FROM outbox WHERE id = ?`, complete.ID).Scan(&lastErr)
			if lastErr != "for good" {
				t.Errorf("last error %q", lastErr)
			}

			s, err := st.OutboxStats(ctx, cases)
			if err != nil {
				t.Fatal(err)
			}
			if s.Pending != 1 || s.Failed != 1 || !s.OldestPending.Equal(at(2)) {
				t.Errorf("stats %+v: want 1 pending (accept, from minute 2) and 1 failed", s)
			}
			if s, _ := st.OutboxStats(ctx, nil); s.Pending != 0 || s.Failed != 1 {
				t.Errorf("stats without prefixes %+v", s)
			}
			settle(accept.ID, jobs.Outcome{Attempts: 2, ProcessedAt: at(20)})
			if s, _ := st.OutboxStats(ctx, cases); s.Pending != 0 || !s.OldestPending.IsZero() {
				t.Errorf("stats when drained %+v", s)
			}

			// Prefixes are ranges of topics in the index: the topics just
			// outside a range stay out, characters beyond ASCII included.
			for i, topic := range []string{"cases/next", "cases", "casesx", "cases.事件", "事件/其他", "事件.上报", "事件"} {
				if err := st.AddOutbox(ctx, topic, nil, at(30+i)); err != nil {
					t.Fatal(err)
				}
			}
			if got := topics(claim(t, d, st, []string{"cases.", "事件."}, at(40), 10)); got != "cases.事件 事件.上报 " {
				t.Errorf("claimed %q: want cases.事件 and 事件.上报 only", got)
			}
			if s, _ := st.OutboxStats(ctx, []string{"事件"}); s.Pending != 3 || !s.OldestPending.Equal(at(34)) {
				t.Errorf("stats of 事件 %+v: want 3 pending from minute 34", s)
			}
		})
	}
}

// TestOutboxSavepoint: a failed savepoint undoes its own writes only.
func TestOutboxSavepoint(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			st := sqlstore.New(d)
			if err := st.Savepoint(ctx, func(context.Context) error { return nil }); err == nil {
				t.Error("a savepoint outside a transaction was allowed")
			}
			boom := errors.New("boom")
			err := d.Transact(ctx, func(ctx context.Context) error {
				if err := st.AddOutbox(ctx, "kept.1", nil, t0); err != nil {
					return err
				}
				err := st.Savepoint(ctx, func(ctx context.Context) error {
					st.AddOutbox(ctx, "undone", nil, t0)
					// A failing statement: on PostgreSQL it poisons the
					// transaction until the savepoint is rolled back.
					d.Exec(ctx, `INSERT INTO no_such_table VALUES (1)`)
					return boom
				})
				if !errors.Is(err, boom) {
					return fmt.Errorf("savepoint returned %v, want boom", err)
				}
				if err := st.Savepoint(ctx, func(ctx context.Context) error { return st.AddOutbox(ctx, "kept.2", nil, t0) }); err != nil {
					return err
				}
				return st.AddOutbox(ctx, "kept.3", nil, t0)
			})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE topic LIKE 'kept.%'`).Scan(&n)
			var undone int
			d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE topic = 'undone'`).Scan(&undone)
			if n != 3 || undone != 0 {
				t.Errorf("kept %d (want 3), undone %d (want 0)", n, undone)
			}
		})
	}
}

// TestOutboxSkipLocked: on PostgreSQL a second claimer skips the rows a
// first one holds instead of waiting for them.
func TestOutboxSkipLocked(t *testing.T) {
	e := storetest.Engines(t)[1]
	ctx := context.Background()
	d := storetest.Open(t, e)
	st := sqlstore.New(d)
	for i := range 4 {
		st.AddOutbox(ctx, "cases.x", map[string]any{"i": i}, t0.Add(time.Duration(i)*time.Second))
	}
	held, release, done := make(chan []jobs.Event), make(chan struct{}), make(chan error)
	go func() {
		done <- d.Transact(ctx, func(ctx context.Context) error {
			evs, err := st.ClaimOutbox(ctx, []string{"cases."}, t0.Add(time.Hour), 2)
			held <- evs
			<-release
			return err
		})
	}()
	first := <-held
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var second []jobs.Event
	err := d.Transact(tctx, func(ctx context.Context) error {
		var err error
		second, err = st.ClaimOutbox(ctx, []string{"cases."}, t0.Add(time.Hour), 10)
		return err
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("second claimer: %v", err)
	}
	if len(first) != 2 || len(second) != 2 || first[0].ID == second[0].ID || first[1].ID == second[1].ID {
		t.Errorf("first claimed %d, second %d: want 2 different each", len(first), len(second))
	}
}

// addUser inserts a bare account for notification tests.
func addUser(t *testing.T, d *db.DB, name string) ids.ID {
	t.Helper()
	id := ids.New()
	if _, err := d.Exec(context.Background(), `INSERT INTO users (id, username, display_name, password_hash, kind, created_at)
		VALUES (?, ?, ?, '', 'person', ?)`, id, name, name, t0); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestNotifications(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			st := sqlstore.New(d)
			alice, bob := addUser(t, d, "alice"), addUser(t, d, "bob")
			add := func(user, event ids.ID, min int) *notify.Notification {
				t.Helper()
				n := &notify.Notification{ID: ids.New(), UserID: user, EventID: event, Topic: "cases.accept",
					Title: "notify.case.accept.title", Body: "notify.case.accept.body", Args: []string{"N-1", "事项"},
					Link: "/cases/x", Urgent: min == 2, CreatedAt: t0.Add(time.Duration(min) * time.Minute)}
				ok, err := st.AddNotification(ctx, n)
				if err != nil || !ok {
					t.Fatalf("add: %v %v", ok, err)
				}
				return n
			}
			ev := ids.New()
			n1 := add(alice, ev, 1)
			n2 := add(alice, ids.New(), 2)
			add(alice, "", 3) // not from an event
			add(bob, ev, 1)   // the same event for another person
			if ok, err := st.AddNotification(ctx, &notify.Notification{ID: ids.New(), UserID: alice, EventID: ev, Topic: "t",
				Title: "a", Body: "b", Link: "/", CreatedAt: t0}); ok || err != nil {
				t.Errorf("the same event twice for one person: added %v, %v", ok, err)
			}

			list, err := st.Notifications(ctx, alice, notify.Query{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 || list[1].ID != n2.ID || list[2].ID != n1.ID || list[0].EventID != "" {
				t.Fatalf("alice's list, newest first: %+v", list)
			}
			got := list[1]
			if got.EventID != n2.EventID || len(got.Args) != 2 || got.Args[1] != "事项" || !got.Urgent || !got.CreatedAt.Equal(n2.CreatedAt) || !got.Unread() {
				t.Errorf("round trip: %+v", got)
			}
			if c, _ := st.UnreadNotifications(ctx, alice, 100); c != 3 {
				t.Errorf("unread %d, want 3", c)
			}
			if c, _ := st.UnreadNotifications(ctx, alice, 2); c != 2 {
				t.Errorf("unread with max 2: %d", c)
			}
			if _, err := st.Notification(ctx, bob, n1.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("bob reading alice's notification: %v", err)
			}
			if c, _ := st.ReadNotifications(ctx, bob, n1.ID, t0); c != 0 {
				t.Errorf("bob marked alice's notification read")
			}
			if c, _ := st.ReadNotifications(ctx, alice, n1.ID, t0.Add(time.Hour)); c != 1 {
				t.Errorf("reading one: %d changed", c)
			}
			if c, _ := st.ReadNotifications(ctx, alice, n1.ID, t0.Add(2*time.Hour)); c != 0 {
				t.Errorf("reading it again changed %d", c)
			}
			if n, _ := st.Notification(ctx, alice, n1.ID); n == nil || !n.ReadAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("read time kept from the first reading: %+v", n)
			}
			if l, _ := st.Notifications(ctx, alice, notify.Query{UnreadOnly: true, Limit: 10}); len(l) != 2 {
				t.Errorf("unread only: %d", len(l))
			}
			if c, _ := st.ReadNotifications(ctx, alice, "", t0.Add(time.Hour)); c != 2 {
				t.Errorf("read all: %d changed, want 2", c)
			}
			if c, _ := st.UnreadNotifications(ctx, alice, 100); c != 0 {
				t.Errorf("unread after reading all: %d", c)
			}
			if c, _ := st.UnreadNotifications(ctx, bob, 100); c != 1 {
				t.Errorf("bob's unread: %d, want 1", c)
			}
		})
	}
}

// TestPruneOutbox: processed events older than the cut-off go; pending,
// failed and recent ones stay.
func TestPruneOutbox(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, row := range []struct {
				processed, failed any
			}{{old, nil}, {old.Add(30 * 24 * time.Hour), nil}, {nil, nil}, {nil, old}} {
				if _, err := d.Exec(ctx, `INSERT INTO outbox (id, topic, payload, created_at, processed_at, failed_at) VALUES (?, 'cases.submit', '{}', ?, ?, ?)`,
					fmt.Sprint("ev", i), old, row.processed, row.failed); err != nil {
					t.Fatal(err)
				}
			}
			n, err := s.PruneOutbox(ctx, old.Add(7*24*time.Hour))
			if err != nil || n != 1 {
				t.Fatalf("pruned %d, %v; want 1", n, err)
			}
			var left int
			d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&left)
			if left != 3 {
				t.Errorf("%d events left, want 3 (recent, pending, failed)", left)
			}
		})
	}
}

// TestOutboxUnhandledTopics: once the store knows which topics have a
// handler, events of the others are written (the record stays) but never
// claimed, never counted as pending, and pruned like delivered ones; rows
// written before it knew are settled by SettleUnhandledOutbox.
func TestOutboxUnhandledTopics(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			st := sqlstore.New(d)
			handled := []string{"cases."}
			early := t0
			if err := st.AddOutbox(ctx, "events.report", map[string]any{"n": 0}, early); err != nil {
				t.Fatal(err)
			}
			st.SubscribeOutbox(func(topic string) bool { return len(topic) >= 6 && topic[:6] == "cases." })
			at := t0.Add(time.Minute)
			if err := st.AddOutbox(ctx, "events.accept", map[string]any{"n": 1}, at); err != nil {
				t.Fatal(err)
			}
			if err := st.AddOutboxAll(ctx, []string{"events.dispatch", "cases.submit", "ratings.given"},
				[]any{map[string]any{"n": 2}, map[string]any{"n": 3}, map[string]any{"n": 4}}, at); err != nil {
				t.Fatal(err)
			}
			var rows int
			d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&rows)
			if rows != 5 {
				t.Errorf("%d rows written, want 5 (every event is recorded)", rows)
			}
			stats, err := st.OutboxStats(ctx, handled)
			if err != nil || stats.Pending != 1 {
				t.Errorf("pending %d, %v; want 1 (cases.submit)", stats.Pending, err)
			}
			// The early row, written before the store knew, is still pending
			// for the dispatcher's unfiltered view until it is settled.
			var waiting int
			d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE processed_at IS NULL`).Scan(&waiting)
			if waiting != 2 {
				t.Errorf("%d rows waiting, want 2 (cases.submit and the early events.report)", waiting)
			}
			n, err := st.SettleUnhandledOutbox(ctx, handled, at.Add(time.Minute))
			if err != nil || n != 1 {
				t.Fatalf("settled %d, %v; want 1 (events.report)", n, err)
			}
			if got := topics(claim(t, d, st, handled, at.Add(time.Hour), 10)); got != "cases.submit " {
				t.Errorf("claimed %q, want only cases.submit", got)
			}
			// Unhandled rows are pruned with the delivered ones.
			pruned, err := st.PruneOutbox(ctx, at.Add(8*24*time.Hour))
			if err != nil || pruned != 4 {
				t.Errorf("pruned %d, %v; want the 4 unhandled rows", pruned, err)
			}
		})
	}
}
