package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSharingJourney: an officer of 广州市人社局 finds 深圳市市场监管局's
// 有条件共享 resource in the catalog and requests it with a purpose, a legal
// basis, the fields and a period; 深圳's CDO approves fewer fields; the
// officer collects the credential; a system calls the exchange with it and
// gets only the granted fields, the sensitive one masked; and the call's
// signed log entry is on the exchange-log page of both bodies.
func TestBrowserSharingJourney(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)
	b := newTab(t, base)

	// Body A's officer finds the resource.
	b.signIn("officer", "digigov2026")
	b.open("/workbench/data")
	b.fill("#q", "年报")
	b.clickAndWait(`form[role="search"] button`)
	if got := b.text("#resources tbody tr td a"); got != "深圳市企业年报联络信息" {
		t.Fatalf("catalog search found %q", got)
	}
	b.clickAndWait("#resources tbody tr td a")
	if got := b.text("#share-class"); !strings.Contains(got, "有条件共享") || !strings.Contains(got, "监管执法") {
		t.Fatalf("share class on the resource page: %q", got)
	}
	b.do("type the purpose", chromedp.SendKeys(chromedp.CSS("#f-purpose"), "核实企业联络员，开展技能培训补贴政策告知"))
	b.fill("#f-legal_basis", "《广东省公共数据管理办法》第二十二条")
	for _, f := range []string{"uscc", "name", "liaison", "liaison_phone"} {
		b.do("tick "+f, chromedp.Click(chromedp.CSS(`#ask-form input[name="fields"][value="`+f+`"]`)))
	}
	b.fill("#f-days", "90")
	b.clickAndWait("#ask-submit")
	reqPath := b.location()
	if !strings.HasPrefix(reqPath, "/workbench/data/requests/") || b.text("#request-state") != "待答复" {
		t.Fatalf("after asking: %s, state %q", reqPath, b.text("#request-state"))
	}
	b.wantNoCSPViolations("on the request page")

	// Body B's CDO approves without the liaison's name.
	b.clearCookies()
	b.signIn("cdo_sz", "digigov2026")
	b.open("/workbench/data/requests")
	b.clickAndWait(`#inbox a[href="` + reqPath + `"]`)
	b.do("untick liaison", chromedp.Click(chromedp.CSS(`#approve-form input[name="fields"][value="liaison"]`)))
	b.fill("#f-note", "同意，不含联络员姓名")
	b.clickAndWait("#approve-submit")
	if got := b.text("#granted-fields"); strings.Contains(got, "liaison ") || !strings.Contains(got, "liaison_phone") {
		t.Fatalf("granted fields: %q", got)
	}

	// Body A collects the credential, shown once.
	b.clearCookies()
	b.signIn("officer", "digigov2026")
	b.open(reqPath)
	b.clickAndWait("#deliver-submit")
	cred := b.text("#credential")
	if !strings.HasPrefix(cred, "dgx_") {
		t.Fatalf("credential %q", cred)
	}

	// The officer's system calls the exchange.
	req, _ := http.NewRequest(http.MethodGet, base+"/exchange/v1/resources/"+url.PathEscape("4403-AMR/0002")+"/rows", nil)
	req.Header.Set("X-Exchange-Credential", cred)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var page struct {
		Fields []string         `json:"fields"`
		Masked []string         `json:"masked"`
		Data   []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || resp.StatusCode != 200 || len(page.Data) != 2 {
		t.Fatalf("exchange call: %d %s", resp.StatusCode, raw)
	}
	row := page.Data[0]
	if len(row) != 3 || row["liaison"] != nil || row["name"] != "深圳市鹏城智联科技有限公司" || row["liaison_phone"] != "136****0001" {
		t.Fatalf("row served: %v", row)
	}
	logID := resp.Header.Get("X-Exchange-Log-Id")
	if logID == "" {
		t.Fatal("the call names no log entry")
	}

	// Both bodies find the entry on their exchange-log page, verified.
	for _, who := range []string{"officer", "cdo_sz"} {
		if who != "officer" {
			b.clearCookies()
			b.signIn(who, "digigov2026")
		}
		b.open("/workbench/data/exchange-log")
		rows := b.eval(`Array.from(document.querySelectorAll("#entries tbody tr")).map(r => r.textContent).join("\n")`)
		if !strings.Contains(rows, "4403-AMR/0002") || !strings.Contains(rows, "广州市人力资源和社会保障局") {
			t.Fatalf("%s's exchange log: %q", who, rows)
		}
		if got := b.text("#verify"); !strings.Contains(got, "完整") {
			t.Fatalf("%s's log check: %q", who, got)
		}
	}
	b.wantNoCSPViolations("on the exchange log")
}
