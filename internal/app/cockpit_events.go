package app

import (
	"context"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/web"
)

// cockpitEvents gives the cockpit the events figures of the governance
// domain (web cannot import it the other way round: both sit at the top):
// the region's, and each child region's for the map and the drill-down
// table.
func (a *App) cockpitEvents(ctx context.Context, by *identity.Caller, within region.Code) (*web.CockpitEventFigures, error) {
	sum, err := a.Governance.CockpitSummary(ctx, by, within)
	if err != nil {
		return nil, err
	}
	f := &web.CockpitEventFigures{Today: sum.Today, ClosureRate: sum.ClosedShare(), ClosureRate30: sum.Closure30().Rate(), Overdue: sum.Overdue,
		Satisfaction: sum.Satisfaction(), Areas: []web.CockpitEventArea{}}
	if within == "" {
		return f, nil
	}
	kids, err := a.Governance.CockpitChildren(ctx, by, within)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		f.Areas = append(f.Areas, web.CockpitEventArea{Region: k.Region, Name: k.Name, Today: k.Today, Overdue: k.Overdue,
			ClosureRate30: k.Closure30().Rate(), Satisfaction: k.Satisfaction(), Rated: k.Rated, Reported30: k.Reported30})
	}
	return f, nil
}
