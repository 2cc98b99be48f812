package app

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEmergencyJourney follows the duty officer 何伟 in Chromium:
// declare an incident, name the commander, start the response, give a
// department a task, issue a public alert; then, signed out, the public
// page /alerts shows the alert. The command page draws the incident on the
// province's map. No page breaks the Content-Security-Policy.
func TestBrowserEmergencyJourney(t *testing.T) {
	chromiumPath(t)
	_, base := startSensingNode(t)
	b := newTab(t, base)
	b.signIn("duty", DemoPassword)
	b.open("/workbench/emergency")
	b.fill("#f-title", "白云区山体滑坡")
	b.do("choose type and grade", chromedp.SetValue(chromedp.CSS("#f-type"), "natural_disaster"),
		chromedp.SetValue(chromedp.CSS("#f-grade"), "3"))
	b.fill("#f-address", "白云区钟落潭镇")
	b.fill("#f-lat", "23.39")
	b.fill("#f-lon", "113.40")
	b.typeInto("#f-summary", "连续降雨引发山体滑坡，两栋民房受损。")
	b.clickAndWait("#declare-submit")
	if !strings.HasPrefix(b.location(), "/workbench/emergency/") || b.text("#incident-title") != "白云区山体滑坡" {
		t.Fatalf("after declaring: at %s, title %q", b.location(), b.text("#incident-title"))
	}
	if !waitFor(10*time.Second, func() bool { return b.attr("#incident-map", "data-map") == "drawn" }) {
		t.Fatalf("the incident map was not drawn: data-map=%q", b.attr("#incident-map", "data-map"))
	}
	if n := b.eval(`String(document.querySelectorAll("#incident-map canvas").length)`); n == "0" {
		t.Fatal("no canvas in the incident map")
	}
	b.wantNoCSPViolations("on the command page")

	b.fill("#f-commander", "何伟")
	b.clickAndWait("#command-save")
	b.clickAndWait("#respond")
	if s := b.text("#incident-state"); s != "响应中" {
		t.Fatalf("state after starting the response: %q", s)
	}
	org := b.eval(`document.querySelector('#f-org option:nth-child(2)').value`)
	b.do("choose the department", chromedp.SetValue(chromedp.CSS("#f-org"), org))
	b.fill("#f-task-title", "组织受威胁群众转移")
	b.fill("#f-hours", "2")
	b.clickAndWait("#task-submit")
	if n := b.eval(`String(document.querySelectorAll("#task-list tbody tr").length)`); n != "1" {
		t.Fatalf("tasks listed after assigning: %s", n)
	}
	b.fill("#f-headline", "白云区钟落潭镇地质灾害预警")
	b.typeInto("#f-description", "钟落潭镇北部山区有滑坡危险。")
	b.typeInto("#f-instruction", "请勿进入山区，听从转移安排。")
	b.clickAndWait("#alert-submit")
	if !strings.Contains(b.text("#alert-list"), "白云区钟落潭镇地质灾害预警") {
		t.Fatalf("alert not listed on the command page: %q", b.text("#alert-list"))
	}
	if !strings.Contains(b.text("#timeline-list"), "组织受威胁群众转移") {
		t.Errorf("timeline: %q", b.text("#timeline-list"))
	}

	b.clearCookies()
	b.open("/alerts")
	if got := b.text("#public-alerts"); !strings.Contains(got, "白云区钟落潭镇地质灾害预警") || !strings.Contains(got, "请勿进入山区") {
		t.Fatalf("public page: %q", got)
	}
	b.wantNoCSPViolations("on the public alerts page")
}
