package storetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicenseUseRateDefinition: 用证率 counts a case as using e-licences
// only when every licence-capable material of its item has an unrevoked
// grant for the case, recorded for that material, of a licence of a type
// the material accepts. A withdrawn grant, one of two materials, a licence
// of a type the material does not accept, a grant for another material and
// a draft do not count; an item without licence-capable materials has no
// eligible cases.
func TestLicenseUseRateDefinition(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			holder := ids.New()
			list, first, _, err := s.NextStatusEntries(ctx, license.ListSize, 3, t0)
			if err != nil {
				t.Fatal(err)
			}
			lic := map[string]*license.License{}
			for i, typ := range []string{"resident_id", "household_register", "marriage"} {
				l := &license.License{ID: ids.New(), IssuerID: f.org.ID, IssuerName: f.org.Name, Region: "4401", Type: typ,
					Number: fmt.Sprintf("LR44010020260000%d", i), HolderKind: license.HolderPerson, HolderID: holder, HolderRef: "urn:x",
					HolderName: "张明", Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list,
					StatusIndex: int(first) + i, SealID: se.ID, KID: se.KeyID, JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
				if err := s.CreateLicense(ctx, l); err != nil {
					t.Fatal(err)
				}
				lic[typ] = l
			}
			applicant := &identity.User{ID: ids.New(), Username: "zhangming", DisplayName: "张明", PasswordHash: "h",
				Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, applicant); err != nil {
				t.Fatal(err)
			}
			// TWO needs 居民身份证 (resident_id) and 户口簿 (household_register);
			// ONE needs 居民身份证 only.
			mats := []license.UseRateMaterial{
				{Item: "TWO", Material: "居民身份证", Types: []string{"resident_id"}},
				{Item: "TWO", Material: "户口簿", Types: []string{"household_register"}},
				{Item: "ONE", Material: "居民身份证", Types: []string{"resident_id"}},
			}
			n := 0
			mk := func(item string, state cases.State, grants ...[2]string) {
				n++
				c := &cases.Case{ID: ids.New(), Number: fmt.Sprintf("LR-%04d", n), ItemCode: item, ItemName: item, ApplicantID: applicant.ID,
					PersonID: holder, Applicant: "张明", Channel: cases.ChannelOnline, ReceivedAt: "440106", AuthorityID: f.org.ID,
					Authority: f.org.Name, DecidedAt: "440106", State: state, SubmittedAt: t0, Version: 1, CreatedAt: t0, UpdatedAt: t0}
				if err := s.CreateCase(ctx, c, []byte("sealed")); err != nil {
					t.Fatal(err)
				}
				for _, g := range grants { // {licence type, material}; a "-" prefix: withdrawn
					typ, revoked := g[0], false
					if typ[0] == '-' {
						typ, revoked = typ[1:], true
					}
					gr := &license.Grant{ID: ids.New(), LicenseID: lic[typ].ID, HolderID: holder, OrgID: f.org.ID, CaseID: c.ID,
						Material: g[1], LicenseType: typ, Purpose: "免提交", CreatedAt: t0, ExpiresAt: t0.Add(license.GrantTTL)}
					if err := s.AddLicenseGrant(ctx, gr); err != nil {
						t.Fatal(err)
					}
					if revoked {
						if err := s.RevokeLicenseGrant(ctx, gr.ID, t0.Add(1)); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			rate := func(item string) [2]int {
				t.Helper()
				rs, err := s.LicenseUseRates(ctx, mats, []region.Code{"44"}, cases.ByItem)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r.Key == item {
						return [2]int{r.Eligible, r.Used}
					}
				}
				return [2]int{}
			}
			check := func(what, item string, want [2]int) {
				t.Helper()
				if got := rate(item); got != want {
					t.Errorf("%s: %s eligible/used = %v, want %v", what, item, got, want)
				}
			}
			mk("ONE", cases.Submitted, [2]string{"-resident_id", "居民身份证"})
			check("a withdrawn grant", "ONE", [2]int{1, 0})
			mk("ONE", cases.Submitted, [2]string{"-resident_id", "居民身份证"}, [2]string{"resident_id", "居民身份证"})
			check("withdrawn, then granted again", "ONE", [2]int{2, 1})
			mk("TWO", cases.Submitted, [2]string{"resident_id", "居民身份证"})
			check("one of two materials", "TWO", [2]int{1, 0})
			mk("TWO", cases.InReview, [2]string{"resident_id", "居民身份证"}, [2]string{"household_register", "户口簿"})
			check("both materials", "TWO", [2]int{2, 1})
			mk("TWO", cases.Submitted, [2]string{"resident_id", "居民身份证"}, [2]string{"marriage", "户口簿"})
			check("户口簿 by a 结婚证 (a type it does not accept)", "TWO", [2]int{3, 1})
			mk("TWO", cases.Submitted, [2]string{"resident_id", "居民身份证"}, [2]string{"household_register", "居民身份证"})
			check("a 户口簿 granted for 居民身份证, none for 户口簿", "TWO", [2]int{4, 1})
			mk("TWO", cases.Draft, [2]string{"resident_id", "居民身份证"}, [2]string{"household_register", "户口簿"})
			check("a draft", "TWO", [2]int{4, 1})
			mk("OTHER", cases.Submitted, [2]string{"resident_id", "居民身份证"})
			check("an item without licence-capable materials", "OTHER", [2]int{0, 0})
			// Outside the scope: nothing.
			if rs, err := s.LicenseUseRates(ctx, mats, []region.Code{"4403"}, cases.ByItem); err != nil || len(rs) != 0 {
				t.Errorf("深圳 sees 广州's cases: %v %+v", err, rs)
			}
		})
	}
}
