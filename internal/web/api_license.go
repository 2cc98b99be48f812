package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Huma names schemas after these types: they carry the license prefix.

type licenseBody struct {
	ID          string            `json:"id"`
	Type        string            `json:"type" doc:"licence type key, see GET /api/v1/license-types"`
	TypeName    string            `json:"type_name"`
	Number      string            `json:"number" doc:"证照编号, unique per issuer"`
	Issuer      string            `json:"issuer"`
	IssuerID    string            `json:"issuer_id"`
	Holder      string            `json:"holder" doc:"the holder's name"`
	HolderKind  string            `json:"holder_kind" enum:"person,enterprise"`
	Fields      map[string]string `json:"fields"`
	ValidFrom   time.Time         `json:"valid_from"`
	ValidUntil  *time.Time        `json:"valid_until,omitempty" doc:"absent: 长期有效"`
	State       string            `json:"state" enum:"valid,suspended,revoked"`
	Reason      string            `json:"reason,omitempty"`
	KID         string            `json:"kid"`
	Seal        string            `json:"seal_image" doc:"URL of the issuing seal's image"`
	JWS         string            `json:"jws" doc:"the credential: a W3C VC 2.0 as compact JWS (typ vc+jwt)"`
	CaseID      string            `json:"case_id,omitempty"`
	StatusList  string            `json:"status_list" doc:"the revocation status list's URL"`
	StatusIndex int               `json:"status_index"`
	IssuedAt    time.Time         `json:"issued_at"`
}

type licenseVerifyBody struct {
	Genuine              bool              `json:"genuine" doc:"signed by a known seal key and unaltered"`
	Verdict              string            `json:"verdict" enum:"valid,suspended,revoked,expired,not_yet_valid,invalid"`
	Reason               string            `json:"reason,omitempty" doc:"why it is not valid: malformed, truncated, wrong_alg, unknown_key, tampered, not_license, revoked, suspended, expired, not_yet_valid, seal_revoked, qr_expired, status_absent, malformed_qr, issuer_mismatch, source_removed; status_stale from the offline verifier only"`
	Message              string            `json:"message" doc:"the verdict and reason in a sentence, in the caller's language"`
	Kind                 string            `json:"kind,omitempty" enum:"license,present,reference," doc:"license: the credential; present: a 亮证 code; reference: the signed reference a licence's PDF carries in its QR code"`
	Issuer               string            `json:"issuer,omitempty"`
	IssuerName           string            `json:"issuer_name,omitempty" doc:"the signing key's organisation (never the payload's claim)"`
	ClaimedIssuer        string            `json:"claimed_issuer,omitempty" doc:"with issuer_mismatch: the issuer name the payload claims"`
	IssuerUSCC           string            `json:"issuer_uscc,omitempty"`
	KID                  string            `json:"kid,omitempty"`
	Alg                  string            `json:"alg,omitempty"`
	Type                 string            `json:"type,omitempty"`
	TypeName             string            `json:"type_name,omitempty"`
	Number               string            `json:"number,omitempty"`
	Holder               string            `json:"holder,omitempty"`
	ValidFrom            *time.Time        `json:"valid_from,omitempty"`
	ValidUntil           *time.Time        `json:"valid_until,omitempty"`
	ExpiresAt            *time.Time        `json:"expires_at,omitempty" doc:"of a 亮证 code"`
	Fields               map[string]string `json:"fields,omitempty"`
	SignedWhileSealValid bool              `json:"signed_while_seal_valid,omitempty" doc:"the seal is revoked now; the audit chain proves this signature older"`
	KeySource            string            `json:"key_source,omitempty" doc:"the trust list the key came from; absent for this node's own seals"`
	StatusUnchecked      bool              `json:"status_unchecked,omitempty" doc:"another province's licence: its status lists are on its node, not checked here"`
	StatusError          string            `json:"status_error,omitempty" doc:"why a status list could not be used: unreachable, http_status, too_large, bad_signature, not_list, wrong_list, wrong_purpose, expired, bad_url, index_outside"`
}

type licenseFieldBody struct {
	Name     string `json:"name" doc:"key in the form and in credentialSubject"`
	Label    string `json:"label"`
	LabelEn  string `json:"label_en"`
	Required bool   `json:"required"`
}

