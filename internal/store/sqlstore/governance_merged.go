package sqlstore

import (
	"context"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// MergedReporters uses the partial index gov_events_merged_into
// (migration 00040).
func (s *Store) MergedReporters(ctx context.Context, id ids.ID) (_ []ids.ID, err error) {
	defer errs.Wrap(&err, "sqlstore.MergedReporters(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT DISTINCT reporter_id FROM gov_events
		WHERE merged_into = ? AND merged_into <> '' AND source IN ('portal', 'open311', 'grid') AND reporter_id <> ''`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ids.ID
	for rows.Next() {
		var u ids.ID
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
