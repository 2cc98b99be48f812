package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/cases"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	return s.rd.render(w, r, "home", &page{Title: "home.title", Face: identity.FacePortal})
}

// handlePortal is the citizen's and enterprise agent's home: their profile
// with personal data masked, and who has used their data.
func (s *Server) handlePortal(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	if c.Kind != identity.KindPerson && c.Kind != identity.KindEnterprise {
		http.Redirect(w, r, facePath(c.Face()), http.StatusSeeOther)
		return nil
	}
	me, err := s.id.Me(r.Context(), c)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	use, err := s.id.DataUse(r.Context(), c)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "portal", &page{Title: "portal.title", Face: identity.FacePortal,
		Data: map[string]any{"Me": me, "DataUse": use}})
}

// handleWorkbench is the civil servant's home: their organisation and
// grants, and the tools their roles allow.
func (s *Server) handleWorkbench(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if err := identity.Authorize(c, identity.PermWorkbench, ""); err != nil {
		return err
	}
	var org *identity.Organization
	if c.OrgID != "" {
		o, err := s.id.Organization(r.Context(), c.OrgID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		org = o
	}
	return s.rd.render(w, r, "workbench", &page{Title: "workbench.title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Org": org, "EmTasks": s.orgTasksTool(r.Context(), c)}})
}

// handleCockpit is the leader's live overview of the platform's own
// records within their scope. The case measures and 用证率 follow the
// region drilled into (?region=, checked against the viewer's scope);
// without one they cover all the viewer's scopes.
func (s *Server) handleCockpit(w http.ResponseWriter, r *http.Request) error {
	o, scopes, err := s.id.Overview(r.Context(), caller(r))
	if err != nil {
		return err
	}
	data := map[string]any{"Overview": o, "Scopes": scopes}
	if err := s.addCockpitSensing(r, data); err != nil { // pages_sensing.go
		return err
	}
	in := region.Code(r.URL.Query().Get("region"))
	if d, ok := data["Sensing"].(*cockpitSensing); ok && in != "" {
		in = d.Summary.Region
	}
	g := cases.ByCity
	if region.LevelOf(in) >= region.City {
		g = cases.ByCounty
	}
	byArea, err := s.cases.MeasuresWithin(r.Context(), caller(r), g, in)
	if err != nil {
		return err
	}
	data["Region"], data["Measures"], data["ByCity"], data["ByCounty"] = in, cases.Total(byArea), byArea, g == cases.ByCounty
	if err := s.addCockpitEmergency(r, data); err != nil { // pages_emergency.go
		return err
	}
	if err := s.addCockpitData(r, data); err != nil { // pages_data_measures.go
		return err
	}
	if err := s.addCockpitLicenses(r, data); err != nil { // pages_licuse.go: 用证率 against its target
		return err
	}
	return s.rd.render(w, r, "cockpit", &page{Title: "cockpit.title", Face: identity.FaceCockpit, Data: data})
}
