package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicenseUseAndConsent: grants listed for their holder with the case
// and the authority, revoked once (a second revocation is a conflict, a
// revoked grant no longer lists for its case); readings under a legal
// basis kept per case and organisation; uses keep their basis; 用证率
// grouped by item, authority, city and county.
func TestLicenseUseAndConsent(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			list, first, _, err := s.NextStatusEntries(ctx, license.ListSize, 4, t0)
			if err != nil {
				t.Fatal(err)
			}
			holder := ids.New()
			lic := &license.License{ID: ids.New(), IssuerID: f.org.ID, IssuerName: f.org.Name, Region: "4401", Type: "resident_id",
				Number: "JM440100202600001", HolderKind: license.HolderPerson, HolderID: holder, HolderRef: "urn:x", HolderName: "张明",
				Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list, StatusIndex: int(first),
				SealID: se.ID, KID: se.KeyID, JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
			if err := s.CreateLicense(ctx, lic); err != nil {
				t.Fatal(err)
			}
			// Two cases of one item, in two counties of 广州; one used the licence.
			applicant := &identity.User{ID: ids.New(), Username: "zhangming", DisplayName: "张明", PasswordHash: "h",
				Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, applicant); err != nil {
				t.Fatal(err)
			}
			mk := func(region string, n int) *cases.Case {
				c := &cases.Case{ID: ids.New(), Number: "HRSS" + region + "-20261126-000" + string(rune('0'+n)), ItemCode: "TST-0001",
					ItemName: "测试事项", ApplicantID: applicant.ID, PersonID: holder, Applicant: "张明", Channel: cases.ChannelOnline,
					ReceivedAt: regionOf(region), AuthorityID: f.org.ID, Authority: f.org.Name, DecidedAt: regionOf(region),
					State: cases.Submitted, SubmittedAt: t0, Version: 1, CreatedAt: t0, UpdatedAt: t0}
				if err := s.CreateCase(ctx, c, []byte("sealed")); err != nil {
					t.Fatal(err)
				}
				return c
			}
			c1, c2 := mk("440106", 1), mk("440104", 2)
			g := &license.Grant{ID: ids.New(), LicenseID: lic.ID, HolderID: holder, OrgID: f.org.ID, CaseID: c1.ID, Material: "居民身份证", LicenseType: "resident_id",
				PurposeCode: license.PurposeCounter, PurposeArgs: []string{"申请人当面口头同意", "测试事项"}, CreatedAt: t0, ExpiresAt: t0.Add(license.GrantTTL)}
			if err := s.AddLicenseGrant(ctx, g); err != nil {
				t.Fatal(err)
			}
			mine, err := s.HolderLicenseGrants(ctx, holder, 10)
			if err != nil || len(mine) != 1 {
				t.Fatalf("holder's grants: %v %+v", err, mine)
			}
			want := *g
			want.Number, want.Type, want.CaseNumber, want.Authority = lic.Number, lic.Type, c1.Number, f.org.Name
			if d := cmp.Diff(want, mine[0]); d != "" {
				t.Errorf("holder's grant (-want +got):\n%s", d)
			}
			if got, err := s.LicenseGrant(ctx, g.ID); err != nil || got.ID != g.ID || !got.RevokedAt.IsZero() {
				t.Errorf("grant: %v %+v", err, got)
			}
			if _, err := s.LicenseGrant(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown grant: %v", err)
			}
			// 用证率 before the revocation: by item one of two, by county one of one and zero of one.
			rates := func(by cases.Grouping) map[string][2]int {
				rs, err := s.LicenseUseRates(ctx, []license.UseRateMaterial{{Item: "TST-0001", Material: "居民身份证",
					Types: []string{"resident_id"}}}, []region.Code{"4401"}, by)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string][2]int{}
				for _, r := range rs {
					out[r.Key+"|"+r.Name] = [2]int{r.Eligible, r.Used}
				}
				return out
			}
			for by, want := range map[cases.Grouping]map[string][2]int{
				cases.ByItem:      {"TST-0001|测试事项": {2, 1}},
				cases.ByAuthority: {string(f.org.ID) + "|" + f.org.Name: {2, 1}},
				cases.ByCity:      {"4401|": {2, 1}},
				cases.ByCounty:    {"440106|": {1, 1}, "440104|": {1, 0}},
			} {
				if d := cmp.Diff(want, rates(by)); d != "" {
					t.Errorf("用证率 by %s (-want +got):\n%s", by, d)
				}
			}
			revokedAt := t0.Add(time.Hour)
			if err := s.RevokeLicenseGrant(ctx, g.ID, revokedAt); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeLicenseGrant(ctx, g.ID, revokedAt); !errs.Is(err, errs.Conflict) {
				t.Errorf("second revocation: %v, want a conflict", err)
			}
			if got, _ := s.LicenseGrant(ctx, g.ID); !got.RevokedAt.Equal(revokedAt) {
				t.Errorf("revoked at %v, want %v", got.RevokedAt, revokedAt)
			}
			if gs, err := s.CaseLicenseGrants(ctx, c1.ID); err != nil || len(gs) != 0 {
				t.Errorf("a revoked grant still lists for its case: %v %+v", err, gs)
			}
			// A withdrawn grant no longer satisfies the material: the case is eligible, not used.
			if got := rates(cases.ByItem)["TST-0001|测试事项"]; got != [2]int{2, 0} {
				t.Errorf("用证率 after the revocation: %v", got)
			}
			// Readings under a legal basis: the newest per licence, for the case and the organisation only.
			basis := license.Basis{Law: "《中华人民共和国社会保险法》", Article: "第四十五条", Reason: "核实失业登记身份"}
			for i, at := range []time.Time{t0.Add(2 * time.Hour), t0.Add(3 * time.Hour)} {
				b := basis
				b.Reason += string(rune('A' + i))
				if err := s.AddLicenseAccess(ctx, &license.Access{ID: ids.New(), LicenseID: lic.ID, HolderID: holder, OrgID: f.org.ID,
					CaseID: c2.ID, UserID: "u1", UserName: "林晓燕", Basis: b, At: at}); err != nil {
					t.Fatal(err)
				}
			}
			accs, err := s.CaseLicenseAccesses(ctx, c2.ID, f.org.ID)
			if err != nil || len(accs) != 1 || accs[0].Basis.Reason != basis.Reason+"B" || accs[0].Basis.Law != basis.Law {
				t.Errorf("case accesses: %v %+v", err, accs)
			}
			if other, _ := s.CaseLicenseAccesses(ctx, c2.ID, ids.New()); len(other) != 0 {
				t.Errorf("another organisation sees the access: %+v", other)
			}
			u := &license.Use{ID: ids.New(), LicenseID: lic.ID, HolderID: holder, UserID: "u1", UserName: "林晓燕", OrgName: f.org.Name,
				CaseID: c2.ID, Purpose: "legal_basis", Basis: basis.String(), Reason: basis.Reason, At: t0.Add(3 * time.Hour)}
			if err := s.AddLicenseUse(ctx, u); err != nil {
				t.Fatal(err)
			}
			uses, err := s.LicenseUses(ctx, holder, 10)
			if err != nil || len(uses) != 1 || uses[0].Basis != "《中华人民共和国社会保险法》第四十五条" || uses[0].Reason != basis.Reason {
				t.Errorf("uses: %v %+v", err, uses)
			}
		})
	}
}
