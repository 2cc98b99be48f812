package web

import (
	"net/http"
	"strconv"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// DueLabel is the message key naming the time limit r's deadline ends:
// handling (处置时限) while dispatched or handling and after the end, the
// limit of the step it waits for otherwise (受理、审核、核查、结案时限).
func (r eventRow) DueLabel() string {
	switch r.State {
	case governance.Reported, governance.Accepted, governance.ReturnRequested, governance.Replied, governance.Verified:
		return "event.due." + string(r.State)
	}
	return "event.deadline"
}

func (s *Server) evflowRoutes(mux *http.ServeMux) {
	mux.Handle("POST /events/{id}/reveal-phone", s.errorPage(s.handleRevealPhone))
}

// handleRevealPhone shows a closed event's phone in full to the hotline
// operator calling the reporter back, once: the page is not cached and
// the next visit shows it masked again. The reveal is audited.
func (s *Server) handleRevealPhone(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	ph, err := s.governance.RevealPhone(r.Context(), caller(r), id)
	if e := errs.As(err); e != nil && (e.Code == errs.Conflict || e.Code == errs.Invalid || e.Code == errs.Forbidden) {
		return s.renderEvent(w, r, id, e)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderEvent(w, r, id, nil, func(d *eventPage) { d.Revealed = ph.Clear() })
}

// callbacksPage is how many call-backs due the hotline desk lists at once.
const callbacksPage = 50

// callbacksDue fills the hotline desk's call-backs due (回访): its hotline
// tickets closed and not yet called back, longest waiting first, a page
// at a time (?page=), selected in SQL.
func (s *Server) callbacksDue(r *http.Request, by *identity.Caller, d *reportPage) error {
	d.Page = 1
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 1 && p <= governance.MaxList/callbacksPage {
		d.Page = p
	}
	list, err := s.governance.List(r.Context(), by, governance.Query{CallbacksDue: true, Order: governance.ByClosed,
		Limit: callbacksPage + 1, Offset: (d.Page - 1) * callbacksPage})
	if err != nil {
		return err
	}
	if len(list) > callbacksPage {
		list, d.More = list[:callbacksPage], true
	}
	d.Tasks = s.eventRows(list)
	return nil
}
