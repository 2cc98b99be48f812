package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

func (s *Store) SetConditions(ctx context.Context, datasetID ids.ID, conditions string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetConditions(%q)", datasetID)
	if conditions == "" {
		_, err = s.db.Exec(ctx, `DELETE FROM opendata_conditions WHERE dataset_id = ?`, datasetID)
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_conditions (dataset_id, conditions, created_at) VALUES (?, ?, ?)
		ON CONFLICT (dataset_id) DO UPDATE SET conditions = excluded.conditions`, datasetID, conditions, at.UTC())
	return err
}

func (s *Store) Conditions(ctx context.Context, datasetID ids.ID) (c string, err error) {
	defer errs.Wrap(&err, "sqlstore.Conditions(%q)", datasetID)
	err = s.db.QueryRow(ctx, `SELECT conditions FROM opendata_conditions WHERE dataset_id = ?`, datasetID).Scan(&c)
	return c, notFound(err, "opendata.conditions")
}

const applicationCols = `id, dataset_id, dataset_name, dataset_title, body_id, region_code, applicant_id, applicant_name,
	applicant_kind, enterprise_id, purpose, intended_use, days, contact_enc, state, due, decided_by_id, decided_by, decided_at,
	reason, expires_at, created_at, revoked_by_id, revoked_by, revoked_at, revoke_reason`

func scanApplication(sc interface{ Scan(...any) error }) (*opendata.Application, error) {
	var a opendata.Application
	var decided, expires, revoked sql.NullTime
	if err := sc.Scan(&a.ID, &a.DatasetID, &a.DatasetName, &a.DatasetTitle, &a.BodyID, &a.Region, &a.ApplicantID, &a.ApplicantName,
		&a.ApplicantKind, &a.EnterpriseID, &a.Purpose, &a.IntendedUse, &a.Days, &a.ContactEnc, &a.State, &a.Due, &a.DecidedByID,
		&a.DecidedBy, &decided, &a.Reason, &expires, &a.CreatedAt, &a.RevokedByID, &a.RevokedBy, &revoked, &a.RevokeReason); err != nil {
		return nil, err
	}
	a.Due, a.CreatedAt = utc(a.Due), utc(a.CreatedAt)
	if decided.Valid {
		a.DecidedAt = decided.Time.UTC()
	}
	if expires.Valid {
		a.ExpiresAt = expires.Time.UTC()
	}
	if revoked.Valid {
		a.RevokedAt = revoked.Time.UTC()
	}
	return &a, nil
}

func (s *Store) CreateApplication(ctx context.Context, a *opendata.Application) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateApplication")
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_applications (`+applicationCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.DatasetID, a.DatasetName, a.DatasetTitle, a.BodyID, a.Region, a.ApplicantID, a.ApplicantName, a.ApplicantKind,
		a.EnterpriseID, a.Purpose, a.IntendedUse, a.Days, a.ContactEnc, a.State, a.Due.UTC(), a.DecidedByID, a.DecidedBy,
		nullTime(a.DecidedAt), a.Reason, nullTime(a.ExpiresAt), a.CreatedAt.UTC(), a.RevokedByID, a.RevokedBy, nullTime(a.RevokedAt),
		a.RevokeReason)
	return err
}

func (s *Store) Application(ctx context.Context, id ids.ID) (_ *opendata.Application, err error) {
	defer errs.Wrap(&err, "sqlstore.Application(%q)", id)
	a, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationCols+` FROM opendata_applications WHERE id = ?`, id))
	return a, notFound(err, "opendata.application")
}

func (s *Store) DecideApplication(ctx context.Context, a *opendata.Application) (err error) {
	defer errs.Wrap(&err, "sqlstore.DecideApplication(%q)", a.ID)
	res, err := s.db.Exec(ctx, `UPDATE opendata_applications SET state = ?, decided_by_id = ?, decided_by = ?, decided_at = ?,
		reason = ?, expires_at = ? WHERE id = ? AND state = 'pending'`,
		a.State, a.DecidedByID, a.DecidedBy, nullTime(a.DecidedAt), a.Reason, nullTime(a.ExpiresAt), a.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = errs.E(errs.Conflict, "opendata.application_decided")
		}
		return err
	}
	return nil
}

func (s *Store) RevokeApplication(ctx context.Context, a *opendata.Application) (err error) {
	defer errs.Wrap(&err, "sqlstore.RevokeApplication(%q)", a.ID)
	res, err := s.db.Exec(ctx, `UPDATE opendata_applications SET state = 'revoked', revoked_by_id = ?, revoked_by = ?, revoked_at = ?,
		revoke_reason = ? WHERE id = ? AND state = 'approved' AND expires_at > ?`,
		a.RevokedByID, a.RevokedBy, a.RevokedAt.UTC(), a.RevokeReason, a.ID, a.RevokedAt.UTC())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = errs.E(errs.Conflict, "opendata.application_not_live")
		}
		return err
	}
	return nil
}

func (s *Store) BodyGrants(ctx context.Context, body ids.ID) (_ []opendata.BodyGrant, err error) {
	defer errs.Wrap(&err, "sqlstore.BodyGrants(%q)", body)
	rows, err := s.db.Query(ctx, `SELECT user_id, role, region_code FROM grants WHERE org_id = ? ORDER BY user_id, role`, body)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.BodyGrant
	for rows.Next() {
		var g opendata.BodyGrant
		var scope string
		if err := rows.Scan(&g.UserID, &g.Grant.Role, &scope); err != nil {
			return nil, err
		}
		g.Grant.OrgID, g.Grant.Scope = body, region.Code(scope)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Store) Applications(ctx context.Context, f opendata.AppFilter) (_ []opendata.Application, err error) {
	defer errs.Wrap(&err, "sqlstore.Applications")
	where, args := `1 = 1`, []any{}
	if f.ApplicantID != "" {
		where, args = where+` AND applicant_id = ?`, append(args, f.ApplicantID)
	}
	if f.BodyID != "" {
		where, args = where+` AND body_id = ?`, append(args, f.BodyID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.db.Query(ctx, `SELECT `+applicationCols+` FROM opendata_applications WHERE `+where+
		` ORDER BY created_at DESC, id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

func (s *Store) LiveApplication(ctx context.Context, datasetID, applicantID ids.ID, now time.Time) (_ *opendata.Application, err error) {
	defer errs.Wrap(&err, "sqlstore.LiveApplication(%q)", datasetID)
	a, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationCols+` FROM opendata_applications
		WHERE dataset_id = ? AND applicant_id = ? AND state = 'approved' AND expires_at > ? ORDER BY expires_at DESC LIMIT 1`,
		datasetID, applicantID, now.UTC()))
	return a, notFound(err, "opendata.application")
}

func (s *Store) Followers(ctx context.Context, id ids.ID) (_ []ids.ID, err error) {
	defer errs.Wrap(&err, "sqlstore.Followers(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT user_id FROM opendata_request_followers WHERE request_id = ? ORDER BY created_at, user_id`, id)
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
