package governance

import (
	"context"

	"github.com/digigov/digigov/internal/region"
)

// Closure is a closure rate over a window: of the events reported in it,
// the share closed by now.
type Closure struct {
	Reported int
	Closed   int
}

// Rate is Closed / Reported, 0–1 (0 when nothing was reported).
func (c Closure) Rate() float64 {
	if c.Reported == 0 {
		return 0
	}
	return float64(c.Closed) / float64(c.Reported)
}

// Closure30 is the 30-day closure rate within region for the cockpit: of
// the events reported in the last 30 calendar days (WindowDays, today
// included), the share closed (办结) by now. It complements Summary's
// today's closure rate (today's events closed today), which starts every
// morning at zero. CockpitSummary carries the same figures (Summary.
// Closure30) and checks the caller; this reads them without a caller, for
// callers that checked already.
func (s *Service) Closure30(ctx context.Context, within region.Code) (Closure, error) {
	sum, err := s.store.EventSummary(ctx, within, WindowAt(s.clock()))
	return sum.Closure30(), err
}
