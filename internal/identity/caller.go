package identity

import (
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Kind is the kind of account.
type Kind string

const (
	KindPerson     Kind = "person"     // a citizen, acting for themselves
	KindEnterprise Kind = "enterprise" // an agent acting for an enterprise
	KindStaff      Kind = "staff"      // a civil servant, acting through grants
	KindSystem     Kind = "system"     // another system, through an API token
)

// Grant gives an account a role over a region scope: the scope's region
// and everything below it. Staff hold grants in an organisation (stored,
// given by administrators); an enterprise agent holds one grant, built
// with the caller (AgentGrant): 企业经办人 over its enterprise's region.
type Grant struct {
	Role  Role
	OrgID ids.ID
	Scope region.Code
}

// Caller is who is making a request. The zero Caller (or nil) is anonymous.
type Caller struct {
	UserID       ids.ID
	Username     string
	Name         string
	Kind         Kind
	PersonID     ids.ID // persons and enterprise agents
	EnterpriseID ids.ID // enterprise agents
	OrgID        ids.ID // staff
	Grants       []Grant
	Locale       string
	Elderly      bool
}

// Anonymous reports whether c is not signed in.
func (c *Caller) Anonymous() bool { return c == nil || c.UserID == "" }

// AuditActor implements audit.Actor.
func (c *Caller) AuditActor() (string, string) {
	if c.Anonymous() {
		return "anonymous", "anonymous"
	}
	return string(c.UserID), c.Name
}

// Roles lists the caller's roles, without repeats: citizen or enterprise
// agent for those kinds, the grants' roles for staff.
func (c *Caller) Roles() []Role {
	if c.Anonymous() {
		return nil
	}
	switch c.Kind {
	case KindPerson:
		return []Role{RoleCitizen}
	case KindEnterprise:
		return []Role{RoleEnterpriseAgent}
	}
	var out []Role
	seen := map[Role]bool{}
	for _, g := range c.Grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			out = append(out, g.Role)
		}
	}
	return out
}

// HasRole reports whether the caller holds r (anywhere).
func (c *Caller) HasRole(r Role) bool {
	for _, have := range c.Roles() {
		if have == r {
			return true
		}
	}
	return false
}

// Face is where the caller lands after signing in: the portal for persons
// and enterprises, the cockpit for leaders, the workbench for other staff.
func (c *Caller) Face() Face {
	switch {
	case c.Anonymous(), c.Kind == KindPerson, c.Kind == KindEnterprise:
		return FacePortal
	case c.HasRole(RoleLeader):
		return FaceCockpit
	}
	return FaceWorkbench
}

// AgentGrant is the grant of an enterprise's agent: the role
// RoleEnterpriseAgent (market.order: acting for the enterprise) over the
// enterprise's registered region ("" if it has none). Actions for one's
// own enterprise are not tied to a region — the market authorizes them
// with the empty target, and the service checks that the enterprise is the
// caller's own — so the scope only says where the enterprise is.
func AgentGrant(e *Enterprise) Grant {
	return Grant{Role: RoleEnterpriseAgent, Scope: e.Region}
}

// Scopes returns the region scopes in which the caller holds p: those of
// its grants whose role carries p.
func (c *Caller) Scopes(p Permission) []region.Code {
	if c.Anonymous() {
		return nil
	}
	var out []region.Code
	for _, g := range c.Grants {
		if g.Role.Allows(p) {
			out = append(out, g.Scope)
		}
	}
	return out
}

// Authorize is the one authorization check every service calls. It answers
// whether c may exercise p on something in region target:
//
//   - anonymous callers get errs.Unauthenticated;
//   - with target == "" (an action not tied to a region, such as opening
//     the workbench) a caller holding p anywhere passes, others get
//     errs.Forbidden;
//   - with a target, a caller passes when one of its grants carries p and
//     its scope covers target (equal or above it). Everyone else gets
//     errs.NotFound, so that a caller cannot learn whether a record outside
//     their scope exists.
func Authorize(c *Caller, p Permission, target region.Code) error {
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	scopes := c.Scopes(p)
	if target == "" {
		if len(scopes) > 0 {
			return nil
		}
		return errs.E(errs.Forbidden, "auth.forbidden")
	}
	for _, s := range scopes {
		if region.Within(target, s) {
			return nil
		}
	}
	return errs.E(errs.NotFound, "not_found")
}
