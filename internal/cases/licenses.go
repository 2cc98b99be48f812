package cases

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// LicenseRef names the electronic licence that satisfies a material of a
// case instead of a copy (免提交), as the applicant and the officer see it
// on the case. The licence itself is read, verified, through the licence
// domain under the grant the submission created.
type LicenseRef struct {
	ID       ids.ID `json:"id"`
	Type     string `json:"type" doc:"licence type key"`
	TypeName string `json:"type_name"`
	Number   string `json:"number" doc:"证照编号"`
	Issuer   string `json:"issuer" doc:"the issuing authority"`
	IssuerID ids.ID `json:"issuer_id"`
}

// LicenseChoice is an applicant's choice to satisfy one material of the
// item's guide with one of their electronic licences.
type LicenseChoice struct {
	Material  string // the material's name in the item's guide
	LicenseID ids.ID // "": the applicant's valid licence of a type the material accepts (at counters)
}

// Licenses is what cases need of electronic licences (免提交). The licence
// domain implements it (license.Service); cases sit below it in the import
// order, so the port is theirs and internal/app wires it. Every method
// joins the transaction in ctx, if any.
type Licenses interface {
	// Usable lists holder's licences of the given types that are valid
	// now, newest first.
	Usable(ctx context.Context, holderID ids.ID, types []string) ([]LicenseRef, error)
	// CheckUsable returns licence id if holder holds it, it is valid now
	// and of one of types; otherwise errs.Invalid whose message key says
	// why ("case.license_not_yours", "case.license_not_valid",
	// "case.license_wrong_type").
	CheckUsable(ctx context.Context, holderID ids.ID, id ids.ID, types []string) (*LicenseRef, error)
	// GrantCase lets c's authority use the licences among c's materials
	// for c (用证授权), audited with by as actor.
	GrantCase(ctx context.Context, by audit.Actor, c *Case) error
}

// LicenseField is the form key (and the per-field error key) of the
// choice to satisfy material with an electronic licence.
func LicenseField(material string) string { return "license:" + material }

// License returns the licence that satisfies material on c, nil if none.
func (c *Case) License(material string) *LicenseRef {
	for _, m := range c.Materials {
		if m.License != nil && m.Field == LicenseField(material) {
			return m.License
		}
	}
	return nil
}

// LicenseMaterials returns c's materials satisfied by electronic licences.
func (c *Case) LicenseMaterials() []MaterialRef {
	var out []MaterialRef
	for _, m := range c.Materials {
		if m.License != nil {
			out = append(out, m)
		}
	}
	return out
}

// holder is who must hold the licences of c: the enterprise of an
// enterprise's application, else the applying person.
func holder(c *Case) ids.ID {
	if c.EnterpriseID != "" {
		return c.EnterpriseID
	}
	return c.PersonID
}

// LicenseOptions lists, for each material of the item that an electronic
// licence can satisfy, the caller's licences that can (valid now, of an
// accepted type), by material name. Empty for callers who hold none, for
// staff and without the licence domain.
func (s *Service) LicenseOptions(ctx context.Context, by *identity.Caller, it *catalog.Item) (map[string][]LicenseRef, error) {
	out := map[string][]LicenseRef{}
	if s.licenses == nil || by.Anonymous() || by.Kind == identity.KindStaff {
		return out, nil
	}
	c := &Case{}
	if err := applicantOf(by, it, c); err != nil {
		return out, nil
	}
	for _, m := range it.Materials {
		if len(m.LicenseTypes) == 0 {
			continue
		}
		refs, err := s.licenses.Usable(ctx, holder(c), m.LicenseTypes)
		if err != nil {
			return nil, err
		}
		if len(refs) > 0 {
			out[m.Name] = refs
		}
	}
	return out, nil
}

// checkLicenses resolves the applicant's licence choices into materials of
// c: each must name a material of the item that accepts licences, and a
// licence of c's holder, valid now, of a type that material accepts.
// Problems are errs.Invalid by field (LicenseField of the material).
func (s *Service) checkLicenses(ctx context.Context, it *catalog.Item, c *Case, choices []LicenseChoice) ([]MaterialRef, error) {
	bad := map[string]string{}
	var out []MaterialRef
	seen := map[string]bool{}
	for _, ch := range choices {
		name := strings.TrimSpace(ch.Material)
		key := LicenseField(name)
		if seen[name] {
			continue
		}
		seen[name] = true
		var mat *catalog.Material
		for i := range it.Materials {
			if it.Materials[i].Name == name {
				mat = &it.Materials[i]
			}
		}
		switch {
		case mat == nil || len(mat.LicenseTypes) == 0:
			bad[key] = "case.license_material"
			continue
		case s.licenses == nil:
			bad[key] = "case.license_unavailable"
			continue
		}
		var ref *LicenseRef
		if ch.LicenseID == "" {
			refs, err := s.licenses.Usable(ctx, holder(c), mat.LicenseTypes)
			if err != nil {
				return nil, err
			}
			if len(refs) == 0 {
				bad[key] = "case.license_none"
				continue
			}
			ref = &refs[0]
		} else {
			var err error
			ref, err = s.licenses.CheckUsable(ctx, holder(c), ch.LicenseID, mat.LicenseTypes)
			if e := errs.As(err); e != nil && e.Code == errs.Invalid {
				bad[key] = e.Msg
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, MaterialRef{Field: key, Name: mat.Name, License: ref})
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return out, nil
}

// grantLicenses creates, in the transaction of ctx, the grants of the
// licences that satisfy c's materials.
func (s *Service) grantLicenses(ctx context.Context, by audit.Actor, c *Case) error {
	if s.licenses == nil || len(c.LicenseMaterials()) == 0 {
		return nil
	}
	return s.licenses.GrantCase(ctx, by, c)
}

// licenseNote is what the submission's timeline entry says about the
// materials satisfied by electronic licences ("" if none).
func licenseNote(c *Case) string {
	var parts []string
	for _, m := range c.LicenseMaterials() {
		parts = append(parts, m.Name+"（"+m.License.TypeName+" "+m.License.Number+"）")
	}
	if len(parts) == 0 {
		return ""
	}
	return "免提交，使用电子证照：" + strings.Join(parts, "、")
}

// joinComment joins two comments of one timeline entry.
func joinComment(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "；" + b
}

// draftLicenses remembers licence choices in a draft, unchecked (checked
// at submission), as materials naming only the licence.
func draftLicenses(choices []LicenseChoice) []MaterialRef {
	var out []MaterialRef
	for _, ch := range choices {
		name := truncate(strings.TrimSpace(ch.Material), maxMaterialName)
		if name == "" || len(ch.LicenseID) > 64 {
			continue
		}
		out = append(out, MaterialRef{Field: LicenseField(name), Name: name, License: &LicenseRef{ID: ch.LicenseID}})
	}
	return out
}

// choicesOf turns the licence materials a draft remembers back into
// choices.
func choicesOf(mats []MaterialRef) []LicenseChoice {
	var out []LicenseChoice
	for _, m := range mats {
		if m.License != nil {
			out = append(out, LicenseChoice{Material: m.Name, LicenseID: m.License.ID})
		}
	}
	return out
}

// uploadsOf returns the materials that are uploads (not licences).
func uploadsOf(mats []MaterialRef) []MaterialRef {
	var out []MaterialRef
	for _, m := range mats {
		if m.License == nil {
			out = append(out, m)
		}
	}
	return out
}
