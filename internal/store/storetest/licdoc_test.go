package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestSupersedeAndTimestampKeys: SupersedeDocuments marks the other
// documents of a subject and kind superseded (once: a later supersession
// does not rename the first successor), keeps the token column, and the
// node's timestamp key is made once, published, and opened again by a
// second service on the same store (as a second process would).
func TestSupersedeAndTimestampKeys(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newSealFixture(t, e)
			ctx := context.Background()
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			ref := sealdoc.Ref{Type: "license", ID: "l1"}
			doc := func(n int, kind sealdoc.Kind, r sealdoc.Ref) *sealdoc.Signed {
				d := &sealdoc.Signed{ID: ids.New(), Number: fmt.Sprintf("ZZ4401002026%06d", n), Kind: kind,
					Title: "居民身份证", IssuerID: f.org.ID, IssuerName: f.org.Name, Region: f.org.Region, SealID: se.ID,
					KID: se.KeyID, Alg: se.Alg, PDFSHA256: fmt.Sprintf("%064x", n), PDFSize: 1000, JWS: "a.b.c", TST: fmt.Sprintf("t.s.%d", n),
					Ref: r, SignedBy: "系统", SignedAt: t0.Add(time.Duration(n) * time.Minute)}
				if err := f.store.CreateDocument(ctx, d); err != nil {
					t.Fatal(err)
				}
				return d
			}
			d1, d2 := doc(1, sealdoc.KindLicense, ref), doc(2, sealdoc.KindLicense, ref)
			other := doc(3, sealdoc.KindLicense, sealdoc.Ref{Type: "license", ID: "l2"})
			cert := doc(4, sealdoc.KindCertificate, ref)
			if n, err := f.store.SupersedeDocuments(ctx, ref, sealdoc.KindLicense, d2.ID, d2.Number, t0.Add(time.Hour)); err != nil || n != 1 {
				t.Fatalf("supersede: %d %v, want 1", n, err)
			}
			got, err := f.store.Document(ctx, d1.ID)
			if err != nil || got.SupersededBy != d2.Number || !got.SupersededAt.Equal(t0.Add(time.Hour)) || got.TST != "t.s.1" {
				t.Errorf("d1 after: %+v %v", got, err)
			}
			for _, d := range []*sealdoc.Signed{d2, other, cert} {
				if got, err := f.store.Document(ctx, d.ID); err != nil || got.SupersededBy != "" || !got.SupersededAt.IsZero() {
					t.Errorf("%s must stand: %+v %v", d.Number, got, err)
				}
			}
			d5 := doc(5, sealdoc.KindLicense, ref)
			if n, err := f.store.SupersedeDocuments(ctx, ref, sealdoc.KindLicense, d5.ID, d5.Number, t0.Add(2*time.Hour)); err != nil || n != 1 {
				t.Fatalf("second supersession: %d %v, want 1 (d2)", n, err)
			}
			if got, _ := f.store.Document(ctx, d1.ID); got.SupersededBy != d2.Number {
				t.Errorf("d1 renamed to %q", got.SupersededBy)
			}

			sg, err := f.svc.TimestampSigner(ctx)
			if err != nil {
				t.Fatal(err)
			}
			keys0, err := cryptox.NewKeyring(make([]byte, 32)) // the fixture's node key
			if err != nil {
				t.Fatal(err)
			}
			again, err := seal.NewService(seal.Deps{Store: f.store, Tx: f.db, Keys: keys0, Now: time.Now}).TimestampSigner(ctx)
			if err != nil || again.KeyID() != sg.KeyID() || again.Alg() != seal.TimestampAlg {
				t.Fatalf("a second service's timestamp key: %v %v, want %s", again, err, sg.KeyID())
			}
			keys, err := f.svc.TimestampKeys(ctx)
			if err != nil || len(keys) != 1 || keys[0].Kid != sg.KeyID() || keys[0].Status != "active" {
				t.Errorf("published timestamp keys: %+v %v", keys, err)
			}
			if err := f.store.CreateNodeKey(ctx, &seal.NodeKey{KID: "x", Purpose: seal.PurposeTimestamp, Alg: seal.SM2,
				PrivateEnc: []byte{1}, State: seal.KeyActive, CreatedAt: t0}); !errs.Is(err, errs.Conflict) {
				t.Errorf("a second active timestamp key: %v, want Conflict", err)
			}
			if _, err := f.svc.Act(ctx, f.admin, se.ID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
			revoked, err := f.svc.RevokedKeys(ctx)
			if err != nil || len(revoked) != 1 || revoked[0].Kid != se.KeyID || revoked[0].RevokedAt == "" {
				t.Errorf("revoked keys: %+v %v", revoked, err)
			}
		})
	}
}
