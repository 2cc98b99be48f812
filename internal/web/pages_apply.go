package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// applyForm is what the application page shows: the item, the values so
// far, the uploads so far, and (at a counter) who is applied for.
type applyForm struct {
	Item      *catalog.Item
	CaseID    string
	Version   int
	Materials map[string]cases.MaterialRef // by field
	Counter   bool
	Picker    *picker
	Licenses  []licenseChoiceView // materials an electronic licence can satisfy (免提交, pages_licuse.go)
}

// handleApplyForm shows the application form of an item: empty, or a
// draft being resumed (?case=ID), or at a counter (?counter=1).
func (s *Server) handleApplyForm(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	it, err := s.catalog.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	af := &applyForm{Item: it, Materials: map[string]cases.MaterialRef{}, Counter: r.URL.Query().Get("counter") == "1"}
	vals := url.Values{}
	decideIn := ""
	if id := r.URL.Query().Get("case"); id != "" {
		d, _, err := s.cases.Get(r.Context(), c, ids.ID(id))
		if err != nil {
			return err
		}
		if d.State != cases.Draft || d.ItemCode != it.Code {
			return errs.E(errs.NotFound, "not_found")
		}
		af.CaseID, af.Version, decideIn = string(d.ID), d.Version, string(d.DecidedAt)
		for k, v := range d.Form {
			vals.Set(k, v)
		}
		for _, m := range d.Materials {
			if m.License != nil {
				vals.Set(m.Field, string(m.License.ID))
				continue
			}
			af.Materials[m.Field] = m
		}
	} else if me, err := s.id.Me(r.Context(), c); err == nil && !af.Counter {
		decideIn = string(me.Region)
		prefill(it, vals, me)
	}
	if af.Counter {
		if err := identity.Authorize(c, identity.PermCaseReceive, ""); err != nil {
			return err
		}
		decideIn = string(c.Scopes(identity.PermCaseReceive)[0])
	}
	af.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(decideIn))
	if af.Licenses, err = s.licenseChoices(r, it, af.Counter); err != nil {
		return err
	}
	return s.rd.render(w, r, "apply", &page{Title: "apply.title", Form: vals, Data: af})
}

// handleApply receives the application form: uploads first (each checked
// for size and type), then saves a draft or submits. On any error the form
// comes back with every problem marked and every value kept, uploads
// included; nothing is submitted.
func (s *Server) handleApply(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if c.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	it, err := s.catalog.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	af := &applyForm{Item: it, Materials: map[string]cases.MaterialRef{}, CaseID: r.PostFormValue("case_id"),
		Counter: r.PostFormValue("counter") == "1"}
	af.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	app := cases.Application{ItemCode: it.Code, DecideIn: pickedRegion(r.PostForm, "decide_in")}
	form, mats, bad, badArgs, err := s.collectForm(r, c, it.Form)
	if err != nil {
		return err
	}
	app.Form, app.Licenses = form, licenseChoicesOf(r.PostForm, it)
	for _, fl := range it.Form { // in form order
		if m, ok := mats[fl.Name]; ok {
			app.Materials = append(app.Materials, m)
		}
	}
	af.Materials = mats
	var cs *cases.Case
	switch {
	case len(bad) > 0:
		err = errs.Fields(bad)
	case af.Counter:
		cs, err = s.cases.ReceiveAtCounter(r.Context(), c, cases.CounterApplication{Application: app,
			ApplicantUsername: r.PostFormValue("applicant"), Consent: r.PostFormValue("consent")})
	case r.PostFormValue("draft") == "1":
		cs, err = s.cases.SaveDraft(r.Context(), c, ids.ID(af.CaseID), af.Version, app)
	case af.CaseID != "":
		var d *cases.Case
		if d, err = s.cases.SaveDraft(r.Context(), c, ids.ID(af.CaseID), af.Version, app); err == nil {
			if cs, err = s.cases.Submit(r.Context(), c, d.ID, d.Version); err != nil {
				cs = d
			}
		}
	default:
		cs, err = s.cases.Apply(r.Context(), c, app)
	}
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		for k, v := range e.Fields {
			if _, ok := bad[k]; !ok {
				bad[k] = v
			}
		}
		if cs != nil { // the draft was saved before submission failed
			af.CaseID, af.Version = string(cs.ID), cs.Version
		}
		af.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(app.DecideIn))
		if af.Licenses, err = s.licenseChoices(r, it, af.Counter); err != nil {
			return err
		}
		vals := url.Values{}
		for k, v := range r.PostForm {
			vals[k] = v
		}
		return s.rd.render(w, r, "apply", &page{Title: "apply.title", Status: http.StatusUnprocessableEntity,
			Form: vals, Errors: bad, Args: badArgs, Data: af})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+string(cs.ID), http.StatusSeeOther)
	return nil
}

// prefill fills what the platform already knows about the applicant: their
// name, ID number and phone, so nobody types their own ID number twice.
func prefill(it *catalog.Item, vals url.Values, me *identity.Person) {
	for _, fl := range it.Form {
		switch {
		case fl.Kind == catalog.FieldIDNumber && vals.Get(fl.Name) == "":
			vals.Set(fl.Name, me.IDNumber.Clear())
		case fl.Kind == catalog.FieldPhone && vals.Get(fl.Name) == "" && me.Phone != "":
			vals.Set(fl.Name, me.Phone.Clear())
		case (fl.Name == "applicant_name" || fl.Name == "name") && vals.Get(fl.Name) == "":
			vals.Set(fl.Name, me.Name)
		}
	}
}

// collectForm reads an application form's fields from a multipart request.
// A file chosen now is uploaded (checked for size and type) and replaces
// the earlier upload remembered in the form's hidden fields. It returns the
// values (a file field's value is its upload's SHA-256), the uploads by
// field, and the fields whose upload was refused with the messages' args.
func (s *Server) collectForm(r *http.Request, c *identity.Caller, fields []catalog.Field) (
	form map[string]string, mats map[string]cases.MaterialRef, bad map[string]string, badArgs []any, err error) {
	form, mats, bad = map[string]string{}, map[string]cases.MaterialRef{}, map[string]string{}
	for _, fl := range fields {
		form[fl.Name] = r.PostFormValue(fl.Name)
		if fl.Kind != catalog.FieldFile {
			continue
		}
		m := cases.MaterialRef{Field: fl.Name, Name: r.PostFormValue(fl.Name + "__name"), SHA256: r.PostFormValue(fl.Name),
			Receipt: r.PostFormValue(fl.Name + "__receipt")}
		if f, hdr, ferr := r.FormFile(fl.Name + "__file"); ferr == nil {
			m, err = s.cases.Upload(r.Context(), c, fl.Name, hdr.Filename, f)
			f.Close()
			if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.TooLarge) {
				bad[fl.Name], badArgs, err = e.Msg, e.Args, nil
				continue
			} else if err != nil {
				return nil, nil, nil, nil, err
			}
		}
		if m.SHA256 != "" {
			form[fl.Name] = m.SHA256
			mats[fl.Name] = m
		}
	}
	return form, mats, bad, badArgs, nil
}
