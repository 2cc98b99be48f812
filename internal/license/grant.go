package license

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	ID          ids.ID
	LicenseID   ids.ID
	HolderID    ids.ID
	OrgID       ids.ID // the case's authority
	CaseID      ids.ID
	Material    string // the material of the case's item the licence stands in for (免提交); "" if none accepts its type
	LicenseType string // the licence's type, kept on the grant for 用证率
	// PurposeCode names the purpose's message ("licgrant.purpose.<code>":
	// PurposeCase, PurposeCounter), PurposeArgs its arguments; Purpose is
	// the text of grants made before codes were kept (PurposeCode "").
	PurposeCode string
	PurposeArgs []string
	Purpose     string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   time.Time // zero while in force
	// Filled when listing a holder's grants:
	Number, Type, CaseNumber, Authority string
}

// Active reports whether the grant lets its authority read the licence at
// now: not revoked, not expired.
func (g *Grant) Active(now time.Time) bool { return g.RevokedAt.IsZero() && now.Before(g.ExpiresAt) }

// Grant purposes (Grant.PurposeCode).
const (
	PurposeCase    = "case"    // 免提交 for a case; args: the item's name
	PurposeCounter = "counter" // 免提交 at a counter on the applicant's consent; args: the consent, the item's name
)

// GrantTTL is how long a grant lets the authority read the licence.
const GrantTTL = 90 * 24 * time.Hour

// CaseReader reads cases as their callers may (cases.Service).
type CaseReader interface {
	Get(ctx context.Context, by *identity.Caller, id ids.ID) (*cases.Case, []cases.Event, error)
}

