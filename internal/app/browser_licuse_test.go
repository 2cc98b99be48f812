package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserJourneyApplyWithELicence follows 张明, who holds an electronic
// 居民身份证 in his wallet (demo data), applying online for 个人参保证明查询打印
// (HRSS-0011) without uploading or bringing his ID card: he chooses "use my
// e-licence" for the 居民身份证 material. The case officer 林晓燕 of 广州市人社局
// opens the case and sees the licence verified now. 张明 sees her read in
// "who used my licences", and withdraws his permission.
func TestBrowserJourneyApplyWithELicence(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)

	b := newTab(t, base)
	b.signIn("citizen", DemoPassword)
	b.open("/services/HRSS-0011/apply")
	b.wantLangHeading("on the application form", "zh-CN", "个人参保证明查询打印")
	if got := b.text("#lic-0"); !strings.Contains(got, "居民身份证") || !strings.Contains(got, "使用电子证照") {
		t.Fatalf("the form does not offer the e-licence for 居民身份证: %q", b.text("#license-choices"))
	}
	if n := b.eval(`String(document.querySelectorAll('#apply-submit ~ input[type=file], form input[type=file]').length)`); n != "0" {
		t.Fatalf("the item asks for %s uploads, want none", n)
	}
	b.do("choose the e-licence", chromedp.Click(chromedp.CSS(`#lic-0 input[type=radio]:not([value=""])`)))
	b.do("fill the period", chromedp.SetValue(chromedp.CSS(`#f-period_start`), "2025-01-01"),
		chromedp.SetValue(chromedp.CSS(`#f-period_end`), "2025-12-31"))
	b.clickAndWait("#apply-submit")
	caseURL := b.location()
	if !strings.HasPrefix(caseURL, "/cases/") {
		t.Fatalf("after applying the page is %s (%s), want the case", caseURL, b.text("main"))
	}
	if got := b.text("#case-materials"); !strings.Contains(got, "居民身份证：免提交") || !strings.Contains(got, "广州市天河区公安局") {
		t.Fatalf("the case's materials = %q, want the 居民身份证 satisfied by the e-licence", got)
	}
	if got := b.text("#timeline"); !strings.Contains(got, "免提交，使用电子证照") {
		t.Fatalf("the timeline = %q, want the e-licence named", got)
	}
	b.wantNoCSPViolations("applying with an e-licence")

	// The officer opens the case: the licence verified now, signature and status.
	o := newTab(t, base)
	o.signIn("officer", DemoPassword)
	o.open(caseURL)
	if got := o.text("#case-licenses .verdict-sentence"); !strings.Contains(got, "证照有效") {
		t.Fatalf("the officer sees %q, want the licence verified valid", got)
	}
	if got := o.text("#case-licenses .read-under"); !strings.Contains(got, "申请人授权") {
		t.Fatalf("the officer's licence is read under %q, want the applicant's grant", got)
	}
	o.wantNoCSPViolations("the officer's case page")

	// 张明 sees who read it, and withdraws his permission.
	b.open("/wallet/uses")
	if got := b.text("#uses"); !strings.Contains(got, "林晓燕") || !strings.Contains(got, "办件用证") {
		t.Fatalf("who used my licences = %q, want 林晓燕's read for the case", got)
	}
	b.clickAndWait(`#grants button`)
	if got := b.text("#uses-flash"); !strings.Contains(got, "已撤回授权") {
		t.Fatalf("after withdrawing: %q", got)
	}
	o.reload()
	if n := o.eval(`String(document.querySelectorAll('#case-licenses .verdict').length)`); n != "0" {
		t.Fatalf("after the withdrawal the officer still sees %s licences", n)
	}
}
