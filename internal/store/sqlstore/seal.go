package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

var _ seal.Store = (*Store)(nil)

const sealCols = `id, org_id, org_name, org_uscc, region, kind, name, alg, state, reason, key_id, created_at, updated_at`

func scanSeal(sc interface{ Scan(...any) error }) (*seal.Seal, error) {
	var x seal.Seal
	if err := sc.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.OrgUSCC, &x.Region, &x.Kind, &x.Name, &x.Alg, &x.State, &x.Reason,
		&x.KeyID, &x.CreatedAt, &x.UpdatedAt); err != nil {
		return nil, err
	}
	x.CreatedAt, x.UpdatedAt = utc(x.CreatedAt), utc(x.UpdatedAt)
	return &x, nil
}

func (s *Store) CreateSeal(ctx context.Context, x *seal.Seal) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateSeal(%q)", x.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO seals (`+sealCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.OrgID, x.OrgName, x.OrgUSCC, x.Region, x.Kind, x.Name, x.Alg, x.State, x.Reason, x.KeyID,
		x.CreatedAt.UTC(), x.UpdatedAt.UTC())
	return conflict(err, "seal")
}

func (s *Store) UpdateSeal(ctx context.Context, x *seal.Seal, fromState seal.State, fromKey string) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateSeal(%q)", x.ID)
	res, err := s.db.Exec(ctx, `UPDATE seals SET state = ?, reason = ?, key_id = ?, updated_at = ? WHERE id = ? AND state = ? AND key_id = ?`,
		x.State, x.Reason, x.KeyID, x.UpdatedAt.UTC(), x.ID, fromState, fromKey)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "seal.wrong_state")
	}
	return nil
}

