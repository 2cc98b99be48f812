package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// emergencyRoutes registers the emergency command pages (突发事件应急指挥),
// the public alerts (CAP 1.2 XML, an Atom feed and the /alerts page, no
// sign-in) and the emergency API.
func (s *Server) emergencyRoutes(mux *http.ServeMux, api huma.API) {
	if s.emergency == nil {
		return
	}
	mux.Handle("GET /workbench/emergency", s.errorPage(s.handleEmergencyList))
	mux.Handle("POST /workbench/emergency", s.errorPage(s.handleEmergencyDeclare))
	mux.Handle("GET /workbench/emergency/resources", s.errorPage(s.handleEmergencyResources))
	mux.Handle("POST /workbench/emergency/resources", s.errorPage(s.handleEmergencyResourceCreate))
	mux.Handle("GET /workbench/emergency/{id}", s.errorPage(s.handleEmergencyBoard))
	mux.Handle("POST /workbench/emergency/{id}/{act}", s.errorPage(s.handleEmergencyAct))
	mux.Handle("POST /workbench/emergency/{id}/events", s.errorPage(s.handleIncidentLinkEvent))
	mux.Handle("POST /workbench/emergency/tasks/{id}/progress", s.errorPage(s.handleEmergencyTaskProgress))

	mux.Handle("GET /alerts", s.errorPage(s.handlePublicAlerts))
	mux.Handle("GET /alerts/feed.xml", s.errorPage(s.handleAlertFeed))
	mux.Handle("GET /alerts/{file}", s.errorPage(s.handleAlertCAP))

	s.registerEmergencyAPI(api)
	s.registerIncidentEventsAPI(api)
}
