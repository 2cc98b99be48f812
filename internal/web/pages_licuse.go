package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// licenseChoiceView is one material of an item that an electronic licence
// can satisfy, as the application form offers it (免提交).
type licenseChoiceView struct {
	Index    int
	Material catalog.Material
	Field    string             // the form key: cases.LicenseField(name)
	Options  []cases.LicenseRef // the applicant's licences that can satisfy it
	Counter  bool               // at a counter: "use the applicant's licence", with their recorded consent
}

// licenseChoices lists the materials of it that a licence can satisfy,
// with the caller's usable licences (none at a counter: the applicant is
// known, and has consented, only when the form is sent).
func (s *Server) licenseChoices(r *http.Request, it *catalog.Item, counter bool) ([]licenseChoiceView, error) {
	var opts map[string][]cases.LicenseRef
	if !counter {
		var err error
		if opts, err = s.cases.LicenseOptions(r.Context(), caller(r), it); err != nil {
			return nil, err
		}
	}
	var out []licenseChoiceView
	for i, m := range it.Materials {
		if len(m.LicenseTypes) == 0 {
			continue
		}
		out = append(out, licenseChoiceView{Index: i, Material: m, Field: cases.LicenseField(m.Name), Options: opts[m.Name], Counter: counter})
	}
	return out, nil
}

// licenseChoicesOf reads the licence choices of an application form:
// "" is none, "auto" the applicant's licence of an accepted type (at
// counters), anything else a licence ID. The result is never nil, so that
// a draft forgets the choices taken back.
func licenseChoicesOf(form url.Values, it *catalog.Item) []cases.LicenseChoice {
	out := []cases.LicenseChoice{}
	for _, m := range it.Materials {
		if len(m.LicenseTypes) == 0 {
			continue
		}
		switch v := strings.TrimSpace(form.Get(cases.LicenseField(m.Name))); v {
		case "":
		case "auto":
			out = append(out, cases.LicenseChoice{Material: m.Name})
		default:
			out = append(out, cases.LicenseChoice{Material: m.Name, LicenseID: ids.ID(v)})
		}
	}
	return out
}

// caseLicenseRows verifies the licences staff may read for case id, for a
// page; nil for other callers.
func (s *Server) caseLicenseRows(r *http.Request, id ids.ID) ([]caseLicenseRow, error) {
	if caller(r).Kind != identity.KindStaff {
		return nil, nil
	}
	list, err := s.licenses.CaseLicenses(r.Context(), caller(r), id)
	if err != nil {
		return nil, err
	}
	rows := make([]caseLicenseRow, len(list))
	for i := range list {
		rows[i] = caseLicenseRow{CaseLicense: list[i], View: s.licenseViewOf(r, &list[i].License),
			Sentence: s.verdictSentence(state(r.Context()).Lang, list[i].Result)}
	}
	return rows, nil
}

// caseLicenseRow is a licence read for a case with its verdict in a
// sentence.
type caseLicenseRow struct {
	license.CaseLicense
	View     licenseView
	Sentence string
}

// handleCaseLicenses shows an officer the licences they may read for a
// case, verified now (each read is logged for the holder), and the form
// to read the applicant's licence under a legal basis.
func (s *Server) handleCaseLicenses(w http.ResponseWriter, r *http.Request) error {
	return s.renderCaseLicenses(w, r, nil, nil)
}

