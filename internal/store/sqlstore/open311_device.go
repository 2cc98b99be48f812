package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

func (s *Store) PutOpen311Device(ctx context.Context, eventID ids.ID, deviceID string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.PutOpen311Device(%q)", eventID)
	_, err = s.db.Exec(ctx, `INSERT INTO open311_devices (event_id, device_id, created_at) VALUES (?, ?, ?)`, eventID, deviceID, at.UTC())
	return conflictKey(err, "open311x.device_exists")
}

func (s *Store) Open311Device(ctx context.Context, eventID ids.ID) (_ string, err error) {
	defer errs.Wrap(&err, "sqlstore.Open311Device(%q)", eventID)
	var d string
	err = s.db.QueryRow(ctx, `SELECT device_id FROM open311_devices WHERE event_id = ?`, eventID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return d, err
}
