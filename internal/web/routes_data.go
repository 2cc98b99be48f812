package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// dataRoutes registers the data catalog, sharing and exchange (数据要素):
// the CDO's and officers' pages, the exchange API and the JSON API.
func (s *Server) dataRoutes(mux *http.ServeMux, api huma.API) {
	mux.Handle("GET /workbench/data", s.errorPage(s.handleDataCatalog))
	mux.Handle("GET /workbench/data/mine", s.errorPage(s.handleDataMine))
	mux.Handle("GET /workbench/data/resources/new", s.errorPage(s.handleDataResourceForm))
	mux.Handle("POST /workbench/data/resources", s.errorPage(s.handleDataRegister))
	mux.Handle("GET /workbench/data/resources/{id}", s.errorPage(s.handleDataResource))
	mux.Handle("POST /workbench/data/resources/{id}/rows", s.errorPage(s.handleDataLoadRows))
	mux.Handle("POST /workbench/data/resources/{id}/requests", s.errorPage(s.handleDataAsk))
	mux.Handle("GET /workbench/data/requests", s.errorPage(s.handleDataRequests))
	mux.Handle("GET /workbench/data/requests/{id}", s.errorPage(s.handleDataRequest))
	mux.Handle("POST /workbench/data/requests/{id}/approve", s.errorPage(s.handleDataApprove))
	mux.Handle("POST /workbench/data/requests/{id}/refuse", s.errorPage(s.handleDataRefuse))
	mux.Handle("POST /workbench/data/requests/{id}/deliver", s.errorPage(s.handleDataDeliver))
	mux.Handle("POST /workbench/data/grants/{id}/revoke", s.errorPage(s.handleDataRevoke))
	mux.Handle("GET /workbench/data/satisfaction", s.errorPage(s.handleDataSatisfaction))
	mux.Handle("GET /workbench/data/exchange-log", s.errorPage(s.handleDataExchangeLog))

	// The exchange: systems call it with the credential of their grant.
	mux.Handle("GET /exchange/v1/resources/{code}/rows", s.handleExchangeRows())
	mux.Handle("GET /exchange/v1/log", s.handleExchangeLog())
	mux.Handle("GET /exchange/v1/log/{id}", s.handleExchangeLogEntry())
	mux.Handle("GET /exchange/v1/node-key", s.handleExchangeNodeKey())

	// Rows upload through the API takes the file as the raw body.
	mux.Handle("POST /api/v1/data/resources/{id}/rows", s.handleDataRowsAPI())
	s.registerDataAPI(api)
}
