package license

import (
	"context"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// UseRate is 用证率 for one group of cases (an item, an authority, a city
// or a county): of the submitted cases (not drafts) of items with at least
// one material a licence can satisfy, how many had EVERY such material of
// their item satisfied by an electronic licence (免提交): an unrevoked
// grant of the holder for the case, recorded for that material, of a
// licence of a type the material accepts (in the application form or from
// the wallet). A case where one of two such materials was uploaded, or
// whose grant was withdrawn, is eligible but not used.
type UseRate struct {
	Key      string // item code, authority ID or region code
	Name     string // item or authority name; "" for regions
	Eligible int
	Used     int
}

// UseRateMaterial is one material of a catalog item that electronic
// licences can satisfy, and the licence types that can (what
// Store.LicenseUseRates needs of the catalog).
type UseRateMaterial struct {
	Item     string // item code
	Material string // the material's name in the item's guide
	Types    []string
}

// UseRateTarget is the plan's target for 用证率: above 80%.
const UseRateTarget = 0.8

// Rate is Used / Eligible, 0 without cases.
func (u UseRate) Rate() float64 {
	if u.Eligible == 0 {
		return 0
	}
	return float64(u.Used) / float64(u.Eligible)
}

// MeetsTarget reports whether the rate is above UseRateTarget.
func (u UseRate) MeetsTarget() bool { return u.Eligible > 0 && u.Rate() > UseRateTarget }

// Items lists the service catalog (catalog.Service).
type Items interface {
	Items(ctx context.Context) ([]catalog.Item, error)
	Item(ctx context.Context, code string) (*catalog.Item, error) // errs.NotFound if absent
}

// UseRates computes 用证率 grouped by item, authority, city or county
// (cases.ByItem, ByAuthority, ByCity, ByCounty) over the cases decided
// within the caller's audit.read and cockpit.view scopes, most cases
// first, and the total.
//
// Returns errs.Forbidden for callers with neither permission,
// errs.Invalid ("by") for another grouping.
func (s *Service) UseRates(ctx context.Context, by *identity.Caller, group cases.Grouping) ([]UseRate, UseRate, error) {
	return s.UseRatesWithin(ctx, by, group, "")
}

// UseRatesWithin is UseRates over the cases decided within region only (the
// cockpit's drilled region), "" for all the caller's scopes.
//
// Returns errs.NotFound for a region outside those scopes.
func (s *Service) UseRatesWithin(ctx context.Context, by *identity.Caller, group cases.Grouping, in region.Code) ([]UseRate, UseRate, error) {
	within := append(by.Scopes(identity.PermAuditRead), by.Scopes(identity.PermCockpit)...)
	if len(within) == 0 {
		if err := identity.Authorize(by, identity.PermAuditRead, ""); err != nil {
			return nil, UseRate{}, err
		}
	}
	if in != "" {
		if identity.Authorize(by, identity.PermAuditRead, in) != nil && identity.Authorize(by, identity.PermCockpit, in) != nil {
			return nil, UseRate{}, errs.E(errs.NotFound, "not_found")
		}
		within = []region.Code{in}
	}
	switch group {
	case "":
		group = cases.ByItem
	case cases.ByItem, cases.ByAuthority, cases.ByCity, cases.ByCounty:
	default:
		return nil, UseRate{}, errs.Fields(map[string]string{"by": "form.choice"})
	}
	items, err := s.items.Items(ctx)
	if err != nil {
		return nil, UseRate{}, err
	}
	names := map[string]string{}
	var mats []UseRateMaterial
	for _, it := range items {
		for _, m := range it.Materials {
			if len(m.LicenseTypes) > 0 {
				names[it.Code] = it.Name
				mats = append(mats, UseRateMaterial{Item: it.Code, Material: m.Name, Types: m.LicenseTypes})
			}
		}
	}
	rates, err := s.store.LicenseUseRates(ctx, mats, within, group)
	if err != nil {
		return nil, UseRate{}, err
	}
	total := UseRate{Name: "合计"}
	for i := range rates {
		if group == cases.ByItem {
			rates[i].Name = names[rates[i].Key]
		}
		total.Eligible += rates[i].Eligible
		total.Used += rates[i].Used
	}
	return rates, total, nil
}
