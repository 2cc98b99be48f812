package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// marketRoutes registers the data market (数据要素市场): the public product
// market, orders, contracts, the CDO's products and data asset
// certificates, and the JSON API.
func (s *Server) marketRoutes(mux *http.ServeMux, api huma.API) {
	mux.Handle("GET /market", s.errorPage(s.handleMarket))
	mux.Handle("GET /market/products/{id}", s.errorPage(s.handleMarketProduct))
	mux.Handle("POST /market/products/{id}/orders", s.errorPage(s.handleMarketOrder))
	mux.Handle("POST /market/products/{id}/publish", s.errorPage(s.handleMarketPublish))
	mux.Handle("POST /market/products/{id}/withdraw", s.errorPage(s.handleMarketWithdraw))
	mux.Handle("GET /market/orders", s.errorPage(s.handleMarketOrders))
	mux.Handle("GET /market/orders/{id}", s.errorPage(s.handleMarketOrderPage))
	mux.Handle("POST /market/orders/{id}/accept", s.errorPage(s.handleMarketAccept))
	mux.Handle("POST /market/orders/{id}/refuse", s.errorPage(s.handleMarketRefuse))
	mux.Handle("GET /market/contracts/{id}", s.errorPage(s.handleMarketContract))
	mux.Handle("GET /market/contracts/{id}/download", s.errorPage(s.handleMarketContractDownload))
	mux.Handle("POST /market/contracts/{id}/confirm", s.errorPage(s.handleMarketConfirm))
	mux.Handle("POST /market/contracts/{id}/credentials", s.errorPage(s.handleMarketReissue))
	mux.Handle("POST /market/contracts/{id}/terminate", s.errorPage(s.handleMarketTerminate))
	mux.Handle("GET /market/certificates/{id}", s.errorPage(s.handleMarketCertificate))
	mux.Handle("GET /market/certificates/{id}/download", s.errorPage(s.handleMarketCertificateDownload))
	mux.Handle("GET /market/certificates/{id}/signature", s.errorPage(s.handleMarketCertificateSignature))
	mux.Handle("POST /market/certificates/{id}/issue", s.errorPage(s.handleMarketCertificateIssue))
	mux.Handle("POST /market/certificates/{id}/refuse", s.errorPage(s.handleMarketCertificateRefuse))

	// The CDO's side.
	mux.Handle("GET /workbench/market", s.errorPage(s.handleMarketMine))
	mux.Handle("GET /workbench/market/products/new", s.errorPage(s.handleMarketProductForm))
	mux.Handle("POST /workbench/market/products", s.errorPage(s.handleMarketList))
	mux.Handle("GET /workbench/market/products/{id}/edit", s.errorPage(s.handleMarketEditForm))
	mux.Handle("POST /workbench/market/products/{id}/edit", s.errorPage(s.handleMarketEdit))
	mux.Handle("GET /workbench/market/certificates", s.errorPage(s.handleMarketCertificates))
	mux.Handle("POST /workbench/market/certificates", s.errorPage(s.handleMarketCertificateRequest))

	s.registerMarketAPI(api)
	s.registerMarketWriteAPI(api)
}
