package appointment

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Booking is what a person asks for.
type Booking struct {
	CounterID ids.ID
	Start     time.Time // the slot's start
	ItemCode  string    // optional: the service item the visit is for
	CaseID    ids.ID    // optional: one of the person's open cases
}

// Book takes a seat in a counter's slot for a person or an enterprise
// agent. Every problem with the request is reported at once.
//
// Returns errs.Unauthenticated for anonymous callers, errs.Forbidden for
// staff and system accounts, errs.NotFound for an unknown or closed
// counter, errs.Invalid (422) for a slot that has started or passed, a day
// off, a day more than BookingDays ahead, a time that is not one of the
// counter's slots, an unknown item or one the counter does not serve, and a
// case that is not the caller's, not open, or handled elsewhere;
// errs.Conflict (409) when the slot is full or the caller already holds a
// booking at that time.
func (s *Service) Book(ctx context.Context, by *identity.Caller, b Booking) (*Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if by.Kind != identity.KindPerson && by.Kind != identity.KindEnterprise {
		return nil, errs.E(errs.Forbidden, "appointment.persons_only")
	}
	ct, center, err := s.openCounter(ctx, b.CounterID)
	if err != nil {
		return nil, err
	}
	return s.book(ctx, by, by, ct, center, b)
}

// BookFor books a slot for a person at a counter or on the telephone
// (代办预约, for those who cannot book themselves). by must be counter
// staff whose scope covers the counter's center; the person is found by the
// ID number they give (audited with their consent) or by username, and the
// booking is theirs, recorded as made by by.
//
// Returns errs.NotFound for an unknown or closed counter or one outside by's
// scope, errs.Invalid without consent or for an applicant not found, and
// otherwise as Book.
func (s *Service) BookFor(ctx context.Context, by *identity.Caller, applicant, consent string, b Booking) (*Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	ct, center, err := s.openCounter(ctx, b.CounterID)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermCaseReceive, center.Region); err != nil {
		return nil, err
	}
	if strings.TrimSpace(consent) == "" {
		return nil, errs.Fields(map[string]string{"consent": "case.consent_required"})
	}
	var u *identity.User
	if _, perr := identity.ParseIDNumberAt(applicant, s.now()); perr == nil {
		u, err = s.id.CounterApplicant(ctx, by, applicant, consent)
	} else {
		u, err = s.id.UserByUsername(ctx, strings.TrimSpace(applicant))
		if err == nil && u.Kind != identity.KindPerson {
			err = errs.E(errs.NotFound, "not_found")
		}
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Fields(map[string]string{"applicant": "case.applicant_unknown"})
		}
		return nil, err
	}
	person := &identity.Caller{UserID: u.ID, Username: u.Username, Name: u.DisplayName, Kind: u.Kind, PersonID: u.PersonID}
	return s.book(ctx, by, person, ct, center, b)
}

