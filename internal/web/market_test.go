package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/store/storetest"
)

// marketProductForm is a product on 广州市社会保险参保人员信息 with a
// sensitive field (name), an internal one and a boolean.
func marketProductForm(res *datashare.Resource, name string) url.Values {
	return url.Values{"name": {name}, "description": {"参保状态核验，姓名脱敏。"}, "theme": {"social-security"},
		"fields_" + string(res.ID): {"name", "insurance", "active"}, "terms": {"仅限约定用途。"},
		"purposes": {"劳动用工背景核验\n社保缴纳核实"}, "no_resale": {"1"}, "no_onward": {"1"}, "retention_days": {"30"},
		"regions": {"4401, 44"}, "price_model": {"per_call"}, "price": {"0.20"}, "period_days": {"90"}}
}

// TestMarketJourney walks a product from its listing by 广州市人社局's CDO,
// through an enterprise's order, the provider's acceptance (sealed) and the
// buyer's confirmation, to exchange calls under the contract that show in
// the order history, and the contract's termination that stops them.
// Bad input and other parties are refused on the way.
func TestMarketJourney(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			res := resourceByCode(t, n, "4401-HRSS/0001")
			cdo, ent, other, citizen, visitor := n.Client(t), n.Client(t), n.Client(t), n.Client(t), n.Client(t)
			cdo.Login("cdo_gz", "digigov2026")
			ent.Login("enterprise", "digigov2026")
			other.Login("cdo_sz", "digigov2026")
			citizen.Login("citizen", "digigov2026")

			// The public market lists the demo products, by theme and body.
			home := visitor.Get("/market")
			if home.StatusCode != http.StatusOK || home.Doc.Find("#products li.card").Length() != 3 {
				t.Fatalf("market: %d, %d products", home.StatusCode, home.Doc.Find("#products li.card").Length())
			}
			if r := visitor.Get("/market?theme=market"); r.Doc.Find("#products li.card").Length() != 1 {
				t.Fatalf("by theme: %d", r.Doc.Find("#products li.card").Length())
			}
			if r := visitor.Get("/market?q=" + url.QueryEscape("效能")); r.Doc.Find("#products li.card").Length() != 1 {
				t.Fatalf("by text: %d", r.Doc.Find("#products li.card").Length())
			}

			// Listing: bad input refused whole, a resource of another body refused.
			bad := marketProductForm(res, "")
			bad.Set("purposes", " ")
			bad.Set("price", "1.234")
			r := cdo.Post("/workbench/market/products", bad)
			if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-name").Length() != 1 ||
				r.Doc.Find("#e-purposes").Length() != 1 || r.Doc.Find("#e-price").Length() != 1 {
				t.Fatalf("bad product: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
			}
			if !r.Doc.Find(`input[name="fields_` + string(res.ID) + `"][value="insurance"]`).Is("[checked]") {
				t.Fatal("the refused form lost the ticked fields")
			}
			foreign := marketProductForm(resourceByCode(t, n, "4403-AMR/0001"), "别人的产品")
			if r := cdo.Post("/workbench/market/products", foreign); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("another body's resource: %d", r.StatusCode)
			}
			r = cdo.Post("/workbench/market/products", marketProductForm(res, "<b>参保核验</b>"))
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("list: %d %s", r.StatusCode, r.Doc.Find(".field-error, #form-error").Text())
			}
			productURL := r.Header.Get("Location")
			page := cdo.Get(productURL)
			if got := page.Doc.Find("#product-name").Text(); got != "<b>参保核验</b>" || page.Doc.Find("#product-name b").Length() != 0 {
				t.Fatalf("product name not escaped: %q", got)
			}
			if page.Doc.Find("#offered .badge").Length() != 1 {
				t.Fatalf("the sensitive field is not marked masked")
			}
			if r := visitor.Get(productURL); r.StatusCode != http.StatusNotFound {
				t.Fatalf("a draft to the public: %d", r.StatusCode)
			}
			if r := other.Post(productURL+"/publish", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body publishing: %d", r.StatusCode)
			}
			if r := cdo.Post(productURL+"/publish", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", r.StatusCode)
			}
			var api struct {
				Items []struct {
					Name       string `json:"name"`
					PriceModel string `json:"price_model"`
					PriceFen   int64  `json:"price_fen"`
				}
			}
			ar := visitor.Get("/api/v1/market/products?theme=social-security")
			if err := json.Unmarshal([]byte(ar.Body), &api); err != nil || len(api.Items) != 2 {
				t.Fatalf("API by theme: %s", ar.Body)
			}

			// Ordering: only enterprises, only for a permitted purpose.
			order := func() url.Values {
				return url.Values{"purpose": {"劳动用工背景核验"}, "purpose_detail": {"核验拟录用人员的参保状态"}}
			}
			if r := citizen.Post(productURL+"/orders", order()); r.StatusCode != http.StatusForbidden {
				t.Fatalf("a citizen ordering: %d", r.StatusCode)
			}
			if r := ent.Post(productURL+"/orders", url.Values{"purpose": {"转售"}, "purpose_detail": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity ||
				r.Doc.Find("#e-purpose").Length() != 1 {
				t.Fatalf("a purpose the policy does not allow: %d", r.StatusCode)
			}
			r = ent.Post(productURL+"/orders", order())
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("order: %d %s", r.StatusCode, r.Body)
			}
			orderURL := r.Header.Get("Location")
			if got := ent.Get(orderURL).Doc.Find("#order-state").Text(); got != "待答复" {
				t.Fatalf("order state: %q", got)
			}
			if r := other.Post(orderURL+"/accept", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body accepting: %d", r.StatusCode)
			}
			if r := other.Get(orderURL); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body reading the order: %d", r.StatusCode)
			}

			// Acceptance seals the contract; the buyer confirms its hash.
			r = cdo.Post(orderURL+"/accept", url.Values{})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d %s", r.StatusCode, r.Body)
			}
			if r := cdo.Post(orderURL+"/accept", url.Values{}); r.StatusCode != http.StatusConflict {
				t.Fatalf("second acceptance: %d", r.StatusCode)
			}
			contractURL := r.Header.Get("Location")
			cp := ent.Get(contractURL)
			if cp.Doc.Find("#contract-state").Text() != "提供方已签章，待购买方确认" || cp.Doc.Find("#seal-check .ok").Length() != 1 {
				t.Fatalf("contract page: %q %q", cp.Doc.Find("#contract-state").Text(), cp.Doc.Find("#seal-check").Text())
			}
			hash := cp.Doc.Find("#text-hash").Text()
			if r := ent.Post(contractURL+"/confirm", url.Values{"hash": {hash}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("confirm without agreeing: %d", r.StatusCode)
			}
			if r := ent.Post(contractURL+"/confirm", url.Values{"hash": {strings.Repeat("0", 64)}, "agree": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("confirm another text: %d", r.StatusCode)
			}
			if r := cdo.Post(contractURL+"/confirm", url.Values{"hash": {hash}, "agree": {"1"}}); r.StatusCode == http.StatusOK {
				t.Fatal("the provider confirmed for the buyer")
			}
			r = ent.Post(contractURL+"/confirm", url.Values{"hash": {hash}, "agree": {"1"}})
			cred := r.Doc.Find("#credential-box code.credential").First().Text()
			if r.StatusCode != http.StatusOK || !strings.HasPrefix(cred, "dgx_") || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("confirm: %d %q", r.StatusCode, cred)
			}
			if ent.Get(contractURL).Doc.Find("#credential-box").Length() != 0 {
				t.Fatal("the credential is shown twice")
			}

			// Delivery: the exchange serves the product's fields, masked where sensitive.
			resp, body, _ := exchange(t, n, cred, "/exchange/v1/resources/4401-HRSS%2F0001/rows")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("exchange call: %d %v", resp.StatusCode, body)
			}
			first := body["data"].([]any)[0].(map[string]any)
			if first["name"] != "王*明" && !strings.Contains(first["name"].(string), "*") || first["id_number"] != nil {
				t.Fatalf("row served: %v", first)
			}
			if resp, _, _ := exchange(t, n, cred, "/exchange/v1/resources/4401-HRSS%2F0001/rows?fields=id_number"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a field not in the product: %d", resp.StatusCode)
			}
			hist := ent.Get("/market/orders")
			line := hist.Doc.Find("#orders tr.order-line").First()
			if got := strings.TrimSpace(line.Find(".order-calls").Contents().First().Text()); got != "1" || !strings.Contains(line.Text(), "生效中") {
				t.Fatalf("order history: calls %q in %q", got, line.Text())
			}
			if got := strings.TrimSpace(line.Find(".order-due").Text()); got != "¥0.20" {
				t.Fatalf("amount due after one call at ¥0.20: %q", got)
			}
			var orders struct {
				Items []struct {
					CallsServed  int64 `json:"calls_served"`
					CallsRefused int64 `json:"calls_refused"`
				}
			}
			req, _ := http.NewRequest(http.MethodGet, n.URL+"/api/v1/market/orders", nil)
			req.Header.Set("Authorization", "Bearer "+n.Token(t, "cdo_gz"))
			ar = n.Client(t).Do(req)
			if json.Unmarshal([]byte(ar.Body), &orders) != nil || len(orders.Items) != 1 || orders.Items[0].CallsServed != 1 || orders.Items[0].CallsRefused != 1 {
				t.Fatalf("provider's order history: %s", ar.Body)
			}

			// The downloaded contract verifies: the text hashes to its digest.
			dl := ent.Get(contractURL + "/download")
			var file struct {
				Text       json.RawMessage `json:"text"`
				TextSHA256 string          `json:"text_sha256"`
			}
			if err := json.Unmarshal([]byte(dl.Body), &file); err != nil || dl.Header.Get("Content-Disposition") == "" {
				t.Fatalf("download: %v %s", err, dl.Body)
			}
			var compact bytes.Buffer
			json.Compact(&compact, file.Text)
			if sum := sha256.Sum256(compact.Bytes()); hex.EncodeToString(sum[:]) != hash || file.TextSHA256 != hash {
				t.Fatal("the downloaded text does not hash to the signed digest")
			}

			// Termination revokes the grant at once.
			if r := ent.Post(contractURL+"/terminate", url.Values{"reason": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("terminate without a reason: %d", r.StatusCode)
			}
			if r := cdo.Post(contractURL+"/terminate", url.Values{"reason": {"购买方超范围使用"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("terminate: %d %s", r.StatusCode, r.Body)
			}
			if resp, body, _ := exchange(t, n, cred, "/exchange/v1/resources/4401-HRSS%2F0001/rows"); resp.StatusCode != http.StatusForbidden || body["outcome"] != "revoked" {
				t.Fatalf("call after termination: %d %v", resp.StatusCode, body)
			}

			entries, err := n.App.Audit.Entries(ctx, audit.Filter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, en := range entries {
				seen[en.Action] = true
			}
			for _, a := range []string{"market.product_listed", "market.product_published", "market.order_filed", "market.order_accepted",
				"market.contract_sealed", "market.contract_confirmed", "data.grant_direct", "market.contract_terminated", "seal.used"} {
				if !seen[a] {
					t.Errorf("no audit entry %s", a)
				}
			}
		})
	}
}

