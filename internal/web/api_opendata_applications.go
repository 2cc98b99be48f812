package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The JSON API of applications to use 有条件开放 data: the same service
// calls and checks as the pages (/opendata/applications,
// /workbench/data/open-applications). Huma names schemas after these
// types, so they carry the OpenDataApplication prefix.

// OpenDataApplicationBody is an application as the API shows it.
type OpenDataApplicationBody struct {
	ID           string     `json:"id"`
	Dataset      string     `json:"dataset" doc:"the dataset's name (/opendata/datasets/{name})"`
	DatasetTitle string     `json:"dataset_title"`
	Applicant    string     `json:"applicant"`
	Kind         string     `json:"applicant_kind" enum:"person,enterprise,staff,system"`
	Purpose      string     `json:"purpose" doc:"申请用途"`
	IntendedUse  string     `json:"intended_use" doc:"使用方式"`
	Days         int        `json:"days" doc:"the period of use asked for, from the approval"`
	Contact      string     `json:"contact,omitempty" doc:"masked (139****5678); only when one application is read"`
	State        string     `json:"state" enum:"pending,approved,refused,revoked,expired"`
	Due          time.Time  `json:"due" doc:"the CDO's answer is due (10 working days)"`
	Overdue      bool       `json:"overdue"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	Reason       string     `json:"reason,omitempty" doc:"the refusal's reason, or the approval's note"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty" doc:"approved: the end of use"`
	RevokedBy    string     `json:"revoked_by,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// OpenDataApplicationApplyBody is what applying takes.
type OpenDataApplicationApplyBody struct {
	Purpose     string `json:"purpose" doc:"申请用途, 1–1000 characters"`
	IntendedUse string `json:"intended_use" doc:"使用方式, 1–1000 characters"`
	Days        int    `json:"days" doc:"period of use, 1–366 days"`
	Contact     string `json:"contact" doc:"a mainland mobile number or an e-mail address; sealed at rest"`
}

// OpenDataApplicationNoteBody is an approval's optional note.
type OpenDataApplicationNoteBody struct {
	Note string `json:"note,omitempty" doc:"up to 500 characters"`
}

// OpenDataApplicationReasonBody is a refusal's or revocation's reason.
type OpenDataApplicationReasonBody struct {
	Reason string `json:"reason" doc:"required, up to 500 characters"`
}

// OpenDataApplicationList is a list of applications.
type OpenDataApplicationList struct {
	Applications []OpenDataApplicationBody `json:"applications"`
}

func (s *Server) openDataApplicationBodyOf(a *opendata.Application) OpenDataApplicationBody {
	now := s.datashareNow()
	return OpenDataApplicationBody{ID: string(a.ID), Dataset: a.DatasetName, DatasetTitle: a.DatasetTitle, Applicant: a.ApplicantName,
		Kind: string(a.ApplicantKind), Purpose: a.Purpose, IntendedUse: a.IntendedUse, Days: a.Days, Contact: a.MaskedContact(),
		State: a.Status(now), Due: a.Due, Overdue: a.Overdue(now), DecidedBy: a.DecidedBy, DecidedAt: timePtr(a.DecidedAt),
		Reason: a.Reason, ExpiresAt: timePtr(a.ExpiresAt), RevokedBy: a.RevokedBy, RevokedAt: timePtr(a.RevokedAt),
		RevokeReason: a.RevokeReason, CreatedAt: a.CreatedAt}
}

func (s *Server) openDataApplicationListOf(list []opendata.Application) OpenDataApplicationList {
	out := OpenDataApplicationList{Applications: make([]OpenDataApplicationBody, len(list))}
	for i := range list {
		out.Applications[i] = s.openDataApplicationBodyOf(&list[i])
	}
	return out
}

// openDataApplicationAPI registers the applications API.
func (s *Server) openDataApplicationAPI(api huma.API) {
	type output struct{ Body OpenDataApplicationBody }
	type listOutput struct{ Body OpenDataApplicationList }
	type idInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type applyInput struct {
		Name string `path:"name" maxLength:"200"`
		Body OpenDataApplicationApplyBody
	}
	type approveInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body OpenDataApplicationNoteBody
	}
	type reasonInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body OpenDataApplicationReasonBody
	}
	tags := []string{"opendata"}
	// call runs a service step for the signed-in caller and answers its application.
	call := func(ctx context.Context, step func(by *identity.Caller) (*opendata.Application, error)) (*output, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := step(by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &output{Body: s.openDataApplicationBodyOf(a)}, nil
	}
	huma.Register(api, huma.Operation{
		OperationID: "opendata-apply", Method: http.MethodPost, Path: "/api/v1/opendata/datasets/{name}/applications",
		DefaultStatus: http.StatusCreated, Summary: "Apply to use a 有条件开放 dataset", Tags: tags, Security: bearer,
		Description: "For anyone signed in. 422 with every bad field (`purpose`, `intended_use`, `days`, `contact`), " +
			"409 when the dataset is open to all or the caller has an application pending or approved, 404 for an unknown dataset. " +
			"The publishing body's CDOs are told in their inbox.",
	}, func(ctx context.Context, in *applyInput) (*output, error) {
		return call(ctx, func(by *identity.Caller) (*opendata.Application, error) {
			b := in.Body
			return s.opendata.Apply(ctx, by, in.Name, opendata.ApplicationInput{Purpose: b.Purpose, IntendedUse: b.IntendedUse,
				Days: b.Days, Contact: b.Contact})
		})
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-my-applications", Method: http.MethodGet, Path: "/api/v1/opendata/applications",
		Summary: "My applications to use 有条件开放 data", Tags: tags, Security: bearer,
		Description: "The caller's applications, newest first.",
	}, func(ctx context.Context, _ *struct{}) (*listOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.opendata.MyApplications(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &listOutput{Body: s.openDataApplicationListOf(list)}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-application-inbox", Method: http.MethodGet, Path: "/api/v1/opendata/inbox/applications",
		Summary: "Applications to the caller's bodies (CDO)", Tags: tags, Security: bearer,
		Description: "For CDOs (`data.manage`): the applications to the bodies where they hold it, newest first; 403 for others.",
	}, func(ctx context.Context, _ *struct{}) (*listOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.opendata.ApplicationInbox(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &listOutput{Body: s.openDataApplicationListOf(list)}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-application", Method: http.MethodGet, Path: "/api/v1/opendata/applications/{id}",
		Summary: "One application to use 有条件开放 data", Tags: tags, Security: bearer,
		Description: "For its applicant and the publishing body's CDOs; 404 for anyone else.",
	}, func(ctx context.Context, in *idInput) (*output, error) {
		return call(ctx, func(by *identity.Caller) (*opendata.Application, error) {
			return s.opendata.ApplicationFor(ctx, by, ids.ID(in.ID))
		})
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-application-approve", Method: http.MethodPost, Path: "/api/v1/opendata/applications/{id}/approve",
		Summary: "Approve an application (CDO)", Tags: tags, Security: bearer,
		Description: "The period of use runs from now. 404 unless the caller is a CDO of the publishing body, 409 if it is decided already, " +
			"422 for a note too long. The applicant is told.",
	}, func(ctx context.Context, in *approveInput) (*output, error) {
		return call(ctx, func(by *identity.Caller) (*opendata.Application, error) {
			return s.opendata.ApproveApplication(ctx, by, ids.ID(in.ID), in.Body.Note)
		})
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-application-refuse", Method: http.MethodPost, Path: "/api/v1/opendata/applications/{id}/refuse",
		Summary: "Refuse an application with a reason (CDO)", Tags: tags, Security: bearer,
		Description: "404 unless the caller is a CDO of the publishing body, 409 if it is decided already, 422 without a reason. " +
			"The applicant is told, with the reason.",
	}, func(ctx context.Context, in *reasonInput) (*output, error) {
		return call(ctx, func(by *identity.Caller) (*opendata.Application, error) {
			return s.opendata.RefuseApplication(ctx, by, ids.ID(in.ID), in.Body.Reason)
		})
	})
	huma.Register(api, huma.Operation{
		OperationID: "opendata-application-revoke", Method: http.MethodPost, Path: "/api/v1/opendata/applications/{id}/revoke",
		Summary: "Revoke an approval before it expires (CDO)", Tags: tags, Security: bearer,
		Description: "From then on the applicant's previews, downloads and rows calls get 403 saying it was revoked, with the reason. " +
			"404 unless the caller is a CDO of the publishing body, 409 unless it is approved and not expired, 422 without a reason. " +
			"The applicant is told, with the reason.",
	}, func(ctx context.Context, in *reasonInput) (*output, error) {
		return call(ctx, func(by *identity.Caller) (*opendata.Application, error) {
			return s.opendata.RevokeApplication(ctx, by, ids.ID(in.ID), in.Body.Reason)
		})
	})
}
