package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// Routing rules are read and kept within one's region scope: a rule of
// another region is not found, for reading, changing and deleting alike.
func TestRoutingRulesScope(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			th := v.staff("rules_th", identity.RoleDispatcher, "广州市天河区城市运行管理中心", "440106")
			sz := v.staff("rules_sz", identity.RoleDispatcher, "深圳市市场监督管理局", "4403")
			mine, err := v.gov.CreateRule(v.ctx, th, governance.RuleInput{Category: "01", Region: "440106006",
				Department: "urban_management", Level: 5, Auto: true})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := v.gov.CreateRule(v.ctx, sz, governance.RuleInput{Category: "0801", Region: "440304",
				Department: "market_regulation", Level: 3})
			if err != nil {
				t.Fatal(err)
			}
			list, err := v.gov.Rules(v.ctx, th)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range list {
				if r.ID == theirs.ID {
					t.Error("天河's dispatcher lists a 深圳 rule")
				}
			}
			if len(list) == 0 || list[len(list)-1].ID != mine.ID && list[0].ID != mine.ID {
				t.Errorf("own rule not listed: %+v", list)
			}
			if _, err := v.gov.Rule(v.ctx, th, theirs.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("reading another region's rule: %v, want not found", err)
			}
			in := governance.RuleInput{Category: "0801", Region: "440106", Department: "market_regulation", Level: 3}
			if _, err := v.gov.UpdateRule(v.ctx, th, theirs.ID, in); !errs.Is(err, errs.NotFound) {
				t.Errorf("changing another region's rule: %v, want not found", err)
			}
			if err := v.gov.DeleteRule(v.ctx, th, theirs.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("deleting another region's rule: %v, want not found", err)
			}
			// Moving one's own rule out of one's scope is a field error.
			out := governance.RuleInput{Category: "01", Region: "440304", Department: "urban_management", Level: 5}
			if e := errs.As(func() error { _, err := v.gov.UpdateRule(v.ctx, th, mine.ID, out); return err }()); e == nil ||
				e.Fields["region"] != "event.region_outside_scope" {
				t.Errorf("moving a rule out of scope: %v", e)
			}
			// A change takes effect for the next report: no longer automatic.
			in = governance.RuleInput{Category: "01", Region: "440106006", Department: "urban_management", Level: 5, Auto: false}
			got, err := v.gov.UpdateRule(v.ctx, th, mine.ID, in)
			if err != nil || got.Auto || got.UpdatedBy != th.Name || got.UpdatedAt.IsZero() {
				t.Fatalf("update: %+v, %v", got, err)
			}
			e, oc := v.report("grid", governance.Input{Category: "0102", Description: "东城社区菜市场门口流动摊贩占道经营",
				Region: "440106006002"})
			if oc.AutoRouted || e.State != governance.Reported {
				t.Errorf("after switching auto off: auto %v, state %s", oc.AutoRouted, e.State)
			}
			if err := v.gov.DeleteRule(v.ctx, th, mine.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := v.gov.Rule(v.ctx, th, mine.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("deleted rule: %v", err)
			}
		})
	}
}
