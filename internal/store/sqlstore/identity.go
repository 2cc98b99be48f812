package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

var _ identity.Store = (*Store)(nil)

const orgCols = `id, name, uscc, region_code, kind, department, COALESCE(parent_id, ''), created_at`

func scanOrg(sc interface{ Scan(...any) error }) (*identity.Organization, error) {
	var o identity.Organization
	err := sc.Scan(&o.ID, &o.Name, &o.USCC, &o.Region, &o.Kind, &o.Department, &o.ParentID, &o.CreatedAt)
	o.CreatedAt = utc(o.CreatedAt)
	return &o, err
}

func (s *Store) CreateOrganization(ctx context.Context, o *identity.Organization) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateOrganization")
	_, err = s.db.Exec(ctx, `INSERT INTO organizations (id, name, uscc, region_code, kind, department, parent_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Name, o.USCC, o.Region, o.Kind, o.Department, nullString(o.ParentID), o.CreatedAt.UTC())
	return conflict(err, "organization")
}

func (s *Store) Organization(ctx context.Context, id ids.ID) (_ *identity.Organization, err error) {
	defer errs.Wrap(&err, "sqlstore.Organization(%q)", id)
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "organization")
	}
	return o, nil
}

func (s *Store) OrganizationByDepartment(ctx context.Context, department string, code region.Code) (_ *identity.Organization, err error) {
	defer errs.Wrap(&err, "sqlstore.OrganizationByDepartment(%q, %q)", department, code)
	o, err := scanOrg(s.db.QueryRow(ctx, `SELECT `+orgCols+` FROM organizations WHERE department = ? AND region_code = ? ORDER BY created_at LIMIT 1`, department, code))
	if err != nil {
		return nil, notFound(err, "organization")
	}
	return o, nil
}

func (s *Store) Organizations(ctx context.Context) (_ []identity.Organization, err error) {
	defer errs.Wrap(&err, "sqlstore.Organizations")
	rows, err := s.db.Query(ctx, `SELECT `+orgCols+` FROM organizations ORDER BY region_code, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []identity.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

const personCols = `id, name, id_number_enc, id_number_idx, phone_enc, COALESCE(phone_idx, ''), region_code, created_at`

func scanPerson(sc interface{ Scan(...any) error }) (*identity.PersonRecord, error) {
	var p identity.PersonRecord
	err := sc.Scan(&p.ID, &p.Name, &p.IDNumberEnc, &p.IDNumberIdx, &p.PhoneEnc, &p.PhoneIdx, &p.Region, &p.CreatedAt)
	p.CreatedAt = utc(p.CreatedAt)
	return &p, err
}

func (s *Store) CreatePerson(ctx context.Context, p *identity.PersonRecord) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreatePerson")
	_, err = s.db.Exec(ctx, `INSERT INTO persons (id, name, id_number_enc, id_number_idx, phone_enc, phone_idx, region_code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.IDNumberEnc, p.IDNumberIdx, p.PhoneEnc, nullString(p.PhoneIdx), p.Region, p.CreatedAt.UTC())
	return conflict(err, "person")
}

func (s *Store) Person(ctx context.Context, id ids.ID) (_ *identity.PersonRecord, err error) {
	defer errs.Wrap(&err, "sqlstore.Person(%q)", id)
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personCols+` FROM persons WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "person")
	}
	return p, nil
}

func (s *Store) PersonByIDNumberIndex(ctx context.Context, idx string) (_ *identity.PersonRecord, err error) {
	defer errs.Wrap(&err, "sqlstore.PersonByIDNumberIndex")
	p, err := scanPerson(s.db.QueryRow(ctx, `SELECT `+personCols+` FROM persons WHERE id_number_idx = ?`, idx))
	if err != nil {
		return nil, notFound(err, "person")
	}
	return p, nil
}

func (s *Store) CreateEnterprise(ctx context.Context, e *identity.Enterprise) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateEnterprise")
	_, err = s.db.Exec(ctx, `INSERT INTO enterprises (id, name, uscc, region_code, created_at) VALUES (?, ?, ?, ?, ?)`,
		e.ID, e.Name, e.USCC, e.Region, e.CreatedAt.UTC())
	return conflict(err, "enterprise")
}

