package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestCatalogAdministration(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	admin := n.Client(t)
	admin.Login("admin", app.DemoPassword)

	r := admin.Get("/workbench/catalog")
	if r.StatusCode != 200 || r.Doc.Find("#catalog-items tbody tr").Length() < 60 {
		t.Fatalf("catalog list: %d, %d rows", r.StatusCode, r.Doc.Find("#catalog-items tbody tr").Length())
	}
	// Export, change one item's name, save it.
	exp := admin.Get("/workbench/catalog/export.json")
	var x catalog.Export
	if err := json.Unmarshal([]byte(exp.Body), &x); err != nil || len(x.Items) < 60 || len(x.Bundles) < 2 {
		t.Fatalf("export: %v, %d items, %d bundles", err, len(x.Items), len(x.Bundles))
	}
	items := x.Items
	form := admin.Get("/workbench/catalog/items/HRSS-0001")
	doc := form.Doc.Find("#doc").Text()
	var it catalog.Item
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		t.Fatalf("edit form holds no item: %v", err)
	}
	it.Name = "社会保障卡申领（新版）"
	b, _ := json.Marshal(it)
	if r := admin.Post("/workbench/catalog/items", url.Values{"doc": {string(b)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Doc.Find("#e-doc").Text())
	}
	if r := admin.Get("/services?q=" + url.QueryEscape("社保卡")); !strings.Contains(r.Doc.Find("#results").Text(), "社会保障卡申领（新版）") {
		t.Errorf("search does not show the saved name")
	}
	// Saving the same stale version again is refused, not applied.
	if r := admin.Post("/workbench/catalog/items", url.Values{"doc": {string(b)}}); r.StatusCode != http.StatusConflict {
		t.Errorf("stale save: %d, want 409", r.StatusCode)
	}
	it.PromisedDays, it.StatutoryDays = 30, 20
	it.Version++
	b, _ = json.Marshal(it)
	r = admin.Post("/workbench/catalog/items", url.Values{"doc": {string(b)}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#item-problems").Text(), "承诺时限不能超过法定时限") {
		t.Errorf("invalid item: %d %q", r.StatusCode, r.Doc.Find("#item-problems").Text())
	}
	if r := admin.Post("/workbench/catalog/items", url.Values{"doc": {"{not json"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("broken JSON: %d", r.StatusCode)
	}

	// An import with one bad item changes nothing.
	importFile := func(v any) *apptest.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", csrfOf(admin))
		fw, _ := mw.CreateFormFile("file", "catalog.json")
		json.NewEncoder(fw).Encode(v)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/workbench/catalog/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return admin.Do(req)
	}
	good, code1 := items[0], items[1].Code
	items[0].Name = "导入后的名称"
	items[1].Code = "bad code"
	if r := importFile(items); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad import: %d", r.StatusCode)
	}
	if r := admin.Get("/services/" + items[0].Code); strings.Contains(r.Body, "导入后的名称") {
		t.Errorf("a failed import changed an item")
	}
	// Nor does one with a bad bundle, in the export's shape.
	items[1].Code = code1
	badBundle := catalog.Bundle{Code: "BD-TEST", Name: "测试一件事", Items: []string{"HRSS-0001", "XX-9999"}}
	r = importFile(catalog.Export{Items: items, Bundles: []catalog.Bundle{badBundle}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#import-problems").Text(), "bundles[0] BD-TEST: 所列事项编码在目录中不存在") {
		t.Errorf("import with a bad bundle: %d %q", r.StatusCode, r.Doc.Find("#import-problems").Text())
	}
	if r := admin.Get("/services/" + items[0].Code); strings.Contains(r.Body, "导入后的名称") {
		t.Errorf("an import failed by its bundle changed an item")
	}
	// A good import adds the bundle, which the portal offers at once.
	badBundle.Items[1] = "HRSS-0002"
	if r := importFile(catalog.Export{Items: []catalog.Item{good}, Bundles: []catalog.Bundle{badBundle}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good import: %d %q", r.StatusCode, r.Doc.Find("#import-problems, #e-file").Text())
	}
	if r := admin.Get("/bundles/BD-TEST"); r.StatusCode != 200 || !strings.Contains(r.Body, "测试一件事") {
		t.Errorf("imported bundle on the portal: %d", r.StatusCode)
	}

	// A bundle edited as JSON: saved, shown, and guarded like an item.
	bform := admin.Get("/workbench/catalog/bundles/BD-BIRTH")
	var bd catalog.Bundle
	if err := json.Unmarshal([]byte(bform.Doc.Find("#doc").Text()), &bd); err != nil || len(bd.Items) != 4 {
		t.Fatalf("bundle edit form: %v %+v", err, bd)
	}
	bd.Name = "出生一件事（新生儿）"
	bb, _ := json.Marshal(bd)
	if r := admin.Post("/workbench/catalog/bundles", url.Values{"doc": {string(bb)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bundle save: %d %s %s", r.StatusCode, r.Doc.Find("#e-doc").Text(), r.Doc.Find("#bundle-problems").Text())
	}
	if r := admin.Get("/bundles/BD-BIRTH"); !strings.Contains(r.Body, "出生一件事（新生儿）") {
		t.Errorf("the bundle page does not show the saved name")
	}
	if r := admin.Post("/workbench/catalog/bundles", url.Values{"doc": {string(bb)}}); r.StatusCode != http.StatusConflict {
		t.Errorf("stale bundle save: %d, want 409", r.StatusCode)
	}
	bd.Version++
	bd.Items = []string{"HRSS-0001"}
	bd.Map = map[string]map[string]string{"PS-0003": {"nope": "baby_name"}}
	bb, _ = json.Marshal(bd)
	r = admin.Post("/workbench/catalog/bundles", url.Values{"doc": {string(bb)}})
	problems := r.Doc.Find("#bundle-problems").Text()
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(problems, "至少要包含两个事项") || !strings.Contains(problems, "字段对应") {
		t.Errorf("invalid bundle: %d %q", r.StatusCode, problems)
	}
	if r := admin.Get("/bundles/BD-BIRTH"); !strings.Contains(r.Body, "医保") {
		t.Errorf("a refused bundle save changed the bundle")
	}

	citizen := n.Client(t)
	citizen.Login("citizen", app.DemoPassword)
	if r := citizen.Get("/workbench/catalog"); r.StatusCode != http.StatusForbidden {
		t.Errorf("citizen on the catalog admin page: %d", r.StatusCode)
	}
}

// csrfOf fetches a page to learn the client's current CSRF token.
func csrfOf(c *apptest.Client) string {
	v, _ := c.Get("/workbench").Doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}
