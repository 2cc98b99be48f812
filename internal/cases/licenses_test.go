package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/store/storetest"
)

// failingGrants is the licence domain's real port, made to fail after it
// has written the grants, as a crash or a lost connection would.
type failingGrants struct{ cases.Licenses }

func (f failingGrants) GrantCase(ctx context.Context, by audit.Actor, c *cases.Case) error {
	if err := f.Licenses.GrantCase(ctx, by, c); err != nil {
		return err
	}
	return errors.New("connection lost")
}

// TestLicenceGrantCommitsWithTheSubmission: the grant of the licence that
// stands in for a material is written in the submission's transaction —
// if it fails, neither the case nor any grant nor their audit entries
// remain; with the real port, both commit.
func TestLicenceGrantCommitsWithTheSubmission(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			a := e.n.App
			it := testItem("TST-0018", catalog.LevelCity, catalog.ScopeProvince)
			it.Materials[0].LicenseTypes = []string{"resident_id"}
			if _, err := a.Catalog.ImportAs(e.ctx, audit.System("test"), []catalog.Item{it}); err != nil {
				t.Fatal(err)
			}
			citizen := e.caller(t, "citizen")
			opts, err := a.Cases.LicenseOptions(e.ctx, citizen, &it)
			if err != nil || len(opts["居民身份证"]) != 1 {
				t.Fatalf("options: %v %+v", err, opts)
			}
			app := cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: form(),
				Licenses: []cases.LicenseChoice{{Material: "居民身份证", LicenseID: opts["居民身份证"][0].ID}}}
			keys, err := cryptox.NewKeyring(make([]byte, 32))
			if err != nil {
				t.Fatal(err)
			}
			broken := cases.NewService(cases.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Identity: a.Identity, Catalog: a.Catalog,
				Keys: keys, Blobs: a.Blobs, Calendar: a.Calendar, Regions: a.Regions, Licenses: failingGrants{a.Licenses}, Now: time.Now})
			if _, err := broken.Apply(e.ctx, citizen, app); err == nil {
				t.Fatal("the submission succeeded though its grant failed")
			}
			if mine, _ := a.Cases.Mine(e.ctx, citizen, 10); len(mine) != 0 {
				t.Errorf("the case remained: %+v", mine)
			}
			if gs, _ := a.Licenses.Grants(e.ctx, citizen); len(gs) != 0 {
				t.Errorf("the grant remained: %+v", gs)
			}
			if es, _ := a.Audit.Entries(e.ctx, audit.Filter{Action: "license.granted", Limit: 5}); len(es) != 0 {
				t.Errorf("the grant's audit entry remained: %d", len(es))
			}
			c, err := a.Cases.Apply(e.ctx, citizen, app)
			if err != nil {
				t.Fatal(err)
			}
			if ref := c.License("居民身份证"); ref == nil || ref.Number == "" || ref.Issuer == "" {
				t.Errorf("the case's 居民身份证: %+v", c.Materials)
			}
			if gs, _ := a.Licenses.Grants(e.ctx, citizen); len(gs) != 1 || gs[0].CaseID != c.ID || gs[0].OrgID != c.AuthorityID {
				t.Errorf("grants: %+v", gs)
			}
		})
	}
}
