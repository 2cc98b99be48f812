package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// bundleRoutes registers the pages and API operations of bundled matters
// (一件事): one application, one shared form, one case per item.
func (s *Server) bundleRoutes(mux *http.ServeMux, api huma.API) {
	mux.Handle("GET /bundles/{code}", s.errorPage(s.handleBundle))
	mux.Handle("GET /bundles/{code}/apply", s.errorPage(s.handleBundleApplyForm))
	mux.Handle("POST /bundles/{code}/apply", s.errorPage(s.handleBundleApply))
	s.registerBundleAPI(api)
}

// bundleView is a bundle with its items, for the bundle and apply pages.
type bundleView struct {
	Bundle    *catalog.Bundle
	Items     []bundleItemView
	Fields    []catalog.Field              // the shared form
	Materials map[string]cases.MaterialRef // uploads so far, by shared field
	Picker    *picker
	Licenses  []cases.LicenseRef // the applicant's licences some material accepts (免提交)
	Chosen    map[ids.ID]bool    // the licences ticked
	// At a counter (窗口代办, pages_bundle_counter.go): the materials the
	// applicant's e-licences may satisfy, with their consent.
	Counter         bool
	CounterLicenses []licenseChoiceView
}

type bundleItemView struct {
	*catalog.Item
	Department string
}

func (s *Server) bundleView(ctx context.Context, code string) (*bundleView, error) {
	b, err := s.catalog.Bundle(ctx, code)
	if err != nil {
		return nil, err
	}
	items, err := s.catalog.BundleItems(ctx, b)
	if err != nil {
		return nil, err
	}
	v := &bundleView{Bundle: b, Fields: b.Form(items), Materials: map[string]cases.MaterialRef{}}
	for _, it := range items {
		v.Items = append(v.Items, bundleItemView{Item: it, Department: catalog.Departments[it.Department]})
	}
	return v, nil
}

// handleBundle is a bundle's page: what it includes, and the apply button.
func (s *Server) handleBundle(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bundleView(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "bundle", &page{Title: "bundle.title", Face: identity.FacePortal, Data: v})
}

// handleBundleApplyForm shows the shared application form of a bundle.
func (s *Server) handleBundleApplyForm(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	v, err := s.bundleView(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("counter") == "1" {
		return s.bundleCounterForm(w, r, v)
	}
	vals := url.Values{}
	decideIn := ""
	if me, err := s.id.Me(r.Context(), c); err == nil {
		decideIn = string(me.Region)
		prefillBundle(v.Fields, vals, me)
	}
	v.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(decideIn))
	if v.Licenses, err = s.cases.BundleLicenseOptions(r.Context(), c, v.Bundle); err != nil {
		return err
	}
	return s.rd.render(w, r, "bundle_apply", &page{Title: "bundle.apply_title", Face: identity.FacePortal, Form: vals, Data: v})
}

// prefillBundle fills the phone, and the applicant's own name and ID number
// where the shared form asks for the applicant (applicant_name); in a form
// about someone else (a newborn) ID numbers are left to the applicant.
func prefillBundle(fields []catalog.Field, vals url.Values, me *identity.Person) {
	self := false
	for _, fl := range fields {
		self = self || fl.Name == "applicant_name"
	}
	for _, fl := range fields {
		switch {
		case fl.Kind == catalog.FieldPhone && me.Phone != "":
			vals.Set(fl.Name, me.Phone.Clear())
		case self && fl.Name == "applicant_name":
			vals.Set(fl.Name, me.Name)
		case self && fl.Name == "id_number" && fl.Kind == catalog.FieldIDNumber:
			vals.Set(fl.Name, me.IDNumber.Clear())
		}
	}
}

// handleBundleApply receives the shared form: uploads first, then every
// item is checked and, if all pass, every case is submitted at once. On any
// error the form comes back with every problem marked; nothing is submitted.
func (s *Server) handleBundleApply(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	v, err := s.bundleView(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if r.PostFormValue("counter") == "1" {
		return s.bundleCounterApply(w, r, v)
	}
	decideIn := pickedRegion(r.PostForm, "decide_in")
	form, byField, bad, badArgs, err := s.collectForm(r, c, v.Fields)
	if err != nil {
		return err
	}
	var mats []cases.MaterialRef
	for _, fl := range v.Fields { // in form order
		if m, ok := byField[fl.Name]; ok {
			mats = append(mats, m)
			v.Materials[fl.Name] = m
		}
	}
	var lics []ids.ID
	v.Chosen = map[ids.ID]bool{}
	for _, id := range r.PostForm["licenses"] {
		if id != "" && len(id) <= 64 && !v.Chosen[ids.ID(id)] {
			v.Chosen[ids.ID(id)] = true
			lics = append(lics, ids.ID(id))
		}
	}
	if len(lics) > 16 {
		bad[cases.BundleLicenseField] = "form.choice"
	}
	if len(bad) > 0 {
		err = errs.Fields(bad)
	} else {
		var id string
		bid, _, aerr := s.cases.ApplyBundleWith(r.Context(), c, v.Bundle.Code, decideIn, form, mats, lics)
		if err = aerr; err == nil {
			id = string(bid)
			http.Redirect(w, r, "/cases?bundle="+url.QueryEscape(id), http.StatusSeeOther)
			return nil
		}
	}
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		for k, msg := range e.Fields {
			if _, ok := bad[k]; !ok {
				bad[k] = msg
			}
		}
		v.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(decideIn))
		if v.Licenses, err = s.cases.BundleLicenseOptions(r.Context(), c, v.Bundle); err != nil {
			return err
		}
		vals := url.Values{}
		for k, vs := range r.PostForm {
			vals[k] = vs
		}
		return s.rd.render(w, r, "bundle_apply", &page{Title: "bundle.apply_title", Face: identity.FacePortal,
			Status: http.StatusUnprocessableEntity, Form: vals, Errors: bad, Args: badArgs, Data: v})
	}
	return err
}

