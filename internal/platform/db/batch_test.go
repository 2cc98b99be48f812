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