func (s *Server) licenseBodyOf(l *license.License) licenseBody {
	return licenseBody{ID: string(l.ID), Type: l.Type, TypeName: l.TypeInfo().Name, Number: l.Number, Issuer: l.IssuerName,
		IssuerID: string(l.IssuerID), Holder: l.HolderName, HolderKind: string(l.HolderKind), Fields: l.Fields,
		ValidFrom: l.ValidFrom, ValidUntil: timePtr(l.ValidUntil), State: string(l.State), Reason: l.Reason, KID: l.KID,
		Seal: "/seals/" + string(l.SealID) + "/image.svg", JWS: l.JWS, CaseID: string(l.CaseID),
		StatusList: s.licenses.StatusURL(l.StatusList, license.PurposeRevocation), StatusIndex: l.StatusIndex, IssuedAt: l.IssuedAt}
}

func (s *Server) licenseVerifyBodyOf(lang string, r *license.Result) licenseVerifyBody {
	return licenseVerifyBody{Genuine: r.Genuine, Verdict: string(r.Verdict), Reason: string(r.Reason),
		Message: s.verdictSentence(lang, r), Kind: r.Kind, Issuer: r.Issuer, IssuerName: r.IssuerName, IssuerUSCC: r.IssuerUSCC,
		KID: r.KID, Alg: r.Alg, Type: r.Type, TypeName: r.TypeName, Number: r.Number, Holder: r.HolderName,
		ValidFrom: timePtr(r.ValidFrom), ValidUntil: timePtr(r.ValidUntil), ExpiresAt: timePtr(r.ExpiresAt), Fields: r.Fields,
		SignedWhileSealValid: r.SignedWhileSealValid, KeySource: r.KeySource, StatusUnchecked: r.StatusUnchecked,
		StatusError: r.StatusError, ClaimedIssuer: r.ClaimedIssuer}
}

// verdictSentence says a verification's outcome in a sentence.
func (s *Server) verdictSentence(lang string, r *license.Result) string {
	msg := s.msgs.T(lang, "verify.verdict."+string(r.Verdict))
	if r.Reason != "" && string(r.Reason) != string(r.Verdict) {
		msg += " " + s.msgs.T(lang, "verify.reason."+string(r.Reason))
	}
	return msg
}

