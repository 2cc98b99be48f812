package web_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestEnterpriseAgentGrant: the caller of an enterprise agent, as signing
// in and API tokens build it, carries the agent's grant — 企业经办人 over
// the enterprise's registered region — which /api/v1/me lists, and through
// which the agent may order on the market; a citizen holds no such grant.
func TestEnterpriseAgentGrant(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	agent := n.Caller(t, "enterprise")
	ent, err := n.App.Store.Enterprise(ctx, agent.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(agent.Grants) != 1 || agent.Grants[0] != identity.AgentGrant(ent) || agent.Grants[0].Scope == "" {
		t.Fatalf("the agent's grants = %+v, want 企业经办人 over %s", agent.Grants, ent.Region)
	}
	if err := identity.Authorize(agent, identity.PermMarketOrder, ""); err != nil {
		t.Errorf("the agent may not order: %v", err)
	}
	if err := identity.Authorize(n.Caller(t, "citizen"), identity.PermMarketOrder, ""); err == nil {
		t.Errorf("a citizen may order for an enterprise")
	}

	r := n.Client(t).Get("/api/v1/me", "Authorization", "Bearer "+n.Token(t, "enterprise"))
	var me struct {
		Kind   string
		Grants []struct {
			Role      string `json:"role"`
			Scope     string `json:"scope"`
			ScopeName string `json:"scope_name"`
		} `json:"grants"`
	}
	if err := json.Unmarshal([]byte(r.Body), &me); err != nil {
		t.Fatalf("/api/v1/me: %d %v", r.StatusCode, err)
	}
	if me.Kind != "enterprise" || len(me.Grants) != 1 || me.Grants[0].Role != "enterprise_agent" || me.Grants[0].Scope != string(ent.Region) || me.Grants[0].ScopeName == "" {
		t.Errorf("/api/v1/me of the agent = %+v", me)
	}
}
