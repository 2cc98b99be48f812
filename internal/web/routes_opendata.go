package web

import "net/http"

// openDataRoutes registers the open-data portal (public, no sign-in needed
// to read), its data requests, the CKAN Action API and DCAT.
func (s *Server) openDataRoutes(mux *http.ServeMux) {
	mux.Handle("GET /opendata", s.errorPage(s.handleOpenDataHome))
	mux.Handle("GET /opendata/datasets", s.errorPage(s.handleOpenDataSearch))
	mux.Handle("GET /opendata/datasets/{name}", s.errorPage(s.handleOpenDataset))
	mux.Handle("GET /opendata/datasets/{name}/resources/{id}/download", s.errorPage(s.handleOpenDataDownload))
	mux.Handle("GET /opendata/license", s.errorPage(s.handleOpenDataLicense))
	mux.Handle("GET /opendata/requests", s.errorPage(s.handleDataRequestsPage))
	mux.Handle("POST /opendata/requests", s.errorPage(s.handleDataRequestCreate))
	mux.Handle("GET /opendata/requests/{id}", s.errorPage(s.handleDataRequestPage))
	mux.Handle("POST /opendata/requests/{id}/comments", s.errorPage(s.handleDataRequestComment))
	mux.Handle("POST /opendata/requests/{id}/close", s.errorPage(s.handleDataRequestClose))
	mux.Handle("POST /opendata/requests/{id}/follow", s.errorPage(s.handleDataRequestFollow))
	mux.Handle("POST /workbench/data/resources/{id}/publish", s.errorPage(s.handlePublish))

	// CKAN and DCAT, registered before the /api/ catch-all takes them.
	mux.Handle("GET /api/3/action/{action}", s.handleCKAN())
	mux.Handle("POST /api/3/action/{action}", s.handleCKAN())
	mux.Handle("GET /catalog.jsonld", s.handleDCATCatalog())
	mux.Handle("GET /dataset/{file}", s.handleDCATDataset())
}
