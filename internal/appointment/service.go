package appointment

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence appointments need. Methods run in the
// transaction of ctx when there is one.
type Store interface {
	// CreateCounter inserts c; errs.Conflict if its center already has a
	// counter of that name.
	CreateCounter(ctx context.Context, c *Counter) error
	// UpdateCounter writes c if the stored version is c.Version-1, else
	// errs.Conflict ("appointment.counter_changed"); errs.Conflict also for
	// a name taken by another counter of the center.
	UpdateCounter(ctx context.Context, c *Counter) error
	// Counter returns one counter; errs.NotFound if absent.
	Counter(ctx context.Context, id ids.ID) (*Counter, error)
	// CountersOf lists the counters of the given centers, inactive ones
	// too, by center and then by name (one query for a list of centers).
	CountersOf(ctx context.Context, centerIDs ...ids.ID) ([]Counter, error)

	// TakeSeat takes one seat of a counter's slot (day "2006-01-02", at
	// "09:00") if fewer than capacity are taken, atomically: concurrent
	// callers never take more than capacity seats together. Returns
	// errs.Conflict ("appointment.slot_full") when the slot is full.
	TakeSeat(ctx context.Context, counterID ids.ID, day, at string, capacity int) error
	// ReleaseSeat gives a seat of a slot back.
	ReleaseSeat(ctx context.Context, counterID ids.ID, day, at string) error
	// SeatsTaken returns the seats taken on day at a center's counters, by
	// counter and slot start ("09:00").
	SeatsTaken(ctx context.Context, centerID ids.ID, day string) (map[ids.ID]map[string]int, error)

	// CreateAppointment inserts a booking; errs.Conflict
	// ("appointment.duplicate") if the same account already holds a booking
	// starting at the same time on that day.
	CreateAppointment(ctx context.Context, a *Appointment) error
	// Appointment returns one booking; errs.NotFound if absent.
	Appointment(ctx context.Context, id ids.ID) (*Appointment, error)
	// MoveAppointment writes a's state, handler and update time if the
	// stored state is still from; errs.Conflict ("appointment.changed")
	// otherwise, so of two people acting at once exactly one wins.
	MoveAppointment(ctx context.Context, a *Appointment, from State) error
	// AppointmentsOf lists an account's bookings, latest slot first.
	AppointmentsOf(ctx context.Context, userID ids.ID, limit int) ([]Appointment, error)
	// AppointmentsOn lists the bookings of a day at a center (or at one of
	// its counters when q.CounterID is set), in slot order.
	AppointmentsOn(ctx context.Context, q DayQuery) ([]Appointment, error)

	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

// DayQuery selects a day's bookings.
type DayQuery struct {
	CenterID  ids.ID
	CounterID ids.ID // optional
	Day       string
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// BookingDays is how far ahead a slot may be booked: from today to the
// same date BookingDays later.
const BookingDays = 14

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Tx       Transactor
	Audit    *audit.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Cases    *cases.Service
	Calendar *workday.Calendar
	Regions  *region.Tree
	Now      func() time.Time
}

// Service books and handles appointments at service counters.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	id      *identity.Service
	catalog *catalog.Service
	cases   *cases.Service
	cal     *workday.Calendar
	regions *region.Tree
	now     func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, id: d.Identity, catalog: d.Catalog, cases: d.Cases,
		cal: d.Calendar, regions: d.Regions, now: d.Now}
}

// Now is the service's clock (pages use it to offer days).
func (s *Service) Now() time.Time { return s.now() }

// center loads an organisation of kind center; errs.NotFound for anything
// else.
func (s *Service) center(ctx context.Context, id ids.ID) (*Center, error) {
	o, err := s.id.Organization(ctx, id)
	if err != nil || o.Kind != identity.OrgCenter {
		if err == nil || errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.NotFound, "appointment.center_not_found")
		}
		return nil, err
	}
	return &Center{ID: o.ID, Name: o.Name, Region: o.Region}, nil
}

