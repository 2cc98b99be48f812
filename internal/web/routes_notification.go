package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// notificationRoutes registers the inbox pages and API operations, and
// hooks the inbox into the rest of the server: the header's unread badge
// and the outbox gauges on /metrics.
func (s *Server) notificationRoutes(mux *http.ServeMux, api huma.API) {
	if s.notify == nil {
		return
	}
	mux.Handle("GET /inbox", s.errorPage(s.handleInbox))
	mux.Handle("GET /inbox/{id}", s.errorPage(s.handleInboxOpen))
	mux.Handle("POST /inbox/read-all", s.errorPage(s.handleInboxReadAll))
	s.registerNotificationAPI(api)

	s.rd.unread = s.unreadBadge
	if s.outbox != nil {
		s.metrics.reg.MustRegister(newOutboxCollector(s.outbox, s.log))
	}
}
