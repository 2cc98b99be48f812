package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// licenseRoutes registers the licence pages and API operations (电子证照),
// the verifier and the published status lists.
func (s *Server) licenseRoutes(mux *http.ServeMux, api huma.API) {
	// Anyone: verify a licence or a 亮证 code; fetch status lists.
	mux.Handle("GET /verify", s.errorPage(s.handleVerifyForm))
	mux.Handle("POST /verify", s.errorPage(s.handleVerify))
	mux.Handle("GET /credentials/status/{id}", s.errorPage(s.handleStatusList))
	// Holders: the wallet (卡包).
	mux.Handle("GET /wallet", s.errorPage(s.handleWallet))
	mux.Handle("GET /wallet/uses", s.errorPage(s.handleLicenseUses))
	mux.Handle("GET /wallet/{id}", s.errorPage(s.handleWalletLicense))
	mux.Handle("GET /wallet/{id}/pdf", s.errorPage(s.handleLicensePDF))
	mux.Handle("POST /wallet/{id}/present", s.errorPage(s.handlePresent))
	// Issuing officers.
	mux.Handle("GET /workbench/licenses", s.errorPage(s.handleIssuedLicenses))
	mux.Handle("POST /workbench/licenses", s.errorPage(s.handleIssueLicense))
	mux.Handle("GET /workbench/licenses/{id}", s.errorPage(s.handleIssuedLicense))
	mux.Handle("POST /workbench/licenses/{id}/act", s.errorPage(s.handleLicenseAction))

	s.registerLicenseAPI(api)
}