// holderOf is the ID holding the licences of by: their person, or their
// enterprise for an agent; "" for staff and anonymous callers.
func holderOf(by *identity.Caller) ids.ID {
	switch by.Kind {
	case identity.KindPerson:
		return by.PersonID
	case identity.KindEnterprise:
		return by.EnterpriseID
	}
	return ""
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
	material, err := s.grantMaterial(ctx, c, l.Type)
	if err != nil {
		return nil, err
	}
	g := &Grant{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, OrgID: c.AuthorityID, CaseID: c.ID, Material: material,
		LicenseType: l.Type,
		PurposeCode: PurposeCase, PurposeArgs: []string{c.ItemName}, CreatedAt: now, ExpiresAt: now.Add(GrantTTL)}
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

// grantMaterial is the material of c's item that a licence of type typ
// granted from the wallet stands in for: the first that accepts the type
// and is not satisfied by a licence in the application already, else the
// first that accepts it; "" if none does (the grant then counts for no
// material in 用证率).
func (s *Service) grantMaterial(ctx context.Context, c *cases.Case, typ string) (string, error) {
	if s.items == nil {
		return "", nil
	}
	it, err := s.items.Item(ctx, c.ItemCode)
	if errs.Is(err, errs.NotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	first := ""
	for _, m := range it.Materials {
		if !slices.Contains(m.LicenseTypes, typ) {
			continue
		}
		if c.License(m.Name) == nil {
			return m.Name, nil
		}
		if first == "" {
			first = m.Name
		}
	}
	return first, nil
}

// Grants lists the caller's grants, newest first, revoked and expired ones
// included, with the case and the authority they were for.
func (s *Service) Grants(ctx context.Context, by *identity.Caller) ([]Grant, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	h := holderOf(by)
	if h == "" {
		return nil, nil
	}
	return s.store.HolderLicenseGrants(ctx, h, 200)
}

// RevokeGrant withdraws a grant (撤回授权): from now on the authority can
// no longer read the licence for the case. Audited with the holder as
// subject.
//
// Returns errs.NotFound unless by is the grant's holder, errs.Conflict
// ("license.grant_not_active") for a grant revoked or expired already.
func (s *Service) RevokeGrant(ctx context.Context, by *identity.Caller, id ids.ID) (*Grant, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	g, err := s.store.LicenseGrant(ctx, id)
	if err != nil {
		return nil, err
	}
	if h := holderOf(by); h == "" || g.HolderID != h {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	now := s.clock()
	if !g.Active(now) {
		return nil, errs.E(errs.Conflict, "license.grant_not_active")
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.RevokeLicenseGrant(ctx, g.ID, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "license.grant_revoked", audit.Target{Type: "license", ID: string(g.LicenseID),
			Subject: string(by.PersonID)}, map[string]any{"grant": g.ID, "case": g.CaseID, "org": g.OrgID})
	})
	if err != nil {
		return nil, err
	}
	g.RevokedAt = now
	return g, nil
}

// Basis is a recorded legal basis (法定依据) on which an officer reads a
// holder's licence for a case without the holder's grant.
type Basis struct {
	Law     string // the law or regulation: 《社会保险法》
	Article string // its article: 第八条
	Reason  string // why this case needs the licence, in free text
}

// String is the basis as the holder reads it.
func (b Basis) String() string {
	return strings.TrimSpace(b.Law + b.Article)
}

// Access is one reading of a licence under a legal basis (依法调取).
type Access struct {
	ID        ids.ID
	LicenseID ids.ID
	HolderID  ids.ID
	OrgID     ids.ID
	CaseID    ids.ID
	UserID    string
	UserName  string
	Basis     Basis
	At        time.Time
}

// CaseLicense is a licence an officer may read for a case, as they see
// it: verified now, with the grant or the legal basis it is read under.
type CaseLicense struct {
	License License
	Grant   *Grant  // the holder's grant, or
	Access  *Access // the legal basis recorded
	Result  *Result
}

// caseStaff loads a case for staff who may read it (the read of the case
// is audited by cases, in the transaction of ctx); errs.NotFound for
// anyone else.
func (s *Service) caseStaff(ctx context.Context, by *identity.Caller, caseID ids.ID) (*cases.Case, error) {
	if by.Kind != identity.KindStaff {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	c, _, err := s.cases.Get(ctx, by, caseID)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CaseLicenses returns the licences staff who may read a case may read
// for it: those the applicant granted (in force) and those read under a
// legal basis recorded by the caller's organisation, each verified now.
// Every licence read is recorded as a use the holder sees on their 用证记录
// page, in one transaction with the audited read of the case: all or none.
//
// Returns errs.NotFound for a case the caller may not read.
func (s *Service) CaseLicenses(ctx context.Context, by *identity.Caller, caseID ids.ID) ([]CaseLicense, error) {
	var out []CaseLicense
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		out = nil
		c, err := s.caseStaff(ctx, by, caseID)
		if err != nil {
			return err
		}
		grants, err := s.store.CaseLicenseGrants(ctx, c.ID)
		if err != nil {
			return err
		}
		now := s.clock()
		for i := range grants {
			g := grants[i]
			if g.OrgID != c.AuthorityID || !g.Active(now) {
				continue
			}
			l, err := s.store.License(ctx, g.LicenseID)
			if err != nil {
				return err
			}
			out = append(out, CaseLicense{License: *l, Grant: &g})
		}
		accs, err := s.store.CaseLicenseAccesses(ctx, c.ID, by.OrgID)
		if err != nil {
			return err
		}
		for i := range accs {
			a := accs[i]
			if slices.ContainsFunc(out, func(cl CaseLicense) bool { return cl.License.ID == a.LicenseID }) {
				continue
			}
			l, err := s.store.License(ctx, a.LicenseID)
			if err != nil {
				return err
			}
			out = append(out, CaseLicense{License: *l, Access: &a})
		}
		return s.recordCaseUses(ctx, by, c, out, now)
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Result = s.Verify(ctx, out[i].License.JWS, false)
	}
	return out, nil
}

// recordCaseUses writes a use for each licence read for c, and one audit
// entry per licence, in the transaction of ctx.
func (s *Service) recordCaseUses(ctx context.Context, by *identity.Caller, c *cases.Case, list []CaseLicense, now time.Time) error {
	org := ""
	if o, err := s.people.Organization(ctx, by.OrgID); err == nil {
		org = o.Name
	}
	for _, cl := range list {
		u := &Use{ID: ids.New(), LicenseID: cl.License.ID, HolderID: cl.License.HolderID, UserID: string(by.UserID),
			UserName: by.Name, OrgName: org, CaseID: c.ID, Purpose: "case", Place: strings.TrimSpace(c.Number), At: now}
		detail := map[string]any{"case": c.Number, "number": cl.License.Number}
		if cl.Access != nil {
			u.Purpose, u.Basis, u.Reason = "legal_basis", cl.Access.Basis.String(), cl.Access.Basis.Reason
			detail["basis"] = u.Basis
		} else if cl.Grant != nil {
			detail["grant"] = cl.Grant.ID
		}
		if err := s.store.AddLicenseUse(ctx, u); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "license.read_for_case", audit.Target{Type: "license", ID: string(cl.License.ID),
			Region: string(c.DecidedAt), Subject: string(c.PersonID)}, detail); err != nil {
			return err
		}
	}
	return nil
}

// BasisInput is an officer's request to read the applicant's licences of
// one type for a case under a legal basis.
type BasisInput struct {
	Type string // licence type key: one the item's materials accept
	Basis
}

// checkBasis reports the missing or over-long parts of a basis.
func checkBasis(in BasisInput, fe map[string]string) Basis {
	b := Basis{Law: strings.TrimSpace(in.Law), Article: strings.TrimSpace(in.Article), Reason: strings.TrimSpace(in.Reason)}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"law", b.Law, 100}, {"article", b.Article, 50}, {"reason", b.Reason, 500}} {
		switch {
		case f.v == "":
			fe[f.name] = "form.required"
		case utf8.RuneCountInString(f.v) > f.max:
			fe[f.name] = "form.too_long"
		}
	}
	return b
}

