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
	// The URLs the credentials name: issuer documents and the vocabulary.
	mux.Handle("GET /issuers/{id}", s.errorPage(s.handleIssuer))
	mux.Handle("GET /ns/licenses", s.errorPage(s.handleLicenseVocabulary))
	// Holders: the wallet (卡包).
	mux.Handle("GET /wallet", s.errorPage(s.handleWallet))
	mux.Handle("GET /wallet/uses", s.errorPage(s.handleLicenseUses))
	mux.Handle("GET /wallet/{id}", s.errorPage(s.handleWalletLicense))
	mux.Handle("GET /wallet/{id}/pdf", s.errorPage(s.handleLicensePDF))
	mux.Handle("POST /wallet/{id}/present", s.errorPage(s.handlePresent))
	mux.Handle("POST /wallet/{id}/grant", s.errorPage(s.handleGrant))
	// 免提交: the officer sees the licences the applicant granted, verified.
	mux.Handle("GET /workbench/cases/{id}/licenses", s.errorPage(s.handleCaseLicenses))
	mux.Handle("POST /workbench/cases/{id}/licenses/basis", s.errorPage(s.handleCaseLicenseBasis))
	// Holders withdraw a grant (撤回授权).
	mux.Handle("POST /wallet/grants/{id}/revoke", s.errorPage(s.handleRevokeGrant))
	// 证照互认: this node's signed trust list; importing another's.
	mux.Handle("GET /.well-known/trust-list.jws", s.errorPage(s.handleTrustList))
	mux.Handle("GET /workbench/trust-lists", s.errorPage(s.handleTrustedKeys))
	mux.Handle("POST /workbench/trust-lists", s.errorPage(s.handleImportTrustList))
	mux.Handle("POST /workbench/trust-lists/remove", s.errorPage(s.handleRemoveTrustSource))
	// 电子社保卡 at its point of use.
	mux.Handle("GET /workbench/social-card", s.errorPage(s.handlePointOfUseForm))
	mux.Handle("POST /workbench/social-card", s.errorPage(s.handlePointOfUse))
	// 用证率, for auditors and leaders.
	mux.Handle("GET /workbench/licenses/use-rate", s.errorPage(s.handleUseRate))
	// Issuing officers.
	mux.Handle("GET /workbench/licenses", s.errorPage(s.handleIssuedLicenses))
	mux.Handle("POST /workbench/licenses", s.errorPage(s.handleIssueLicense))
	mux.Handle("GET /workbench/licenses/{id}", s.errorPage(s.handleIssuedLicense))
	mux.Handle("POST /workbench/licenses/{id}/act", s.errorPage(s.handleLicenseAction))

	s.registerLicenseAPI(api)
	s.registerLicenseUseAPI(api)
}
