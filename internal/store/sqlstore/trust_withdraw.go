package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// WithdrawTrustedKeys marks the keys of source that keep does not name,
// and that are not withdrawn yet, withdrawn at at.
func (s *Store) WithdrawTrustedKeys(ctx context.Context, source string, keep []string, at time.Time) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.WithdrawTrustedKeys(%q)", source)
	q := `UPDATE trusted_keys SET withdrawn_at = ? WHERE source = ? AND withdrawn_at IS NULL`
	args := []any{at.UTC(), source}
	if len(keep) > 0 {
		q += ` AND kid NOT IN (?` + strings.Repeat(", ?", len(keep)-1) + `)`
		for _, k := range keep {
			args = append(args, k)
		}
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
