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
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/store/storetest"
)

// citizenID is the demo citizen's (张明) ID number.
var citizenID = identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear()

// licenseNode is a demo node with helpers for the licence API.
type licenseNode struct {
	*apptest.Node
	t   *testing.T
	c   *apptest.Client
	tok map[string]string
}

func startLicense(t *testing.T, e storetest.Engine) *licenseNode {
	n := &licenseNode{Node: apptest.Start(t, e), t: t, tok: map[string]string{}}
	n.c = n.Client(t)
	return n
}

func (n *licenseNode) token(user string) string {
	if n.tok[user] == "" {
		n.tok[user] = n.Token(n.t, user)
	}
	return n.tok[user]
}

// api calls the JSON API as user ("" for anonymous) and decodes into out.
func (n *licenseNode) api(method, path, user, body string, out any) int {
	n.t.Helper()
	req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+n.token(user))
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	r := n.c.Do(req)
	if out != nil {
		if err := json.Unmarshal([]byte(r.Body), out); err != nil {
			n.t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, r.Body)
		}
	}
	return r.StatusCode
}

type verdict struct {
	Genuine              bool   `json:"genuine"`
	Verdict              string `json:"verdict"`
	Reason               string `json:"reason"`
	Message              string `json:"message"`
	IssuerName           string `json:"issuer_name"`
	Number               string `json:"number"`
	Holder               string `json:"holder"`
	Kind                 string `json:"kind"`
	SignedWhileSealValid bool   `json:"signed_while_seal_valid"`
}

func (n *licenseNode) verify(text string, qr bool) verdict {
	n.t.Helper()
	b, _ := json.Marshal(map[string]any{"jws": text, "qr": qr})
	var v verdict
	if code := n.api(http.MethodPost, "/api/v1/licenses/verify", "", string(b), &v); code != http.StatusOK {
		n.t.Fatalf("verify: status %d", code)
	}
	return v
}

type issued struct {
	ID, Number, JWS, State, KID string
	StatusList                  string `json:"status_list"`
	StatusIndex                 int    `json:"status_index"`
}

