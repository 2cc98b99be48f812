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
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
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

// TestSocialCardForeignCodeNotRecordedAgainstALocalHolder: a key of 湖南's
// trust list signs a 亮证 code of a 社会保障卡 carrying the UUID, number and
// holder of a Guangdong licence of this node. At the point of use it is
// verified and shown as 湖南's card, recorded in the audit log only: the
// local holder's 用证记录 stays empty of it. The holder's own code is
// recorded in their history as before.
func TestSocialCardForeignCodeNotRecordedAgainstALocalHolder(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			var card issued
			for _, l := range n.listMine("citizen") {
				if strings.HasPrefix(l.Number, "SB") { // 社会保障卡
					card = l
				}
			}
			if card.ID == "" {
				t.Fatal("the demo citizen has no 社会保障卡")
			}
			hn := &foreignNode{t: t, url: "http://127.0.0.1:9", name: "湖南省人民政府办公厅"}
			k1 := hn.key("湖南省人力资源和社会保障厅", "11430000MB0000001X")
			if _, err := n.App.Licenses.ImportTrustList(ctx, n.Caller(t, "admin"), hn.list(k1)); err != nil {
				t.Fatal(err)
			}
			c, _ := license.ParseCompact(card.JWS)
			var cred struct {
				Subject map[string]any `json:"credentialSubject"`
			}
			_ = json.Unmarshal(c.Payload, &cred)
			now := time.Now()
			code := hn.sign(k1, license.TypPresent, license.Presentation{LicenseID: "urn:uuid:" + card.ID, Number: card.Number,
				Type: "social_security_card", TypeName: "社会保障卡", HolderName: "张明", HolderRef: cred.Subject["id"].(string),
				Issuer: hn.url + "/issuers/7", IssuerName: "湖南省人力资源和社会保障厅", ValidFrom: now.Add(-time.Hour).Unix(),
				IssuedAt: now.Unix(), Expires: now.Add(3 * time.Minute).Unix()})
			desk := n.Client(t)
			desk.Login("counter", app.DemoPassword)
			desk.Get("/workbench/social-card")
			r := desk.Post("/workbench/social-card", url.Values{"scenario": {"medical"}, "place": {"中山大学附属第一医院"}, "code": {code}})
			if r.StatusCode != http.StatusOK || r.Doc.Find("#verdict.verdict-valid").Length() != 1 || r.Doc.Find("#use-recorded").Length() != 0 ||
				r.Doc.Find("#use-recorded-foreign").Length() != 1 || !strings.Contains(r.Doc.Find("#card-source").Text(), hn.name) {
				t.Fatalf("foreign card at the point of use: %d %q", r.StatusCode, r.Doc.Find("#verdict").Text())
			}
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			if uses := cit.Get("/wallet/uses").Doc.Find("#uses").Text(); strings.Contains(uses, "中山大学附属第一医院") {
				t.Errorf("the foreign code was recorded in the local holder's uses: %q", uses)
			}
			es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: "license.used_at_point", Limit: 10})
			if err != nil || len(es) != 1 || es[0].TargetType != "foreign_license" || !strings.Contains(es[0].Detail, hn.name) ||
				!strings.Contains(es[0].Detail, "中山大学附属第一医院") {
				t.Errorf("foreign use audit: %v %+v", err, es)
			}
			// The holder's own code is recorded in their history.
			cit.Get("/wallet/" + card.ID)
			own := cit.Post("/wallet/"+card.ID+"/present", nil).Doc.Find("#present-code").Text()
			r = desk.Post("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {"天河区大参林药店"}, "code": {own}})
			if r.Doc.Find("#use-recorded").Length() != 1 || r.Doc.Find("#card-source").Length() != 0 {
				t.Errorf("own card: %d %q", r.StatusCode, r.Doc.Find("#verdict").Text())
			}
			if uses := cit.Get("/wallet/uses").Doc.Find("#uses").Text(); !strings.Contains(uses, "天河区大参林药店") {
				t.Errorf("own card's use not in the holder's uses: %q", uses)
			}
		})
	}
}

// statusListSignedByJWKS fetches a status list and checks its signature
// with the node's published JWKS, as an outside verifier does; it returns
// the signing kid and whether the JWKS holds it and verifies the list.
func statusListSignedByJWKS(t *testing.T, n *licenseNode, path string) (seal.JWK, bool) {
	t.Helper()
	r := n.c.Get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, r.StatusCode)
	}
	c, reason := license.ParseCompact(r.Body)
	if reason != license.ReasonOK {
		t.Fatalf("%s: %q", path, reason)
	}
	var set seal.JWKS
	if err := json.Unmarshal([]byte(n.c.Get("/.well-known/jwks.json").Body), &set); err != nil {
		t.Fatal(err)
	}
	for _, j := range set.Keys {
		if j.Kid == c.Header.Kid {
			alg, pub, err := j.Key()
			return j, err == nil && seal.Verify(alg, pub, []byte(c.SigningInput), c.Signature)
		}
	}
	return seal.JWK{Kid: c.Header.Kid}, false
}

