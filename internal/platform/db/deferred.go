package db

import (
	"context"
	"errors"
)

// Deferred writes: a value a transaction keeps changing (the head of the
// audit chain) written once, just before the commit, instead of once per
// change. Code inside a transaction records the latest value under a key
// with Defer and reads it back with Deferred; when the transaction
// commits, the write function of the latest value of each key runs in it.
//
// Group commit (batch.go) shares one transaction between several
// callers, each in its own savepoint: what a caller deferred is undone
// with its savepoint, so the value that is written is the latest one of a
// caller whose work commits, and a later caller in the same batch reads
// the earlier callers' values.

// txState is what a transaction carries beside the *sql.Tx.
type txState struct {
	deferred []deferredWrite
}

type deferredWrite struct {
	key   any
	value any
	write func(ctx context.Context, value any) error
}

type txStateKey struct{}

// ErrNoTx is returned by Defer outside a transaction.
var ErrNoTx = errors.New("db: not in a transaction")

func stateOf(ctx context.Context) *txState {
	st, _ := ctx.Value(txStateKey{}).(*txState)
	return st
}

// Defer records value as the latest under key in ctx's transaction:
// write(ctx, value) runs in the transaction before it commits, once for
// the latest value of key (an earlier value is replaced, not written).
// key must be comparable; write must be the same for every value of a
// key. Outside a transaction Defer returns ErrNoTx and records nothing.
func Defer(ctx context.Context, key, value any, write func(ctx context.Context, value any) error) error {
	st := stateOf(ctx)
	if st == nil {
		return ErrNoTx
	}
	st.deferred = append(st.deferred, deferredWrite{key: key, value: value, write: write})
	return nil
}

// Deferred returns the latest value recorded under key in ctx's
// transaction and not undone, if any.
func Deferred(ctx context.Context, key any) (any, bool) {
	st := stateOf(ctx)
	if st == nil {
		return nil, false
	}
	for i := len(st.deferred) - 1; i >= 0; i-- {
		if st.deferred[i].key == key {
			return st.deferred[i].value, true
		}
	}
	return nil, false
}

// mark and undo bracket one caller's work in a shared transaction.
func (st *txState) mark() int { return len(st.deferred) }

func (st *txState) undo(mark int) {
	clear(st.deferred[mark:])
	st.deferred = st.deferred[:mark]
}

// flush runs the write of each key's latest value, keys in the order they
// were first deferred. ctx carries the transaction.
func (st *txState) flush(ctx context.Context) error {
	if len(st.deferred) == 0 {
		return nil
	}
	latest := make(map[any]int, 2)
	var order []any
	for i, d := range st.deferred {
		if _, seen := latest[d.key]; !seen {
			order = append(order, d.key)
		}
		latest[d.key] = i
	}
	for _, k := range order {
		d := st.deferred[latest[k]]
		if err := d.write(ctx, d.value); err != nil {
			return err
		}
	}
	st.deferred = nil
	return nil
}
