package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// sealRoutes registers the seal pages and API operations (电子印章) and the
// node's published keys.
func (s *Server) sealRoutes(mux *http.ServeMux, api huma.API) {
	// Administrators keep the seals of organisations within their scope.
	mux.Handle("GET /workbench/seals", s.errorPage(s.handleSeals))
	mux.Handle("POST /workbench/seals", s.errorPage(s.handleCreateSeal))
	mux.Handle("GET /workbench/seals/{id}", s.errorPage(s.handleSeal))
	mux.Handle("POST /workbench/seals/{id}/act", s.errorPage(s.handleSealAction))
	// Every use of every seal within the administrator's scope.
	mux.Handle("GET /workbench/seal-uses", s.errorPage(s.handleSealUses))
	// A seal's image is public: it is printed on every document it seals.
	mux.Handle("GET /seals/{id}/image.svg", s.errorPage(s.handleSealImage))
	// Every active and retired key of the node, for verifiers.
	mux.Handle("GET /.well-known/jwks.json", s.errorPage(s.handleJWKS))

	s.registerSealAPI(api)
}
