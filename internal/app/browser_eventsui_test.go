package app

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/emergency"
)

// TestBrowserCockpitIncidentsLive: the leader's cockpit shows the active
// incidents of 广州; when the duty officer declares one, the count on the
// open page goes up without a reload. Clicking a district on 广州's county
// map drills down to it.
func TestBrowserCockpitIncidentsLive(t *testing.T) {
	chromiumPath(t)
	a, base := startSensingNode(t)
	b := newTab(t, base)
	b.signIn("leader", DemoPassword)
	b.open("/cockpit?region=4401&metric=rainfall")
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "drawn" }) {
		t.Fatalf("广州's county map was not drawn: data-map=%q", b.attr("#cockpit", "data-map"))
	}
	count := "#cockpit-incidents .num"
	before, err := strconv.Atoi(strings.TrimSpace(b.text(count)))
	if err != nil {
		t.Fatalf("incident count %q: %v", b.text(count), err)
	}
	_, duty, err := a.Identity.SignIn(context.Background(), "duty", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Emergency.Declare(context.Background(), duty, emergency.DeclareInput{Title: "燃气泄漏", Type: emergency.Accident,
		Grade: 4, Region: "440106", Summary: "天河路一处燃气管道泄漏", Lat: 23.13, Lon: 113.32}); err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(before + 1)
	if !waitFor(5*time.Second, func() bool { return strings.TrimSpace(b.text(count)) == want }) {
		t.Fatalf("the incident count stayed %q, want %s without a reload", b.text(count), want)
	}
	b.wantNoCSPViolations("the live incident count")

	// A click on 天河区 in the county map opens its cockpit (the table: no
	// geometry below counties).
	// ECharts' own event: what its click on the district's shape emits.
	if got := b.eval(`(function () {
	  var chart = window.echarts.getInstanceByDom(document.getElementById("cockpit-map"));
	  var data = chart.getOption().series[0].data;
	  for (var i = 0; i < data.length; i++) {
	    if (data[i].code === "440106") { chart.trigger("click", { name: data[i].name, data: data[i] }); return "clicked"; }
	  }
	  return "absent";
	})()`); got != "clicked" {
		t.Fatalf("天河区 is not on 广州's map: %s", got)
	}
	if !waitFor(10*time.Second, func() bool { return strings.Contains(b.location(), "region=440106") }) {
		t.Fatalf("the click did not drill down: %s", b.location())
	}
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "table" }) {
		t.Fatalf("天河: data-map=%q", b.attr("#cockpit", "data-map"))
	}
}