// openCounter loads an active counter and its center; errs.NotFound
// ("appointment.counter.not_found") for an unknown or inactive counter.
func (s *Service) openCounter(ctx context.Context, id ids.ID) (*Counter, *Center, error) {
	ct, err := s.store.Counter(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !ct.Active {
		return nil, nil, errs.E(errs.NotFound, "appointment.counter.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	center, err := s.center(ctx, ct.CenterID)
	if err != nil {
		return nil, nil, err
	}
	return ct, center, nil
}

// book books a slot of ct at center for the person by, on behalf of actor
// (the person themselves, or counter staff).
func (s *Service) book(ctx context.Context, actor audit.Actor, by *identity.Caller, ct *Counter, center *Center, b Booking) (*Appointment, error) {
	a := &Appointment{ID: ids.New(), CounterID: ct.ID, CenterID: center.ID, Region: center.Region,
		CounterName: ct.Name, CenterName: center.Name, UserID: by.UserID, PersonID: by.PersonID,
		EnterpriseID: by.EnterpriseID, Name: by.Name, State: Booked}
	bad := map[string]string{}
	var args []any
	if err := s.checkSlot(ct, b.Start, a); err != nil {
		e := errs.As(err)
		for k, v := range e.Fields {
			bad[k] = v
		}
		args = e.Args
	}
	if b.CaseID != "" {
		if key := s.checkCase(ctx, by, center, b.CaseID, b.ItemCode, a); key != "" {
			bad["case_id"] = key
		}
	}
	// The item named, or the case's: the counter must serve it.
	if key := s.checkItem(ctx, ct, cmp.Or(strings.TrimSpace(b.ItemCode), a.ItemCode), a); key != "" {
		field := "item_code"
		if strings.TrimSpace(b.ItemCode) == "" {
			field = "case_id"
		}
		bad[field] = key
	}
	switch {
	case len(bad) == 1:
		for k, v := range bad {
			return nil, &errs.Error{Code: errs.Invalid, Msg: v, Args: args, Fields: map[string]string{k: v}}
		}
	case len(bad) > 1:
		return nil, &errs.Error{Code: errs.Invalid, Msg: "validation.failed", Args: args, Fields: bad}
	}
	now := s.now().UTC()
	a.CreatedAt, a.UpdatedAt = now, now
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.TakeSeat(ctx, ct.ID, a.Day, a.Time.String(), ct.Capacity); err != nil {
			return err
		}
		if err := s.store.CreateAppointment(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, actor, a, "booked", nil)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// checkSlot checks that start is one of the counter's slots, on a day that
// may be booked, not yet started, and fills a's slot.
func (s *Service) checkSlot(ct *Counter, start time.Time, a *Appointment) error {
	if start.IsZero() {
		return invalid("start", "appointment.slot_unknown")
	}
	if err := s.checkDay(start, "start"); err != nil {
		return err
	}
	for _, sl := range ct.SlotsOn(start) {
		if sl.Start.Equal(start) {
			if !sl.Start.After(s.now()) {
				return invalid("start", "appointment.past")
			}
			a.Day, a.Time, a.Start, a.End = sl.Day, sl.Time, sl.Start.UTC(), sl.End.UTC()
			return nil
		}
	}
	return invalid("start", "appointment.slot_unknown")
}

// checkItem checks that the item exists and the counter serves it, and
// fills a's item. It returns a message key, "" when all is well.
func (s *Service) checkItem(ctx context.Context, ct *Counter, code string, a *Appointment) string {
	if code == "" {
		return ""
	}
	it, err := s.catalog.Item(ctx, code)
	if err != nil {
		return "appointment.item_unknown"
	}
	if !ct.Serves(it.Department) {
		return "appointment.item_not_served"
	}
	a.ItemCode, a.ItemName = it.Code, it.Name
	return ""
}

// checkCase checks that the case is the caller's own, still being handled,
// and received or decided within the center's region (so that the
// center's staff may record the visit on it). It fills a's case, and its
// item when none was given. It returns a message key, "" when all is well.
func (s *Service) checkCase(ctx context.Context, by *identity.Caller, center *Center, id ids.ID, item string, a *Appointment) string {
	if !ids.Valid(string(id)) {
		return "appointment.case_unknown"
	}
	c, _, err := s.cases.Get(ctx, by, id)
	if err != nil || c.ApplicantID != by.UserID {
		return "appointment.case_unknown"
	}
	if !c.Open() {
		return "appointment.case_not_open"
	}
	if !region.Within(c.ReceivedAt, center.Region) && !region.Within(c.DecidedAt, center.Region) {
		return "appointment.case_elsewhere"
	}
	if item = strings.TrimSpace(item); item != "" && !strings.EqualFold(item, c.ItemCode) {
		return "appointment.case_item_mismatch"
	}
	a.CaseID, a.ItemCode, a.ItemName = c.ID, c.ItemCode, c.ItemName
	return ""
}

// Mine lists the caller's bookings, latest slot first.
func (s *Service) Mine(ctx context.Context, by *identity.Caller, limit int) ([]Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.AppointmentsOf(ctx, by.UserID, limit)
}

// Cancel cancels one of the caller's bookings and frees its seat. It is
// allowed until the slot starts.
//
// Returns errs.NotFound for a booking that is not the caller's,
// errs.Conflict when it is no longer booked (cancelled, checked in, no-show)
// or its slot has started.
func (s *Service) Cancel(ctx context.Context, by *identity.Caller, id ids.ID) (*Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != by.UserID {
		return nil, errs.E(errs.NotFound, "appointment.not_found")
	}
	if err := s.mustBeBooked(a); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if !a.Start.After(now) {
		return nil, errs.E(errs.Conflict, "appointment.started")
	}
	a.State, a.UpdatedAt = Cancelled, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.MoveAppointment(ctx, a, Booked); err != nil {
			return err
		}
		if err := s.store.ReleaseSeat(ctx, a.CounterID, a.Day, a.Time.String()); err != nil {
			return err
		}
		return s.record(ctx, by, a, "cancelled", nil)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Get returns a booking to its owner or to counter staff covering its
// center (errs.NotFound for anyone else).
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Appointment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.UserID != by.UserID && identity.Authorize(by, identity.PermCaseReceive, a.Region) != nil {
		return nil, errs.E(errs.NotFound, "appointment.not_found")
	}
	return a, nil
}

func (s *Service) load(ctx context.Context, id ids.ID) (*Appointment, error) {
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "appointment.not_found")
	}
	a, err := s.store.Appointment(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.NotFound, "appointment.not_found")
	}
	return a, err
}

// mustBeBooked answers errs.Conflict naming the booking's state when it is
// no longer booked.
func (s *Service) mustBeBooked(a *Appointment) error {
	if a.State != Booked {
		return errs.WithArgs(errs.Conflict, "appointment.not_booked", errs.Key("appointment.state."+string(a.State)))
	}
	return nil
}

// record writes the audit entry (the person as subject) and the outbox
// event of a change of a, in the transaction of ctx.
func (s *Service) record(ctx context.Context, by audit.Actor, a *Appointment, verb string, extra map[string]any) error {
	detail := map[string]any{"center": a.CenterName, "counter": a.CounterName, "day": a.Day, "time": a.Time.String()}
	if a.ItemCode != "" {
		detail["item"] = a.ItemCode
	}
	if a.CaseID != "" {
		detail["case_id"] = a.CaseID
	}
	for k, v := range extra {
		detail[k] = v
	}
	t := audit.Target{Type: "appointment", ID: string(a.ID), Region: string(a.Region), Subject: string(a.PersonID)}
	if err := s.audit.Record(ctx, by, "appointment."+verb, t, detail); err != nil {
		return err
	}
	return s.store.AddOutbox(ctx, "appointments."+verb, map[string]any{
		"appointment_id": a.ID, "counter_id": a.CounterID, "center_id": a.CenterID, "region": a.Region,
		"day": a.Day, "time": a.Time.String(), "state": a.State, "user_id": a.UserID, "case_id": a.CaseID,
	}, a.UpdatedAt)
}
