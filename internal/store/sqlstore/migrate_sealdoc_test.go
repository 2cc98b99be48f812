package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/digigov/digigov/internal/platform/db"
)

// TestSealRebuildKeepsDataAndKeys: migration 18 rebuilds SQLite's seals
// table (to let a revoked seal's name be used again). On a database with
// seals, keys and uses it keeps every row, the keys still point at their
// seals, foreign keys are enforced again afterwards, and a revoked seal's
// name is free while a live one's is not.
func TestSealRebuildKeepsDataAndKeys(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := provider(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 17); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) error { _, err := d.W.ExecContext(ctx, q, args...); return err }
	for _, q := range []string{
		`INSERT INTO organizations (id, name, uscc, region_code, kind, created_at) VALUES ('o1', '局', 'U1', '4401', 'department', '2026-11-26 00:00:00+00:00')`,
		`INSERT INTO seals VALUES ('s1', 'o1', '局', 'U1', '4401', 'business', '审批章', 'SM2', 'revoked', '遗失', 'k1', '2026-11-26 00:00:00+00:00', '2026-11-26 00:00:00+00:00')`,
		`INSERT INTO seals VALUES ('s2', 'o1', '局', 'U1', '4401', 'official', '', 'SM2', 'active', '', 'k2', '2026-11-26 00:00:00+00:00', '2026-11-26 00:00:00+00:00')`,
		`INSERT INTO seal_keys (kid, seal_id, alg, public_jwk, private_enc, state, created_at) VALUES ('k1', 's1', 'SM2', '{}', x'00', 'revoked', '2026-11-26 00:00:00+00:00')`,
		`INSERT INTO seal_uses VALUES ('u1', 's1', 'k1', 'a', 'A', 'h', 'license', 'r', '2026-11-26 00:00:00+00:00')`,
	} {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.W.QueryRowContext(ctx, `SELECT COUNT(*) FROM seals s JOIN seal_keys k ON k.seal_id = s.id JOIN seal_uses u ON u.seal_id = s.id`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("seal, key and use after the rebuild: %d %v", n, err)
	}
	if err := exec(`INSERT INTO seal_keys (kid, seal_id, alg, public_jwk, private_enc, state, created_at) VALUES ('k9', 'nope', 'SM2', '{}', x'00', 'active', '2026-11-26 00:00:00+00:00')`); err == nil {
		t.Error("a key of no seal was accepted: foreign keys are off after the migration")
	}
	if err := exec(`INSERT INTO seals VALUES ('s3', 'o1', '局', 'U1', '4401', 'business', '审批章', 'SM2', 'active', '', 'k3', '2026-11-26 00:00:00+00:00', '2026-11-26 00:00:00+00:00')`); err != nil {
		t.Errorf("a new seal with a revoked seal's name: %v", err)
	}
	if err := exec(`INSERT INTO seals VALUES ('s4', 'o1', '局', 'U1', '4401', 'official', '', 'SM2', 'active', '', 'k4', '2026-11-26 00:00:00+00:00', '2026-11-26 00:00:00+00:00')`); !db.IsUniqueViolation(err) {
		t.Errorf("a second live 公章: %v, want a unique violation", err)
	}
}
