package sqlstore

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

func (s *Store) SealUsesPage(ctx context.Context, within []region.Code, q seal.UseQuery) (_ []seal.Use, err error) {
	defer errs.Wrap(&err, "sqlstore.SealUsesPage")
	var where []string
	var args []any
	if q.SealID != "" {
		where, args = append(where, "u.seal_id = ?"), append(args, q.SealID)
	} else {
		var or []string
		for _, r := range within {
			cond, a := withinRegion("s.region", string(r))
			or, args = append(or, cond), append(args, a...)
		}
		if len(or) == 0 {
			return nil, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if !q.From.IsZero() {
		where, args = append(where, "u.at >= ?"), append(args, q.From.UTC())
	}
	if !q.To.IsZero() {
		where, args = append(where, "u.at < ?"), append(args, q.To.UTC())
	}
	if q.Purpose != "" {
		where, args = append(where, "u.purpose = ?"), append(args, q.Purpose)
	}
	if !q.After.IsZero() {
		where = append(where, "(u.at < ? OR (u.at = ? AND u.id < ?))")
		args = append(args, q.After.At.UTC(), q.After.At.UTC(), q.After.ID)
	}
	limit := q.Limit + 1
	rows, err := s.db.Query(ctx, `SELECT u.id, u.seal_id, u.kid, u.actor_id, u.actor_name, u.doc_hash, u.purpose, u.ref, u.at,
		s.org_name, s.kind, s.name FROM seal_uses u JOIN seals s ON s.id = u.seal_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY u.at DESC, u.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.Use
	for rows.Next() {
		var u seal.Use
		var se seal.Seal
		if err := rows.Scan(&u.ID, &u.SealID, &u.KID, &u.ActorID, &u.ActorName, &u.DocHash, &u.Purpose, &u.Ref, &u.At,
			&se.OrgName, &se.Kind, &se.Name); err != nil {
			return nil, err
		}
		u.At, u.SealTitle = utc(u.At), se.Title()
		out = append(out, u)
	}
	return out, rows.Err()
}
