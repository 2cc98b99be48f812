package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ license.Store = (*Store)(nil)

func (s *Store) NextStatusEntry(ctx context.Context, size int, now time.Time) (list int64, n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.NextStatusEntry")
	// The newest list's counter moves under the transaction's write lock
	// (SQLite) or row lock (PostgreSQL); a full list starts the next.
	err = s.db.QueryRow(ctx, `UPDATE status_lists SET next_index = next_index + 1
		WHERE id = (SELECT MAX(id) FROM status_lists) AND next_index < size RETURNING id, next_index - 1`).Scan(&list, &n)
	if err == nil {
		return list, n, nil
	}
	if err != sql.ErrNoRows {
		return 0, 0, err
	}
	if err := s.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM status_lists`).Scan(&list); err != nil {
		return 0, 0, err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO status_lists (id, size, next_index, created_at) VALUES (?, ?, 1, ?)`,
		list, size, now.UTC()); err != nil {
		return 0, 0, err
	}
	return list, 0, nil
}

func (s *Store) StatusListExists(ctx context.Context, list int64) (ok bool, err error) {
	defer errs.Wrap(&err, "sqlstore.StatusListExists(%d)", list)
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM status_lists WHERE id = ?`, list).Scan(&n)
	return n > 0, err
}

const licenseCols = `id, issuer_id, issuer_name, region, type, number, holder_kind, holder_id, holder_ref, holder_name, fields,
	valid_from, valid_until, state, reason, status_list, status_index, seal_id, kid, jws, case_id, issued_by, issued_at, updated_at`

func scanLicense(sc interface{ Scan(...any) error }) (*license.License, error) {
	var l license.License
	var fields string
	var until sql.NullTime
	if err := sc.Scan(&l.ID, &l.IssuerID, &l.IssuerName, &l.Region, &l.Type, &l.Number, &l.HolderKind, &l.HolderID, &l.HolderRef,
		&l.HolderName, &fields, &l.ValidFrom, &until, &l.State, &l.Reason, &l.StatusList, &l.StatusIndex, &l.SealID, &l.KID,
		&l.JWS, &l.CaseID, &l.IssuedBy, &l.IssuedAt, &l.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &l.Fields); err != nil {
		return nil, err
	}
	l.ValidFrom, l.IssuedAt, l.UpdatedAt = utc(l.ValidFrom), utc(l.IssuedAt), utc(l.UpdatedAt)
	if until.Valid {
		l.ValidUntil = until.Time.UTC()
	}
	return &l, nil
}

func (s *Store) CreateLicense(ctx context.Context, l *license.License) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateLicense(%q)", l.ID)
	fields, err := json.Marshal(l.Fields)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO licenses (`+licenseCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.IssuerID, l.IssuerName, l.Region, l.Type, l.Number, l.HolderKind, l.HolderID, l.HolderRef, l.HolderName, string(fields),
		l.ValidFrom.UTC(), nullTime(l.ValidUntil), l.State, l.Reason, l.StatusList, l.StatusIndex, l.SealID, l.KID, l.JWS,
		l.CaseID, l.IssuedBy, l.IssuedAt.UTC(), l.UpdatedAt.UTC())
	return conflict(err, "license")
}

