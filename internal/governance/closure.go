package governance

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/region"
)

// ClosureWindow is how far back the cockpit's 30-day closure rate looks.
const ClosureWindow = 30 * 24 * time.Hour

// closureStore is the read the 30-day closure rate needs (sqlstore
// implements it).
type closureStore interface {
	// EventClosure counts the events reported within region since since,
	// and of those the ones closed.
	EventClosure(ctx context.Context, within region.Code, since time.Time) (reported, closed int, err error)
}

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
// the events reported in the last 30 days, the share closed (办结) by now.
// It complements Summary's today's closure rate (today's events closed
// today), which starts every morning at zero. Same permission and scope
// rules as CockpitSummary; call it after CockpitSummary has checked them
// for the same caller and region.
func (s *Service) Closure30(ctx context.Context, within region.Code) (Closure, error) {
	cs, ok := s.store.(closureStore)
	if !ok {
		return Closure{}, nil
	}
	rep, closed, err := cs.EventClosure(ctx, within, s.clock().Add(-ClosureWindow))
	return Closure{Reported: rep, Closed: closed}, err
}
