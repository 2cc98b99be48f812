package storetest_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicenseUseRatePlan (DIGIGOV_LICRATE_PLAN=100000) fills the store
// with that many submitted cases of ten items (two licence-capable
// materials each; a third of the cases with both granted, a third with
// one, a third with none) and prints the query plan and the time of one
// LicenseUseRates call per grouping. It checks the figures.
func TestLicenseUseRatePlan(t *testing.T) {
	var n int
	if _, err := fmt.Sscan(os.Getenv("DIGIGOV_LICRATE_PLAN"), &n); err != nil || n <= 0 {
		t.Skip("DIGIGOV_LICRATE_PLAN=<cases> runs it")
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s, d := f.store, f.db
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			holder := ids.New()
			list, first, _, err := s.NextStatusEntries(ctx, license.ListSize, 2, t0)
			if err != nil {
				t.Fatal(err)
			}
			var lic [2]ids.ID
			for i, typ := range []string{"resident_id", "household_register"} {
				l := &license.License{ID: ids.New(), IssuerID: f.org.ID, IssuerName: f.org.Name, Region: "4401", Type: typ,
					Number: "P" + typ, HolderKind: license.HolderPerson, HolderID: holder, HolderRef: "urn:x", HolderName: "张明",
					Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list, StatusIndex: int(first) + i,
					SealID: se.ID, KID: se.KeyID, JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
				if err := s.CreateLicense(ctx, l); err != nil {
					t.Fatal(err)
				}
				lic[i] = l.ID
			}
			user := &identity.User{ID: ids.New(), Username: "zm", DisplayName: "张明", PasswordHash: "h", Kind: identity.KindPerson,
				Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			var mats []license.UseRateMaterial
			for i := 0; i < 10; i++ {
				item := fmt.Sprintf("PL-%04d", i)
				mats = append(mats, license.UseRateMaterial{Item: item, Material: "居民身份证", Types: []string{"resident_id"}},
					license.UseRateMaterial{Item: item, Material: "户口簿", Types: []string{"household_register"}})
			}
			start := time.Now()
			const batch = 500
			for lo := 0; lo < n; lo += batch {
				var cv, gv []string
				var ca, ga []any
				for i := lo; i < lo+batch && i < n; i++ {
					id := ids.New()
					county := []string{"440103", "440104", "440106", "440111", "440303"}[i%5]
					cv = append(cv, "(?, ?, ?, '事项', ?, ?, '', '张明', '', '', 'online', ?, ?, '局', ?, 'submitted', '', ?, '[]', "+
						"'', '', 0, 1, ?, ?)")
					ca = append(ca, id, fmt.Sprintf("N%07d", i), fmt.Sprintf("PL-%04d", i%10), user.ID, holder, county, f.org.ID, county,
						[]byte("x"), t0, t0)
					for m := 0; m < 2-i%3; m++ {
						gv = append(gv, "(?, ?, ?, ?, ?, ?, ?, '免提交', ?, ?)")
						ga = append(ga, ids.New(), lic[m], holder, f.org.ID, id, []string{"居民身份证", "户口簿"}[m],
							[]string{"resident_id", "household_register"}[m], t0, t0.Add(license.GrantTTL))
					}
				}
				if _, err := d.Exec(ctx, `INSERT INTO cases (id, number, item_code, item_name, applicant_id, person_id, enterprise_id,
					applicant, proxy_id, consent, channel, received_at, authority_id, authority, decided_at, state, resume_state, form,
					materials, decision, outcome, trips, version, created_at, updated_at) VALUES `+strings.Join(cv, ", "), ca...); err != nil {
					t.Fatal(err)
				}
				if _, err := d.Exec(ctx, `INSERT INTO license_grants (id, license_id, holder_id, org_id, case_id, material, license_type,
					purpose, created_at, expires_at) VALUES `+strings.Join(gv, ", "), ga...); err != nil {
					t.Fatal(err)
				}
			}
			for _, tbl := range []string{"cases", "license_grants", "licenses"} {
				if _, err := d.Exec(ctx, "ANALYZE "+tbl); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("%s: %d cases written in %v", e.Name, n, time.Since(start).Round(time.Millisecond))
			for _, by := range []cases.Grouping{cases.ByItem, cases.ByAuthority, cases.ByCounty} {
				start := time.Now()
				rs, err := s.LicenseUseRates(ctx, mats, []region.Code{"4401"}, by)
				if err != nil {
					t.Fatal(err)
				}
				el, used := 0, 0
				for _, r := range rs {
					el, used = el+r.Eligible, used+r.Used
				}
				t.Logf("%s by %s: %d groups, %d eligible, %d used in %v", e.Name, by, len(rs), el, used, time.Since(start).Round(time.Millisecond))
				if want := n * 4 / 5; el < want-1 || el > want+1 {
					t.Errorf("eligible %d, want about %d", el, want)
				}
			}
			// Baseline in the same run: the query before migration 35 (any
			// grant of the case counted it as used).
			var items []any
			for i := 0; i < 10; i++ {
				items = append(items, fmt.Sprintf("PL-%04d", i))
			}
			old := `SELECT c.item_code, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM license_grants g WHERE g.case_id = c.id) THEN 1 ELSE 0 END)
				FROM cases c WHERE (c.decided_at >= ? AND c.decided_at < ?) AND c.item_code IN (` +
				strings.TrimSuffix(strings.Repeat("?, ", len(items)), ", ") + `) AND c.state <> 'draft' GROUP BY c.item_code`
			for k := 0; k < 3; k++ {
				start := time.Now()
				rows, err := d.Query(ctx, old, append([]any{"4401", "4402"}, items...)...)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				oldT := time.Since(start)
				start = time.Now()
				if _, err := s.LicenseUseRates(ctx, mats, []region.Code{"4401"}, cases.ByItem); err != nil {
					t.Fatal(err)
				}
				t.Logf("%s by item: new %v, old (any grant) %v", e.Name, time.Since(start).Round(time.Millisecond), oldT.Round(time.Millisecond))
			}
			// The plan of the ByItem query, as the store runs it.
			plan := "EXPLAIN QUERY PLAN "
			if e.Name == "postgres" {
				plan = "EXPLAIN ANALYZE "
			}
			q, args := licrateQuery(mats, "4401", "4402")
			rows, err := d.Query(ctx, plan+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			var out []string
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprint(vals[len(vals)-1]))
			}
			t.Logf("%s plan:\n%s", e.Name, strings.Join(out, "\n"))
		})
	}
}

