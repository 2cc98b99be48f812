package cases

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// Grouping is how measures are broken down.
type Grouping string

const (
	ByItem      Grouping = "item"
	ByAuthority Grouping = "authority"
	ByCity      Grouping = "city"
	ByCounty    Grouping = "county"
)

// Measure is what the plan's 一网通办 targets are read from, for one group
// of cases (submitted cases only; drafts do not count).
type Measure struct {
	Key, Label     string
	Cases          int     // submitted
	Completed      int     // 办结
	Online         int     // applied online (网办)
	ZeroTrip       int     // no visit in person (零跑动)
	Trips          int     // visits in person, total
	HighFreq       int     // cases of high-frequency items
	HighFreqZero   int     // of which without a visit
	Overdue        int     // completed after, or still open past, the promised date
	HandlingDays   float64 // average calendar days from acceptance to completion
	HandlingSample int     // completed cases with both dates
}

// OnlineShare is the share of cases applied online.
func (m Measure) OnlineShare() float64 { return ratio(m.Online, m.Cases) }

// ZeroTripShare is the share of cases without a visit in person.
func (m Measure) ZeroTripShare() float64 { return ratio(m.ZeroTrip, m.Cases) }

// HighFreqZeroTripShare is the share of high-frequency cases without a
// visit: the plan's "100% 零跑动" target.
func (m Measure) HighFreqZeroTripShare() float64 { return ratio(m.HighFreqZero, m.HighFreq) }

// TripsPerCase is the average number of visits.
func (m Measure) TripsPerCase() float64 { return ratio(m.Trips, m.Cases) }

// OverdueShare is the share of cases past their promised date.
func (m Measure) OverdueShare() float64 { return ratio(m.Overdue, m.Cases) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// MeasureStore is the aggregation the store provides.
type MeasureStore interface {
	// CaseMeasures aggregates submitted cases decided within one of
	// scopes, grouped as asked, with open cases past now counted overdue.
	CaseMeasures(ctx context.Context, scopes []region.Code, g Grouping, now time.Time) ([]Measure, error)
}

// Measures computes the 一网通办 measures within the caller's reach: the
// regions where they may view the cockpit or read the audit log (leaders,
// department heads, administrators).
func (s *Service) Measures(ctx context.Context, by *identity.Caller, g Grouping) ([]Measure, error) {
	var scopes []region.Code
	for _, p := range []identity.Permission{identity.PermCockpit, identity.PermAuditRead} {
		scopes = append(scopes, by.Scopes(p)...)
	}
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermCockpit, "")
	}
	switch g {
	case ByItem, ByAuthority, ByCity, ByCounty:
	default:
		return nil, errs.Fields(map[string]string{"by": "measures.grouping_invalid"})
	}
	return s.store.CaseMeasures(ctx, scopes, g, s.now().UTC())
}

// Total sums measures into one.
func Total(ms []Measure) Measure {
	var t Measure
	var days float64
	for _, m := range ms {
		t.Cases += m.Cases
		t.Completed += m.Completed
		t.Online += m.Online
		t.ZeroTrip += m.ZeroTrip
		t.Trips += m.Trips
		t.HighFreq += m.HighFreq
		t.HighFreqZero += m.HighFreqZero
		t.Overdue += m.Overdue
		days += m.HandlingDays * float64(m.HandlingSample)
		t.HandlingSample += m.HandlingSample
	}
	if t.HandlingSample > 0 {
		t.HandlingDays = days / float64(t.HandlingSample)
	}
	return t
}
