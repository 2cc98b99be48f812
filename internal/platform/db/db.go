// Package db opens digigov's database — embedded SQLite by default,
// PostgreSQL when the DSN says postgres:// — and gives the rest of the code
// one way to run statements and transactions on either engine.
//
// SQL is written once with ? placeholders; the DB rewrites them to $n for
// PostgreSQL. A transaction travels in the context: code that runs inside
// Transact and calls Exec/Query with that context uses the transaction, so a
// service can write a change, its audit record and its outbox event in one
// transaction without passing *sql.Tx through every interface.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a handle on the database. On SQLite it keeps one writer connection
// (SQLite has one writer; a pool of writers only queues on the lock) and a
// pool of read-only connections. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	W       *sql.DB // writes and transactions
	R       *sql.DB // reads outside transactions
	DSN     string  // as given, for messages; may hold a password, never log it
	Path    string  // the SQLite file, "" for PostgreSQL

	batch *batcher // SQLite: group commit of concurrent transactions (batch.go)

	writeStmts, readStmts sync.Map // SQLite prepared statements by query
	pending               sync.Map // queries first seen in a transaction, to prepare
}

// preparePending prepares, on the writer, the statements first run inside
// a transaction. It runs before a transaction begins, when the writer's
// connection is free.
func (d *DB) preparePending(ctx context.Context) {
	d.pending.Range(func(k, _ any) bool {
		q := k.(string)
		d.pending.Delete(q)
		if _, ok := d.writeStmts.Load(q); ok {
			return true
		}
		if st, err := d.W.PrepareContext(ctx, q); err == nil {
			if _, loaded := d.writeStmts.LoadOrStore(q, st); loaded {
				st.Close()
			}
		}
		return true
	})
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or a SQLite file path
// (optionally prefixed with "sqlite:" or "file:").
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Dialect: Postgres, W: pool, R: pool, DSN: dsn}, nil
}

func openSQLite(ctx context.Context, dsn string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// busy_timeout comes first: the pragmas after it may themselves need the
	// lock (journal_mode does), and without a timeout they would fail at once
	// with SQLITE_BUSY when another process holds it.
	//
	// _time_format=sqlite stores times as "2006-01-02 15:04:05.999999999-07:00",
	// which SQLite's date functions understand (the driver's default, Go's
	// time.String form, they do not). Times are always stored in UTC, so
	// they also sort correctly as text.
	//
	// temp_store(memory) keeps the sub-journal of savepoints (the group
	// commit wraps every transaction in one) in memory instead of a
	// temporary file: large transactions (a batch of sensor readings) spent
	// a sixth of their time writing it.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=temp_store(memory)&_time_format=sqlite"
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	// The writer starts its transactions with BEGIN IMMEDIATE, taking the
	// write lock up front: a deferred transaction that reads and then writes
	// could otherwise fail to upgrade its lock under concurrency.
	//
	// The writer's page cache is 64 MiB instead of SQLite's 2 MiB: a large
	// transaction (a batch of sensor readings with its roll-ups) otherwise
	// fills the cache and spills dirty pages to the WAL before its commit,
	// writing many of them twice, and the indexes' inner pages stay cached
	// between transactions. Pages are only allocated as they are used.
	w, err := sql.Open("sqlite", u+"&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", u+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxLifetime(0)
	d := &DB{Dialect: SQLite, W: w, R: r, DSN: dsn, Path: path}
	d.batch = newBatcher(d)
	return d, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	if d.batch != nil {
		d.batch.close()
	}
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

type txKey struct{}

// Transact runs fn in a transaction carried by the context fn receives.
// It commits when fn returns nil and rolls back otherwise (also on panic).
// Nested calls join the outer transaction. On SQLite, concurrent calls are
// committed together (group commit, batch.go), each in its own savepoint:
// fn must not keep state across a failure it returns, as usual.
func (d *DB) Transact(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	if d.batch != nil {
		return d.batch.do(ctx, fn)
	}
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	st := &txState{}
	if err = fn(withTx(ctx, tx, st)); err != nil {
		return err
	}
	if err = st.flush(context.WithValue(ctx, txKey{}, tx)); err != nil {
		return fmt.Errorf("deferred write: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// withTx is ctx carrying tx and its state.
func withTx(ctx context.Context, tx *sql.Tx, st *txState) context.Context {
	return context.WithValue(context.WithValue(ctx, txKey{}, tx), txStateKey{}, st)
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*sql.Tx)
	return ok
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn picks the transaction in ctx, else the writer (for write) or reader pool.
func (d *DB) conn(ctx context.Context, write bool) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	if write {
		return d.W
	}
	return d.R
}

// errBadText refuses text no database should store: a NUL byte or bytes
// that are not UTF-8. PostgreSQL rejects both (as a server error); SQLite
// would keep them. Checking here gives one answer, a person's "invalid
// text", on both engines, wherever the text came from.
var errBadText = errs.E(errs.Invalid, "text.invalid")

func checkText(args []any) error {
	for _, a := range args {
		if s, ok := a.(string); ok && (strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)) {
			return errBadText
		}
	}
	return nil
}

// Exec runs a statement, in ctx's transaction if there is one.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	if st := d.prepared(ctx, query, true); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.conn(ctx, true).ExecContext(ctx, d.Rebind(query), args...)
}

// Query runs a query, in ctx's transaction if there is one.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	if st := d.prepared(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.conn(ctx, false).QueryContext(ctx, d.Rebind(query), args...)
}

// QueryRow runs a query expected to return at most one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if checkText(args) != nil {
		// No stored row can hold such text: the lookup finds nothing
		// (sql.ErrNoRows), which callers already answer as not found.
		return d.conn(ctx, false).QueryRowContext(ctx, "SELECT 1 WHERE 1 = 0")
	}
	if st := d.prepared(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.conn(ctx, false).QueryRowContext(ctx, d.Rebind(query), args...)
}

