package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ open311.Store = (*Store)(nil)

func (s *Store) PutOpen311Media(ctx context.Context, eventID ids.ID, url string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.PutOpen311Media(%q)", eventID)
	_, err = s.db.Exec(ctx, `INSERT INTO open311_media (event_id, url, created_at) VALUES (?, ?, ?)`, eventID, url, at.UTC())
	return conflictKey(err, "open311x.media_exists")
}

func (s *Store) Open311Media(ctx context.Context, eventIDs []ids.ID) (_ map[ids.ID]string, err error) {
	defer errs.Wrap(&err, "sqlstore.Open311Media")
	out := map[ids.ID]string{}
	for len(eventIDs) > 0 {
		n := min(len(eventIDs), 500)
		args := make([]any, n)
		for i, id := range eventIDs[:n] {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, `SELECT event_id, url FROM open311_media WHERE event_id IN (`+marks(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id ids.ID
			var u string
			if err := rows.Scan(&id, &u); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		eventIDs = eventIDs[n:]
	}
	return out, nil
}

const open311KeyCols = `k.id, k.key_hash, k.user_id, k.org_id, k.region, k.name, k.created_by, k.created_at, k.revoked_by,
	k.revoked_at, k.last_used_at, k.expires_at, u.display_name`

func scanOpen311Key(sc interface{ Scan(...any) error }) (*open311.Key, error) {
	var k open311.Key
	var revoked, used, expires sql.NullTime
	if err := sc.Scan(&k.ID, &k.Hash, &k.UserID, &k.OrgID, &k.Region, &k.Name, &k.CreatedBy, &k.CreatedAt, &k.RevokedBy,
		&revoked, &used, &expires, &k.Owner); err != nil {
		return nil, err
	}
	k.CreatedAt = utc(k.CreatedAt)
	if revoked.Valid {
		k.RevokedAt = utc(revoked.Time)
	}
	if used.Valid {
		k.LastUsedAt = utc(used.Time)
	}
	if expires.Valid {
		k.ExpiresAt = utc(expires.Time)
	}
	return &k, nil
}

func (s *Store) CreateOpen311Key(ctx context.Context, k *open311.Key) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateOpen311Key")
	var expires any
	if !k.ExpiresAt.IsZero() {
		expires = k.ExpiresAt.UTC()
	}
	_, err = s.db.Exec(ctx, `INSERT INTO open311_keys (id, key_hash, user_id, org_id, region, name, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.Hash, k.UserID, k.OrgID, k.Region, k.Name, k.CreatedBy, k.CreatedAt.UTC(), expires)
	return conflictKey(err, "open311x.key_exists")
}

func (s *Store) Open311KeyByHash(ctx context.Context, hash string) (_ *open311.Key, err error) {
	defer errs.Wrap(&err, "sqlstore.Open311KeyByHash")
	k, err := scanOpen311Key(s.db.QueryRow(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN users u ON u.id = k.user_id
		WHERE k.key_hash = ?`, hash))
	return k, notFoundKey(err, "open311x.key_not_found")
}

func (s *Store) Open311Key(ctx context.Context, id ids.ID) (_ *open311.Key, err error) {
	defer errs.Wrap(&err, "sqlstore.Open311Key(%q)", id)
	k, err := scanOpen311Key(s.db.QueryRow(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN users u ON u.id = k.user_id
		WHERE k.id = ?`, id))
	return k, notFoundKey(err, "open311x.key_not_found")
}

func (s *Store) Open311Keys(ctx context.Context, q open311.KeyQuery) (_ []open311.Key, err error) {
	defer errs.Wrap(&err, "sqlstore.Open311Keys")
	var or []string
	var args []any
	if q.UserID != "" {
		or, args = append(or, "k.user_id = ?"), append(args, q.UserID)
	}
	for _, w := range q.Within {
		c, a := within("k.region", string(w))
		or, args = append(or, c), append(args, a...)
	}
	if q.Citizens {
		or = append(or, "k.region = ''")
	}
	if len(or) == 0 {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	rows, err := s.db.Query(ctx, `SELECT `+open311KeyCols+` FROM open311_keys k JOIN users u ON u.id = k.user_id
		WHERE `+strings.Join(or, " OR ")+` ORDER BY k.created_at DESC, k.id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []open311.Key
	for rows.Next() {
		k, err := scanOpen311Key(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

func (s *Store) RevokeOpen311Key(ctx context.Context, id ids.ID, by string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.RevokeOpen311Key(%q)", id)
	res, err := s.db.Exec(ctx, `UPDATE open311_keys SET revoked_by = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, by, at.UTC(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "open311x.key_revoked")
	}
	return nil
}

func (s *Store) TouchOpen311Key(ctx context.Context, id ids.ID, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.TouchOpen311Key(%q)", id)
	_, err = s.db.Exec(ctx, `UPDATE open311_keys SET last_used_at = ? WHERE id = ?`, at.UTC(), id)
	return err
}

// conflictKey turns a unique violation into errs.Conflict with message key.
func conflictKey(err error, key string) error {
	if err != nil && db.IsUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Msg: key, Err: err}
	}
	return err
}
