package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// An orange or red alert opens one event (预警联动): a rainstorm at 天河区
// 五山雨量站 becomes a 内涝积水 event of 天河区 with the alert as its
// external ID; its escalation to red opens no second one; a yellow alert
// opens none until it rises to orange.
func TestAlertsOpenEvents(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			ctx := context.Background()
			a := n.App
			at := time.Now().Unix()
			read := func(station, metric string, v float64) {
				t.Helper()
				at++ // one reading per station, metric and second
				rep, err := a.Sensing.IngestAs(ctx, audit.System("test"), []sensing.Input{{Line: 1, Station: station,
					Metric: metric, Time: sensing.Time(at), Value: &v}}, nil)
				if err != nil || rep.Accepted != 1 {
					t.Fatalf("reading %s %s %.0f: %+v %v", station, metric, v, rep, err)
				}
				if _, err := a.Jobs.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
			duty := n.Caller(t, "duty")
			sensorEvents := func(within region.Code, category string) []governance.Event {
				t.Helper()
				list, err := a.Governance.List(ctx, duty, governance.Query{Categories: []string{category}, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				var out []governance.Event
				for _, e := range list {
					if e.Source == governance.SourceSensor && region.Within(e.Region, within) {
						out = append(out, e)
					}
				}
				return out
			}
			// The demo's rainstorm raised an orange alert at 天河区五山雨量站:
			// delivering the outbox opens its event.
			if _, err := a.Jobs.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			rain := sensorEvents("440106", "1002")
			if len(rain) != 1 || rain[0].ExternalID == "" || rain[0].Region != "440106001" || rain[0].Urgency != governance.Urgent {
				t.Fatalf("after the demo's orange rain alert in 天河: %+v, want one urgent event of 440106001 with the alert's ID", rain)
			}
			read("GZ-TH-RAIN-01", "rainfall", 90) // the same alert rises to red
			if again := sensorEvents("440106", "1002"); len(again) != 1 {
				t.Fatalf("the alert's escalation to red opened another event: %d", len(again))
			}

			// Air at 天河体育中心: yellow opens nothing, its rise to orange
			// opens one 废气污染 event, red no second one.
			read("GZ-TH-AQ-01", "aqi", 160)
			if got := sensorEvents("440106", "0402"); len(got) != 0 {
				t.Fatalf("a yellow alert opened %d events", len(got))
			}
			read("GZ-TH-AQ-01", "aqi", 210)
			air := sensorEvents("440106", "0402")
			if len(air) != 1 || air[0].ExternalID == rain[0].ExternalID {
				t.Fatalf("after the air alert rose to orange: %+v, want one event of its own", air)
			}
			read("GZ-TH-AQ-01", "aqi", 320)
			if again := sensorEvents("440106", "0402"); len(again) != 1 {
				t.Fatalf("the air alert's rise to red opened another event: %d", len(again))
			}
		})
	}
}
