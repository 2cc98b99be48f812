package web

import (
	"net/http"
	"strconv"
	"time"

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
	Issued  string    // the key just issued, in clear, shown once
	Name    string    // its name
	Expires time.Time // when it expires
	BaseURL string
	Days    []int     // the lifetimes to choose from (open311.KeyDays)
	Default int       // the one chosen unless the form says otherwise
	Now     time.Time // to tell expired keys
}

func (s *Server) handleOpen311Keys(w http.ResponseWriter, r *http.Request) error {
	return s.renderOpen311Keys(w, r, nil, "", nil)
}

func (s *Server) renderOpen311Keys(w http.ResponseWriter, r *http.Request, k *open311.Key, issued string, refused *errs.Error) error {
	by := caller(r)
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	keys, err := s.open311keys.Keys(r.Context(), by)
	if err != nil {
		return err
	}
	p := &page{Title: "open311x.keys_title", Face: by.Face(), Form: r.PostForm,
		Data: &open311KeysPage{Keys: keys, Me: by.UserID, Issued: issued, BaseURL: open311Base(r),
			Days: open311.KeyDays, Default: open311.DefaultKeyDays, Now: time.Now()}}
	if k != nil {
		d := p.Data.(*open311KeysPage)
		d.Name, d.Expires = k.Name, k.ExpiresAt
	}
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
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	if r.PostForm.Get("days") != "" && days == 0 {
		days = -1 // not a number: refused as a choice not offered
	}
	k, clear, err := s.open311keys.IssueKey(r.Context(), caller(r), r.PostForm.Get("name"), days)
	if x := errs.As(err); x != nil && (x.Code == errs.Invalid || x.Code == errs.Conflict) {
		return s.renderOpen311Keys(w, r, nil, "", x)
	}
	if err != nil {
		return err
	}
	return s.renderOpen311Keys(w, r, k, clear, nil)
}

func (s *Server) handleOpen311KeyRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.open311keys.RevokeKey(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if x := errs.As(err); x != nil && x.Code == errs.Conflict {
		return s.renderOpen311Keys(w, r, nil, "", x)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, open311KeyPage, http.StatusSeeOther)
	return nil
}