// TestMarketCertificate asks for a data asset certificate as a city CDO,
// has it issued by the province's CDO under the bureau's seal, and checks
// it on the public page and through the verifier, tampered or not.
func TestMarketCertificate(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	cdo, prov, visitor := n.Client(t), n.Client(t), n.Client(t)
	cdo.Login("cdo_gz", "digigov2026")
	prov.Login("cdo", "digigov2026")
	res := resourceByCode(t, n, "4401-HRSS/0002")
	form := url.Values{"asset": {"resource:" + string(res.ID)}, "scope": {""}, "valuation_note": {"成本法"}}
	if r := cdo.Post("/workbench/market/certificates", form); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-scope").Length() != 1 {
		t.Fatalf("without a scope: %d", r.StatusCode)
	}
	form.Set("scope", "广州市备案职业技能培训机构")
	r := cdo.Post("/workbench/market/certificates", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("request: %d %s", r.StatusCode, r.Body)
	}
	certURL := r.Header.Get("Location")
	if r := visitor.Get(certURL); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a request to the public: %d", r.StatusCode)
	}
	if r := cdo.Post(certURL+"/issue", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a city CDO issuing: %d", r.StatusCode)
	}
	if prov.Get("/workbench/market/certificates").Doc.Find("#awaiting a").Length() != 1 {
		t.Fatal("the province's CDO does not see the request")
	}
	if r := prov.Post(certURL+"/issue", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue: %d %s", r.StatusCode, r.Body)
	}
	page := visitor.Get(certURL)
	if page.StatusCode != http.StatusOK || page.Doc.Find("#cert-check .ok").Length() != 1 || page.Doc.Find("#cert-number").Text() == "" {
		t.Fatalf("public certificate page: %d %q", page.StatusCode, page.Doc.Find("#cert-check").Text())
	}
	dl := visitor.Get(certURL + "/download")
	verify := func(doc string) string {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", "")
		fw, _ := mw.CreateFormFile("file", "certificate.json")
		fw.Write([]byte(doc))
		mw.Close()
		c := n.Client(t)
		c.Get("/market/verify")
		csrf, _ := c.Get("/market/verify").Doc.Find(`input[name="csrf"]`).Attr("value")
		b.Reset()
		mw = multipart.NewWriter(&b)
		mw.WriteField("csrf", csrf)
		fw, _ = mw.CreateFormFile("file", "certificate.json")
		fw.Write([]byte(doc))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/market/verify", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r := c.Do(req)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("verify: %d %s", r.StatusCode, r.Body)
		}
		return r.Doc.Find("#verify-result").Text()
	}
	if got := verify(dl.Body); !strings.Contains(got, "真实有效") {
		t.Fatalf("genuine certificate: %q", got)
	}
	var d market.Sealed
	json.Unmarshal([]byte(dl.Body), &d)
	d.Document = strings.Replace(d.Document, "广州市备案", "深圳市备案", 1)
	d.Hash = hex.EncodeToString(func() []byte { s := sha256.Sum256([]byte(d.Document)); return s[:] }())
	forged, _ := json.Marshal(d)
	if got := verify(string(forged)); !strings.Contains(got, "篡改") {
		t.Fatalf("altered certificate: %q", got)
	}
	if got := verify("not json"); !strings.Contains(got, "无法识别") {
		t.Fatalf("garbage: %q", got)
	}
}
