package web

import (
	"net/http"
	"net/url"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// A bundled matter (一件事) applied for at a counter on a person's behalf
// (窗口代办), as /services/{code}/apply?counter=1 does for one item: the
// staff name the person and record their consent, fill the shared form,
// and may tick "use the applicant's e-licence" (免提交) for each material
// an electronic licence can satisfy.

// bundleCounterForm shows the shared form at a counter
// (/bundles/{code}/apply?counter=1).
func (s *Server) bundleCounterForm(w http.ResponseWriter, r *http.Request, v *bundleView) error {
	c := caller(r)
	if err := identity.Authorize(c, identity.PermCaseReceive, ""); err != nil {
		return err
	}
	if err := s.bundleCounterView(r, v); err != nil {
		return err
	}
	v.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(string(c.Scopes(identity.PermCaseReceive)[0])))
	return s.rd.render(w, r, "bundle_apply", &page{Title: "bundle.apply_title", Form: url.Values{}, Data: v})
}

// bundleCounterView sets the counter's part of the form: the materials an
// e-licence can satisfy.
func (s *Server) bundleCounterView(r *http.Request, v *bundleView) error {
	mats, err := s.cases.BundleLicenseMaterials(r.Context(), v.Bundle.Code)
	if err != nil {
		return err
	}
	v.Counter, v.CounterLicenses = true, nil
	for i, m := range mats {
		v.CounterLicenses = append(v.CounterLicenses, licenseChoiceView{Index: i, Material: m, Field: cases.LicenseField(m.Name), Counter: true})
	}
	return nil
}

// bundleCounterApply receives the shared form from a counter: uploads
// first, then every item is checked and, if all pass, every case is
// received at once, each with the person's consent and the licence
// grants. On any error the form comes back with every problem marked and
// every value kept; nothing is saved.
func (s *Server) bundleCounterApply(w http.ResponseWriter, r *http.Request, v *bundleView) error {
	c := caller(r)
	if err := identity.Authorize(c, identity.PermCaseReceive, ""); err != nil {
		return err
	}
	if err := s.bundleCounterView(r, v); err != nil {
		return err
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
	var lics []string
	for _, ch := range v.CounterLicenses {
		if r.PostForm.Get(ch.Field) == "auto" {
			lics = append(lics, ch.Material.Name)
		}
	}
	if len(bad) > 0 {
		err = errs.Fields(bad)
	} else {
		var list []*cases.Case
		_, list, err = s.cases.ReceiveBundleAtCounter(r.Context(), c, cases.CounterBundleApplication{Code: v.Bundle.Code,
			DecideIn: decideIn, Form: form, Materials: mats, Licenses: lics,
			ApplicantUsername: r.PostFormValue("applicant"), Consent: r.PostFormValue("consent")})
		if err == nil {
			// The first case of the bundle; the staff see each as its proxy.
			to := "/workbench/cases"
			if len(list) > 0 {
				to = "/cases/" + string(list[0].ID)
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
	}
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		return err
	}
	for k, msg := range e.Fields {
		if _, ok := bad[k]; !ok {
			bad[k] = msg
		}
	}
	v.Picker = s.newPicker("decide_in", "apply.decide_in", s.regionCode(decideIn))
	vals := url.Values{}
	for k, vs := range r.PostForm {
		vals[k] = vs
	}
	return s.rd.render(w, r, "bundle_apply", &page{Title: "bundle.apply_title",
		Status: http.StatusUnprocessableEntity, Form: vals, Errors: bad, Args: badArgs, Data: v})
}
