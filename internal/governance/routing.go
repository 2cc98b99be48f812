package governance

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Rule is a routing rule (智能分拨): events of a category (a leaf, or a
// group for all its leaves) within a region go to a department type at a
// level, automatically when Auto is set. The most specific rule wins: the
// deepest region first, then a leaf over a group. Without a rule, the
// category's own department, level and Auto flag apply.
type Rule struct {
	ID         ids.ID
	Category   string
	Region     region.Code
	Department string
	Level      region.Level
	Auto       bool
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedBy  string    // "" until changed
	UpdatedAt  time.Time // zero until changed
}

// Route is where routing sends an event.
type Route struct {
	RuleID     ids.ID // "" for the category's default
	Department string
	Level      region.Level
	Auto       bool
}

// rulesTTL bounds how stale the cached rules may be: a rule changed on
// another instance takes effect here within it.
const rulesTTL = 5 * time.Second

type ruleCache struct {
	mu    sync.Mutex
	rules []Rule
	at    time.Time
}

func (s *Service) cache() *ruleCache { return &s.rc }

// rules returns the rules, from the cache when fresh.
func (s *Service) rules(ctx context.Context) ([]Rule, error) {
	c := s.cache()
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.now()
	if !c.at.IsZero() && now.Sub(c.at) < rulesTTL && now.After(c.at) {
		return c.rules, nil
	}
	list, err := s.store.EventRules(ctx)
	if err != nil {
		return nil, err
	}
	c.rules, c.at = list, now
	return list, nil
}

func (s *Service) forgetRules() {
	c := s.cache()
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// route finds where an event of category cat in reg goes. A failure to
// read the rules falls back to the category's default (and no automatic
// dispatch), so a report is never lost to it.
func (s *Service) route(ctx context.Context, cat string, reg region.Code) Route {
	c, _ := CategoryOf(cat)
	def := Route{Department: c.Department, Level: c.Level, Auto: c.Auto}
	list, err := s.rules(ctx)
	if err != nil {
		def.Auto = false
		return def
	}
	return match(list, cat, reg, def)
}

func match(list []Rule, cat string, reg region.Code, def Route) Route {
	best, score := def, -1
	for _, r := range list {
		if (r.Category != cat && r.Category != cat[:2]) || !region.Within(reg, r.Region) {
			continue
		}
		sc := 2 * len(r.Region)
		if r.Category == cat {
			sc++
		}
		if sc > score {
			best, score = Route{RuleID: r.ID, Department: r.Department, Level: r.Level, Auto: r.Auto}, sc
		}
	}
	return best
}

// ruleScopes are the regions whose routing rules by may read: those of
// event.rules and event.dispatch.
func ruleScopes(by *identity.Caller) []region.Code {
	return append(by.Scopes(identity.PermEventRules), by.Scopes(identity.PermEventDispatch)...)
}

func inScopes(c region.Code, scopes []region.Code) bool {
	for _, sc := range scopes {
		if region.Within(c, sc) {
			return true
		}
	}
	return false
}

// Rules lists the routing rules over regions within by's scope to
// dispatchers and rule keepers, by category and region.
//
// Returns errs.Forbidden for callers with neither permission.
func (s *Service) Rules(ctx context.Context, by *identity.Caller) ([]Rule, error) {
	if err := identity.Authorize(by, identity.PermEventRules, ""); err != nil {
		if err2 := identity.Authorize(by, identity.PermEventDispatch, ""); err2 != nil {
			return nil, err
		}
	}
	all, err := s.store.EventRules(ctx)
	if err != nil {
		return nil, err
	}
	scopes := ruleScopes(by)
	var out []Rule
	for _, r := range all {
		if inScopes(r.Region, scopes) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Rule returns one routing rule within by's reading scope.
//
// Returns errs.NotFound ("event.rule_not_found") if there is none there.
func (s *Service) Rule(ctx context.Context, by *identity.Caller, id ids.ID) (*Rule, error) {
	list, err := s.Rules(ctx, by)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "event.rule_not_found")
}

// keptRule returns a rule by may change: within its event.rules scope.
func (s *Service) keptRule(ctx context.Context, by *identity.Caller, id ids.ID) (*Rule, error) {
	if err := identity.Authorize(by, identity.PermEventRules, ""); err != nil {
		return nil, err
	}
	list, err := s.store.EventRules(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id && identity.Authorize(by, identity.PermEventRules, list[i].Region) == nil {
			return &list[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "event.rule_not_found")
}

// RuleInput is a new routing rule.
type RuleInput struct {
	Category   string
	Region     string
	Department string
	Level      int
	Auto       bool
}

// check validates in into r, with a region within by's event.rules scope.
func (s *Service) checkRule(by *identity.Caller, in RuleInput, r *Rule) error {
	fe := map[string]string{}
	r.Category, r.Department = strings.TrimSpace(in.Category), strings.TrimSpace(in.Department)
	r.Level, r.Auto = region.Level(in.Level), in.Auto
	if _, ok := CategoryOf(r.Category); !ok {
		fe["category"] = "event.category_unknown"
	}
	code, err := s.regions.Normalize(in.Region)
	if _, known := s.regions.Lookup(code); err != nil || !known {
		fe["region"] = "region.unknown"
	} else if identity.Authorize(by, identity.PermEventRules, code) != nil {
		fe["region"] = "event.region_outside_scope"
	}
	r.Region = code
	if _, ok := Departments[r.Department]; !ok {
		fe["department"] = "event.department_unknown"
	}
	if r.Level < region.Province || r.Level > region.Village {
		fe["level"] = "event.level_invalid"
	}
	if len(fe) > 0 {
		return errs.Fields(fe)
	}
	return nil
}

// ruleDetail is what the audit log keeps of a rule.
func ruleDetail(r *Rule) map[string]any {
	return map[string]any{"category": r.Category, "region": r.Region, "department": r.Department, "level": int(r.Level), "auto": r.Auto}
}

// CreateRule adds a routing rule over a region within by's event.rules
// scope, and publishes events.rule_created.
//
// Returns errs.Forbidden without event.rules, errs.Invalid with every bad
// field (a region outside by's scope is one).
func (s *Service) CreateRule(ctx context.Context, by *identity.Caller, in RuleInput) (*Rule, error) {
	if err := identity.Authorize(by, identity.PermEventRules, ""); err != nil {
		return nil, err
	}
	r := &Rule{ID: ids.New(), CreatedBy: by.Name, CreatedAt: s.clock()}
	if err := s.checkRule(by, in, r); err != nil {
		return nil, err
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateEventRule(ctx, r); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "event.rule_created", ruleTarget(r), ruleDetail(r)); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "events.rule_created", map[string]any{"id": r.ID, "category": r.Category, "region": r.Region}, r.CreatedAt)
	})
	if err != nil {
		return nil, err
	}
	s.forgetRules()
	return r, nil
}

func ruleTarget(r *Rule) audit.Target {
	return audit.Target{Type: "event_rule", ID: string(r.ID), Region: string(r.Region)}
}

// UpdateRule changes a routing rule within by's event.rules scope (its
// region may move, but only within that scope), and publishes
// events.rule_changed; the audit entry keeps the rule before and after.
//
// Returns errs.NotFound if there is no such rule within by's scope and
// errs.Invalid with every bad field.
func (s *Service) UpdateRule(ctx context.Context, by *identity.Caller, id ids.ID, in RuleInput) (*Rule, error) {
	old, err := s.keptRule(ctx, by, id)
	if err != nil {
		return nil, err
	}
	r := *old
	if err := s.checkRule(by, in, &r); err != nil {
		return nil, err
	}
	r.UpdatedBy, r.UpdatedAt = by.Name, s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateEventRule(ctx, &r); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "event.rule_changed", ruleTarget(&r),
			map[string]any{"before": ruleDetail(old), "after": ruleDetail(&r)}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "events.rule_changed", map[string]any{"id": r.ID, "category": r.Category, "region": r.Region}, r.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	s.forgetRules()
	return &r, nil
}

// DeleteRule removes a routing rule within by's event.rules scope.
//
// Returns errs.NotFound if there is no such rule within by's scope.
func (s *Service) DeleteRule(ctx context.Context, by *identity.Caller, id ids.ID) error {
	r, err := s.keptRule(ctx, by, id)
	if err != nil {
		return err
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteEventRule(ctx, id); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "event.rule_deleted", ruleTarget(r), ruleDetail(r)); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "events.rule_deleted", map[string]any{"id": r.ID}, s.clock())
	})
	s.forgetRules()
	return err
}
