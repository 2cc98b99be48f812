package license

import (
	"context"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
)

// UseRate is 用证率 for one service item: of the cases (submitted, not
// drafts) of an item with a material a licence can satisfy, how many used
// an electronic licence instead (a grant of the holder, 免提交).
type UseRate struct {
	Item     string
	Name     string
	Eligible int
	Used     int
}

// Rate is Used / Eligible, 0 without cases.
func (u UseRate) Rate() float64 {
	if u.Eligible == 0 {
		return 0
	}
	return float64(u.Used) / float64(u.Eligible)
}

// Items lists the service catalog (catalog.Service).
type Items interface {
	Items(ctx context.Context) ([]catalog.Item, error)
}

// UseRates computes 用证率 by item over the cases decided within the
// caller's audit.read and cockpit.view scopes, most cases first, and the
// total.
func (s *Service) UseRates(ctx context.Context, by *identity.Caller) ([]UseRate, UseRate, error) {
	within := append(by.Scopes(identity.PermAuditRead), by.Scopes(identity.PermCockpit)...)
	if len(within) == 0 {
		if err := identity.Authorize(by, identity.PermAuditRead, ""); err != nil {
			return nil, UseRate{}, err
		}
	}
	items, err := s.items.Items(ctx)
	if err != nil {
		return nil, UseRate{}, err
	}
	names := map[string]string{}
	var codes []string
	for _, it := range items {
		for _, m := range it.Materials {
			if len(m.LicenseTypes) > 0 {
				names[it.Code] = it.Name
				codes = append(codes, it.Code)
				break
			}
		}
	}
	rates, err := s.store.LicenseUseRates(ctx, codes, within)
	if err != nil {
		return nil, UseRate{}, err
	}
	total := UseRate{Name: "合计"}
	for i := range rates {
		rates[i].Name = names[rates[i].Item]
		total.Eligible += rates[i].Eligible
		total.Used += rates[i].Used
	}
	return rates, total, nil
}
