package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/sensing"
)

// ChangedStations is a range of sensing_stations_changed (changed_at,
// code): every instance's ingestion asks it every few seconds, and it is
// empty almost always.
func (s *Store) ChangedStations(ctx context.Context, since time.Time) (_ []sensing.StationChange, err error) {
	defer errs.Wrap(&err, "sqlstore.ChangedStations")
	rows, err := s.db.Query(ctx, `SELECT code, changed_at FROM sensing_stations WHERE changed_at > ? ORDER BY changed_at, code`, since.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sensing.StationChange
	for rows.Next() {
		var c sensing.StationChange
		if err := rows.Scan(&c.Code, &c.At); err != nil {
			return nil, err
		}
		c.At = utc(c.At)
		out = append(out, c)
	}
	return out, rows.Err()
}
