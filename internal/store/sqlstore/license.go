package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

var _ license.Store = (*Store)(nil)

func (s *Store) NextStatusEntries(ctx context.Context, size, want int, now time.Time) (list int64, first int64, got int, err error) {
	defer errs.Wrap(&err, "sqlstore.NextStatusEntries")
	// The newest list's counter moves under the transaction's write lock
	// (SQLite) or row lock (PostgreSQL); a full list starts the next. A
	// block never spans two lists. On PostgreSQL two transactions can both
	// find no list (or the same full one) and both start the next: the
	// loser's INSERT waits for the winner's commit and does nothing, and
	// the loser reads again, now seeing the new list, and takes its block
	// from it under the row lock. (SQLite's BEGIN IMMEDIATE serialises
	// writers, so the second pass never happens there.)
	for attempt := 0; attempt < 5; attempt++ {
		var next, lsize int64
		err = s.db.QueryRow(ctx, `SELECT id, next_index, size FROM status_lists WHERE id = (SELECT MAX(id) FROM status_lists)`+s.db.ForUpdate()).
			Scan(&list, &next, &lsize)
		switch {
		case err == nil && next < lsize:
			got = int(min(int64(want), lsize-next))
			if _, err := s.db.Exec(ctx, `UPDATE status_lists SET next_index = ? WHERE id = ?`, next+int64(got), list); err != nil {
				return 0, 0, 0, err
			}
			return list, next, got, nil
		case err == nil || errors.Is(err, sql.ErrNoRows):
			list++ // 1 when there is no list yet
			got = min(want, size)
			res, err := s.db.Exec(ctx, `INSERT INTO status_lists (id, size, next_index, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (id) DO NOTHING`, list, size, got, now.UTC())
			if err != nil {
				return 0, 0, 0, err
			}
			if n, err := res.RowsAffected(); err != nil {
				return 0, 0, 0, err
			} else if n == 1 {
				return list, 0, got, nil
			}
			continue // another transaction started this list first
		default:
			return 0, 0, 0, err
		}
	}
	return 0, 0, 0, errs.E(errs.Conflict, "license.status_busy")
}

