package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// sealdocRoutes registers sealed documents (决定书, 证明): their downloads
// for those who may read them and the public verifier.
func (s *Server) sealdocRoutes(mux *http.ServeMux, api huma.API) {
	// Anyone: upload a PDF (and its signature) or open a document's QR code.
	mux.Handle("GET /documents/verify", s.errorPage(s.handleDocumentVerifyForm))
	mux.Handle("POST /documents/verify", s.errorPage(s.handleDocumentVerify))
	// The holder, the issuer's staff: the PDF and its detached signature.
	mux.Handle("GET /documents/{id}/pdf", s.errorPage(s.handleDocumentPDF))
	mux.Handle("GET /documents/{id}/signature", s.errorPage(s.handleDocumentSignature))

	s.registerSealdocAPI(api)
}
