package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// governanceRoutes registers the event pages, the event API and Open311
// (一网统管).
func (s *Server) governanceRoutes(mux *http.ServeMux, api huma.API) {
	s.open311Routes(mux)
	s.registerEventAPI(api)
}
