package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
)

// Event is one outbox row as handlers receive it.
type Event struct {
	ID        ids.ID
	Topic     string          // "cases.accept"
	Payload   json.RawMessage // the JSON the service wrote
	CreatedAt time.Time       // when the change happened (UTC)
	Attempts  int             // attempts made before this one
}

// Handler handles an event inside the dispatcher's transaction, which ctx
// carries: whatever it writes through ctx commits with the event's
// processed mark. A returned error undoes its writes and schedules a retry.
// Handlers must not talk to the outside world directly (the transaction
// holds locks): use AfterCommit.
type Handler func(ctx context.Context, ev Event) error

// Outcome is what one attempt leaves in an event's row.
type Outcome struct {
	Attempts    int       // attempts made, this one included
	ProcessedAt time.Time // set when every handler succeeded
	NextAt      time.Time // when a failed event is due again (zero: not retried)
	FailedAt    time.Time // set when the last allowed attempt failed
	LastError   string    // "" after a success
}

// Stats describe the outbox for monitoring.
type Stats struct {
	Pending       int64     // unprocessed events of handled topics: due now or waiting for a retry
	Failed        int64     // events given up after MaxAttempts (all topics)
	OldestPending time.Time // creation time of the oldest pending event; zero if none
}

// Store is the persistence the dispatcher needs; sqlstore implements it.
type Store interface {
	// ClaimOutbox returns up to limit events due at now (not processed,
	// not failed, retry time passed) whose topic starts with one of
	// prefixes, oldest first. It must run inside a transaction; the rows
	// stay locked until it ends, and on PostgreSQL rows locked by another
	// transaction are skipped (FOR UPDATE SKIP LOCKED).
	ClaimOutbox(ctx context.Context, prefixes []string, now time.Time, limit int) ([]Event, error)
	// OutboxDue reports whether any event ClaimOutbox would return exists,
	// reading without a transaction or locks.
	OutboxDue(ctx context.Context, prefixes []string, now time.Time) (bool, error)
	// SettleOutbox writes the outcome of an attempt into event id's row.
	SettleOutbox(ctx context.Context, id ids.ID, o Outcome) error
	// SettleOutboxDone marks the events ids, claimed in ctx's transaction,
	// processed at at after a successful attempt: the attempt is counted
	// and any retry time or error cleared, as SettleOutbox does for such an
	// outcome, in one statement.
	SettleOutboxDone(ctx context.Context, ids []ids.ID, at time.Time) error
	// OutboxStats counts the pending events of topics with one of
	// prefixes, and the failed events of every topic.
	OutboxStats(ctx context.Context, prefixes []string) (Stats, error)
	// Savepoint runs fn inside a savepoint of ctx's transaction: when fn
	// returns an error, its writes are undone and the transaction goes on.
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
	// PruneOutbox deletes events processed before before (failed events
	// are kept for people to look at) and returns how many.
	PruneOutbox(ctx context.Context, before time.Time) (int64, error)
	// SettleUnhandledOutbox marks the pending events whose topic starts
	// with none of prefixes processed at at (all pending events when
	// prefixes is empty) and returns how many: rows written before their
	// topic's handler was known, or whose handler was removed.
	SettleUnhandledOutbox(ctx context.Context, prefixes []string, at time.Time) (int64, error)
}

// Transactor runs fn in a transaction carried by ctx (platform/db.DB).
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	BatchSize    int                             // events claimed per transaction (50)
	MaxAttempts  int                             // attempts before an event is marked failed (10)
	Poll         time.Duration                   // how often Run looks for due events (500 ms)
	BatchTimeout time.Duration                   // limit on one batch's transaction (30 s)
	Backoff      func(attempt int) time.Duration // wait after the attempt-th failure (Backoff)
	Keep         time.Duration                   // how long processed events are kept (7 days)
	Now          func() time.Time                // clock (time.Now)
	Log          *slog.Logger                    // (slog.Default())
}

