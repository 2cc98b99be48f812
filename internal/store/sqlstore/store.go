package sqlstore

import (
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Store implements every domain's Store interface on one database.
type Store struct {
	db        *db.DB
	auditHead atomic.Pointer[auditHead] // see AppendAudit
	// outboxWanted says which outbox topics have a handler (SubscribeOutbox).
	outboxWanted atomic.Pointer[func(topic string) bool]
}

// New returns a Store on d.
func New(d *db.DB) *Store { return &Store{db: d} }

// notFound turns sql.ErrNoRows into errs.NotFound.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, what+".not_found")
	}
	return err
}

// conflict turns a unique violation into errs.Conflict.
func conflict(err error, what string) error {
	if db.IsUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Msg: what + ".exists", Err: err}
	}
	return err
}

// nullString stores "" as NULL (for optional references).
func nullString[T ~string](s T) sql.NullString {
	return sql.NullString{String: string(s), Valid: s != ""}
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()}
}

// utc normalises a scanned time: PostgreSQL returns the session's zone.
func utc(t time.Time) time.Time { return t.UTC() }

// within returns a condition that col (a region code column) lies within
// region prefix, written as a range so that an index on col serves it on
// both engines (LIKE 'prefix%' uses no index in SQLite by default). Codes
// are digits, so the codes within "4401" are those in ["4401", "4402").
func within(col, prefix string) (string, []any) {
	upper := []byte(prefix)
	i := len(upper) - 1
	for ; i >= 0 && upper[i] == '9'; i-- {
		upper[i] = '0'
	}
	if i < 0 { // all nines: no upper bound
		return col + " >= ?", []any{prefix}
	}
	upper[i]++
	return "(" + col + " >= ? AND " + col + " < ?)", []any{prefix, string(upper)}
}
