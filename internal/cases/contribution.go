package cases

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Contribution is one authority's part in a case decided by another
// (多地联办): pending until it gives its opinion.
type Contribution struct {
	CaseID      ids.ID
	AuthorityID ids.ID
	Authority   string
	Region      region.Code
	Done        bool
	Opinion     string
	ActorName   string
	DoneAt      time.Time
}

// ContributionStore is the persistence of contributions.
type ContributionStore interface {
	AddContribution(ctx context.Context, c *Contribution) error
	Contributions(ctx context.Context, caseID ids.ID) ([]Contribution, error)
	// CompleteContribution records the opinion of a pending contribution;
	// errs.Conflict if it was already given.
	CompleteContribution(ctx context.Context, c *Contribution) error
	// PendingContributions lists the cases awaiting an opinion from one of
	// the authorities, oldest first.
	PendingContributions(ctx context.Context, authorities []ids.ID, limit int) ([]Case, error)
}

// contributors resolves the contributing authorities of an application:
// for each of the item's contributors, the department's body at its level
// for the region the form names. A region with no such body on this node
// (another province, before federation) refuses the application, as
// errs.Invalid naming the region field.
func (s *Service) contributors(ctx context.Context, it *catalog.Item, form Form, caseID ids.ID) ([]Contribution, error) {
	var out []Contribution
	bad := map[string]string{}
	for _, ct := range it.Contributors {
		code := region.Code(form[ct.RegionField])
		if code == "" { // the field is required: the form check names it
			bad[ct.RegionField] = "case.no_contributor"
			continue
		}
		org, err := s.id.AuthorityFor(ctx, ct.Department, regionLevel(ct.Level), code)
		if errs.Is(err, errs.NotFound) {
			bad[ct.RegionField] = "case.no_contributor"
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Contribution{CaseID: caseID, AuthorityID: org.ID, Authority: org.Name, Region: org.Region})
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return out, nil
}

// addContributions writes the contributions prepare resolved for a case
// being submitted, in the transaction of ctx.
func (s *Service) addContributions(ctx context.Context, c *Case) error {
	for i := range c.pending {
		if err := s.store.AddContribution(ctx, &c.pending[i]); err != nil {
			return err
		}
	}
	return nil
}

// Contribute records the opinion of a contributing authority. by must hold
// case_officer or department_head at that authority over its region.
// Returns errs.NotFound if by contributes nothing to the case or the case
// is closed (withdrawn, rejected), errs.Conflict if the opinion was already
// given.
func (s *Service) Contribute(ctx context.Context, by *identity.Caller, id ids.ID, opinion string) (*Contribution, error) {
	opinion = strings.TrimSpace(opinion)
	if opinion == "" || len([]rune(opinion)) > 2000 {
		return nil, errs.Fields(map[string]string{"opinion": "case.comment_required"})
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.Open() {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	list, err := s.store.Contributions(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, ct := range list {
		if !contributes(by, &ct) {
			continue
		}
		if ct.Done {
			return nil, errs.E(errs.Conflict, "case.contribution_given")
		}
		ct.Done, ct.Opinion, ct.DoneAt = true, opinion, s.now().UTC()
		_, ct.ActorName = by.AuditActor()
		c.UpdatedAt = ct.DoneAt
		err := s.tx.Transact(ctx, func(ctx context.Context) error {
			if err := s.store.CompleteContribution(ctx, &ct); err != nil {
				return err
			}
			// The case's version numbers its events, so the opinion is a
			// change of the case too.
			return s.save(ctx, by, c, &Event{Action: ActContribute, From: c.State, Comment: ct.Authority + "：" + opinion}, "")
		})
		if err != nil {
			return nil, err
		}
		return &ct, nil
	}
	return nil, errs.E(errs.NotFound, "not_found")
}

// contributes reports whether by acts for the contributing authority.
func contributes(by *identity.Caller, ct *Contribution) bool {
	for _, g := range by.Grants {
		if g.OrgID == ct.AuthorityID && (g.Role == identity.RoleCaseOfficer || g.Role == identity.RoleDepartmentHead) &&
			region.Within(ct.Region, g.Scope) {
			return true
		}
	}
	return false
}

// Contributions lists the contributions of c for someone who may read it,
// and reports whether by may give its authority's opinion now (the case is
// open and their authority's opinion pending).
func (s *Service) Contributions(ctx context.Context, by *identity.Caller, c *Case) ([]Contribution, bool, error) {
	list, err := s.store.Contributions(ctx, c.ID)
	if err != nil {
		return nil, false, err
	}
	if !s.canSee(by, c) && !anyContributes(by, list) {
		return nil, false, errs.E(errs.NotFound, "not_found")
	}
	may := false
	for i := range list {
		may = may || (c.Open() && !list[i].Done && contributes(by, &list[i]))
	}
	return list, may, nil
}

func anyContributes(by *identity.Caller, list []Contribution) bool {
	for i := range list {
		if contributes(by, &list[i]) {
			return true
		}
	}
	return false
}

// ContributionQueue lists the cases waiting for an opinion from the
// caller's authorities.
func (s *Service) ContributionQueue(ctx context.Context, by *identity.Caller, limit int) ([]Case, error) {
	var orgs []ids.ID
	for _, g := range by.Grants {
		if g.Role == identity.RoleCaseOfficer || g.Role == identity.RoleDepartmentHead {
			orgs = append(orgs, g.OrgID)
		}
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	return s.store.PendingContributions(ctx, orgs, limit)
}

// pendingContributors names the authorities whose opinion a case still
// awaits (empty when none or when the item has no contributors).
func (s *Service) pendingContributors(ctx context.Context, it *catalog.Item, id ids.ID) ([]string, error) {
	if len(it.Contributors) == 0 {
		return nil, nil
	}
	list, err := s.store.Contributions(ctx, id)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ct := range list {
		if !ct.Done {
			names = append(names, ct.Authority)
		}
	}
	return names, nil
}
