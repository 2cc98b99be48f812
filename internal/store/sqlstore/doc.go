// Package sqlstore implements the Store interfaces of the domain packages on
// database/sql, with hand-written SQL that runs unchanged on SQLite and
// PostgreSQL (placeholders are rebound by platform/db). One file per domain;
// migrations for both engines live in migrations/, with the same numbers.
//
// Methods take the transaction from the context (see db.Transact), so a
// service decides the transaction's bounds and the store only runs SQL.
package sqlstore
