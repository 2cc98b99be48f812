package web

import "net/http"

// routes lists every route of digigov in one place.
func (s *Server) routes(mux *http.ServeMux) {
	// Operations.
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", s.handleReadyz())
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.Handle("GET /static/", s.assets.handler())

	// Public pages.
	mux.Handle("GET /{$}", s.errorPage(s.handleHome))
	mux.Handle("GET /login", s.errorPage(s.handleLoginForm))
	mux.Handle("POST /login", s.errorPage(s.handleLogin))
	mux.Handle("POST /logout", s.errorPage(s.handleLogout))
	mux.Handle("GET /register", s.errorPage(s.handleRegisterForm))
	mux.Handle("POST /register", s.errorPage(s.handleRegister))
	mux.Handle("POST /prefs", s.errorPage(s.handlePreferences))
	mux.Handle("GET /regions", s.errorPage(s.handleRegionsPage))
	mux.Handle("GET /ui/region-picker", s.errorPage(s.handleRegionPicker))

	// 一网通办: the catalog, applications and cases.
	mux.Handle("GET /services", s.errorPage(s.handleServices))
	mux.Handle("GET /services/{code}", s.errorPage(s.handleServiceGuide))
	mux.Handle("GET /services/{code}/apply", s.errorPage(s.handleApplyForm))
	mux.Handle("POST /services/{code}/apply", s.errorPage(s.handleApply))
	mux.Handle("GET /cases", s.errorPage(s.handleMyCases))
	mux.Handle("GET /cases/{id}", s.errorPage(s.handleCase))
	mux.Handle("POST /cases/{id}/act", s.errorPage(s.handleCaseAction))
	mux.Handle("POST /cases/{id}/contribute", s.errorPage(s.handleContribute))
	mux.Handle("GET /cases/{id}/materials/{sha}", s.errorPage(s.handleMaterial))
	mux.Handle("GET /workbench/cases", s.errorPage(s.handleQueue))

	// The three faces.
	mux.Handle("GET /portal", s.errorPage(s.handlePortal))
	mux.Handle("GET /workbench", s.errorPage(s.handleWorkbench))
	mux.Handle("GET /workbench/persons", s.errorPage(s.handlePersonLookupForm))
	mux.Handle("POST /workbench/persons", s.errorPage(s.handlePersonLookup))
	mux.Handle("GET /workbench/audit", s.errorPage(s.handleAuditLog))
	mux.Handle("GET /cockpit", s.errorPage(s.handleCockpit))

	// JSON API, with its OpenAPI document and docs page.
	api := s.newAPI(mux)
	s.registerRegionAPI(api)
	s.registerMeAPI(api)
	s.registerPersonAPI(api)
	s.registerCatalogAPI(api)
	s.registerCaseAPI(api)
	// Domains with their own route files (pages and API together).
	s.catalogAdminRoutes(mux)
	s.ratingRoutes(mux, api)
	s.appointmentRoutes(mux, api)
	s.notificationRoutes(mux, api)
	s.bundleRoutes(mux, api)
	s.sealRoutes(mux, api)
	s.licenseRoutes(mux, api)
	s.sealdocRoutes(mux, api)
	s.governanceRoutes(mux, api)
	s.open311xRoutes(mux) // open311x.go: knowledge base, Open311 keys
	s.sensingRoutes(mux, api)
	s.emergencyRoutes(mux, api)
	s.emTaskRoutes(mux, api) // pages_emtasks.go
	s.eventsUIRoutes(mux, api)
	s.dataRoutes(mux, api)
	s.openDataRoutes(mux)
	s.marketRoutes(mux, api)
	s.dataOpenRoutes(mux)
	s.openDataApplicationAPI(api) // api_opendata_applications.go

	mux.Handle("GET /api/docs", s.handleAPIDocs())
	mux.Handle("/api/", s.apiNotFound())

	mux.Handle("/", s.notFoundPage())
}