func TestLicenseLifecycleAndVerification(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			// The officer of 广州市人社局 issues a 社会保障卡 to the demo citizen.
			body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010699887","issue_place":"广州市"}}`
			var l issued
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &l); code != http.StatusCreated {
				t.Fatalf("issue: %d %+v", code, l)
			}
			if !strings.HasPrefix(l.Number, "SB440100") || strings.Contains(l.JWS, citizenID) {
				t.Errorf("number %s; the credential must not carry the ID number", l.Number)
			}
			v := n.verify(l.JWS, false)
			if !v.Genuine || v.Verdict != "valid" || v.IssuerName != "广州市人力资源和社会保障局" || v.Holder != "张明" || v.Number != l.Number {
				t.Fatalf("fresh licence: %+v", v)
			}
			// Refusals: a 结婚证 is not 人社's; a bad ID number; a missing field.
			var p struct{ Status int }
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", `{"type":"marriage_cert","holder":"`+citizenID+`","fields":{}}`, &p); code != http.StatusForbidden {
				t.Errorf("人社 issuing a 结婚证: %d", code)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", `{"type":"social_security_card","holder":"440106199005123312","fields":{}}`, &p); code != http.StatusUnprocessableEntity {
				t.Errorf("bad ID number and missing fields: %d", code)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses", "citizen", body, &p); code != http.StatusForbidden {
				t.Errorf("citizen issuing: %d", code)
			}

			// Bad input gives the specific reason, never a 500.
			parts := strings.Split(l.JWS, ".")
			payload, _ := license.ParseCompact(l.JWS)
			forged := strings.Replace(string(payload.Payload), "张明", "李四", 1)
			for _, tc := range []struct {
				name, text string
				qr         bool
				reason     string
			}{
				{"tampered", parts[0] + "." + b64url(forged) + "." + parts[2], false, "tampered"},
				{"truncated", l.JWS[:len(l.JWS)-20], false, "truncated"},
				{"malformed QR", "WIFI:S:cafe;;", true, "malformed_qr"},
				{"unknown key", strings.Replace(l.JWS, parts[0], b64url(`{"alg":"ES256","kid":"nokey","typ":"vc+jwt"}`), 1), false, "unknown_key"},
				{"wrong alg", strings.Replace(l.JWS, parts[0], b64url(`{"alg":"EdDSA","kid":"`+l.KID+`","typ":"vc+jwt"}`), 1), false, "wrong_alg"},
			} {
				if v := n.verify(tc.text, tc.qr); v.Verdict != "invalid" || v.Reason != tc.reason || v.Message == "" {
					t.Errorf("%s: %+v, want reason %s", tc.name, v, tc.reason)
				}
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/verify", "", `{"jws":`, nil); code != http.StatusBadRequest {
				t.Errorf("broken JSON body: %d", code)
			}

			// The holder sees it in the wallet, downloads the PDF and presents it.
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			w := cit.Get("/wallet")
			if got := w.Doc.Find("#wallet .licence-card").Length(); got != 5 {
				t.Errorf("wallet shows %d licences, want the 4 demo ones and the new one", got)
			}
			page := cit.Get("/wallet/" + l.ID)
			if page.Doc.Find("#lic-number").Text() != l.Number || page.Doc.Find("img.seal-image").Length() != 1 {
				t.Errorf("licence page: number %q", page.Doc.Find("#lic-number").Text())
			}
			pdf := cit.Get("/wallet/" + l.ID + "/pdf")
			if pdf.StatusCode != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") || len(pdf.Body) < 5000 {
				t.Errorf("PDF: %d, %d bytes", pdf.StatusCode, len(pdf.Body))
			}
			pres := cit.Post("/wallet/"+l.ID+"/present", nil)
			code := pres.Doc.Find("#present-code").Text()
			if pres.Doc.Find("#present-qr").Length() != 1 || code == "" {
				t.Fatalf("no 亮证 code: %d", pres.StatusCode)
			}
			if v := n.verify(code, true); v.Verdict != "valid" || v.Kind != "present" || v.Holder != "张明" {
				t.Errorf("亮证 code: %+v", v)
			}
			if r := n.Client(t).Get("/wallet/" + l.ID); r.StatusCode == http.StatusOK {
				t.Error("anonymous reads a licence")
			}
			other := n.Client(t)
			other.Login("elder", app.DemoPassword)
			if r := other.Get("/wallet/" + l.ID); r.StatusCode != http.StatusNotFound {
				t.Errorf("another citizen reads the licence: %d", r.StatusCode)
			}

			// The offline verifier, from the served JWKS and status list.
			jwks := n.Client(t).Get("/.well-known/jwks.json").Body
			listPath := strings.TrimPrefix(l.StatusList, "http://localhost")
			listResp := n.Client(t).Get(listPath)
			if listResp.StatusCode != http.StatusOK || !strings.Contains(listResp.Header.Get("Cache-Control"), "max-age=25") {
				t.Fatalf("status list %s: %d %s", listPath, listResp.StatusCode, listResp.Header.Get("Cache-Control"))
			}
			suspPath := strings.Replace(listPath, "revocation", "suspension", 1)
			off, err := license.NewOffline([]byte(jwks), []string{listResp.Body, n.Client(t).Get(suspPath).Body}, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			if r := off.Verify(context.Background(), l.JWS, false); r.Verdict != license.Valid {
				t.Errorf("offline: %+v", r)
			}

			// Suspension and revocation: the online verifier at once.
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/suspend", "officer", `{"reason":""}`, &p); code != http.StatusUnprocessableEntity {
				t.Errorf("suspend without reason: %d", code)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/suspend", "officer", `{"reason":"涉嫌冒领，暂扣核查"}`, nil); code != http.StatusOK {
				t.Fatalf("suspend: %d", code)
			}
			if v := n.verify(l.JWS, false); v.Verdict != "suspended" || v.Reason != "suspended" || !v.Genuine {
				t.Errorf("suspended: %+v", v)
			}
			if r := cit.Post("/wallet/"+l.ID+"/present", nil); r.StatusCode != http.StatusConflict {
				t.Errorf("present a suspended licence: %d", r.StatusCode)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/revoke", "officer", `{"reason":"核实冒领"}`, nil); code != http.StatusOK {
				t.Fatalf("revoke: %d", code)
			}
			if v := n.verify(l.JWS, false); v.Verdict != "revoked" {
				t.Errorf("revoked: %+v", v)
			}
			if v := n.verify(code, true); v.Verdict != "revoked" {
				t.Errorf("亮证 code of a revoked licence: %+v", v)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/reinstate", "officer", `{"reason":"x"}`, &p); code != http.StatusConflict {
				t.Errorf("reinstate a revoked licence: %d", code)
			}

			// A revoked seal: what it sealed before still verifies, flagged.
			admin := n.Client(t)
			admin.Login("admin", app.DemoPassword)
			wallet := n.listMine("citizen")
			var ssc issued
			for _, x := range wallet {
				if strings.HasPrefix(x.Number, "SB") && x.State == "valid" {
					ssc = x
				}
			}
			sealID := sealOfKey(t, n, ssc.KID)
			if r := admin.Post("/workbench/seals/"+sealID+"/act", url.Values{"action": {"revoke"}, "reason": {"印章遗失"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke seal: %d", r.StatusCode)
			}
			if v := n.verify(ssc.JWS, false); v.Verdict != "valid" || !v.SignedWhileSealValid {
				t.Errorf("licence of a later revoked seal: %+v", v)
			}
			// The 公章 takes over: new licences are sealed with another key.
			var l2 issued
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &l2); code != http.StatusCreated || l2.KID == ssc.KID {
				t.Errorf("issue after the seal's revocation: %d with kid %s", code, l2.KID)
			}
		})
	}
}

