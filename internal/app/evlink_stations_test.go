package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// Two instances on one database: a station edited on A (a metric declared,
// moved to another district) reaches B's ingestion within
// sensing.StationRecheck, without a restart. B had the station cached
// before the edit (it took readings from it).
func TestStationEditReachesOtherInstance(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			a := apptest.Start(t, eng)
			b := a.Peer(t)
			ctx := context.Background()
			at := time.Now().Unix() - 3600
			read := func(n *apptest.Node, metric string, v float64) *sensing.Report {
				t.Helper()
				at++
				rep, err := n.App.Sensing.IngestAs(ctx, audit.System("test"), []sensing.Input{{Line: 1, Station: "GZ-TH-AQ-01",
					Metric: metric, Time: sensing.Time(at), Value: &v}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return rep
			}
			// B takes the station into its cache: AQI is measured there,
			// rainfall is not declared.
			if rep := read(b, "aqi", 40); rep.Accepted != 1 {
				t.Fatalf("B, aqi before the edit: %+v", rep)
			}
			if rep := read(b, "rainfall", 3); rep.Accepted != 0 || rep.Rejected[0].Reason != "sensing.metric_not_measured" {
				t.Fatalf("B, rainfall before the edit: %+v", rep)
			}
			duty := b.Caller(t, "duty")
			if st, err := b.App.Sensing.Station(ctx, duty, "GZ-TH-AQ-01"); err != nil || st.Region != "440106" {
				t.Fatalf("B's station before: %+v %v", st, err)
			}

			// On A: declare rainfall and move the station to 越秀区.
			st, err := a.App.Sensing.Station(ctx, a.Caller(t, "duty"), "GZ-TH-AQ-01")
			if err != nil {
				t.Fatal(err)
			}
			edited := time.Now()
			if _, err := a.App.Sensing.UpdateStation(ctx, a.Caller(t, "duty"), st.Code, sensing.NewStation{Name: st.Name,
				Region: "440104", Lat: st.Lat, Lon: st.Lon, Metrics: append(slices.Clone(st.Metrics), "rainfall")}); err != nil {
				t.Fatal(err)
			}

			// B accepts rainfall within the bound (plus slack for a loaded
			// machine), and has the station in its new district.
			bound := sensing.StationRecheck + 2*time.Second
			var seen time.Duration
			for {
				if rep := read(b, "rainfall", 3); rep.Accepted == 1 {
					seen = time.Since(edited)
					break
				}
				if time.Since(edited) > bound {
					t.Fatalf("B still refuses rainfall %s after the edit on A", time.Since(edited).Round(time.Millisecond))
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Logf("B saw the edit after %s", seen.Round(time.Millisecond))
			got, err := b.App.Sensing.Station(ctx, duty, "GZ-TH-AQ-01")
			if err != nil || got.Region != "440104" || !slices.Contains(got.Rollup, region.Code("440104")) ||
				slices.Contains(got.Rollup, region.Code("440106")) {
				t.Errorf("B's station after: %+v %v, want it in 440104", got, err)
			}

			// Disabled on A: A refuses its readings at once, B within the bound.
			if _, err := a.App.Sensing.UpdateStation(ctx, a.Caller(t, "duty"), st.Code, sensing.NewStation{Name: st.Name,
				Region: "440104", Lat: st.Lat, Lon: st.Lon, Metrics: got.Metrics, Disabled: true}); err != nil {
				t.Fatal(err)
			}
			disabled := time.Now()
			if rep := read(a, "aqi", 41); rep.Accepted != 0 || rep.Rejected[0].Reason != "sensing.station_disabled" {
				t.Errorf("A after disabling: %+v", rep)
			}
			for {
				rep := read(b, "aqi", 41)
				if rep.Accepted == 0 && rep.Rejected[0].Reason == "sensing.station_disabled" {
					break
				}
				if time.Since(disabled) > bound {
					t.Fatalf("B still takes the disabled station's readings %s after", time.Since(disabled).Round(time.Millisecond))
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
