package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// appointmentRoutes registers the appointment pages and API operations.
func (s *Server) appointmentRoutes(mux *http.ServeMux, api huma.API) {}
