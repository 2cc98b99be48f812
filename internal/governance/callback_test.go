package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCallbacksDue: the hotline's call-backs due are its closed, unrated
// tickets, selected in SQL on both engines; the audited reveal of the
// caller's phone is the hotline's alone, and only after closure.
func TestCallbacksDue(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			hot := v.as("hotline")
			answered := func(phone string) *governance.Event {
				e, _, err := v.gov.Report(v.ctx, hot, governance.Input{Source: governance.SourceHotline, Category: "0401",
					Description: "来电咨询噪声投诉渠道", Region: "440106006004", Phone: phone, Answer: "已告知投诉渠道"})
				if err != nil {
					t.Fatal(err)
				}
				return e
			}
			a, b := answered("13900001111"), answered("")
			grid, _ := v.report("grid", noiseReport()) // closed later: not a hotline ticket
			v.run(grid.ID, []step{{by: "dispatch", act: act(governance.ActReject, "不属于职责范围"), state: governance.Rejected}})
			due := func() []governance.Event {
				list, err := v.gov.List(v.ctx, hot, governance.Query{CallbacksDue: true, Order: governance.ByClosed, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				return list
			}
			if got := due(); len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
				t.Fatalf("due: %d", len(got))
			}
			v.run(a.ID, []step{{by: "hotline", act: governance.Act{Action: governance.ActCallback, Rating: 4}, state: governance.Closed}})
			if got := due(); len(got) != 1 || got[0].ID != b.ID {
				t.Fatalf("due after a call-back: %d", len(got))
			}

			ph, err := v.gov.RevealPhone(v.ctx, hot, a.ID)
			if err != nil || ph.Clear() != "13900001111" {
				t.Fatalf("reveal: %q %v", ph, err)
			}
			if _, err := v.gov.RevealPhone(v.ctx, hot, b.ID); !errs.Is(err, errs.Invalid) {
				t.Errorf("reveal without a phone: %v", err)
			}
			if _, err := v.gov.RevealPhone(v.ctx, v.as("dispatch"), a.ID); !errs.Is(err, errs.Forbidden) {
				t.Errorf("the dispatcher reveals: %v", err)
			}
			if _, err := v.gov.RevealPhone(v.ctx, v.as("counter_sz"), a.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("深圳 counter reveals: %v", err)
			}
			list, err := v.n.App.Audit.Entries(v.ctx, audit.Filter{Action: "event.phone_reveal", RegionWithin: []string{"44"}})
			if err != nil || len(list) != 1 || list[0].TargetID != string(a.ID) {
				t.Fatalf("audit: %d %v", len(list), err)
			}
		})
	}
}
