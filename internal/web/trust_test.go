package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestTrustListMutualRecognition: a licence of one node is unknown to
// another until that node's administrator imports the first's trust list.
func TestTrustListMutualRecognition(t *testing.T) {
	e := storetest.Engines(t)[0]
	a, b := startLicense(t, e), startLicense(t, e)
	lic := a.listMine("enterprise")[0]
	if v := b.verify(lic.JWS, false); v.Reason != "unknown_key" {
		t.Fatalf("before the import: %+v", v)
	}
	list := a.Client(t).Get("/.well-known/trust-list.jws")
	if list.StatusCode != http.StatusOK || strings.Count(list.Body, ".") != 2 {
		t.Fatalf("trust list: %d", list.StatusCode)
	}
	admin := b.Client(t)
	admin.Login("admin", app.DemoPassword)
	page := admin.Get("/workbench/seals")
	if got := page.Doc.Find("#seal-coverage strong").Text(); got != "100.0%" {
		t.Errorf("e-seal coverage of the demo bodies: %q", got)
	}
	// A list changed in transit is refused.
	parts := strings.Split(list.Body, ".")
	forged := parts[0] + "." + b64url(`{"type":"DigigovTrustList","keys":[]}`) + "." + parts[2]
	if r := admin.Post("/workbench/trust-lists", url.Values{"list": {forged}}); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-list").Length() != 1 {
		t.Errorf("forged list: %d", r.StatusCode)
	}
	r := admin.Post("/workbench/trust-lists", url.Values{"list": {list.Body}})
	if r.StatusCode != http.StatusOK || r.Doc.Find("#trust-imported").Length() != 1 || r.Doc.Find("#trusted-keys tbody tr").Length() < 10 {
		t.Fatalf("import: %d, %d keys", r.StatusCode, r.Doc.Find("#trusted-keys tbody tr").Length())
	}
	var v struct {
		Verdict   string `json:"verdict"`
		KeySource string `json:"key_source"`
		Issuer    string `json:"issuer_name"`
	}
	if code := b.api(http.MethodPost, "/api/v1/licenses/verify", "", `{"jws":"`+lic.JWS+`"}`, &v); code != http.StatusOK ||
		v.Verdict != "valid" || v.KeySource != "广东省人民政府办公厅" || v.Issuer != "广州市市场监督管理局" {
		t.Errorf("after the import: %+v", v)
	}
	// Only a province-level administrator may import.
	cit := b.Client(t)
	cit.Login("citizen", app.DemoPassword)
	if r := cit.Post("/workbench/trust-lists", url.Values{"list": {list.Body}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("citizen importing: %d", r.StatusCode)
	}
}
