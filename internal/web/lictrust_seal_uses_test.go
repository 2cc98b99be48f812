package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestSealUsesPagesAndAPI: the administrator's view of every use of every
// seal, and a seal's own log, paged and filtered on the page and in the
// API; bad filters answer 422 with the field, never 500; citizens get 403.
func TestSealUsesPagesAndAPI(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	admin := n.Client(t)
	admin.Login("admin", app.DemoPassword)
	type usesBody struct {
		Items []struct {
			ID      string `json:"seal_id"`
			Seal    string `json:"seal"`
			Purpose string `json:"purpose"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	var all usesBody
	if code := n.api(http.MethodGet, "/api/v1/seal-uses?limit=1000", "admin", "", &all); code != http.StatusOK || len(all.Items) < 4 {
		t.Fatalf("all uses: %d, %d items", code, len(all.Items))
	}
	// Two at a time, to the end: the same uses.
	var paged int
	cursor := ""
	for range 1000 {
		var p usesBody
		if code := n.api(http.MethodGet, "/api/v1/seal-uses?limit=2&cursor="+url.QueryEscape(cursor), "admin", "", &p); code != http.StatusOK || len(p.Items) > 2 {
			t.Fatalf("page: %d", code)
		}
		paged += len(p.Items)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if paged != len(all.Items) {
		t.Errorf("paged %d uses, listed %d", paged, len(all.Items))
	}
	var lic usesBody
	if code := n.api(http.MethodGet, "/api/v1/seal-uses?purpose=license&limit=1000", "admin", "", &lic); code != http.StatusOK || len(lic.Items) == 0 {
		t.Fatalf("licence uses: %d", code)
	}
	for _, u := range lic.Items {
		if u.Purpose != "license" || u.Seal == "" {
			t.Errorf("filtered use: %+v", u)
		}
	}
	// A seal's own log, in the API and on its page.
	sealID := lic.Items[0].ID
	var own usesBody
	if code := n.api(http.MethodGet, "/api/v1/seals/"+sealID+"/uses?from=2000-01-01", "admin", "", &own); code != http.StatusOK || len(own.Items) == 0 {
		t.Errorf("one seal's uses: %d", code)
	}
	for _, path := range []string{"/api/v1/seal-uses?from=2026-13-01", "/api/v1/seal-uses?purpose=nothing", "/api/v1/seal-uses?cursor=abc",
		"/api/v1/seal-uses?from=2026-11-20&to=2026-11-19", "/api/v1/seals/" + sealID + "/uses?to=yesterday"} {
		if code := n.api(http.MethodGet, path, "admin", "", nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", path, code)
		}
	}
	if code := n.api(http.MethodGet, "/api/v1/seal-uses", "citizen", "", nil); code != http.StatusForbidden {
		t.Errorf("citizen: %d", code)
	}
	page := admin.Get("/workbench/seal-uses?purpose=license")
	if page.StatusCode != http.StatusOK || page.Doc.Find("#seal-uses tbody tr").Length() == 0 || page.Doc.Find("#seal-uses tbody tr td a").Length() == 0 {
		t.Fatalf("uses page: %d", page.StatusCode)
	}
	if bad := admin.Get("/workbench/seal-uses?from=notaday"); bad.StatusCode != http.StatusUnprocessableEntity || bad.Doc.Find("#e-from").Length() != 1 {
		t.Errorf("bad date on the page: %d", bad.StatusCode)
	}
	if future := admin.Get("/workbench/seal-uses?from=2999-01-01"); future.Doc.Find("#seal-uses tbody tr td a").Length() != 0 {
		t.Errorf("uses in the future shown")
	}
	detail := admin.Get("/workbench/seals/" + sealID)
	if detail.StatusCode != http.StatusOK || detail.Doc.Find("#uses-filter").Length() != 1 || detail.Doc.Find("#seal-uses tbody tr").Length() == 0 {
		t.Errorf("seal page: %d", detail.StatusCode)
	}
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	if r := cit.Get("/workbench/seal-uses"); r.StatusCode != http.StatusForbidden {
		t.Errorf("citizen page: %d", r.StatusCode)
	}
}
