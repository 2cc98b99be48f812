package sensing_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// A station's name, region, coordinates and metrics change within the
// manager's scope, are stored, and are audited; outside it, not found.
func TestUpdateStation(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			e := start(t, engine)
			duty := e.n.Caller(t, "duty") // 广州
			ss := e.n.App.Sensing
			if _, err := ss.CreateStation(e.ctx, duty, sensing.NewStation{Code: "GZ-TEST-1", Name: "测试站", Region: "440106",
				Lat: 23.1, Lon: 113.3, Metrics: []string{"rainfall", "rainfall"}}); errs.As(err) == nil || errs.As(err).Fields["metrics"] == "" {
				t.Errorf("a repeated metric: %v", err)
			}
			if _, err := ss.CreateStation(e.ctx, duty, sensing.NewStation{Code: "GZ-TEST-1", Name: "测试站", Region: "440106",
				Lat: 23.1, Lon: 113.3, Metrics: []string{"rainfall"}}); err != nil {
				t.Fatal(err)
			}
			in := sensing.NewStation{Name: "天河测试站", Region: "440106006", Lat: 23.2, Lon: 113.4, Metrics: []string{"rainfall", "river_level"}}
			if _, err := ss.UpdateStation(e.ctx, duty, "GZ-TEST-1", in); err != nil {
				t.Fatal(err)
			}
			st, err := e.n.App.Store.StationByCode(e.ctx, "GZ-TEST-1")
			if err != nil || st.Name != "天河测试站" || st.Region != "440106006" || st.Lat != 23.2 || len(st.Metrics) != 2 || st.Metrics[1] != "river_level" {
				t.Fatalf("stored: %+v, %v", st, err)
			}
			out := in
			out.Region = "440304"
			if _, err := ss.UpdateStation(e.ctx, duty, "GZ-TEST-1", out); errs.As(err) == nil || errs.As(err).Fields["region"] == "" {
				t.Errorf("moving it to 深圳: %v, want a region field error", err)
			}
			sz := e.n.Caller(t, "counter_sz")
			if _, err := ss.UpdateStation(e.ctx, sz, "GZ-TEST-1", in); !errs.Is(err, errs.NotFound) {
				t.Errorf("changed by 深圳 counter staff: %v, want not found", err)
			}
			if _, err := ss.UpdateStation(e.ctx, duty, "NO-SUCH", in); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown station: %v", err)
			}
		})
	}
}

// A station that declares what it measures gets only those indicators: a
// reading of another one is rejected in the batch report while the good
// line of the same batch is kept.
func TestIngestHonoursStationMetrics(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			e := start(t, engine)
			duty := e.n.Caller(t, "duty") // 广州
			if _, err := e.n.App.Sensing.CreateStation(e.ctx, duty, sensing.NewStation{Code: "GZ-RAIN-ONLY", Name: "五山雨量站",
				Region: "440106", Lat: 23.1, Lon: 113.3, Metrics: []string{"rainfall"}}); err != nil {
				t.Fatal(err)
			}
			now := time.Now().Unix()
			lines := []sensing.Input{in("GZ-RAIN-ONLY", "rainfall", now, 12.5), in("GZ-RAIN-ONLY", "aqi", now, 61)}
			for i := range lines {
				lines[i].Line = i + 1
			}
			rep, err := e.n.App.Sensing.Ingest(e.ctx, duty, lines, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != 1 || len(rep.Rejected) != 1 || rep.Rejected[0].Line != 2 || rep.Rejected[0].Reason != "sensing.metric_not_measured" {
				t.Fatalf("report %+v: want the rainfall kept and the aqi line rejected as not measured", rep)
			}
		})
	}
}
