package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/store/storetest"
)

// conditionalDataset is the demo's 有条件开放 dataset (广州市人社局's job
// openings, whose contact_phone is sensitive).
const conditionalDataset = "/opendata/datasets/4401-hrss-0003"

// getJSON fetches an API path with c and decodes its JSON body.
func getJSON(t *testing.T, c *apptest.Client, path string) (int, map[string]any) {
	t.Helper()
	r := c.Get(path)
	var m map[string]any
	json.Unmarshal([]byte(r.Body), &m)
	return r.StatusCode, m
}

// TestConditionalOpenData: a conditionally open dataset is listed with its
// conditions and serves nothing until its publisher's CDO approves an
// application; then the applicant (only) downloads and calls its API,
// until expiry. Every step is audited.
func TestConditionalOpenData(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			anon := n.Client(t)
			page := anon.Get(conditionalDataset)
			if page.StatusCode != 200 || !strings.Contains(page.Doc.Find("#conditions").Text(), "不得转售") {
				t.Fatalf("dataset page: %d conditions %q", page.StatusCode, page.Doc.Find("#conditions").Text())
			}
			if page.Doc.Find("#preview-table").Length() != 0 || page.Doc.Find("a.download").Length() != 0 {
				t.Fatal("a conditionally open dataset shows its rows or download links to a visitor")
			}
			d, err := n.App.OpenData.Dataset(ctx, "4401-hrss-0003")
			if err != nil {
				t.Fatal(err)
			}
			csvPath := conditionalDataset + "/resources/" + string(d.Resources[0].ID) + "/download"
			rowsPath := "/api/v1/opendata/datasets/4401-hrss-0003/rows"
			r := anon.Get(csvPath)
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Doc.Find("main").Text(), "有条件开放") {
				t.Fatalf("anonymous download: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			if st, body := getJSON(t, anon, rowsPath); st != http.StatusForbidden || !strings.Contains(string(dataJSON(body)), "有条件开放") {
				t.Fatalf("anonymous rows API: %d %v", st, body)
			}

			// Harvesters are told: CKAN's isopen is false, DCAT's access rights RESTRICTED; the search page marks it.
			if st, body := getJSON(t, anon, "/api/3/action/package_show?id=4401-hrss-0003"); st != 200 ||
				body["result"].(map[string]any)["isopen"] != false || !strings.Contains(string(dataJSON(body)), "RESTRICTED") {
				t.Fatalf("package_show: %d %v", st, body)
			}
			if st, body := getJSON(t, anon, "/api/3/action/package_show?id=4401-hrss-0002"); st != 200 || body["result"].(map[string]any)["isopen"] != true {
				t.Fatalf("package_show of an open dataset: %d", st)
			}
			if ld := anon.Get("/dataset/4401-hrss-0003.jsonld"); !strings.Contains(ld.Body, "access-right/RESTRICTED") {
				t.Fatalf("DCAT: %s", ld.Body)
			}
			if s := anon.Get("/opendata/datasets?q=招聘"); !strings.Contains(s.Doc.Find("#results .badge.conditional").Text(), "有条件开放") {
				t.Fatalf("search result not marked: %s", s.Doc.Find("#results").Text())
			}

			citizen := n.Client(t)
			citizen.Login("citizen", "digigov2026")
			citizen.Get(conditionalDataset)
			bad := citizen.Post(conditionalDataset+"/apply", url.Values{"purpose": {""}, "intended_use": {"研究"}, "days": {"900"}, "contact": {"12"}})
			if bad.StatusCode != http.StatusUnprocessableEntity && bad.StatusCode != http.StatusBadRequest {
				t.Fatalf("bad application: %d", bad.StatusCode)
			}
			for _, f := range []string{"purpose", "days", "contact"} {
				if !bad.Doc.Find("#f-" + f).Closest(".field").HasClass("invalid") {
					t.Errorf("field %s not marked invalid", f)
				}
			}
			ok := citizen.Post(conditionalDataset+"/apply", url.Values{"purpose": {"研究本市技能人才供需"}, "intended_use": {"高校课题报告，不对外发布原始数据"},
				"days": {"30"}, "contact": {"13912345678"}})
			if ok.StatusCode != http.StatusSeeOther {
				t.Fatalf("application: %d %s", ok.StatusCode, ok.Doc.Find("main").Text())
			}
			appPath := ok.Header.Get("Location")
			view := citizen.Get(appPath)
			if got := view.Doc.Find("#contact").Text(); got != "139****5678" {
				t.Fatalf("contact on the page: %q", got)
			}
			if r := citizen.Post(conditionalDataset+"/apply", url.Values{"purpose": {"再次"}, "intended_use": {"x"}, "days": {"1"}, "contact": {"13912345678"}}); r.StatusCode != http.StatusConflict {
				t.Fatalf("second application while pending: %d", r.StatusCode)
			}
			if r := citizen.Get(csvPath); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Doc.Find("main").Text(), "首席数据官批准") {
				t.Fatalf("download while pending: %d", r.StatusCode)
			}
			if mine := citizen.Get("/opendata/applications"); mine.Doc.Find("#applications tbody tr").Length() != 1 ||
				!strings.Contains(mine.Doc.Find("#applications").Text(), "审核中") {
				t.Fatalf("my applications: %s", mine.Doc.Find("#applications").Text())
			}
			var sealed []byte
			if err := n.App.DB.QueryRow(ctx, `SELECT contact_enc FROM opendata_applications`).Scan(&sealed); err != nil ||
				strings.Contains(string(sealed), "13912345678") {
				t.Fatalf("contact at rest: %v %q", err, sealed)
			}

			// Another body's CDO neither sees nor decides it.
			other := n.Client(t)
			other.Login("cdo_sz", "digigov2026")
			if r := other.Get(appPath); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body's CDO reads it: %d", r.StatusCode)
			}
			if r := other.Post(appPath+"/approve", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body's CDO approves it: %d", r.StatusCode)
			}
			cdo := n.Client(t)
			cdo.Login("cdo_gz", "digigov2026")
			inbox := cdo.Get("/workbench/data/open-applications")
			if inbox.Doc.Find("#open-inbox tbody tr a").Length() != 1 {
				t.Fatalf("CDO's inbox: %s", inbox.Doc.Find("#open-inbox").Text())
			}
			cdo.Get(appPath)
			if r := cdo.Post(appPath+"/refuse", url.Values{"reason": {" "}}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
				t.Fatalf("refusal without a reason: %d", r.StatusCode)
			}
			if r := cdo.Post(appPath+"/approve", url.Values{"note": {"同意，限课题使用"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
			}
			if r := cdo.Post(appPath+"/refuse", url.Values{"reason": {"晚了"}}); r.StatusCode != http.StatusConflict {
				t.Fatalf("refusing a decided application: %d", r.StatusCode)
			}

			// The applicant now previews, downloads and calls the API; sensitive fields stay out.
			page = citizen.Get(conditionalDataset)
			if page.Doc.Find("#access-live").Length() != 1 || page.Doc.Find("#preview-table tbody tr").Length() != 3 {
				t.Fatalf("dataset page after approval: %s", page.Doc.Find("#conditional").Text())
			}
			r = citizen.Get(csvPath)
			if r.StatusCode != 200 || !strings.Contains(r.Body, "数控车床操作工") || strings.Contains(r.Body, "13800138001") {
				t.Fatalf("download after approval: %d %q", r.StatusCode, r.Body)
			}
			st, body := getJSON(t, citizen, rowsPath+"?rows=2")
			if st != 200 || body["total"].(float64) != 3 || len(body["data"].([]any)) != 2 || body["next"].(float64) != 2 {
				t.Fatalf("rows API after approval: %d %v", st, body)
			}
			if strings.Contains(string(dataJSON(body)), "contact_phone") {
				t.Fatal("the rows API serves a sensitive field")
			}
			if st, _ := getJSON(t, citizen, rowsPath+"?rows=5000"); st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
				t.Fatalf("rows=5000: %d", st)
			}
			// By API token too; but another person's approval is not theirs.
			req, _ := http.NewRequest(http.MethodGet, n.URL+rowsPath, nil)
			req.Header.Set("Authorization", "Bearer "+n.Token(t, "citizen"))
			if r := n.Client(t).Do(req); r.StatusCode != 200 {
				t.Fatalf("rows API by token: %d", r.StatusCode)
			}
			ent := n.Client(t)
			ent.Login("enterprise", "digigov2026")
			if r := ent.Get(csvPath); r.StatusCode != http.StatusForbidden {
				t.Fatalf("someone else downloads: %d", r.StatusCode)
			}

			// At expiry the approval ends.
			if _, err := n.App.DB.Exec(ctx, `UPDATE opendata_applications SET expires_at = ?`, d.CreatedAt); err != nil {
				t.Fatal(err)
			}
			if r := citizen.Get(csvPath); r.StatusCode != http.StatusForbidden {
				t.Fatalf("download after expiry: %d", r.StatusCode)
			}
			if got := citizen.Get(appPath).Doc.Find("#application-state").Text(); got != "已到期" {
				t.Fatalf("state after expiry: %q", got)
			}

			for _, action := range []string{"opendata.access_applied", "opendata.access_approved", "opendata.access_used"} {
				list, err := n.App.Store.AuditEntries(ctx, audit.Filter{Action: action, Limit: 10})
				if err != nil || len(list) == 0 {
					t.Errorf("no audit entry %s (%v)", action, err)
				}
			}
		})
	}
}