// ReadByBasis lets an officer handling a case read the applicant's
// licences of one type without their grant, by recording a legal basis
// (law, article, reason). The access is kept for the case (CaseLicenses
// shows the licences again to the organisation), each read is logged as
// a use that the holder sees with the basis, and audited — in one
// transaction with the read of the case. The officer needs case.handle
// or case.decide over the case's region.
//
// Returns errs.NotFound for a case the caller may not read or handle,
// errs.Invalid (by field: type, law, article, reason) for a missing or
// over-long part of the basis, a type the item's materials do not accept,
// or an applicant who holds no licence of the type.
func (s *Service) ReadByBasis(ctx context.Context, by *identity.Caller, caseID ids.ID, in BasisInput) ([]CaseLicense, error) {
	fe := map[string]string{}
	b := checkBasis(in, fe)
	var out []CaseLicense
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		out = nil
		c, err := s.caseStaff(ctx, by, caseID)
		if err != nil {
			return err
		}
		if identity.Authorize(by, identity.PermCaseHandle, c.DecidedAt) != nil && identity.Authorize(by, identity.PermCaseDecide, c.DecidedAt) != nil {
			return errs.E(errs.NotFound, "not_found")
		}
		types, err := s.itemLicenseTypes(ctx, c.ItemCode)
		if err != nil {
			return err
		}
		if !slices.Contains(types, in.Type) {
			fe["type"] = "license.basis_type"
		}
		if len(fe) > 0 {
			return errs.Fields(fe)
		}
		holder := c.PersonID
		if c.EnterpriseID != "" {
			holder = c.EnterpriseID
		}
		all, err := s.store.HolderLicenses(ctx, holder)
		if err != nil {
			return err
		}
		now := s.clock()
		for i := range all {
			if all[i].Type != in.Type {
				continue
			}
			a := &Access{ID: ids.New(), LicenseID: all[i].ID, HolderID: all[i].HolderID, OrgID: by.OrgID, CaseID: c.ID,
				UserID: string(by.UserID), UserName: by.Name, Basis: b, At: now}
			if err := s.store.AddLicenseAccess(ctx, a); err != nil {
				return err
			}
			out = append(out, CaseLicense{License: all[i], Access: a})
		}
		if len(out) == 0 {
			return errs.Fields(map[string]string{"type": "license.basis_none"})
		}
		return s.recordCaseUses(ctx, by, c, out, now)
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Result = s.Verify(ctx, out[i].License.JWS, false)
	}
	return out, nil
}

// itemLicenseTypes lists the licence types an item's materials accept.
func (s *Service) itemLicenseTypes(ctx context.Context, code string) ([]string, error) {
	it, err := s.items.Item(ctx, code)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range it.Materials {
		for _, t := range m.LicenseTypes {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// CaseLicenseTypes lists the licence types staff may read for a case
// under a legal basis (those its item's materials accept), for the form.
// errs.NotFound for a case the caller may not read.
func (s *Service) CaseLicenseTypes(ctx context.Context, c *cases.Case) ([]Type, error) {
	keys, err := s.itemLicenseTypes(ctx, c.ItemCode)
	if err != nil {
		return nil, err
	}
	var out []Type
	for _, k := range keys {
		if t, ok := TypeByKey(k); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
