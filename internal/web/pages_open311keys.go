package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The Open311 key page (the discovery document's key_service): anyone who
// may report events issues keys for their own account, for the Open311
// clients they use (a key reports as its account, so it gives nothing the
// account does not have), and revokes them; administrators (user.manage)
// also see and revoke the keys of accounts within their scope, province
// administrators those of citizens too. Keys are shown once and stored
// hashed; issuing and revoking are audited.

func (s *Server) open311KeyRoutes(mux *http.ServeMux) {
	mux.Handle("GET "+open311KeyPage, s.errorPage(s.handleOpen311Keys))
	mux.Handle("POST "+open311KeyPage, s.errorPage(s.handleOpen311KeyIssue))
	mux.Handle("POST "+open311KeyPage+"/{id}/revoke", s.errorPage(s.handleOpen311KeyRevoke))
}

type open311KeysPage struct {
	Keys    []open311.Key
	Me      ids.ID
	Issued  string // the key just issued, in clear, shown once
	Name    string // its name
	BaseURL string
}

func (s *Server) handleOpen311Keys(w http.ResponseWriter, r *http.Request) error {
	return s.renderOpen311Keys(w, r, "", "", nil)
}

func (s *Server) renderOpen311Keys(w http.ResponseWriter, r *http.Request, issued, name string, refused *errs.Error) error {
	by := caller(r)
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	keys, err := s.open311keys.Keys(r.Context(), by)
	if err != nil {
		return err
	}
	p := &page{Title: "open311x.keys_title", Face: by.Face(), Form: r.PostForm,
		Data: &open311KeysPage{Keys: keys, Me: by.UserID, Issued: issued, Name: name, BaseURL: open311Base(r)}}
	if issued != "" {
		p.Form = nil
	}
	if refused != nil {
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
		if len(p.Errors) == 0 {
			p.Errors = map[string]string{"name": refused.Msg}
		}
	}
	w.Header().Set("Cache-Control", "no-store") // the page may show a key
	return s.rd.render(w, r, "open311_keys", p)
}

func (s *Server) handleOpen311KeyIssue(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	k, clear, err := s.open311keys.IssueKey(r.Context(), caller(r), r.PostForm.Get("name"))
	if x := errs.As(err); x != nil && (x.Code == errs.Invalid || x.Code == errs.Conflict) {
		return s.renderOpen311Keys(w, r, "", "", x)
	}
	if err != nil {
		return err
	}
	return s.renderOpen311Keys(w, r, clear, k.Name, nil)
}

func (s *Server) handleOpen311KeyRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.open311keys.RevokeKey(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if x := errs.As(err); x != nil && x.Code == errs.Conflict {
		return s.renderOpen311Keys(w, r, "", "", x)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, open311KeyPage, http.StatusSeeOther)
	return nil
}
