package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestOpenDataApplicationAPI: applying, listing, approving, refusing and
// revoking through /api/v1 make the same checks as the pages: per-field
// 422s, 409s, another body's CDO gets 404, and a revoked applicant's rows
// calls get 403 with the reason.
func TestOpenDataApplicationAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			c := n.Client(t)
			tok := map[string]string{}
			for _, u := range []string{"citizen", "cdo_gz", "cdo_sz", "enterprise"} {
				tok[u] = n.Token(t, u)
			}
			call := func(method, path, who, body string) *apptest.Response {
				t.Helper()
				req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
				if who != "" {
					req.Header.Set("Authorization", "Bearer "+tok[who])
				}
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				return c.Do(req)
			}
			apply := "/api/v1/opendata/datasets/4401-hrss-0003/applications"
			if r := call("POST", apply, "", `{"purpose":"x","intended_use":"y","days":3,"contact":"13912345678"}`); r.StatusCode != 401 {
				t.Fatalf("anonymous apply: %d", r.StatusCode)
			}
			r := call("POST", apply, "citizen", `{"purpose":"","intended_use":"研究","days":900,"contact":"12"}`)
			var p problem
			mustJSON(t, r.Body, &p)
			fields := map[string]bool{}
			for _, x := range p.Errors {
				fields[x.Location] = true
			}
			if r.StatusCode != 422 || !fields["purpose"] || !fields["days"] || !fields["contact"] {
				t.Fatalf("bad application: %d %s", r.StatusCode, r.Body)
			}
			if r := call("POST", "/api/v1/opendata/datasets/4401-hrss-0002/applications", "citizen",
				`{"purpose":"x","intended_use":"y","days":3,"contact":"13912345678"}`); r.StatusCode != 409 {
				t.Fatalf("applying for an open dataset: %d", r.StatusCode)
			}
			if r := call("POST", "/api/v1/opendata/datasets/nope/applications", "citizen",
				`{"purpose":"x","intended_use":"y","days":3,"contact":"13912345678"}`); r.StatusCode != 404 {
				t.Fatalf("applying for an unknown dataset: %d", r.StatusCode)
			}
			r = call("POST", apply, "citizen", `{"purpose":"研究本市技能人才供需","intended_use":"课题报告","days":30,"contact":"13912345678"}`)
			var a struct {
				ID, State, Contact, RevokeReason string
			}
			mustJSON(t, r.Body, &a)
			if r.StatusCode != 201 || a.State != "pending" || a.Contact != "139****5678" {
				t.Fatalf("apply: %d %s", r.StatusCode, r.Body)
			}
			one := "/api/v1/opendata/applications/" + a.ID
			if r := call("POST", apply, "citizen", `{"purpose":"再","intended_use":"y","days":3,"contact":"13912345678"}`); r.StatusCode != 409 {
				t.Fatalf("second application: %d", r.StatusCode)
			}
			if r := call("GET", "/api/v1/opendata/applications", "citizen", ""); r.StatusCode != 200 || strings.Count(r.Body, `"id"`) != 1 ||
				strings.Contains(r.Body, "13912345678") {
				t.Fatalf("my applications: %d %s", r.StatusCode, r.Body)
			}
			if r := call("GET", "/api/v1/opendata/inbox/applications", "cdo_gz", ""); r.StatusCode != 200 || !strings.Contains(r.Body, a.ID) {
				t.Fatalf("CDO's inbox: %d %s", r.StatusCode, r.Body)
			}
			if r := call("GET", "/api/v1/opendata/inbox/applications", "cdo_sz", ""); r.StatusCode != 200 || strings.Contains(r.Body, a.ID) {
				t.Fatalf("another CDO's inbox: %d %s", r.StatusCode, r.Body)
			}
			if r := call("GET", "/api/v1/opendata/inbox/applications", "citizen", ""); r.StatusCode != 403 {
				t.Fatalf("a citizen's inbox: %d", r.StatusCode)
			}
			for _, who := range []string{"cdo_sz", "enterprise"} {
				if r := call("GET", one, who, ""); r.StatusCode != 404 {
					t.Fatalf("%s reads it: %d", who, r.StatusCode)
				}
			}
			if r := call("POST", one+"/approve", "cdo_sz", `{}`); r.StatusCode != 404 {
				t.Fatalf("another body's CDO approves: %d", r.StatusCode)
			}
			if r := call("POST", one+"/refuse", "cdo_gz", `{"reason":" "}`); r.StatusCode != 422 || !strings.Contains(r.Body, `"location":"reason"`) {
				t.Fatalf("refuse without reason: %d %s", r.StatusCode, r.Body)
			}
			if r := call("POST", one+"/revoke", "cdo_gz", `{"reason":"x"}`); r.StatusCode != 409 {
				t.Fatalf("revoke a pending one: %d", r.StatusCode)
			}
			if r := call("POST", one+"/approve", "cdo_gz", `{"note":"同意"}`); r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"approved"`) {
				t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
			}
			rows := "/api/v1/opendata/datasets/4401-hrss-0003/rows"
			if r := call("GET", rows, "citizen", ""); r.StatusCode != 200 {
				t.Fatalf("rows after approval: %d", r.StatusCode)
			}
			if r := call("POST", one+"/revoke", "cdo_sz", `{"reason":"越权"}`); r.StatusCode != 404 {
				t.Fatalf("another body's CDO revokes: %d", r.StatusCode)
			}
			r = call("POST", one+"/revoke", "cdo_gz", `{"reason":"违反使用条件"}`)
			if r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"revoked"`) || !strings.Contains(r.Body, `"revoke_reason":"违反使用条件"`) {
				t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
			}
			if r := call("GET", rows, "citizen", ""); r.StatusCode != 403 || !strings.Contains(r.Body, "已被发布单位首席数据官撤销（理由：违反使用条件）") {
				t.Fatalf("rows after revocation: %d %s", r.StatusCode, r.Body)
			}
			if r := call("GET", "/api/openapi.json", "", ""); !strings.Contains(r.Body, "OpenDataApplicationBody") || !strings.Contains(r.Body, "/api/v1/opendata/applications/{id}/revoke") {
				t.Fatal("the OpenAPI document lacks the applications API")
			}
		})
	}
}
