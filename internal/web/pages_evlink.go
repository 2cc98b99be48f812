package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// handleIncidentLinkEvent links the event whose number the command page's
// form names (事件编号) to the incident of the path, and goes back to the
// incident's events; a number unknown or outside the officer's region, or
// an event linked already, comes back as the form's field error.
func (s *Server) handleIncidentLinkEvent(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.emergency.LinkEventNumber(r.Context(), caller(r), id, r.PostForm.Get("event_number"))
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		if e.Fields == nil && e.Msg == "eventsui.already_linked" {
			e = &errs.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]string{"event_number": e.Msg}}
		}
		return s.renderEmergencyBoard(w, r, id, "link_event", e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency/"+string(id)+"#linked-events", http.StatusSeeOther)
	return nil
}
