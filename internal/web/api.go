package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// newAPI mounts the JSON API on mux. Huma generates the OpenAPI 3.1
// document at /api/openapi.json from the Go types of the operations, so the
// description cannot drift from the code; /api/docs is a vendored Swagger UI
// that works offline.
func (s *Server) newAPI(mux *http.ServeMux) huma.API {
	cfg := huma.DefaultConfig("digigov API", s.version)
	cfg.Info.Description = "数字政府平台 JSON API. Authenticate with `Authorization: Bearer <token>` " +
		"(tokens from `digigov user token`) or a signed-in session cookie plus the X-CSRF-Token header for writes. " +
		"Errors are RFC 9457 application/problem+json; `detail` is a sentence in the caller's language."
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/api/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "API token of a system account"},
	}
	cfg.Servers = nil
	api := humago.New(mux, cfg)
	return api
}

// bearer is the security requirement of authenticated operations.
var bearer = []map[string][]string{{"bearer": {}}}

// apiCaller returns the signed-in caller or a 401 problem.
func (s *Server) apiCaller(ctx context.Context) (*identity.Caller, error) {
	c := state(ctx).Caller
	if c.Anonymous() {
		return nil, s.problem(ctx, errs.E(errs.Unauthenticated, "auth.required"))
	}
	return c, nil
}

// problem converts a domain error into an RFC 9457 problem, translated
// into the caller's language, with one entry per invalid field. Internal
// errors are logged with the request ID and shown as a plain sentence.
func (s *Server) problem(ctx context.Context, err error) error {
	st := state(ctx)
	code := status(err)
	if code >= 500 {
		s.log.Error("api request failed", "request_id", st.ID, "err", err)
	}
	p := &huma.ErrorModel{
		Type:   "about:blank",
		Title:  http.StatusText(code),
		Status: code,
		Detail: s.sentence(st.Lang, err),
	}
	if e := errs.As(err); e != nil {
		args := s.args(st.Lang, e.Args)
		for field, key := range e.Fields {
			p.Errors = append(p.Errors, &huma.ErrorDetail{Location: field, Message: s.msgs.T(st.Lang, key, args...)})
		}
		sort.Slice(p.Errors, func(i, j int) bool { return p.Errors[i].Location < p.Errors[j].Location })
	}
	return p
}

// writeProblem writes a problem outside Huma (middleware).
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problem(r.Context(), err).(*huma.ErrorModel)
	w.Header().Set("Content-Type", "application/problem+json")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="digigov"`)
	}
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}
