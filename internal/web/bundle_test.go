package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// deathForm is a filled shared form of 身后一件事 (the applicant's own name
// and ID number are prefilled by the page; the test sends them anyway).
func deathForm(applicantID string) url.Values {
	died := time.Now().AddDate(0, 0, -3).UTC()
	deceased := identity.MakeIDNumber("440106", time.Date(1940, 5, 6, 0, 0, 0, 0, time.UTC), 31).Clear()
	return url.Values{
		"deceased_name": {"张老伯"}, "deceased_id_number": {deceased}, "date_of_death": {died.Format("2006-01-02")},
		"applicant_name": {"张明"}, "id_number": {applicantID}, "relationship": {"子女"}, "phone": {"13800138000"},
		"funeral_home": {"广州市殡仪馆"}, "_rp_decide_in": {"440106"},
	}
}

func TestBundlePages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	if r := c.Get("/services"); r.Doc.Find(`#bundles a[href="/bundles/BD-BIRTH"]`).Length() != 1 {
		t.Fatalf("services page has no link to 出生一件事: %d", r.StatusCode)
	}
	r := c.Get("/bundles/BD-DEATH")
	if r.StatusCode != 200 || r.Doc.Find("#bundle-items tbody tr").Length() != 3 || !strings.Contains(r.Body, "公安局") {
		t.Fatalf("bundle page: %d, %d items", r.StatusCode, r.Doc.Find("#bundle-items tbody tr").Length())
	}
	if r := c.Get("/bundles/BD-NONE"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown bundle: %d", r.StatusCode)
	}

	c.Login("citizen", app.DemoPassword)
	r = c.Get("/bundles/BD-DEATH/apply")
	if r.StatusCode != 200 {
		t.Fatalf("bundle form: %d", r.StatusCode)
	}
	// Fields the three items share are asked once; a choice offers only
	// what every item accepts.
	if got := r.Doc.Find(`[name="deceased_id_number"]`).Length(); got != 1 {
		t.Errorf("deceased_id_number asked %d times", got)
	}
	if got := r.Doc.Find(`#f-relationship option`).Length(); got != 4 { // 请选择 + 配偶, 子女, 父母
		t.Errorf("relationship has %d options, want the 3 every item accepts", got)
	}
	me, _ := r.Doc.Find(`#f-id_number`).Attr("value")
	if me == "" {
		t.Fatal("the applicant's ID number is not prefilled")
	}

	bad := deathForm(me)
	bad.Set("phone", "12")
	bad.Del("funeral_home")
	r = c.Post("/bundles/BD-DEATH/apply", bad)
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-phone").Length() != 1 || r.Doc.Find("#e-funeral_home").Length() != 1 {
		t.Fatalf("invalid bundle form: %d, errors %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	if v, _ := r.Doc.Find("#f-deceased_name").Attr("value"); v != "张老伯" {
		t.Errorf("values not kept: %q", v)
	}
	if r := c.Get("/cases"); r.Doc.Find("#my-cases .result").Length() != 0 {
		t.Fatalf("an invalid bundle saved cases")
	}

	r = c.Post("/bundles/BD-DEATH/apply", deathForm(me))
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases?bundle=") {
		t.Fatalf("bundle apply: %d → %q: %s", r.StatusCode, loc, r.Doc.Find(".field-error").Text())
	}
	r = c.Get(loc)
	if got := r.Doc.Find("#my-cases .result").Length(); got != 3 {
		t.Fatalf("bundle's cases: %d, want 3", got)
	}
	for _, name := range []string{"户口注销（死亡）", "丧葬补助金、抚恤金申领", "基本殡葬服务费用减免"} {
		if !strings.Contains(r.Body, name) {
			t.Errorf("the bundle's cases lack %s", name)
		}
	}
}

func TestBundleAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	call := func(method, path, token, body string) *apptest.Response {
		req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return c.Do(req)
	}
	r := call("GET", "/api/v1/bundles", "", "")
	var list struct {
		Items []struct {
			Code  string
			Items []struct{ Code string }
			Form  []struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(r.Body), &list); err != nil || r.StatusCode != 200 || len(list.Items) != 2 || len(list.Items[0].Items) != 4 {
		t.Fatalf("bundle list: %d %v %s", r.StatusCode, err, r.Body)
	}

	token := n.Token(t, "citizen")
	citizen := n.Caller(t, "citizen")
	me, err := n.App.Identity.Me(t.Context(), citizen)
	if err != nil {
		t.Fatal(err)
	}
	f := map[string]string{}
	for k, v := range deathForm(me.IDNumber.Clear()) {
		f[k] = v[0]
	}
	body, _ := json.Marshal(map[string]any{"decide_in": "440106", "form": f})
	if r := call("POST", "/api/v1/bundles/BD-DEATH/apply", "", string(body)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: %d", r.StatusCode)
	}
	f["date_of_death"] = "不是日期"
	badBody, _ := json.Marshal(map[string]any{"decide_in": "440106", "form": f})
	if r := call("POST", "/api/v1/bundles/BD-DEATH/apply", token, string(badBody)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "date_of_death") {
		t.Errorf("invalid: %d %s", r.StatusCode, r.Body)
	}
	r = call("POST", "/api/v1/bundles/BD-DEATH/apply", token, string(body))
	var out struct {
		BundleID string `json:"bundle_id"`
		Cases    []struct {
			ItemCode  string `json:"item_code"`
			State     string
			Authority string
		}
	}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || r.StatusCode != http.StatusCreated || out.BundleID == "" || len(out.Cases) != 3 {
		t.Fatalf("apply: %d %v %s", r.StatusCode, err, r.Body)
	}
	for _, cs := range out.Cases {
		if cs.State != "submitted" || cs.Authority == "" {
			t.Errorf("%+v", cs)
		}
	}
}
