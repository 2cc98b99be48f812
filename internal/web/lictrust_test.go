package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// foreignNode is another province's node, made up in the test: its own
// keys, its trust list and the licences it signs.
type foreignNode struct {
	t    *testing.T
	url  string
	name string // the trust list's issuer
}

type foreignKey struct {
	sg  seal.Signer
	jwk seal.JWK
}

func (f *foreignNode) key(org, uscc string) foreignKey {
	f.t.Helper()
	sg, _, err := seal.GenerateKey(seal.EdDSA)
	if err != nil {
		f.t.Fatal(err)
	}
	j, err := seal.PublicJWK(seal.EdDSA, sg.Public())
	if err != nil {
		f.t.Fatal(err)
	}
	j.Kid, j.Org, j.OrgUSCC, j.Status = j.Thumbprint(), org, uscc, "active"
	return foreignKey{sg, j}
}

func (f *foreignNode) sign(k foreignKey, typ string, payload any) string {
	f.t.Helper()
	b, _ := json.Marshal(payload)
	in, err := license.SigningInput(license.Header{Alg: string(seal.EdDSA), Kid: k.sg.KeyID(), Typ: typ}, b)
	if err != nil {
		f.t.Fatal(err)
	}
	sig, err := k.sg.Sign([]byte(in))
	if err != nil {
		f.t.Fatal(err)
	}
	return license.Assemble(in, sig)
}

// list is the node's trust list of keys, signed by the first.
func (f *foreignNode) list(keys ...foreignKey) string {
	tl := license.TrustList{Type: "DigigovTrustList", Issuer: license.CredIssuer{ID: f.url + "/issuers/0", Name: f.name},
		Node: f.url, Issued: time.Now().UTC().Format(time.RFC3339)}
	for _, k := range keys {
		tl.Keys = append(tl.Keys, k.jwk)
	}
	return f.sign(keys[0], license.TypTrustList, tl)
}

// licence is a 营业执照 signed by k naming issuer.
func (f *foreignNode) licence(k foreignKey, issuer license.CredIssuer) string {
	status := f.url + "/credentials/status/1-revocation"
	return f.sign(k, license.TypCredential, license.Credential{Context: []any{license.ContextV2}, ID: "urn:uuid:hn-1",
		Type: []string{"VerifiableCredential", license.LicenseVCType}, Name: "营业执照", Issuer: issuer,
		ValidFrom: time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		Subject:   map[string]any{"id": "urn:digigov:holder:x", "name": "长沙某某有限公司", "licenseType": "business_license", "licenseNumber": "YZ4301002026000000001"},
		CredentialStatus: []license.StatusEntry{{ID: status + "#5", Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: "5", StatusListCredential: status}}})
}

type trustVerdict struct {
	Genuine       bool   `json:"genuine"`
	Verdict       string `json:"verdict"`
	Reason        string `json:"reason"`
	Message       string `json:"message"`
	IssuerName    string `json:"issuer_name"`
	ClaimedIssuer string `json:"claimed_issuer"`
	KeySource     string `json:"key_source"`
}

func (n *licenseNode) verifyTrust(jws string) trustVerdict {
	n.t.Helper()
	b, _ := json.Marshal(map[string]any{"jws": jws})
	var v trustVerdict
	if code := n.api(http.MethodPost, "/api/v1/licenses/verify", "", string(b), &v); code != http.StatusOK {
		n.t.Fatalf("verify: %d", code)
	}
	return v
}

