package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserKnowledgeAndOpen311Keys, at desktop and at phone width: an
// editor (the 天河 dispatcher) finds the night-noise entry of the
// knowledge base and edits its answer; the 12345 operator searches the
// base from the hotline page, sees the new answer, takes a call and
// answers it from the entry, which closes the ticket with that answer as
// its reply. Then a citizen issues an Open311 key, sees it once with its
// expiry, does not see it again after a reload, and revokes it.
func TestBrowserKnowledgeAndOpen311Keys(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)
	for _, screen := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(screen.name, func(t *testing.T) {
			b := newTab(t, base)
			b.do("screen size", chromedp.EmulateViewport(screen.w, screen.h))
			fits := func(where string) {
				t.Helper()
				if screen.name == "phone" && b.eval(`String(document.documentElement.scrollWidth > window.innerWidth + 1)`) == "true" {
					t.Errorf("%s is wider than a phone: %s > %s (%s)", where, b.eval(`String(document.documentElement.scrollWidth)`),
						b.eval(`String(window.innerWidth)`), b.eval(`[].filter.call(document.querySelectorAll("body *"), function (e) { return e.getBoundingClientRect().right > window.innerWidth + 1 }).slice(0, 5).map(function (e) { return e.tagName + "#" + e.id + "." + e.className }).join(" ")`))
				}
			}
			added := "（" + screen.name + " 更新：夜间施工须提前三日公示）"

			// The editor edits an entry.
			b.signIn("dispatch", DemoPassword)
			b.open("/workbench/knowledge")
			b.wantLangHeading("on the knowledge base", "zh-CN", "热线知识库")
			b.fill("#kb-q", "噪声")
			b.clickAndWait("#kb-search-go")
			row := `#kb-list tbody tr:first-child`
			if got := b.text(row); !strings.Contains(got, "夜间施工噪声有什么规定") {
				t.Fatalf("search for 噪声: first row %q", got)
			}
			fits("the knowledge base")
			b.clickAndWait(row + ` a.button`)
			b.do("add to the answer", chromedp.SendKeys(chromedp.CSS("#f-answer"), added))
			want := b.value("#f-answer") // the answer as edited
			b.clickAndWait("#kb-save")
			if got := b.text("#kb-list"); !strings.Contains(got, added) {
				t.Fatalf("after saving, the list shows %q, want the added sentence", got)
			}
			b.clearCookies()

			// The operator answers a call from it.
			b.signIn("hotline", DemoPassword)
			b.open("/hotline")
			b.fill("#kb-q", "夜间施工")
			b.clickAndWait("#kb-search-go")
			if got := b.text("#knowledge"); !strings.Contains(got, added) {
				t.Fatalf("the hotline's knowledge search shows %q, want the edited answer", got)
			}
			fits("the hotline page")
			b.fill("#f-reporter_name", "陈先生")
			b.fill("#f-phone", "13912345678")
			b.do("choose the category", chromedp.SetValue(chromedp.CSS("#f-category"), "0401"))
			b.do("describe the call", chromedp.SendKeys(chromedp.CSS("#f-description"), "来电咨询小区旁工地夜间施工噪声的规定"))
			b.eval(`(document.querySelector('#rp-region input[name="region"]').value = "440106006002", "")`)
			b.do("answer it", chromedp.Click(chromedp.CSS("#f-handling-answer")))
			kb := b.eval(`(function () { var o = [].find.call(document.querySelectorAll("#f-kb option"), function (o) { return o.textContent.indexOf("夜间施工噪声") >= 0 }); return o ? o.value : "" })()`)
			if kb == "" {
				t.Fatalf("the answer's entry list lacks the noise entry: %q", b.text("#f-kb"))
			}
			b.do("from the noise entry", chromedp.SetValue(chromedp.CSS("#f-kb"), kb))
			b.clickAndWait("#report-submit")
			if got := b.attr("#event-state", "data-state"); got != "closed" {
				t.Fatalf("the answered ticket is %q (%s), want closed", got, b.text("#event"))
			}
			if got := b.text("#event-reply"); got != want {
				t.Fatalf("reply %q, want the edited answer %q", got, want)
			}
			fits("the ticket")
			b.clearCookies()

			// A citizen's Open311 key: issued, shown once, revoked.
			b.signIn("citizen", DemoPassword)
			b.open("/account/open311-keys")
			b.fill("#f-name", "街坊随手拍 "+screen.name)
			b.do("valid for 90 days", chromedp.SetValue(chromedp.CSS("#f-days"), "90"))
			b.clickAndWait("#key-issue")
			key := b.text("#issued-key")
			if !strings.HasPrefix(key, "o311_") || !strings.Contains(b.text("#issued-expires"), "有效期至") {
				t.Fatalf("issued %q, %q", key, b.text("#issued-expires"))
			}
			fits("the key page")
			b.reload()
			if strings.Contains(b.eval(`document.body.innerText`), key) {
				t.Fatal("the key is shown again after a reload")
			}
			id := b.eval(`(function () { var r = [].find.call(document.querySelectorAll("#keys tr[id^=key-]"), function (r) { return r.textContent.indexOf("` + screen.name + `") >= 0 }); return r ? r.id.slice(4) : "" })()`)
			if id == "" || !strings.Contains(b.text("#key-"+id+" .state"), "有效") {
				t.Fatalf("the new key's row: %q", b.text("#keys"))
			}
			b.clickAndWait("#revoke-" + id)
			if got := b.text("#key-" + id + " .state"); !strings.Contains(got, "吊销") {
				t.Fatalf("after revoking, the key's state is %q", got)
			}
			b.wantNoCSPViolations("the knowledge base and key journey")
		})
	}
}