func (s *Store) Enterprise(ctx context.Context, id ids.ID) (_ *identity.Enterprise, err error) {
	defer errs.Wrap(&err, "sqlstore.Enterprise(%q)", id)
	var e identity.Enterprise
	err = s.db.QueryRow(ctx, `SELECT id, name, uscc, region_code, created_at FROM enterprises WHERE id = ?`, id).
		Scan(&e.ID, &e.Name, &e.USCC, &e.Region, &e.CreatedAt)
	if err != nil {
		return nil, notFound(err, "enterprise")
	}
	e.CreatedAt = utc(e.CreatedAt)
	return &e, nil
}

const userCols = `id, username, display_name, password_hash, kind, COALESCE(person_id, ''), COALESCE(enterprise_id, ''),
	COALESCE(org_id, ''), locale, elderly, failed_logins, locked_until, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (*identity.User, error) {
	var u identity.User
	var locked sql.NullTime
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Kind, &u.PersonID, &u.EnterpriseID,
		&u.OrgID, &u.Locale, &u.Elderly, &u.FailedLogins, &locked, &u.Disabled, &u.CreatedAt)
	if locked.Valid {
		u.LockedUntil = locked.Time.UTC()
	}
	u.CreatedAt = utc(u.CreatedAt)
	return &u, err
}

func (s *Store) CreateUser(ctx context.Context, u *identity.User) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateUser")
	_, err = s.db.Exec(ctx, `INSERT INTO users (id, username, display_name, password_hash, kind, person_id, enterprise_id, org_id, locale, elderly, failed_logins, locked_until, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Username, u.DisplayName, u.PasswordHash, u.Kind, nullString(u.PersonID), nullString(u.EnterpriseID),
		nullString(u.OrgID), u.Locale, u.Elderly, u.FailedLogins, nullTime(u.LockedUntil), u.Disabled, u.CreatedAt.UTC())
	return conflict(err, "user")
}

