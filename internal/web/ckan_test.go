package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/store/storetest"
)

// openDataNode is a demo node (three published datasets) plus 25 imported
// ones: 15 transport datasets of 广州市交通运输局 tagged 公交, 10 health
// datasets of 深圳市卫生健康委员会 tagged 医院.
func openDataNode(t *testing.T, e storetest.Engine) *apptest.Node {
	t.Helper()
	n := apptest.Start(t, e)
	var list []opendata.ImportDataset
	for i := range 25 {
		d := opendata.ImportDataset{Name: fmt.Sprintf("gz-bus-%02d", i), Title: fmt.Sprintf("广州市公交线路站点%02d", i),
			Notes: "公交线路与站点", OrgName: "4401-transport", OrgTitle: "广州市交通运输局", Groups: []string{"transport"},
			Tags: []string{"公交", "线路"}, Frequency: "monthly",
			Resources: []opendata.ImportResource{{Name: "站点", Format: opendata.CSV, Content: "line,stops\nB1,24\nB2,31\n"}}}
		if i >= 15 {
			d.Name, d.Title, d.Notes = fmt.Sprintf("sz-hospital-%02d", i), fmt.Sprintf("深圳市医疗机构名录%02d", i), "医院与诊所"
			d.OrgName, d.OrgTitle, d.Groups, d.Tags = "4403-health", "深圳市卫生健康委员会", []string{"health"}, []string{"医院"}
			d.Resources = append(d.Resources, opendata.ImportResource{Name: "名录", Format: opendata.JSON, Content: "name,beds\n深圳市人民医院,2000\n"})
		}
		list = append(list, d)
	}
	if err := n.App.OpenData.ImportAs(context.Background(), audit.System("test"), list); err != nil {
		t.Fatal(err)
	}
	return n
}

// ckan calls an action with GET parameters and decodes the envelope.
func ckan(t *testing.T, n *apptest.Node, action string, params url.Values) (int, map[string]any) {
	t.Helper()
	resp := n.Client(t).Get("/api/3/action/" + action + "?" + params.Encode())
	var env map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &env); err != nil {
		t.Fatalf("%s: not JSON: %s", action, resp.Body)
	}
	return resp.StatusCode, env
}

func ok(t *testing.T, action string, status int, env map[string]any) any {
	t.Helper()
	if status != 200 || env["success"] != true || !strings.Contains(fmt.Sprint(env["help"]), "help_show?name="+action) {
		t.Fatalf("%s: %d %v", action, status, env)
	}
	return env["result"]
}

func names(list any) []string {
	var out []string
	for _, x := range list.([]any) {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			out = append(out, x["name"].(string))
		}
	}
	return out
}

