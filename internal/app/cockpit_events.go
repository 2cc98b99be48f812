package app

import (
	"context"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/web"
)

// cockpitEvents gives the cockpit the events figures of the governance
// domain (web cannot import it the other way round: both sit at the top):
// the region's, and each child region's for the map and the drill-down
// table (the children the region tree lists, which skip placeholder
// levels: 东莞's towns).
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
	kids := a.Regions.Children(within)
	figures := map[region.Code]governance.Summary{}
	read := map[region.Code]bool{}
	for _, ch := range kids {
		p := codeAbove(ch.Code) // within, or a placeholder below it (441900)
		if read[p] || !region.Within(p, within) {
			continue
		}
		read[p] = true
		m, err := a.Governance.CockpitChildren(ctx, by, p)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			figures[k] = v
		}
	}
	for _, ch := range kids {
		s := figures[ch.Code]
		f.Areas = append(f.Areas, web.CockpitEventArea{Region: ch.Code, Name: ch.Name, Today: s.Today, Overdue: s.Overdue,
			ClosureRate30: s.Closure30().Rate(), Satisfaction: s.Satisfaction(), Rated: s.Rated, Reported30: s.Reported30})
	}
	return f, nil
}

// codeAbove is the code of the level above c by syntax (placeholders
// included, unlike region.Tree.Parent).
func codeAbove(c region.Code) region.Code {
	n := map[region.Level]int{region.City: 2, region.County: 4, region.Town: 6, region.Village: 9}[region.LevelOf(c)]
	return c[:n]
}