// bundleSummary is a bundle as the API lists it.
type bundleSummary struct {
	Code        string                       `json:"code" example:"BD-BIRTH"`
	Name        string                       `json:"name" example:"出生一件事"`
	Description string                       `json:"description"`
	LifeEvent   string                       `json:"life_event,omitempty"`
	Items       []bundleItemSummary          `json:"items"`
	Form        []catalog.Field              `json:"form" doc:"the shared application form"`
	Map         map[string]map[string]string `json:"map,omitempty" doc:"item code → item field → shared field it takes its value from"`
}

type bundleItemSummary struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Department   string `json:"department"`
	PromisedDays int    `json:"promised_days"`
}

func (s *Server) registerBundleAPI(api huma.API) {
	type bundleListOutput struct {
		Body struct {
			Items []bundleSummary `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-bundles", Method: http.MethodGet, Path: "/api/v1/bundles",
		Summary: "Bundled matters (一件事)", Tags: []string{"catalog"},
		Description: "Public: no token needed. Each bundle lists its items and its shared application form.",
	}, func(ctx context.Context, _ *struct{}) (*bundleListOutput, error) {
		bs, err := s.catalog.Bundles(ctx)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &bundleListOutput{}
		out.Body.Items = []bundleSummary{}
		for i := range bs {
			v, err := s.bundleView(ctx, bs[i].Code)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			sum := bundleSummary{Code: v.Bundle.Code, Name: v.Bundle.Name, Description: v.Bundle.Description,
				LifeEvent: v.Bundle.LifeEvent, Form: v.Fields, Map: v.Bundle.Map}
			for _, it := range v.Items {
				sum.Items = append(sum.Items, bundleItemSummary{it.Code, it.Name, it.Item.Department, it.PromisedDays})
			}
			out.Body.Items = append(out.Body.Items, sum)
		}
		return out, nil
	})

	type bundleApplyInput struct {
		Code string `path:"code" maxLength:"16" example:"BD-BIRTH"`
		Body struct {
			DecideIn  string              `json:"decide_in,omitempty" example:"440106" doc:"办理地; default: the applicant's region"`
			Form      map[string]string   `json:"form" doc:"values by shared field name, as the bundle's form defines"`
			Materials []cases.MaterialRef `json:"materials,omitempty" doc:"uploads from POST /api/v1/materials, field = the shared file field"`
			Licenses  []ids.ID            `json:"licenses,omitempty" maxItems:"16" doc:"免提交: IDs of the applicant's electronic licences; each stands in for every material of every item that accepts its type, and is granted to each such case's authority"`
		}
	}
	type bundleApplyOutput struct {
		Body struct {
			BundleID string     `json:"bundle_id"`
			Cases    []caseBody `json:"cases"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "apply-bundle", Method: http.MethodPost, Path: "/api/v1/bundles/{code}/apply", DefaultStatus: http.StatusCreated,
		Summary: "Apply for a bundled matter (一件事)", Tags: []string{"cases"}, Security: bearer,
		Description: "Creates and submits one case per item of the bundle, each to its own competent authority, all sharing " +
			"one bundle_id. Every invalid field of every item is reported at once (422, named by the shared form's fields) " +
			"and then nothing is submitted.",
	}, func(ctx context.Context, in *bundleApplyInput) (*bundleApplyOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		bid, list, err := s.cases.ApplyBundleWith(ctx, c, in.Code, in.Body.DecideIn, in.Body.Form, in.Body.Materials, in.Body.Licenses)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &bundleApplyOutput{}
		out.Body.BundleID = string(bid)
		for _, cs := range list {
			out.Body.Cases = append(out.Body.Cases, s.caseBody(cs))
		}
		return out, nil
	})
}
