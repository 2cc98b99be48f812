package emergency

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// An incident declared from a sensing alert (SourceAlert) is linked to the
// event that alert opened (预警联动 → 应急指挥), whichever comes first: the
// event is opened a moment after the alert is raised (through the outbox),
// and only when the alert reaches orange, so the duty officer may declare
// before it exists. Declare links the event if it is there; LinkAlertEvent
// links the incidents when the event is opened. Both look for the other
// side after writing their audit entry, which holds the audit chain's head
// row until commit: of two at the same instant, the second waits for the
// first and sees its rows, so neither link is missed.

// linkAlertEvent links inc, declared from an alert by actor, to the event
// the alert opened, if there is one, in the transaction in ctx.
func (s *Service) linkAlertEvent(ctx context.Context, actor audit.Actor, inc *Incident) error {
	if inc.SourceAlert == "" || s.events == nil {
		return nil
	}
	ev, err := s.events.AlertEvent(ctx, string(inc.SourceAlert))
	if errs.Is(err, errs.NotFound) {
		return nil // LinkAlertEvent links it when the alert opens it
	}
	if err != nil {
		return err
	}
	_, err = s.link(ctx, actor, inc, ev, "source_alert")
	return err
}

// AlertLinker is the system actor of links made when an alert's event is
// opened after the incident was declared. Its name is a code (the
// governance domain's system actor of events opened from alerts), which
// the timeline, the audit log and the links store and pages show through
// the message catalog (system.actor.sensor_link: 感知预警联动 in Chinese);
// rows written before carry the Chinese name, which pages map too.
const AlertLinker = audit.System(governance.SystemSensorLink)

// LinkAlertEvent links ev, the event alertID has just opened, to every
// incident declared from that alert that is not closed and not linked to
// it yet, each with a timeline entry, an audit entry by AlertLinker and
// emergency.event_linked, in the transaction in ctx (the outbox
// dispatcher's, which opened the event). It returns how many it linked.
// For trusted callers: the app's alert-to-event handler.
func (s *Service) LinkAlertEvent(ctx context.Context, alertID string, ev *governance.Event) (int, error) {
	if alertID == "" || ev == nil {
		return 0, nil
	}
	incs, err := s.store.AlertIncidents(ctx, ids.ID(alertID))
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range incs {
		inc := &incs[i]
		if inc.State == Closed {
			continue
		}
		// Check rather than insert and catch the conflict: on PostgreSQL a
		// failed statement aborts the dispatcher's whole transaction.
		links, err := s.store.IncidentEventLinks(ctx, inc.ID)
		if err != nil {
			return n, err
		}
		if linkedTo(links, ev.ID) {
			continue
		}
		if _, err := s.link(ctx, AlertLinker, inc, ev, "source_alert"); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func linkedTo(links []EventLink, event ids.ID) bool {
	for _, l := range links {
		if l.EventID == event {
			return true
		}
	}
	return false
}

// LinkEventNumber links the event with number (事件编号, as people quote
// it) to an incident by commands, from the incident's command page. The
// event must lie within by's event.command scope; one outside it is
// refused exactly as an unknown number, so that its existence does not
// leak. Written as LinkEvent writes.
//
// Returns errs.NotFound for an incident outside by's command scope,
// errs.Conflict if it is closed ("emergency.closed") or the event is
// linked already ("eventsui.already_linked"), errs.Invalid
// ("event_number" field) for an empty number or an event not found within
// by's scope.
func (s *Service) LinkEventNumber(ctx context.Context, by *identity.Caller, incidentID ids.ID, number string) (*EventLink, error) {
	if s.events == nil {
		return nil, errs.E(errs.NotFound, "emergency.incident.not_found")
	}
	inc, err := s.command(ctx, by, incidentID, 0)
	if err != nil {
		return nil, err
	}
	number = clean(number)
	if number == "" {
		return nil, errs.Fields(map[string]string{"event_number": "form.required"})
	}
	ev, err := s.events.ByNumber(ctx, by, number)
	if errs.Is(err, errs.NotFound) || err == nil && identity.Authorize(by, identity.PermEventCommand, ev.Region) != nil {
		return nil, errs.Fields(map[string]string{"event_number": "evlink.event_unknown"})
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
