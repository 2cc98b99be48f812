package governance

import (
	"context"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// RevealPhone returns the full phone number of a closed event's reporter
// to a hotline operator who calls them back (回访): anywhere else the number
// is only ever shown masked. Every reveal is written to the audit log
// (event.phone_reveal, with the event's number and state; never the
// number itself) before the number is returned. The pages show the
// event's typed texts (description, reply, comments) in clear on that
// answer too, which the entry says ("texts"): everywhere else numbers in
// them are masked.
//
// Returns errs.NotFound if the event is outside by's reach,
// errs.Forbidden without event.callback over its region, errs.Conflict
// ("event.callback_not_due") unless the event is closed, and errs.Invalid
// ("event.no_phone") when the reporter left no number.
func (s *Service) RevealPhone(ctx context.Context, by *identity.Caller, id ids.ID) (identity.Phone, error) {
	if by.Anonymous() {
		return "", errs.E(errs.Unauthenticated, "auth.required")
	}
	e, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	if !canSee(by, e) {
		return "", errs.E(errs.NotFound, "event.not_found")
	}
	if identity.Authorize(by, identity.PermEventCallback, e.Region) != nil {
		return "", errs.E(errs.Forbidden, "event.not_yours")
	}
	if e.State != Closed {
		return "", errs.E(errs.Conflict, "event.callback_not_due")
	}
	if e.Phone == "" {
		return "", errs.E(errs.Invalid, "event.no_phone")
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		return s.audit.Record(ctx, by, "event.phone_reveal", target(e), map[string]any{"number": e.Number, "state": e.State,
			"purpose": "callback", "rated": e.Rating != 0, "texts": true})
	})
	if err != nil {
		return "", err
	}
	return e.Phone, nil
}

// CanRevealPhone reports whether by may reveal e's phone now (for the
// page's button).
func (s *Service) CanRevealPhone(by *identity.Caller, e *Event) bool {
	return !by.Anonymous() && e.State == Closed && e.Phone != "" && canSee(by, e) &&
		identity.Authorize(by, identity.PermEventCallback, e.Region) == nil
}
