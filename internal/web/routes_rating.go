package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// ratingRoutes registers the rating pages and API operations (好差评).
func (s *Server) ratingRoutes(mux *http.ServeMux, api huma.API) {
	// The applicant rates a completed case; the case page shows the form too.
	mux.Handle("GET /cases/{id}/rating", s.errorPage(s.handleRatingForm))
	mux.Handle("POST /cases/{id}/rating", s.errorPage(s.handleRate))
	// Department heads rectify bad ratings; leaders and auditors read the numbers.
	mux.Handle("GET /workbench/rectifications", s.errorPage(s.handleRectifications))
	mux.Handle("GET /workbench/rectifications/{id}", s.errorPage(s.handleRectification))
	mux.Handle("POST /workbench/rectifications/{id}/close", s.errorPage(s.handleCloseRectification))
	mux.Handle("GET /workbench/ratings/stats", s.errorPage(s.handleRatingStats))

	s.registerRatingAPI(api)
}
