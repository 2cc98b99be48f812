package sqlstore

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
)

var _ audit.Store = (*Store)(nil)

const auditCols = `seq, id, at, actor_id, actor_name, action, target_type, target_id, region_code, subject_id, detail, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*audit.Entry, error) {
	var e audit.Entry
	err := sc.Scan(&e.Seq, &e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID,
		&e.Region, &e.SubjectID, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = utc(e.At)
	return &e, err
}

func (s *Store) AppendAudit(ctx context.Context, e *audit.Entry) (err error) {
	defer errs.Wrap(&err, "sqlstore.AppendAudit(%s)", e.Action)
	return s.appendAudits(ctx, []*audit.Entry{e})
}

func (s *Store) AppendAudits(ctx context.Context, es []*audit.Entry) (err error) {
	defer errs.Wrap(&err, "sqlstore.AppendAudits(%d)", len(es))
	if len(es) == 0 {
		return nil
	}
	return s.appendAudits(ctx, es)
}

// chain places es after the entry (seq, hash).
func chain(es []*audit.Entry, seq int64, hash string) {
	for _, e := range es {
		e.Seq, e.PrevHash = seq+1, hash
		e.Hash = e.ComputeHash()
		seq, hash = e.Seq, e.Hash
	}
}

// auditHeadKey keys the chain's head deferred in a SQLite transaction.
type auditHeadKey struct{}

// appendAuditsDeferred appends es on SQLite inside a transaction, which
// holds the database's single write lock: the head is read once per
// transaction (or taken from what an earlier append in it deferred) and
// written once, just before the commit, however many appends the
// transaction (a group commit of many requests) makes.
func (s *Store) appendAuditsDeferred(ctx context.Context, es []*audit.Entry) error {
	var seq int64
	var hash string
	if v, ok := db.Deferred(ctx, auditHeadKey{}); ok {
		h := v.(auditHead)
		seq, hash = h.seq, h.hash
	} else if err := s.db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return err
	}
	chain(es, seq, hash)
	if err := s.insertAudits(ctx, es); err != nil {
		return err
	}
	last := es[len(es)-1]
	return db.Defer(ctx, auditHeadKey{}, auditHead{seq: last.Seq, hash: last.Hash}, s.writeAuditHead)
}

func (s *Store) writeAuditHead(ctx context.Context, v any) error {
	h := v.(auditHead)
	_, err := s.db.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, h.seq, h.hash)
	return err
}

func (s *Store) appendAudits(ctx context.Context, es []*audit.Entry) error {
	if s.db.Dialect == db.SQLite && db.InTx(ctx) {
		return s.appendAuditsDeferred(ctx, es)
	}
	last := es[len(es)-1]
	// The head this Store wrote last is most likely still the head: move it
	// only if it is (same sequence and hash), which saves reading it. The
	// update locks the row, so on PostgreSQL appends stay serialised; after a
	// rollback or another writer's append the cache is stale, nothing is
	// updated and the head is read below.
	if h := s.auditHead.Load(); h != nil {
		chain(es, h.seq, h.hash)
		res, err := s.db.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ? AND hash = ?`,
			last.Seq, last.Hash, h.seq, h.hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return s.insertAudits(ctx, es)
		}
	}
	// Locking the head row serialises appends on PostgreSQL; on SQLite the
	// transaction already holds the single write lock.
	var seq int64
	var prev string
	if err := s.db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+s.db.ForUpdate()).Scan(&seq, &prev); err != nil {
		return err
	}
	chain(es, seq, prev)
	if _, err := s.db.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, last.Seq, last.Hash); err != nil {
		return err
	}
	return s.insertAudits(ctx, es)
}

const auditChunk = 64 // rows per INSERT: 832 parameters

var auditInserts stmtCache

// insertAudits writes es, whose places in the chain are set, and
// remembers the last as the head.
func (s *Store) insertAudits(ctx context.Context, es []*audit.Entry) error {
	off := 0
	args := make([]any, 0, 13*min(len(es), auditChunk))
	for _, n := range chunks(len(es), auditChunk) {
		args = args[:0]
		for _, e := range es[off : off+n] {
			args = append(args, e.Seq, e.ID, e.At.UTC(), e.ActorID, e.ActorName, e.Action, e.TargetType, e.TargetID, e.Region,
				e.SubjectID, e.Detail, e.PrevHash, e.Hash)
		}
		q := auditInserts.get(n, func(n int) string {
			return `INSERT INTO audit_log (` + auditCols + `) VALUES ` + values(n, 13)
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		off += n
	}
	last := es[len(es)-1]
	s.auditHead.Store(&auditHead{seq: last.Seq, hash: last.Hash})
	return nil
}

// auditHead is the head of the audit chain as this Store last wrote it.
type auditHead struct {
	seq  int64
	hash string
}

func (s *Store) AuditChain(ctx context.Context, fn func(*audit.Entry) error) (err error) {
	defer errs.Wrap(&err, "sqlstore.AuditChain")
	// Read in pages so a long chain never holds one huge result set open.
	const page = 1000
	after := int64(0)
	for {
		rows, err := s.db.Query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, after, page)
		if err != nil {
			return err
		}
		var batch []*audit.Entry
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
			after = e.Seq
		}
		if len(batch) < page {
			return nil
		}
	}
}

func (s *Store) AuditHead(ctx context.Context) (seq int64, hash string, err error) {
	defer errs.Wrap(&err, "sqlstore.AuditHead")
	if v, ok := db.Deferred(ctx, auditHeadKey{}); ok { // appended in this transaction, written at its commit
		h := v.(auditHead)
		return h.seq, h.hash, nil
	}
	err = s.db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, err
}

func (s *Store) AuditEntries(ctx context.Context, f audit.Filter) (_ []audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.AuditEntries")
	var where []string
	var args []any
	if f.SubjectID != "" {
		where, args = append(where, "subject_id = ?"), append(args, f.SubjectID)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.RegionWithin != nil {
		var or []string
		for _, r := range f.RegionWithin {
			if r == "" {
				continue
			}
			cond, a := within("region_code", r)
			or, args = append(or, cond), append(args, a...)
		}
		if len(or) == 0 {
			return nil, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}
