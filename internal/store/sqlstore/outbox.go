package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ jobs.Store = (*Store)(nil)

// errNoTx is returned by outbox methods that only make sense inside the
// dispatcher's transaction.
var errNoTx = errors.New("must run inside a transaction")

// topicIn is the condition "topic starts with one of prefixes", with its
// arguments, for pending rows. Each prefix is a range of topics (from the
// prefix to prefixEnd), which the index outbox_due (topic first, pending
// rows only) seeks: rows of topics no handler asked for are never read (since
// SubscribeOutbox they are written processed anyway; rows of older
// versions wait until SettleUnhandledOutbox). Each range repeats the
// index's predicate: without it SQLite scans the whole index rather than
// seek one range per prefix. The ranges compare bytes: SQLite's BINARY
// collation does, and on PostgreSQL both the condition and the index say
// COLLATE "C" whatever the database's collation is. substr/length then
// check the prefix exactly (counting characters on both engines and,
// unlike LIKE on SQLite, case-sensitively).
func (s *Store) topicIn(prefixes []string) (string, []any) {
	col := "topic"
	if s.db.Dialect == db.Postgres {
		col = `topic COLLATE "C"`
	}
	conds := make([]string, len(prefixes))
	args := make([]any, 0, 4*len(prefixes))
	for i, p := range prefixes {
		if upper, ok := prefixEnd(p); ok {
			conds[i] = `(` + pending + ` AND ` + col + ` >= ? AND ` + col + ` < ? AND substr(topic, 1, length(?)) = ?)`
			args = append(args, p, upper, p, p)
		} else {
			conds[i] = `(` + pending + ` AND ` + col + ` >= ? AND substr(topic, 1, length(?)) = ?)`
			args = append(args, p, p, p)
		}
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// SubscribeOutbox tells AddOutbox and AddOutboxAll which topics have a
// handler (the dispatcher's Wants). The rows of other topics are still
// written, as the record of what happened, but already processed: they
// never enter the pending index the dispatcher polls, so a topic nobody
// handles costs the dispatcher nothing and is pruned like delivered ones.
// Until it is called every row is written pending.
func (s *Store) SubscribeOutbox(wanted func(topic string) bool) {
	s.outboxWanted.Store(&wanted)
}

// outboxProcessed is the processed_at a new row of topic gets: NULL when
// it has a handler (or none is known yet), at otherwise.
func (s *Store) outboxProcessed(topic string, at time.Time) any {
	if f := s.outboxWanted.Load(); f != nil && !(*f)(topic) {
		return at.UTC()
	}
	return nil
}

func (s *Store) SettleUnhandledOutbox(ctx context.Context, prefixes []string, at time.Time) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.SettleUnhandledOutbox")
	q, args := `UPDATE outbox SET processed_at = ? WHERE `+pending, []any{at.UTC()}
	if len(prefixes) > 0 {
		cond, cargs := s.topicIn(prefixes)
		q += ` AND NOT ` + cond
		args = append(args, cargs...)
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// prefixEnd is a string above every string that starts with p and below
// every other string above them, bytewise: p with its last character
// raised by one (UTF-8 keeps the order of code points bytewise, and no
// character's encoding begins another's). The characters after one that
// cannot be raised are dropped; false if none can (then the range has no
// upper end).
func prefixEnd(p string) (string, bool) {
	r := []rune(p)
	for i := len(r) - 1; i >= 0; i-- {
		next := r[i] + 1
		if next >= 0xD800 && next <= 0xDFFF { // surrogates are not characters
			next = 0xE000
		}
		if next <= unicode.MaxRune && utf8.ValidRune(next) {
			r[i] = next
			return string(r[:i+1]), true
		}
	}
	return "", false
}

// pending selects unprocessed events that have not been given up; the
// partial index outbox_due covers exactly these rows.
const pending = `processed_at IS NULL AND failed_at IS NULL`

func (s *Store) ClaimOutbox(ctx context.Context, prefixes []string, now time.Time, limit int) (out []jobs.Event, err error) {
	defer errs.Wrap(&err, "sqlstore.ClaimOutbox")
	if !db.InTx(ctx) {
		return nil, errNoTx
	}
	if len(prefixes) == 0 {
		return nil, nil
	}
	cond, args := s.topicIn(prefixes)
	args = append([]any{now.UTC()}, args...)
	args = append(args, limit)
	rows, err := s.db.Query(ctx, `SELECT id, topic, payload, created_at, attempts FROM outbox
		WHERE `+pending+` AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND `+cond+`
		ORDER BY created_at, id LIMIT ?`+s.db.SkipLocked(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev jobs.Event
		var payload string
		if err := rows.Scan(&ev.ID, &ev.Topic, &payload, &ev.CreatedAt, &ev.Attempts); err != nil {
			return nil, err
		}
		ev.Payload, ev.CreatedAt = []byte(payload), utc(ev.CreatedAt)
		out = append(out, ev)
	}
	return out, rows.Err()
}

func (s *Store) OutboxDue(ctx context.Context, prefixes []string, now time.Time) (due bool, err error) {
	defer errs.Wrap(&err, "sqlstore.OutboxDue")
	if len(prefixes) == 0 {
		return false, nil
	}
	cond, args := s.topicIn(prefixes)
	var one int
	err = s.db.QueryRow(ctx, `SELECT 1 FROM outbox WHERE `+pending+` AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND `+cond+`
		LIMIT 1`, append([]any{now.UTC()}, args...)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (s *Store) SettleOutbox(ctx context.Context, id ids.ID, o jobs.Outcome) (err error) {
	defer errs.Wrap(&err, "sqlstore.SettleOutbox(%s)", id)
	res, err := s.db.Exec(ctx, `UPDATE outbox SET attempts = ?, processed_at = ?, next_attempt_at = ?, failed_at = ?, last_error = ?
		WHERE id = ?`, o.Attempts, nullTime(o.ProcessedAt), nullTime(o.NextAt), nullTime(o.FailedAt), o.LastError, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("no outbox event %s", id)
	}
	return nil
}

const settleChunk = 64

func (s *Store) SettleOutboxDone(ctx context.Context, list []ids.ID, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.SettleOutboxDone(%d)", len(list))
	off := 0
	args := make([]any, 0, 1+settleChunk)
	for _, n := range chunks(len(list), settleChunk) {
		args = append(args[:0], at.UTC())
		for _, id := range list[off : off+n] {
			args = append(args, id)
		}
		q := settleDone.get(n, func(n int) string {
			return `UPDATE outbox SET attempts = attempts + 1, processed_at = ?, next_attempt_at = NULL, failed_at = NULL,
				last_error = '' WHERE id IN (` + marks(n) + `)`
		})
		res, err := s.db.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if got, err := res.RowsAffected(); err == nil && got != int64(n) {
			return fmt.Errorf("%d of %d outbox events found", got, n)
		}
		off += n
	}
	return nil
}

var settleDone stmtCache

func (s *Store) OutboxStats(ctx context.Context, prefixes []string) (st jobs.Stats, err error) {
	defer errs.Wrap(&err, "sqlstore.OutboxStats")
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL`).Scan(&st.Failed); err != nil {
		return st, err
	}
	if len(prefixes) == 0 {
		return st, nil
	}
	cond, args := s.topicIn(prefixes)
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE `+pending+` AND `+cond, args...).Scan(&st.Pending); err != nil {
		return st, err
	}
	if st.Pending == 0 {
		return st, nil
	}
	// A plain column, not MIN(): SQLite returns aggregates of a timestamp
	// column as text, which does not scan into a time.
	err = s.db.QueryRow(ctx, `SELECT created_at FROM outbox WHERE `+pending+` AND `+cond+` ORDER BY created_at LIMIT 1`, args...).
		Scan(&st.OldestPending)
	if errors.Is(err, sql.ErrNoRows) { // processed since the count
		return st, nil
	}
	st.OldestPending = utc(st.OldestPending)
	return st, err
}

// Savepoint runs fn inside a savepoint of ctx's transaction (the same
// statements on both engines). On PostgreSQL a failed statement poisons the
// whole transaction until it rolls back to a savepoint, so this is also
// what lets the dispatcher go on after a handler's SQL error.
func (s *Store) Savepoint(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if !db.InTx(ctx) {
		return errNoTx
	}
	if _, err := s.db.Exec(ctx, `SAVEPOINT outbox_event`); err != nil {
		return err
	}
	if ferr := fn(ctx); ferr != nil {
		if _, err := s.db.Exec(ctx, `ROLLBACK TO SAVEPOINT outbox_event`); err != nil {
			return errors.Join(ferr, err)
		}
		if _, err := s.db.Exec(ctx, `RELEASE SAVEPOINT outbox_event`); err != nil {
			return errors.Join(ferr, err)
		}
		return ferr
	}
	_, err = s.db.Exec(ctx, `RELEASE SAVEPOINT outbox_event`)
	return err
}

func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.PruneOutbox")
	res, err := s.db.Exec(ctx, `DELETE FROM outbox WHERE processed_at IS NOT NULL AND processed_at < ?`, before.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