func (s *Store) User(ctx context.Context, id ids.ID) (_ *identity.User, err error) {
	defer errs.Wrap(&err, "sqlstore.User(%q)", id)
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

func (s *Store) UserByUsername(ctx context.Context, username string) (_ *identity.User, err error) {
	defer errs.Wrap(&err, "sqlstore.UserByUsername")
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

func (s *Store) UserByPerson(ctx context.Context, personID ids.ID) (_ *identity.User, err error) {
	defer errs.Wrap(&err, "sqlstore.UserByPerson")
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE person_id = ? AND kind = 'person'`, personID))
	if err != nil {
		return nil, notFound(err, "user")
	}
	return u, nil
}

func (s *Store) RecordLogin(ctx context.Context, id ids.ID, failed int, lockedUntil time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.RecordLogin")
	_, err = s.db.Exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, nullTime(lockedUntil), id)
	return err
}

func (s *Store) SetPreferences(ctx context.Context, id ids.ID, locale string, elderly bool) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetPreferences")
	_, err = s.db.Exec(ctx, `UPDATE users SET locale = ?, elderly = ? WHERE id = ?`, locale, elderly, id)
	return err
}

func (s *Store) AddGrant(ctx context.Context, userID ids.ID, g identity.Grant) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddGrant")
	_, err = s.db.Exec(ctx, `INSERT INTO grants (user_id, role, org_id, region_code) VALUES (?, ?, ?, ?)`, userID, g.Role, g.OrgID, g.Scope)
	return conflict(err, "grant")
}

func (s *Store) Grants(ctx context.Context, userID ids.ID) (_ []identity.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.Grants")
	rows, err := s.db.Query(ctx, `SELECT role, org_id, region_code FROM grants WHERE user_id = ? ORDER BY role, region_code`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []identity.Grant
	for rows.Next() {
		var g identity.Grant
		var scope string
		if err := rows.Scan(&g.Role, &g.OrgID, &scope); err != nil {
			return nil, err
		}
		g.Scope = region.Code(scope)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Store) CreateSession(ctx context.Context, se *identity.Session) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateSession")
	_, err = s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		se.TokenHash, se.UserID, se.CSRF, se.CreatedAt.UTC(), se.ExpiresAt.UTC())
	return err
}

func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (_ *identity.Session, err error) {
	defer errs.Wrap(&err, "sqlstore.SessionByHash")
	var se identity.Session
	err = s.db.QueryRow(ctx, `SELECT token_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`, hash, now.UTC()).
		Scan(&se.TokenHash, &se.UserID, &se.CSRF, &se.CreatedAt, &se.ExpiresAt)
	if err != nil {
		return nil, notFound(err, "session")
	}
	se.CreatedAt, se.ExpiresAt = utc(se.CreatedAt), utc(se.ExpiresAt)
	return &se, nil
}

func (s *Store) DeleteSession(ctx context.Context, hash string) (err error) {
	defer errs.Wrap(&err, "sqlstore.DeleteSession")
	_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return err
}

func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.DeleteExpiredSessions")
	_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	return err
}

func (s *Store) CreateAPIToken(ctx context.Context, t *identity.APIToken) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateAPIToken")
	_, err = s.db.Exec(ctx, `INSERT INTO api_tokens (id, token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.TokenHash, t.UserID, t.Name, t.CreatedAt.UTC(), nullTime(t.ExpiresAt))
	return conflict(err, "api_token")
}

func (s *Store) ExpireAPITokens(ctx context.Context, userID ids.ID, name string, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "sqlstore.ExpireAPITokens")
	res, err := s.db.Exec(ctx, `UPDATE api_tokens SET expires_at = ? WHERE user_id = ? AND name = ? AND (expires_at IS NULL OR expires_at > ?)`,
		now.UTC(), userID, name, now.UTC())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s *Store) APITokenByHash(ctx context.Context, hash string, now time.Time) (_ *identity.APIToken, err error) {
	defer errs.Wrap(&err, "sqlstore.APITokenByHash")
	var t identity.APIToken
	var exp sql.NullTime
	err = s.db.QueryRow(ctx, `SELECT id, token_hash, user_id, name, created_at, expires_at FROM api_tokens WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?)`, hash, now.UTC()).
		Scan(&t.ID, &t.TokenHash, &t.UserID, &t.Name, &t.CreatedAt, &exp)
	if err != nil {
		return nil, notFound(err, "api_token")
	}
	t.CreatedAt = utc(t.CreatedAt)
	if exp.Valid {
		t.ExpiresAt = exp.Time.UTC()
	}
	return &t, nil
}

func (s *Store) Overview(ctx context.Context, scopes []region.Code) (o identity.Overview, err error) {
	defer errs.Wrap(&err, "sqlstore.Overview")
	if len(scopes) == 0 {
		return o, nil
	}
	within := func(col string) (string, []any) {
		var or []string
		var args []any
		for _, sc := range scopes {
			cond, a := within(col, string(sc))
			or, args = append(or, cond), append(args, a...)
		}
		return "(" + strings.Join(or, " OR ") + ")", args
	}
	counts := []struct {
		dst *int
		q   string
		col string
	}{
		{&o.Persons, `SELECT COUNT(*) FROM persons WHERE `, "region_code"},
		{&o.Enterprises, `SELECT COUNT(*) FROM enterprises WHERE `, "region_code"},
		{&o.Organizations, `SELECT COUNT(*) FROM organizations WHERE `, "region_code"},
		{&o.Staff, `SELECT COUNT(*) FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.kind = 'staff' AND `, "o.region_code"},
		{&o.AuditEntries, `SELECT COUNT(*) FROM audit_log WHERE `, "region_code"},
	}
	for _, c := range counts {
		cond, args := within(c.col)
		if err := s.db.QueryRow(ctx, c.q+cond, args...).Scan(c.dst); err != nil {
			return o, err
		}
	}
	return o, nil
}
