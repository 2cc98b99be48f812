package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestExternalIDRetry: a system's retry of a report returns the event
// the first one made, unchanged and without a second history; the same
// external ID from another source is another event; one held by an event
// the caller cannot see is refused.
func TestExternalIDRetry(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			in := governance.Input{Source: governance.SourceAPI, ExternalID: "CGXT-2026-000417", Category: "0104",
				Description: "城管系统转来：石牌东路楼顶广告牌未审批", Region: "440106006002"}
			first, out, err := v.gov.Report(v.ctx, v.as("duty"), in)
			if err != nil || out.Existing {
				t.Fatalf("first report: %v %+v", err, out)
			}
			v.run(first.ID, []step{{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted}})
			again, out, err := v.gov.Report(v.ctx, v.as("duty"), in)
			if err != nil || !out.Existing || again.ID != first.ID || again.State != governance.Accepted || again.Number != first.Number {
				t.Fatalf("retry: %v %+v %v", err, out, again)
			}
			_, steps, _ := v.gov.Get(v.ctx, v.as("dispatch"), first.ID)
			if len(steps) != 2 {
				t.Errorf("the retry wrote steps: %d", len(steps))
			}
			var n int
			if err := v.n.App.DB.QueryRow(v.ctx, `SELECT COUNT(*) FROM gov_events WHERE external_id = ?`, in.ExternalID).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d events with the external ID (%v)", n, err)
			}

			// Another source's ID space is its own.
			sensor := in
			sensor.Source = governance.SourceSensor
			other, out, err := v.gov.Report(v.ctx, v.as("duty"), sensor)
			if err != nil || out.Existing || other.ID == first.ID {
				t.Fatalf("same ID, another source: %v %+v", err, out)
			}

			// An account that cannot see the event holding the ID is refused, not shown it.
			v.staff("yx_hotline", identity.RoleHotlineOperator, "广州市12345政务服务便民热线", "440104")
			far := in
			far.Region = "440104"
			_, _, err = v.gov.Report(v.ctx, v.as("yx_hotline"), far)
			if e := errs.As(err); e == nil || e.Fields["external_id"] != "event.external_id_taken" {
				t.Fatalf("someone else's external ID: %v", err)
			}
		})
	}
}
