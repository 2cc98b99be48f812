package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit on SQLite.
//
// SQLite has one writer, and committing costs as much as several
// statements (the WAL write and its checksums). Under load, Transact calls
// queue for the writer anyway; the batcher runs the ones that are waiting
// together in one SQLite transaction, each inside its own savepoint, and
// commits once. A call whose function fails is rolled back to its savepoint
// alone; the others commit. Every caller learns its own outcome only after
// the commit, so "acknowledged" still means "on disk" (as far as
// synchronous=NORMAL promises: it survives a crash of the process).

const maxBatch = 64

var errClosed = errors.New("db: closed")

type txRequest struct {
	ctx  context.Context
	fn   func(ctx context.Context) error
	done chan txResult
}

type txResult struct {
	err   error
	panic any // re-raised in the caller's goroutine
}

type batcher struct {
	d    *DB
	reqs chan *txRequest
	quit chan struct{}
	done chan struct{}

	// savepoint, rollbackTo and release are prepared on the writer once
	// (used only by the batcher's goroutine).
	savepoint, rollbackTo, release *sql.Stmt
}

func newBatcher(d *DB) *batcher {
	b := &batcher{d: d, reqs: make(chan *txRequest), quit: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

// do queues fn and waits for its outcome.
func (b *batcher) do(ctx context.Context, fn func(ctx context.Context) error) error {
	r := &txRequest{ctx: ctx, fn: fn, done: make(chan txResult, 1)}
	select {
	case b.reqs <- r:
	case <-b.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	res := <-r.done
	if res.panic != nil {
		panic(res.panic)
	}
	return res.err
}

func (b *batcher) close() {
	close(b.quit)
	<-b.done
	for _, st := range []*sql.Stmt{b.savepoint, b.rollbackTo, b.release} {
		if st != nil {
			st.Close()
		}
	}
}

func (b *batcher) run() {
	defer close(b.done)
	for {
		var first *txRequest
		select {
		case first = <-b.reqs:
		case <-b.quit:
			return
		}
		batch := []*txRequest{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		b.exec(batch)
	}
}

// exec runs a batch in one transaction, a savepoint per request.
func (b *batcher) exec(batch []*txRequest) {
	d := b.d
	ctx := context.Background()
	d.preparePending(ctx)
	if len(batch) == 1 {
		b.execOne(ctx, batch[0])
		return
	}
	if err := b.prepareSavepoints(ctx); err != nil {
		for _, r := range batch {
			r.done <- txResult{err: err}
		}
		return
	}
	results := make([]txResult, len(batch))
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- txResult{err: fmt.Errorf("begin: %w", err)}
		}
		return
	}
	st := &txState{}
	// fail gives up on the whole transaction: every request not already
	// failed hears err.
	fail := func(err error) {
		tx.Rollback()
		for j, r := range batch {
			if results[j].err == nil && results[j].panic == nil {
				results[j].err = err
			}
			r.done <- results[j]
		}
	}
	committed := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		if _, err := tx.StmtContext(ctx, b.savepoint).ExecContext(ctx); err != nil {
			results[i].err = fmt.Errorf("savepoint: %w", err)
			continue
		}
		mark := st.mark()
		results[i] = runSafely(r, tx, st)
		if results[i].err != nil || results[i].panic != nil {
			st.undo(mark)
			if _, err := tx.StmtContext(ctx, b.rollbackTo).ExecContext(ctx); err != nil {
				// The transaction is in an unknown state: give up on all.
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		} else {
			committed++
		}
		if _, err := tx.StmtContext(ctx, b.release).ExecContext(ctx); err != nil {
			results[i].err = fmt.Errorf("release savepoint: %w", err)
		}
	}
	if committed == 0 {
		tx.Rollback()
	} else if err := st.flush(context.WithValue(ctx, txKey{}, tx)); err != nil {
		fail(fmt.Errorf("deferred write: %w", err))
		return
	} else if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i].err == nil && results[i].panic == nil {
				results[i].err = fmt.Errorf("commit: %w", err)
			}
		}
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// prepareSavepoints prepares, once, the three statements that bracket
// each request of a batch: SQLite parses a statement anew each time it is
// run unprepared, which cost the writer as much as the savepoints
// themselves. It runs while the writer's connection is free.
func (b *batcher) prepareSavepoints(ctx context.Context) error {
	if b.savepoint != nil {
		return nil
	}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		if st, err = b.d.W.PrepareContext(ctx, q); err != nil {
			err = fmt.Errorf("prepare %s: %w", q, err)
		}
		return st
	}
	sp, rb, rel := prep("SAVEPOINT batch_item"), prep("ROLLBACK TO batch_item"), prep("RELEASE batch_item")
	if err != nil {
		for _, st := range []*sql.Stmt{sp, rb, rel} {
			if st != nil {
				st.Close()
			}
		}
		return err
	}
	b.savepoint, b.rollbackTo, b.release = sp, rb, rel
	return nil
}

// execOne runs a lone request in its own transaction, without the
// savepoint: SQLite copies every page a savepoint changes into its
// sub-journal, which costs large transactions (a batch of readings) a
// tenth of their time.
func (b *batcher) execOne(ctx context.Context, r *txRequest) {
	if err := r.ctx.Err(); err != nil {
		r.done <- txResult{err: err}
		return
	}
	tx, err := b.d.W.BeginTx(ctx, nil)
	if err != nil {
		r.done <- txResult{err: fmt.Errorf("begin: %w", err)}
		return
	}
	st := &txState{}
	res := runSafely(r, tx, st)
	if res.err != nil || res.panic != nil {
		tx.Rollback()
	} else if err := st.flush(context.WithValue(ctx, txKey{}, tx)); err != nil {
		tx.Rollback()
		res.err = fmt.Errorf("deferred write: %w", err)
	} else if err := tx.Commit(); err != nil {
		res.err = fmt.Errorf("commit: %w", err)
	}
	r.done <- res
}

func runSafely(r *txRequest, tx *sql.Tx, st *txState) (res txResult) {
	defer func() {
		if p := recover(); p != nil {
			res = txResult{panic: p}
		}
	}()
	return txResult{err: r.fn(withTx(r.ctx, tx, st))}
}
