package catalog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Store is the persistence the catalog needs.
type Store interface {
	// CatalogRevision is a number that changes whenever any item changes.
	CatalogRevision(ctx context.Context) (int64, error)
	ServiceItems(ctx context.Context) ([]Item, error)
	// ServiceItem returns errs.NotFound for an unknown code.
	ServiceItem(ctx context.Context, code string) (*Item, error)
	// SaveServiceItem inserts it (when it.Version == 1) or updates it when
	// the stored version is it.Version-1, and bumps the revision; it
	// returns errs.Conflict when someone else changed the item first.
	SaveServiceItem(ctx context.Context, it *Item) error
	// ServiceBundles returns the bundled matters in code order.
	ServiceBundles(ctx context.Context) ([]Bundle, error)
	// SaveServiceBundle is SaveServiceItem for a bundled matter.
	SaveServiceBundle(ctx context.Context, b *Bundle) error
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Service reads and maintains the catalog.
type Service struct {
	store Store
	tx    Transactor
	audit *audit.Service
	now   func() time.Time

	mu      sync.Mutex
	ix      *Index
	bundles []Bundle // of the same revision as ix
	rev     int64
	checked time.Time // when the revision was last read
}

// NewService returns a Service.
func NewService(store Store, tx Transactor, au *audit.Service, now func() time.Time) *Service {
	return &Service{store: store, tx: tx, audit: au, now: now, rev: -1}
}

// revisionCheckEvery is how often the index asks the database whether the
// catalog changed. A change made through this instance is seen at once (it
// resets the check); one made through another instance within this time.
const revisionCheckEvery = 500 * time.Millisecond

// index returns the search index of the current catalog. It asks the
// database for the catalog's revision (one small read) at most every
// revisionCheckEvery, and rebuilds when another request or another instance
// changed the catalog.
func (s *Service) index(ctx context.Context) (*Index, error) {
	// Wall-clock time on purpose, not the injected clock: this is a cache's
	// freshness, and a frozen test clock would never look again.
	now := time.Now()
	s.mu.Lock()
	if s.ix != nil && now.Sub(s.checked) < revisionCheckEvery {
		ix := s.ix
		s.mu.Unlock()
		return ix, nil
	}
	s.mu.Unlock()
	rev, err := s.store.CatalogRevision(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = now
	if s.ix != nil && rev == s.rev {
		return s.ix, nil
	}
	items, err := s.store.ServiceItems(ctx)
	if err != nil {
		return nil, err
	}
	bundles, err := s.store.ServiceBundles(ctx)
	if err != nil {
		return nil, err
	}
	s.ix, s.bundles, s.rev = NewIndex(items), bundles, rev
	return s.ix, nil
}

// Search finds items for the portal (public information: no caller needed).
func (s *Service) Search(ctx context.Context, q string, f Filter, limit int) ([]Hit, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	return ix.Search(q, f, limit), nil
}

// Item returns one item by code; errs.NotFound if there is none. It is
// served from the index of the current catalog revision (one small read,
// no decoding), so the caller must not modify it.
func (s *Service) Item(ctx context.Context, code string) (*Item, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	if it := ix.Item(strings.ToUpper(strings.TrimSpace(code))); it != nil {
		return it, nil
	}
	return nil, errs.E(errs.NotFound, "service_item.not_found")
}

// Items returns the whole catalog in code order (the export).
func (s *Service) Items(ctx context.Context) ([]Item, error) {
	return s.store.ServiceItems(ctx)
}

// Save creates or changes one item. by must hold PermCatalogManage. For a
// change, it.Version must be the version the editor saw: if someone saved
// in between, Save returns errs.Conflict and nothing changes.
func (s *Service) Save(ctx context.Context, by *identity.Caller, it Item) (*Item, error) {
	if err := identity.Authorize(by, identity.PermCatalogManage, ""); err != nil {
		return nil, err
	}
	if err := it.Validate(); err != nil {
		return nil, err
	}
	it.Version++
	it.UpdatedAt = s.now().UTC()
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.SaveServiceItem(ctx, &it); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "catalog.item_saved", audit.Target{Type: "service_item", ID: it.Code},
			map[string]any{"name": it.Name, "version": it.Version})
	})
	if err != nil {
		return nil, err
	}
	s.recheck()
	return &it, nil
}

// recheck makes the next index call read the revision.
func (s *Service) recheck() {
	s.mu.Lock()
	s.checked = time.Time{}
	s.mu.Unlock()
}