func TestCKANActions(t *testing.T) {
	n := openDataNode(t, storetest.Engines(t)[0])

	// package_list: 29 names in order, with limit and offset.
	st, env := ckan(t, n, "package_list", nil)
	all := names(ok(t, "package_list", st, env))
	if len(all) != 29 || all[0] != "4401-hrss-0002" || all[len(all)-1] != "sz-hospital-24" {
		t.Fatalf("package_list: %d %v", len(all), all)
	}
	st, env = ckan(t, n, "package_list", url.Values{"limit": {"5"}, "offset": {"3"}})
	if got := names(ok(t, "package_list", st, env)); strings.Join(got, ",") != strings.Join(all[3:8], ",") {
		t.Fatalf("package_list page: %v", got)
	}

	// package_search: q, fq, rows, start, sort, facets.
	st, env = ckan(t, n, "package_search", url.Values{"q": {"公交"}, "rows": {"10"}, "sort": {"name asc"},
		"facet.field": {`["organization","tags","res_format"]`}, "facet.limit": {"2"}})
	res := ok(t, "package_search", st, env).(map[string]any)
	if res["count"].(float64) != 15 || len(res["results"].([]any)) != 10 {
		t.Fatalf("package_search q: count %v, %d results", res["count"], len(res["results"].([]any)))
	}
	first := res["results"].([]any)[0].(map[string]any)
	if first["name"] != "gz-bus-00" || first["organization"].(map[string]any)["name"] != "4401-transport" ||
		first["num_resources"].(float64) != 1 || first["resources"].([]any)[0].(map[string]any)["format"] != "CSV" {
		t.Fatalf("package dict: %v", first)
	}
	if f := res["facets"].(map[string]any)["organization"].(map[string]any); f["4401-transport"].(float64) != 15 || len(f) != 1 {
		t.Fatalf("organization facet: %v", f)
	}
	if items := res["search_facets"].(map[string]any)["tags"].(map[string]any)["items"].([]any); len(items) != 2 {
		t.Fatalf("facet.limit not applied: %v", items)
	}
	st, env = ckan(t, n, "package_search", url.Values{"q": {"公交"}, "rows": {"10"}, "start": {"10"}, "sort": {"name asc"}})
	if got := names(ok(t, "package_search", st, env).(map[string]any)["results"]); len(got) != 5 || got[0] != "gz-bus-10" {
		t.Fatalf("second page: %v", got)
	}
	st, env = ckan(t, n, "package_search", url.Values{"fq": {`organization:4403-health +res_format:"JSON"`}, "rows": {"0"}})
	if c := ok(t, "package_search", st, env).(map[string]any)["count"]; c.(float64) != 10 {
		t.Fatalf("fq count %v", c)
	}
	st, env = ckan(t, n, "package_search", url.Values{"q": {"*:*"}, "fq": {"groups:market"}})
	if got := names(ok(t, "package_search", st, env).(map[string]any)["results"]); len(got) != 1 || got[0] != "4403-amr-0001" {
		t.Fatalf("groups filter: %v", got)
	}
	// rows above 1000 are cut to 1000, as CKAN's rows_max.
	st, env = ckan(t, n, "package_search", url.Values{"rows": {"5000"}})
	if got := ok(t, "package_search", st, env).(map[string]any)["results"].([]any); len(got) != 29 {
		t.Fatalf("rows=5000: %d", len(got))
	}

	// package_show by name and id; resource_show.
	st, env = ckan(t, n, "package_show", url.Values{"id": {"4403-amr-0001"}})
	pkg := ok(t, "package_show", st, env).(map[string]any)
	if pkg["title"] != "深圳市企业登记信息" || pkg["license_id"] != "gd-open-data" || len(pkg["resources"].([]any)) != 3 {
		t.Fatalf("package_show: %v", pkg)
	}
	st, env = ckan(t, n, "package_show", url.Values{"id": {pkg["id"].(string)}})
	ok(t, "package_show", st, env)
	rid := pkg["resources"].([]any)[2].(map[string]any)["id"].(string)
	st, env = ckan(t, n, "resource_show", url.Values{"id": {rid}})
	if r := ok(t, "resource_show", st, env).(map[string]any); r["format"] != "XLSX" || r["package_id"] != pkg["id"] ||
		!strings.HasSuffix(r["url"].(string), "/download") {
		t.Fatalf("resource_show: %v", r)
	}

	// organization_list / _show, group_list / _show, tag_list.
	st, env = ckan(t, n, "organization_list", url.Values{"sort": {"package_count desc"}, "all_fields": {"true"}, "limit": {"2"}})
	orgs := ok(t, "organization_list", st, env).([]any)
	if len(orgs) != 2 || orgs[0].(map[string]any)["name"] != "4401-transport" || orgs[0].(map[string]any)["package_count"].(float64) != 15 {
		t.Fatalf("organization_list: %v", orgs)
	}
	st, env = ckan(t, n, "organization_show", url.Values{"id": {"4403-health"}, "include_datasets": {"true"}})
	if o := ok(t, "organization_show", st, env).(map[string]any); o["package_count"].(float64) != 10 || len(o["packages"].([]any)) != 10 {
		t.Fatalf("organization_show: %v", o["package_count"])
	}
	st, env = ckan(t, n, "group_list", nil)
	if got := names(ok(t, "group_list", st, env)); len(got) != len(opendata.Themes) || got[0] != "agriculture" {
		t.Fatalf("group_list: %v", got)
	}
	st, env = ckan(t, n, "group_show", url.Values{"id": {"transport"}})
	if g := ok(t, "group_show", st, env).(map[string]any); g["package_count"].(float64) != 15 || g["title"] != "道路交通" {
		t.Fatalf("group_show: %v", g)
	}
	st, env = ckan(t, n, "tag_list", url.Values{"query": {"公"}})
	if got := names(ok(t, "tag_list", st, env)); strings.Join(got, ",") != "公交" {
		t.Fatalf("tag_list: %v", got)
	}
	st, env = ckan(t, n, "status_show", nil)
	if s := ok(t, "status_show", st, env).(map[string]any); s["ckan_version"] == "" || s["site_url"] != n.URL {
		t.Fatalf("status_show: %v", s)
	}

	// A one-character word is found without the bigram index.
	st, env = ckan(t, n, "package_search", url.Values{"q": {"医"}, "rows": {"0"}})
	if c := ok(t, "package_search", st, env).(map[string]any)["count"]; c.(float64) != 10 {
		t.Fatalf("q=医: %v", c)
	}
	// Republishing moves a dataset to another theme: the index follows.
	cdo := n.Caller(t, "cdo")
	src, err := n.App.DataShare.ResourceByCode(context.Background(), cdo, "GD-DATA/0001")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.App.OpenData.Publish(context.Background(), cdo, src.ID, opendata.PublishInput{Theme: "economy", Tags: []string{"统计"}}); err != nil {
		t.Fatal(err)
	}
	st, env = ckan(t, n, "package_search", url.Values{"fq": {"groups:government"}})
	if c := ok(t, "package_search", st, env).(map[string]any)["count"]; c.(float64) != 0 {
		t.Fatalf("old theme still counts the dataset: %v", c)
	}
	st, env = ckan(t, n, "package_search", url.Values{"fq": {"groups:economy tags:统计"}})
	if got := names(ok(t, "package_search", st, env).(map[string]any)["results"]); strings.Join(got, ",") != "gd-data-0001" {
		t.Fatalf("new theme: %v", got)
	}

	// A browse without words or filters is cached per revision: a new dataset shows at once.
	more := opendata.ImportDataset{Name: "zz-new", Title: "新数据集", OrgName: "4401-transport", OrgTitle: "广州市交通运输局",
		Groups: []string{"transport"}, Resources: []opendata.ImportResource{{Name: "x", Format: opendata.CSV, Content: "a\n1\n"}}}
	if err := n.App.OpenData.ImportAs(context.Background(), audit.System("test"), []opendata.ImportDataset{more}); err != nil {
		t.Fatal(err)
	}
	st, env = ckan(t, n, "package_search", url.Values{"sort": {"name desc"}, "rows": {"1"}, "facet.field": {`["groups"]`}})
	res = ok(t, "package_search", st, env).(map[string]any)
	if res["count"].(float64) != 30 || names(res["results"])[0] != "zz-new" || res["facets"].(map[string]any)["groups"].(map[string]any)["transport"].(float64) != 16 {
		t.Fatalf("browse after an import: %v %v", res["count"], res["facets"])
	}

	// POST with a JSON body works as GET does.
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/3/action/package_search", bytes.NewReader([]byte(`{"fq":"tags:医院","rows":3,"facet.field":["groups"]}`)))
	req.Header.Set("Content-Type", "application/json")
	r := n.Client(t).Do(req)
	var env2 map[string]any
	json.Unmarshal([]byte(r.Body), &env2)
	if res := ok(t, "package_search", r.StatusCode, env2).(map[string]any); res["count"].(float64) != 10 || len(res["results"].([]any)) != 3 {
		t.Fatalf("POST package_search: %v", res["count"])
	}
}

