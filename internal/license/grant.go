package license

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Grant is a holder's permission (用证授权) for the authority of one case
// to read one licence, instead of a copy among the case's materials
// (免提交).
type Grant struct {
	ID        ids.ID
	LicenseID ids.ID
	HolderID  ids.ID
	OrgID     ids.ID // the case's authority
	CaseID    ids.ID
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// GrantTTL is how long a grant lets the authority read the licence.
const GrantTTL = 90 * 24 * time.Hour

// CaseReader reads cases as their callers may (cases.Service).
type CaseReader interface {
	Get(ctx context.Context, by *identity.Caller, id ids.ID) (*cases.Case, []cases.Event, error)
}

// GrantForCase lets the authority of one of the holder's own cases use a
// licence in it (用证授权), for GrantTTL. Audited with the holder as
// subject; granting twice is harmless.
//
// Returns errs.NotFound unless by holds the licence and applied for the
// case, errs.Conflict ("license.not_presentable") for a licence that is
// not valid.
func (s *Service) GrantForCase(ctx context.Context, by *identity.Caller, licenseID, caseID ids.ID) (*Grant, error) {
	l, err := s.Get(ctx, by, licenseID)
	if err != nil {
		return nil, err
	}
	if !holds(by, l) {
		return nil, errs.E(errs.NotFound, "license.not_found")
	}
	c, _, err := s.cases.Get(ctx, by, caseID)
	if err != nil || c.ApplicantID != by.UserID {
		return nil, errs.Fields(map[string]string{"case": "license.grant_case_unknown"})
	}
	now := s.clock()
	if l.State != StateValid || l.Expired(now) {
		return nil, errs.E(errs.Conflict, "license.not_presentable")
	}
	g := &Grant{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, OrgID: c.AuthorityID, CaseID: c.ID,
		Purpose: "免提交：" + c.ItemName, CreatedAt: now, ExpiresAt: now.Add(GrantTTL)}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.AddLicenseGrant(ctx, g); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "license.granted", audit.Target{Type: "license", ID: string(l.ID), Region: string(c.DecidedAt),
			Subject: string(by.PersonID)}, map[string]any{"case": c.Number, "authority": c.Authority, "number": l.Number})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// CaseLicense is a licence granted for a case, as its officer sees it:
// verified now.
type CaseLicense struct {
	License License
	Grant   Grant
	Result  *Result
}

// CaseLicenses returns the licences the applicant granted for a case, each
// verified now, to staff who may read the case (the read of the case is
// audited by cases). Each licence read is recorded as a use the holder
// sees on their 用证记录 page.
func (s *Service) CaseLicenses(ctx context.Context, by *identity.Caller, caseID ids.ID) ([]CaseLicense, error) {
	c, _, err := s.cases.Get(ctx, by, caseID)
	if err != nil {
		return nil, err
	}
	if by.Kind != identity.KindStaff {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	grants, err := s.store.CaseLicenseGrants(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	org := ""
	if o, err := s.people.Organization(ctx, by.OrgID); err == nil {
		org = o.Name
	}
	var out []CaseLicense
	for _, g := range grants {
		if g.OrgID != c.AuthorityID || !now.Before(g.ExpiresAt) {
			continue
		}
		l, err := s.store.License(ctx, g.LicenseID)
		if err != nil {
			return nil, err
		}
		out = append(out, CaseLicense{License: *l, Grant: g, Result: s.Verify(ctx, l.JWS, false)})
		if err := s.store.AddLicenseUse(ctx, &Use{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, UserID: string(by.UserID),
			UserName: by.Name, OrgName: org, CaseID: c.ID, Purpose: "case", Place: strings.TrimSpace(c.Number), At: now}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