// prepared returns a prepared statement for query on SQLite, or nil. The
// SQLite driver has no statement cache of its own, and parsing a statement
// costs as much as running it; pgx caches prepared statements itself. A
// statement prepared on the pool is bound into the transaction (the writer
// has a single connection, so database/sql reuses its preparation there).
// Queries are the code's own constants, so the cache stays small.
func (d *DB) prepared(ctx context.Context, query string, write bool) *sql.Stmt {
	if d.Dialect != SQLite {
		return nil
	}
	tx, inTx := ctx.Value(txKey{}).(*sql.Tx)
	pool, cache := d.R, &d.readStmts
	if write || inTx {
		pool, cache = d.W, &d.writeStmts
	}
	v, ok := cache.Load(query)
	if !ok && inTx {
		// The writer's only connection is busy with this transaction, so
		// preparing on the pool now would wait for ever. Run it plainly and
		// prepare it before the next transaction begins.
		d.pending.Store(query, true)
		return nil
	}
	if !ok {
		st, err := pool.PrepareContext(context.WithoutCancel(ctx), query)
		if err != nil {
			return nil // let the plain path report the error
		}
		if v, ok = cache.LoadOrStore(query, st); ok {
			st.Close()
		}
	}
	st := v.(*sql.Stmt)
	if inTx {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// Rebind rewrites ? placeholders to $1, $2, … for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ForUpdate is the row-locking suffix for a SELECT inside a transaction:
// " FOR UPDATE" on PostgreSQL; empty on SQLite, whose transactions already
// hold the database's single write lock (BEGIN IMMEDIATE).
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// SkipLocked is the suffix for claiming work rows inside a transaction:
// " FOR UPDATE SKIP LOCKED" on PostgreSQL, so several instances each take
// rows no other holds; empty on SQLite, whose single writer already
// serialises claimers.
func (d *DB) SkipLocked() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Backup writes a consistent copy of a SQLite database to path while it
// stays in use (VACUUM INTO). The file must not exist yet.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Dialect != SQLite {
		return errors.New("online backup is for SQLite; use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	_, err := d.W.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// Seconds is an SQL expression for the seconds from one timestamp column to
// another (NULL if either is NULL).
func (d *DB) Seconds(from, to string) string {
	if d.Dialect == Postgres {
		return "EXTRACT(EPOCH FROM (" + to + " - " + from + "))"
	}
	return "((julianday(" + to + ") - julianday(" + from + ")) * 86400.0)"
}
