package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Huma names schemas after these types: they carry the data prefix so that
// they cannot collide with another domain's.

type dataFieldBody struct {
	Name        string `json:"name" maxLength:"40" doc:"lower-case letters, digits and _; starts with a letter"`
	Type        string `json:"type" enum:"string,integer,number,date,boolean"`
	Description string `json:"description,omitempty" maxLength:"200"`
	Sensitivity string `json:"sensitivity,omitempty" enum:"public,internal,sensitive" doc:"sensitive fields are masked in the exchange; default public"`
}

type dataResourceBody struct {
	ID              string          `json:"id"`
	Code            string          `json:"code"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	Classification  string          `json:"classification" doc:"basic 基础, thematic 主题, departmental 部门"`
	Fields          []dataFieldBody `json:"fields"`
	SchemaVersion   int             `json:"schema_version"`
	UpdateFrequency string          `json:"update_frequency"`
	Format          string          `json:"format"`
	SourceSystem    string          `json:"source_system"`
	ShareClass      string          `json:"share_class" doc:"open 无条件共享, conditional 有条件共享, none 不予共享"`
	ShareConditions string          `json:"share_conditions,omitempty"`
	ShareBasis      string          `json:"share_basis,omitempty"`
	OpenClass       string          `json:"open_class" doc:"open 无条件开放, conditional 有条件开放, none 不予开放"`
	ProviderID      string          `json:"provider_id"`
	Provider        string          `json:"provider"`
	Region          string          `json:"region"`
	CDO             string          `json:"cdo" doc:"the responsible chief data officer"`
	RowCount        int             `json:"row_count"`
	Filled          float64         `json:"filled" doc:"share of non-empty cells in the loaded rows, 0–1"`
	LoadedAt        *time.Time      `json:"loaded_at,omitempty"`
}

func dataResourceBodyOf(r *datashare.Resource) dataResourceBody {
	b := dataResourceBody{ID: string(r.ID), Code: r.Code, Name: r.Name, Description: r.Description, Classification: string(r.Classification),
		SchemaVersion: r.SchemaVersion, UpdateFrequency: r.UpdateFrequency, Format: r.Format, SourceSystem: r.SourceSystem,
		ShareClass: string(r.ShareClass), ShareConditions: r.ShareConditions, ShareBasis: r.ShareBasis, OpenClass: string(r.OpenClass),
		ProviderID: string(r.ProviderID), Provider: r.Provider, Region: string(r.Region), CDO: r.CDOName, RowCount: r.RowCount,
		Filled: r.Filled, LoadedAt: timePtr(r.LoadedAt)}
	for _, f := range r.Fields {
		b.Fields = append(b.Fields, dataFieldBody{Name: f.Name, Type: string(f.Type), Description: f.Description, Sensitivity: string(f.Sensitivity)})
	}
	return b
}

type dataResourceInputBody struct {
	Code            string          `json:"code" maxLength:"64"`
	Name            string          `json:"name" maxLength:"100"`
	Description     string          `json:"description,omitempty" maxLength:"2000"`
	Classification  string          `json:"classification" enum:"basic,thematic,departmental"`
	Fields          []dataFieldBody `json:"fields" maxItems:"100"`
	UpdateFrequency string          `json:"update_frequency" enum:"realtime,daily,weekly,monthly,quarterly,yearly,irregular"`
	Format          string          `json:"format" enum:"table,file,api"`
	SourceSystem    string          `json:"source_system,omitempty" maxLength:"100"`
	ShareClass      string          `json:"share_class" enum:"open,conditional,none"`
	ShareConditions string          `json:"share_conditions,omitempty" maxLength:"1000"`
	ShareBasis      string          `json:"share_basis,omitempty" maxLength:"1000"`
	OpenClass       string          `json:"open_class" enum:"open,conditional,none"`
}

type dataRequestBody struct {
	ID            string     `json:"id"`
	Resource      string     `json:"resource" doc:"the resource's code"`
	Provider      string     `json:"provider"`
	Consumer      string     `json:"consumer"`
	Requester     string     `json:"requester"`
	Purpose       string     `json:"purpose"`
	LegalBasis    string     `json:"legal_basis"`
	Fields        []string   `json:"fields"`
	Days          int        `json:"days"`
	State         string     `json:"state" enum:"pending,approved,refused"`
	Due           time.Time  `json:"due" doc:"the answer's deadline: 10 working days after filing"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	GrantedFields []string   `json:"granted_fields,omitempty"`
	Grant         *dataGrant `json:"grant,omitempty"`
}

