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

// TestBrowserMarketJourney: the province data bureau's CDO lists a data
// product on its monthly statistics and publishes it; the demo enterprise
// finds it on the market and orders it; the CDO accepts (the contract is
// sealed); the enterprise signs the contract and gets its credential, calls
// the exchange API with it, and finds the call in its order history — on a
// phone-sized screen too.
func TestBrowserMarketJourney(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)
	b := newTab(t, base)

	b.signIn("cdo", DemoPassword)
	b.open("/workbench/market/products/new")
	b.wantLangHeading("on the product form", "zh-CN", "登记数据产品")
	b.fill("#f-name", "政务服务办件量按次查询")
	b.do("type into #f-description", chromedp.SendKeys(chromedp.CSS("#f-description"), "各地市月度受理与办结件数。"))
	b.do("choose the theme", chromedp.SetValue(chromedp.CSS("#f-theme"), "government"))
	for _, f := range []string{"month", "city", "received"} {
		b.do("tick "+f, chromedp.Click(chromedp.CSS(`#sources input[value="`+f+`"]`)))
	}
	b.do("type into #f-terms", chromedp.SendKeys(chromedp.CSS("#f-terms"), "引用须注明来源。"))
	b.do("type into #f-purposes", chromedp.SendKeys(chromedp.CSS("#f-purposes"), "营商环境研究"))
	b.do("choose the pricing", chromedp.SetValue(chromedp.CSS("#f-price_model"), "per_call"))
	b.fill("#f-price", "1.00")
	b.clickAndWait("#product-submit")
	if got := b.text("#product-state"); got != "草稿（未上架）" {
		t.Fatalf("after listing, state %q (errors: %s)", got, b.eval(`Array.from(document.querySelectorAll(".field-error")).map(e => e.textContent).join(" ")`))
	}
	productPath := b.location()
	b.clickAndWait("#publish-submit")
	if got := b.text("#product-state"); got != "已上架" {
		t.Fatalf("after publishing, state %q", got)
	}
	b.wantNoCSPViolations("on the product page")

	b.clearCookies()
	b.signIn("enterprise", DemoPassword)
	b.open("/market")
	b.fill("#q", "按次查询")
	b.clickAndWait("#market-search button")
	b.clickAndWait("#products li.card h2 a")
	b.wantPage("after opening the product", productPath)
	b.do("choose the purpose", chromedp.SetValue(chromedp.CSS("#f-purpose"), "营商环境研究"))
	b.do("type into #f-purpose_detail", chromedp.SendKeys(chromedp.CSS("#f-purpose_detail"), "编制营商环境报告"))
	b.clickAndWait("#order-submit")
	if got := b.text("#order-state"); got != "待答复" {
		t.Fatalf("after ordering, state %q", got)
	}
	orderPath := b.location()

	b.clearCookies()
	b.signIn("cdo", DemoPassword)
	b.open(orderPath)
	b.clickAndWait("#accept-submit")
	if got := b.text("#contract-state"); got != "提供方已签章，待购买方确认" {
		t.Fatalf("after acceptance, contract %q", got)
	}
	contractPath := b.location()

	b.clearCookies()
	b.signIn("enterprise", DemoPassword)
	b.open(contractPath)
	b.do("agree", chromedp.Click(chromedp.CSS("#f-agree")))
	b.clickAndWait("#confirm-submit")
	if got := b.text("#contract-state"); got != "生效中" {
		t.Fatalf("after signing, contract %q", got)
	}
	cred := b.text("#credential-box code.credential")
	if !strings.HasPrefix(cred, "dgx_") {
		t.Fatalf("credential %q", cred)
	}
	b.wantNoCSPViolations("on the contract page")

	// The enterprise's system calls the exchange with the credential.
	req, _ := http.NewRequest(http.MethodGet, base+"/exchange/v1/resources/"+url.PathEscape("GD-DATA/0001")+"/rows?rows=5", nil)
	req.Header.Set("X-Exchange-Credential", cred)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var page struct {
		Fields []string         `json:"fields"`
		Data   []map[string]any `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil || len(page.Data) != 5 || strings.Join(page.Fields, ",") != "month,city,received" {
		t.Fatalf("exchange call: %d %s", resp.StatusCode, body)
	}

	b.open("/market/orders")
	row := `#orders tr.order-line`
	if got := b.text(row + " td a"); got != "政务服务办件量按次查询" {
		t.Fatalf("newest order %q", got)
	}
	if got := b.text(row + " .order-calls"); got != "1" {
		t.Fatalf("calls in the order history %q", got)
	}
	if got := b.text(row + " .order-due"); got != "¥1.00" {
		t.Fatalf("amount due %q", got)
	}

	// On a phone the page fits the screen: nothing wider than the viewport.
	b.do("phone screen", chromedp.EmulateViewport(390, 844))
	b.reload()
	if got := b.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		t.Fatalf("the order history is wider than a phone: %s > %s", b.eval(`String(document.documentElement.scrollWidth)`), b.eval(`String(window.innerWidth)`))
	}
	b.open(contractPath)
	if got := b.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		t.Fatal("the contract page is wider than a phone")
	}
}