func (s *Server) renderCaseLicenses(w http.ResponseWriter, r *http.Request, rows []caseLicenseRow, refused *errs.Error) error {
	id := ids.ID(r.PathValue("id"))
	c, _, err := s.cases.Get(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	if caller(r).Kind != identity.KindStaff {
		return errs.E(errs.NotFound, "not_found")
	}
	if rows == nil {
		if rows, err = s.caseLicenseRows(r, id); err != nil {
			return err
		}
	}
	types, err := s.licenses.CaseLicenseTypes(r.Context(), c)
	if err != nil {
		return err
	}
	p := &page{Title: "license.case_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"CaseID": id, "Case": c, "Licenses": rows, "Types": types}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "license_case", p)
}

// handleCaseLicenseBasis reads the applicant's licences of one type for a
// case under the legal basis the officer records (依法调取).
func (s *Server) handleCaseLicenseBasis(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := s.licenses.ReadByBasis(r.Context(), caller(r), ids.ID(r.PathValue("id")), license.BasisInput{Type: f.Get("type"),
		Basis: license.Basis{Law: f.Get("law"), Article: f.Get("article"), Reason: f.Get("reason")}})
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderCaseLicenses(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/cases/"+r.PathValue("id")+"/licenses", http.StatusSeeOther)
	return nil
}

// handleLicenseUses shows who used the holder's licences, and the grants
// they gave, which they may revoke.
func (s *Server) handleLicenseUses(w http.ResponseWriter, r *http.Request) error {
	return s.renderLicenseUses(w, r, "", nil)
}

func (s *Server) renderLicenseUses(w http.ResponseWriter, r *http.Request, flash string, refused *errs.Error) error {
	uses, err := s.licenses.Uses(r.Context(), caller(r))
	if err != nil {
		return err
	}
	grants, err := s.licenses.Grants(r.Context(), caller(r))
	if err != nil {
		return err
	}
	purposes := make(map[ids.ID]string, len(grants))
	for i := range grants {
		purposes[grants[i].ID] = s.grantPurpose(state(r.Context()).Lang, &grants[i])
	}
	p := &page{Title: "wallet.uses_title", Face: identity.FacePortal, Flash: flash,
		Data: map[string]any{"Uses": uses, "Grants": grants, "Purposes": purposes, "Now": time.Now()}}
	if refused != nil {
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
	}
	return s.rd.render(w, r, "wallet_uses", p)
}

// handleRevokeGrant withdraws one of the holder's grants (撤回授权).
func (s *Server) handleRevokeGrant(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.licenses.RevokeGrant(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := errs.As(err); e != nil && e.Code == errs.Conflict {
		return s.renderLicenseUses(w, r, "", e)
	}
	if err != nil {
		return err
	}
	return s.renderLicenseUses(w, r, "licuse.grant_revoked", nil)
}

// useRateGroups are the groupings the 用证率 page offers, in order.
var useRateGroups = []cases.Grouping{cases.ByItem, cases.ByAuthority, cases.ByCity, cases.ByCounty}

// handleUseRate shows 用证率 by item, authority, city or county within the
// caller's scopes, against the plan's target.
func (s *Server) handleUseRate(w http.ResponseWriter, r *http.Request) error {
	by := cases.Grouping(r.URL.Query().Get("by"))
	if by == "" {
		by = cases.ByItem
	}
	rows, total, err := s.licenses.UseRates(r.Context(), caller(r), by)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "license_use_rate", &page{Title: "license.use_rate_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Rows": rows, "Total": total, "By": by, "Groups": useRateGroups, "Target": license.UseRateTarget}})
}

// addCockpitLicenses puts 用证率 and its target on the cockpit's measures.
func (s *Server) addCockpitLicenses(r *http.Request, data map[string]any) error {
	in, _ := data["Region"].(region.Code) // the drilled region, "" for all scopes (handleCockpit)
	_, total, err := s.licenses.UseRatesWithin(r.Context(), caller(r), cases.ByItem, in)
	if errs.Is(err, errs.Forbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	data["LicenseUse"] = map[string]any{"Rate": total, "Target": license.UseRateTarget}
	return nil
}

// grantPurpose is what a grant was for, in lang: its purpose message with
// its arguments, or the text of a grant made before purposes had codes.
func (s *Server) grantPurpose(lang string, g *license.Grant) string {
	if g.PurposeCode == "" {
		return g.Purpose
	}
	args := make([]any, len(g.PurposeArgs))
	for i, a := range g.PurposeArgs {
		args[i] = a
	}
	return s.msgs.T(lang, "licgrant.purpose."+g.PurposeCode, args...)
}
