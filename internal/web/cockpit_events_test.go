package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The cockpit's events measures per child region: the province page lists
// every city with its figures, equal to each city's own summary, and the
// chosen measure colours the map (data-measure, the chip marked); a city's
// page lists its districts, and a new report in 天河 moves 天河's row and
// reaches the live stream's areas.
func TestCockpitEventAreas(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	leader := n.Caller(t, "leader")
	c := n.Client(t)
	c.Login("leader", app.DemoPassword)

	r := c.Get("/cockpit?region=44&metric=rainfall&measure=overdue")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	if got := r.Doc.Find("#cockpit").AttrOr("data-measure", ""); got != "overdue" {
		t.Errorf("data-measure %q", got)
	}
	if cur := r.Doc.Find(`.metric-chips a[aria-current]`); cur.Length() != 1 || cur.AttrOr("data-measure", "") != "overdue" {
		t.Errorf("current chip: %d %q", cur.Length(), cur.Text())
	}
	rows := r.Doc.Find("#cockpit-event-areas tbody tr")
	if rows.Length() != len(n.App.Regions.Children("44")) {
		t.Fatalf("%d city rows, want %d", rows.Length(), len(n.App.Regions.Children("44")))
	}
	gz := r.Doc.Find(`#cockpit-event-areas tr[data-region="4401"]`)
	sum, err := n.App.Governance.CockpitSummary(ctx, leader, "4401")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(gz.Find(`[data-k="overdue"]`).Text()); got != fmt.Sprint(sum.Overdue) {
		t.Errorf("广州 overdue %q, summary %d", got, sum.Overdue)
	}
	if got := strings.TrimSpace(gz.Find(`[data-k="today"]`).Text()); got != fmt.Sprint(sum.Today) {
		t.Errorf("广州 today %q, summary %d", got, sum.Today)
	}
	if href := gz.Find("a").AttrOr("href", ""); href != "/cockpit?region=4401&metric=rainfall&measure=overdue" {
		t.Errorf("drill-down link %q", href)
	}

	before := cityRow(t, c, "440106")
	next := liveStream(t, n.URL+"/cockpit/live?region=4401&metric=rainfall", n.Token(t, "leader"))
	next(5 * time.Second)
	if _, _, err := n.App.Governance.Report(ctx, n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline, Category: "0203",
		Description: "天河路路灯不亮，夜间行人看不清路面", Region: "440106", ReporterName: "王先生"}); err != nil {
		t.Fatal(err)
	}
	if after := cityRow(t, c, "440106"); after != before+1 {
		t.Errorf("天河's events today: %d, then %d after a report", before, after)
	}
	deadline := time.Now().Add(8 * time.Second)
	for {
		u := next(8 * time.Second)
		if ev, _ := u["events"].(map[string]any); ev != nil {
			for _, a := range ev["areas"].([]any) {
				if a := a.(map[string]any); a["region"] == "440106" && a["today"] == float64(before+1) {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live stream's areas never showed 天河's new event: %v", u["events"])
		}
	}
}

// cityRow reads today's events of a district on 广州's cockpit page.
func cityRow(t *testing.T, c *apptest.Client, code string) int {
	t.Helper()
	r := c.Get("/cockpit?region=4401&metric=rainfall&measure=today")
	var n int
	cell := r.Doc.Find(`#cockpit-event-areas tr[data-region="` + code + `"] [data-k="today"]`)
	if _, err := fmt.Sscan(strings.TrimSpace(cell.Text()), &n); err != nil {
		t.Fatalf("%s's row: %q (%v)", code, cell.Text(), err)
	}
	return n
}

// A viewer of one city sees its districts and cannot drill into another
// city; an unknown measure colours by the indicator.
func TestCockpitEventAreasScope(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Login("duty", app.DemoPassword)
	r := c.Get("/cockpit?region=4401&metric=rainfall&measure=satisfaction")
	if r.StatusCode != http.StatusOK || r.Doc.Find(`#cockpit-event-areas tr[data-region="440106"]`).Length() != 1 {
		t.Fatalf("广州's districts: %d %q", r.StatusCode, r.Doc.Find("#cockpit-event-areas").Text())
	}
	if r.Doc.Find(`#cockpit-event-areas tr[data-region^="4403"]`).Length() != 0 {
		t.Error("深圳's districts on 广州's page")
	}
	for _, path := range []string{"/cockpit?region=4403&metric=rainfall&measure=overdue", "/cockpit?region=44&measure=today"} {
		if r := c.Get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("广州's duty officer at %s: %d", path, r.StatusCode)
		}
	}
	if r := c.Get("/cockpit?region=4401&metric=rainfall&measure=drop+table"); r.StatusCode != http.StatusOK || r.Doc.Find("#cockpit").AttrOr("data-measure", "x") != "" {
		t.Errorf("unknown measure: %d %q", r.StatusCode, r.Doc.Find("#cockpit").AttrOr("data-measure", "x"))
	}
}

// The case measures and 用证率 follow the region drilled into: 广州's page
// shows 广州's by county, equal to the service's figures for 广州 alone.
func TestCockpitPanelsFollowDrillDown(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	leader := n.Caller(t, "leader")
	c := n.Client(t)
	c.Login("leader", app.DemoPassword)
	for _, in := range []region.Code{"44", "4401", "440106"} {
		r := c.Get("/cockpit?metric=rainfall&region=" + string(in))
		g := cases.ByCounty
		if in == "44" {
			g = cases.ByCity
		}
		ms, err := n.App.Cases.MeasuresWithin(ctx, leader, g, in)
		if err != nil {
			t.Fatal(err)
		}
		title := r.Doc.Find("#measures-title").Text()
		if !strings.Contains(title, n.App.Regions.FullName(in)) && !strings.Contains(title, regionShort(n, in)) {
			t.Errorf("%s: measures title %q", in, title)
		}
		got := strings.TrimSpace(r.Doc.Find("#measures .kpi .num").First().Text())
		if got != fmt.Sprint(cases.Total(ms).Cases) {
			t.Errorf("%s: cases %q, want %d", in, got, cases.Total(ms).Cases)
		}
		if rows := r.Doc.Find("#measures-by-city tbody tr").Length(); rows != len(ms) {
			t.Errorf("%s: %d rows by area, want %d", in, rows, len(ms))
		}
		for _, m := range ms {
			if !region.Within(region.Code(m.Key), in) {
				t.Errorf("%s: a row of %s", in, m.Key)
			}
		}
		if _, total, err := n.App.Licenses.UseRatesWithin(ctx, leader, cases.ByItem, in); err == nil {
			if want := fmt.Sprintf("%.1f%%", 100*total.Rate()); !strings.Contains(r.Doc.Find("#kpi-license-use").Text(), want) {
				t.Errorf("%s: 用证率 %q, want %s", in, r.Doc.Find("#kpi-license-use").Text(), want)
			}
		}
	}
	if _, err := n.App.Cases.MeasuresWithin(ctx, n.Caller(t, "duty"), cases.ByCounty, "4403"); err == nil {
		t.Error("广州's duty officer read 深圳's case measures")
	}
}

func regionShort(n *apptest.Node, c region.Code) string {
	r, _ := n.App.Regions.Lookup(c)
	return r.Name
}
