package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// ratingRoutes registers the rating pages and API operations.
func (s *Server) ratingRoutes(mux *http.ServeMux, api huma.API) {}
