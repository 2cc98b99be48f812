package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// notificationRoutes registers the notification pages and API operations.
func (s *Server) notificationRoutes(mux *http.ServeMux, api huma.API) {}
