package cases

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// CounterBundleApplication is a bundled matter (一件事) applied for at a
// counter on a person's behalf (窗口代办): the shared form and the staff's
// uploads, who the person is and how they consented, and which materials
// the person's electronic licences satisfy (免提交).
type CounterBundleApplication struct {
	Code      string            // the bundle
	DecideIn  string            // 办理地; "" for the counter's region
	Form      map[string]string // the bundle's shared form
	Materials []MaterialRef     // the staff's uploads, named by the shared form's file fields
	// Licenses names materials, as the items' guides name them, that the
	// applicant's valid electronic licence of an accepted type satisfies
	// in every item of the bundle that asks for them (the counter's
	// "use the applicant's e-licence": staff see no wallet, the node picks
	// the licence).
	Licenses          []string
	ApplicantUsername string // the person's ID number, or their username
	Consent           string // how the person consented
}

// maxCounterLicenses bounds the materials one counter bundle names.
const maxCounterLicenses = 32

// ReceiveBundleAtCounter records a bundled application made at a counter
// on a person's behalf, as ReceiveAtCounter does for one item: by must be
// counter staff; the person's consent is required and recorded on every
// case; each item becomes its own case, sent to its authority or, outside
// the counter's scope, received here to be forwarded (异地代收). A material
// named in Licenses takes the applicant's valid licence of a type it
// accepts; the grants to each case's authority are written in the
// submission's transaction. Every problem of every item is reported at
// once (errs.Invalid, named by the shared form's fields; a licence choice
// by LicenseField of its material, or BundleLicenseField for a material no
// item asks for) and then nothing is saved.
func (s *Service) ReceiveBundleAtCounter(ctx context.Context, by *identity.Caller, in CounterBundleApplication) (ids.ID, []*Case, error) {
	counterAt, err := s.counterRegion(ctx, by)
	if err != nil {
		return "", nil, err
	}
	b, err := s.catalog.Bundle(ctx, in.Code)
	if err != nil {
		return "", nil, err
	}
	items, err := s.catalog.BundleItems(ctx, b)
	if err != nil {
		return "", nil, err
	}
	consent := strings.TrimSpace(in.Consent)
	if consent == "" {
		return "", nil, errs.Fields(map[string]string{"consent": "case.consent_required"})
	}
	u, err := s.counterApplicant(ctx, by, strings.TrimSpace(in.ApplicantUsername), consent)
	if err != nil {
		return "", nil, err
	}
	applicant := &identity.Caller{UserID: u.ID, Name: u.DisplayName, Kind: u.Kind, PersonID: u.PersonID}
	bad := map[string]string{}
	chosen := map[string]bool{} // material → some item asks for it with licences
	for _, name := range in.Licenses {
		if name = strings.TrimSpace(name); name != "" {
			chosen[name] = false
		}
	}
	if len(chosen) > maxCounterLicenses {
		return "", nil, errs.Fields(map[string]string{BundleLicenseField: "form.choice"})
	}
	// The staff uploaded the materials; they hand them to the applicant.
	mats := s.handOver(by, applicant, in.Materials)
	now := s.now().UTC()
	bundleID := ids.New()
	list := make([]*Case, 0, len(items))
	for _, it := range items {
		c := newCase(it, ChannelCounter, now)
		c.BundleID = bundleID
		c.ProxyID, c.Consent, c.Trips = by.UserID, consent, 1
		if err := applicantOf(applicant, it, c); err != nil {
			return "", nil, err
		}
		app := Application{ItemCode: it.Code, DecideIn: in.DecideIn, Form: b.ItemForm(it, in.Form), Materials: itemMaterials(b, it, mats)}
		for _, m := range it.Materials {
			if _, ok := chosen[m.Name]; ok && len(m.LicenseTypes) > 0 {
				chosen[m.Name] = true
				app.Licenses = append(app.Licenses, LicenseChoice{Material: m.Name})
			}
		}
		err := s.prepare(ctx, applicant, it, c, app, counterAt)
		if e := errs.As(err); e != nil && e.Code == errs.Invalid && len(e.Fields) > 0 {
			for k, v := range e.Fields {
				if k != "decide_in" && !strings.HasPrefix(k, LicenseField("")) {
					k = b.Shared(it.Code, k)
				}
				if _, ok := bad[k]; !ok {
					bad[k] = v
				}
			}
			continue
		}
		if err != nil {
			return "", nil, err
		}
		c.State = Submitted
		if !region.Within(c.DecidedAt, counterAt) {
			c.State = Received // 异地代收: the authority is elsewhere; forward after checking
		}
		list = append(list, c)
	}
	for _, asked := range chosen {
		if !asked {
			bad[BundleLicenseField] = "case.license_material"
		}
	}
	if len(bad) > 0 {
		return "", nil, errs.Fields(bad) // nothing is saved
	}
	if err := s.insert(ctx, by, "代办："+consent, list...); err != nil {
		return "", nil, err
	}
	return bundleID, list, nil
}

// BundleLicenseMaterials lists the materials of a bundle's items that an
// electronic licence can satisfy, each name once, in the order the items
// and their guides name them: what a counter may tick "use the applicant's
// e-licence" for (as the first item that asks for it describes it).
func (s *Service) BundleLicenseMaterials(ctx context.Context, code string) ([]catalog.Material, error) {
	b, err := s.catalog.Bundle(ctx, code)
	if err != nil {
		return nil, err
	}
	items, err := s.catalog.BundleItems(ctx, b)
	if err != nil {
		return nil, err
	}
	var out []catalog.Material
	seen := map[string]bool{}
	for _, it := range items {
		for _, m := range it.Materials {
			if len(m.LicenseTypes) > 0 && !seen[m.Name] {
				seen[m.Name] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}
