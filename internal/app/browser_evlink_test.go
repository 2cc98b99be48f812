package app

import (
	"context"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/governance"
)

// TestBrowserIncidentLinkEvent follows 何伟 in Chromium from the typhoon's
// command page: a mistyped event number is refused in Chinese beside the
// field, the grid worker's report is linked by its number, and its link
// leads to the event page, which names the incident.
func TestBrowserIncidentLinkEvent(t *testing.T) {
	chromiumPath(t)
	a, base := startSensingNode(t)
	ctx := context.Background()
	grid, err := a.demoCaller(ctx, "grid")
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := a.Governance.Report(ctx, grid, governance.Input{Source: governance.SourceGrid, Category: "1001",
		Description: "石牌东路积水齐膝，车辆无法通行", Region: "440106006002"})
	if err != nil {
		t.Fatal(err)
	}

	b := newTab(t, base)
	b.signIn("duty", DemoPassword)
	b.open("/workbench/emergency")
	b.clickAndWait(`#incident-list a[href^="/workbench/emergency/"]`)
	board := b.location()
	title := b.text("#incident-title")

	b.fill("#f-event-number", "SJ20990101000000")
	b.clickAndWait("#do-link-event")
	if msg := b.text("#e-event-number"); !strings.Contains(msg, "没有找到该编号的事件") {
		t.Fatalf("a mistyped number: %q", msg)
	}
	if b.exists("#linked-event-list li[data-event=\"" + string(ev.ID) + "\"]") {
		t.Fatal("linked after a mistyped number")
	}
	b.fill("#f-event-number", ev.Number)
	b.clickAndWait("#do-link-event")
	if b.location() != board || !strings.Contains(b.text("#linked-event-list"), ev.Number) {
		t.Fatalf("after linking: at %s, events %q", b.location(), b.text("#linked-events"))
	}
	if !strings.Contains(b.text("#timeline-list"), ev.Number) {
		t.Errorf("timeline: %q", b.text("#timeline-list"))
	}
	b.wantNoCSPViolations("on the command page")

	b.clickAndWait(`#linked-event-list a[href="/events/` + string(ev.ID) + `"]`)
	if !strings.Contains(b.text("#incident-links"), title) {
		t.Errorf("the event page does not name the incident %q: %q", title, b.text("#incidents"))
	}
}
