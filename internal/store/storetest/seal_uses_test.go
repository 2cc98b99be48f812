package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestSealUsesPaged: the use log read a page at a time by (time, ID) —
// uses in the same microsecond included, none twice, none lost — by
// period and purpose, across the seals within a scope (with their names)
// or of one seal; a city's administrator sees only its seals.
func TestSealUsesPaged(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			sz := &identity.Organization{ID: ids.New(), Name: "深圳市市场监督管理局", USCC: "11440300MB2C92579X", Region: "4403",
				Kind: identity.OrgDepartment, CreatedAt: t0}
			if err := s.CreateOrganization(ctx, sz); err != nil {
				t.Fatal(err)
			}
			gz, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			szSeal, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: sz.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			// 30 uses: three per second (the same instant twice), alternating seals and purposes.
			for i := range 30 {
				se, purpose := gz, "license"
				if i%3 == 2 {
					se, purpose = szSeal, "status_list"
				}
				at := t0.Add(time.Duration(i/3) * time.Second)
				if err := s.AddSealUse(ctx, &seal.Use{ID: ids.New(), SealID: se.ID, KID: se.KeyID, ActorName: "系统", DocHash: "00",
					Purpose: purpose, Ref: "r", At: at}); err != nil {
					t.Fatal(err)
				}
			}
			all := func(within []region.Code, q seal.UseQuery) []seal.Use {
				t.Helper()
				var out []seal.Use
				for page := 0; ; page++ {
					p, err := f.svc.UsesPage(ctx, &identity.Caller{UserID: ids.New(), Kind: identity.KindStaff,
						Grants: grantsFor(within)}, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(p.Uses) > q.Limit || page > 40 {
						t.Fatalf("page of %d", len(p.Uses))
					}
					out = append(out, p.Uses...)
					if p.Next.IsZero() {
						return out
					}
					c, err := seal.ParseUseCursor(p.Next.String())
					if err != nil || c != p.Next {
						t.Fatalf("cursor round trip: %v %v", c, err)
					}
					q.After = c
				}
			}
			every := all([]region.Code{"44"}, seal.UseQuery{Limit: 4})
			seen := map[ids.ID]bool{}
			for i, u := range every {
				if seen[u.ID] {
					t.Fatalf("use %s twice", u.ID)
				}
				seen[u.ID] = true
				if i > 0 && u.At.After(every[i-1].At) {
					t.Fatalf("not newest first at %d", i)
				}
				if u.SealTitle == "" {
					t.Fatalf("no seal title")
				}
			}
			if len(every) < 30 {
				t.Fatalf("%d uses paged, want the 30 (and the seals' creation uses, if any)", len(every))
			}
			sz3 := all([]region.Code{"4403"}, seal.UseQuery{Limit: 3})
			if len(sz3) != 10 || sz3[0].SealTitle != "深圳市市场监督管理局公章" {
				t.Errorf("深圳's administrator sees %d uses, want 10", len(sz3))
			}
			period := all([]region.Code{"44"}, seal.UseQuery{Limit: 5, Purpose: "license", From: t0.Add(2 * time.Second), To: t0.Add(5 * time.Second)})
			if len(period) != 6 {
				t.Errorf("licence uses in [2s, 5s): %d, want 6", len(period))
			}
			for _, u := range period {
				if u.Purpose != "license" || u.At.Before(t0.Add(2*time.Second)) || !u.At.Before(t0.Add(5*time.Second)) {
					t.Errorf("outside the filter: %+v", u)
				}
			}
			one := all([]region.Code{"44"}, seal.UseQuery{Limit: 7, SealID: szSeal.ID})
			if len(one) != 10 {
				t.Errorf("one seal's uses: %d", len(one))
			}
			if _, err := f.svc.UsesPage(ctx, f.admin, seal.UseQuery{From: t0, To: t0}); !errs.Is(err, errs.Invalid) {
				t.Errorf("empty period: %v", err)
			}
			if _, err := seal.ParseUseCursor("x.y"); !errs.Is(err, errs.Invalid) {
				t.Errorf("bad cursor: %v", err)
			}
		})
	}
}

func grantsFor(within []region.Code) []identity.Grant {
	var g []identity.Grant
	for _, r := range within {
		g = append(g, identity.Grant{Role: identity.RoleSysAdmin, Scope: r})
	}
	return g
}