// Dispatcher delivers outbox events to handlers. Register handlers with
// Handle before calling Run or RunOnce.
type Dispatcher struct {
	store  Store
	tx     Transactor
	opt    Options
	kick   chan struct{}
	mu     sync.RWMutex
	routes []route
}

type route struct {
	prefix string
	fn     Handler
}

// New returns a Dispatcher on store, running batches in transactions of tx.
func New(store Store, tx Transactor, opt Options) *Dispatcher {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 50
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 10
	}
	if opt.Poll <= 0 {
		opt.Poll = 500 * time.Millisecond
	}
	if opt.BatchTimeout <= 0 {
		opt.BatchTimeout = 30 * time.Second
	}
	if opt.Backoff == nil {
		opt.Backoff = Backoff
	}
	if opt.Keep <= 0 {
		opt.Keep = 7 * 24 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Dispatcher{store: store, tx: tx, opt: opt, kick: make(chan struct{}, 1)}
}

// Backoff is the default wait after the attempt-th failure of an event:
// 5 s, 10 s, 20 s, … doubling up to an hour, each ±20 % so that events that
// failed together do not all come back at the same instant. Ten attempts
// span about two and a half hours.
func Backoff(attempt int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

// Handle registers fn for every topic that starts with prefix ("cases.").
// An event whose topic matches several prefixes runs all their handlers, in
// registration order, in one savepoint: it is processed when all succeed.
func (d *Dispatcher) Handle(prefix string, fn Handler) {
	if prefix == "" || fn == nil {
		panic("jobs: Handle needs a topic prefix and a handler")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.routes = append(d.routes, route{prefix, fn})
}

// Wants reports whether a handler is registered for topic. The store uses
// it to write the events of topics nobody handles already processed (see
// sqlstore.Store.SubscribeOutbox), so they do not wait in the outbox.
func (d *Dispatcher) Wants(topic string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, r := range d.routes {
		if strings.HasPrefix(topic, r.prefix) {
			return true
		}
	}
	return false
}

// prefixes lists the distinct registered prefixes.
func (d *Dispatcher) prefixes() ([]string, []route) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []string
	seen := map[string]bool{}
	for _, r := range d.routes {
		if !seen[r.prefix] {
			seen[r.prefix] = true
			out = append(out, r.prefix)
		}
	}
	return out, d.routes
}

// Kick makes Run look for events at once instead of at its next poll
// (after a change that should be delivered quickly). It never blocks.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Stats reports the outbox's backlog and failures, for metrics.
func (d *Dispatcher) Stats(ctx context.Context) (Stats, error) {
	prefixes, _ := d.prefixes()
	return d.store.OutboxStats(ctx, prefixes)
}

// Run dispatches events until ctx is cancelled: a batch every Poll, another
// at once after a full batch or a Kick. A batch under way when ctx ends is
// finished (within BatchTimeout), so a stopping server does not cut a
// handler in half. Errors of the database are logged, and polling slows
// down while they last. Run returns nil when ctx is cancelled.
func (d *Dispatcher) Run(ctx context.Context) error {
	wait, failures := time.Duration(0), 0
	var pruned time.Time
	for {
		if now := d.opt.Now(); now.Sub(pruned) > time.Hour {
			pruned = now
			d.prune(ctx, now)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.kick:
			t.Stop()
		case <-t.C:
		}
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.opt.BatchTimeout)
		n, err := d.RunOnce(bctx)
		cancel()
		switch {
		case err != nil:
			failures++
			wait = min(d.opt.Poll<<min(failures, 6), time.Minute)
			d.opt.Log.Error("outbox: batch failed", "err", err, "retry_in", wait.String())
		case n == d.opt.BatchSize:
			failures, wait = 0, 0 // there may be more
		default:
			failures, wait = 0, d.opt.Poll
		}
	}
}

