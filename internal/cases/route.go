package cases

import (
	"context"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// route finds the authority competent for item in region decideIn, and
// checks that an application received in receivedAt may be decided there:
// another city of the province needs the item's 省内通办 scope, another
// province its 跨省通办 scope. This is the one seam where cross-province
// hand-off (federation) will join: for now an authority must be on this
// node.
func (s *Service) route(ctx context.Context, it *catalog.Item, decideIn, receivedAt region.Code) (*identity.Organization, error) {
	if _, ok := s.regions.Lookup(decideIn); !ok {
		return nil, errs.Fields(map[string]string{"decide_in": "region.unknown"})
	}
	if receivedAt != "" && !region.Within(decideIn, receivedAt) && !region.Within(receivedAt, decideIn) {
		sameProvince := receivedAt[:2] == decideIn[:2]
		sameCity := len(receivedAt) >= 4 && len(decideIn) >= 4 && receivedAt[:4] == decideIn[:4]
		switch {
		case !sameProvince && !has(it.Scopes, catalog.ScopeNational):
			return nil, &errs.Error{Code: errs.Invalid, Msg: "case.scope_national",
				Fields: map[string]string{"decide_in": "case.scope_national"}}
		case sameProvince && !sameCity && !has(it.Scopes, catalog.ScopeProvince) && !has(it.Scopes, catalog.ScopeNational):
			return nil, &errs.Error{Code: errs.Invalid, Msg: "case.scope_province",
				Fields: map[string]string{"decide_in": "case.scope_province"}}
		}
	}
	org, err := s.id.AuthorityFor(ctx, it.Department, regionLevel(it.Level), decideIn)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Fields(map[string]string{"decide_in": "case.no_authority"})
	}
	return org, err
}

func has[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// regionLevel is the region level of a catalog level.
func regionLevel(l catalog.Level) region.Level {
	switch l {
	case catalog.LevelProvince:
		return region.Province
	case catalog.LevelCounty:
		return region.County
	}
	return region.City
}
