package license

import (
	"context"
	"slices"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The Service is the cases domain's port to electronic licences (免提交 in
// the application form); internal/app wires it.
var _ cases.Licenses = (*Service)(nil)

// usable reports whether l can stand in for a material now: valid, within
// its validity period.
func (s *Service) usable(l *License) bool {
	now := s.clock()
	return l.State == StateValid && !l.Expired(now) && !now.Before(l.ValidFrom)
}

func refOf(l *License) cases.LicenseRef {
	return cases.LicenseRef{ID: l.ID, Type: l.Type, TypeName: l.TypeInfo().Name, Number: l.Number, Issuer: l.IssuerName, IssuerID: l.IssuerID}
}

// Usable lists holder's licences of one of types that are valid now,
// newest first (cases.Licenses).
func (s *Service) Usable(ctx context.Context, holderID ids.ID, types []string) ([]cases.LicenseRef, error) {
	if holderID == "" {
		return nil, nil
	}
	all, err := s.store.HolderLicenses(ctx, holderID)
	if err != nil {
		return nil, err
	}
	var out []cases.LicenseRef
	for i := range all {
		if slices.Contains(types, all[i].Type) && s.usable(&all[i]) {
			out = append(out, refOf(&all[i]))
		}
	}
	return out, nil
}

// CheckUsable returns licence id for a material accepting types if holder
// holds it and it is valid now (cases.Licenses). A licence that is not
// the holder's is "not yours", whether it exists or not, so that nobody
// learns of others' licences by trying numbers.
func (s *Service) CheckUsable(ctx context.Context, holderID ids.ID, id ids.ID, types []string) (*cases.LicenseRef, error) {
	if !ids.Valid(string(id)) || holderID == "" {
		return nil, errs.E(errs.Invalid, "case.license_not_yours")
	}
	l, err := s.store.License(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Invalid, "case.license_not_yours")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case l.HolderID != holderID:
		return nil, errs.E(errs.Invalid, "case.license_not_yours")
	case !slices.Contains(types, l.Type):
		return nil, errs.E(errs.Invalid, "case.license_wrong_type")
	case !s.usable(l):
		return nil, errs.E(errs.Invalid, "case.license_not_valid")
	}
	ref := refOf(l)
	return &ref, nil
}

// GrantCase lets the authority of a case being submitted use the licences
// that satisfy its materials (cases.Licenses), for GrantTTL, in the
// transaction of ctx: the grants commit with the submission or not at all.
// At a counter (代办) the grant rests on the consent the counter recorded,
// and says so. Each grant is audited with the holder as subject. A
// licence suspended or revoked since the application was checked is
// errs.Invalid on its material's field, and nothing is submitted.
func (s *Service) GrantCase(ctx context.Context, by audit.Actor, c *cases.Case) error {
	now := s.clock()
	code, args := PurposeCase, []string{truncate(c.ItemName, 200)}
	if c.Channel == cases.ChannelCounter {
		code, args = PurposeCounter, []string{truncate(c.Consent, 300), args[0]}
	}
	for _, m := range c.LicenseMaterials() {
		l, err := s.store.License(ctx, m.License.ID)
		if err != nil {
			return err
		}
		if !s.usable(l) { // suspended or revoked since the application was checked
			return errs.Fields(map[string]string{m.Field: "case.license_not_valid"})
		}
		g := &Grant{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, OrgID: c.AuthorityID, CaseID: c.ID,
			Material: m.Name, LicenseType: l.Type, PurposeCode: code, PurposeArgs: args, CreatedAt: now, ExpiresAt: now.Add(GrantTTL)}
		if err := s.store.AddLicenseGrant(ctx, g); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "license.granted", audit.Target{Type: "license", ID: string(l.ID), Region: string(c.DecidedAt),
			Subject: string(c.PersonID)}, map[string]any{"case": c.Number, "authority": c.Authority, "number": l.Number,
			"material": m.Name, "channel": c.Channel}); err != nil {
			return err
		}
	}
	return nil
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
