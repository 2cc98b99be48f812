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
	var items []catalog.Item
	if err := json.Unmarshal([]byte(exp.Body), &items); err != nil || len(items) < 60 {
		t.Fatalf("export: %v, %d items", err, len(items))
	}
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
	items[0].Name = "导入后的名称"
	items[1].Code = "bad code"
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrfOf(admin))
	fw, _ := mw.CreateFormFile("file", "catalog.json")
	json.NewEncoder(fw).Encode(items)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/workbench/catalog/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := admin.Do(req); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad import: %d", r.StatusCode)
	}
	if r := admin.Get("/services/" + items[0].Code); strings.Contains(r.Body, "导入后的名称") {
		t.Errorf("a failed import changed an item")
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