func (s *Server) registerLicenseAPI(api huma.API) {
	type licenseVerifyInput struct {
		Body struct {
			JWS string `json:"jws" maxLength:"65536" doc:"a licence (compact JWS) or the text of a 亮证 QR code"`
			QR  bool   `json:"qr,omitempty" doc:"the text was scanned from a QR code"`
		}
	}
	type licenseVerifyOutput struct{ Body licenseVerifyBody }
	huma.Register(api, huma.Operation{
		OperationID: "verify-license", Method: http.MethodPost, Path: "/api/v1/licenses/verify",
		Summary: "Verify a licence or a 亮证 code (anyone)", Tags: []string{"licenses"},
		Description: "Always 200 for anything that fits the limits: the verdict says whether it is genuine and valid, and why not. " +
			"Checks the signature against the node's seal keys (revoked seals' only with the audit chain's proof), the algorithm, " +
			"the validity period and the status lists, read live.",
	}, func(ctx context.Context, in *licenseVerifyInput) (*licenseVerifyOutput, error) {
		r := s.licenses.Verify(ctx, in.Body.JWS, in.Body.QR)
		return &licenseVerifyOutput{Body: s.licenseVerifyBodyOf(state(ctx).Lang, r)}, nil
	})

	type licenseTypeBody struct {
		Key    string             `json:"key"`
		Name   string             `json:"name"`
		NameEn string             `json:"name_en"`
		Holder string             `json:"holder" enum:"person,enterprise"`
		Dept   string             `json:"department" doc:"catalog department key of the issuing authority"`
		Years  int                `json:"valid_years" doc:"0: 长期有效"`
		Fields []licenseFieldBody `json:"fields"`
	}
	type licenseTypesOutput struct {
		Body struct {
			Items []licenseTypeBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "license-types", Method: http.MethodGet, Path: "/api/v1/license-types",
		Summary: "The licence catalog (证照目录)", Tags: []string{"licenses"},
	}, func(ctx context.Context, _ *struct{}) (*licenseTypesOutput, error) {
		out := &licenseTypesOutput{}
		for _, t := range license.Types {
			b := licenseTypeBody{Key: t.Key, Name: t.Name, NameEn: t.NameEn, Holder: string(t.Holder), Dept: t.Department, Years: t.ValidYears}
			for _, f := range t.Fields {
				b.Fields = append(b.Fields, licenseFieldBody{Name: f.Name, Label: f.Label, LabelEn: f.LabelEn, Required: f.Required})
			}
			out.Body.Items = append(out.Body.Items, b)
		}
		return out, nil
	})

	type licenseOutput struct{ Body licenseBody }
	type licenseIssueInput struct {
		Body struct {
			Type       string            `json:"type" maxLength:"40"`
			Holder     string            `json:"holder" maxLength:"18" doc:"公民身份号码 for a person's licence, 统一社会信用代码 for an enterprise's"`
			Fields     map[string]string `json:"fields"`
			ValidFrom  *time.Time        `json:"valid_from,omitempty"`
			ValidUntil *time.Time        `json:"valid_until,omitempty" doc:"default: the type's term"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "issue-license", Method: http.MethodPost, Path: "/api/v1/licenses", DefaultStatus: http.StatusCreated,
		Summary: "Issue a licence", Tags: []string{"licenses"}, Security: bearer,
		Description: "For officers holding license.issue, as their organisation, which must be of the type's department (403 otherwise) " +
			"and have an active seal (409). The holder is found by number; a person's look-up is audited. 422 lists every bad field.",
	}, func(ctx context.Context, in *licenseIssueInput) (*licenseOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		li := license.IssueInput{Type: in.Body.Type, HolderID: in.Body.Holder, Fields: in.Body.Fields}
		if in.Body.ValidFrom != nil {
			li.ValidFrom = *in.Body.ValidFrom
		}
		if in.Body.ValidUntil != nil {
			li.ValidUntil = *in.Body.ValidUntil
		}
		l, err := s.licenses.Issue(ctx, by, li)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &licenseOutput{Body: s.licenseBodyOf(l)}, nil
	})

	type licenseListOutput struct {
		Body struct {
			Items []licenseBody `json:"items"`
		}
	}
	list := func(ls []license.License) *licenseListOutput {
		out := &licenseListOutput{}
		out.Body.Items = make([]licenseBody, len(ls))
		for i := range ls {
			out.Body.Items[i] = s.licenseBodyOf(&ls[i])
		}
		return out
	}
	huma.Register(api, huma.Operation{
		OperationID: "my-licenses", Method: http.MethodGet, Path: "/api/v1/licenses/mine",
		Summary: "The caller's licences (卡包)", Tags: []string{"licenses"}, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*licenseListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		ls, err := s.licenses.Wallet(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return list(ls), nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "issued-licenses", Method: http.MethodGet, Path: "/api/v1/licenses/issued",
		Summary: "Licences the caller's organisation issued", Tags: []string{"licenses"}, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*licenseListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		ls, err := s.licenses.Issued(ctx, by, 200)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return list(ls), nil
	})

	type licenseIDInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "get-license", Method: http.MethodGet, Path: "/api/v1/licenses/{id}",
		Summary: "One licence", Tags: []string{"licenses"}, Security: bearer,
		Description: "For its holder and the issuing organisation's officers; 404 for everyone else.",
	}, func(ctx context.Context, in *licenseIDInput) (*licenseOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		l, err := s.licenses.Get(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &licenseOutput{Body: s.licenseBodyOf(l)}, nil
	})

	type licenseActInput struct {
		ID     string `path:"id" maxLength:"36"`
		Action string `path:"action" enum:"suspend,revoke,reinstate"`
		Body   struct {
			Reason string `json:"reason" maxLength:"500" doc:"required"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "license-action", Method: http.MethodPost, Path: "/api/v1/licenses/{id}/{action}",
		Summary: "Suspend, revoke or reinstate a licence", Tags: []string{"licenses"}, Security: bearer,
		Description: "For the issuing organisation's officers, with a reason (audited). The online verifier shows the change at once, " +
			"the published status list within a minute. 409 when the step does not apply.",
	}, func(ctx context.Context, in *licenseActInput) (*licenseOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		l, err := s.licenses.Act(ctx, by, ids.ID(in.ID), license.Action(in.Action), in.Body.Reason)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &licenseOutput{Body: s.licenseBodyOf(l)}, nil
	})

	type licensePresentOutput struct {
		Body struct {
			Code      string    `json:"code" doc:"the QR code's text: a compact JWS (typ digigov-present+jwt)"`
			ExpiresAt time.Time `json:"expires_at"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "present-license", Method: http.MethodPost, Path: "/api/v1/licenses/{id}/present",
		Summary: "A 亮证 code for the holder", Tags: []string{"licenses"}, Security: bearer,
		Description: "A short-lived (5 minutes) signed code that verifies offline. 409 for a suspended, revoked or expired licence.",
	}, func(ctx context.Context, in *licenseIDInput) (*licensePresentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		code, exp, err := s.licenses.Present(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &licensePresentOutput{}
		out.Body.Code, out.Body.ExpiresAt = code, exp
		return out, nil
	})
}
