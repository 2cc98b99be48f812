package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserConditionalOpenData: a citizen finds a 有条件开放 dataset,
// reads its conditions, applies; the publishing body's CDO approves from
// the workbench; the citizen then previews and downloads it.
func TestBrowserConditionalOpenData(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	b.signIn("citizen", "digigov2026")
	b.open("/opendata/datasets/4401-hrss-0003")
	if got := b.text("#conditions"); !strings.Contains(got, "不得转售") {
		t.Fatalf("conditions: %q", got)
	}
	if n := b.eval(`String(document.querySelectorAll("a.download, #preview-table").length)`); n != "0" {
		t.Fatalf("%s download links or previews before approval", n)
	}
	b.do("type the purpose", chromedp.SendKeys(chromedp.CSS("#f-purpose"), "研究本市技能岗位需求"))
	b.do("type the use", chromedp.SendKeys(chromedp.CSS("#f-intended_use"), "课题报告，只发布汇总结果"))
	b.fill("#f-days", "60")
	b.fill("#f-contact", "13912345678")
	b.clickAndWait("#apply-submit")
	appPath := b.location()
	if !strings.HasPrefix(appPath, "/opendata/applications/") || b.text("#application-state") != "审核中" {
		t.Fatalf("after applying: %s %q", appPath, b.text("#application-state"))
	}
	b.wantNoCSPViolations("on the application page")

	b.clearCookies()
	b.signIn("cdo_gz", "digigov2026")
	b.open("/workbench/data/open-applications")
	b.clickAndWait(`#open-inbox a[href="` + appPath + `"]`)
	if got := b.text("#contact"); got != "139****5678" {
		t.Fatalf("contact shown to the CDO: %q", got)
	}
	b.fill("#f-note", "同意")
	b.clickAndWait("#approve-submit")
	if got := b.text("#application-state"); got != "已批准" {
		t.Fatalf("after approval: %q", got)
	}

	b.clearCookies()
	b.signIn("citizen", "digigov2026")
	b.open("/opendata/datasets/4401-hrss-0003")
	if b.eval(`String(document.querySelectorAll("#preview-table tbody tr").length)`) != "3" {
		t.Fatal("no preview after approval")
	}
	got := b.runString("download the CSV", chromedp.Evaluate[string](`fetch(document.querySelector("a.download").href)
		.then(r => r.text().then(t => r.status + " " + t.split("\n")[0]))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(got, "200 ") || !strings.Contains(got, "post,district,openings,salary") {
		t.Fatalf("download after approval: %q", got)
	}
}
