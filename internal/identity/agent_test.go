package identity

import (
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
)

// TestAgentGrant: an enterprise agent holds market.order through its grant
// (AgentGrant), like any other role; without the grant — the caller of an
// account whose enterprise is gone, a hand-made caller — it holds nothing:
// Scopes has no special case for enterprises.
func TestAgentGrant(t *testing.T) {
	ent := &Enterprise{ID: "ent", Name: "广州数智科技有限公司", Region: "440106"}
	g := AgentGrant(ent)
	if g.Role != RoleEnterpriseAgent || g.Scope != "440106" {
		t.Fatalf("AgentGrant = %+v", g)
	}
	agent := &Caller{UserID: "u", Kind: KindEnterprise, EnterpriseID: "ent", Grants: []Grant{g}}
	if err := Authorize(agent, PermMarketOrder, ""); err != nil {
		t.Errorf("agent with its grant, market.order: %v", err)
	}
	if got := agent.Scopes(PermMarketOrder); len(got) != 1 || got[0] != "440106" {
		t.Errorf("agent's market.order scopes = %v", got)
	}
	if err := Authorize(agent, PermMarketList, ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("agent, market.list: %v, want forbidden", err)
	}
	if got := AgentGrant(&Enterprise{ID: "x"}).Scope; got != "" {
		t.Errorf("an enterprise without a region: scope %q, want empty", got)
	}
	bare := &Caller{UserID: "u", Kind: KindEnterprise, EnterpriseID: "ent"}
	if err := Authorize(bare, PermMarketOrder, ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("enterprise caller without a grant, market.order: %v, want forbidden", err)
	}
	person := &Caller{UserID: "p", Kind: KindPerson, PersonID: "p"}
	if err := Authorize(person, PermMarketOrder, ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a person, market.order: %v, want forbidden", err)
	}
}