// Center returns a center with its active counters (public information).
// Returns errs.NotFound if id is not a service center.
func (s *Service) Center(ctx context.Context, id ids.ID) (*Center, error) {
	c, err := s.center(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.withCounters(ctx, []*Center{c}, true); err != nil {
		return nil, err
	}
	return c, nil
}

// withCounters fills the centers' counters (only the active ones if
// activeOnly) with one query for all of them.
func (s *Service) withCounters(ctx context.Context, cs []*Center, activeOnly bool) error {
	if len(cs) == 0 {
		return nil
	}
	centerIDs := make([]ids.ID, len(cs))
	for i, c := range cs {
		centerIDs[i] = c.ID
	}
	all, err := s.store.CountersOf(ctx, centerIDs...)
	if err != nil {
		return err
	}
	byCenter := map[ids.ID][]Counter{}
	for _, ct := range all {
		if ct.Active || !activeOnly {
			byCenter[ct.CenterID] = append(byCenter[ct.CenterID], ct)
		}
	}
	for _, c := range cs {
		c.Counters = byCenter[c.ID]
	}
	return nil
}

// Centers lists the service centers that lie within code or whose region
// contains it (the district's center serves its streets), each with its
// active counters, in region order. An empty code lists every center.
// Public information: no caller needed.
func (s *Service) Centers(ctx context.Context, code region.Code) ([]Center, error) {
	return s.centers(ctx, true, func(o *identity.Organization) bool {
		return code == "" || region.Within(o.Region, code) || region.Within(code, o.Region)
	}, "")
}

// StaffCenters lists the centers within the regions where by holds one of
// perms (case.receive for handling bookings; with org.manage too for
// managing counters), with all their counters, the caller's own
// organisation first. Returns errs.Forbidden if by holds none of perms
// anywhere (errs.Unauthenticated if anonymous).
func (s *Service) StaffCenters(ctx context.Context, by *identity.Caller, perms ...identity.Permission) ([]Center, error) {
	holds := func(code region.Code) bool {
		for _, p := range perms {
			if identity.Authorize(by, p, code) == nil {
				return true
			}
		}
		return false
	}
	if !holds("") {
		return nil, identity.Authorize(by, perms[0], "")
	}
	return s.centers(ctx, false, func(o *identity.Organization) bool { return holds(o.Region) }, by.OrgID)
}

// centers lists the centers that pass keep, with their counters (only the
// active ones if activeOnly), first the one with ID first (if any), then
// in region order.
func (s *Service) centers(ctx context.Context, activeOnly bool, keep func(*identity.Organization) bool, first ids.ID) ([]Center, error) {
	orgs, err := s.id.Organizations(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Center
	for i := range orgs {
		if o := &orgs[i]; o.Kind == identity.OrgCenter && keep(o) {
			out = append(out, &Center{ID: o.ID, Name: o.Name, Region: o.Region})
		}
	}
	if err := s.withCounters(ctx, out, activeOnly); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *Center) int {
		if (a.ID == first) != (b.ID == first) {
			if a.ID == first {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Region, b.Region)
	})
	list := make([]Center, len(out))
	for i, c := range out {
		list[i] = *c
	}
	return list, nil
}

// day parses a day and checks the booking window: not before today, at
// most BookingDays ahead, a working day. Errors are errs.Invalid with the
// rule's sentence, on the field "date".
func (s *Service) day(raw string) (time.Time, error) {
	d, err := parseDay(raw)
	if err != nil {
		return time.Time{}, err
	}
	return d, s.checkDay(d, "date")
}

// parseDay reads "2006-01-02" as midnight in Shanghai.
func parseDay(raw string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, strings.TrimSpace(raw), workday.Shanghai)
	if err != nil {
		return time.Time{}, invalid("date", "appointment.date_invalid")
	}
	return d, nil
}

func (s *Service) checkDay(d time.Time, field string) error {
	today := dayNumber(s.now())
	n := dayNumber(d)
	switch {
	case n < today:
		return invalid(field, "appointment.past")
	case n > today+BookingDays:
		return &errs.Error{Code: errs.Invalid, Msg: "appointment.too_far", Args: []any{BookingDays},
			Fields: map[string]string{field: "appointment.too_far"}}
	case !s.cal.IsWorkday(d):
		return invalid(field, "appointment.not_workday")
	}
	return nil
}

// dayNumber numbers the date of t in Shanghai (days since 1970-01-01).
func dayNumber(t time.Time) int {
	y, m, d := t.In(workday.Shanghai).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// invalid is an errs.Invalid whose sentence is the rule itself, so that
// the answer's detail names it, and whose field carries it too.
func invalid(field, key string) error {
	return &errs.Error{Code: errs.Invalid, Msg: key, Fields: map[string]string{field: key}}
}

// Days lists the days that may be booked now: the working days from today
// to BookingDays ahead. (Today stays in the list even when its last slot
// has started; its slots then show as not bookable.)
func (s *Service) Days() []time.Time {
	now := s.now().In(workday.Shanghai)
	y, m, d := now.Date()
	var out []time.Time
	for i := 0; i <= BookingDays; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, workday.Shanghai)
		if s.cal.IsWorkday(day) {
			out = append(out, day)
		}
	}
	return out
}

// Slots returns a center's counters with their slots on day
// ("2006-01-02"), seats taken and whether each can still be booked.
// Public information. Returns errs.NotFound for an unknown center and
// errs.Invalid (field "date") for a malformed day, a past day, a day more
// than BookingDays ahead or a day off.
func (s *Service) Slots(ctx context.Context, centerID ids.ID, day string) (*Center, []CounterSlots, error) {
	c, err := s.Center(ctx, centerID)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.day(day)
	if err != nil {
		return nil, nil, err
	}
	taken, err := s.store.SeatsTaken(ctx, c.ID, d.Format(DateLayout))
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	out := make([]CounterSlots, 0, len(c.Counters))
	for _, ct := range c.Counters {
		slots := ct.SlotsOn(d)
		for i := range slots {
			sl := &slots[i]
			sl.Booked = taken[ct.ID][sl.Time.String()]
			sl.Bookable = sl.Start.After(now) && sl.Remaining() > 0
		}
		out = append(out, CounterSlots{Counter: ct, Slots: slots})
	}
	return c, out, nil
}