func (s *Store) License(ctx context.Context, id ids.ID) (_ *license.License, err error) {
	defer errs.Wrap(&err, "sqlstore.License(%q)", id)
	l, err := scanLicense(s.db.QueryRow(ctx, `SELECT `+licenseCols+` FROM licenses WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "license")
	}
	return l, nil
}

func (s *Store) SetLicenseState(ctx context.Context, l *license.License) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetLicenseState(%q)", l.ID)
	_, err = s.db.Exec(ctx, `UPDATE licenses SET state = ?, reason = ?, updated_at = ? WHERE id = ?`, l.State, l.Reason, l.UpdatedAt.UTC(), l.ID)
	return err
}

func (s *Store) queryLicenses(ctx context.Context, q string, args ...any) ([]license.License, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.License
	for rows.Next() {
		l, err := scanLicense(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, rows.Err()
}

func (s *Store) HolderLicenses(ctx context.Context, holderID ids.ID) (_ []license.License, err error) {
	defer errs.Wrap(&err, "sqlstore.HolderLicenses")
	return s.queryLicenses(ctx, `SELECT `+licenseCols+` FROM licenses WHERE holder_id = ? ORDER BY issued_at DESC, id`, holderID)
}

func (s *Store) IssuerLicenses(ctx context.Context, issuerID ids.ID, limit int) (_ []license.License, err error) {
	defer errs.Wrap(&err, "sqlstore.IssuerLicenses")
	return s.queryLicenses(ctx, `SELECT `+licenseCols+` FROM licenses WHERE issuer_id = ? ORDER BY issued_at DESC, id LIMIT ?`, issuerID, limit)
}

func (s *Store) StatusIndexes(ctx context.Context, list int64, st license.State) (_ []int, err error) {
	defer errs.Wrap(&err, "sqlstore.StatusIndexes(%d)", list)
	rows, err := s.db.Query(ctx, `SELECT status_index FROM licenses WHERE status_list = ? AND state = ?`, list, st)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

func (s *Store) LicenseAt(ctx context.Context, list int64, index int) (_ license.State, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseAt(%d, %d)", list, index)
	var st license.State
	err = s.db.QueryRow(ctx, `SELECT state FROM licenses WHERE status_list = ? AND status_index = ?`, list, index).Scan(&st)
	if err != nil {
		return "", notFound(err, "license")
	}
	return st, nil
}

func (s *Store) StatusSealOrg(ctx context.Context) (_ ids.ID, err error) {
	defer errs.Wrap(&err, "sqlstore.StatusSealOrg")
	var id ids.ID
	err = s.db.QueryRow(ctx, `SELECT org_id FROM seals WHERE kind = 'official' AND state = 'active'
		ORDER BY LENGTH(region), created_at, id LIMIT 1`).Scan(&id)
	if err != nil {
		return "", notFound(err, "seal")
	}
	return id, nil
}

func (s *Store) LicenseEnterpriseByUSCC(ctx context.Context, uscc string) (_ *identity.Enterprise, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseEnterpriseByUSCC")
	var id ids.ID
	if err := s.db.QueryRow(ctx, `SELECT id FROM enterprises WHERE uscc = ?`, uscc).Scan(&id); err != nil {
		return nil, notFound(err, "license.holder")
	}
	return s.Enterprise(ctx, id)
}

const licenseUseCols = `u.id, u.license_id, u.holder_id, u.user_id, u.user_name, u.org_name, u.case_id, u.purpose, u.scenario, u.place, u.at`

func (s *Store) AddLicenseUse(ctx context.Context, u *license.Use) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddLicenseUse")
	_, err = s.db.Exec(ctx, `INSERT INTO license_uses (id, license_id, holder_id, user_id, user_name, org_name, case_id, purpose,
		scenario, place, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.LicenseID, u.HolderID, u.UserID, u.UserName, u.OrgName, u.CaseID, u.Purpose, u.Scenario, u.Place, u.At.UTC())
	return err
}

func (s *Store) LicenseUses(ctx context.Context, holderID ids.ID, limit int) (_ []license.Use, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseUses")
	rows, err := s.db.Query(ctx, `SELECT `+licenseUseCols+`, l.number, l.type FROM license_uses u JOIN licenses l ON l.id = u.license_id
		WHERE u.holder_id = ? ORDER BY u.at DESC, u.id LIMIT ?`, holderID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.Use
	for rows.Next() {
		var u license.Use
		if err := rows.Scan(&u.ID, &u.LicenseID, &u.HolderID, &u.UserID, &u.UserName, &u.OrgName, &u.CaseID, &u.Purpose,
			&u.Scenario, &u.Place, &u.At, &u.Number, &u.Type); err != nil {
			return nil, err
		}
		u.At = utc(u.At)
		out = append(out, u)
	}
	return out, rows.Err()
}
