package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
)

type eventBody struct {
	Seq     int       `json:"seq"`
	Action  string    `json:"action"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Actor   string    `json:"actor"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

type caseBody struct {
	ID          string              `json:"id"`
	Number      string              `json:"number,omitempty" example:"HRSS440106-20261126-0001"`
	ItemCode    string              `json:"item_code"`
	ItemName    string              `json:"item_name"`
	State       string              `json:"state" enum:"draft,received,submitted,correction,in_review,in_decision,decided,completed,rejected,withdrawn"`
	Applicant   string              `json:"applicant"`
	Channel     string              `json:"channel" enum:"online,counter"`
	Authority   string              `json:"authority,omitempty" doc:"the competent authority now handling the case"`
	ReceivedAt  string              `json:"received_at,omitempty" doc:"收件地: region code where the application was received"`
	DecidedAt   string              `json:"decided_at,omitempty" doc:"办理地: region code of the competent authority"`
	SubmittedAt *time.Time          `json:"submitted_at,omitempty"`
	AcceptedAt  *time.Time          `json:"accepted_at,omitempty"`
	Deadline    *time.Time          `json:"deadline,omitempty" doc:"end of the promised time limit (working days from acceptance, moved on by corrections)"`
	Light       string              `json:"light" enum:"on_time,warning,overdue"`
	Decision    string              `json:"decision,omitempty"`
	Outcome     string              `json:"outcome,omitempty" enum:"approved,denied"`
	Version     int                 `json:"version" doc:"send it back with an action: a case changed by someone else meanwhile answers 409"`
	Form        map[string]string   `json:"form,omitempty" doc:"application form values (only in single-case answers)"`
	Materials   []cases.MaterialRef `json:"materials"`
	Allowed     []string            `json:"allowed_actions,omitempty" doc:"steps the caller may take now"`
	Events      []eventBody         `json:"events,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) caseBody(c *cases.Case) caseBody {
	b := caseBody{ID: string(c.ID), Number: c.Number, ItemCode: c.ItemCode, ItemName: c.ItemName, State: string(c.State),
		Applicant: c.Applicant, Channel: string(c.Channel), Authority: c.Authority, ReceivedAt: string(c.ReceivedAt),
		DecidedAt: string(c.DecidedAt), SubmittedAt: timePtr(c.SubmittedAt), AcceptedAt: timePtr(c.AcceptedAt),
		Deadline: timePtr(c.Deadline), Light: s.cases.Status(c).String(), Decision: c.Decision, Outcome: string(c.Outcome),
		Version: c.Version, Materials: c.Materials}
	if b.Materials == nil {
		b.Materials = []cases.MaterialRef{}
	}
	return b
}

func (s *Server) registerCaseAPI(api huma.API) {
	type caseListOutput struct {
		Body struct {
			Items []caseBody `json:"items"`
		}
	}
	list := func(cs []cases.Case) *caseListOutput {
		out := &caseListOutput{}
		out.Body.Items = make([]caseBody, len(cs))
		for i := range cs {
			out.Body.Items[i] = s.caseBody(&cs[i])
		}
		return out
	}

	type applyInput struct {
		Body struct {
			ItemCode  string                  `json:"item_code" example:"HRSS-0001"`
			DecideIn  string                  `json:"decide_in,omitempty" example:"440106" doc:"办理地; default: the applicant's region"`
			Form      map[string]string       `json:"form" doc:"values by field name, as the item's form defines"`
			Materials []cases.MaterialRef     `json:"materials,omitempty" doc:"uploads from POST /api/v1/materials, one per file field"`
			Licenses  []caseLicenseChoiceBody `json:"licenses,omitempty" doc:"materials satisfied by the caller's electronic licences instead of copies (免提交); submitting grants the authority their use for the case"`
			Draft     bool                    `json:"draft,omitempty" doc:"save as a draft instead of submitting"`
		}
	}
	type oneOutput struct{ Body caseBody }
	huma.Register(api, huma.Operation{
		OperationID: "apply", Method: http.MethodPost, Path: "/api/v1/cases", DefaultStatus: http.StatusCreated,
		Summary: "Apply for a service item", Tags: []string{"cases"}, Security: bearer,
		Description: "Creates a case and submits it to the competent authority (or saves a draft). Every invalid field " +
			"is reported at once (422) and nothing is submitted.",
	}, func(ctx context.Context, in *applyInput) (*oneOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		app := cases.Application{ItemCode: in.Body.ItemCode, DecideIn: in.Body.DecideIn, Form: in.Body.Form, Materials: in.Body.Materials,
			Licenses: licenseChoicesOfBody(in.Body.Licenses)}
		var cs *cases.Case
		if in.Body.Draft {
			cs, err = s.cases.SaveDraft(ctx, c, "", 0, app)
		} else {
			cs, err = s.cases.Apply(ctx, c, app)
		}
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &oneOutput{Body: s.caseBody(cs)}, nil
	})

	type uploadInput struct {
		Field   string `query:"field" required:"true" maxLength:"40" doc:"the form field the file is for"`
		RawBody huma.MultipartFormFiles[struct {
			File huma.FormFile `form:"file" required:"true" contentType:"application/pdf,image/jpeg,image/png,application/ofd,application/octet-stream"`
		}]
	}
	type uploadOutput struct{ Body cases.MaterialRef }
	huma.Register(api, huma.Operation{
		OperationID: "upload-material", Method: http.MethodPost, Path: "/api/v1/materials", DefaultStatus: http.StatusCreated,
		Summary: "Upload a material", Tags: []string{"cases"}, Security: bearer,
		Description: "Stores a PDF, JPEG, PNG or OFD file of at most 10 MB (type sniffed from the bytes). Put the returned " +
			"sha256 in the form field and the whole object, with its receipt, in materials when applying: the receipt " +
			"binds the upload to this account, and another account cannot apply with it.",
	}, func(ctx context.Context, in *uploadInput) (*uploadOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		f := in.RawBody.Data().File
		m, err := s.cases.Upload(ctx, c, in.Field, f.Filename, f)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &uploadOutput{Body: m}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-cases", Method: http.MethodGet, Path: "/api/v1/cases",
		Summary: "My cases", Tags: []string{"cases"}, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*caseListOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		cs, err := s.cases.Mine(ctx, c, 100)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return list(cs), nil
	})

	type queueInput struct {
		State string `query:"state" enum:"received,submitted,correction,in_review,in_decision,decided"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "work-queue", Method: http.MethodGet, Path: "/api/v1/queue",
		Summary: "An officer's work queue", Tags: []string{"cases"}, Security: bearer,
		Description: "Open cases within the caller's region scopes, oldest deadline first, with their traffic light.",
	}, func(ctx context.Context, in *queueInput) (*caseListOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		var states []cases.State
		if in.State != "" {
			states = []cases.State{cases.State(in.State)}
		}
		cs, err := s.cases.Queue(ctx, c, states, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return list(cs), nil
	})

	type idInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	full := func(ctx context.Context, by *identity.Caller, c *cases.Case, evs []cases.Event) *oneOutput {
		b := s.caseBody(c)
		b.Form = c.Form
		for _, a := range s.cases.Allowed(ctx, by, c) {
			b.Allowed = append(b.Allowed, string(a))
		}
		for _, e := range evs {
			b.Events = append(b.Events, eventBody{Seq: e.Seq, Action: string(e.Action), From: string(e.From), To: string(e.To),
				Actor: e.ActorName, Comment: e.Comment, At: e.At})
		}
		return &oneOutput{Body: b}
	}
	huma.Register(api, huma.Operation{
		OperationID: "get-case", Method: http.MethodGet, Path: "/api/v1/cases/{id}",
		Summary: "A case with its timeline", Tags: []string{"cases"}, Security: bearer,
		Description: "For its applicant and for staff whose scope covers it (staff reads are audited). Others get 404.",
	}, func(ctx context.Context, in *idInput) (*oneOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		c, evs, err := s.cases.Get(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return full(ctx, by, c, evs), nil
	})

	type actInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Action  string `json:"action" enum:"forward,accept,reject,request_correction,correct,pass,approve,deny,complete,withdraw,submit"`
			Version int    `json:"version" doc:"the version the caller saw"`
			Comment string `json:"comment,omitempty" maxLength:"2000" doc:"required for reject, request_correction, approve, deny"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "act-on-case", Method: http.MethodPost, Path: "/api/v1/cases/{id}/actions",
		Summary: "Take a step on a case", Tags: []string{"cases"}, Security: bearer,
		Description: "409 when the case's state does not allow the step (the message names the steps that are allowed) " +
			"or when the case changed since `version`; 403 when the step belongs to another role.",
	}, func(ctx context.Context, in *actInput) (*oneOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		var c *cases.Case
		if in.Body.Action == string(cases.ActSubmit) {
			c, err = s.cases.Submit(ctx, by, ids.ID(in.ID), in.Body.Version)
		} else {
			c, err = s.cases.Act(ctx, by, ids.ID(in.ID), in.Body.Version, cases.Action(in.Body.Action), in.Body.Comment)
		}
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		evs, err := s.cases.History(ctx, by, c)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return full(ctx, by, c, evs), nil
	})
}

func (s *Server) registerCatalogAPI(api huma.API) {
	type searchInput struct {
		Q     string `query:"q" maxLength:"50" doc:"Chinese search; abbreviations are expanded (社保卡 finds 社会保障卡申领)"`
		Event string `query:"event" doc:"life event key"`
		Dept  string `query:"dept" doc:"department key"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	}
	type summary struct {
		Code          string `json:"code"`
		Name          string `json:"name"`
		Department    string `json:"department"`
		PromisedDays  int    `json:"promised_days"`
		Trips         int    `json:"trips"`
		OnlineDepth   int    `json:"online_depth"`
		HighFrequency bool   `json:"high_frequency"`
	}
	type serviceSearchOutput struct {
		Body struct {
			Items []summary `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "search-services", Method: http.MethodGet, Path: "/api/v1/services",
		Summary: "Search the service catalog", Tags: []string{"catalog"},
		Description: "Public: no token needed.",
	}, func(ctx context.Context, in *searchInput) (*serviceSearchOutput, error) {
		hits, err := s.catalog.Search(ctx, in.Q, catalog.Filter{LifeEvent: in.Event, Department: in.Dept}, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &serviceSearchOutput{}
		out.Body.Items = []summary{}
		for _, h := range hits {
			it := h.Item
			out.Body.Items = append(out.Body.Items, summary{it.Code, it.Name, it.Department, it.PromisedDays, it.Trips, it.OnlineDepth, it.HighFrequency})
		}
		return out, nil
	})
	type codeInput struct {
		Code string `path:"code" maxLength:"16"`
	}
	type itemOutput struct{ Body *catalog.Item }
	huma.Register(api, huma.Operation{
		OperationID: "get-service", Method: http.MethodGet, Path: "/api/v1/services/{code}",
		Summary: "A service item: its guide and its form", Tags: []string{"catalog"},
		Description: "Public: no token needed.",
	}, func(ctx context.Context, in *codeInput) (*itemOutput, error) {
		it, err := s.catalog.Item(ctx, in.Code)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &itemOutput{Body: it}, nil
	})
	type exportOutput struct{ Body []catalog.Item }
	huma.Register(api, huma.Operation{
		OperationID: "export-catalog", Method: http.MethodGet, Path: "/api/v1/catalog/export",
		Summary: "Export the whole catalog as JSON", Tags: []string{"catalog"}, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*exportOutput, error) {
		if _, err := s.apiCaller(ctx); err != nil {
			return nil, err
		}
		items, err := s.catalog.Items(ctx)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		if items == nil {
			items = []catalog.Item{}
		}
		return &exportOutput{Body: items}, nil
	})
	type importInput struct{ Body []catalog.Item }
	type catalogImportOutput struct {
		Body struct {
			Imported int `json:"imported"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "import-catalog", Method: http.MethodPost, Path: "/api/v1/catalog/import",
		Summary: "Import items (all or none)", Tags: []string{"catalog"}, Security: bearer,
		Description: "For administrators (catalog.manage). Every item is validated first; an error names the first item at fault and nothing changes.",
	}, func(ctx context.Context, in *importInput) (*catalogImportOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		n, err := s.catalog.Import(ctx, by, in.Body)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &catalogImportOutput{}
		out.Body.Imported = n
		return out, nil
	})
}
