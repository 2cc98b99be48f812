package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// governanceRoutes registers the event pages, the event API and Open311
// (一网统管).
func (s *Server) governanceRoutes(mux *http.ServeMux, api huma.API) {
	// Reporting: the portal's form, the grid worker's patrol page and the
	// 12345 operator's desk are one form in three modes.
	mux.Handle("GET /events/new", s.errorPage(s.handleReportForm))
	mux.Handle("POST /events/new", s.errorPage(s.handleReport))
	mux.Handle("GET /grid", s.errorPage(s.handleReportForm))
	mux.Handle("GET /hotline", s.errorPage(s.handleReportForm))
	mux.Handle("GET /events/mine", s.errorPage(s.handleMyEvents))
	mux.Handle("GET /events/{id}", s.errorPage(s.handleEvent))
	mux.Handle("POST /events/{id}/act", s.errorPage(s.handleEventAct))
	mux.Handle("GET /events/{id}/photos/{sha}", s.errorPage(s.handleEventPhoto))
	// The dispatcher's and departments' queue, the supervisor's overdue view.
	mux.Handle("GET /workbench/events", s.errorPage(s.handleEventQueue))
	mux.Handle("GET /workbench/events/overdue", s.errorPage(s.handleEventOverdue))
	s.evflowRoutes(mux) // pages_evflow.go
	s.open311Routes(mux)
	s.registerEventAPI(api)
}
