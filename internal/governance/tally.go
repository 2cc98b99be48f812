package governance

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// Summary is the cockpit's count of events in a region scope.
type Summary struct {
	Today       int // events reported today (Asia/Shanghai)
	TodayClosed int // of those, closed
	Open        int // events in hand now
	Overdue     int // open events past their deadline
	Rated       int // events rated in the last 30 days (Window.Since on)
	Satisfied   int // of those, rated 4 or 5
	Reported30  int // events reported in the last 30 days (Window.Since on)
	Closed30    int // of those, closed by now
}

// ClosedShare is the share of today's events already closed, 0–1.
func (s Summary) ClosedShare() float64 {
	if s.Today == 0 {
		return 0
	}
	return float64(s.TodayClosed) / float64(s.Today)
}

// Satisfaction is the share of ratings of 4 or 5 in the last 30 days, 0–1.
func (s Summary) Satisfaction() float64 {
	if s.Rated == 0 {
		return 0
	}
	return float64(s.Satisfied) / float64(s.Rated)
}

// Closure30 is the 30-day closure rate of the summary.
func (s Summary) Closure30() Closure { return Closure{Reported: s.Reported30, Closed: s.Closed30} }

// WindowDays is how many calendar days (Asia/Shanghai, today included) the
// cockpit's 30-day figures cover: satisfaction and the closure rate.
const WindowDays = 30

// Window is the time frame of the cockpit's figures: calendar days in
// Asia/Shanghai, so that they can be summed from per-day counts.
type Window struct {
	Today time.Time // the start of today (Asia/Shanghai)
	Since time.Time // the start of the 30-day window: WindowDays-1 days before Today
	Now   time.Time // overdue means a deadline before Now
}

// WindowAt is the cockpit's window at now.
func WindowAt(now time.Time) Window {
	l := now.In(shanghai)
	day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, shanghai)
	return Window{Today: day.UTC(), Since: day.AddDate(0, 0, -(WindowDays - 1)).UTC(), Now: now.UTC()}
}

// authorizeCockpit resolves the region a cockpit figure is read for ("" is
// by's first scope of an event permission) and checks that by may read it.
func authorizeCockpit(by *identity.Caller, within region.Code) (region.Code, error) {
	if by.Anonymous() {
		return "", errs.E(errs.Unauthenticated, "auth.required")
	}
	if within == "" {
		for _, p := range eventPerms {
			if sc := by.Scopes(p); len(sc) > 0 {
				within = sc[0]
				break
			}
		}
		if within == "" {
			return "", errs.E(errs.Forbidden, "auth.forbidden")
		}
	}
	for _, p := range eventPerms {
		if identity.Authorize(by, p, within) == nil {
			return within, nil
		}
	}
	return "", errs.E(errs.NotFound, "not_found")
}

// CockpitSummary counts events within region for the cockpit (粤治慧):
// today's events and their closed share, open and overdue events,
// satisfaction and the closure rate over the last 30 days. by must hold
// an event permission over region; region "" means the caller's first
// such scope. The counts are sums of pre-aggregated per-day rows (see
// migration 00038), exact at every moment.
//
// Returns errs.NotFound for a region outside by's scope and
// errs.Forbidden for callers without such a permission.
func (s *Service) CockpitSummary(ctx context.Context, by *identity.Caller, within region.Code) (Summary, error) {
	within, err := authorizeCockpit(by, within)
	if err != nil {
		return Summary{}, err
	}
	return s.store.EventSummary(ctx, within, WindowAt(s.clock()))
}

// CockpitChildren counts the events of each child region of parent (the
// cities of the province, a city's counties, …, as region.Tree.Children
// lists them: 东莞's towns) for the cockpit's map and drill-down tables, in
// the tree's order. Same permission and scope rules as CockpitSummary, for
// parent.
func (s *Service) CockpitChildren(ctx context.Context, by *identity.Caller, parent region.Code) ([]RegionSummary, error) {
	parent, err := authorizeCockpit(by, parent)
	if err != nil {
		return nil, err
	}
	kids := s.regions.Children(parent)
	codes := make([]region.Code, len(kids))
	for i, k := range kids {
		codes[i] = k.Code
	}
	m, err := s.store.EventSummaries(ctx, codes, WindowAt(s.clock()))
	if err != nil {
		return nil, err
	}
	out := make([]RegionSummary, len(kids))
	for i, k := range kids {
		out[i] = RegionSummary{Region: k.Code, Name: k.Name, Summary: m[k.Code]}
	}
	return out, nil
}

// RegionSummary is a region's Summary with its name.
type RegionSummary struct {
	Region region.Code
	Name   string
	Summary
}