func TestCKANErrors(t *testing.T) {
	n := openDataNode(t, storetest.Engines(t)[0])
	cases := []struct {
		action string
		params url.Values
		status int
		typ    string
		field  string
	}{
		{"package_show", url.Values{"id": {"no-such-dataset"}}, 404, "Not Found Error", ""},
		{"package_show", nil, 409, "Validation Error", "id"},
		{"resource_show", url.Values{"id": {"not-an-id"}}, 404, "Not Found Error", ""},
		{"organization_show", url.Values{"id": {"nobody"}}, 404, "Not Found Error", ""},
		{"group_show", url.Values{"id": {"nothing"}}, 404, "Not Found Error", ""},
		{"package_search", url.Values{"rows": {"-1"}}, 409, "Validation Error", "rows"},
		{"package_search", url.Values{"start": {"abc"}}, 409, "Validation Error", "start"},
		{"package_search", url.Values{"facet.field": {"organization"}}, 409, "Validation Error", "facet.field"},
		{"package_search", url.Values{"sort": {"color asc"}}, 409, "Validation Error", "sort"},
		{"package_search", url.Values{"fq": {"colour:red"}}, 400, "Search Query Error", ""},
		{"package_list", url.Values{"limit": {"x"}}, 409, "Validation Error", "limit"},
		{"organization_list", url.Values{"all_fields": {"maybe"}}, 409, "Validation Error", "all_fields"},
	}
	for _, c := range cases {
		st, env := ckan(t, n, c.action, c.params)
		e, _ := env["error"].(map[string]any)
		if st != c.status || env["success"] != false || e == nil || e["__type"] != c.typ || env["help"] == nil {
			t.Errorf("%s %v: %d %v, want %d %s", c.action, c.params, st, env, c.status, c.typ)
			continue
		}
		if c.field != "" {
			if msgs, _ := e[c.field].([]any); len(msgs) == 0 {
				t.Errorf("%s %v: no message for %s: %v", c.action, c.params, c.field, e)
			}
		} else if e["message"] == "" {
			t.Errorf("%s: no message", c.action)
		}
	}
	// An unknown action: 400 and CKAN's sentence as a JSON string.
	resp := n.Client(t).Get("/api/3/action/package_create")
	var msg string
	if err := json.Unmarshal([]byte(resp.Body), &msg); err != nil || resp.StatusCode != 400 || msg != "Bad request - Action name not known: package_create" {
		t.Fatalf("unknown action: %d %s", resp.StatusCode, resp.Body)
	}
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/3/action/package_search", strings.NewReader(`{"q":`))
	if r := n.Client(t).Do(req); r.StatusCode != 400 || !strings.Contains(r.Body, "JSON Error") {
		t.Fatalf("bad JSON body: %d %s", r.StatusCode, r.Body)
	}
}

// An offset at the edge of int is an empty page, not a 500, and leaves the
// search index usable for the next caller; so does the portal's page.
func TestCKANHugeStart(t *testing.T) {
	n := openDataNode(t, storetest.Engines(t)[0])
	for range 2 {
		st, env := ckan(t, n, "package_search", url.Values{"start": {"9223372036854775807"}})
		res, _ := env["result"].(map[string]any)
		if st != 200 || env["success"] != true || res == nil || len(res["results"].([]any)) != 0 {
			t.Fatalf("start at the edge of int: %d %v", st, env)
		}
	}
	st, env := ckan(t, n, "package_search", url.Values{"rows": {"1"}})
	if res, _ := env["result"].(map[string]any); st != 200 || res == nil || len(res["results"].([]any)) != 1 {
		t.Fatalf("a search after the huge offset: %d %v", st, env)
	}
	if r := n.Client(t).Get("/opendata/datasets?page=9223372036854775807"); r.StatusCode != 200 {
		t.Errorf("the portal's page at the edge of int: %d", r.StatusCode)
	}
}
