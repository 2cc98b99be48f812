package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// ImportRegions stores rows of region data loaded from outside the binary
// (towns and villages of another province), replacing names of codes
// already imported. It runs in one transaction: all rows or none.
func (s *Store) ImportRegions(ctx context.Context, rows []region.Row, now time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.ImportRegions")
	return s.db.Transact(ctx, func(ctx context.Context) error {
		for _, r := range rows {
			if _, err := s.db.Exec(ctx, `DELETE FROM imported_regions WHERE code = ?`, r.Code); err != nil {
				return err
			}
			if _, err := s.db.Exec(ctx, `INSERT INTO imported_regions (code, name, imported_at) VALUES (?, ?, ?)`, r.Code, r.Name, now.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportedRegions returns every imported row, in code order.
func (s *Store) ImportedRegions(ctx context.Context) (_ []region.Row, err error) {
	defer errs.Wrap(&err, "sqlstore.ImportedRegions")
	rows, err := s.db.Query(ctx, `SELECT code, name FROM imported_regions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []region.Row
	for rows.Next() {
		var r region.Row
		if err := rows.Scan(&r.Code, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
