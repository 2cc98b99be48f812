package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestFedResources: a CDO registers resources fed by the platform's own
// records — case statistics and event statistics — which are computed at
// once, refreshed on demand, shared through the exchange and opened on the
// portal like uploaded ones, and refuse uploads.
func TestFedResources(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startInbox(t, e) // one case of TST-0009, decided in 440106, applied after the demo was seeded
			ctx := n.ctx

			// The demo's case-statistics resource of the province's bureau: refreshed now, it counts the new case.
			cases := resourceByCode(t, n.Node, "GD-DATA/0101")
			cdo := n.Client(t)
			cdo.Login("cdo", "digigov2026")
			page := cdo.Get("/workbench/data/resources/" + string(cases.ID))
			if !strings.Contains(page.Doc.Find("#feed").Text(), "办件统计") || page.Doc.Find("#load-form").Length() != 0 {
				t.Fatalf("fed resource page: feed %q, upload form %d", page.Doc.Find("#feed").Text(), page.Doc.Find("#load-form").Length())
			}
			r := cdo.Post("/workbench/data/resources/"+string(cases.ID)+"/refresh", url.Values{})
			if r.StatusCode != http.StatusOK {
				t.Fatalf("refresh: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			rows, err := n.App.DataShare.Preview(ctx, n.Caller(t, "cdo"), cases.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			var found datashare.Row
			for _, row := range rows {
				if row["item_code"] == "TST-0009" {
					found = row
				}
			}
			if found == nil || found["submitted"] != "1" || found["region_code"] != "440106" || !strings.HasPrefix(found["month"], "20") {
				t.Fatalf("case statistics after refresh: %v", rows)
			}
			if r := upload(t, cdo, n.Node, cases, "rows.csv", "month\n2026-01\n"); r.StatusCode != http.StatusConflict {
				t.Fatalf("upload to a fed resource: %d", r.StatusCode)
			}
			// Another body's CDO may not refresh it.
			gz := n.Client(t)
			gz.Login("cdo_gz", "digigov2026")
			if r := gz.Post("/workbench/data/resources/"+string(cases.ID)+"/refresh", url.Values{}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another CDO refreshes: %d", r.StatusCode)
			}

			// 广州市人社局's CDO registers event statistics on the form: no fields to type.
			gz.Get("/workbench/data/resources/new")
			r = gz.Post("/workbench/data/resources", url.Values{"feed": {"event_stats"}, "code": {"4401-HRSS/0101"}, "name": {"广州市城市运行事件统计"},
				"classification": {"thematic"}, "update_frequency": {"daily"}, "format": {"table"}, "share_class": {"open"}, "open_class": {"open"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("register fed resource: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			events := resourceByCode(t, n.Node, "4401-HRSS/0101")
			if events.RowCount == 0 || events.SourceSystem != "digigov" || len(events.Fields) != 5 {
				t.Fatalf("event statistics: %d rows, source %q, %d fields", events.RowCount, events.SourceSystem, len(events.Fields))
			}
			if r := gz.Post("/workbench/data/resources", url.Values{"feed": {"weather"}, "code": {"4401-HRSS/0102"}, "name": {"x"},
				"classification": {"thematic"}, "update_frequency": {"daily"}, "format": {"table"}, "share_class": {"open"}, "open_class": {"open"}}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
				t.Fatalf("unknown feed: %d", r.StatusCode)
			}

			// Shared through the exchange: the province asks (无条件共享: approved at once) and calls.
			q, err := n.App.DataShare.Ask(ctx, n.Caller(t, "cdo"), datashare.RequestInput{ResourceID: events.ID, Purpose: "全省事件态势分析",
				LegalBasis: "《广东省公共数据管理办法》", Fields: []string{"day", "category", "region_code", "reported"}, Days: 30})
			if err != nil {
				t.Fatal(err)
			}
			_, secret, err := n.App.DataShare.Deliver(ctx, n.Caller(t, "cdo"), q.ID)
			if err != nil {
				t.Fatal(err)
			}
			resp, body, _ := exchange(t, n.Node, secret, "/exchange/v1/resources/"+url.PathEscape(events.Code)+"/rows")
			if resp.StatusCode != 200 || !strings.Contains(string(dataJSON(body["data"])), "440106") || strings.Contains(string(dataJSON(body["data"])), "closed") {
				t.Fatalf("exchange of event statistics: %d %v", resp.StatusCode, body)
			}

			// Opened on the portal like any resource.
			gz.Get("/workbench/data/resources/" + string(events.ID))
			if r := gz.Post("/workbench/data/resources/"+string(events.ID)+"/publish", url.Values{"theme": {"safety"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", r.StatusCode)
			}
			d, err := n.App.OpenData.Dataset(ctx, "4401-hrss-0101")
			if err != nil {
				t.Fatal(err)
			}
			csv := n.Client(t).Get("/opendata/datasets/4401-hrss-0101/resources/" + string(d.Resources[0].ID) + "/download")
			if csv.StatusCode != 200 || !strings.Contains(csv.Body, "day,category,region_code,reported,closed") || !strings.Contains(csv.Body, "440106") {
				t.Fatalf("portal download: %d %q", csv.StatusCode, csv.Body)
			}

			// The periodic job refreshes every fed resource.
			if k, err := n.App.DataShare.RefreshFeeds(ctx); err != nil || k != 2 {
				t.Fatalf("periodic refresh: %d %v", k, err)
			}
		})
	}
}
