package governance

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// AlertEvent returns the event a sensing alert opened (OpenFromAlert: the
// sensor event whose external ID is the alert's), for trusted callers: the
// emergency domain linking an incident declared from that alert.
//
// Returns errs.NotFound ("event.not_found") if the alert opened no event,
// or none yet (the outbox delivers alerts a moment after they are raised).
func (s *Service) AlertEvent(ctx context.Context, alertID string) (*Event, error) {
	if alertID == "" {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	list, err := s.store.Events(ctx, Query{Public: true, Source: SourceSensor, ExternalID: alertID, Order: ByCreated, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	return &list[0], nil
}

// ByNumber returns the event with the number people quote (事件编号) if by
// may see it (as Get); errs.NotFound ("event.not_found") otherwise, and for
// an empty number.
func (s *Service) ByNumber(ctx context.Context, by *identity.Caller, number string) (*Event, error) {
	number = strings.TrimSpace(number)
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if number == "" || len(number) > 40 {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	list, err := s.List(ctx, by, Query{Number: number, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	return &list[0], nil
}