// TestStatusListResignedWhenItsSealIsRevoked: the seal signing the status
// lists is revoked; its key leaves the JWKS at once, and the next fetch of
// the list (well within its cache time) is signed by the next body's
// active 公章, verifiable against the JWKS. The seals page names the seal
// signing the lists.
func TestStatusListResignedWhenItsSealIsRevoked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			lic := n.listMine("citizen")[0]
			c, _ := license.ParseCompact(lic.JWS)
			var cred struct {
				Status []license.StatusEntry `json:"credentialStatus"`
			}
			if err := json.Unmarshal(c.Payload, &cred); err != nil || len(cred.Status) == 0 {
				t.Fatalf("credential status: %v", err)
			}
			u, _ := url.Parse(cred.Status[0].StatusListCredential)
			before, ok := statusListSignedByJWKS(t, n, u.Path)
			if !ok || before.SealID == "" {
				t.Fatalf("status list before: signed by %+v, verifies %v", before, ok)
			}
			admin := n.Client(t)
			admin.Login("admin", app.DemoPassword)
			if p := admin.Get("/workbench/seals"); !strings.Contains(p.Doc.Find("#status-signer").Text(), before.Org) {
				t.Errorf("seals page, signer: %q (want %s)", p.Doc.Find("#status-signer").Text(), before.Org)
			}
			admin.Get("/workbench/seals/" + before.SealID)
			if r := admin.Post("/workbench/seals/"+before.SealID+"/act", url.Values{"action": {"revoke"}, "reason": {"印章遗失"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
			after, ok := statusListSignedByJWKS(t, n, u.Path)
			if !ok || after.Kid == before.Kid || after.SealID == before.SealID {
				t.Errorf("status list after the revocation: signed by %+v (before %s), verifies against the JWKS: %v", after, before.Kid, ok)
			}
			if p := admin.Get("/workbench/seals"); !strings.Contains(p.Doc.Find("#status-signer").Text(), after.Org) ||
				p.Doc.Find("#status-signer-none").Length() != 0 {
				t.Errorf("seals page after: %q", p.Doc.Find("#status-signer").Text())
			}
			// The licence itself still verifies with its status.
			if v := n.verify(lic.JWS, false); v.Verdict != "valid" {
				t.Errorf("licence after the revocation of the status seal: %+v", v)
			}
		})
	}
}

// TestGrantPurposeInTheReadersLanguage: a grant's purpose is kept as a
// code with the item's name and shown through the catalog: in Chinese
// "免提交：<item>", in English without the Chinese sentence; a grant made
// before codes were kept still shows its text.
func TestGrantPurposeInTheReadersLanguage(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			it := apptest.TestItem("TST-0041", catalog.LevelCity, catalog.ScopeProvince)
			it.Materials[0] = catalog.Material{Name: "社会保障卡", Required: true, Form: "original", LicenseTypes: []string{"social_security_card"}}
			if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
				t.Fatal(err)
			}
			c, err := n.App.Cases.Apply(ctx, n.Caller(t, "citizen"), cases.Application{ItemCode: "TST-0041", DecideIn: "440106",
				Form: map[string]string{"reason": "申领", "phone": "13800138000"}})
			if err != nil {
				t.Fatal(err)
			}
			var card issued
			for _, l := range n.listMine("citizen") {
				if strings.HasPrefix(l.Number, "SB") {
					card = l
				}
			}
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			cit.Get("/wallet/" + card.ID)
			if r := cit.Post("/wallet/"+card.ID+"/grant", url.Values{"case": {string(c.ID)}}); r.StatusCode != http.StatusOK {
				t.Fatalf("grant: %d", r.StatusCode)
			}
			// A grant of before: its purpose is text only.
			holder := n.Caller(t, "citizen").PersonID
			old := &license.Grant{ID: ids.New(), LicenseID: ids.ID(card.ID), HolderID: holder, OrgID: c.AuthorityID, CaseID: c.ID,
				Purpose: "免提交：旧的事项", CreatedAt: time.Now().Add(-time.Hour).UTC(), ExpiresAt: time.Now().Add(time.Hour).UTC()}
			if err := n.App.Store.AddLicenseGrant(ctx, old); err != nil {
				t.Fatal(err)
			}
			purposes := func() string {
				return cit.Get("/wallet/uses").Doc.Find(".grant-purpose").Text()
			}
			if got := purposes(); !strings.Contains(got, "免提交："+c.ItemName) || !strings.Contains(got, "免提交：旧的事项") {
				t.Errorf("Chinese page: %q", got)
			}
			cit.Post("/prefs", url.Values{"lang": {"en"}})
			if got := purposes(); !strings.Contains(got, "Instead of a copy (免提交): "+c.ItemName) || strings.Contains(got, "免提交："+c.ItemName) ||
				!strings.Contains(got, "免提交：旧的事项") {
				t.Errorf("English page: %q", got)
			}
			var list struct {
				Items []struct {
					Purpose     string   `json:"purpose"`
					PurposeCode string   `json:"purpose_code"`
					PurposeArgs []string `json:"purpose_args"`
				}
			}
			if code := n.api(http.MethodGet, "/api/v1/licenses/grants", "citizen", "", &list); code != http.StatusOK || len(list.Items) != 2 ||
				list.Items[0].PurposeCode != "case" || len(list.Items[0].PurposeArgs) != 1 || list.Items[0].Purpose != "免提交："+c.ItemName ||
				list.Items[1].PurposeCode != "" || list.Items[1].Purpose != "免提交：旧的事项" {
				t.Errorf("grants API: %d %+v", code, list)
			}
		})
	}
}
