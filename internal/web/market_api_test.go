package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// marketAPI sends a JSON request with a bearer token ("" for none).
func marketAPI(t *testing.T, n *apptest.Node, method, path, token string, body any) *apptest.Response {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, n.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return n.Client(t).Do(req)
}

// TestMarketWriteAPI walks the market's write API: a CDO lists a product
// (bad fields reported one by one), edits the draft (a stale version
// refused), publishes it (then cannot edit it: withdraw first), an
// enterprise orders it, the CDO accepts, the enterprise confirms the
// contract by its text's hash and gets its credentials once, reissues
// them, and terminates; another body's CDO sees nothing of it. A
// certificate is asked for and refused with a reason.
func TestMarketWriteAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			cdo, ent, other, prov := n.Token(t, "cdo_gz"), n.Token(t, "enterprise"), n.Token(t, "cdo_sz"), n.Token(t, "cdo")
			res := resourceByCode(t, n, "4401-HRSS/0001")
			product := map[string]any{"name": "参保核验", "description": "参保状态核验，姓名脱敏。", "theme": "social-security",
				"sources": []map[string]any{{"resource_id": string(res.ID), "fields": []string{"name", "insurance", "active"}}},
				"terms":   "仅限约定用途。", "purposes": []string{"劳动用工背景核验"}, "no_resale": true, "no_onward_transfer": true,
				"retention_days": 30, "regions": []string{"4401"}, "price_model": "per_call", "price_fen": 20, "period_days": 90}

			bad := map[string]any{}
			for k, v := range product {
				bad[k] = v
			}
			bad["name"], bad["price_fen"], bad["regions"] = " ", 0, []string{"999999"}
			r := marketAPI(t, n, "POST", "/api/v1/market/products", cdo, bad)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"location":"name"`) ||
				!strings.Contains(r.Body, `"location":"price"`) || !strings.Contains(r.Body, `"location":"regions"`) {
				t.Fatalf("bad product: %d %s", r.StatusCode, r.Body)
			}
			if r := marketAPI(t, n, "POST", "/api/v1/market/products", "", product); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous listing: %d", r.StatusCode)
			}
			if r := marketAPI(t, n, "POST", "/api/v1/market/products", ent, product); r.StatusCode != http.StatusForbidden {
				t.Fatalf("an enterprise listing: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "POST", "/api/v1/market/products", cdo, product)
			var p struct{ ID, Name, State, Version string }
			mustJSON(t, r.Body, &p)
			if r.StatusCode != http.StatusCreated || p.State != "draft" || p.Version == "" {
				t.Fatalf("list: %d %s", r.StatusCode, r.Body)
			}
			path := "/api/v1/market/products/" + p.ID

			// Edit: from the version read; a stale version is a conflict.
			edit := map[string]any{"version": p.Version}
			for k, v := range product {
				edit[k] = v
			}
			edit["name"] = "参保状态核验服务"
			if r := marketAPI(t, n, "PUT", path, other, edit); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body editing: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "PUT", path, cdo, edit)
			var edited struct{ Name, Version string }
			mustJSON(t, r.Body, &edited)
			if r.StatusCode != http.StatusOK || edited.Name != "参保状态核验服务" || edited.Version == p.Version {
				t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
			}
			edit["name"] = "覆盖别人的修改"
			if r := marketAPI(t, n, "PUT", path, cdo, edit); r.StatusCode != http.StatusConflict {
				t.Fatalf("edit from a stale version: %d %s", r.StatusCode, r.Body)
			}
			edit["version"] = "yesterday"
			if r := marketAPI(t, n, "PUT", path, cdo, edit); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a malformed version: %d", r.StatusCode)
			}
			if r := marketAPI(t, n, "POST", path+"/publish", other, nil); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body publishing: %d", r.StatusCode)
			}
			if r := marketAPI(t, n, "POST", path+"/publish", cdo, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("publish: %d %s", r.StatusCode, r.Body)
			}
			edit["version"] = edited.Version
			r = marketAPI(t, n, "PUT", path, cdo, edit)
			if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "请先下架") {
				t.Fatalf("editing a published product: %d %s", r.StatusCode, r.Body)
			}

			// Order, accept, confirm by hash.
			if r := marketAPI(t, n, "POST", path+"/orders", ent, map[string]any{"purpose": "转售"}); r.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(r.Body, `"location":"purpose"`) {
				t.Fatalf("a purpose outside the policy: %d %s", r.StatusCode, r.Body)
			}
			r = marketAPI(t, n, "POST", path+"/orders", ent, map[string]any{"purpose": "劳动用工背景核验", "purpose_detail": "核验拟录用人员"})
			var o struct{ ID, State string }
			mustJSON(t, r.Body, &o)
			if r.StatusCode != http.StatusCreated || o.State != "pending" {
				t.Fatalf("order: %d %s", r.StatusCode, r.Body)
			}
			if r := marketAPI(t, n, "POST", "/api/v1/market/orders/"+o.ID+"/accept", other, nil); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body accepting: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "POST", "/api/v1/market/orders/"+o.ID+"/accept", cdo, nil)
			var acc struct {
				Order    struct{ State string }
				Contract struct {
					ID, Status, Text string
					TextHash         string `json:"text_hash"`
				}
			}
			mustJSON(t, r.Body, &acc)
			if r.StatusCode != http.StatusOK || acc.Order.State != "accepted" || acc.Contract.Status != "provider_signed" || acc.Contract.Text == "" {
				t.Fatalf("accept: %d %s", r.StatusCode, r.Body)
			}
			cpath := "/api/v1/market/contracts/" + acc.Contract.ID
			if r := marketAPI(t, n, "GET", cpath, other, nil); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body reading the contract: %d", r.StatusCode)
			}
			if r := marketAPI(t, n, "POST", cpath+"/confirm", ent, map[string]any{"text_hash": strings.Repeat("0", 64)}); r.StatusCode < 400 || r.StatusCode >= 500 {
				t.Fatalf("confirming another text: %d %s", r.StatusCode, r.Body)
			}
			r = marketAPI(t, n, "POST", cpath+"/confirm", ent, map[string]any{"text_hash": acc.Contract.TextHash})
			var creds struct {
				Contract    struct{ Status string }
				Credentials []struct{ Secret string }
			}
			mustJSON(t, r.Body, &creds)
			if r.StatusCode != http.StatusOK || creds.Contract.Status != "active" || len(creds.Credentials) != 1 || creds.Credentials[0].Secret == "" {
				t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
			}
			if r := marketAPI(t, n, "GET", cpath, ent, nil); r.StatusCode != http.StatusOK || strings.Contains(r.Body, creds.Credentials[0].Secret) {
				t.Fatalf("the contract read back shows the credential: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "POST", cpath+"/credentials", ent, nil)
			var again struct{ Credentials []struct{ Secret string } }
			mustJSON(t, r.Body, &again)
			if r.StatusCode != http.StatusOK || len(again.Credentials) != 1 || again.Credentials[0].Secret == creds.Credentials[0].Secret {
				t.Fatalf("reissue: %d %s", r.StatusCode, r.Body)
			}
			if r := marketAPI(t, n, "POST", cpath+"/terminate", ent, map[string]any{"reason": " "}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("terminate without a reason: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "POST", cpath+"/terminate", ent, map[string]any{"reason": "项目结束"})
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"status":"terminated"`) {
				t.Fatalf("terminate: %d %s", r.StatusCode, r.Body)
			}

			// A second order, refused with a reason.
			r = marketAPI(t, n, "POST", path+"/orders", ent, map[string]any{"purpose": "劳动用工背景核验", "purpose_detail": "第二次"})
			mustJSON(t, r.Body, &o)
			if r := marketAPI(t, n, "POST", "/api/v1/market/orders/"+o.ID+"/refuse", cdo, map[string]any{"reason": ""}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("refuse without a reason: %d", r.StatusCode)
			}
			r = marketAPI(t, n, "POST", "/api/v1/market/orders/"+o.ID+"/refuse", cdo, map[string]any{"reason": "用途说明不充分"})
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"state":"refused"`) {
				t.Fatalf("refuse: %d %s", r.StatusCode, r.Body)
			}

			// Withdrawn, the product can be edited again.
			if r := marketAPI(t, n, "POST", path+"/withdraw", cdo, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("withdraw: %d", r.StatusCode)
			}
			var cur struct{ Version string }
			mustJSON(t, marketAPI(t, n, "POST", path+"/publish", cdo, nil).Body, &cur)
			mustJSON(t, marketAPI(t, n, "POST", path+"/withdraw", cdo, nil).Body, &cur)
			edit["version"] = cur.Version
			if r := marketAPI(t, n, "PUT", path, cdo, edit); r.StatusCode != http.StatusOK {
				t.Fatalf("editing a withdrawn product: %d %s", r.StatusCode, r.Body)
			}

			// A certificate asked for, refused with a reason, then not issuable.
			r = marketAPI(t, n, "POST", "/api/v1/market/certificates", cdo, map[string]any{"asset_kind": "resource", "asset_id": string(res.ID),
				"data_scope": "广州市参保人员", "valuation_note": "成本法"})
			var c struct{ ID, State string }
			mustJSON(t, r.Body, &c)
			if r.StatusCode != http.StatusCreated || c.State != "requested" {
				t.Fatalf("request a certificate: %d %s", r.StatusCode, r.Body)
			}
			cert := "/api/v1/market/certificates/" + c.ID
			if r := marketAPI(t, n, "POST", cert+"/refuse", cdo, map[string]any{"reason": "自己驳回"}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("the holder's CDO refusing: %d", r.StatusCode)
			}
			if r := marketAPI(t, n, "POST", cert+"/refuse", prov, map[string]any{"reason": ""}); r.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(r.Body, `"location":"reason"`) {
				t.Fatalf("refuse a certificate without a reason: %d %s", r.StatusCode, r.Body)
			}
			r = marketAPI(t, n, "POST", cert+"/refuse", prov, map[string]any{"reason": "估值说明不足"})
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"state":"refused"`) || !strings.Contains(r.Body, "估值说明不足") {
				t.Fatalf("refuse a certificate: %d %s", r.StatusCode, r.Body)
			}
			if r := marketAPI(t, n, "POST", cert+"/issue", prov, nil); r.StatusCode != http.StatusConflict {
				t.Fatalf("issuing a refused certificate: %d %s", r.StatusCode, r.Body)
			}
		})
	}
}