type dataGrant struct {
	ID          string     `json:"id"`
	Fields      []string   `json:"fields"`
	RatePerSec  int        `json:"rate_per_sec"`
	ExpiresAt   time.Time  `json:"expires_at"`
	Status      string     `json:"status" enum:"awaiting,delivered,revoked,expired"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	Credential  string     `json:"credential,omitempty" doc:"only in the answer to delivery, once: send it as X-Exchange-Credential"`
}

func dataRequestBodyOf(q *datashare.Request, g *datashare.Grant, now time.Time) dataRequestBody {
	b := dataRequestBody{ID: string(q.ID), Resource: q.ResourceCode, Provider: q.Provider, Consumer: q.Consumer, Requester: q.RequesterName,
		Purpose: q.Purpose, LegalBasis: q.LegalBasis, Fields: q.Fields, Days: q.Days, State: string(q.State), Due: q.Due,
		DecidedBy: q.DecidedBy, DecidedAt: timePtr(q.DecidedAt), Reason: q.Reason, GrantedFields: q.GrantedFields}
	if g != nil {
		b.Grant = &dataGrant{ID: string(g.ID), Fields: g.Fields, RatePerSec: g.RatePerSec, ExpiresAt: g.ExpiresAt,
			Status: g.Status(now), DeliveredAt: timePtr(g.DeliveredAt), RevokedAt: timePtr(g.RevokedAt)}
	}
	return b
}

type dataSatisfactionBody struct {
	ProviderID string  `json:"provider_id,omitempty"`
	Provider   string  `json:"provider,omitempty"`
	Requests   int     `json:"requests"`
	Decided    int     `json:"decided"`
	Satisfied  int     `json:"satisfied" doc:"approved and delivered"`
	Rate       float64 `json:"rate" doc:"需求满足率: satisfied / decided, 0–1"`
	TargetMet  bool    `json:"target_met" doc:"the rate reaches the plan's 99% (true while nothing is decided)"`
}

func (s *Server) registerDataAPI(api huma.API) {
	tags := []string{"data"}
	type resourceOut struct{ Body dataResourceBody }
	type listIn struct {
		Q      string `query:"q" maxLength:"100"`
		Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
		Offset int    `query:"offset" minimum:"0" default:"0"`
	}
	type listOut struct {
		Body struct {
			Items []dataResourceBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "list-data-resources", Method: http.MethodGet, Path: "/api/v1/data/resources",
		Summary: "The government data catalog (政务信息资源目录)", Tags: tags, Security: bearer,
		Description: "For staff who manage or may request data: every body's resources, by code; q searches code, name and description."},
		func(ctx context.Context, in *listIn) (*listOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			list, err := s.datashare.Catalog(ctx, by, datashare.ResourceQuery{Text: in.Q, Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &listOut{}
			out.Body.Items = []dataResourceBody{}
			for i := range list {
				out.Body.Items = append(out.Body.Items, dataResourceBodyOf(&list[i]))
			}
			return out, nil
		})

	type idIn struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{OperationID: "get-data-resource", Method: http.MethodGet, Path: "/api/v1/data/resources/{id}",
		Summary: "One data resource", Tags: tags, Security: bearer},
		func(ctx context.Context, in *idIn) (*resourceOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			r, err := s.datashare.Resource(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &resourceOut{Body: dataResourceBodyOf(r)}, nil
		})

	type registerIn struct{ Body dataResourceInputBody }
	huma.Register(api, huma.Operation{OperationID: "register-data-resource", Method: http.MethodPost, Path: "/api/v1/data/resources",
		DefaultStatus: http.StatusCreated, Summary: "Register a data resource of the CDO's body", Tags: tags, Security: bearer,
		Description: "For chief data officers (data.manage). 409 when the code is taken, 422 with every bad field."},
		func(ctx context.Context, in *registerIn) (*resourceOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			ri := datashare.ResourceInput{Code: b.Code, Name: b.Name, Description: b.Description, Classification: datashare.Classification(b.Classification),
				UpdateFrequency: b.UpdateFrequency, Format: b.Format, SourceSystem: b.SourceSystem, ShareClass: datashare.ShareClass(b.ShareClass),
				ShareConditions: b.ShareConditions, ShareBasis: b.ShareBasis, OpenClass: datashare.OpenClass(b.OpenClass)}
			for _, f := range b.Fields {
				ri.Fields = append(ri.Fields, datashare.Field{Name: f.Name, Type: datashare.FieldType(f.Type), Description: f.Description,
					Sensitivity: datashare.Sensitivity(f.Sensitivity)})
			}
			r, err := s.datashare.Register(ctx, by, ri)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &resourceOut{Body: dataResourceBodyOf(r)}, nil
		})

	type requestOut struct{ Body dataRequestBody }
	type askIn struct {
		Body struct {
			ResourceID string   `json:"resource_id" maxLength:"36"`
			Purpose    string   `json:"purpose" maxLength:"1000"`
			LegalBasis string   `json:"legal_basis" maxLength:"500"`
			Fields     []string `json:"fields" maxItems:"100"`
			Days       int      `json:"days" minimum:"1" maximum:"1095"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "file-data-request", Method: http.MethodPost, Path: "/api/v1/data/requests",
		DefaultStatus: http.StatusCreated, Summary: "Ask another body for a data resource (共享申请)", Tags: tags, Security: bearer,
		Description: "For staff with data.request, for their body. 无条件共享 resources are approved at once; 不予共享 ones answer 409."},
		func(ctx context.Context, in *askIn) (*requestOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			b := in.Body
			q, err := s.datashare.Ask(ctx, by, datashare.RequestInput{ResourceID: ids.ID(b.ResourceID), Purpose: b.Purpose,
				LegalBasis: b.LegalBasis, Fields: b.Fields, Days: b.Days})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			_, g, err := s.datashare.RequestOf(ctx, by, q.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &requestOut{Body: dataRequestBodyOf(q, g, s.datashareNow())}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-data-request", Method: http.MethodGet, Path: "/api/v1/data/requests/{id}",
		Summary: "One sharing request with its grant", Tags: tags, Security: bearer,
		Description: "For the provider's CDO and staff of the requesting body; 404 for others."},
		func(ctx context.Context, in *idIn) (*requestOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			q, g, err := s.datashare.RequestOf(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &requestOut{Body: dataRequestBodyOf(q, g, s.datashareNow())}, nil
		})

	type approveIn struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Fields     []string `json:"fields,omitempty" maxItems:"100" doc:"a subset of those asked for; absent: all"`
			Note       string   `json:"note,omitempty" maxLength:"500"`
			RatePerSec int      `json:"rate_per_sec,omitempty" minimum:"0" maximum:"10000" doc:"exchange calls per second; 0: 50"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "approve-data-request", Method: http.MethodPost, Path: "/api/v1/data/requests/{id}/approve",
		Summary: "Approve a sharing request", Tags: tags, Security: bearer,
		Description: "For the provider's CDO. 409 when it is decided already."},
		func(ctx context.Context, in *approveIn) (*requestOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			q, g, err := s.datashare.Approve(ctx, by, ids.ID(in.ID), datashare.ApproveInput{Fields: in.Body.Fields, Note: in.Body.Note, RatePerSec: in.Body.RatePerSec})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &requestOut{Body: dataRequestBodyOf(q, g, s.datashareNow())}, nil
		})

	type refuseIn struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Reason string `json:"reason" maxLength:"500"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "refuse-data-request", Method: http.MethodPost, Path: "/api/v1/data/requests/{id}/refuse",
		Summary: "Refuse a sharing request with a reason", Tags: tags, Security: bearer},
		func(ctx context.Context, in *refuseIn) (*requestOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			q, err := s.datashare.Refuse(ctx, by, ids.ID(in.ID), in.Body.Reason)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &requestOut{Body: dataRequestBodyOf(q, nil, s.datashareNow())}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "deliver-data-grant", Method: http.MethodPost, Path: "/api/v1/data/requests/{id}/deliver",
		Summary: "Collect the credential of an approved request's grant", Tags: tags, Security: bearer,
		Description: "For staff of the requesting body. The credential is in this answer only; calling again issues a new one and voids the old."},
		func(ctx context.Context, in *idIn) (*requestOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			g, secret, err := s.datashare.Deliver(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			q, _, err := s.datashare.RequestOf(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &requestOut{Body: dataRequestBodyOf(q, g, s.datashareNow())}
			out.Body.Grant.Credential = secret
			return out, nil
		})

	type revokeIn struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Reason string `json:"reason" maxLength:"500"`
		}
	}
	type grantOut struct{ Body dataGrant }
	huma.Register(api, huma.Operation{OperationID: "revoke-data-grant", Method: http.MethodPost, Path: "/api/v1/data/grants/{id}/revoke",
		Summary: "Revoke an access grant", Tags: tags, Security: bearer, Description: "For the provider's CDO."},
		func(ctx context.Context, in *revokeIn) (*grantOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			g, err := s.datashare.Revoke(ctx, by, ids.ID(in.ID), in.Body.Reason)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &grantOut{Body: dataGrant{ID: string(g.ID), Fields: g.Fields, RatePerSec: g.RatePerSec, ExpiresAt: g.ExpiresAt,
				Status: g.Status(s.datashareNow()), DeliveredAt: timePtr(g.DeliveredAt), RevokedAt: timePtr(g.RevokedAt)}}, nil
		})

	type satOut struct {
		Body struct {
			Overall    dataSatisfactionBody   `json:"overall"`
			ByProvider []dataSatisfactionBody `json:"by_provider"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "data-satisfaction", Method: http.MethodGet, Path: "/api/v1/data/satisfaction",
		Summary: "需求满足率: requests approved and delivered / requests decided", Tags: tags, Security: bearer},
		func(ctx context.Context, _ *struct{}) (*satOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			list, total, err := s.datashare.Satisfaction(ctx, by)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			sb := func(x datashare.Satisfaction) dataSatisfactionBody {
				return dataSatisfactionBody{ProviderID: string(x.ProviderID), Provider: x.Provider, Requests: x.Requests,
					Decided: x.Decided, Satisfied: x.Satisfied, Rate: x.Rate(), TargetMet: x.Met()}
			}
			out := &satOut{}
			out.Body.Overall, out.Body.ByProvider = sb(total), []dataSatisfactionBody{}
			for _, x := range list {
				out.Body.ByProvider = append(out.Body.ByProvider, sb(x))
			}
			return out, nil
		})
}

// handleDataRowsAPI loads rows from the raw body: text/csv or
// application/json. A malformed upload answers 422 with every row in
// error and loads nothing.
func (s *Server) handleDataRowsAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		by := caller(r)
		if by.Anonymous() {
			s.writeProblem(w, r, errs.E(errs.Unauthenticated, "auth.required"))
			return
		}
		format := datashare.FormatCSV
		if strings.Contains(r.Header.Get("Content-Type"), "json") {
			format = datashare.FormatJSON
		}
		body, err := readUpload(r)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		res, err := s.datashare.LoadRows(r.Context(), by, ids.ID(r.PathValue("id")), format, bytes.NewReader(body))
		if lines := datashare.LoadErrors(err); lines != nil {
			st := state(r.Context())
			out := struct {
				Title  string                `json:"title"`
				Status int                   `json:"status"`
				Detail string                `json:"detail"`
				Rows   []datashare.LineError `json:"rows"`
			}{"Unprocessable Entity", http.StatusUnprocessableEntity, s.sentence(st.Lang, err), lines}
			for i := range out.Rows {
				out.Rows[i].Reason = s.msgs.T(st.Lang, out.Rows[i].Reason)
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			json.NewEncoder(w).Encode(out)
			return
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, dataResourceBodyOf(res))
	})
}
