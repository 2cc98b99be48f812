// Package storetest runs one conformance suite against every database engine
// digigov supports: SQLite always, PostgreSQL when DIGIGOV_TEST_POSTGRES holds
// a DSN. Other packages' tests use Engines and Open to get a fresh, migrated
// database of each engine.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

// EnvPostgres names the variable holding a PostgreSQL DSN for tests.
const EnvPostgres = "DIGIGOV_TEST_POSTGRES"

// Engine is a database engine to test against.
type Engine struct {
	Name string
	dsn  string // "" for SQLite
}

// Engines returns SQLite and PostgreSQL. Tests run a subtest per engine;
// the PostgreSQL one skips with a one-line reason when EnvPostgres is not
// set (Open and DSN call t.Skip).
func Engines(t testing.TB) []Engine {
	return []Engine{{Name: "sqlite"}, {Name: "postgres", dsn: os.Getenv(EnvPostgres)}}
}

// skipWithoutServer skips a PostgreSQL test when no server is configured.
func (e Engine) skipWithoutServer(t testing.TB) {
	if e.Name == "postgres" && e.dsn == "" {
		t.Skipf("postgres: skipped, %s is not set", EnvPostgres)
	}
}

// Open returns a fresh, migrated database of engine e, removed when the
// test ends. On PostgreSQL each call gets its own schema, so test packages
// running in parallel do not see each other's rows.
func Open(t testing.TB, e Engine) *db.DB {
	t.Helper()
	e.skipWithoutServer(t)
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if e.dsn != "" {
		dsn = freshSchema(t, e.dsn)
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", e.Name, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := sqlstore.Migrate(ctx, d); err != nil {
		t.Fatalf("migrate %s: %v", e.Name, err)
	}
	return d
}

// freshSchema creates a schema with a random name and returns a DSN whose
// search_path points at it; the schema is dropped at cleanup.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("postgres dsn: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// DSN returns a DSN for a fresh, empty database of engine e, for tests that
// open the whole application: a file in a temporary directory for SQLite, a
// fresh schema for PostgreSQL.
func DSN(t testing.TB, e Engine) string {
	t.Helper()
	e.skipWithoutServer(t)
	if e.dsn == "" {
		return filepath.Join(t.TempDir(), "digigov.db")
	}
	return freshSchema(t, e.dsn)
}
