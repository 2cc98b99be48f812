package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// sensingRoutes registers the indicators' pages, the cockpit's live stream
// and maps, and the sensing API (感知).
func (s *Server) sensingRoutes(mux *http.ServeMux, api huma.API) {
	if s.sensing == nil {
		return
	}
	// The cockpit (/cockpit, pages_faces.go) streams its figures from here.
	mux.Handle("GET /cockpit/live", s.errorPage(s.handleCockpitLive))
	mux.Handle("GET /cockpit/maps/{file}", s.errorPage(s.handleCockpitMap))
	// The duty officer's workbench: live indicators and alerts.
	mux.Handle("GET /workbench/sensing", s.errorPage(s.handleSensingDesk))
	mux.Handle("POST /workbench/sensing/alerts/{id}/{act}", s.errorPage(s.handleSensingAlertAct))

	s.registerSensingAPI(api)
}
