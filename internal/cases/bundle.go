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
	for _, it := range items {
		c := newCase(it, ChannelOnline, now)
		c.BundleID = bundleID
		if err := applicantOf(by, it, c); err != nil {
			return "", nil, err
		}
		app := Application{ItemCode: it.Code, DecideIn: decideIn, Form: b.ItemForm(it, form), Materials: itemMaterials(b, it, materials)}
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
