package web

import (
	"encoding/json"
	"net/http"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

// sealOrgs lists the organisations a seal administrator may pick: those
// within their seal.manage scopes (the service checks again).
func (s *Server) sealOrgs(r *http.Request) ([]identity.Organization, error) {
	all, err := s.id.Organizations(r.Context())
	if err != nil {
		return nil, err
	}
	scopes := caller(r).Scopes(identity.PermSealManage)
	var out []identity.Organization
	for _, o := range all {
		for _, sc := range scopes {
			if region.Within(o.Region, sc) {
				out = append(out, o)
				break
			}
		}
	}
	return out, nil
}

// handleSeals lists the seals within the administrator's scope, with the
// form that creates one.
func (s *Server) handleSeals(w http.ResponseWriter, r *http.Request) error {
	return s.renderSeals(w, r, nil)
}

func (s *Server) renderSeals(w http.ResponseWriter, r *http.Request, err error) error {
	list, lerr := s.seals.List(r.Context(), caller(r))
	if lerr != nil {
		return lerr
	}
	orgs, oerr := s.sealOrgs(r)
	if oerr != nil {
		return oerr
	}
	cov, cerr := s.seals.Coverage(r.Context(), caller(r))
	if cerr != nil {
		return cerr
	}
	// Which seal signs the status lists: none at all is said plainly, as
	// every licence's status is then out of verifiers' reach.
	signer, serr := s.licenses.StatusSigner(r.Context(), caller(r))
	if serr != nil && !errs.Is(serr, errs.Conflict) {
		return serr
	}
	p := &page{Title: "seal.title", Face: identity.FaceWorkbench, Data: map[string]any{
		"Seals": list, "Orgs": orgs, "Kinds": seal.Kinds, "Algs": seal.Algs, "Coverage": cov,
		"StatusSigner": signer, "NoStatusSigner": serr != nil}}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args, p.Form = status(e), errorsOf(e), e.Args, r.PostForm
	}
	return s.rd.render(w, r, "seal_list", p)
}

// handleCreateSeal creates a seal and shows it; a bad form comes back with
// its errors.
func (s *Server) handleCreateSeal(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	se, err := s.seals.Create(r.Context(), caller(r), seal.NewSeal{OrgID: ids.ID(f.Get("org")), Kind: seal.Kind(f.Get("kind")),
		Name: f.Get("name"), Alg: seal.Alg(f.Get("alg"))})
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.renderSeals(w, r, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/seals/"+string(se.ID), http.StatusSeeOther)
	return nil
}

// handleSeal shows one seal: its image, keys, lifecycle actions and use log.
func (s *Server) handleSeal(w http.ResponseWriter, r *http.Request) error {
	return s.renderSeal(w, r, ids.ID(r.PathValue("id")), nil)
}

func (s *Server) renderSeal(w http.ResponseWriter, r *http.Request, id ids.ID, err error) error {
	se, gerr := s.seals.Get(r.Context(), caller(r), id)
	if gerr != nil {
		return gerr
	}
	keys, kerr := s.seals.Keys(r.Context(), caller(r), id)
	if kerr != nil {
		return kerr
	}
	data := map[string]any{"Seal": se, "Keys": keys}
	fe, uerr := s.sealUsesPage(r, id, data)
	if uerr != nil {
		return uerr
	}
	p := &page{Title: "seal.detail_title", Face: identity.FaceWorkbench, Data: data}
	if len(fe) > 0 {
		p.Status, p.Errors = http.StatusUnprocessableEntity, fe
	}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args, p.Form = status(e), errorsOf(e), e.Args, r.PostForm
	}
	return s.rd.render(w, r, "seal_detail", p)
}

// handleSealAction suspends, resumes, revokes or rotates a seal.
func (s *Server) handleSealAction(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.seals.Act(r.Context(), caller(r), id, seal.Action(r.PostForm.Get("action")), r.PostForm.Get("reason"))
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.renderSeal(w, r, id, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/seals/"+string(id), http.StatusSeeOther)
	return nil
}

// handleSealImage serves a seal's SVG image under a policy that lets the
// image run nothing.
func (s *Server) handleSealImage(w http.ResponseWriter, r *http.Request) error {
	se, err := s.seals.Public(r.Context(), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write([]byte(se.Image()))
	return err
}

// handleJWKS publishes the node's seal keys (RFC 7517 key set). Verifiers
// may cache it for five minutes; a rotated key appears within that time.
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) error {
	set, err := s.seals.JWKS(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return json.NewEncoder(w).Encode(set)
}
