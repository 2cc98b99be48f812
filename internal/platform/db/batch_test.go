package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Exec(context.Background(), `CREATE TABLE t (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return d
}

func count(t *testing.T, d *DB) int {
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGroupCommitIsolatesFailures: of many concurrent transactions
// committed together, the ones that fail leave nothing, the others all
// land, and each caller hears its own outcome.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Transact(ctx, func(ctx context.Context) error {
				if _, err := d.Exec(ctx, `INSERT INTO t (k) VALUES (?)`, fmt.Sprint("a", i)); err != nil {
					return err
				}
				if _, err := d.Exec(ctx, `INSERT INTO t (k) VALUES (?)`, fmt.Sprint("b", i)); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("fail %d", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i, err := range errs {
		if i%3 == 0 {
			if err == nil || err.Error() != fmt.Sprint("fail ", i) {
				t.Errorf("transaction %d: %v, want its own failure", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("transaction %d: %v", i, err)
		}
		want += 2
	}
	if got := count(t, d); got != want {
		t.Errorf("%d rows, want %d: failed transactions left rows or good ones lost theirs", got, want)
	}
}

func TestGroupCommitPanicReachesItsCaller(t *testing.T) {
	d := openTest(t)
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the transaction's own panic", p)
		}
		if n := count(t, d); n != 0 {
			t.Errorf("a panicking transaction left %d rows", n)
		}
	}()
	d.Transact(context.Background(), func(ctx context.Context) error {
		d.Exec(ctx, `INSERT INTO t (k) VALUES ('x')`)
		panic("boom")
	})
}

func TestGroupCommitConstraintViolation(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	if err := d.Transact(ctx, func(ctx context.Context) error {
		_, err := d.Exec(ctx, `INSERT INTO t (k) VALUES ('dup')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err := d.Transact(ctx, func(ctx context.Context) error {
		if _, err := d.Exec(ctx, `INSERT INTO t (k) VALUES ('fresh')`); err != nil {
			return err
		}
		_, err := d.Exec(ctx, `INSERT INTO t (k) VALUES ('dup')`)
		return err
	})
	if !IsUniqueViolation(err) {
		t.Fatalf("duplicate insert: %v", err)
	}
	if n := count(t, d); n != 1 {
		t.Errorf("%d rows, want 1: the failed transaction's first insert must be gone", n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Transact(cancelled, func(ctx context.Context) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// TestDeferredWriteOncePerCommit: concurrent transactions keep a running
// count (a chain's head) with Defer, each reading the latest value the
// transactions committed with it left. The count written at each commit
// is the number of rows of the transactions that committed: a failed
// transaction's value is undone with its savepoint, and the others build
// on the value before it.
func TestDeferredWriteOncePerCommit(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE head (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, writes INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO head VALUES (1, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	type headKey struct{}
	write := func(ctx context.Context, v any) error {
		_, err := d.Exec(ctx, `UPDATE head SET n = ?, writes = writes + 1 WHERE id = 1`, v.(int))
		return err
	}
	if err := Defer(ctx, headKey{}, 1, write); !errors.Is(err, ErrNoTx) {
		t.Errorf("Defer outside a transaction: %v, want ErrNoTx", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 300)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.Transact(ctx, func(ctx context.Context) error {
				n := 0
				if v, ok := Deferred(ctx, headKey{}); ok {
					n = v.(int)
				} else if err := d.QueryRow(ctx, `SELECT n FROM head WHERE id = 1`).Scan(&n); err != nil {
					return err
				}
				if _, err := d.Exec(ctx, `INSERT INTO t (k) VALUES (?)`, fmt.Sprint(n+1)); err != nil {
					return err
				}
				if err := Defer(ctx, headKey{}, n+1, write); err != nil {
					return err
				}
				if i%4 == 1 {
					return fmt.Errorf("fail %d", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if (i%4 == 1) != (err != nil) {
			t.Errorf("transaction %d: %v", i, err)
		}
		if err == nil {
			ok++
		}
	}
	var n, writes int
	if err := d.QueryRow(ctx, `SELECT n, writes FROM head WHERE id = 1`).Scan(&n, &writes); err != nil {
		t.Fatal(err)
	}
	if n != ok || count(t, d) != ok {
		t.Errorf("head %d, %d rows, want both %d (one per committed transaction)", n, count(t, d), ok)
	}
	// The rows are numbered 1…ok with none missing or twice: each
	// transaction built on the value the ones before it committed.
	var distinct, top int
	if err := d.QueryRow(ctx, `SELECT COUNT(DISTINCT k), MAX(CAST(k AS INTEGER)) FROM t`).Scan(&distinct, &top); err != nil {
		t.Fatal(err)
	}
	if distinct != ok || top != ok {
		t.Errorf("rows numbered up to %d, %d distinct, want 1…%d", top, distinct, ok)
	}
	if writes > ok || writes == 0 {
		t.Errorf("%d head writes for %d transactions", writes, ok)
	}
	t.Logf("%d transactions committed with %d head writes", ok, writes)
}
