package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
)

// Huma names schemas after these types: they carry the seal prefix.

type sealBody struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Org       string    `json:"org"`
	OrgUSCC   string    `json:"org_uscc"`
	Region    string    `json:"region"`
	Kind      string    `json:"kind" enum:"official,business" doc:"official 公章, business 业务专用章"`
	Name      string    `json:"name" doc:"the 专用章's name; empty for a 公章"`
	Title     string    `json:"title" doc:"how people name the seal"`
	Alg       string    `json:"alg" enum:"SM2,EdDSA,ES256"`
	State     string    `json:"state" enum:"active,suspended,revoked"`
	Reason    string    `json:"reason,omitempty"`
	KeyID     string    `json:"kid" doc:"the current key (RFC 7638 thumbprint), as in /.well-known/jwks.json"`
	Image     string    `json:"image" doc:"URL of the SVG image"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type sealUseBody struct {
	At      time.Time `json:"at"`
	SealID  string    `json:"seal_id"`
	Seal    string    `json:"seal,omitempty" doc:"the seal's name, across seals"`
	KID     string    `json:"kid"`
	Actor   string    `json:"actor"`
	DocHash string    `json:"doc_sha256" doc:"SHA-256 (hex) of the bytes signed"`
	Purpose string    `json:"purpose"`
	Ref     string    `json:"ref"`
}

func sealBodyOf(se *seal.Seal) sealBody {
	return sealBody{ID: string(se.ID), OrgID: string(se.OrgID), Org: se.OrgName, OrgUSCC: se.OrgUSCC, Region: string(se.Region),
		Kind: string(se.Kind), Name: se.Name, Title: se.Title(), Alg: string(se.Alg), State: string(se.State), Reason: se.Reason,
		KeyID: se.KeyID, Image: "/seals/" + string(se.ID) + "/image.svg", CreatedAt: se.CreatedAt, UpdatedAt: se.UpdatedAt}
}

func (s *Server) registerSealAPI(api huma.API) {
	type sealOutput struct{ Body sealBody }
	type sealListOutput struct {
		Body struct {
			Items []sealBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-seals", Method: http.MethodGet, Path: "/api/v1/seals",
		Summary: "Seals within the caller's scope (电子印章)", Tags: []string{"seals"}, Security: bearer,
		Description: "For administrators holding seal.manage: the seals of organisations within their region scopes.",
	}, func(ctx context.Context, _ *struct{}) (*sealListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.seals.List(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &sealListOutput{}
		out.Body.Items = make([]sealBody, len(list))
		for i := range list {
			out.Body.Items[i] = sealBodyOf(&list[i])
		}
		return out, nil
	})

	type sealCreateInput struct {
		Body struct {
			OrgID string `json:"org_id" maxLength:"36"`
			Kind  string `json:"kind" enum:"official,business"`
			Name  string `json:"name,omitempty" maxLength:"60" doc:"required for a 业务专用章, e.g. 行政审批专用章"`
			Alg   string `json:"alg,omitempty" enum:"SM2,EdDSA,ES256" doc:"SM2 (with SM3) if absent"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "create-seal", Method: http.MethodPost, Path: "/api/v1/seals", DefaultStatus: http.StatusCreated,
		Summary: "Create a seal with a fresh key pair", Tags: []string{"seals"}, Security: bearer,
		Description: "The private key is generated on the node and encrypted under the node key; it never leaves. " +
			"409 when the organisation has that seal already; 404 when the organisation is outside the caller's scope.",
	}, func(ctx context.Context, in *sealCreateInput) (*sealOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		se, err := s.seals.Create(ctx, by, seal.NewSeal{OrgID: ids.ID(in.Body.OrgID), Kind: seal.Kind(in.Body.Kind),
			Name: in.Body.Name, Alg: seal.Alg(in.Body.Alg)})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &sealOutput{Body: sealBodyOf(se)}, nil
	})

	type sealIDInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "get-seal", Method: http.MethodGet, Path: "/api/v1/seals/{id}",
		Summary: "One seal", Tags: []string{"seals"}, Security: bearer,
	}, func(ctx context.Context, in *sealIDInput) (*sealOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		se, err := s.seals.Get(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &sealOutput{Body: sealBodyOf(se)}, nil
	})

	type sealActInput struct {
		ID     string `path:"id" maxLength:"36"`
		Action string `path:"action" enum:"suspend,resume,revoke,rotate"`
		Body   struct {
			Reason string `json:"reason,omitempty" maxLength:"500" doc:"required to suspend or revoke"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "seal-action", Method: http.MethodPost, Path: "/api/v1/seals/{id}/{action}",
		Summary: "Suspend, resume, revoke or rotate a seal", Tags: []string{"seals"}, Security: bearer,
		Description: "rotate gives an active seal a new key; the old key is retired (still published, signs nothing). " +
			"revoke is final: the seal's keys leave the JWKS. 409 when the step does not apply to the seal's state.",
	}, func(ctx context.Context, in *sealActInput) (*sealOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		se, err := s.seals.Act(ctx, by, ids.ID(in.ID), seal.Action(in.Action), in.Body.Reason)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &sealOutput{Body: sealBodyOf(se)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "seal-uses", Method: http.MethodGet, Path: "/api/v1/seals/{id}/uses",
		Summary: "A seal's use log (用印记录)", Tags: []string{"seals"}, Security: bearer,
		Description: "Every signature made with the seal, newest first: when, with which key, by whom, over what (SHA-256). " +
			"Filter by period (days in Asia/Shanghai, both included) and purpose; page with next_cursor.",
	}, func(ctx context.Context, in *sealUsesInput) (*sealUsesOutput, error) {
		return s.sealUses(ctx, ids.ID(in.ID), sealUsesQuery{From: in.From, To: in.To, Purpose: in.Purpose, Cursor: in.Cursor, Limit: in.Limit})
	})
	huma.Register(api, huma.Operation{
		OperationID: "all-seal-uses", Method: http.MethodGet, Path: "/api/v1/seal-uses",
		Summary: "Every use of every seal within the caller's scope (用印记录)", Tags: []string{"seals"}, Security: bearer,
		Description: "For administrators (seal.manage): the use log of every seal whose organisation lies within their scope, " +
			"newest first, with the seal's name; the same filters and paging as a seal's use log.",
	}, func(ctx context.Context, in *sealUsesQuery) (*sealUsesOutput, error) {
		return s.sealUses(ctx, "", *in)
	})
}

// sealUsesQuery is the use log's filter and page in the API.
type sealUsesQuery struct {
	From    string `query:"from" maxLength:"10" doc:"first day (YYYY-MM-DD, Asia/Shanghai)"`
	To      string `query:"to" maxLength:"10" doc:"last day, included"`
	Purpose string `query:"purpose" maxLength:"40" doc:"license, license_ref, present, status_list, trust_list, document, data_asset_certificate"`
	Cursor  string `query:"cursor" maxLength:"80" doc:"next_cursor of the previous page"`
	Limit   int    `query:"limit" minimum:"1" maximum:"1000" default:"200"`
}

type sealUsesInput struct {
	ID      string `path:"id" maxLength:"36"`
	From    string `query:"from" maxLength:"10" doc:"first day (YYYY-MM-DD, Asia/Shanghai)"`
	To      string `query:"to" maxLength:"10" doc:"last day, included"`
	Purpose string `query:"purpose" maxLength:"40" doc:"license, license_ref, present, status_list, trust_list, document, data_asset_certificate"`
	Cursor  string `query:"cursor" maxLength:"80" doc:"next_cursor of the previous page"`
	Limit   int    `query:"limit" minimum:"1" maximum:"1000" default:"200"`
}

type sealUsesOutput struct {
	Body struct {
		Items      []sealUseBody `json:"items"`
		NextCursor string        `json:"next_cursor,omitempty" doc:"absent on the last page"`
	}
}

func (s *Server) sealUses(ctx context.Context, sealID ids.ID, in sealUsesQuery) (*sealUsesOutput, error) {
	by, err := s.apiCaller(ctx)
	if err != nil {
		return nil, err
	}
	q, err := sealUseFilter{From: in.From, To: in.To, Purpose: in.Purpose, After: in.Cursor}.query(sealID, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	p, err := s.seals.UsesPage(ctx, by, q)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &sealUsesOutput{}
	out.Body.Items = make([]sealUseBody, len(p.Uses))
	for i, u := range p.Uses {
		out.Body.Items[i] = sealUseBody{At: u.At, SealID: string(u.SealID), Seal: u.SealTitle, KID: u.KID, Actor: u.ActorName,
			DocHash: u.DocHash, Purpose: u.Purpose, Ref: u.Ref}
	}
	out.Body.NextCursor = p.Next.String()
	return out, nil
}
