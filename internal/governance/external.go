package governance

import (
	"context"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Reports from other systems are idempotent: a source's external ID names
// one event (the unique index gov_events_source_external, migration 00032), so a
// system that retries a report it is not sure arrived — after a timeout,
// say — gets the event it created the first time, as it is now, instead
// of a duplicate. Report answers such a retry with Outcome.Existing set
// (the API with 200 instead of 201), without a new step, audit entry or
// outbox event. Sensing alerts use their alert ID, so a redelivered alert
// opens no second event.
//
// retried is what Report returns when writing e failed on a conflict:
// the earlier event if by may see it, else errs.Conflict
// ("event.external_id_taken": another account's event has that ID).
func (s *Service) retried(ctx context.Context, by *identity.Caller, e *Event, cause error) (*Event, *Outcome, error) {
	old, err := s.store.EventByExternalID(ctx, e.Source, e.ExternalID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, cause // another conflict (the number): not a retry
	}
	if err != nil {
		return nil, nil, err
	}
	if !canSee(by, old) {
		return nil, nil, errs.Fields(map[string]string{"external_id": "event.external_id_taken"})
	}
	return old, &Outcome{Existing: true}, nil
}

// ByExternalID returns the event a source reported under its own ID, if
// by may see it. Callers that wrap Report in a transaction of their own
// look a retry up with it first: on PostgreSQL the unique violation that
// Report answers with the earlier event would abort their transaction.
//
// Returns errs.NotFound if there is none or by may not see it.
func (s *Service) ByExternalID(ctx context.Context, by *identity.Caller, source Source, externalID string) (*Event, error) {
	if externalID == "" {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	e, err := s.store.EventByExternalID(ctx, source, externalID)
	if err != nil {
		return nil, err
	}
	if !canSee(by, e) {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	return e, nil
}
