package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Events and incidents (事件 ↔ 突发事件): the event page lists the incidents
// an event is linked to and lets a duty officer link it to an active one;
// the incident's command page lists its events.

// eventIncidents is the event page's incidents panel.
type eventIncidents struct {
	Links  []emergency.EventLink
	Active []emergency.Incident // incidents the viewer may link this event to
}

// eventIncidentsOf reads the panel for e; nil without the emergency domain.
func (s *Server) eventIncidentsOf(r *http.Request, e *governance.Event) (*eventIncidents, error) {
	if s.emergency == nil {
		return nil, nil
	}
	by := caller(r)
	if by.Kind != identity.KindStaff {
		return nil, nil
	}
	links, err := s.emergency.EventIncidents(r.Context(), by, e.ID)
	if err != nil {
		return nil, err
	}
	for i := range links {
		links[i].IncidentTitle = identity.ScrubText(links[i].IncidentTitle)
	}
	d := &eventIncidents{Links: links}
	if identity.Authorize(by, identity.PermEventCommand, "") == nil {
		list, err := s.emergency.Incidents(r.Context(), by, []emergency.State{emergency.Declared, emergency.Responding}, 100)
		if err != nil {
			return nil, err
		}
		linked := map[ids.ID]bool{}
		for _, l := range links {
			linked[l.IncidentID] = true
		}
		for _, inc := range list {
			if emergency.CanCommand(by, &inc) && !linked[inc.ID] {
				scrubIncident(&inc)
				d.Active = append(d.Active, inc)
			}
		}
	}
	if len(d.Links) == 0 && len(d.Active) == 0 {
		return nil, nil
	}
	return d, nil
}

// handleEventLinkIncident links the event of the path to the incident the
// form names, and goes back to the event.
func (s *Server) handleEventLinkIncident(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if s.emergency == nil {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.emergency.LinkEvent(r.Context(), caller(r), ids.ID(r.PostForm.Get("incident")), id)
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		if e.Fields == nil {
			e = &errs.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]string{"incident": e.Msg}}
		}
		return s.renderEvent(w, r, id, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/events/"+string(id)+"#incidents", http.StatusSeeOther)
	return nil
}
