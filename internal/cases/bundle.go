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
		c := &Case{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Channel: ChannelOnline, State: Draft,
			CreatedAt: now, UpdatedAt: now, BundleID: bundleID}
		if err := applicantOf(by, it, c); err != nil {
			return "", nil, err
		}
		// The item's materials are the shared uploads its file fields take.
		var mats []MaterialRef
		for _, fl := range it.Form {
			if fl.Kind != catalog.FieldFile {
				continue
			}
			for _, m := range materials {
				if m.Field == b.Shared(it.Code, fl.Name) {
					m.Field = fl.Name
					mats = append(mats, m)
				}
			}
		}
		c.Materials = mats
		app := Application{ItemCode: it.Code, DecideIn: decideIn, Form: b.ItemForm(it, form), Materials: mats}
		if err := s.prepare(ctx, by, it, c, app, ""); err != nil {
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid {
				return "", nil, err
			}
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
		c.State, c.SubmittedAt, c.Version = Submitted, now, 1
		list = append(list, c)
	}
	if len(bad) > 0 {
		return "", nil, errs.Fields(bad) // nothing is saved
	}
	sealed := make([][]byte, len(list))
	for i, c := range list {
		if sealed[i], err = s.sealForm(c.ID, c.Form); err != nil {
			return "", nil, err
		}
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		for i, c := range list {
			if err := s.number(ctx, c, items[i]); err != nil {
				return err
			}
			if err := s.store.CreateCase(ctx, c, sealed[i]); err != nil {
				return err
			}
			if err := s.record(ctx, by, c, ActSubmit, Draft, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return bundleID, list, nil
}
