package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Huma names schemas after these types: they carry the event prefix so
// that they cannot collide with another domain's.

type govEventOrgBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type govEventStepBody struct {
	Seq     int            `json:"seq"`
	Action  string         `json:"action"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	Actor   string         `json:"actor"`
	Comment string         `json:"comment,omitempty"`
	Photos  []string       `json:"photos,omitempty" doc:"SHA-256 of the photos of this step"`
	Detail  map[string]any `json:"detail,omitempty"`
	At      time.Time      `json:"at"`
}

type govEventBody struct {
	ID           string             `json:"id"`
	Number       string             `json:"number" doc:"SJ + date + sequence"`
	Version      int                `json:"version" doc:"send it back with the next step"`
	Source       string             `json:"source" enum:"portal,open311,grid,hotline,sensor,api"`
	ExternalID   string             `json:"external_id,omitempty"`
	Category     string             `json:"category"`
	CategoryName string             `json:"category_name"`
	Description  string             `json:"description"`
	Region       string             `json:"region"`
	RegionName   string             `json:"region_name"`
	Address      string             `json:"address,omitempty"`
	Lat          *float64           `json:"lat,omitempty"`
	Lng          *float64           `json:"long,omitempty"`
	Urgency      string             `json:"urgency" enum:"normal,urgent,critical"`
	Reporter     string             `json:"reporter,omitempty"`
	Phone        string             `json:"phone,omitempty" doc:"masked (138****5678)"`
	Photos       []string           `json:"photos,omitempty"`
	State        string             `json:"state"`
	Level        int                `json:"level" doc:"handling level: 1 province … 5 village"`
	Handling     string             `json:"handling_region" doc:"the region whose body handles it"`
	Department   string             `json:"department"`
	Lead         *govEventOrgBody   `json:"lead,omitempty" doc:"主办"`
	Assist       []govEventOrgBody  `json:"assist,omitempty" doc:"协办"`
	Deadline     *time.Time         `json:"deadline,omitempty"`
	Light        string             `json:"light" enum:"on_time,warning,overdue"`
	MergedInto   string             `json:"merged_into,omitempty"`
	ParentID     string             `json:"parent_id,omitempty"`
	Reply        string             `json:"reply,omitempty"`
	Rating       int                `json:"rating,omitempty"`
	Supervised   int                `json:"supervised,omitempty"`
	Escalated    int                `json:"escalated,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
	ClosedAt     *time.Time         `json:"closed_at,omitempty"`
	Allowed      []string           `json:"allowed,omitempty" doc:"the steps the caller may take now"`
	Steps        []govEventStepBody `json:"steps,omitempty"`
	DeviceID     string             `json:"device_id,omitempty" doc:"staff only: the Open311 device_id the report came from"`
}

func (s *Server) eventBodyOf(by *identity.Caller, e *governance.Event, steps []governance.Step) govEventBody {
	c, _ := governance.CategoryOf(e.Category)
	shown := eventFor(by, e) // the free text masked, except by's own (evsec_scrub.go)
	b := govEventBody{ID: string(e.ID), Number: e.Number, Version: e.Version, Source: string(e.Source), ExternalID: e.ExternalID,
		Category: e.Category, CategoryName: c.Name, Description: shown.Description, Region: string(e.Region),
		RegionName: s.regions.FullName(e.Region), Address: shown.Address, Urgency: string(e.Urgency), Reporter: e.ReporterName,
		Phone: e.Phone.Masked(), Photos: e.Photos, State: string(e.State), Level: int(e.Level), Handling: string(e.HandlingRegion()),
		Department: e.Department, Light: s.governance.Light(e).String(), MergedInto: string(e.MergedInto), ParentID: string(e.ParentID),
		Reply: shown.Reply, Rating: e.Rating, Supervised: e.Supervised, Escalated: e.Escalated, CreatedAt: e.CreatedAt,
		UpdatedAt: e.UpdatedAt, ClosedAt: timePtr(e.ClosedAt), Deadline: timePtr(e.Deadline)}
	if e.Phone == "" {
		b.Phone = ""
	}
	if e.HasGeo {
		lat, lng := e.Lat, e.Lng
		b.Lat, b.Lng = &lat, &lng
	}
	if e.Lead.ID != "" {
		b.Lead = &govEventOrgBody{ID: string(e.Lead.ID), Name: e.Lead.Name}
	}
	for _, a := range e.Assist {
		b.Assist = append(b.Assist, govEventOrgBody{ID: string(a.ID), Name: a.Name})
	}
	for _, a := range s.governance.Allowed(by, e) {
		b.Allowed = append(b.Allowed, string(a))
	}
	for _, st := range stepsFor(by, steps) {
		b.Steps = append(b.Steps, govEventStepBody{Seq: st.Seq, Action: string(st.Action), From: string(st.From), To: string(st.To),
			Actor: st.ActorName, Comment: st.Comment, Photos: st.Photos, Detail: st.Detail, At: st.At})
	}
	return b
}

