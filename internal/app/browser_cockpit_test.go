package app

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/digigov/digigov/internal/governance"
)

// TestBrowserCockpitEventMeasures: the leader colours the Guangdong map by
// today's events, the map's value for 广州 is the figure in the table;
// drilling into 广州 (a click on its shape) colours 广州's county map by the
// same measure and the case-measure panels change to 广州's; a new report
// in 天河 moves 天河's value on the open page without a reload. Then on a
// phone: the page fits, and tapping 天河 in the table drills down and the
// panels follow.
func TestBrowserCockpitEventMeasures(t *testing.T) {
	chromiumPath(t)
	a, base := startSensingNode(t)
	ctx := context.Background()
	_, hotline, err := a.Identity.SignIn(ctx, "hotline", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	report := func() {
		t.Helper()
		if _, _, err := a.Governance.Report(ctx, hotline, governance.Input{Source: governance.SourceHotline, Category: "0203",
			Description: "天河路路灯不亮，夜间行人看不清路面", Region: "440106", ReporterName: "王先生"}); err != nil {
			t.Fatal(err)
		}
	}
	report()
	b := newTab(t, base)
	b.signIn("leader", DemoPassword)
	b.open("/cockpit?region=44&metric=rainfall")
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "drawn" }) {
		t.Fatalf("the map was not drawn: data-map=%q", b.attr("#cockpit", "data-map"))
	}
	b.clickAndWait(`.metric-chips a[data-measure="today"]`)
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map-measure") == "today" }) {
		t.Fatalf("the map is coloured by %q", b.attr("#cockpit", "data-map-measure"))
	}
	// mapValue is the value the map colours a region's shape by.
	mapValue := func(code string) string {
		return b.eval(`(function () {
		  var chart = window.echarts.getInstanceByDom(document.getElementById("cockpit-map"));
		  var data = chart.getOption().series[0].data;
		  for (var i = 0; i < data.length; i++) { if (data[i].code === "` + code + `") { return String(data[i].value); } }
		  return "absent";
		})()`)
	}
	row := func(code string) string {
		return strings.TrimSpace(b.text(`#cockpit-event-areas tr[data-region="` + code + `"] [data-k="today"]`))
	}
	if gz := mapValue("4401"); gz != row("4401") || gz == "0" || gz == "absent" {
		t.Fatalf("广州 on the map %s, in the table %s", gz, row("4401"))
	}
	b.wantNoCSPViolations("colouring the map by events")

	// Drill into 广州 with ECharts' own click event on its shape.
	if got := b.eval(`(function () {
	  var chart = window.echarts.getInstanceByDom(document.getElementById("cockpit-map"));
	  var data = chart.getOption().series[0].data;
	  for (var i = 0; i < data.length; i++) {
	    if (data[i].code === "4401") { chart.trigger("click", { name: data[i].name, data: data[i] }); return "clicked"; }
	  }
	  return "absent";
	})()`); got != "clicked" {
		t.Fatalf("广州 is not on the map: %s", got)
	}
	if !waitFor(10*time.Second, func() bool {
		return strings.Contains(b.location(), "region=4401") && b.attr("#cockpit", "data-map") == "drawn"
	}) {
		t.Fatalf("the click did not drill down to 广州's map: %s, data-map=%q", b.location(), b.attr("#cockpit", "data-map"))
	}
	if got := b.attr("#cockpit", "data-map-measure"); got != "today" {
		t.Fatalf("广州's map is coloured by %q", got)
	}
	if title := b.text("#measures-title"); !strings.Contains(title, "广州") {
		t.Errorf("the case measures did not follow the drill-down: %q", title)
	}
	th := mapValue("440106")
	before, err := strconv.Atoi(th)
	if err != nil || th != row("440106") {
		t.Fatalf("天河 on the map %q, in the table %q", th, row("440106"))
	}
	report()
	want := strconv.Itoa(before + 1)
	if !waitFor(8*time.Second, func() bool { return mapValue("440106") == want && row("440106") == want }) {
		t.Fatalf("天河 stayed at %s on the map, %s in the table; want %s without a reload", mapValue("440106"), row("440106"), want)
	}

	// On a phone: the page fits; tapping 天河 in the table drills down and
	// the panels follow it.
	b.do("phone screen", chromedp.EmulateViewport(375, 812))
	b.wantFitsPhone("广州's cockpit coloured by events")
	b.do("phone screen", chromedp.EmulateViewport(375, 812))
	b.clickAndWait(`#cockpit-event-areas tr[data-region="440106"] a`)
	if !strings.Contains(b.location(), "region=440106") || !strings.Contains(b.location(), "measure=today") {
		t.Fatalf("the tap led to %s", b.location())
	}
	if title := b.text("#measures-title"); !strings.Contains(title, "天河") {
		t.Errorf("the case measures on 天河's page: %q", title)
	}
	if b.eval(`String(document.querySelectorAll("#cockpit-event-areas tbody tr").length)`) == "0" {
		t.Error("no table of 天河's streets")
	}
	if got := b.attr(".metric-chips a[aria-current]", "data-measure"); got != "today" {
		t.Errorf("the measure chosen on 天河's page: %q", got)
	}
	b.wantFitsPhone("天河's cockpit")
}
