package cases

import (
	"context"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// MeasuresWithin is Measures over the cases decided within region only
// (the cockpit's drilled region); "" is Measures.
//
// Returns errs.NotFound for a region outside the caller's cockpit.view and
// audit.read scopes.
func (s *Service) MeasuresWithin(ctx context.Context, by *identity.Caller, g Grouping, in region.Code) ([]Measure, error) {
	if in == "" {
		return s.Measures(ctx, by, g)
	}
	if identity.Authorize(by, identity.PermCockpit, in) != nil && identity.Authorize(by, identity.PermAuditRead, in) != nil {
		if _, err := s.Measures(ctx, by, g); err != nil {
			return nil, err // no such permission at all: as Measures answers
		}
		return nil, errs.E(errs.NotFound, "not_found")
	}
	switch g {
	case ByItem, ByAuthority, ByCity, ByCounty:
	default:
		return nil, errs.Fields(map[string]string{"by": "measures.grouping_invalid"})
	}
	return s.store.CaseMeasures(ctx, []region.Code{in}, g, s.now().UTC())
}
