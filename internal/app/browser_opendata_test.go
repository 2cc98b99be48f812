package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOpenDataJourney: a visitor, not signed in, searches the
// open-data portal, opens a dataset, sees its preview table and chart,
// downloads its CSV, and finds the download counted.
func TestBrowserOpenDataJourney(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	b.open("/opendata")
	b.wantLangHeading("on the portal", "zh-CN", "公共数据开放")
	b.fill("#q", "企业")
	b.clickAndWait("#opendata-search button")
	if !strings.HasPrefix(b.location(), "/opendata/datasets?q=") {
		t.Fatalf("search went to %s", b.location())
	}
	if got := b.text("#results li.card h2 a"); got != "深圳市企业登记信息" {
		t.Fatalf("first result %q", got)
	}
	b.clickAndWait("#results li.card h2 a")
	b.wantPage("after opening the dataset", "/opendata/datasets/4403-amr-0001")
	if got := b.text("#dataset-title"); got != "深圳市企业登记信息" {
		t.Fatalf("dataset title %q", got)
	}
	rows := b.eval(`String(document.querySelectorAll("#preview-table tbody tr").length)`)
	bars := b.eval(`String(document.querySelectorAll("#chart svg rect").length)`)
	if rows != "3" || bars != "3" {
		t.Fatalf("preview shows %s rows and the chart %s bars, want 3 and 3", rows, bars)
	}
	if strings.Contains(b.text("#preview"), "张伟") {
		t.Fatal("the preview shows the sensitive legal_rep field")
	}
	b.wantNoCSPViolations("on the dataset page")

	// Download the CSV as the browser would (a download does not navigate).
	got := b.runString("download the CSV", chromedp.Evaluate[string](`fetch(document.querySelector("a.download").href)
		.then(r => r.text().then(t => r.status + " " + r.headers.get("content-type") + " " + t.split("\n")[0]))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(got, "200 text/csv") || !strings.Contains(got, "uscc,name,capital") {
		t.Fatalf("CSV download: %q", got)
	}
	b.reload()
	if got := b.text("#downloads"); got != "1" {
		t.Fatalf("downloads after one download: %q", got)
	}
}
