package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestSealAdministration(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			admin := n.Client(t)
			admin.Login("admin", app.DemoPassword)

			// The demo bodies have their seals; the list shows them with images.
			r := admin.Get("/workbench/seals")
			if r.StatusCode != http.StatusOK || r.Doc.Find("#seals img.seal-thumb").Length() < 10 {
				t.Fatalf("seal list: status %d, %d seals", r.StatusCode, r.Doc.Find("#seals img.seal-thumb").Length())
			}
			// A business seal without a name is refused with the field's error.
			org, _ := r.Doc.Find(`#f-org option[value!=""]`).First().Attr("value")
			r = admin.Post("/workbench/seals", url.Values{"org": {org}, "kind": {"business"}, "name": {""}, "alg": {"EdDSA"}})
			if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-name").Text() != "此项必填。" {
				t.Fatalf("nameless 专用章: status %d, error %q", r.StatusCode, r.Doc.Find("#e-name").Text())
			}
			r = admin.Post("/workbench/seals", url.Values{"org": {org}, "kind": {"business"}, "name": {"<b>证照</b>专用章"}, "alg": {"EdDSA"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: status %d: %s", r.StatusCode, r.Body)
			}
			page := r.Header.Get("Location")
			r = admin.Get(page)
			if got := r.Doc.Find("h1").Text(); !strings.Contains(got, "<b>证照</b>专用章") || r.Doc.Find("h1 b").Length() > 0 {
				t.Errorf("title %q: markup must show as text", got)
			}
			kid := r.Doc.Find("#seal-kid").Text()
			img, _ := r.Doc.Find("img.seal-image").Attr("src")
			svg := admin.Get(img)
			if svg.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg.Body, "&lt;b&gt;") || strings.Contains(svg.Body, "<b>") {
				t.Errorf("image: %s, escaped name missing", svg.Header.Get("Content-Type"))
			}
			// The key is published with its organisation.
			jwks := n.Client(t).Get("/.well-known/jwks.json")
			var set seal.JWKS
			if err := json.Unmarshal([]byte(jwks.Body), &set); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, k := range set.Keys {
				if k.Kid == kid {
					found = k.Alg == "EdDSA" && k.Crv == "Ed25519" && k.Org != "" && k.Status == "active"
				}
			}
			if !found {
				t.Fatalf("new key %s not in the JWKS as an active Ed25519 key with its organisation", kid)
			}
			// Rotate, then revoke without a reason (refused), then with one.
			if r = admin.Post(page+"/act", url.Values{"action": {"rotate"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("rotate: %d", r.StatusCode)
			}
			r = admin.Get(page)
			if r.Doc.Find("#seal-kid").Text() == kid || !strings.Contains(r.Doc.Find("#seal-keys").Text(), "已轮换") {
				t.Error("rotation did not change the key or show the retired one")
			}
			if r = admin.Post(page+"/act", url.Values{"action": {"revoke"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("revoke without reason: %d", r.StatusCode)
			}
			if r = admin.Post(page+"/act", url.Values{"action": {"revoke"}, "reason": {"印章遗失"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
			r = admin.Get(page)
			if !strings.Contains(r.Doc.Find("#seal-state").Text(), "注销") || r.Doc.Find("#seal-act").Length() != 0 {
				t.Errorf("revoked seal shows %q and still offers actions", r.Doc.Find("#seal-state").Text())
			}
			if !strings.Contains(n.Client(t).Get("/.well-known/jwks.json").Body, `"org"`) ||
				strings.Contains(n.Client(t).Get("/.well-known/jwks.json").Body, kid) {
				t.Error("revoked seal's key still published")
			}
			// Citizens cannot reach the administration; the API answers 403/404, never 500.
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			if r := cit.Get("/workbench/seals"); r.StatusCode != http.StatusForbidden {
				t.Errorf("citizen on the seal list: %d", r.StatusCode)
			}
			req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/seals/nope/rotate", strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer "+n.Token(t, "admin"))
			req.Header.Set("Content-Type", "application/json")
			if r := n.Client(t).Do(req); r.StatusCode != http.StatusNotFound {
				t.Errorf("rotate an unknown seal by API: %d %s", r.StatusCode, r.Body)
			}
		})
	}
}
