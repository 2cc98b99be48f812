package emergency_test

import (
	"testing"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

// An unknown but well-formed region code is a field error, not a new place.
func TestDeclareUnknownRegion(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	for _, code := range []string{"449999", "4401990", "9"} {
		_, err := e.em.Declare(e.ctx, e.duty, typhoon(code))
		if x := errs.As(err); x == nil || x.Fields["region"] == "" {
			t.Errorf("region %q: %v, want a region field error", code, err)
		}
	}
}

// An event is linked to an incident once; both sides list the link, and
// only to those who may read them.
func TestLinkEventToIncident(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			e := start(t, engine)
			inc := e.declare(typhoon("440106"))
			grid := e.n.Caller(t, "grid")
			ev, _, err := e.n.App.Governance.Report(e.ctx, grid, governance.Input{Source: governance.SourceGrid, Category: "1001",
				Description: "石牌东路积水齐膝，车辆无法通行", Region: "440106006002"})
			if err != nil {
				t.Fatal(err)
			}
			l, err := e.em.LinkEvent(e.ctx, e.duty, inc.ID, ev.ID)
			if err != nil || l.EventNumber != ev.Number || l.Region != ev.Region {
				t.Fatalf("link: %+v, %v", l, err)
			}
			if _, err := e.em.LinkEvent(e.ctx, e.duty, inc.ID, ev.ID); !errs.Is(err, errs.Conflict) {
				t.Errorf("second link: %v, want conflict", err)
			}
			if _, err := e.em.LinkEvent(e.ctx, e.duty, inc.ID, ids.New()); errs.As(err) == nil || errs.As(err).Fields["event"] == "" {
				t.Errorf("unknown event: %v, want an event field error", err)
			}
			outsider := &identity.Caller{UserID: ids.New(), Name: "深圳值班员", Kind: identity.KindStaff,
				Grants: []identity.Grant{{Role: identity.RoleDutyOfficer, Scope: region.Code("4403")}}}
			if _, err := e.em.LinkEvent(e.ctx, outsider, inc.ID, ev.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("link from outside the scope: %v, want not found", err)
			}
			got, err := e.em.LinkedEvents(e.ctx, e.duty, inc.ID)
			if err != nil || len(got) != 1 || got[0].EventID != ev.ID {
				t.Errorf("linked events: %+v, %v", got, err)
			}
			back, err := e.em.EventIncidents(e.ctx, e.duty, ev.ID)
			if err != nil || len(back) != 1 || back[0].IncidentTitle != inc.Title || back[0].IncidentState != emergency.Declared {
				t.Errorf("event's incidents: %+v, %v", back, err)
			}
			if back, _ := e.em.EventIncidents(e.ctx, outsider, ev.ID); len(back) != 0 {
				t.Errorf("an outsider sees the link: %+v", back)
			}
			if _, err := e.em.LinkedEvents(e.ctx, outsider, inc.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("an outsider reads the incident's events: %v", err)
			}
			b, err := e.em.Board(e.ctx, e.duty, inc.ID)
			if err != nil || b.Entries[0].Kind != "event_linked" || b.Entries[0].Text != ev.Number {
				t.Errorf("timeline: %+v, %v", b.Entries, err)
			}
		})
	}
}
