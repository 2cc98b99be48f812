package storetest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// orgStore finds organisations in the store (seal.Organizations).
type orgStore struct{ s *sqlstore.Store }

func (o orgStore) Organization(ctx context.Context, id ids.ID) (*identity.Organization, error) {
	return o.s.Organization(ctx, id)
}

// sealFixture is a seal service on a fresh database with one organisation.
type sealFixture struct {
	svc   *seal.Service
	store *sqlstore.Store
	org   *identity.Organization
	db    *db.DB
	admin *identity.Caller
	now   *time.Time
}

func newSealFixture(t testing.TB, e storetest.Engine) *sealFixture {
	t.Helper()
	d := storetest.Open(t, e)
	s := sqlstore.New(d)
	keys, err := cryptox.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	org := &identity.Organization{ID: ids.New(), Name: "广州市市场监督管理局", USCC: "11440100MB2C92578X", Region: "4401",
		Kind: identity.OrgDepartment, CreatedAt: t0}
	if err := s.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	now := t0
	clock := func() time.Time { now = now.Add(time.Second); return now }
	f := &sealFixture{store: s, org: org, now: &now, db: d,
		admin: &identity.Caller{UserID: ids.New(), Name: "管理员", Kind: identity.KindStaff,
			Grants: []identity.Grant{{Role: identity.RoleSysAdmin, OrgID: org.ID, Scope: "44"}}}}
	f.svc = seal.NewService(seal.Deps{Store: s, Tx: d, Audit: audit.NewService(s, d, clock), Orgs: orgStore{s}, Keys: keys, Now: clock})
	return f
}

func TestSealLifecycle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			// One seal per algorithm; each signs, and its published key verifies.
			byAlg := map[seal.Alg]*seal.Seal{}
			for i, alg := range seal.Algs {
				in := seal.NewSeal{OrgID: f.org.ID, Kind: seal.Business, Name: []string{"行政审批专用章", "证照专用章", "合同专用章"}[i], Alg: alg}
				se, err := f.svc.Create(ctx, f.admin, in)
				if err != nil {
					t.Fatalf("create %s: %v", alg, err)
				}
				byAlg[alg] = se
				sig, err := f.svc.Sign(ctx, audit.System("test"), se.ID, se.KeyID, []byte("文书 "+string(alg)), "test", "doc-1")
				if err != nil {
					t.Fatal(err)
				}
				k, _, err := f.svc.KeyInfo(ctx, sig.KID)
				if err != nil {
					t.Fatal(err)
				}
				alg2, pub, err := k.Public.Key()
				if err != nil || alg2 != alg || !seal.Verify(alg, pub, []byte("文书 "+string(alg)), sig.Sig) {
					t.Fatalf("%s: published key does not verify the signature (%v)", alg, err)
				}
				if seal.Verify(alg, pub, []byte("文书 changed"), sig.Sig) {
					t.Fatalf("%s: a changed message verifies", alg)
				}
			}
			if _, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Business, Name: "证照专用章"}); !errs.Is(err, errs.Conflict) {
				t.Errorf("second 证照专用章: %v, want Conflict", err)
			}
			if _, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Business}); !errs.Is(err, errs.Invalid) {
				t.Errorf("专用章 without a name: %v, want Invalid", err)
			}
			outside := &identity.Caller{UserID: ids.New(), Kind: identity.KindStaff,
				Grants: []identity.Grant{{Role: identity.RoleSysAdmin, OrgID: ids.New(), Scope: "4403"}}}
			if _, err := f.svc.Get(ctx, outside, byAlg[seal.SM2].ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("admin of 深圳 reads a 广州 seal: %v, want NotFound", err)
			}

			se := byAlg[seal.SM2]
			old := se.KeyID
			msg := []byte("header.payload")
			first, err := f.svc.Sign(ctx, audit.System("test"), se.ID, old, msg, "license", "L1")
			if err != nil {
				t.Fatal(err)
			}
			// Rotation: a new key signs, the old one is retired but published.
			se, err = f.svc.Act(ctx, f.admin, se.ID, seal.ActRotate, "")
			if err != nil || se.KeyID == old {
				t.Fatalf("rotate: %v, key %s", err, se.KeyID)
			}
			if _, err := f.svc.Sign(ctx, audit.System("test"), se.ID, old, msg, "license", "L2"); errs.As(err) == nil || errs.As(err).Msg != "seal.key_changed" {
				t.Errorf("sign with the retired key: %v, want seal.key_changed", err)
			}
			jwks, err := f.svc.JWKS(ctx)
			if err != nil {
				t.Fatal(err)
			}
			status := map[string]string{}
			for _, k := range jwks.Keys {
				status[k.Kid] = k.Status
				if k.Org != f.org.Name {
					t.Errorf("JWK %s names org %q", k.Kid, k.Org)
				}
			}
			if status[old] != "retired" || status[se.KeyID] != "active" || len(jwks.Keys) != 4 {
				t.Errorf("JWKS statuses %v, want old retired and new active among 4 keys", status)
			}
			// Suspension stops signing until resumed.
			if _, err := f.svc.Act(ctx, f.admin, se.ID, seal.ActSuspend, ""); !errs.Is(err, errs.Invalid) {
				t.Errorf("suspend without a reason: %v, want Invalid", err)
			}
			if se, err = f.svc.Act(ctx, f.admin, se.ID, seal.ActSuspend, "印章保管人变更"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Sign(ctx, audit.System("test"), se.ID, se.KeyID, msg, "license", "L3"); errs.As(err) == nil || errs.As(err).Msg != "seal.not_active" {
				t.Errorf("sign while suspended: %v, want seal.not_active", err)
			}
			if _, err := f.svc.Act(ctx, f.admin, se.ID, seal.ActRotate, ""); !errs.Is(err, errs.Conflict) {
				t.Errorf("rotate a suspended seal: %v, want Conflict", err)
			}
			if se, err = f.svc.Act(ctx, f.admin, se.ID, seal.ActResume, ""); err != nil || se.State != seal.Active {
				t.Fatalf("resume: %v", err)
			}
			// Revocation withdraws every key of the seal from the JWKS...
			if se, err = f.svc.Act(ctx, f.admin, se.ID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
			jwks, _ = f.svc.JWKS(ctx)
			for _, k := range jwks.Keys {
				if k.SealID == string(se.ID) {
					t.Errorf("revoked seal's key %s still published", k.Kid)
				}
			}
			// ...but the audit chain still proves when the old key signed.
			sum := sha256.Sum256(msg)
			at, err := f.svc.ProveSigned(ctx, old, hex.EncodeToString(sum[:]))
			if err != nil || at.Before(first.At) || !at.Before(se.UpdatedAt) {
				t.Errorf("proof of the first signature: %v at %v, want between %v and the revocation %v", err, at, first.At, se.UpdatedAt)
			}
			other := sha256.Sum256([]byte("never signed"))
			if _, err := f.svc.ProveSigned(ctx, old, hex.EncodeToString(other[:])); !errs.Is(err, errs.NotFound) {
				t.Errorf("proof of an unsigned document: %v, want NotFound", err)
			}
			uses, err := f.svc.Uses(ctx, f.admin, se.ID, 10)
			if err != nil || len(uses) != 2 || uses[0].Ref != "L1" || uses[1].Ref != "doc-1" || uses[0].ActorName != "test" {
				t.Errorf("use log = %+v, %v; want L1 then doc-1", uses, err)
			}
		})
	}
}
