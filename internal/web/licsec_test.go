package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestTrustListCannotTakeOverAnotherSourcesKey: 湖南's list is imported;
// then 江西's list carries 湖南's public key (copied from 湖南's list, also
// under a renamed kid), or one of this node's own seal keys, or a third
// node names itself 湖南: each import is refused with a message naming the
// key and who holds it, nothing is written, the refusal is audited, and
// 湖南's licences still verify in 湖南's name. 江西's own list imports.
func TestTrustListCannotTakeOverAnotherSourcesKey(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			admin := n.Client(t)
			admin.Login("admin", app.DemoPassword)
			hn := &foreignNode{t: t, url: "http://127.0.0.1:9", name: "湖南省人民政府办公厅"}
			k1 := hn.key("湖南省市场监督管理局", "11430000MB1234567X")
			if r := admin.Post("/workbench/trust-lists", url.Values{"list": {hn.list(k1)}}); r.StatusCode != http.StatusOK {
				t.Fatalf("import 湖南: %d", r.StatusCode)
			}
			hnIssuer := license.CredIssuer{ID: hn.url + "/issuers/3", Name: "湖南省市场监督管理局", USCC: "11430000MB1234567X"}
			lic := hn.licence(k1, hnIssuer)

			jx := &foreignNode{t: t, url: "http://127.0.0.1:10", name: "江西省人民政府办公厅"}
			kj := jx.key("江西省市场监督管理局", "11360000MB7654321Y")
			copied := foreignKey{jwk: k1.jwk}
			copied.jwk.Org = "江西省市场监督管理局"
			renamed := copied
			renamed.jwk.Kid = "jx-renamed-key"
			var own struct{ Keys []seal.JWK }
			if err := json.Unmarshal([]byte(n.c.Get("/.well-known/jwks.json").Body), &own); err != nil || len(own.Keys) == 0 {
				t.Fatalf("jwks: %v", err)
			}
			ours := foreignKey{jwk: own.Keys[0]}
			third := &foreignNode{t: t, url: "http://127.0.0.1:11", name: hn.name}
			k3 := third.key("某某省市场监督管理局", "")
			for name, c := range map[string]struct {
				list string
				want []string
			}{
				"湖南's key in 江西's list":             {jx.list(kj, copied), []string{k1.jwk.Kid, hn.name, "已属于"}},
				"湖南's key under another kid":        {jx.list(kj, renamed), []string{k1.jwk.Kid, hn.name}},
				"this node's seal key in 江西's list": {jx.list(kj, ours), []string{own.Keys[0].Kid, "本节点"}},
				"another node named 湖南":             {third.list(k3), []string{hn.name, hn.url}},
			} {
				r := admin.Post("/workbench/trust-lists", url.Values{"list": {c.list}})
				msg := r.Doc.Find("#trust-error").Text()
				if r.StatusCode != http.StatusConflict {
					t.Errorf("%s: %d %q", name, r.StatusCode, msg)
				}
				for _, w := range c.want {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: message %q lacks %q", name, msg, w)
					}
				}
				if v := n.verifyTrust(lic); v.Verdict != "valid" || v.KeySource != hn.name || v.IssuerName != "湖南省市场监督管理局" {
					t.Errorf("after %s, 湖南's licence: %+v", name, v)
				}
			}
			keys, err := n.App.Licenses.TrustedKeys(ctx, n.Caller(t, "admin"))
			if err != nil || len(keys) != 1 || keys[0].Source != hn.name {
				t.Errorf("trusted keys after the refusals: %+v, %v", keys, err)
			}
			es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: "trust_list.refused", Limit: 10})
			held := 0
			for _, e := range es {
				if strings.Contains(e.Detail, k1.jwk.Kid) && strings.Contains(e.Detail, hn.name) {
					held++
				}
			}
			if err != nil || len(es) != 4 || held != 2 {
				t.Errorf("refusals audited: %d, %d naming 湖南's key (%v)", len(es), held, err)
			}
			// 江西's own list imports.
			if r := admin.Post("/workbench/trust-lists", url.Values{"list": {jx.list(kj)}}); r.StatusCode != http.StatusOK ||
				r.Doc.Find("#trust-sources tbody tr").Length() != 2 {
				t.Errorf("江西's own list: %d", r.StatusCode)
			}
			// In English too.
			admin.Post("/prefs", url.Values{"lang": {"en"}})
			if r := admin.Post("/workbench/trust-lists", url.Values{"list": {jx.list(kj, copied)}}); r.StatusCode != http.StatusConflict ||
				!strings.Contains(r.Doc.Find("#trust-error").Text(), "already belongs to the trust source") {
				t.Errorf("English refusal: %d %q", r.StatusCode, r.Doc.Find("#trust-error").Text())
			}
		})
	}
}

// TestForeignStatusURLOutsideItsNode: a key from 湖南's trust list (node
// http://127.0.0.1:9) signs a licence whose status list URL points at
// another address (here a server standing for an internal one). The
// verifier does not fetch it: the licence is genuine, its status
// unchecked with the reason bad_url, and the address sees no request.
func TestForeignStatusURLOutsideItsNode(t *testing.T) {
	e := storetest.Engines(t)[0]
	n := startLicense(t, e)
	var hits atomic.Int32
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(inner.Close)
	hn := &foreignNode{t: t, url: "http://127.0.0.1:9", name: "湖南省人民政府办公厅"}
	k1 := hn.key("湖南省市场监督管理局", "11430000MB1234567X")
	if _, err := n.App.Licenses.ImportTrustList(context.Background(), n.Caller(t, "admin"), hn.list(k1)); err != nil {
		t.Fatal(err)
	}
	elsewhere := &foreignNode{t: t, url: inner.URL}
	lic := elsewhere.licence(k1, license.CredIssuer{ID: hn.url + "/issuers/3", Name: "湖南省市场监督管理局", USCC: "11430000MB1234567X"})
	var v liveVerdict
	b, _ := json.Marshal(map[string]any{"jws": lic})
	if code := n.api(http.MethodPost, "/api/v1/licenses/verify", "", string(b), &v); code != http.StatusOK {
		t.Fatalf("verify: %d", code)
	}
	if !v.Genuine || !v.StatusUnchecked || v.StatusError != "bad_url" {
		t.Errorf("licence with a status URL off its node: %+v", v)
	}
	if hits.Load() != 0 {
		t.Errorf("the other address was requested %d times", hits.Load())
	}
	// The verifier page says why, in Chinese.
	p := n.Client(t).Post("/verify", url.Values{"text": {lic}})
	if p.StatusCode != http.StatusOK || !strings.Contains(p.Doc.Text(), "状态列表地址无效") {
		t.Errorf("verifier page: %d", p.StatusCode)
	}
}