type eventCategoryBody struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEn     string `json:"name_en"`
	Parent     string `json:"parent,omitempty"`
	Department string `json:"department,omitempty" doc:"responsible department type"`
	Level      int    `json:"level,omitempty" doc:"handling level: 1 province … 5 village"`
	LimitHours int    `json:"limit_hours,omitempty" doc:"time limit in working hours (09:00–18:00 on working days)"`
	LimitDays  int    `json:"limit_days,omitempty" doc:"time limit in working days"`
	Auto       bool   `json:"auto,omitempty" doc:"dispatched automatically unless a rule says otherwise"`
	Urgent     bool   `json:"urgent,omitempty"`
	Private    bool   `json:"private,omitempty" doc:"never on Open311's public list"`
}

type eventRuleBody struct {
	ID         string    `json:"id"`
	Category   string    `json:"category"`
	Region     string    `json:"region"`
	Department string    `json:"department"`
	Level      int       `json:"level"`
	Auto       bool      `json:"auto"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

func eventRuleBodyOf(r *governance.Rule) eventRuleBody {
	return eventRuleBody{ID: string(r.ID), Category: r.Category, Region: string(r.Region), Department: r.Department,
		Level: int(r.Level), Auto: r.Auto, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
}

type eventSummaryBody struct {
	Region        string  `json:"region"`
	Today         int     `json:"today" doc:"events reported today (China Standard Time)"`
	TodayClosed   int     `json:"today_closed"`
	ClosedShare   float64 `json:"closed_share" doc:"today_closed / today, 0–1"`
	Open          int     `json:"open"`
	Overdue       int     `json:"overdue"`
	Rated         int     `json:"rated" doc:"events rated in the last 30 days"`
	Satisfaction  float64 `json:"satisfaction" doc:"share rated 4 or 5 in the last 30 days, 0–1"`
	Reported30    int     `json:"reported_30" doc:"events reported in the last 30 days"`
	Closed30      int     `json:"closed_30" doc:"of those, closed (办结) by now"`
	ClosureRate30 float64 `json:"closure_rate_30" doc:"closed_30 / reported_30, 0–1: the cockpit's 30-day closure rate"`
}

type govEventPartBody struct {
	Category    string `json:"category" maxLength:"4"`
	Description string `json:"description" maxLength:"4000"`
}

type govEventReportOutput struct {
	Status int
	Body   struct {
		Event      govEventBody `json:"event"`
		Existing   bool         `json:"existing,omitempty" doc:"a retry: this source already reported external_id; the event is returned as it is now (status 200)"`
		AutoRouted bool         `json:"auto_routed" doc:"the routing rule accepted and dispatched it"`
		Duplicates []string     `json:"duplicates,omitempty" doc:"IDs of open events of the same category nearby (并单 candidates)"`
	}
}

func (s *Server) registerEventAPI(api huma.API) {
	tags := []string{"events"}
	huma.Register(api, huma.Operation{
		OperationID: "event-categories", Method: http.MethodGet, Path: "/api/v1/event-categories",
		Summary: "The event category tree", Tags: tags,
		Description: "Groups (two digits) and their subcategories (four digits), each with the responsible department type, " +
			"handling level and time limit. Public.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body []eventCategoryBody }, error) {
		var out []eventCategoryBody
		for _, c := range governance.Categories() {
			b := eventCategoryBody{Code: c.Code, Name: c.Name, NameEn: c.NameEn}
			if c.Leaf() {
				b.Parent, b.Department, b.Level, b.LimitHours, b.LimitDays = c.Parent(), c.Department, int(c.Level), c.Limit.Hours, c.Limit.Days
				b.Auto, b.Urgent, b.Private = c.Auto, c.Urgent, c.Private
			}
			out = append(out, b)
		}
		return &struct{ Body []eventCategoryBody }{out}, nil
	})

	huma.Register(api, eventReportOperation(api, huma.Operation{
		OperationID: "report-event", Method: http.MethodPost, Path: "/api/v1/events", DefaultStatus: http.StatusCreated,
		Summary: "Report an event (上报)", Tags: tags, Security: bearer,
		Description: "Citizens report for themselves; staff and systems need event.report over the region. The routing rule may " +
			"accept and dispatch it at once; reports near an open event of the same category list it in `duplicates` instead. " +
			"422 with every invalid field. Idempotent per source and `external_id`: a retry of a report that arrived answers 200 " +
			"with the existing event and `existing: true` (201 means created); an external_id another account's event holds is 422.",
	}), func(ctx context.Context, in *govEventReportInput) (*govEventReportOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.body
		src := governance.Source(b.Source)
		if src == "" {
			src = governance.SourceAPI
		}
		e, oc, err := s.governance.Report(ctx, by, governance.Input{Source: src, ExternalID: b.ExternalID, Category: b.Category,
			Description: b.Description, Region: b.Region, Address: b.Address, Lat: b.Lat, Lng: b.Lng, Urgency: governance.Urgency(b.Urgency),
			ReporterName: b.Reporter, Phone: b.Phone, Photos: photoRefs(b.Photos), OnSpot: b.OnSpot, OnSpotNote: b.OnSpotNote})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &govEventReportOutput{Status: http.StatusCreated}
		if oc.Existing {
			out.Status, out.Body.Existing = http.StatusOK, true
		}
		out.Body.Event, out.Body.AutoRouted = s.eventBodyOf(by, e, nil), oc.AutoRouted
		for _, d := range oc.Duplicates {
			out.Body.Duplicates = append(out.Body.Duplicates, string(d))
		}
		return out, nil
	})
	fixEventReportDoc(api, "/api/v1/events")

	type govEventPhotoInput struct {
		RawBody huma.MultipartFormFiles[struct {
			File huma.FormFile `form:"file" required:"true" contentType:"image/jpeg,image/png,application/octet-stream"`
		}]
	}
	type govEventPhotoOutput struct {
		Body EventPhotoRef
	}
	huma.Register(api, huma.Operation{
		OperationID: "upload-event-photo", Method: http.MethodPost, Path: "/api/v1/event-photos", DefaultStatus: http.StatusCreated,
		Summary: "Upload a photo for an event or a step", Tags: tags, Security: bearer,
		Description: "A JPEG or PNG of at most 5 MB and 40 megapixels (type sniffed from the bytes; 422 above either). What is stored is " +
			"a fresh encoding of its pixels, upright, without EXIF or other metadata (GPS, device). Name the returned sha256 with its receipt in " +
			"`photos` of a report or a step by the same account; a photo not named within a day is deleted.",
	}, func(ctx context.Context, in *govEventPhotoInput) (*govEventPhotoOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		sum, err := s.governance.UploadPhoto(ctx, by, in.RawBody.Data().File)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &govEventPhotoOutput{Body: EventPhotoRef(sum)}, nil
	})

	type govEventListInput struct {
		State    string `query:"state" enum:"reported,accepted,dispatched,handling,return_requested,replied,verified,closed,rejected,merged,split,open,"`
		Category string `query:"category" maxLength:"4"`
		Overdue  bool   `query:"overdue" doc:"only open events past their deadline"`
		Mine     bool   `query:"mine" doc:"only events I reported (newest first, one page of limit; no cursor)"`
		Order    string `query:"order" enum:"deadline,created," doc:"deadline: the work queue; created (default): newest first"`
		Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"100"`
		Cursor   string `query:"cursor" maxLength:"200" doc:"the next page: the cursor from the previous page's Link header (rel=next)"`
		Offset   int    `query:"offset" minimum:"0" default:"0" doc:"deprecated: skip this many events (use cursor); not with cursor"`
	}
	type govEventListOutput struct {
		Link  string `header:"Link" doc:"the next page, as <url>; rel=\"next\" (RFC 8288), absent on the last page"`
		Total string `header:"X-Total-Count" doc:"how many events the list holds in all (cursor paging)"`
		Body  []govEventBody
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-events", Method: http.MethodGet, Path: "/api/v1/events",
		Summary: "Events within my reach", Tags: tags, Security: bearer,
		Description: "Staff: the events in their region scopes and their departments' events; citizens: their own reports. " +
			"Paged by cursor, as the work queue is: a page of limit events, the total in X-Total-Count and the next page " +
			"in the Link header (rel=next) until the last. offset still works for existing clients (without Link or total).",
	}, func(ctx context.Context, in *govEventListInput) (*govEventListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		if in.Cursor != "" && (in.Offset > 0 || in.Mine) {
			return nil, s.problem(ctx, errs.Fields(map[string]string{"cursor": "evgeo.cursor_alone"}))
		}
		q := governance.Query{Limit: in.Limit, Offset: in.Offset, Order: governance.Order(in.Order)}
		switch in.State {
		case "":
		case "open":
			q.States = governance.OpenStates
		default:
			q.States = []governance.State{governance.State(in.State)}
		}
		if in.Category != "" {
			q.Categories = []string{in.Category}
		}
		if in.Overdue {
			q.OverdueAt = time.Now()
		}
		out := &govEventListOutput{Body: []govEventBody{}}
		var list []governance.Event
		switch {
		case in.Mine:
			list, err = s.governance.Mine(ctx, by, in.Limit)
		case in.Offset > 0:
			list, err = s.governance.List(ctx, by, q)
		default:
			if q.Order == "" {
				q.Order = governance.ByCreated
			}
			var pg *governance.Page
			if pg, err = s.governance.ListPage(ctx, by, q, in.Limit, in.Cursor); err == nil {
				list, out.Total = pg.Events, strconv.Itoa(pg.Total)
				if pg.Next != "" {
					out.Link = "<" + eventListNext(in.State, in.Category, in.Overdue, string(q.Order), in.Limit, pg.Next) + `>; rel="next"`
				}
			}
		}
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		for i := range list {
			b := s.eventBodyOf(by, &list[i], nil)
			b.Allowed = nil
			if d, ok := alertDescription(s.msgs, state(ctx).Lang, &list[i], nil); ok {
				b.Description = d // an alert's event (read from its Chinese text: a list has no steps), in the caller's language
			}
			out.Body = append(out.Body, b)
		}
		return out, nil
	})

	type govEventIdInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type govEventOneOutput struct{ Body govEventBody }
	huma.Register(api, huma.Operation{
		OperationID: "get-event", Method: http.MethodGet, Path: "/api/v1/events/{id}",
		Summary: "An event with its history", Tags: tags, Security: bearer,
		Description: "404 for events outside the caller's reach.",
	}, func(ctx context.Context, in *govEventIdInput) (*govEventOneOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		e, steps, err := s.governance.Get(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		b := s.eventBodyOf(by, e, steps)
		if d, ok := alertDescription(s.msgs, state(ctx).Lang, e, steps); ok {
			b.Description = d // an alert's event, in the caller's language
		}
		if b.DeviceID, err = s.eventDevice(ctx, by, e); err != nil {
			return nil, s.problem(ctx, err)
		}
		return &govEventOneOutput{Body: b}, nil
	})

	type govEventStepInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Action  string             `json:"action" enum:"accept,reject,merge,dispatch,take,progress,reply,request_return,request_reassign,approve,deny,verify,verify_fail,close,callback,reopen,split,escalate,supervise"`
			Version int                `json:"version" doc:"the version the caller saw"`
			Comment string             `json:"comment,omitempty" maxLength:"2000"`
			Photos  []EventPhotoRef    `json:"photos,omitempty" maxItems:"9" doc:"photos uploaded by the same account, with receipts"`
			Lead    string             `json:"lead,omitempty" maxLength:"36" doc:"dispatch, request_reassign, approve: the lead (主办) organisation; dispatch without one follows the routing rule"`
			Assist  []string           `json:"assist,omitempty" maxItems:"10" doc:"dispatch: assisting (协办) organisations"`
			Target  string             `json:"target,omitempty" maxLength:"36" doc:"merge: the event to merge into"`
			Rating  int                `json:"rating,omitempty" minimum:"0" maximum:"5" doc:"callback: satisfaction 1–5"`
			Reason  string             `json:"reason,omitempty" enum:"not_ours,duplicate,outside_area,insufficient," doc:"reject: the reason (with the comment); duplicate merges into target (并单)"`
			Parts   []govEventPartBody `json:"parts,omitempty" maxItems:"10" doc:"split: the new events"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "act-on-event", Method: http.MethodPost, Path: "/api/v1/events/{id}/steps",
		Summary: "Take a step on an event", Tags: tags, Security: bearer,
		Description: "409 when the state does not allow the step (the message names the steps that are allowed) or when the " +
			"event changed since `version` (of two dispatchers, one wins); 403 when the step is someone else's; 404 outside " +
			"the caller's reach; 422 for missing comments and bad fields.",
	}, func(ctx context.Context, in *govEventStepInput) (*govEventOneOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		a := governance.Act{Action: governance.Action(b.Action), Version: b.Version, Comment: b.Comment, Photos: photoRefs(b.Photos),
			Lead: ids.ID(b.Lead), Target: ids.ID(b.Target), Rating: b.Rating, Reason: b.Reason}
		for _, x := range b.Assist {
			a.Assist = append(a.Assist, ids.ID(x))
		}
		for _, p := range b.Parts {
			a.Parts = append(a.Parts, governance.Part{Category: p.Category, Description: p.Description})
		}
		e, err := s.governance.Do(ctx, by, ids.ID(in.ID), a)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		_, steps, err := s.governance.Get(ctx, by, e.ID)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &govEventOneOutput{Body: s.eventBodyOf(by, e, steps)}, nil
	})

	type govEventSummaryInput struct {
		Region string `query:"region" maxLength:"12" doc:"a region within the caller's scope; default: the first scope"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "event-summary", Method: http.MethodGet, Path: "/api/v1/event-summary",
		Summary: "Event counts for the cockpit", Tags: tags, Security: bearer,
		Description: "Today's events and their closed share, open and overdue events, satisfaction and the closure rate over 30 days, within a region.",
	}, func(ctx context.Context, in *govEventSummaryInput) (*struct{ Body eventSummaryBody }, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		within := region.Code(in.Region)
		if within == "" {
			within = governance.SummaryScope(by)
		}
		sum, err := s.governance.CockpitSummary(ctx, by, within)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		c30 := sum.Closure30()
		return &struct{ Body eventSummaryBody }{eventSummaryBody{Region: string(within), Today: sum.Today, TodayClosed: sum.TodayClosed,
			ClosedShare: sum.ClosedShare(), Open: sum.Open, Overdue: sum.Overdue, Rated: sum.Rated, Satisfaction: sum.Satisfaction(),
			Reported30: c30.Reported, Closed30: c30.Closed, ClosureRate30: c30.Rate()}}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "event-rules", Method: http.MethodGet, Path: "/api/v1/event-rules",
		Summary: "Routing rules (智能分拨)", Tags: tags, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body []eventRuleBody }, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.governance.Rules(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := []eventRuleBody{}
		for i := range list {
			out = append(out, eventRuleBodyOf(&list[i]))
		}
		return &struct{ Body []eventRuleBody }{out}, nil
	})
	type govEventRuleInput struct {
		Body struct {
			Category   string `json:"category" maxLength:"4" doc:"a group (01) or subcategory (0101)"`
			Region     string `json:"region" maxLength:"12"`
			Department string `json:"department" maxLength:"40"`
			Level      int    `json:"level" minimum:"1" maximum:"5"`
			Auto       bool   `json:"auto,omitempty"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "create-event-rule", Method: http.MethodPost, Path: "/api/v1/event-rules", DefaultStatus: http.StatusCreated,
		Summary: "Add a routing rule", Tags: tags, Security: bearer,
		Description: "For holders of event.rules, over a region in their scope. The deepest region wins, then a subcategory over a group.",
	}, func(ctx context.Context, in *govEventRuleInput) (*struct{ Body eventRuleBody }, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		r, err := s.governance.CreateRule(ctx, by, governance.RuleInput{Category: b.Category, Region: b.Region,
			Department: b.Department, Level: b.Level, Auto: b.Auto})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body eventRuleBody }{eventRuleBodyOf(r)}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "delete-event-rule", Method: http.MethodDelete, Path: "/api/v1/event-rules/{id}", DefaultStatus: http.StatusNoContent,
		Summary: "Remove a routing rule", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *govEventIdInput) (*struct{}, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.governance.DeleteRule(ctx, by, ids.ID(in.ID)); err != nil {
			return nil, s.problem(ctx, err)
		}
		return nil, nil
	})
}

// EventPhotoRef is an uploaded event photo: its SHA-256 and the receipt
// that proves the caller uploaded it.
type EventPhotoRef struct {
	SHA256  string `json:"sha256" pattern:"^[0-9a-f]{64}$"`
	Receipt string `json:"receipt" maxLength:"128" doc:"given by POST /api/v1/event-photos to the uploading account"`
}

func photoRefs(in []EventPhotoRef) []governance.PhotoRef {
	out := make([]governance.PhotoRef, len(in))
	for i, p := range in {
		out[i] = governance.PhotoRef(p)
	}
	return out
}
