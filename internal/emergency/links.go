package emergency

import (
	"context"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// EventReader reads events (governance.Service).
type EventReader interface {
	// Get returns an event as by may see it; errs.NotFound when by may not.
	Get(ctx context.Context, by *identity.Caller, id ids.ID) (*governance.Event, []governance.Step, error)
	// ByNumber returns the event with a number (事件编号) as by may see it;
	// errs.NotFound when there is none or by may not see it.
	ByNumber(ctx context.Context, by *identity.Caller, number string) (*governance.Event, error)
	// AlertEvent returns the event a sensing alert opened, for trusted
	// callers; errs.NotFound if it opened none (yet).
	AlertEvent(ctx context.Context, alertID string) (*governance.Event, error)
}

// EventLink ties an event (事件: a report from the ground, or one a red
// alert opened) to the incident being run for it.
type EventLink struct {
	IncidentID    ids.ID      `json:"incident_id"`
	IncidentTitle string      `json:"incident_title"`
	IncidentState State       `json:"incident_state"`
	EventID       ids.ID      `json:"event_id"`
	EventNumber   string      `json:"event_number"`
	Category      string      `json:"category"`
	Region        region.Code `json:"region"` // the event's
	LinkedBy      string      `json:"linked_by"`
	LinkedAt      time.Time   `json:"linked_at"`
}

// changeHook is who hears that incidents changed: the cockpit's live
// stream, which recomputes the active-incident count of the regions touched.
type changeHook struct {
	mu sync.RWMutex
	fn func(regions []region.Code)
}

// OnChange sets the function called after an incident is declared or
// changes state, with its region. It is called after the commit and must
// not block.
func (s *Service) OnChange(fn func(regions []region.Code)) {
	s.hook.mu.Lock()
	s.hook.fn = fn
	s.hook.mu.Unlock()
}

func (s *Service) changed(regions ...region.Code) {
	s.hook.mu.RLock()
	fn := s.hook.fn
	s.hook.mu.RUnlock()
	if fn != nil && len(regions) > 0 {
		fn(regions)
	}
}

// LinkEvent links an event by may see to an incident by commands (event.command
// over its region, not closed), with an entry on the incident's timeline,
// an audit entry and emergency.event_linked, in one transaction.
//
// Returns errs.NotFound for an incident outside by's command scope,
// errs.Conflict if it is closed ("emergency.closed") or the event is
// linked already ("eventsui.already_linked"), errs.Invalid ("event" field)
// for an event by cannot see.
func (s *Service) LinkEvent(ctx context.Context, by *identity.Caller, incidentID, eventID ids.ID) (*EventLink, error) {
	if s.events == nil {
		return nil, errs.E(errs.NotFound, "emergency.incident.not_found")
	}
	inc, err := s.command(ctx, by, incidentID, 0)
	if err != nil {
		return nil, err
	}
	ev, _, err := s.events.Get(ctx, by, eventID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Fields(map[string]string{"event": "event.not_found"})
	}
	if err != nil {
		return nil, err
	}
	var l *EventLink
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		l, err = s.link(ctx, by, inc, ev, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// link records a link of ev to inc by actor, with a timeline entry, an
// audit entry and emergency.event_linked, in the transaction in ctx. how
// says why a link was made without a person choosing it ("source_alert":
// the incident was declared from the alert that opened the event); "" for
// a link a person made.
func (s *Service) link(ctx context.Context, actor audit.Actor, inc *Incident, ev *governance.Event, how string) (*EventLink, error) {
	now := s.clock()
	_, name := actor.AuditActor()
	l := &EventLink{IncidentID: inc.ID, IncidentTitle: inc.Title, IncidentState: inc.State, EventID: ev.ID, EventNumber: ev.Number,
		Category: ev.Category, Region: ev.Region, LinkedBy: name, LinkedAt: now}
	if err := s.store.LinkIncidentEvent(ctx, l); err != nil {
		return nil, err
	}
	kind := "event_linked"
	if how == "source_alert" {
		kind = "alert_event_linked"
	}
	if err := s.entry(ctx, actor, inc.ID, kind, ev.Number, now); err != nil {
		return nil, err
	}
	detail := map[string]any{"event": ev.ID, "number": ev.Number, "category": ev.Category}
	if how != "" {
		detail["how"] = how
		detail["source_alert"] = inc.SourceAlert
	}
	if err := s.audit.Record(ctx, actor, "emergency.event_linked", target(inc), detail); err != nil {
		return nil, err
	}
	return l, s.store.AddOutbox(ctx, "emergency.event_linked", map[string]any{"incident": inc.ID, "event": ev.ID,
		"number": ev.Number, "region": inc.Region}, now)
}

// LinkedEvents lists the events linked to an incident by may read,
// oldest link first; errs.NotFound outside by's read scope.
func (s *Service) LinkedEvents(ctx context.Context, by *identity.Caller, incidentID ids.ID) ([]EventLink, error) {
	if _, err := s.Incident(ctx, by, incidentID); err != nil {
		return nil, err
	}
	return s.store.IncidentEventLinks(ctx, incidentID)
}

// EventIncidents lists the incidents an event is linked to that by may
// read (others are left out, not refused).
func (s *Service) EventIncidents(ctx context.Context, by *identity.Caller, eventID ids.ID) ([]EventLink, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	all, err := s.store.EventIncidentLinks(ctx, eventID)
	if err != nil {
		return nil, err
	}
	var out []EventLink
	for _, l := range all {
		if inc, err := s.store.Incident(ctx, l.IncidentID); err == nil && canRead(by, inc.Region) {
			out = append(out, l)
		}
	}
	return out, nil
}
