package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/digigov/digigov/internal/platform/db"
)

// Both engines carry migrations with the same numbers; a test checks that
// the two folders list the same versions.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

func provider(d *db.DB) (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	if d.Dialect == db.Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	// Domains are built on branches that each take a migration number, and
	// land in any order: a database that ran a later number before an
	// earlier one arrived still gets the earlier one. Migrations of
	// different domains touch different tables, so their order does not
	// matter.
	return goose.NewProvider(dialect, d.W, sub, goose.WithAllowOutofOrder(true))
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, d *db.DB) error {
	p, err := provider(d)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrateTo applies the pending migrations up to version, for tests of a
// migration's back-fill on data written by the schema before it.
func MigrateTo(ctx context.Context, d *db.DB, version int64) error {
	p, err := provider(d)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether the database has every migration this
// binary knows (used by /readyz).
func MigrationsCurrent(ctx context.Context, d *db.DB) (bool, error) {
	p, err := provider(d)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, err
	}
	return !pending, nil
}

// MigrationVersion returns the database's current schema version.
func MigrationVersion(ctx context.Context, d *db.DB) (int64, error) {
	p, err := provider(d)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}
