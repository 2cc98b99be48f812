package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// eventsUIRoutes registers the management pages of 一网统管 that sit
// beside the event flow: routing rules (智能分拨), sensing stations and
// alert rules, and the link between events and incidents.
func (s *Server) eventsUIRoutes(mux *http.ServeMux, api huma.API) {
	mux.Handle("GET /workbench/event-rules", s.errorPage(s.handleEventRules))
	mux.Handle("POST /workbench/event-rules", s.errorPage(s.handleEventRuleCreate))
	mux.Handle("GET /workbench/event-rules/{id}", s.errorPage(s.handleEventRuleEdit))
	mux.Handle("POST /workbench/event-rules/{id}", s.errorPage(s.handleEventRuleUpdate))
	mux.Handle("POST /workbench/event-rules/{id}/delete", s.errorPage(s.handleEventRuleDelete))
	mux.Handle("POST /events/{id}/incident", s.errorPage(s.handleEventLinkIncident))
	s.registerEventRuleAPI(api)
}