func (s *Store) RecordStatusReservation(ctx context.Context, id string, list, first int64, count int, now time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.RecordStatusReservation")
	_, err = s.db.Exec(ctx, `INSERT INTO status_reservations (id, status_list, first_index, count, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, list, first, count, now.UTC())
	return err
}

func (s *Store) StatusReservationHeld(ctx context.Context, id string) (ok bool, err error) {
	defer errs.Wrap(&err, "sqlstore.StatusReservationHeld")
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM status_reservations WHERE id = ?`, id).Scan(&n)
	return n > 0, err
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

func (s *Store) SetLicenseState(ctx context.Context, l *license.License, from license.State) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetLicenseState(%q)", l.ID)
	res, err := s.db.Exec(ctx, `UPDATE licenses SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		l.State, l.Reason, l.UpdatedAt.UTC(), l.ID, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "license.wrong_state")
	}
	return nil
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
	err = s.db.QueryRow(ctx, `SELECT s.org_id FROM seals s JOIN organizations o ON o.id = s.org_id
		WHERE s.kind = 'official' AND s.state = 'active' ORDER BY LENGTH(s.region), o.created_at, o.id LIMIT 1`).Scan(&id)
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

const licenseUseCols = `u.id, u.license_id, u.holder_id, u.user_id, u.user_name, u.org_name, u.case_id, u.purpose, u.scenario, u.place, u.at,
	u.basis, u.reason`

func (s *Store) AddLicenseUse(ctx context.Context, u *license.Use) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddLicenseUse")
	_, err = s.db.Exec(ctx, `INSERT INTO license_uses (id, license_id, holder_id, user_id, user_name, org_name, case_id, purpose,
		scenario, place, at, basis, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.LicenseID, u.HolderID, u.UserID, u.UserName, u.OrgName, u.CaseID, u.Purpose, u.Scenario, u.Place, u.At.UTC(),
		u.Basis, u.Reason)
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
			&u.Scenario, &u.Place, &u.At, &u.Basis, &u.Reason, &u.Number, &u.Type); err != nil {
			return nil, err
		}
		u.At = utc(u.At)
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *Store) AddTrustedKey(ctx context.Context, k *license.TrustedKey) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddTrustedKey(%q)", k.KID)
	jwk, err := json.Marshal(k.JWK)
	if err != nil {
		return err
	}
	if !k.RevokedAt.IsZero() {
		// A key its source revoked: kept, withdrawn from trust (since
		// when it was, if it was before), with the source's revocation time.
		_, err = s.db.Exec(ctx, `INSERT INTO trusted_keys (kid, jwk, org_name, source, node, imported_at, imported_by, removed_at, removed_by, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (kid) DO UPDATE SET jwk = excluded.jwk, org_name = excluded.org_name, source = excluded.source, node = excluded.node,
			removed_at = COALESCE(trusted_keys.removed_at, excluded.removed_at),
			removed_by = CASE WHEN trusted_keys.removed_at IS NULL THEN excluded.removed_by ELSE trusted_keys.removed_by END,
			revoked_at = excluded.revoked_at`,
			k.KID, string(jwk), k.JWK.Org, k.Source, k.Node, k.ImportedAt.UTC(), k.ImportedBy, k.ImportedAt.UTC(), k.ImportedBy, k.RevokedAt.UTC())
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO trusted_keys (kid, jwk, org_name, source, node, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kid) DO UPDATE SET jwk = excluded.jwk, org_name = excluded.org_name, source = excluded.source,
		node = excluded.node, imported_at = excluded.imported_at, imported_by = excluded.imported_by, removed_at = NULL, removed_by = '', revoked_at = NULL`,
		k.KID, string(jwk), k.JWK.Org, k.Source, k.Node, k.ImportedAt.UTC(), k.ImportedBy)
	return err
}

const trustedKeyCols = `kid, jwk, org_name, source, node, imported_at, imported_by, removed_at, removed_by, revoked_at`

// WithdrawTrustedKeys marks the trusted keys of a source (by its name, or
// by its node URL when node is not "") withdrawn, but for those in keep.
func (s *Store) WithdrawTrustedKeys(ctx context.Context, source, node string, keep []string, at time.Time, by string) (_ int, err error) {
	defer errs.Wrap(&err, "sqlstore.WithdrawTrustedKeys(%q)", source)
	q := `UPDATE trusted_keys SET removed_at = ?, removed_by = ? WHERE removed_at IS NULL AND (source = ?`
	args := []any{at.UTC(), by, source}
	if node != "" {
		q += ` OR node = ?`
		args = append(args, node)
	}
	q += `)`
	if len(keep) > 0 {
		q += ` AND kid NOT IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(keep)), ", ") + `)`
		for _, k := range keep {
			args = append(args, k)
		}
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func scanTrustedKey(sc interface{ Scan(...any) error }) (*license.TrustedKey, error) {
	var k license.TrustedKey
	var jwk, org string
	var removed, revoked sql.NullTime
	if err := sc.Scan(&k.KID, &jwk, &org, &k.Source, &k.Node, &k.ImportedAt, &k.ImportedBy, &removed, &k.RemovedBy, &revoked); err != nil {
		return nil, err
	}
	if revoked.Valid {
		k.RevokedAt = utc(revoked.Time)
	}
	if removed.Valid {
		k.RemovedAt = utc(removed.Time)
	}
	if err := json.Unmarshal([]byte(jwk), &k.JWK); err != nil {
		return nil, err
	}
	k.ImportedAt = utc(k.ImportedAt)
	return &k, nil
}

func (s *Store) TrustedKey(ctx context.Context, kid string) (_ *license.TrustedKey, err error) {
	defer errs.Wrap(&err, "sqlstore.TrustedKey(%q)", kid)
	k, err := scanTrustedKey(s.db.QueryRow(ctx, `SELECT `+trustedKeyCols+` FROM trusted_keys WHERE kid = ?`, kid))
	if err != nil {
		return nil, notFoundKey(err, "verify.unknown_key")
	}
	return k, nil
}

