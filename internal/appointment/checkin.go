package appointment

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
)

// MaxNote is the longest note counter staff may add at check-in.
const MaxNote = 200

// staffLoad loads a booking for counter staff: by must hold case.receive
// over the booking's center region. Anyone else gets errs.NotFound, as if
// the booking did not exist.
func (s *Service) staffLoad(ctx context.Context, by *identity.Caller, id ids.ID) (*Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if identity.Authorize(by, identity.PermCaseReceive, a.Region) != nil {
		return nil, errs.E(errs.NotFound, "appointment.not_found")
	}
	return a, nil
}

// CheckIn records that the person arrived (签到). If the booking names a
// case, the visit counts as one trip on it (cases.Service.RecordTrip), in
// the same transaction: both are written or neither. by must be counter
// staff whose scope covers the center's region; check-in is possible on the
// day of the booking only.
//
// Returns errs.NotFound outside by's scope, errs.Conflict when the booking
// is no longer booked (or someone checked it in meanwhile) or is for
// another day, errs.Invalid for a note longer than MaxNote.
func (s *Service) CheckIn(ctx context.Context, by *identity.Caller, id ids.ID, note string) (*Appointment, error) {
	a, err := s.staffLoad(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.mustBeBooked(a); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if dayNumber(a.Start) != dayNumber(now) {
		return nil, errs.E(errs.Conflict, "appointment.not_today")
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > MaxNote {
		return nil, errs.Fields(map[string]string{"note": "form.too_long"})
	}
	a.State, a.HandledBy, a.HandledAt, a.UpdatedAt = CheckedIn, by.UserID, now, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.MoveAppointment(ctx, a, Booked); err != nil {
			return err
		}
		if a.CaseID != "" {
			trip := "预约到场：" + a.CenterName + " " + a.CounterName + " " + a.Day + " " + a.Time.String()
			if note != "" {
				trip += "；" + note
			}
			if err := s.cases.RecordTrip(ctx, by, a.CaseID, trip); err != nil {
				return err
			}
		}
		var extra map[string]any
		if note != "" {
			extra = map[string]any{"note": note}
		}
		return s.record(ctx, by, a, "checked_in", extra)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// MarkNoShow records that the person did not come (爽约). It is possible
// once the slot has started. The seat is not freed: its time has passed.
//
// Returns errs.NotFound outside by's scope, errs.Conflict when the booking
// is no longer booked or its slot has not started yet.
func (s *Service) MarkNoShow(ctx context.Context, by *identity.Caller, id ids.ID) (*Appointment, error) {
	a, err := s.staffLoad(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.mustBeBooked(a); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if a.Start.After(now) {
		return nil, errs.E(errs.Conflict, "appointment.not_started")
	}
	a.State, a.HandledBy, a.HandledAt, a.UpdatedAt = NoShow, by.UserID, now, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.MoveAppointment(ctx, a, Booked); err != nil {
			return err
		}
		return s.record(ctx, by, a, "no_show", nil)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// CenterDay lists a center's bookings on day ("2006-01-02"; "" for today),
// in slot order, for counter staff whose scope covers the center. Days
// outside the booking window may be listed (yesterday's no-shows).
//
// Returns errs.NotFound for an unknown center or one outside by's scope,
// errs.Invalid for a malformed day.
func (s *Service) CenterDay(ctx context.Context, by *identity.Caller, centerID ids.ID, day string) ([]Appointment, error) {
	c, err := s.center(ctx, centerID)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermCaseReceive, c.Region); err != nil {
		return nil, err
	}
	d, err := s.anyDay(day)
	if err != nil {
		return nil, err
	}
	return s.store.AppointmentsOn(ctx, DayQuery{CenterID: c.ID, Day: d})
}

// CounterDay is CenterDay for one counter.
func (s *Service) CounterDay(ctx context.Context, by *identity.Caller, counterID ids.ID, day string) (*Counter, []Appointment, error) {
	if by.Anonymous() {
		return nil, nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	ct, err := s.store.Counter(ctx, counterID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.center(ctx, ct.CenterID)
	if err != nil {
		return nil, nil, err
	}
	if err := identity.Authorize(by, identity.PermCaseReceive, c.Region); err != nil {
		return nil, nil, err
	}
	d, err := s.anyDay(day)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.store.AppointmentsOn(ctx, DayQuery{CenterID: c.ID, CounterID: ct.ID, Day: d})
	return ct, list, err
}

// anyDay parses a day without the booking window's rules; "" is today.
func (s *Service) anyDay(raw string) (string, error) {
	if raw == "" {
		return s.now().In(workday.Shanghai).Format(DateLayout), nil
	}
	d, err := parseDay(raw)
	if err != nil {
		return "", err
	}
	return d.Format(DateLayout), nil
}
