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

	"github.com/PuerkitoBio/goquery"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

func resourceByCode(t *testing.T, n *apptest.Node, code string) *datashare.Resource {
	t.Helper()
	r, err := n.App.DataShare.ResourceByCode(context.Background(), n.Caller(t, "cdo"), code)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// exchange calls the exchange with a credential and decodes the body.
func exchange(t *testing.T, n *apptest.Node, cred, path string) (*http.Response, map[string]any, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, n.URL+path, nil)
	if cred != "" {
		req.Header.Set("X-Exchange-Credential", cred)
	}
	resp := n.Client(t).Do(req)
	var m map[string]any
	json.Unmarshal([]byte(resp.Body), &m)
	return resp.Response, m, []byte(resp.Body)
}

// TestSharingJourney walks the demo's pending request from the provider's
// CDO's approval with fewer fields, through delivery of the credential, to
// exchange calls served and refused, each in the signed log that both
// parties check.
func TestSharingJourney(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			res := resourceByCode(t, n, "4401-HRSS/0001")
			provider, consumer := n.Client(t), n.Client(t)
			provider.Login("cdo_gz", "digigov2026")
			consumer.Login("cdo", "digigov2026")

			inbox := provider.Get("/workbench/data/requests")
			link, ok := inbox.Doc.Find("#inbox a").First().Attr("href")
			if !ok {
				t.Fatalf("no request in the provider's inbox: %s", inbox.Body)
			}
			id := strings.TrimPrefix(link, "/workbench/data/requests/")
			// Another body's CDO cannot decide it, nor see it.
			other := n.Client(t)
			other.Login("cdo_sz", "digigov2026")
			if r := other.Post(link+"/approve", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body's CDO approving: %d", r.StatusCode)
			}
			// Approve with fewer fields than asked for: no 'active'.
			provider.Get(link)
			r := provider.Post(link+"/approve", url.Values{"fields": {"id_number", "insurance"}, "note": {"同意，限核验使用"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
			}
			if r := provider.Post(link+"/approve", url.Values{}); r.StatusCode != http.StatusConflict {
				t.Fatalf("second approval: %d", r.StatusCode)
			}
			page := consumer.Get(link)
			if got := page.Doc.Find("#granted-fields").Text(); !strings.Contains(got, "id_number") || strings.Contains(got, "active") {
				t.Fatalf("granted fields on the page: %q", got)
			}
			d := consumer.Post(link+"/deliver", url.Values{})
			cred := d.Doc.Find("#credential").Text()
			if d.StatusCode != http.StatusOK || !strings.HasPrefix(cred, "dgx_") {
				t.Fatalf("deliver: %d credential %q", d.StatusCode, cred)
			}
			if strings.Contains(consumer.Get(link).Body, cred) {
				t.Fatal("the credential is shown again after delivery")
			}

			path := "/exchange/v1/resources/" + url.PathEscape(res.Code) + "/rows"
			resp, body, raw := exchange(t, n, cred, path+"?rows=2")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("exchange: %d %v", resp.StatusCode, body)
			}
			data := body["data"].([]any)
			row := data[0].(map[string]any)
			if len(data) != 2 || len(row) != 2 || row["insurance"] != "企业职工基本养老保险" {
				t.Fatalf("rows served: %v", data)
			}
			if idn := row["id_number"].(string); len(idn) != 18 || !strings.Contains(idn, "********") {
				t.Fatalf("id_number not masked: %q", idn)
			}
			if body["next"].(float64) != 2 {
				t.Fatalf("next page: %v", body["next"])
			}
			sum := sha256.Sum256(raw)
			if resp.Header.Get("X-Exchange-Response-Hash") != hex.EncodeToString(sum[:]) {
				t.Fatal("the response hash is not the body's SHA-256")
			}
			okEntry := resp.Header.Get("X-Exchange-Log-Id")

			refusals := []struct {
				cred, path string
				status     int
				outcome    string
			}{
				{"", path, 401, "no_credential"},
				{"dgx_forged", path, 401, "unknown_credential"},
				{cred, path + "?fields=name", 403, "fields_not_granted"},
				{cred, path + "?rows=5000", 400, "bad_request"},
				{cred, "/exchange/v1/resources/GD-DATA%2F0001/rows", 403, "wrong_resource"},
			}
			for _, x := range refusals {
				resp, body, _ := exchange(t, n, x.cred, x.path)
				if resp.StatusCode != x.status || body["outcome"] != x.outcome || body["message"] == "" {
					t.Errorf("%s: %d %v, want %d %s", x.outcome, resp.StatusCode, body, x.status, x.outcome)
				}
				if resp.Header.Get("X-Exchange-Log-Id") == "" {
					t.Errorf("%s: not logged", x.outcome)
				}
				if strings.Contains(string(dataJSON(body)), "王小明") {
					t.Errorf("%s: a refusal served data", x.outcome)
				}
			}

			// The consumer checks its entries with its credential.
			resp, body, _ = exchange(t, n, cred, "/exchange/v1/log")
			if resp.StatusCode != 200 || body["ok"] != true {
				t.Fatalf("consumer's log: %d %v", resp.StatusCode, body)
			}
			entries := body["entries"].([]any)
			if len(entries) != 4 { // served, fields, bad request, wrong resource: the unknown callers are not this grant's
				t.Fatalf("consumer sees %d entries: %v", len(entries), entries)
			}
			for _, x := range entries {
				if x.(map[string]any)["valid"] != true {
					t.Fatalf("entry does not verify: %v", x)
				}
			}
			resp, body, _ = exchange(t, n, cred, "/exchange/v1/log/"+okEntry)
			if resp.StatusCode != 200 || body["outcome"] != "ok" || body["rows"].(float64) != 2 {
				t.Fatalf("entry: %d %v", resp.StatusCode, body)
			}
			// The provider sees them too, refusals by unknown callers included, and the chain checks.
			logPage := provider.Get("/workbench/data/exchange-log")
			if n := logPage.Doc.Find("#entries tbody tr").Length(); n != 5 { // the wrong-resource call is GD-DATA's
				t.Fatalf("provider sees %d entries", n)
			}
			if !strings.Contains(logPage.Doc.Find("#verify").Text(), "完整") {
				t.Fatalf("verify on the page: %q", logPage.Doc.Find("#verify").Text())
			}
			// Another body sees none of them.
			if resp := other.Get("/exchange/v1/log/" + okEntry); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another body reads the entry: %d", resp.StatusCode)
			}

			// Revocation ends the exchange.
			q, g, err := n.App.DataShare.RequestOf(context.Background(), n.Caller(t, "cdo_gz"), ids.ID(id))
			if err != nil || q.State != datashare.Approved {
				t.Fatal(err, q)
			}
			provider.Get(link)
			if r := provider.Post("/workbench/data/grants/"+string(g.ID)+"/revoke", url.Values{"reason": {"用途已完成"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
			}
			if resp, body, _ := exchange(t, n, cred, path); resp.StatusCode != 403 || body["outcome"] != "revoked" {
				t.Fatalf("after revocation: %d %v", resp.StatusCode, body)
			}

			// Every step is audited.
			for _, action := range []string{"data.request_filed", "data.request_approved", "data.grant_delivered", "data.grant_revoked"} {
				list, err := n.App.Store.AuditEntries(context.Background(), audit.Filter{Action: action, Limit: 10})
				if err != nil || len(list) == 0 {
					t.Errorf("no audit entry %s (%v)", action, err)
				}
			}
			// Someone edits a logged call in the database: the full check finds it, and the entry no longer verifies.
			if _, err := n.App.DB.Exec(context.Background(), `UPDATE datashare_exchange_log SET rows_served = 99 WHERE id = ?`, okEntry); err != nil {
				t.Fatal(err)
			}
			full := provider.Get("/workbench/data/exchange-log?full=1")
			if got := full.Doc.Find("#verify").Text(); !strings.Contains(got, "校验失败") {
				t.Fatalf("full check after tampering: %d %q", full.StatusCode, got+full.Doc.Find("main").Text())
			}
			resp, body, _ = exchange(t, n, cred, "/exchange/v1/log/"+okEntry)
			if body["valid"] != false {
				t.Fatalf("tampered entry still valid: %v", body)
			}

			// 需求满足率: the one decided request is approved and delivered.
			sat := consumer.Get("/workbench/data/satisfaction")
			if got := sat.Doc.Find("#overall strong").Text(); got != "100.0%" {
				t.Fatalf("overall satisfaction %q", got)
			}
		})
	}
}

func dataJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// upload posts a file to a resource's rows form.
func upload(t *testing.T, c *apptest.Client, n *apptest.Node, res *datashare.Resource, name, content string) *apptest.Response {
	t.Helper()
	page := c.Get("/workbench/data/resources/" + string(res.ID))
	csrf, _ := page.Doc.Find(`input[name="csrf"]`).First().Attr("value")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/workbench/data/resources/"+string(res.ID)+"/rows", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// TestLoadRowsAllOrNone: a CSV with bad rows lists each with its line
// number and loads nothing; a good one replaces the rows.
func TestLoadRowsAllOrNone(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	res := resourceByCode(t, n, "GD-DATA/0001")
	c := n.Client(t)
	c.Login("cdo", "digigov2026")
	bad := "month,city,region_code,received,completed,on_time_rate\n" +
		"2026-11,广州市,4401,100,99,0.99\n" +
		"2026-11,深圳市,4403,many,99,0.99\n" +
		"2026-11,佛山市,4406,100\n" +
		"2026-11,东莞市,4419,100,99,<b>x</b>\n"
	r := upload(t, c, n, res, "rows.csv", bad)
	if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad upload: %d", r.StatusCode)
	}
	var lines []string
	r.Doc.Find("#row-errors tbody tr td:first-child").Each(func(_ int, s *goquery.Selection) { lines = append(lines, s.Text()) })
	if strings.Join(lines, ",") != "3,4,5" {
		t.Fatalf("lines in error: %v", lines)
	}
	if strings.Contains(r.Body, "<b>x</b>") || !strings.Contains(r.Body, "&lt;b&gt;x&lt;/b&gt;") {
		t.Fatal("the bad value is not escaped on the page")
	}
	if got := resourceByCode(t, n, "GD-DATA/0001"); got.RowCount != 10 {
		t.Fatalf("a refused upload changed the rows: %d", got.RowCount)
	}
	good := "city,month,region_code,received,completed,on_time_rate\n广州市,2026-11,4401,100,99,0.99\n"
	r = upload(t, c, n, res, "rows.csv", good)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Doc.Find("#loaded").Text(), "1") {
		t.Fatalf("good upload: %d %s", r.StatusCode, r.Doc.Find("#loaded").Text())
	}
	if got := resourceByCode(t, n, "GD-DATA/0001"); got.RowCount != 1 {
		t.Fatalf("rows after upload: %d", got.RowCount)
	}
	// JSON through the API, with a bad record: 422 with the record number.
	tok := n.Token(t, "cdo")
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/data/resources/"+string(res.ID)+"/rows",
		strings.NewReader(`[{"month":"2026-12","received":5},{"month":"2026-12","received":"x"}]`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	ar := n.Client(t).Do(req)
	var prob struct {
		Rows []datashare.LineError `json:"rows"`
	}
	json.Unmarshal([]byte(ar.Body), &prob)
	if ar.StatusCode != 422 || len(prob.Rows) != 1 || prob.Rows[0].Line != 2 || prob.Rows[0].Field != "received" {
		t.Fatalf("API upload: %d %s", ar.StatusCode, ar.Body)
	}
	// Someone else's CDO may not load rows: not found.
	o := n.Client(t)
	o.Login("cdo_gz", "digigov2026")
	if r := upload(t, o, n, res, "rows.csv", good); r.StatusCode != http.StatusNotFound {
		t.Fatalf("other CDO upload: %d", r.StatusCode)
	}
}
