package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserGridWorkerOnPhone is the grid worker's part of
// TestBrowserJourneyGridEvent on a 390×844 phone: 梁小芳 reports exposed
// rubbish with a photo from /grid, sees the "fixed on the spot" checkbox
// as a small box beside its label, and, once the department has replied,
// finds the event in her 核查 (verification) list with its state and
// deadline on screen, not cut off, and verifies it. Every page fits the
// phone's width.
func TestBrowserGridWorkerOnPhone(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)
	b := newTab(t, base)
	phone := func() { b.do("phone screen", chromedp.EmulateViewport(390, 844)) }
	// fits is the phone journeys' check (wantFitsPhone, at 375 px), then
	// back to this phone.
	fits := func(where string) {
		t.Helper()
		b.wantFitsPhone(where)
		phone()
	}
	phone()

	photo := photoFile(t)

	b.signIn("grid", DemoPassword)
	b.open("/grid")
	b.wantLangHeading("on the grid worker's page", "zh-CN", "网格巡查")
	fits("the grid worker's page")

	// The checkbox is a box of its own size on the line of its label, and ticks.
	box := b.eval(`(function () { var i = document.querySelector("#f-on_spot"), r = i.getBoundingClientRect(), l = i.closest("label").getBoundingClientRect();
		return [Math.round(r.width), Math.round(r.height), Math.round(l.height), r.right < l.right - 40 ? "beside" : "alone"].join(" ") })()`)
	var w, h, lh int
	var beside string
	if _, err := fmt.Sscan(box, &w, &h, &lh, &beside); err != nil || w < 12 || w > 40 || h < 12 || h > 40 || lh > 64 || beside != "beside" {
		t.Errorf("the on-the-spot checkbox: %q (width, height, label height, placement), want a box of at most 40 px beside its label", box)
	}
	b.do("tick fixed on the spot", chromedp.Click(chromedp.CSS("#f-on_spot")))
	if b.eval(`String(document.querySelector("#f-on_spot").checked)`) != "true" {
		t.Error("tapping the checkbox did not tick it")
	}
	b.do("untick it", chromedp.Click(chromedp.CSS("#f-on_spot")))

	b.do("choose the category", chromedp.SetValue(chromedp.CSS("#f-category"), "0101"))
	b.do("describe it", chromedp.SendKeys(chromedp.CSS("#f-description"), "石牌东路人行道旁堆放生活垃圾约两立方米"))
	b.fill("#f-address", "石牌东路 12 号旁")
	b.do("attach a photo", chromedp.SetUploadFiles(chromedp.CSS("#f-photos"), []string{photo}))
	b.clickAndWait("#report-submit")
	if got := b.attr("#event-state", "data-state"); got != "dispatched" {
		t.Fatalf("after reporting on patrol, state = %q (%s), want dispatched by the rule", got, b.text("#event"))
	}
	fits("the new event's page")
	event := b.location()
	if i := strings.Index(event, "?"); i >= 0 {
		event = event[:i]
	}
	number := b.text("#event-number")

	step := func(user, action, comment string) {
		t.Helper()
		b.clearCookies()
		b.signIn(user, DemoPassword)
		b.open(event)
		b.do("open the "+action+" form", chromedp.Click(chromedp.CSS("#act-"+action+" summary")))
		if comment != "" {
			b.do("write the comment", chromedp.SendKeys(chromedp.CSS("#f-comment-"+action), comment))
		}
		b.clickAndWait("#do-" + action)
		if b.location() != event {
			t.Fatalf("after %s by %s: on %s (%s)", action, user, b.location(), b.text("main"))
		}
	}
	step("sp_officer", "take", "")
	step("sp_officer", "reply", "已清运垃圾并冲洗路面")

	// Back on patrol: the 核查 list shows the event with its state and deadline on screen.
	b.clearCookies()
	b.signIn("grid", DemoPassword)
	b.open("/grid")
	fits("the grid worker's page with a task")
	row := `(function () { return [].find.call(document.querySelectorAll("#tasks tbody tr"), function (tr) { return tr.textContent.indexOf(` +
		jsString(number) + `) >= 0 }) })()`
	if b.eval(`String(!!`+row+`)`) != "true" {
		t.Fatalf("the 核查 list lacks %s: %q", number, b.text("#tasks"))
	}
	cells := b.eval(`(function () { var tr = ` + row + `; return [].map.call(tr.cells, function (td) { var r = td.getBoundingClientRect();
		return (r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1 ? "shown" : "cut") + ":" + td.textContent.trim() }).join("|") })()`)
	parts := strings.Split(cells, "|")
	if len(parts) != 5 {
		t.Fatalf("the task row: %q", cells)
	}
	for i, want := range []string{number, "", "", "待核查", ""} {
		if !strings.HasPrefix(parts[i], "shown:") || !strings.Contains(parts[i], want) {
			t.Errorf("task row column %d: %q, want it on screen (containing %q)", i+1, parts[i], want)
		}
	}
	if got := b.eval(`(function () { var c = document.querySelector("#tasks"); return String(c.scrollWidth <= c.clientWidth + 1) })()`); got != "true" {
		t.Errorf("the 核查 list scrolls sideways on a phone")
	}

	b.clickAndWait(`#tasks a[href="` + event + `"]`)
	fits("the event's page before verifying")
	b.do("open the verify form", chromedp.Click(chromedp.CSS("#act-verify summary")))
	b.do("write the comment", chromedp.SendKeys(chromedp.CSS("#f-comment-verify"), "现场核查已清理干净"+kb.Tab))
	b.clickAndWait("#do-verify")
	if got := b.attr("#event-state", "data-state"); got != "verified" {
		t.Fatalf("after verifying, state = %q, want verified", got)
	}
	fits("the verified event's page")
	b.wantNoCSPViolations("on the grid worker's phone pages")
}
