package storetest_test

import (
	"context"
	"testing"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicenseGrantMaterialBackfill: migration 35 gives the grants made
// before it the material they stand in for: the one the case's application
// names the licence for, else (grants from the wallet) the first material
// of the item accepting the licence's type, else none. 用证率 then counts
// the old cases by the new definition.
func TestLicenseGrantMaterialBackfill(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, storetest.DSN(t, e))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := sqlstore.MigrateTo(ctx, d, 34); err != nil {
				t.Fatal(err)
			}
			s := sqlstore.New(d)
			org := &identity.Organization{ID: ids.New(), Name: "广州市公安局", USCC: "11440100MB2C92578X", Region: "4401",
				Kind: identity.OrgDepartment, CreatedAt: t0}
			if err := s.CreateOrganization(ctx, org); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := d.Exec(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO seals (id, org_id, org_name, org_uscc, region, kind, name, alg, state, reason, key_id, created_at, updated_at)
				VALUES ('s1', ?, '局', 'U', '4401', 'official', '', 'Ed25519', 'active', '', 'k1', ?, ?)`, org.ID, t0, t0)
			list, first, _, err := s.NextStatusEntries(ctx, license.ListSize, 3, t0)
			if err != nil {
				t.Fatal(err)
			}
			holder := ids.New()
			lic := map[string]ids.ID{}
			for i, typ := range []string{"resident_id", "household_register", "marriage"} {
				l := &license.License{ID: ids.New(), IssuerID: org.ID, IssuerName: org.Name, Region: "4401", Type: typ,
					Number: "BF" + typ, HolderKind: license.HolderPerson, HolderID: holder, HolderRef: "urn:x", HolderName: "张明",
					Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list, StatusIndex: int(first) + i,
					SealID: "s1", KID: "k1", JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
				if err := s.CreateLicense(ctx, l); err != nil {
					t.Fatal(err)
				}
				lic[typ] = l.ID
			}
			if err := s.SaveServiceItem(ctx, &catalog.Item{Code: "BF-0001", Name: "户口迁移", Department: "police", Level: catalog.LevelCity, Version: 1, UpdatedAt: t0,
				Materials: []catalog.Material{{Name: "申请表"}, {Name: "居民身份证", LicenseTypes: []string{"resident_id"}},
					{Name: "户口簿", LicenseTypes: []string{"household_register"}}}}); err != nil {
				t.Fatal(err)
			}
			user := &identity.User{ID: ids.New(), Username: "zm", DisplayName: "张明", PasswordHash: "h", Kind: identity.KindPerson,
				Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			mk := func(num string, mats []cases.MaterialRef) ids.ID {
				c := &cases.Case{ID: ids.New(), Number: num, ItemCode: "BF-0001", ItemName: "户口迁移", ApplicantID: user.ID, PersonID: holder,
					Applicant: "张明", Channel: cases.ChannelOnline, ReceivedAt: "440106", AuthorityID: org.ID, Authority: org.Name,
					DecidedAt: "440106", State: cases.Submitted, Materials: mats, SubmittedAt: t0, Version: 1, CreatedAt: t0, UpdatedAt: t0}
				if err := s.CreateCase(ctx, c, []byte("sealed")); err != nil {
					t.Fatal(err)
				}
				return c.ID
			}
			ref := func(material, typ string) cases.MaterialRef {
				return cases.MaterialRef{Field: cases.LicenseField(material), Name: material,
					License: &cases.LicenseRef{ID: lic[typ], Type: typ}}
			}
			// Case 1 names both licences in its application; case 2 got
			// them from the wallet; case 3 a licence its item needs not.
			c1 := mk("BF-1", []cases.MaterialRef{{Field: "申请表", Name: "a.pdf", SHA256: "x"}, ref("居民身份证", "resident_id"), ref("户口簿", "household_register")})
			c2 := mk("BF-2", nil)
			c3 := mk("BF-3", nil)
			grant := func(c ids.ID, typ string) ids.ID {
				id := ids.New()
				exec(`INSERT INTO license_grants (id, license_id, holder_id, org_id, case_id, purpose, created_at, expires_at)
					VALUES (?, ?, ?, ?, ?, '免提交', ?, ?)`, id, lic[typ], holder, org.ID, c, t0, t0.Add(license.GrantTTL))
				return id
			}
			want := map[ids.ID]string{
				grant(c1, "resident_id"): "居民身份证", grant(c1, "household_register"): "户口簿",
				grant(c2, "household_register"): "户口簿", grant(c3, "marriage"): "",
			}
			if err := sqlstore.Migrate(ctx, d); err != nil {
				t.Fatal(err)
			}
			for id, m := range want {
				g, err := s.LicenseGrant(ctx, id)
				if err != nil || g.Material != m {
					t.Errorf("grant of case %s: material %q (%v), want %q", g.CaseID, g.Material, err, m)
				}
			}
			rs, err := s.LicenseUseRates(ctx, []license.UseRateMaterial{{Item: "BF-0001", Material: "居民身份证", Types: []string{"resident_id"}},
				{Item: "BF-0001", Material: "户口簿", Types: []string{"household_register"}}}, []region.Code{"4401"}, cases.ByItem)
			if err != nil || len(rs) != 1 || rs[0].Eligible != 3 || rs[0].Used != 1 {
				t.Errorf("用证率 after the back-fill: %v %+v, want 3 eligible, 1 used", err, rs)
			}
		})
	}
}
