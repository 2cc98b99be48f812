package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

// PendingDecision is a completed case with an outcome whose authority has
// no decision document (决定书) for it, as CasesWithoutDecision finds it;
// it is also the cursor of the next page.
type PendingDecision struct {
	CaseID      ids.ID
	AuthorityID ids.ID
	CompletedAt time.Time
}

// CasesWithoutDecision lists, in order of completion (then ID), up to
// limit completed cases with an outcome that were completed after from
// (at from.CompletedAt with an ID above from.CaseID, or later) and before
// before, and whose authority holds no document under
// sealdoc.DecisionKey(case). Start with from = {CompletedAt: since}; pass
// the last row of a page to get the next one.
//
// It is an anti-join: the index cases_completed (state, completed_at, id;
// migration 00027) walks the completed cases from from in page order, and
// documents_key (issuer_id, doc_key) answers for each whether its decision
// exists, so a page costs the cases it passes over, never the whole table
// and never a sort.
func (s *Store) CasesWithoutDecision(ctx context.Context, from PendingDecision, before time.Time, limit int) (_ []PendingDecision, err error) {
	defer errs.Wrap(&err, "sqlstore.CasesWithoutDecision")
	// The first completed_at term gives the planners the range to seek,
	// the OR the cursor's tie-break. doc_key <> '' repeats the predicate of
	// the partial index documents_key so that SQLite may use it.
	rows, err := s.db.Query(ctx, `SELECT c.id, c.authority_id, c.completed_at FROM cases c
		WHERE c.state = 'completed' AND c.outcome <> '' AND c.authority_id <> ''
		AND c.completed_at >= ? AND c.completed_at < ?
		AND (c.completed_at > ? OR c.id > ?)
		AND NOT EXISTS (SELECT 1 FROM documents d
			WHERE d.issuer_id = c.authority_id AND d.doc_key <> '' AND d.doc_key = CAST(? AS TEXT) || c.id)
		ORDER BY c.completed_at, c.id LIMIT ?`,
		from.CompletedAt.UTC(), before.UTC(), from.CompletedAt.UTC(), from.CaseID, sealdoc.DecisionKey(""), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingDecision
	for rows.Next() {
		var p PendingDecision
		if err := rows.Scan(&p.CaseID, &p.AuthorityID, &p.CompletedAt); err != nil {
			return nil, err
		}
		p.CompletedAt = utc(p.CompletedAt)
		out = append(out, p)
	}
	return out, rows.Err()
}