// TestTrustListedKeyCannotIssueForAGuangdongBody: a key imported from
// another province's trust list signs a licence naming 广州市市场监督管理局
// (name, USCC and an issuer ID of this node). The verifier refuses it as
// issuer_mismatch and shows the key's own organisation, with the claim
// apart. Then the source's list is replaced (its old key withdrawn) and the
// source removed: licences of withdrawn keys are refused with that reason,
// and each step is audited.
func TestTrustListedKeyCannotIssueForAGuangdongBody(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			// The node's own trust list is signed once, not per fetch: the
			// same bytes come back and no seal use is written.
			signs := func() int {
				es, _ := n.App.Audit.Entries(ctx, audit.Filter{Action: "seal.used", Limit: 5000})
				k := 0
				for _, e := range es {
					k += strings.Count(e.Detail, `"purpose":"trust_list"`)
				}
				return k
			}
			tl := n.c.Get("/.well-known/trust-list.jws")
			before := signs()
			for range 3 {
				if again := n.c.Get("/.well-known/trust-list.jws"); again.Body != tl.Body || again.Header.Get("Last-Modified") == "" {
					t.Fatalf("trust list fetched again differs")
				}
			}
			if before != 1 || signs() != before {
				t.Errorf("trust list signatures: %d after the first fetch, %d after three more", before, signs())
			}
			// A port nothing listens on: the foreign status lists fail fast.
			hn := &foreignNode{t: t, url: "http://127.0.0.1:9", name: "湖南省人民政府办公厅"}
			k1 := hn.key("湖南省市场监督管理局", "11430000MB1234567X")
			admin := n.Client(t)
			admin.Login("admin", app.DemoPassword)
			if r := admin.Post("/workbench/trust-lists", url.Values{"list": {hn.list(k1)}}); r.StatusCode != http.StatusOK ||
				r.Doc.Find("#trust-sources tbody tr").Length() != 1 || !strings.Contains(r.Doc.Find("#trust-sources").Text(), "湖南省人民政府办公厅") {
				t.Fatalf("import: %d", r.StatusCode)
			}
			gz := n.listMine("enterprise")[0] // a licence of this node, by 广州市市场监督管理局
			own := n.verifyTrust(gz.JWS)
			if own.Verdict != "valid" {
				t.Fatalf("own licence: %+v", own)
			}
			var gzIssuer license.CredIssuer
			c, _ := license.ParseCompact(gz.JWS)
			var cred struct{ Issuer license.CredIssuer }
			_ = json.Unmarshal(c.Payload, &cred)
			gzIssuer = cred.Issuer
			if gzIssuer.Name != "广州市市场监督管理局" || gzIssuer.USCC == "" {
				t.Fatalf("issuer of the demo licence: %+v", gzIssuer)
			}
			for name, iss := range map[string]license.CredIssuer{
				"name, USCC and ID of the Guangdong body":      gzIssuer,
				"the Guangdong body's name under its own node": {ID: hn.url + "/issuers/3", Name: gzIssuer.Name},
				"the Guangdong body's USCC":                    {ID: hn.url + "/issuers/3", Name: "湖南省市场监督管理局", USCC: gzIssuer.USCC},
			} {
				v := n.verifyTrust(hn.licence(k1, iss))
				if v.Verdict != "invalid" || v.Reason != "issuer_mismatch" || !v.Genuine || v.IssuerName != "湖南省市场监督管理局" ||
					v.KeySource != "湖南省人民政府办公厅" || !strings.Contains(v.Message, "签发机关") {
					t.Errorf("%s: %+v", name, v)
				}
			}
			// The verifier page says so, in Chinese, with the claim apart.
			p := n.Client(t).Post("/verify", url.Values{"text": {hn.licence(k1, gzIssuer)}})
			if p.StatusCode != http.StatusOK || strings.TrimSpace(p.Doc.Find("#verdict-claimed-issuer").Text()) != "广州市市场监督管理局" ||
				!strings.HasPrefix(strings.TrimSpace(p.Doc.Find("#verdict-issuer").Text()), "湖南省市场监督管理局") {
				t.Errorf("verifier page: %d %q / %q", p.StatusCode, p.Doc.Find("#verdict-claimed-issuer").Text(), p.Doc.Find("#verdict-issuer").Text())
			}
			// Its own licences verify (status unchecked: its node is out of reach).
			hnIssuer := license.CredIssuer{ID: hn.url + "/issuers/3", Name: "湖南省市场监督管理局", USCC: "11430000MB1234567X"}
			first := hn.licence(k1, hnIssuer)
			if v := n.verifyTrust(first); v.Verdict != "valid" || v.IssuerName != "湖南省市场监督管理局" {
				t.Fatalf("its own licence: %+v", v)
			}

			// Re-import: the source's new list has another key only.
			k2 := hn.key("湖南省市场监督管理局", "11430000MB1234567X")
			if r := admin.Post("/workbench/trust-lists", url.Values{"list": {hn.list(k2)}}); r.StatusCode != http.StatusOK ||
				r.Doc.Find("#trust-sources tbody tr td:nth-child(3)").Text() != "1" {
				t.Fatalf("re-import: %d, keys %q", r.StatusCode, r.Doc.Find("#trust-sources tbody tr td:nth-child(3)").Text())
			}
			if v := n.verifyTrust(first); v.Verdict != "invalid" || v.Reason != "trust_withdrawn" || !strings.Contains(v.Message, "撤回") {
				t.Errorf("licence of the replaced key: %+v", v)
			}
			second := hn.licence(k2, hnIssuer)
			if v := n.verifyTrust(second); v.Verdict != "valid" {
				t.Errorf("licence of the new key: %+v", v)
			}

			// Removing the source: only a province administrator may; then
			// its licences are refused with the reason.
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			if r := cit.Post("/workbench/trust-lists/remove", url.Values{"source": {hn.name}}); r.StatusCode != http.StatusForbidden {
				t.Errorf("citizen removing: %d", r.StatusCode)
			}
			if r := admin.Post("/workbench/trust-lists/remove", url.Values{"source": {"没有的来源"}}); r.StatusCode != http.StatusNotFound {
				t.Errorf("removing an unknown source: %d", r.StatusCode)
			}
			r := admin.Post("/workbench/trust-lists/remove", url.Values{"source": {hn.name}})
			if r.StatusCode != http.StatusOK || r.Doc.Find("#trust-removed").Length() != 1 || r.Doc.Find("#trust-sources").Length() != 0 {
				t.Fatalf("remove: %d", r.StatusCode)
			}
			if v := n.verifyTrust(second); v.Verdict != "invalid" || v.Reason != "trust_withdrawn" {
				t.Errorf("licence of a removed source: %+v", v)
			}
			if v := n.verifyTrust(gz.JWS); v.Verdict != "valid" {
				t.Errorf("own licence after the removal: %+v", v)
			}
			for action, want := range map[string]int{"trust_list.imported": 2, "trust_list.removed": 1} {
				es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: action, Limit: 10})
				if err != nil || len(es) != want {
					t.Errorf("%s audited %d times (%v), want %d", action, len(es), err, want)
				}
			}
			es, _ := n.App.Audit.Entries(ctx, audit.Filter{Action: "trust_list.imported", Limit: 1})
			if len(es) == 1 && !strings.Contains(es[0].Detail, `"withdrawn":1`) {
				t.Errorf("re-import audit: %s", es[0].Detail)
			}
		})
	}
}