// prune settles pending events of topics no handler takes (written before
// the handlers were known) and deletes processed events older than Keep,
// so the outbox does not grow for ever; failures only log (the next hour
// tries again).
func (d *Dispatcher) prune(ctx context.Context, now time.Time) {
	prefixes, _ := d.prefixes()
	if n, err := d.store.SettleUnhandledOutbox(ctx, prefixes, now); err != nil && ctx.Err() == nil {
		d.opt.Log.Warn("outbox: settling unhandled events failed", "err", err)
	} else if n > 0 {
		d.opt.Log.Info("outbox: settled events no handler takes", "events", n)
	}
	n, err := d.store.PruneOutbox(ctx, now.Add(-d.opt.Keep))
	switch {
	case err != nil && ctx.Err() == nil:
		d.opt.Log.Warn("outbox: prune failed", "err", err)
	case n > 0:
		d.opt.Log.Info("outbox: pruned processed events", "events", n)
	}
}

// failure is an attempt that failed, logged after the batch committed.
type failure struct {
	ev  Event
	o   Outcome
	err error
}

// RunOnce claims one batch of due events and runs their handlers, all in
// one transaction, and then runs the AfterCommit functions of the events
// that succeeded. It returns how many events it attempted (succeeded or
// failed). If the transaction itself fails, nothing is recorded: the
// events stay due and the error is returned.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	prefixes, routes := d.prefixes()
	if len(prefixes) == 0 {
		return 0, nil
	}
	now := d.opt.Now().UTC()
	// A plain read first: an idle dispatcher polling every half second
	// must not take SQLite's write lock (or open a PostgreSQL transaction)
	// each time.
	if due, err := d.store.OutboxDue(ctx, prefixes, now); err != nil || !due {
		return 0, err
	}
	var after []func(context.Context)
	var failed []failure
	n := 0
	err := d.tx.Transact(ctx, func(ctx context.Context) error {
		after, failed, n = nil, nil, 0
		evs, err := d.store.ClaimOutbox(ctx, prefixes, now, d.opt.BatchSize)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		// Most batches succeed whole: run them in one savepoint and mark
		// them processed in one statement. If a handler fails, that
		// savepoint is undone and the batch goes event by event, each in
		// its own savepoint, as below: the failed event keeps the outcome
		// of its attempt (it is not run twice), the events before it run
		// again, those after it for the first time.
		fns, failedAt, failErr, err := d.attemptAll(ctx, routes, evs)
		if err != nil {
			return err
		}
		if failedAt < 0 {
			done := make([]ids.ID, len(evs))
			for i, ev := range evs {
				done[i] = ev.ID
			}
			if err := d.store.SettleOutboxDone(ctx, done, now); err != nil {
				return err
			}
			after, n = fns, len(evs)
			return nil
		}
		for i, ev := range evs {
			var fns []func(context.Context)
			var herr error
			if i == failedAt {
				herr = failErr
			} else {
				fns, herr = d.attempt(ctx, routes, ev)
			}
			o := Outcome{Attempts: ev.Attempts + 1}
			switch {
			case herr == nil:
				o.ProcessedAt = now
				after = append(after, fns...)
			case o.Attempts >= d.opt.MaxAttempts:
				o.FailedAt, o.LastError = now, errorText(herr)
			default:
				o.NextAt, o.LastError = now.Add(d.opt.Backoff(o.Attempts)), errorText(herr)
			}
			if err := d.store.SettleOutbox(ctx, ev.ID, o); err != nil {
				return err
			}
			if herr != nil {
				failed = append(failed, failure{ev, o, herr})
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, f := range failed {
		attrs := []any{"event_id", f.ev.ID, "topic", f.ev.Topic, "attempts", f.o.Attempts, "err", f.err}
		if !f.o.FailedAt.IsZero() {
			d.opt.Log.Error("outbox: event failed for good; kept for an operator", attrs...)
		} else {
			d.opt.Log.Warn("outbox: handler failed; will retry", append(attrs, "next_at", f.o.NextAt)...)
		}
	}
	for _, fn := range after {
		d.runAfter(ctx, fn)
	}
	return n, nil
}

// attempt runs ev's handlers in a savepoint and returns the functions they
// registered with AfterCommit. A panicking handler counts as failed.
func (d *Dispatcher) attempt(ctx context.Context, routes []route, ev Event) ([]func(context.Context), error) {
	col := &collector{}
	err := d.store.Savepoint(ctx, func(ctx context.Context) error {
		err := d.handle(context.WithValue(ctx, afterKey{}, col), routes, ev)
		d.logPanic(ev, err)
		return err
	})
	if err != nil {
		return nil, err
	}
	return col.fns, nil
}

// panicked is a handler's panic as an error.
type panicked struct {
	value any
	stack string
}

func (p *panicked) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// errSomeFailed undoes attemptAll's savepoint when a handler failed.
var errSomeFailed = errors.New("a handler failed")

// attemptAll runs the handlers of evs in order in one savepoint, until one
// fails. When all succeed it returns the functions they registered with
// AfterCommit, in event order, and failed = -1. When evs[failed] fails
// (herr), nothing the handlers wrote is left and the events after it have
// not run. err is an error of the savepoint itself.
func (d *Dispatcher) attemptAll(ctx context.Context, routes []route, evs []Event) (fns []func(context.Context), failed int, herr, err error) {
	col := &collector{}
	failed = -1
	err = d.store.Savepoint(ctx, func(ctx context.Context) error {
		ctx = context.WithValue(ctx, afterKey{}, col)
		for i, ev := range evs {
			if herr = d.handle(ctx, routes, ev); herr != nil {
				d.logPanic(ev, herr)
				failed = i
				return errSomeFailed
			}
		}
		return nil
	})
	switch {
	case err == nil:
		return col.fns, -1, nil, nil
	case err == errSomeFailed: // undone; a failure to undo comes joined to it
		return nil, failed, herr, nil
	}
	return nil, -1, nil, err
}

func (d *Dispatcher) logPanic(ev Event, err error) {
	if p, ok := err.(*panicked); ok {
		d.opt.Log.Error("outbox: handler panicked", "event_id", ev.ID, "topic", ev.Topic,
			"panic", fmt.Sprint(p.value), "stack", p.stack)
	}
}

// handle runs ev's handlers in order until one fails. A panicking handler
// counts as failed (*panicked).
func (d *Dispatcher) handle(ctx context.Context, routes []route, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicked{value: p, stack: string(debug.Stack())}
		}
	}()
	for _, r := range routes {
		if !strings.HasPrefix(ev.Topic, r.prefix) {
			continue
		}
		if err := r.fn(ctx, ev); err != nil {
			return fmt.Errorf("handler %q: %w", r.prefix, err)
		}
	}
	return nil
}

func (d *Dispatcher) runAfter(ctx context.Context, fn func(context.Context)) {
	defer func() {
		if p := recover(); p != nil {
			d.opt.Log.Error("outbox: after-commit function panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	fn(ctx)
}

// errorText keeps the stored error short.
func errorText(err error) string {
	s := err.Error()
	if len(s) > 1000 {
		s = strings.ToValidUTF8(s[:1000], "") + "…"
	}
	return s
}

type afterKey struct{}

type collector struct{ fns []func(context.Context) }

// AfterCommit registers fn to run after the dispatcher's transaction has
// committed, if the handler calling it succeeds: for side effects outside
// the database, such as sending an e-mail. Such effects happen at most
// once (a crash between commit and fn loses them). Outside a dispatcher's
// handler, fn runs at once.
func AfterCommit(ctx context.Context, fn func(ctx context.Context)) {
	if c, ok := ctx.Value(afterKey{}).(*collector); ok {
		c.fns = append(c.fns, fn)
		return
	}
	fn(ctx)
}
