package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// PruneStatusReservations deletes settled reservations (a licence holds
// every entry of the block: the count over the licences' UNIQUE
// (status_list, status_index) index reads at most a block's 64 entries)
// and those made before before.
func (s *Store) PruneStatusReservations(ctx context.Context, before time.Time) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.PruneStatusReservations")
	res, err := s.db.Exec(ctx, `DELETE FROM status_reservations WHERE created_at < ? OR count <= (SELECT COUNT(*) FROM licenses l
		WHERE l.status_list = status_reservations.status_list
		AND l.status_index >= status_reservations.first_index
		AND l.status_index < status_reservations.first_index + status_reservations.count)`, before.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