// Import saves many items at once, all or none: every item is validated
// first, and an error names the first item at fault. Items already in the
// catalog are updated (whatever their version: an import is the
// administrator's statement of the catalog), new ones are created.
func (s *Service) Import(ctx context.Context, by *identity.Caller, items []Item) (int, error) {
	if err := identity.Authorize(by, identity.PermCatalogManage, ""); err != nil {
		return 0, err
	}
	return s.ImportAs(ctx, by, items)
}

// ImportAs is Import without the authorization check, for trusted callers
// (demo data, the command line).
func (s *Service) ImportAs(ctx context.Context, actor audit.Actor, items []Item) (int, error) {
	return s.ImportAllAs(ctx, actor, Export{Items: items})
}

// Export is the whole catalog as the administrator exports and imports it:
// the items and the bundled matters.
type Export struct {
	Items   []Item   `json:"items"`
	Bundles []Bundle `json:"bundles"`
}

// Export returns the whole catalog, items and bundles, in code order.
func (s *Service) Export(ctx context.Context) (*Export, error) {
	items, err := s.store.ServiceItems(ctx)
	if err != nil {
		return nil, err
	}
	bundles, err := s.store.ServiceBundles(ctx)
	if err != nil {
		return nil, err
	}
	return &Export{Items: items, Bundles: bundles}, nil
}

// ImportAll is Import for items and bundles together, all or none. A bundle
// may name items of the import and items already in the catalog.
func (s *Service) ImportAll(ctx context.Context, by *identity.Caller, x Export) (int, error) {
	if err := identity.Authorize(by, identity.PermCatalogManage, ""); err != nil {
		return 0, err
	}
	return s.ImportAllAs(ctx, by, x)
}

// ImportAllAs is ImportAll without the authorization check, for trusted
// callers. It returns how many items and bundles it saved.
func (s *Service) ImportAllAs(ctx context.Context, actor audit.Actor, x Export) (int, error) {
	items, bundles := x.Items, x.Bundles
	seen := map[string]bool{}
	byCode := map[string]*Item{}
	for i := range items {
		if err := items[i].Validate(); err != nil {
			e := errs.As(err)
			return 0, &errs.Error{Code: errs.Invalid, Msg: "catalog.import_invalid",
				Fields: map[string]string{fmt.Sprintf("items[%d] %s", i, items[i].Code): firstValue(e.Fields)}}
		}
		if seen[items[i].Code] {
			return 0, errs.Fields(map[string]string{fmt.Sprintf("items[%d] %s", i, items[i].Code): "catalog.code_duplicate"})
		}
		seen[items[i].Code] = true
		byCode[items[i].Code] = &items[i]
	}
	if len(bundles) > 0 {
		ix, err := s.index(ctx)
		if err != nil {
			return 0, err
		}
		item := func(code string) *Item {
			if it := byCode[code]; it != nil {
				return it
			}
			return ix.Item(code)
		}
		for i := range bundles {
			if err := bundles[i].Validate(item); err != nil {
				e := errs.As(err)
				return 0, &errs.Error{Code: errs.Invalid, Msg: "catalog.import_invalid",
					Fields: map[string]string{fmt.Sprintf("bundles[%d] %s", i, bundles[i].Code): firstValue(e.Fields)}}
			}
			if seen[bundles[i].Code] {
				return 0, errs.Fields(map[string]string{fmt.Sprintf("bundles[%d] %s", i, bundles[i].Code): "catalog.code_duplicate"})
			}
			seen[bundles[i].Code] = true
		}
	}
	now := s.now().UTC()
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		for i := range items {
			it := items[i]
			cur, err := s.store.ServiceItem(ctx, it.Code)
			switch {
			case err == nil:
				it.Version = cur.Version + 1
			case errs.Is(err, errs.NotFound):
				it.Version = 1
			default:
				return err
			}
			it.UpdatedAt = now
			if err := s.store.SaveServiceItem(ctx, &it); err != nil {
				return err
			}
		}
		if len(bundles) > 0 {
			current, err := s.store.ServiceBundles(ctx)
			if err != nil {
				return err
			}
			version := map[string]int{}
			for _, b := range current {
				version[b.Code] = b.Version
			}
			for i := range bundles {
				b := bundles[i]
				b.Version, b.UpdatedAt = version[b.Code]+1, now
				if err := s.store.SaveServiceBundle(ctx, &b); err != nil {
					return err
				}
			}
		}
		return s.audit.Record(ctx, actor, "catalog.imported", audit.Target{Type: "catalog"},
			map[string]any{"items": len(items), "bundles": len(bundles)})
	})
	if err != nil {
		return 0, err
	}
	s.recheck()
	return len(items) + len(bundles), nil
}

func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}
