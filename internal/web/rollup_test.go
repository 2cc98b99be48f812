package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The cockpit drilled to a county (天河 440106) or a town (五山街道
// 440106001) shows the trend of the last hour by minute: a rainfall
// reading sent now appears in the current minute's point, on the page and
// in the API's summary.
func TestCockpitMinuteTrendAtCountyAndTown(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	now := time.Now().Unix()
	body := fmt.Sprintf(`{"station":"GZ-TH-RAIN-01","metric":"rainfall","ts":%d,"value":66.5}`+"\n", now)
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/sensing/readings", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+n.Token(t, "duty"))
	req.Header.Set("Content-Type", "application/x-ndjson")
	if r := n.Client(t).Do(req); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"accepted":1`) {
		t.Fatalf("ingest: %d %s", r.StatusCode, r.Body)
	}
	minute := now - now%60

	type point struct {
		T int64    `json:"t"`
		V *float64 `json:"v"`
	}
	type summary struct {
		Region string  `json:"region"`
		Trend  []point `json:"trend"`
	}
	check := func(where string, s summary, region string) {
		t.Helper()
		if s.Region != region || len(s.Trend) != 60 {
			t.Fatalf("%s: region %q, %d trend points, want %s by minute over an hour", where, s.Region, len(s.Trend), region)
		}
		last := s.Trend[len(s.Trend)-1]
		// Rainfall is the worst station's: 66.5 is far above the demo's.
		if last.T != minute || last.V == nil || *last.V != 66.5 {
			t.Errorf("%s: current minute %+v, want t=%d v=66.5", where, last, minute)
		}
	}
	c := n.Client(t)
	c.Login("leader", app.DemoPassword)
	api := n.Client(t)
	leader := n.Token(t, "leader")
	for _, region := range []string{"440106", "440106001"} {
		r := c.Get("/cockpit?region=" + region + "&metric=rainfall")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("cockpit %s: %d", region, r.StatusCode)
		}
		var page struct {
			Sensing summary `json:"sensing"`
		}
		if err := json.Unmarshal([]byte(r.Doc.Find("#cockpit").AttrOr("data-summary", "")), &page); err != nil {
			t.Fatalf("cockpit %s: data-summary: %v", region, err)
		}
		check("page "+region, page.Sensing, region)

		r = api.Get("/api/v1/sensing/summary?region="+region+"&metric=rainfall", "Authorization", "Bearer "+leader)
		var viaAPI summary
		if r.StatusCode != http.StatusOK || json.Unmarshal([]byte(r.Body), &viaAPI) != nil {
			t.Fatalf("API summary %s: %d %s", region, r.StatusCode, r.Body)
		}
		check("API "+region, viaAPI, region)
	}
}
