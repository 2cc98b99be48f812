package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestSealCreateOutsideScopeIsNotFound: an administrator of 深圳 creating
// a seal for a 广州 body hears "not found" (404), on the page and by API,
// as for a body that does not exist: existence does not leak.
func TestSealCreateOutsideScopeIsNotFound(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	orgs, _ := n.App.Identity.Organizations(ctx)
	var gz, sz identity.Organization
	for _, o := range orgs {
		switch {
		case o.Department == "hrss" && o.Region == "4401":
			gz = o
		case o.Department == "hrss" && o.Region == "4403":
			sz = o
		}
	}
	if gz.ID == "" || sz.ID == "" {
		t.Fatal("demo bodies missing")
	}
	if _, err := n.App.Identity.CreateStaffAs(ctx, audit.System("test"), identity.NewStaff{Username: "sz_admin", Name: "深圳管理员",
		Password: app.DemoPassword, OrgID: sz.ID, Grants: []identity.Grant{{Role: identity.RoleSysAdmin, Scope: "4403"}}}); err != nil {
		t.Fatal(err)
	}
	c := n.Client(t)
	c.Login("sz_admin", app.DemoPassword)
	for _, org := range []string{string(gz.ID), "0193a000-0000-7000-8000-000000000000"} {
		if r := c.Post("/workbench/seals", url.Values{"org": {org}, "kind": {"official"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("page: seal for %s: %d, want 404", org, r.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/seals", strings.NewReader(`{"org_id":"`+org+`","kind":"official"}`))
		req.Header.Set("Authorization", "Bearer "+n.Token(t, "sz_admin"))
		req.Header.Set("Content-Type", "application/json")
		if r := n.Client(t).Do(req); r.StatusCode != http.StatusNotFound {
			t.Errorf("API: seal for %s: %d, want 404 (%s)", org, r.StatusCode, r.Body)
		}
	}
}
