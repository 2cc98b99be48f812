package web

import (
	"net/http"
	"net/url"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

func (s *Server) handlePersonLookupForm(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermPersonRead, ""); err != nil {
		return err
	}
	return s.rd.render(w, r, "persons", &page{Title: "persons.title", Face: identity.FaceWorkbench})
}

// handlePersonLookup finds a person by ID number for a member of staff. The
// number travels in a POST body, never in a URL (URLs end up in logs), and
// the read is audited with its purpose.
func (s *Server) handlePersonLookup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := url.Values{"id_number": {r.PostForm.Get("id_number")}, "purpose": {r.PostForm.Get("purpose")}}
	p, err := s.id.FindPerson(r.Context(), caller(r), r.PostForm.Get("id_number"), r.PostForm.Get("purpose"))
	switch {
	case errs.Is(err, errs.Invalid):
		return s.rd.render(w, r, "persons", &page{Title: "persons.title", Face: identity.FaceWorkbench,
			Status: http.StatusUnprocessableEntity, Form: f, Errors: errs.As(err).Fields})
	case errs.Is(err, errs.NotFound):
		return s.rd.render(w, r, "persons", &page{Title: "persons.title", Face: identity.FaceWorkbench,
			Status: http.StatusNotFound, Form: f, Errors: map[string]string{"form": "persons.not_found"}})
	case err != nil:
		return err
	}
	// The result shows the number masked; the form is not refilled with it.
	f.Del("id_number")
	return s.rd.render(w, r, "persons", &page{Title: "persons.title", Face: identity.FaceWorkbench,
		Form: f, Data: map[string]any{"Person": p}})
}

// handleAuditLog shows the audit entries within the caller's scope and
// on request whether the chain is whole.
func (s *Server) handleAuditLog(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	entries, err := s.id.AuditLog(r.Context(), c, r.URL.Query().Get("action"), 100)
	if err != nil {
		return err
	}
	data := map[string]any{"Entries": entries}
	// Verifying reads the whole chain, so it runs when asked for.
	if r.URL.Query().Get("verify") == "1" {
		res, err := s.audit.Verify(r.Context())
		if err != nil {
			return err
		}
		data["Verify"] = res
	}
	return s.rd.render(w, r, "audit", &page{Title: "audit.title", Face: identity.FaceWorkbench, Data: data})
}
