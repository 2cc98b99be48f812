package cases

import (
	"context"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// ApplyBundle applies for a bundled matter (一件事) in one step: form holds
// the values of the bundle's shared form (catalog.Bundle.Form), from which
// each item's values are derived; every item becomes its own case, routed
// to its own competent authority, and the cases share a new bundle id.
// Every item is checked first and every problem of every item is reported
// at once, named by the shared form's fields; then all cases are created in
// one transaction, so either all are submitted or none is.
func (s *Service) ApplyBundle(ctx context.Context, by *identity.Caller, code, decideIn string, form map[string]string, materials []MaterialRef) (ids.ID, []*Case, error) {
	return s.ApplyBundleWith(ctx, by, code, decideIn, form, materials, nil)
}

// BundleLicenseField is the form key (and the per-field error key) of a
// bundle application's electronic licences (免提交).
const BundleLicenseField = "licenses"

// ApplyBundleWith is ApplyBundle with the applicant's electronic licences
// (免提交): each licence stands in for every material, of every item of
// the bundle, that accepts its type, and the grants are written per case
// in the bundle's transaction. A licence that is not the applicant's, not
// valid or that no material of the bundle accepts fails the whole
// application (errs.Invalid on BundleLicenseField): nothing is saved.
func (s *Service) ApplyBundleWith(ctx context.Context, by *identity.Caller, code, decideIn string, form map[string]string, materials []MaterialRef, licenses []ids.ID) (ids.ID, []*Case, error) {
	b, err := s.catalog.Bundle(ctx, code)
	if err != nil {
		return "", nil, err
	}
	items, err := s.catalog.BundleItems(ctx, b)
	if err != nil {
		return "", nil, err
	}
	now := s.now().UTC()
	bundleID := ids.New()
	bad := map[string]string{}
	list := make([]*Case, 0, len(items))
	used := map[ids.ID]string{} // licence → "" once a material took it, else why none did
	for _, id := range licenses {
		used[id] = "case.license_wrong_type"
	}
	for _, it := range items {
		c := newCase(it, ChannelOnline, now)
		c.BundleID = bundleID
		if err := applicantOf(by, it, c); err != nil {
			return "", nil, err
		}
		app := Application{ItemCode: it.Code, DecideIn: decideIn, Form: b.ItemForm(it, form), Materials: itemMaterials(b, it, materials)}
		if len(licenses) > 0 {
			chosen, err := s.bundleLicenses(ctx, it, c, licenses, used)
			if err != nil {
				return "", nil, err
			}
			app.Licenses = chosen
		}
		err := s.prepare(ctx, by, it, c, app, "")
		if e := errs.As(err); e != nil && e.Code == errs.Invalid && len(e.Fields) > 0 {
			// Name the problems by the shared form's fields; the first
			// item's problem with a shared field stands for all.
			for k, v := range e.Fields {
				if k != "decide_in" {
					k = b.Shared(it.Code, k)
				}
				if _, ok := bad[k]; !ok {
					bad[k] = v
				}
			}
			continue
		}
		if err != nil {
			return "", nil, err
		}
		c.State = Submitted
		list = append(list, c)
	}
	for _, id := range licenses {
		if why := used[id]; why != "" {
			if _, ok := bad[BundleLicenseField]; !ok {
				bad[BundleLicenseField] = why
			}
		}
	}
	if len(bad) > 0 {
		return "", nil, errs.Fields(bad) // nothing is saved
	}
	if err := s.insert(ctx, by, "", list...); err != nil {
		return "", nil, err
	}
	return bundleID, list, nil
}

// itemMaterials are the shared uploads an item's file fields take, named
// by the item's fields.
func itemMaterials(b *catalog.Bundle, it *catalog.Item, shared []MaterialRef) []MaterialRef {
	var out []MaterialRef
	for _, fl := range it.Form {
		if fl.Kind != catalog.FieldFile {
			continue
		}
		for _, m := range shared {
			if m.Field == b.Shared(it.Code, fl.Name) {
				m.Field = fl.Name
				out = append(out, m)
			}
		}
	}
	return out
}

// bundleLicenses are the licence choices of item it: each material that
// accepts licences takes the first of the applicant's licences that
// CheckUsable accepts for it. used records, per licence, that a material
// took it ("") or the last reason one refused it.
func (s *Service) bundleLicenses(ctx context.Context, it *catalog.Item, c *Case, licenses []ids.ID, used map[ids.ID]string) ([]LicenseChoice, error) {
	if s.licenses == nil {
		for _, id := range licenses {
			used[id] = "case.license_unavailable"
		}
		return nil, nil
	}
	var out []LicenseChoice
	for _, m := range it.Materials {
		if len(m.LicenseTypes) == 0 {
			continue
		}
		for _, id := range licenses {
			_, err := s.licenses.CheckUsable(ctx, holder(c), id, m.LicenseTypes)
			if e := errs.As(err); e != nil && e.Code == errs.Invalid {
				if used[id] != "" && e.Msg != "case.license_wrong_type" {
					used[id] = e.Msg
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			used[id] = ""
			out = append(out, LicenseChoice{Material: m.Name, LicenseID: id})
			break
		}
	}
	return out, nil
}

// BundleLicenseOptions lists the caller's licences that can stand in for
// some material of some item of the bundle (valid now, of an accepted
// type), each once, in the order the items and materials name them.
func (s *Service) BundleLicenseOptions(ctx context.Context, by *identity.Caller, b *catalog.Bundle) ([]LicenseRef, error) {
	items, err := s.catalog.BundleItems(ctx, b)
	if err != nil {
		return nil, err
	}
	var out []LicenseRef
	seen := map[ids.ID]bool{}
	for _, it := range items {
		opts, err := s.LicenseOptions(ctx, by, it)
		if err != nil {
			return nil, err
		}
		for _, m := range it.Materials {
			for _, ref := range opts[m.Name] {
				if !seen[ref.ID] {
					seen[ref.ID] = true
					out = append(out, ref)
				}
			}
		}
	}
	return out, nil
}
