package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMarketEditPage edits a draft through the pages: the form comes back
// filled in, a change saved shows on the product, a form opened before
// another change is refused (nothing overwritten), another body's CDO gets
// a 404, and a published product says in Chinese to withdraw it first.
func TestMarketEditPage(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			cdo, other := n.Client(t), n.Client(t)
			cdo.Login("cdo_gz", "digigov2026")
			other.Login("cdo_sz", "digigov2026")
			res := resourceByCode(t, n, "4401-HRSS/0001")
			r := cdo.Post("/workbench/market/products", marketProductForm(res, "参保核验"))
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("list: %d", r.StatusCode)
			}
			productURL := r.Header.Get("Location")
			id := strings.TrimPrefix(productURL, "/market/products/")
			editURL := "/workbench/market/products/" + id + "/edit"
			if cdo.Get(productURL).Doc.Find("#edit-link").Length() != 1 {
				t.Fatal("no edit link on a draft")
			}
			if r := other.Get(editURL); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body's edit form: %d", r.StatusCode)
			}
			form := cdo.Get(editURL)
			if form.StatusCode != http.StatusOK || form.Doc.Find(`input[name="name"]`).AttrOr("value", "") != "参保核验" ||
				!form.Doc.Find(`input[name="fields_`+string(res.ID)+`"][value="insurance"]`).Is("[checked]") {
				t.Fatalf("edit form not filled in: %d", form.StatusCode)
			}
			version := form.Doc.Find(`input[name="version"]`).AttrOr("value", "")
			edit := marketProductForm(res, "参保状态核验服务")
			edit.Set("version", version)
			edit.Set("price", "0.50")
			if r := other.Post(editURL, edit); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body editing: %d", r.StatusCode)
			}
			edit.Del("csrf") // the other client's
			bad := marketProductForm(res, "")
			bad.Set("version", version)
			if r := cdo.Post(editURL, bad); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-name").Length() != 1 {
				t.Fatalf("bad edit: %d", r.StatusCode)
			}
			if r := cdo.Post(editURL, edit); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d %s", r.StatusCode, r.Doc.Find(".field-error, #form-error").Text())
			}
			page := cdo.Get(productURL)
			if page.Doc.Find("#product-name").Text() != "参保状态核验服务" || !strings.Contains(page.Body, "0.50") {
				t.Fatalf("the edit does not show: %q", page.Doc.Find("#product-name").Text())
			}
			// The form opened before that change is stale.
			stale := marketProductForm(res, "旧表单")
			stale.Set("version", version)
			r = cdo.Post(editURL, stale)
			if r.StatusCode != http.StatusConflict || !strings.Contains(r.Doc.Find("#form-error").Text(), "已被他人修改") {
				t.Fatalf("stale edit: %d %q", r.StatusCode, r.Doc.Find("#form-error").Text())
			}
			if cdo.Get(productURL).Doc.Find("#product-name").Text() != "参保状态核验服务" {
				t.Fatal("a stale edit overwrote the product")
			}
			// Published: not editable; the page says to withdraw first.
			if r := cdo.Post(productURL+"/publish", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", r.StatusCode)
			}
			if p := cdo.Get(productURL); p.Doc.Find("#edit-link").Length() != 0 || !strings.Contains(p.Doc.Find("#edit-hint").Text(), "请先下架") {
				t.Fatal("a published product offers editing or does not say to withdraw first")
			}
			r = cdo.Get(editURL)
			if r.StatusCode != http.StatusConflict || !strings.Contains(r.Doc.Find("#form-error").Text(), "请先下架") {
				t.Fatalf("edit form of a published product: %d %q", r.StatusCode, r.Doc.Find("#form-error").Text())
			}
			edit.Set("version", "2026-01-01T00:00:00Z")
			if r := cdo.Post(editURL, edit); r.StatusCode != http.StatusConflict {
				t.Fatalf("posting an edit of a published product: %d", r.StatusCode)
			}
		})
	}
}
