package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/sensing"
)

// Event photo uploads awaiting attachment (gov_event_uploads).

func (s *Store) TouchEventUpload(ctx context.Context, sha string, created bool, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.TouchEventUpload")
	if created {
		// A row left attached for bytes that were gone stays attached.
		_, err = s.db.Exec(ctx, `INSERT INTO gov_event_uploads (sha256, uploaded_at) VALUES (?, ?)
			ON CONFLICT (sha256) DO UPDATE SET uploaded_at = excluded.uploaded_at`, sha, at.UTC())
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE gov_event_uploads SET uploaded_at = ? WHERE sha256 = ? AND attached_at IS NULL`, at.UTC(), sha)
	return err
}

func (s *Store) AttachEventUploads(ctx context.Context, shas []string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.AttachEventUploads")
	if len(shas) == 0 {
		return nil
	}
	args := []any{at.UTC()}
	for _, sh := range shas {
		args = append(args, sh)
	}
	_, err = s.db.Exec(ctx, `UPDATE gov_event_uploads SET attached_at = ? WHERE attached_at IS NULL AND sha256 IN (`+marks(len(shas))+`)`, args...)
	return err
}

func (s *Store) PendingEventUploads(ctx context.Context, cutoff time.Time, limit int) (_ []string, err error) {
	defer errs.Wrap(&err, "sqlstore.PendingEventUploads")
	rows, err := s.db.Query(ctx, `SELECT sha256 FROM gov_event_uploads WHERE attached_at IS NULL AND uploaded_at < ?
		ORDER BY uploaded_at LIMIT ?`, cutoff.UTC(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sh string
		if err := rows.Scan(&sh); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

func (s *Store) DropEventUpload(ctx context.Context, sha string, cutoff time.Time) (_ bool, err error) {
	defer errs.Wrap(&err, "sqlstore.DropEventUpload")
	res, err := s.db.Exec(ctx, `DELETE FROM gov_event_uploads WHERE sha256 = ? AND attached_at IS NULL AND uploaded_at < ?`, sha, cutoff.UTC())
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	// The same bytes may have been uploaded as a case material since: a
	// case that names them keeps them. (Materials are a JSON column; this
	// scan runs only for the rare orphan.)
	var one int
	err = s.db.QueryRow(ctx, `SELECT 1 FROM cases WHERE materials LIKE ? LIMIT 1`, "%"+sha+"%").Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return false, err
}

func (s *Store) UpdateEventRule(ctx context.Context, r *governance.Rule) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateEventRule(%q)", r.ID)
	res, err := s.db.Exec(ctx, `UPDATE gov_event_rules SET category = ?, region = ?, department = ?, level = ?, auto = ?,
		updated_by = ?, updated_at = ? WHERE id = ?`, r.Category, r.Region, r.Department, int(r.Level), r.Auto, r.UpdatedBy, r.UpdatedAt.UTC(), r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.NotFound, "event.rule_not_found")
	}
	return nil
}

func (s *Store) UpdateStation(ctx context.Context, st *sensing.Station) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateStation(%q)", st.Code)
	metrics, err := json.Marshal(nonNil(st.Metrics))
	if err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE sensing_stations SET name = ?, region = ?, lat = ?, lon = ?, metrics = ?, changed_at = ?, disabled = ?
		WHERE code = ?`, st.Name, st.Region, st.Lat, st.Lon, string(metrics), nullTime(st.ChangedAt), st.Disabled, st.Code)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.NotFound, "sensing.station.not_found")
	}
	return nil
}