func (s *Store) TrustedKeys(ctx context.Context) (_ []license.TrustedKey, err error) {
	defer errs.Wrap(&err, "sqlstore.TrustedKeys")
	rows, err := s.db.Query(ctx, `SELECT `+trustedKeyCols+` FROM trusted_keys
		WHERE removed_at IS NULL ORDER BY source, org_name, kid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.TrustedKey
	for rows.Next() {
		k, err := scanTrustedKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

func (s *Store) AddLicenseGrant(ctx context.Context, g *license.Grant) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddLicenseGrant")
	args := ""
	if len(g.PurposeArgs) > 0 {
		b, err := json.Marshal(g.PurposeArgs)
		if err != nil {
			return err
		}
		args = string(b)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO license_grants (id, license_id, holder_id, org_id, case_id, material, license_type, purpose, purpose_code,
		purpose_args, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.LicenseID, g.HolderID, g.OrgID, g.CaseID,
		g.Material, g.LicenseType, g.Purpose,
		g.PurposeCode, args, g.CreatedAt.UTC(), g.ExpiresAt.UTC())
	return err
}

const licenseGrantCols = `g.id, g.license_id, g.holder_id, g.org_id, g.case_id, g.material, g.license_type, g.purpose, g.purpose_code, g.purpose_args, g.created_at,
	g.expires_at, g.revoked_at`

func scanLicenseGrant(sc interface{ Scan(...any) error }, extra ...any) (*license.Grant, error) {
	var g license.Grant
	var revoked sql.NullTime
	var args string
	if err := sc.Scan(append([]any{&g.ID, &g.LicenseID, &g.HolderID, &g.OrgID, &g.CaseID, &g.Material, &g.LicenseType, &g.Purpose, &g.PurposeCode, &args, &g.CreatedAt,
		&g.ExpiresAt, &revoked}, extra...)...); err != nil {
		return nil, err
	}
	if args != "" {
		if err := json.Unmarshal([]byte(args), &g.PurposeArgs); err != nil {
			return nil, err
		}
	}
	g.CreatedAt, g.ExpiresAt = utc(g.CreatedAt), utc(g.ExpiresAt)
	if revoked.Valid {
		g.RevokedAt = utc(revoked.Time)
	}
	return &g, nil
}

func (s *Store) CaseLicenseGrants(ctx context.Context, caseID ids.ID) (_ []license.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseLicenseGrants")
	// The newest grant of each licence.
	rows, err := s.db.Query(ctx, `SELECT `+licenseGrantCols+` FROM license_grants g
		WHERE case_id = ? AND revoked_at IS NULL AND created_at = (SELECT MAX(created_at) FROM license_grants h
		WHERE h.case_id = g.case_id AND h.license_id = g.license_id AND h.revoked_at IS NULL) ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.Grant
	for rows.Next() {
		g, err := scanLicenseGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

func (s *Store) LicenseGrant(ctx context.Context, id ids.ID) (_ *license.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseGrant(%q)", id)
	g, err := scanLicenseGrant(s.db.QueryRow(ctx, `SELECT `+licenseGrantCols+` FROM license_grants g WHERE id = ?`, id))
	if err != nil {
		return nil, notFoundKey(err, "not_found")
	}
	return g, nil
}

func (s *Store) HolderLicenseGrants(ctx context.Context, holderID ids.ID, limit int) (_ []license.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.HolderLicenseGrants")
	rows, err := s.db.Query(ctx, `SELECT `+licenseGrantCols+`, l.number, l.type, COALESCE(c.number, ''), COALESCE(o.name, '')
		FROM license_grants g JOIN licenses l ON l.id = g.license_id LEFT JOIN cases c ON c.id = g.case_id
		LEFT JOIN organizations o ON o.id = g.org_id
		WHERE g.holder_id = ? ORDER BY g.created_at DESC, g.id LIMIT ?`, holderID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.Grant
	for rows.Next() {
		var num, typ, cnum, auth string
		g, err := scanLicenseGrant(rows, &num, &typ, &cnum, &auth)
		if err != nil {
			return nil, err
		}
		g.Number, g.Type, g.CaseNumber, g.Authority = num, typ, cnum, auth
		out = append(out, *g)
	}
	return out, rows.Err()
}

func (s *Store) RevokeLicenseGrant(ctx context.Context, id ids.ID, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.RevokeLicenseGrant(%q)", id)
	res, err := s.db.Exec(ctx, `UPDATE license_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errs.E(errs.Conflict, "license.grant_not_active")
	}
	return nil
}

func (s *Store) AddLicenseAccess(ctx context.Context, a *license.Access) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddLicenseAccess")
	_, err = s.db.Exec(ctx, `INSERT INTO license_accesses (id, license_id, holder_id, org_id, case_id, user_id, user_name, law, article,
		reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.LicenseID, a.HolderID, a.OrgID, a.CaseID, a.UserID, a.UserName,
		a.Basis.Law, a.Basis.Article, a.Basis.Reason, a.At.UTC())
	return err
}

func (s *Store) CaseLicenseAccesses(ctx context.Context, caseID, orgID ids.ID) (_ []license.Access, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseLicenseAccesses")
	// The newest access of each licence.
	rows, err := s.db.Query(ctx, `SELECT id, license_id, holder_id, org_id, case_id, user_id, user_name, law, article, reason, at
		FROM license_accesses a WHERE case_id = ? AND org_id = ? AND at = (SELECT MAX(at) FROM license_accesses b
		WHERE b.case_id = a.case_id AND b.org_id = a.org_id AND b.license_id = a.license_id) ORDER BY at, id`, caseID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []license.Access
	seen := map[ids.ID]bool{}
	for rows.Next() {
		var a license.Access
		if err := rows.Scan(&a.ID, &a.LicenseID, &a.HolderID, &a.OrgID, &a.CaseID, &a.UserID, &a.UserName, &a.Basis.Law,
			&a.Basis.Article, &a.Basis.Reason, &a.At); err != nil {
			return nil, err
		}
		if seen[a.LicenseID] { // two accesses in the same microsecond
			continue
		}
		seen[a.LicenseID] = true
		a.At = utc(a.At)
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) LicenseUseRates(ctx context.Context, mats []license.UseRateMaterial, within []region.Code, by cases.Grouping) (_ []license.UseRate, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseUseRates(%s)", by)
	if len(mats) == 0 || len(within) == 0 {
		return nil, nil
	}
	key, label := "c.item_code", "MAX(c.item_name)"
	switch by {
	case cases.ByAuthority:
		key, label = "c.authority_id", "MAX(c.authority)"
	case cases.ByCity:
		key, label = "substr(c.decided_at, 1, 4)", "''"
	case cases.ByCounty:
		key, label = "substr(c.decided_at, 1, 6)", "''"
	}
	// The (item, licence-capable material, licence type that satisfies it)
	// triples of the catalog, and per item how many such materials it has.
	var triples []string
	var args []any
	need := map[string]map[string]bool{}
	var order []string
	for _, m := range mats {
		for _, t := range m.Types {
			triples, args = append(triples, "(?, ?, ?)"), append(args, m.Item, m.Material, t)
		}
		if len(m.Types) == 0 {
			continue
		}
		if need[m.Item] == nil {
			need[m.Item] = map[string]bool{}
			order = append(order, m.Item)
		}
		need[m.Item][m.Material] = true
	}
	if len(triples) == 0 {
		return nil, nil
	}
	needed := "CASE c.item_code"
	for _, it := range order {
		needed += " WHEN ? THEN " + strconv.Itoa(len(need[it]))
		args = append(args, it)
	}
	needed += " ELSE 0 END"
	var or []string
	for _, r := range within {
		cond, a := withinRegion("c.decided_at", string(r))
		or, args = append(or, cond), append(args, a...)
	}
	for _, it := range order {
		args = append(args, it)
	}
	// A case is counted as used when its unrevoked grants, recorded for a
	// licence-capable material of its item with a licence of a type that
	// material accepts, cover as many distinct materials as the item has.
	// The grants are read from the license_grants_use index alone.
	q, err := s.db.Query(ctx, `SELECT `+key+`, `+label+`, COUNT(*),
		SUM(CASE WHEN (SELECT COUNT(DISTINCT g.material) FROM license_grants g WHERE g.case_id = c.id AND g.revoked_at IS NULL
			AND (c.item_code, g.material, g.license_type) IN (VALUES `+strings.Join(triples, ", ")+`)) = `+needed+` THEN 1 ELSE 0 END)
		FROM cases c WHERE (`+strings.Join(or, " OR ")+`) AND c.item_code IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(order)), ", ")+`)
		AND c.state <> 'draft'
		GROUP BY `+key+` ORDER BY COUNT(*) DESC, `+key, args...)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	var out []license.UseRate
	for q.Next() {
		var u license.UseRate
		if err := q.Scan(&u.Key, &u.Name, &u.Eligible, &u.Used); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, q.Err()
}

func (s *Store) LicenseRef(ctx context.Context, id ids.ID) (_ string, err error) {
	defer errs.Wrap(&err, "sqlstore.LicenseRef(%q)", id)
	var ref string
	if err := s.db.QueryRow(ctx, `SELECT ref_jws FROM licenses WHERE id = ?`, id).Scan(&ref); err != nil {
		return "", notFoundKey(err, "license.not_found")
	}
	return ref, nil
}

func (s *Store) SetLicenseRef(ctx context.Context, id ids.ID, ref string) (_ string, err error) {
	defer errs.Wrap(&err, "sqlstore.SetLicenseRef(%q)", id)
	if _, err := s.db.Exec(ctx, `UPDATE licenses SET ref_jws = ? WHERE id = ? AND ref_jws = ''`, ref, id); err != nil {
		return "", err
	}
	return s.LicenseRef(ctx, id)
}