func (s *Store) Seal(ctx context.Context, id ids.ID) (_ *seal.Seal, err error) {
	defer errs.Wrap(&err, "sqlstore.Seal(%q)", id)
	x, err := scanSeal(s.db.QueryRow(ctx, `SELECT `+sealCols+` FROM seals WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "seal")
	}
	return x, nil
}

func (s *Store) querySeals(ctx context.Context, q string, args ...any) ([]seal.Seal, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.Seal
	for rows.Next() {
		x, err := scanSeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

func (s *Store) Seals(ctx context.Context, within []region.Code) (_ []seal.Seal, err error) {
	defer errs.Wrap(&err, "sqlstore.Seals")
	var or []string
	var args []any
	for _, r := range within {
		cond, a := withinRegion("region", string(r))
		or, args = append(or, cond), append(args, a...)
	}
	if len(or) == 0 {
		return nil, nil
	}
	return s.querySeals(ctx, `SELECT `+sealCols+` FROM seals WHERE (`+strings.Join(or, " OR ")+`)
		ORDER BY region, org_name, kind DESC, name`, args...)
}

// withinRegion is within, with "" (everywhere) allowed.
func withinRegion(col, prefix string) (string, []any) {
	if prefix == "" {
		return "1 = 1", nil
	}
	return within(col, prefix)
}

func (s *Store) OrgSeals(ctx context.Context, orgID ids.ID) (_ []seal.Seal, err error) {
	defer errs.Wrap(&err, "sqlstore.OrgSeals(%q)", orgID)
	return s.querySeals(ctx, `SELECT `+sealCols+` FROM seals WHERE org_id = ?
		ORDER BY CASE WHEN state = 'active' THEN 0 ELSE 1 END, created_at`, orgID)
}

const sealKeyCols = `kid, seal_id, alg, public_jwk, private_enc, state, created_at, retired_at, revoked_at`

func scanSealKey(sc interface{ Scan(...any) error }) (*seal.Key, error) {
	var k seal.Key
	var jwk string
	var retired, revoked sql.NullTime
	if err := sc.Scan(&k.KID, &k.SealID, &k.Alg, &jwk, &k.PrivateEnc, &k.State, &k.CreatedAt, &retired, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(jwk), &k.Public); err != nil {
		return nil, err
	}
	k.CreatedAt = utc(k.CreatedAt)
	if retired.Valid {
		k.RetiredAt = retired.Time.UTC()
	}
	if revoked.Valid {
		k.RevokedAt = revoked.Time.UTC()
	}
	return &k, nil
}

func (s *Store) CreateSealKey(ctx context.Context, k *seal.Key) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateSealKey(%q)", k.KID)
	jwk, err := json.Marshal(k.Public)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO seal_keys (`+sealKeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.KID, k.SealID, k.Alg, string(jwk), k.PrivateEnc, k.State, k.CreatedAt.UTC(), nullTime(k.RetiredAt), nullTime(k.RevokedAt))
	return conflict(err, "seal")
}

func (s *Store) SealKey(ctx context.Context, kid string) (_ *seal.Key, err error) {
	defer errs.Wrap(&err, "sqlstore.SealKey(%q)", kid)
	k, err := scanSealKey(s.db.QueryRow(ctx, `SELECT `+sealKeyCols+` FROM seal_keys WHERE kid = ?`, kid))
	if err != nil {
		return nil, notFoundKey(err, "seal.key_not_found")
	}
	return k, nil
}

func (s *Store) SealKeys(ctx context.Context, sealID ids.ID) (_ []seal.Key, err error) {
	defer errs.Wrap(&err, "sqlstore.SealKeys(%q)", sealID)
	rows, err := s.db.Query(ctx, `SELECT `+sealKeyCols+` FROM seal_keys WHERE seal_id = ? ORDER BY created_at DESC, kid`, sealID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.Key
	for rows.Next() {
		k, err := scanSealKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

func (s *Store) SetSealKeyState(ctx context.Context, kid string, st seal.KeyState, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetSealKeyState(%q)", kid)
	col := "retired_at"
	if st == seal.KeyRevoked {
		col = "revoked_at"
	}
	_, err = s.db.Exec(ctx, `UPDATE seal_keys SET state = ?, `+col+` = ? WHERE kid = ?`, st, at.UTC(), kid)
	return err
}

func (s *Store) PublishedSealKeys(ctx context.Context) (_ []seal.PublishedKey, err error) {
	defer errs.Wrap(&err, "sqlstore.PublishedSealKeys")
	return s.sealKeysWithSeal(ctx, `k.state IN ('active', 'retired')`)
}

// RevokedSealKeys lists every revoked key with its seal (RevokedAt set).
func (s *Store) RevokedSealKeys(ctx context.Context) (_ []seal.PublishedKey, err error) {
	defer errs.Wrap(&err, "sqlstore.RevokedSealKeys")
	return s.sealKeysWithSeal(ctx, `k.state = 'revoked'`)
}

func (s *Store) sealKeysWithSeal(ctx context.Context, where string) ([]seal.PublishedKey, error) {
	var cols []string
	for _, c := range strings.Split(sealKeyCols, ", ") {
		cols = append(cols, "k."+strings.TrimSpace(c))
	}
	for _, c := range strings.Split(sealCols, ", ") {
		cols = append(cols, "s."+strings.TrimSpace(c))
	}
	rows, err := s.db.Query(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM seal_keys k JOIN seals s ON s.id = k.seal_id
		WHERE `+where+` ORDER BY s.org_name, k.created_at, k.kid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.PublishedKey
	for rows.Next() {
		var p seal.PublishedKey
		var jwk string
		var retired, revoked sql.NullTime
		k, x := &p.Key, &p.Seal
		if err := rows.Scan(&k.KID, &k.SealID, &k.Alg, &jwk, &k.PrivateEnc, &k.State, &k.CreatedAt, &retired, &revoked,
			&x.ID, &x.OrgID, &x.OrgName, &x.OrgUSCC, &x.Region, &x.Kind, &x.Name, &x.Alg, &x.State, &x.Reason,
			&x.KeyID, &x.CreatedAt, &x.UpdatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(jwk), &k.Public); err != nil {
			return nil, err
		}
		k.PrivateEnc = nil // never leaves the store on this path
		k.CreatedAt = utc(k.CreatedAt)
		if retired.Valid {
			k.RetiredAt = utc(retired.Time)
		}
		if revoked.Valid {
			k.RevokedAt = utc(revoked.Time)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const sealUseCols = `id, seal_id, kid, actor_id, actor_name, doc_hash, purpose, ref, at`

func scanSealUse(sc interface{ Scan(...any) error }) (*seal.Use, error) {
	var u seal.Use
	if err := sc.Scan(&u.ID, &u.SealID, &u.KID, &u.ActorID, &u.ActorName, &u.DocHash, &u.Purpose, &u.Ref, &u.At); err != nil {
		return nil, err
	}
	u.At = utc(u.At)
	return &u, nil
}

func (s *Store) AddSealUse(ctx context.Context, u *seal.Use) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddSealUse")
	_, err = s.db.Exec(ctx, `INSERT INTO seal_uses (`+sealUseCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.SealID, u.KID, u.ActorID, u.ActorName, u.DocHash, u.Purpose, u.Ref, u.At.UTC())
	return err
}

func (s *Store) SealUses(ctx context.Context, sealID ids.ID, limit int) (_ []seal.Use, err error) {
	defer errs.Wrap(&err, "sqlstore.SealUses(%q)", sealID)
	rows, err := s.db.Query(ctx, `SELECT `+sealUseCols+` FROM seal_uses WHERE seal_id = ? ORDER BY at DESC, id DESC LIMIT ?`, sealID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.Use
	for rows.Next() {
		u, err := scanSealUse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

func (s *Store) SealUseOf(ctx context.Context, kid, docHash string) (_ *seal.Use, err error) {
	defer errs.Wrap(&err, "sqlstore.SealUseOf(%q)", kid)
	u, err := scanSealUse(s.db.QueryRow(ctx, `SELECT `+sealUseCols+` FROM seal_uses WHERE kid = ? AND doc_hash = ? ORDER BY at LIMIT 1`, kid, docHash))
	if err != nil {
		return nil, notFoundKey(err, "seal.use_unproven")
	}
	return u, nil
}

func (s *Store) AuditEntryOf(ctx context.Context, targetType, targetID string) (_ *audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.AuditEntryOf(%s %q)", targetType, targetID)
	e, err := scanAudit(s.db.QueryRow(ctx, `SELECT `+auditCols+` FROM audit_log WHERE target_type = ? AND target_id = ? ORDER BY seq LIMIT 1`,
		targetType, targetID))
	if err != nil {
		return nil, notFoundKey(err, "seal.use_unproven")
	}
	return e, nil
}

func (s *Store) AuditEntryAt(ctx context.Context, seq int64) (_ *audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.AuditEntryAt(%d)", seq)
	e, err := scanAudit(s.db.QueryRow(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq = ?`, seq))
	if err != nil {
		return nil, notFoundKey(err, "seal.use_unproven")
	}
	return e, nil
}

// notFoundKey turns sql.ErrNoRows into errs.NotFound with message key.
func notFoundKey(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, key)
	}
	return err
}

func (s *Store) SealCoverage(ctx context.Context, within []region.Code) (withSeal, total int, err error) {
	defer errs.Wrap(&err, "sqlstore.SealCoverage")
	var or []string
	var args []any
	for _, r := range within {
		cond, a := withinRegion("o.region_code", string(r))
		or, args = append(or, cond), append(args, a...)
	}
	if len(or) == 0 {
		return 0, 0, nil
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM seals s WHERE s.org_id = o.id AND s.state = 'active'))
		FROM organizations o WHERE (`+strings.Join(or, " OR ")+`)`, args...).Scan(&total, &withSeal)
	return withSeal, total, err
}
