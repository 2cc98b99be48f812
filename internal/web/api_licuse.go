package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Use and consent of electronic licences: 免提交 options, grants and their
// revocation, reading under a legal basis, 用证率. Huma names schemas after
// these types: they carry the license prefix.

type licenseGrantBody struct {
	ID          string     `json:"id"`
	LicenseID   string     `json:"license_id"`
	Number      string     `json:"number" doc:"the licence's 证照编号"`
	Type        string     `json:"type"`
	CaseID      string     `json:"case_id"`
	CaseNumber  string     `json:"case_number,omitempty"`
	Authority   string     `json:"authority" doc:"the authority the grant lets read the licence"`
	Purpose     string     `json:"purpose" doc:"what the grant is for, in the caller's language (Accept-Language)"`
	PurposeCode string     `json:"purpose_code,omitempty" doc:"case or counter; empty for grants made before purposes had codes"`
	PurposeArgs []string   `json:"purpose_args,omitempty" doc:"the purpose's arguments: the item's name (and first, at a counter, the applicant's consent)"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	Active      bool       `json:"active" doc:"neither revoked nor expired"`
}

func (s *Server) licenseGrantBodyOf(lang string, g *license.Grant) licenseGrantBody {
	return licenseGrantBody{ID: string(g.ID), LicenseID: string(g.LicenseID), Number: g.Number, Type: g.Type, CaseID: string(g.CaseID),
		CaseNumber: g.CaseNumber, Authority: g.Authority, Purpose: s.grantPurpose(lang, g), PurposeCode: g.PurposeCode,
		PurposeArgs: g.PurposeArgs, CreatedAt: g.CreatedAt, ExpiresAt: g.ExpiresAt,
		RevokedAt: timePtr(g.RevokedAt), Active: g.Active(time.Now())}
}

type licenseBasisBody struct {
	Law     string    `json:"law"`
	Article string    `json:"article"`
	Reason  string    `json:"reason"`
	By      string    `json:"by" doc:"the officer who recorded it"`
	At      time.Time `json:"at"`
}

type licenseCaseBody struct {
	License licenseBody       `json:"license"`
	GrantID string            `json:"grant_id,omitempty" doc:"the holder's grant it is read under, or"`
	Basis   *licenseBasisBody `json:"basis,omitempty" doc:"the legal basis recorded to read it"`
	Verify  licenseVerifyBody `json:"verification" doc:"verified now: signature and status"`
}

type licenseUseRateBody struct {
	Key      string  `json:"key" doc:"item code, authority ID or region code; empty for the total"`
	Name     string  `json:"name" doc:"item or authority name; empty for regions"`
	Eligible int     `json:"eligible" doc:"submitted cases of items with a material a licence can satisfy"`
	Used     int     `json:"used" doc:"of them, cases where the applicant granted an electronic licence (免提交)"`
	Rate     float64 `json:"rate" doc:"used / eligible, 0–1"`
}

func licenseUseRateBodyOf(u license.UseRate) licenseUseRateBody {
	return licenseUseRateBody{u.Key, u.Name, u.Eligible, u.Used, u.Rate()}
}

func (s *Server) licenseCaseBodies(ctx context.Context, list []license.CaseLicense) []licenseCaseBody {
	out := make([]licenseCaseBody, len(list))
	for i, cl := range list {
		b := licenseCaseBody{License: s.licenseBodyOf(&cl.License), Verify: s.licenseVerifyBodyOf(state(ctx).Lang, cl.Result)}
		if cl.Grant != nil {
			b.GrantID = string(cl.Grant.ID)
		}
		if a := cl.Access; a != nil {
			b.Basis = &licenseBasisBody{Law: a.Basis.Law, Article: a.Basis.Article, Reason: a.Basis.Reason, By: a.UserName, At: a.At}
		}
		out[i] = b
	}
	return out
}

func (s *Server) registerLicenseUseAPI(api huma.API) {
	type licenseUseRateInput struct {
		By string `query:"by" enum:"item,authority,city,county" default:"item"`
	}
	type licenseUseRateOutput struct {
		Body struct {
			By     string               `json:"by"`
			Items  []licenseUseRateBody `json:"items"`
			Total  licenseUseRateBody   `json:"total"`
			Target float64              `json:"target" doc:"the plan's target: 用证率 above it (0.8)"`
			Met    bool                 `json:"target_met"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "license-use-rate", Method: http.MethodGet, Path: "/api/v1/licenses/use-rate",
		Summary: "用证率 by service item, authority, city or county", Tags: []string{"licenses"}, Security: bearer,
		Description: "For staff holding audit.read or cockpit.view: over the cases decided within their scopes.",
	}, func(ctx context.Context, in *licenseUseRateInput) (*licenseUseRateOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		rows, total, err := s.licenses.UseRates(ctx, by, cases.Grouping(in.By))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licenseUseRateOutput{}
		out.Body.By, out.Body.Items = in.By, []licenseUseRateBody{}
		for _, u := range rows {
			out.Body.Items = append(out.Body.Items, licenseUseRateBodyOf(u))
		}
		out.Body.Total, out.Body.Target, out.Body.Met = licenseUseRateBodyOf(total), license.UseRateTarget, total.MeetsTarget()
		out.Body.Total.Key = ""
		return out, nil
	})

	type licenseGrantsOutput struct {
		Body struct {
			Items []licenseGrantBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "my-license-grants", Method: http.MethodGet, Path: "/api/v1/licenses/grants",
		Summary: "The caller's grants (用证授权)", Tags: []string{"licenses"}, Security: bearer,
		Description: "Newest first, revoked and expired ones included.",
	}, func(ctx context.Context, _ *struct{}) (*licenseGrantsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		gs, err := s.licenses.Grants(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licenseGrantsOutput{}
		out.Body.Items = make([]licenseGrantBody, len(gs))
		for i := range gs {
			out.Body.Items[i] = s.licenseGrantBodyOf(state(ctx).Lang, &gs[i])
		}
		return out, nil
	})

	type licenseGrantIDInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type licenseGrantOutput struct{ Body licenseGrantBody }
	huma.Register(api, huma.Operation{
		OperationID: "revoke-license-grant", Method: http.MethodPost, Path: "/api/v1/licenses/grants/{id}/revoke",
		Summary: "Revoke a grant (撤回授权)", Tags: []string{"licenses"}, Security: bearer,
		Description: "For the holder: from now on the authority can no longer read the licence for the case (audited). " +
			"404 for anyone else's grant, 409 for a grant revoked or expired already.",
	}, func(ctx context.Context, in *licenseGrantIDInput) (*licenseGrantOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		g, err := s.licenses.RevokeGrant(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &licenseGrantOutput{Body: s.licenseGrantBodyOf(state(ctx).Lang, g)}, nil
	})

	type licenseCaseIDInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type licenseCaseOutput struct {
		Body struct {
			Items []licenseCaseBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "case-licenses", Method: http.MethodGet, Path: "/api/v1/cases/{id}/licenses",
		Summary: "The licences staff may read for a case, verified now", Tags: []string{"licenses"}, Security: bearer,
		Description: "For staff who may read the case: the licences the applicant granted (in force) and those their " +
			"organisation read under a recorded legal basis. Each read is logged as a use the holder sees. 404 for others.",
	}, func(ctx context.Context, in *licenseCaseIDInput) (*licenseCaseOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.licenses.CaseLicenses(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licenseCaseOutput{}
		out.Body.Items = s.licenseCaseBodies(ctx, list)
		return out, nil
	})

	type licenseBasisInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Type    string `json:"type" maxLength:"40" doc:"licence type key: one the item's materials accept"`
			Law     string `json:"law" maxLength:"400" doc:"the law or regulation, e.g. 《中华人民共和国社会保险法》"`
			Article string `json:"article" maxLength:"200" doc:"its article, e.g. 第四十五条"`
			Reason  string `json:"reason" maxLength:"2000" doc:"why this case needs the licence"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "read-case-license-by-basis", Method: http.MethodPost, Path: "/api/v1/cases/{id}/licenses/basis",
		Summary: "Read the applicant's licence for a case under a legal basis (依法调取)", Tags: []string{"licenses"}, Security: bearer,
		Description: "For officers handling the case (case.handle or case.decide over its region), without the holder's grant: " +
			"the basis is recorded, the read logged as a use the holder sees with the basis, and audited. " +
			"422 for a missing part of the basis, a type the item does not accept, or none held; 404 for a case out of reach.",
	}, func(ctx context.Context, in *licenseBasisInput) (*licenseCaseOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.licenses.ReadByBasis(ctx, by, ids.ID(in.ID), license.BasisInput{Type: in.Body.Type,
			Basis: license.Basis{Law: in.Body.Law, Article: in.Body.Article, Reason: in.Body.Reason}})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licenseCaseOutput{}
		out.Body.Items = s.licenseCaseBodies(ctx, list)
		return out, nil
	})

	type licenseOptionBody struct {
		Material string             `json:"material" doc:"the material's name in the item's guide: put it in licenses[].material when applying"`
		Types    []string           `json:"types" doc:"licence types that stand in for it"`
		Licenses []cases.LicenseRef `json:"licenses" doc:"the caller's licences, valid now, that can"`
	}
	type licenseOptionsInput struct {
		Code string `path:"code" maxLength:"16"`
	}
	type licenseOptionsOutput struct {
		Body struct {
			Items []licenseOptionBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "license-options", Method: http.MethodGet, Path: "/api/v1/services/{code}/licenses",
		Summary: "My licences that can stand in for the item's materials (免提交)", Tags: []string{"licenses"}, Security: bearer,
		Description: "Every material of the item that an electronic licence can satisfy, with the caller's licences that can. " +
			"Name one in `licenses` when applying: no upload needed, and the authority gets a grant for the case.",
	}, func(ctx context.Context, in *licenseOptionsInput) (*licenseOptionsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		it, err := s.catalog.Item(ctx, in.Code)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		opts, err := s.cases.LicenseOptions(ctx, by, it)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licenseOptionsOutput{}
		out.Body.Items = []licenseOptionBody{}
		for _, m := range it.Materials {
			if len(m.LicenseTypes) == 0 {
				continue
			}
			refs := opts[m.Name]
			if refs == nil {
				refs = []cases.LicenseRef{}
			}
			out.Body.Items = append(out.Body.Items, licenseOptionBody{Material: m.Name, Types: m.LicenseTypes, Licenses: refs})
		}
		return out, nil
	})
}

// caseLicenseChoiceBody is an application's choice of an electronic
// licence for a material (api_cases.go).
type caseLicenseChoiceBody struct {
	Material  string `json:"material" maxLength:"100" doc:"the material's name in the item's guide"`
	LicenseID string `json:"license_id,omitempty" maxLength:"36" doc:"one of the caller's licences (GET /api/v1/services/{code}/licenses)"`
}

func licenseChoicesOfBody(in []caseLicenseChoiceBody) []cases.LicenseChoice {
	var out []cases.LicenseChoice
	for _, c := range in {
		out = append(out, cases.LicenseChoice{Material: c.Material, LicenseID: ids.ID(c.LicenseID)})
	}
	return out
}