func b64url(s string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(stdB64(s)), "=")
}

func (n *licenseNode) listMine(user string) []issued {
	var out struct{ Items []issued }
	if code := n.api(http.MethodGet, "/api/v1/licenses/mine", user, "", &out); code != http.StatusOK {
		n.t.Fatalf("mine: %d", code)
	}
	return out.Items
}

// sealOfKey finds the seal whose key is kid, from the JWKS.
func sealOfKey(t *testing.T, n *licenseNode, kid string) string {
	var set struct {
		Keys []struct {
			Kid    string `json:"kid"`
			SealID string `json:"seal_id"`
		}
	}
	json.Unmarshal([]byte(n.Client(t).Get("/.well-known/jwks.json").Body), &set)
	for _, k := range set.Keys {
		if k.Kid == kid {
			return k.SealID
		}
	}
	t.Fatalf("kid %s not published", kid)
	return ""
}

func TestLicenseIssuedWhenCaseCompletes(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()
	// 社会保障卡申领, simplified to accept and decide.
	it := apptest.TestItem("HRSS-0001", catalog.LevelCity, catalog.ScopeProvince)
	it.Steps = []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	cit := n.Caller(t, "citizen")
	c, err := n.App.Cases.Apply(ctx, cit, cases.Application{ItemCode: "HRSS-0001", DecideIn: "440106",
		Form: map[string]string{"reason": "首次申领", "phone": "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		who string
		a   cases.Action
	}{{"officer", cases.ActAccept}, {"head", cases.ActApprove}, {"head", cases.ActComplete}} {
		if c, err = n.App.Cases.Act(ctx, n.Caller(t, st.who), c.ID, c.Version, st.a, "准予"); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
	}
	before := len(n.listMineT(t))
	for i := 0; i < 3; i++ { // the event may be handled more than once: one licence only
		if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mine := n.listMineT(t)
	if len(mine) != before+1 {
		t.Fatalf("wallet has %d licences after completion, want %d", len(mine), before+1)
	}
	var got struct {
		Fields map[string]string
		CaseID string `json:"case_id"`
		JWS    string
	}
	n.api(http.MethodGet, "/api/v1/licenses/"+mine[0].ID, "citizen", "", &got)
	if got.CaseID != string(c.ID) || got.Fields["case_number"] != c.Number {
		t.Errorf("auto-issued licence: case %s fields %v, want case %s", got.CaseID, got.Fields, c.ID)
	}
	if v := n.verify(got.JWS, false); v.Verdict != "valid" {
		t.Errorf("auto-issued licence verifies as %+v", v)
	}
}

func (n *licenseNode) listMineT(t *testing.T) []issued { return n.listMine("citizen") }