// licrateQuery is the ByItem query of sqlstore.LicenseUseRates for one
// city, for EXPLAIN (kept in step with it by hand).
func licrateQuery(mats []license.UseRateMaterial, city, next string) (string, []any) {
	var triples []string
	var args []any
	need := map[string]int{}
	var order []string
	for _, m := range mats {
		for _, t := range m.Types {
			triples, args = append(triples, "(?, ?, ?)"), append(args, m.Item, m.Material, t)
		}
		if need[m.Item] == 0 {
			order = append(order, m.Item)
		}
		need[m.Item]++
	}
	needed := "CASE c.item_code"
	for _, it := range order {
		needed += fmt.Sprintf(" WHEN ? THEN %d", need[it])
		args = append(args, it)
	}
	args = append(args, city, next)
	for _, it := range order {
		args = append(args, it)
	}
	return `SELECT c.item_code, MAX(c.item_name), COUNT(*),
		SUM(CASE WHEN (SELECT COUNT(DISTINCT g.material) FROM license_grants g WHERE g.case_id = c.id AND g.revoked_at IS NULL
			AND (c.item_code, g.material, g.license_type) IN (VALUES ` + strings.Join(triples, ", ") + `)) = ` + needed + ` ELSE 0 END THEN 1 ELSE 0 END)
		FROM cases c WHERE (c.decided_at >= ? AND c.decided_at < ?) AND c.item_code IN (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(order)), ", ") + `) AND c.state <> 'draft'
		GROUP BY c.item_code ORDER BY COUNT(*) DESC, c.item_code`, args
}
