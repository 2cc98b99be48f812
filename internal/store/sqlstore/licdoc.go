package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
)

var _ seal.NodeKeyStore = (*Store)(nil)

const nodeKeyCols = `kid, purpose, alg, public_jwk, private_enc, state, created_at`

func scanNodeKey(sc interface{ Scan(...any) error }) (*seal.NodeKey, error) {
	var k seal.NodeKey
	var jwk string
	if err := sc.Scan(&k.KID, &k.Purpose, &k.Alg, &jwk, &k.PrivateEnc, &k.State, &k.CreatedAt); err != nil {
		return nil, err
	}
	k.CreatedAt = utc(k.CreatedAt)
	if err := json.Unmarshal([]byte(jwk), &k.Public); err != nil {
		return nil, err
	}
	return &k, nil
}

func (s *Store) ActiveNodeKey(ctx context.Context, purpose string) (_ *seal.NodeKey, err error) {
	defer errs.Wrap(&err, "sqlstore.ActiveNodeKey(%q)", purpose)
	k, err := scanNodeKey(s.db.QueryRow(ctx, `SELECT `+nodeKeyCols+` FROM node_keys WHERE purpose = ? AND state = 'active'`, purpose))
	if err != nil {
		return nil, notFoundKey(err, "seal.key_not_found")
	}
	return k, nil
}

func (s *Store) CreateNodeKey(ctx context.Context, k *seal.NodeKey) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateNodeKey(%q)", k.Purpose)
	jwk, err := json.Marshal(k.Public)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO node_keys (`+nodeKeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.KID, k.Purpose, k.Alg, string(jwk), k.PrivateEnc, k.State, k.CreatedAt.UTC())
	return conflictKey(err, "seal.node_key_exists")
}

func (s *Store) NodeKeys(ctx context.Context, purpose string) (_ []seal.NodeKey, err error) {
	defer errs.Wrap(&err, "sqlstore.NodeKeys(%q)", purpose)
	rows, err := s.db.Query(ctx, `SELECT `+nodeKeyCols+` FROM node_keys WHERE purpose = ? AND state IN ('active', 'retired')
		ORDER BY created_at, kid`, purpose)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seal.NodeKey
	for rows.Next() {
		k, err := scanNodeKey(rows)
		if err != nil {
			return nil, err
		}
		k.PrivateEnc = nil // publishing needs the public half only
		out = append(out, *k)
	}
	return out, rows.Err()
}

// SetTrustedTimestampKeys makes keys the timestamp keys trusted from a
// trust list source (found by its name or node URL): those it no longer
// lists are withdrawn at at, those it lists are (again) trusted.
func (s *Store) SetTrustedTimestampKeys(ctx context.Context, source, node string, keys []seal.JWK, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetTrustedTimestampKeys(%q)", source)
	q := `UPDATE trusted_timestamp_keys SET removed_at = ? WHERE removed_at IS NULL AND (source = ? OR (node = ? AND node <> ''))`
	args := []any{at.UTC(), source, node}
	if len(keys) > 0 {
		q += ` AND kid NOT IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + `)`
		for _, k := range keys {
			args = append(args, k.Kid)
		}
	}
	if _, err := s.db.Exec(ctx, q, args...); err != nil {
		return err
	}
	for _, k := range keys {
		b, err := json.Marshal(k)
		if err != nil {
			return err
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO trusted_timestamp_keys (kid, jwk, source, node, imported_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kid) DO UPDATE SET jwk = excluded.jwk, source = excluded.source, node = excluded.node,
			imported_at = excluded.imported_at, removed_at = NULL`, k.Kid, string(b), source, node, at.UTC()); err != nil {
			return err
		}
	}
	return nil
}

// WithdrawTrustedTimestampKeys withdraws every timestamp key of a source
// (mutual recognition ended).
func (s *Store) WithdrawTrustedTimestampKeys(ctx context.Context, source string, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.WithdrawTrustedTimestampKeys(%q)", source)
	_, err = s.db.Exec(ctx, `UPDATE trusted_timestamp_keys SET removed_at = ? WHERE removed_at IS NULL AND source = ?`, at.UTC(), source)
	return err
}

// ImportedTimestampKey is a timestamp key imported with another node's
// trust list, as the document verifier needs it.
func (s *Store) ImportedTimestampKey(ctx context.Context, kid string) (_ *sealdoc.ImportedKey, err error) {
	defer errs.Wrap(&err, "sqlstore.ImportedTimestampKey(%q)", kid)
	var k sealdoc.ImportedKey
	var jwk string
	var removed sql.NullTime
	err = s.db.QueryRow(ctx, `SELECT jwk, source, node, removed_at FROM trusted_timestamp_keys WHERE kid = ?`, kid).
		Scan(&jwk, &k.Source, &k.Node, &removed)
	if err != nil {
		return nil, notFoundKey(err, "verify.unknown_key")
	}
	if removed.Valid {
		k.WithdrawnAt = utc(removed.Time)
	}
	if err := json.Unmarshal([]byte(jwk), &k.JWK); err != nil {
		return nil, err
	}
	return &k, nil
}
