package market

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Edit rewrites a draft product from in, with the same checks as List.
// version is the UpdatedAt of the product as the editor saw it: if the
// product changed meanwhile the edit is refused, so that nobody overwrites
// a change they have not seen. Drafts and withdrawn products are edited;
// a published one is withdrawn first, so that nobody orders a product
// whose terms are changing (contracts already made froze their terms).
//
// Returns errs.NotFound unless by lists for the product's body,
// errs.Conflict ("market.product_not_draft") for a published product, errs.Conflict ("market.product_changed") if it changed since
// version, errs.Invalid with every bad field at once.
func (s *Service) Edit(ctx context.Context, by *identity.Caller, id ids.ID, version time.Time, in ProductInput) (*Product, error) {
	p, err := s.ownProduct(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if p.State == Published {
		return nil, errs.E(errs.Conflict, "market.product_not_draft")
	}
	if !p.UpdatedAt.Equal(version) {
		return nil, errs.E(errs.Conflict, "market.product_changed")
	}
	bad := map[string]string{}
	in.check(s.themes, s.regions, bad)
	sources, key, err := s.sources(ctx, by, p.ProviderID, in.Fields)
	if err != nil {
		return nil, err
	}
	if key != "" {
		bad["fields"] = key
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	old := p.UpdatedAt
	p.Name, p.Description, p.Theme, p.Sources, p.Terms, p.Policy, p.Price, p.PeriodDays =
		in.Name, in.Description, in.Theme, sources, in.Terms, in.Policy, in.Price, in.PeriodDays
	p.UpdatedAt = s.clock()
	if !p.UpdatedAt.After(old) {
		p.UpdatedAt = old.Add(time.Microsecond) // the version must move even within one clock tick
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.EditProduct(ctx, p, old); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.product_edited", productTarget(p),
			map[string]any{"name": p.Name, "sources": len(p.Sources), "price": p.Price, "period_days": p.PeriodDays})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Version writes a product's version as the edit form and the API carry it.
func (p *Product) Version() string { return p.UpdatedAt.UTC().Format(time.RFC3339Nano) }

// ParseVersion reads a version written by Version; false if it is not one.
func ParseVersion(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err == nil
}
