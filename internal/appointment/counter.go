package appointment

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Limits on a counter's settings.
const (
	EarliestOpen   = Clock(6 * 60)  // 06:00
	LatestClose    = Clock(22 * 60) // 22:00
	MinSlotMinutes = 5
	MaxSlotMinutes = 240
	MaxCapacity    = 100
)

// CounterInput is what creating or changing a counter takes.
type CounterInput struct {
	Name        string
	Departments []string // department keys; empty: every matter
	Opens       string   // "09:00"
	Closes      string   // "17:30"
	SlotMinutes int
	Capacity    int
	Active      bool // ignored on creation: a new counter is active
}

// check validates in, reporting every problem at once, and fills c.
func (in CounterInput) check(c *Counter) error {
	bad := map[string]string{}
	c.Name = strings.TrimSpace(in.Name)
	if n := len([]rune(c.Name)); n < 2 || n > 30 {
		bad["name"] = "appointment.counter_name_invalid"
	}
	c.Departments = nil
	for _, d := range in.Departments {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		if _, ok := catalog.Departments[d]; !ok {
			bad["departments"] = "appointment.department_unknown"
			continue
		}
		c.Departments = append(c.Departments, d)
	}
	opens, err1 := ParseClock(strings.TrimSpace(in.Opens))
	closes, err2 := ParseClock(strings.TrimSpace(in.Closes))
	switch {
	case err1 != nil || err2 != nil || opens < EarliestOpen || closes > LatestClose || opens >= closes:
		bad["opens"] = "appointment.hours_invalid"
	case in.SlotMinutes < MinSlotMinutes || in.SlotMinutes > MaxSlotMinutes || int(closes-opens) < in.SlotMinutes:
		bad["slot_minutes"] = "appointment.slot_minutes_invalid"
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		bad["capacity"] = "appointment.capacity_invalid"
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	c.Opens, c.Closes, c.SlotMinutes, c.Capacity = opens, closes, in.SlotMinutes, in.Capacity
	return nil
}

// mayManage checks that by may manage the counters of center: an
// administrator with org.manage over its region, or counter staff of it.
// Anyone else gets errs.NotFound (errs.Unauthenticated if anonymous).
func mayManage(by *identity.Caller, c *Center) error {
	if identity.Authorize(by, identity.PermOrgManage, c.Region) == nil {
		return nil
	}
	return identity.Authorize(by, identity.PermCaseReceive, c.Region)
}

// CreateCounter opens a counter at a center. by must hold org.manage or
// case.receive over the center's region.
//
// Returns errs.NotFound for an unknown center or one outside by's reach,
// errs.Invalid for bad settings (every field at once) or a name the center
// already uses.
func (s *Service) CreateCounter(ctx context.Context, by *identity.Caller, centerID ids.ID, in CounterInput) (*Counter, error) {
	center, err := s.center(ctx, centerID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(by, center); err != nil {
		return nil, err
	}
	return s.createCounter(ctx, by, center, in)
}

// CreateCounterAs opens a counter without an authorization check, on
// behalf of actor. Only trusted callers (demo data, command line) use it.
func (s *Service) CreateCounterAs(ctx context.Context, actor audit.Actor, centerID ids.ID, in CounterInput) (*Counter, error) {
	center, err := s.center(ctx, centerID)
	if err != nil {
		return nil, err
	}
	return s.createCounter(ctx, actor, center, in)
}

// createCounter opens a counter at center, which the caller has loaded and,
// for people, checked.
func (s *Service) createCounter(ctx context.Context, actor audit.Actor, center *Center, in CounterInput) (*Counter, error) {
	now := s.now().UTC()
	c := &Counter{ID: ids.New(), CenterID: center.ID, Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := in.check(c); err != nil {
		return nil, err
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateCounter(ctx, c); err != nil {
			return nameTaken(err)
		}
		return s.recordCounter(ctx, actor, center, c, "counter_created")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCounter changes a counter's settings. version is the counter's
// version the editor saw. Bookings already made keep their times; the new
// hours, slot length and capacity apply to the seats still free.
//
// Returns errs.NotFound as CreateCounter, errs.Invalid for bad settings and
// errs.Conflict when someone changed the counter meanwhile.
func (s *Service) UpdateCounter(ctx context.Context, by *identity.Caller, id ids.ID, version int, in CounterInput) (*Counter, error) {
	c, err := s.store.Counter(ctx, id)
	if err != nil {
		return nil, err
	}
	center, err := s.center(ctx, c.CenterID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(by, center); err != nil {
		return nil, err
	}
	if c.Version != version {
		return nil, errs.E(errs.Conflict, "appointment.counter_changed")
	}
	if err := in.check(c); err != nil {
		return nil, err
	}
	c.Active, c.Version, c.UpdatedAt = in.Active, c.Version+1, s.now().UTC()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateCounter(ctx, c); err != nil {
			return nameTaken(err)
		}
		return s.recordCounter(ctx, by, center, c, "counter_updated")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ManagedCounter returns a counter to someone who may manage it.
func (s *Service) ManagedCounter(ctx context.Context, by *identity.Caller, id ids.ID) (*Counter, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	c, err := s.store.Counter(ctx, id)
	if err != nil {
		return nil, err
	}
	center, err := s.center(ctx, c.CenterID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(by, center); err != nil {
		return nil, err
	}
	return c, nil
}

// nameTaken turns the store's unique violation into a field error.
func nameTaken(err error) error {
	if e := errs.As(err); e != nil && e.Code == errs.Conflict && e.Msg != "appointment.counter_changed" {
		return errs.Fields(map[string]string{"name": "appointment.counter_name_taken"})
	}
	return err
}

func (s *Service) recordCounter(ctx context.Context, actor audit.Actor, center *Center, c *Counter, verb string) error {
	detail := map[string]any{"center": center.Name, "name": c.Name, "opens": c.Opens.String(), "closes": c.Closes.String(),
		"slot_minutes": c.SlotMinutes, "capacity": c.Capacity, "active": c.Active, "departments": c.Departments}
	t := audit.Target{Type: "appointment_counter", ID: string(c.ID), Region: string(center.Region)}
	if err := s.audit.Record(ctx, actor, "appointment."+verb, t, detail); err != nil {
		return err
	}
	return s.store.AddOutbox(ctx, "appointments."+verb, map[string]any{
		"counter_id": c.ID, "center_id": center.ID, "region": center.Region, "version": c.Version,
	}, c.UpdatedAt)
}

// Hours describes the counter's schedule as "09:00–17:30".
func (c *Counter) Hours() string { return c.Opens.String() + "–" + c.Closes.String() }
