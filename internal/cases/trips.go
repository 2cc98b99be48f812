package cases

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// maxTripAttempts bounds RecordTrip's retries when the case changes under
// it (an officer acting on it at the same moment).
const maxTripAttempts = 3

// RecordTrip counts one visit in person (跑动) on a case: the applicant
// came to a counter for it, for example to an appointment. It is a fact
// about the case, not a step of its workflow, so it writes no case event:
// it increments Trips under the case's version check and writes the audit
// entry ("case.trip_recorded", the applicant as subject) and an outbox
// event in one transaction, joining the transaction of ctx if there is one.
// A visit counts in any state but draft (collecting a result after the
// decision is a trip too). note says what the visit was for (at most 200
// characters are kept).
//
// by must be counter staff whose case.receive scope covers the region where
// the case was received or where it is decided. Returns errs.NotFound for
// an unknown case, a draft, or a case outside by's scope. If the case
// changes meanwhile, RecordTrip reloads it and tries again, a few times,
// before answering errs.Conflict.
func (s *Service) RecordTrip(ctx context.Context, by *identity.Caller, caseID ids.ID, note string) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	note = strings.TrimSpace(note)
	if r := []rune(note); len(r) > 200 {
		note = string(r[:200])
	}
	var err error
	for range maxTripAttempts {
		err = s.tx.Transact(ctx, func(ctx context.Context) error {
			c, err := s.load(ctx, caseID)
			if err != nil {
				return err
			}
			if c.State == Draft || identity.Authorize(by, identity.PermCaseReceive, c.ReceivedAt) != nil &&
				identity.Authorize(by, identity.PermCaseReceive, c.DecidedAt) != nil {
				return errs.E(errs.NotFound, "not_found")
			}
			c.Trips++
			c.UpdatedAt = s.now().UTC()
			c.Version++
			sealed, err := s.sealForm(c.ID, c.Form)
			if err != nil {
				return err
			}
			if err := s.store.UpdateCase(ctx, c, sealed); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, by, "case.trip_recorded", s.target(c),
				map[string]any{"number": c.Number, "trips": c.Trips, "note": note}); err != nil {
				return err
			}
			return s.store.AddOutbox(ctx, "cases.trip_recorded", map[string]any{
				"case_id": c.ID, "number": c.Number, "region": c.DecidedAt, "trips": c.Trips, "applicant": c.ApplicantID,
			}, c.UpdatedAt)
		})
		if !errs.Is(err, errs.Conflict) {
			return err
		}
	}
	return err
}
