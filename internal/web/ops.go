package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// handleHealthz answers while the process runs.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// handleReadyz answers 200 when the database is reachable and its schema
// current, 503 otherwise, so a load balancer sends no traffic to an
// instance that cannot serve it.
func (s *Server) handleReadyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		body := map[string]string{"status": "ready"}
		code := http.StatusOK
		if err := s.ready(ctx); err != nil {
			code = http.StatusServiceUnavailable
			body = map[string]string{"status": "not ready", "reason": err.Error()}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(body)
	})
}

// handleAPIDocs serves the vendored Swagger UI, which reads
// /api/openapi.json; its start-up script is a static file (no inline
// script under our CSP).
func (s *Server) handleAPIDocs() http.Handler {
	return s.errorPage(func(w http.ResponseWriter, r *http.Request) error {
		return s.rd.render(w, r, "apidocs", &page{Title: "apidocs.title"})
	})
}

// apiNotFound answers unknown API paths with a problem, not a page.
func (s *Server) apiNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, errs.E(errs.NotFound, "error.page_not_found"))
	})
}
