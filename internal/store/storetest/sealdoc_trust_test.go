package storetest_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestImportedKey: the document verifier finds a key imported with
// another node's trust list, with its organisation and the list's
// issuer; a kid nobody imported is not found; a withdrawn key is found
// with the time of its withdrawal.
func TestImportedKey(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			pub, _, err := ed25519.GenerateKey(nil)
			if err != nil {
				t.Fatal(err)
			}
			j, err := seal.PublicJWK(seal.EdDSA, pub)
			if err != nil {
				t.Fatal(err)
			}
			j.Kid, j.Org, j.SealName = j.Thumbprint(), "湖南省长沙市市场监督管理局", "行政审批专用章"
			if err := s.AddTrustedKey(ctx, &license.TrustedKey{KID: j.Kid, JWK: j, Source: "湖南省人民政府办公厅", ImportedAt: t0, ImportedBy: "管理员"}); err != nil {
				t.Fatal(err)
			}
			k, err := s.ImportedKey(ctx, j.Kid)
			if err != nil || k.Source != "湖南省人民政府办公厅" || k.JWK.Org != j.Org || k.JWK.SealName != j.SealName || k.JWK.X != j.X {
				t.Fatalf("imported key: %+v %v", k, err)
			}
			if _, err := s.ImportedKey(ctx, "no-such-kid"); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown kid: %v, want NotFound", err)
			}
			if !k.WithdrawnAt.IsZero() {
				t.Errorf("a fresh key is withdrawn: %v", k.WithdrawnAt)
			}
			// Trust withdrawn (a newer list of the source left the key out):
			// the verifier still finds the key, and when.
			if n, err := s.WithdrawTrustedKeys(ctx, "湖南省人民政府办公厅", "", nil, t0.Add(time.Hour), "管理员"); err != nil || n != 1 {
				t.Fatalf("withdraw: %d %v", n, err)
			}
			if k, err := s.ImportedKey(ctx, j.Kid); err != nil || !k.WithdrawnAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("withdrawn key: %+v %v", k, err)
			}
		})
	}
}
