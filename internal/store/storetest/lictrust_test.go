package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestTrustedKeysWithdrawn: withdrawing a source's keys (by name or node,
// sparing those kept) marks them, leaves them findable with the mark, drops
// them from the list, and importing one again trusts it anew.
func TestTrustedKeysWithdrawn(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			add := func(kid, source, node string) {
				t.Helper()
				if err := s.AddTrustedKey(ctx, &license.TrustedKey{KID: kid, JWK: seal.JWK{Kid: kid, Org: "湖南省市场监督管理局"},
					Source: source, Node: node, ImportedAt: t0, ImportedBy: "管理员"}); err != nil {
					t.Fatal(err)
				}
			}
			add("a1", "湖南", "https://hn.example")
			add("a2", "湖南", "https://hn.example")
			add("b1", "江西", "https://jx.example")
			// Renamed source, same node: found by the node.
			if n, err := s.WithdrawTrustedKeys(ctx, "湖南省人民政府", "https://hn.example", []string{"a2"}, t0, "管理员"); err != nil || n != 1 {
				t.Fatalf("withdraw keeping a2: %d %v", n, err)
			}
			k, err := s.TrustedKey(ctx, "a1")
			if err != nil || !k.RemovedAt.Equal(t0) || k.RemovedBy != "管理员" || k.Node != "https://hn.example" {
				t.Fatalf("withdrawn key: %+v %v", k, err)
			}
			if k, _ := s.TrustedKey(ctx, "a2"); !k.RemovedAt.IsZero() {
				t.Errorf("kept key withdrawn: %+v", k)
			}
			// The document verifier sees the key as withdrawn (and answers
			// trust_withdrawn), not as a trusted key.
			if k, err := s.ImportedKey(ctx, "a1"); err != nil || !k.WithdrawnAt.Equal(t0) {
				t.Errorf("withdrawn key for documents: %+v %v", k, err)
			}
			if _, err := s.ImportedKey(ctx, "a2"); err != nil {
				t.Errorf("kept key for documents: %v", err)
			}
			list, err := s.TrustedKeys(ctx)
			if err != nil || len(list) != 2 {
				t.Fatalf("listed: %d %v", len(list), err)
			}
			if n, _ := s.WithdrawTrustedKeys(ctx, "江西", "", nil, t0, "管理员"); n != 1 {
				t.Errorf("remove 江西: %d", n)
			}
			if n, _ := s.WithdrawTrustedKeys(ctx, "江西", "", nil, t0, "管理员"); n != 0 {
				t.Errorf("remove 江西 twice: %d", n)
			}
			add("a1", "湖南", "https://hn.example") // trusted again
			if k, _ := s.TrustedKey(ctx, "a1"); !k.RemovedAt.IsZero() || k.RemovedBy != "" {
				t.Errorf("re-imported key still withdrawn: %+v", k)
			}
			if _, err := s.TrustedKey(ctx, "zz"); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown key: %v", err)
			}
		})
	}
}

// licensePeople is license.People over the store (no person lookups).
type licensePeople struct{ s *sqlstore.Store }

func (p licensePeople) FindPerson(context.Context, *identity.Caller, string, string) (*identity.Person, error) {
	return nil, errs.E(errs.NotFound, "person.not_found")
}

func (p licensePeople) Organization(ctx context.Context, id ids.ID) (*identity.Organization, error) {
	return p.s.Organization(ctx, id)
}

// TestStatusListSignedOnlyOnChange: fetching a status list again and again
// signs nothing while its bits stay the same (one seal use, however many
// fetches and however much time passes within half its validity); a
// revocation is in the list at the next fetch after StatusTTL — within a
// minute, with caches allowed StatusTTL — and signed once; the list is
// signed again when half its validity has passed.
func TestStatusListSignedOnlyOnChange(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			clock := t0.Add(time.Hour)
			now := func() time.Time { return clock }
			keys, _ := cryptox.NewKeyring(make([]byte, 32))
			svc := license.NewService(license.Deps{Store: s, Tx: f.db, Audit: audit.NewService(s, f.db, now), Seals: f.svc,
				People: licensePeople{s}, Keys: keys, BaseURL: "https://gd.example", Now: now})
			list, first, _, err := s.NextStatusEntries(ctx, license.ListSize, 1, t0)
			if err != nil {
				t.Fatal(err)
			}
			lic := &license.License{ID: ids.New(), IssuerID: f.org.ID, IssuerName: f.org.Name, Region: "4401", Type: "resident_id",
				Number: "SF440100202600001", HolderKind: license.HolderPerson, HolderID: ids.New(), HolderRef: "urn:x", HolderName: "张明",
				Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list, StatusIndex: int(first),
				SealID: se.ID, KID: se.KeyID, JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
			if err := s.CreateLicense(ctx, lic); err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprintf("%d-revocation", list)
			signs := func() int {
				uses, err := f.svc.Uses(ctx, f.admin, se.ID, 1000)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, u := range uses {
					if u.Purpose == "status_list" && u.Ref == id {
						n++
					}
				}
				return n
			}
			fetch := func() (string, license.Bitstring) {
				t.Helper()
				jws, _, err := svc.StatusList(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				v, err := license.NewOffline(mustJWKS(t, f.svc), []string{jws}, now)
				if err != nil {
					t.Fatalf("list does not verify offline: %v", err)
				}
				set, err := v.Statuses.StatusBit(ctx, "https://gd.example/credentials/status/"+id, lic.StatusIndex)
				if err != nil {
					t.Fatal(err)
				}
				var b license.Bitstring
				if set {
					b = license.Bitstring{1}
				}
				return jws, b
			}
			first1, bit := fetch()
			if bit != nil || signs() != 1 {
				t.Fatalf("first fetch: bit %v, %d signatures", bit, signs())
			}
			for range 20 { // ten minutes of fetches every 30 seconds
				clock = clock.Add(30 * time.Second)
				if again, _ := fetch(); again != first1 {
					t.Fatal("list signed again with nothing changed")
				}
			}
			if signs() != 1 {
				t.Errorf("%d signatures for an unchanged list", signs())
			}
			// Revoked by another process (the store directly): within StatusTTL.
			lic.State = license.StateRevoked
			if err := s.SetLicenseState(ctx, lic, license.StateValid); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(license.StatusTTL)
			changed, bit := fetch()
			if changed == first1 || bit == nil || signs() != 2 {
				t.Errorf("after the revocation: changed %v, bit %v, %d signatures", changed != first1, bit, signs())
			}
			if license.StatusTTL*2 >= time.Minute {
				t.Errorf("re-read every %s and cached %s: a revocation may take a minute or more", license.StatusTTL, license.StatusTTL)
			}
			// Past half its validity, the same bits are signed again.
			clock = clock.Add(license.StatusValidity/2 + time.Second)
			if renewed, _ := fetch(); renewed == changed || signs() != 3 {
				t.Errorf("list not renewed past half its validity: %d signatures", signs())
			}
		})
	}
}

func mustJWKS(t *testing.T, s *seal.Service) []byte {
	t.Helper()
	set, err := s.JWKS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(set)
	return b
}
