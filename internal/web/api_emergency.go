package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Huma names schemas after these types: they carry the Emergency prefix so
// that they cannot collide with another domain's.

type EmergencyCommand struct {
	Commander  string `json:"commander,omitempty" maxLength:"50" doc:"总指挥"`
	Operations string `json:"operations,omitempty" maxLength:"50" doc:"行动组 (operations section chief)"`
	Planning   string `json:"planning,omitempty" maxLength:"50" doc:"计划组"`
	Logistics  string `json:"logistics,omitempty" maxLength:"50" doc:"后勤保障组"`
	Finance    string `json:"finance,omitempty" maxLength:"50" doc:"财务组"`
}

type EmergencyIncident struct {
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Type        string           `json:"type" enum:"natural_disaster,accident,public_health,social_security"`
	Grade       int              `json:"grade" minimum:"1" maximum:"4" doc:"1 (Ⅰ 特别重大) to 4 (Ⅳ 一般)"`
	Region      string           `json:"region"`
	Address     string           `json:"address"`
	Lat         float64          `json:"lat"`
	Lon         float64          `json:"lon"`
	Summary     string           `json:"summary"`
	Drill       bool             `json:"drill"`
	State       string           `json:"state" enum:"declared,responding,closed"`
	Command     EmergencyCommand `json:"command"`
	SourceAlert string           `json:"source_alert,omitempty"`
	Report      string           `json:"report,omitempty" doc:"the after-action report, once closed"`
	DeclaredBy  string           `json:"declared_by"`
	DeclaredAt  time.Time        `json:"declared_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	ClosedBy    string           `json:"closed_by,omitempty"`
	ClosedAt    *time.Time       `json:"closed_at,omitempty"`
	Version     int              `json:"version" doc:"send it back with every change: a change based on an older version answers 409"`
}

type EmergencyTask struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"org_id"`
	OrgName   string     `json:"org_name"`
	Title     string     `json:"title"`
	Due       time.Time  `json:"due"`
	Overdue   bool       `json:"overdue"`
	Progress  int        `json:"progress"`
	Note      string     `json:"note,omitempty"`
	State     string     `json:"state" enum:"open,done"`
	By        string     `json:"assigned_by"`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Version   int        `json:"version"`
}

type EmergencyResource struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind" enum:"shelter,team,supply"`
	Name     string  `json:"name"`
	Region   string  `json:"region"`
	Address  string  `json:"address"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Quantity int     `json:"quantity" doc:"people a shelter holds, members of a team, units of a supply"`
	Unit     string  `json:"unit"`
}

type EmergencyDeployment struct {
	ID         string    `json:"id"`
	ResourceID string    `json:"resource_id"`
	Name       string    `json:"resource_name"`
	Kind       string    `json:"kind"`
	Lat        float64   `json:"lat"`
	Lon        float64   `json:"lon"`
	Quantity   int       `json:"quantity"`
	Unit       string    `json:"unit"`
	Note       string    `json:"note,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

type EmergencyEntry struct {
	Kind string    `json:"kind" doc:"declared, command, responding, regraded, task, task_progress, task_done, deployed, report, alert, closed"`
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

type EmergencyAlert struct {
	Identifier  string    `json:"identifier" doc:"the CAP identifier; the message is at /alerts/{identifier}.xml"`
	IncidentID  string    `json:"incident_id"`
	Sender      string    `json:"sender"`
	Sent        time.Time `json:"sent"`
	Status      string    `json:"status" enum:"Actual,Exercise"`
	MsgType     string    `json:"msg_type" enum:"Alert,Update,Cancel"`
	References  string    `json:"references,omitempty"`
	Current     bool      `json:"current"`
	Severity    string    `json:"severity"`
	Urgency     string    `json:"urgency"`
	Headline    string    `json:"headline"`
	Description string    `json:"description"`
	Instruction string    `json:"instruction,omitempty"`
	AreaDesc    string    `json:"area_desc"`
	Region      string    `json:"region"`
	Expires     time.Time `json:"expires"`
	CAP         string    `json:"cap" doc:"address of the CAP 1.2 XML"`
}

type EmergencyBoard struct {
	Incident    EmergencyIncident     `json:"incident"`
	Tasks       []EmergencyTask       `json:"tasks"`
	Deployments []EmergencyDeployment `json:"deployments"`
	Timeline    []EmergencyEntry      `json:"timeline" doc:"newest first"`
	Alerts      []EmergencyAlert      `json:"alerts" doc:"oldest first"`
}

func emergencyIncidentOf(in *emergency.Incident) EmergencyIncident {
	y := *in
	x := &y
	scrubIncident(x) // free text masked (evsec_scrub.go)
	c := x.Command
	return EmergencyIncident{ID: string(x.ID), Title: x.Title, Type: string(x.Type), Grade: int(x.Grade), Region: string(x.Region),
		Address: x.Address, Lat: x.Lat, Lon: x.Lon, Summary: x.Summary, Drill: x.Drill, State: string(x.State),
		Command: EmergencyCommand{c.Commander, c.Operations, c.Planning, c.Logistics, c.Finance}, SourceAlert: string(x.SourceAlert),
		Report: x.Report, DeclaredBy: x.DeclaredByName, DeclaredAt: x.DeclaredAt, UpdatedAt: x.UpdatedAt, ClosedBy: x.ClosedByName,
		ClosedAt: timePtr(x.ClosedAt), Version: x.Version}
}

func emergencyTaskOf(t *emergency.Task, now time.Time) EmergencyTask {
	return EmergencyTask{ID: string(t.ID), OrgID: string(t.OrgID), OrgName: t.OrgName, Title: identity.ScrubText(t.Title), Due: t.Due,
		Overdue: t.Overdue(now), Progress: t.Progress, Note: identity.ScrubText(t.Note), State: string(t.State), By: t.ByName, CreatedAt: t.CreatedAt,
		DoneAt: timePtr(t.DoneAt), Version: t.Version}
}

func emergencyResourceOf(r *emergency.Resource) EmergencyResource {
	return EmergencyResource{ID: string(r.ID), Kind: string(r.Kind), Name: r.Name, Region: string(r.Region), Address: r.Address,
		Lat: r.Lat, Lon: r.Lon, Quantity: r.Quantity, Unit: r.Unit}
}

func emergencyDeploymentOf(d *emergency.Deployment) EmergencyDeployment {
	return EmergencyDeployment{ID: string(d.ID), ResourceID: string(d.ResourceID), Name: d.ResourceName, Kind: string(d.Kind),
		Lat: d.Lat, Lon: d.Lon, Quantity: d.Quantity, Unit: d.Unit, Note: identity.ScrubText(d.Note), By: d.ByName, At: d.At}
}

func emergencyAlertOf(a *emergency.Alert) EmergencyAlert {
	sev, urg := a.Grade.Severity(), a.Grade.Urgency()
	if a.MsgType == emergency.MsgCancel {
		sev, urg = "Minor", "Past"
	}
	return EmergencyAlert{Identifier: string(a.ID), IncidentID: string(a.IncidentID), Sender: a.Sender, Sent: a.Sent,
		Status: a.Status, MsgType: a.MsgType, References: a.References, Current: a.State == emergency.AlertCurrent,
		Severity: sev, Urgency: urg, Headline: a.Headline, Description: a.Description, Instruction: a.Instruction,
		AreaDesc: a.AreaDesc, Region: string(a.Region), Expires: a.Expires, CAP: "/alerts/" + string(a.ID) + ".xml"}
}

func (s *Server) emergencyBoardOf(b *emergency.Board) EmergencyBoard {
	now := s.emergency.Now()
	out := EmergencyBoard{Incident: emergencyIncidentOf(b.Incident), Tasks: []EmergencyTask{}, Deployments: []EmergencyDeployment{},
		Timeline: []EmergencyEntry{}, Alerts: []EmergencyAlert{}}
	for i := range b.Tasks {
		out.Tasks = append(out.Tasks, emergencyTaskOf(&b.Tasks[i], now))
	}
	for i := range b.Deployments {
		out.Deployments = append(out.Deployments, emergencyDeploymentOf(&b.Deployments[i]))
	}
	for _, e := range b.Entries {
		out.Timeline = append(out.Timeline, EmergencyEntry{Kind: e.Kind, Text: identity.ScrubText(e.Text), By: e.ByName, At: e.At})
	}
	for i := range b.Alerts {
		out.Alerts = append(out.Alerts, emergencyAlertOf(&b.Alerts[i]))
	}
	return out
}

func (s *Server) registerEmergencyAPI(api huma.API) {
	tags := []string{"emergency"}
	type incidentsOutput struct{ Body []EmergencyIncident }
	type incidentsInput struct {
		State string `query:"state" default:"active" enum:"active,declared,responding,closed,all"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-incidents", Method: http.MethodGet, Path: "/api/v1/emergency/incidents",
		Summary: "Incidents within the caller's scope (突发事件)", Tags: tags, Security: bearer,
		Description: "Needs event.command or cockpit.view. `active` is declared and responding. Open ones first, newest first.",
	}, func(ctx context.Context, in *incidentsInput) (*incidentsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		var states []emergency.State
		switch in.State {
		case "active":
			states = []emergency.State{emergency.Declared, emergency.Responding}
		case "all":
		default:
			states = []emergency.State{emergency.State(in.State)}
		}
		list, err := s.emergency.Incidents(ctx, by, states, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &incidentsOutput{Body: []EmergencyIncident{}}
		for i := range list {
			out.Body = append(out.Body, emergencyIncidentOf(&list[i]))
		}
		return out, nil
	})

	type incidentOutput struct{ Body EmergencyIncident }
	type declareInput struct {
		Body struct {
			Title       string  `json:"title" maxLength:"100"`
			Type        string  `json:"type" enum:"natural_disaster,accident,public_health,social_security"`
			Grade       int     `json:"grade" minimum:"1" maximum:"4"`
			Region      string  `json:"region,omitempty" maxLength:"12" doc:"region code; default with source_alert: the alert's"`
			Address     string  `json:"address,omitempty" maxLength:"100"`
			Lat         float64 `json:"lat,omitempty" minimum:"-90" maximum:"90"`
			Lon         float64 `json:"lon,omitempty" minimum:"-180" maximum:"180"`
			Summary     string  `json:"summary" maxLength:"2000" doc:"the first situation report"`
			Drill       bool    `json:"drill,omitempty" doc:"a drill (演练): its alerts have CAP status Exercise"`
			SourceAlert string  `json:"source_alert,omitempty" maxLength:"36" doc:"a sensing alert this incident answers"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-declare", Method: http.MethodPost, Path: "/api/v1/emergency/incidents", DefaultStatus: http.StatusCreated,
		Summary: "Declare an incident", Tags: tags, Security: bearer,
		Description: "Needs event.command over the region (404 outside it). Audited; publishes emergency.declared.",
	}, func(ctx context.Context, in *declareInput) (*incidentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		inc, err := s.emergency.Declare(ctx, by, emergency.DeclareInput{Title: b.Title, Type: emergency.Type(b.Type),
			Grade: emergency.Grade(b.Grade), Region: b.Region, Address: b.Address, Lat: b.Lat, Lon: b.Lon, Summary: b.Summary,
			Drill: b.Drill, SourceAlert: ids.ID(b.SourceAlert)})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &incidentOutput{Body: emergencyIncidentOf(inc)}, nil
	})

	type boardOutput struct{ Body EmergencyBoard }
	type idInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-incident", Method: http.MethodGet, Path: "/api/v1/emergency/incidents/{id}",
		Summary: "An incident with its tasks, deployments, timeline and alerts", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *idInput) (*boardOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b, err := s.emergency.Board(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &boardOutput{Body: s.emergencyBoardOf(b)}, nil
	})

	type commandInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Version int              `json:"version" minimum:"1"`
			Command EmergencyCommand `json:"command"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-set-command", Method: http.MethodPut, Path: "/api/v1/emergency/incidents/{id}/command",
		Summary: "Name the command structure", Tags: tags, Security: bearer,
		Description: "409 if the incident is closed or changed since `version`.",
	}, func(ctx context.Context, in *commandInput) (*incidentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		c := in.Body.Command
		inc, err := s.emergency.SetCommand(ctx, by, ids.ID(in.ID), in.Body.Version, emergency.Command{Commander: c.Commander,
			Operations: c.Operations, Planning: c.Planning, Logistics: c.Logistics, Finance: c.Finance})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &incidentOutput{Body: emergencyIncidentOf(inc)}, nil
	})

	type stepInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Version int    `json:"version" minimum:"1"`
			Report  string `json:"report,omitempty" maxLength:"20000" doc:"close: the after-action report (总结评估), required"`
		}
	}
	for _, step := range []struct{ id, path, summary string }{
		{"emergency-respond", "respond", "Start the response (declared → responding; needs a commander)"},
		{"emergency-close", "close", "Close with the after-action report (responding → closed); cancels the current public alert"},
	} {
		close := step.path == "close"
		huma.Register(api, huma.Operation{
			OperationID: step.id, Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/" + step.path,
			Summary: step.summary, Tags: tags, Security: bearer,
		}, func(ctx context.Context, in *stepInput) (*incidentOutput, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			var inc *emergency.Incident
			if close {
				inc, err = s.emergency.Close(ctx, by, ids.ID(in.ID), in.Body.Version, in.Body.Report)
			} else {
				inc, err = s.emergency.Respond(ctx, by, ids.ID(in.ID), in.Body.Version)
			}
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &incidentOutput{Body: emergencyIncidentOf(inc)}, nil
		})
	}

	type entryOutput struct{ Body EmergencyEntry }
	type reportInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Text string `json:"text" maxLength:"2000"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-report", Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/reports", DefaultStatus: http.StatusCreated,
		Summary: "Add a situation report (态势) to the timeline", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *reportInput) (*entryOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		e, err := s.emergency.Report(ctx, by, ids.ID(in.ID), in.Body.Text)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &entryOutput{Body: EmergencyEntry{Kind: e.Kind, Text: identity.ScrubText(e.Text), By: e.ByName, At: e.At}}, nil
	})

	type taskOutput struct{ Body EmergencyTask }
	type taskInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			OrgID    string `json:"org_id" maxLength:"36"`
			Title    string `json:"title" maxLength:"2000"`
			Hours    int    `json:"hours,omitempty" doc:"deadline in hours (1–720), or"`
			Workdays int    `json:"workdays,omitempty" doc:"deadline in working days (1–60) on the working-day clock"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-add-task", Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/tasks", DefaultStatus: http.StatusCreated,
		Summary: "Give a department a task with a deadline", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *taskInput) (*taskOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		t, err := s.emergency.AddTask(ctx, by, ids.ID(in.ID), emergency.TaskInput{OrgID: ids.ID(b.OrgID), Title: b.Title,
			Hours: b.Hours, Workdays: b.Workdays})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &taskOutput{Body: emergencyTaskOf(t, s.emergency.Now())}, nil
	})

	type progressInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Version  int    `json:"version" minimum:"1"`
			Progress int    `json:"progress" doc:"percent, 0–100; 100 completes the task"`
			Note     string `json:"note,omitempty" maxLength:"2000"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-task-progress", Method: http.MethodPost, Path: "/api/v1/emergency/tasks/{id}/progress",
		Summary: "Record a task's progress", Tags: tags, Security: bearer,
		Description: "409 if the task is done or changed since `version`.",
	}, func(ctx context.Context, in *progressInput) (*taskOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.emergency.Progress(ctx, by, ids.ID(in.ID), in.Body.Version, in.Body.Progress, in.Body.Note)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &taskOutput{Body: emergencyTaskOf(t, s.emergency.Now())}, nil
	})

	type resourcesOutput struct{ Body []EmergencyResource }
	huma.Register(api, huma.Operation{
		OperationID: "emergency-resources", Method: http.MethodGet, Path: "/api/v1/emergency/resources",
		Summary: "Shelters, rescue teams and supplies within the caller's scope", Tags: tags, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*resourcesOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.emergency.Resources(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &resourcesOutput{Body: []EmergencyResource{}}
		for i := range list {
			out.Body = append(out.Body, emergencyResourceOf(&list[i]))
		}
		return out, nil
	})

	type resourceOutput struct{ Body EmergencyResource }
	type resourceInput struct {
		Body struct {
			Kind     string  `json:"kind" enum:"shelter,team,supply"`
			Name     string  `json:"name" maxLength:"100"`
			Region   string  `json:"region" maxLength:"12"`
			Address  string  `json:"address,omitempty" maxLength:"100"`
			Lat      float64 `json:"lat" minimum:"-90" maximum:"90"`
			Lon      float64 `json:"lon" minimum:"-180" maximum:"180"`
			Quantity int     `json:"quantity"`
			Unit     string  `json:"unit,omitempty" maxLength:"20"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-create-resource", Method: http.MethodPost, Path: "/api/v1/emergency/resources", DefaultStatus: http.StatusCreated,
		Summary: "Register a shelter, team or supply", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *resourceInput) (*resourceOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		r, err := s.emergency.CreateResource(ctx, by, emergency.ResourceInput{Kind: emergency.ResourceKind(b.Kind), Name: b.Name,
			Region: b.Region, Address: b.Address, Lat: b.Lat, Lon: b.Lon, Quantity: b.Quantity, Unit: b.Unit})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &resourceOutput{Body: emergencyResourceOf(r)}, nil
	})

	type deploymentOutput struct{ Body EmergencyDeployment }
	type deployInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			ResourceID string `json:"resource_id" maxLength:"36"`
			Quantity   int    `json:"quantity,omitempty" doc:"0: all that is free"`
			Note       string `json:"note,omitempty" maxLength:"2000"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-deploy", Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/deployments", DefaultStatus: http.StatusCreated,
		Summary: "Deploy a resource to the incident", Tags: tags, Security: bearer,
		Description: "422 if more is asked than is free (the resource's quantity less what incidents not closed hold).",
	}, func(ctx context.Context, in *deployInput) (*deploymentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		d, err := s.emergency.Deploy(ctx, by, ids.ID(in.ID), ids.ID(in.Body.ResourceID), in.Body.Quantity, in.Body.Note)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &deploymentOutput{Body: emergencyDeploymentOf(d)}, nil
	})

	type alertOutput struct{ Body EmergencyAlert }
	type alertInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Version       int    `json:"version" minimum:"1"`
			Cancel        bool   `json:"cancel,omitempty" doc:"an all-clear (CAP Cancel) of the current alert"`
			Headline      string `json:"headline" maxLength:"100"`
			Description   string `json:"description,omitempty" maxLength:"2000"`
			Instruction   string `json:"instruction,omitempty" maxLength:"2000"`
			ResponseType  string `json:"response_type,omitempty" enum:"Shelter,Evacuate,Prepare,Execute,Avoid,Monitor,Assess,AllClear,None"`
			HeadlineEn    string `json:"headline_en,omitempty" maxLength:"100"`
			DescriptionEn string `json:"description_en,omitempty" maxLength:"2000"`
			InstructionEn string `json:"instruction_en,omitempty" maxLength:"2000"`
			Hours         int    `json:"hours,omitempty" doc:"until it expires, 1–720; default 24"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-issue-alert", Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/alerts", DefaultStatus: http.StatusCreated,
		Summary: "Issue a public alert (CAP 1.2)", Tags: tags, Security: bearer,
		Description: "The first message of an incident is an Alert, later ones Updates, `cancel` a Cancel; each references the earlier " +
			"ones. A drill's messages have status Exercise. 409 if the incident changed since `version`.",
	}, func(ctx context.Context, in *alertInput) (*alertOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		a, err := s.emergency.IssueAlert(ctx, by, ids.ID(in.ID), b.Version, emergency.AlertInput{Cancel: b.Cancel,
			Headline: b.Headline, Description: b.Description, Instruction: b.Instruction, ResponseType: b.ResponseType,
			HeadlineEn: b.HeadlineEn, DescriptionEn: b.DescriptionEn, InstructionEn: b.InstructionEn, Hours: b.Hours})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &alertOutput{Body: emergencyAlertOf(a)}, nil
	})

	type publicOutput struct{ Body []EmergencyAlert }
	huma.Register(api, huma.Operation{
		OperationID: "emergency-public-alerts", Method: http.MethodGet, Path: "/api/v1/emergency/alerts",
		Summary: "Public alerts in force (no sign-in)", Tags: tags,
		Description: "Each incident's current message, unexpired, newest first; Cancels (all-clears) included. " +
			"The same as /alerts/feed.xml (Atom) and the page /alerts.",
	}, func(ctx context.Context, _ *struct{}) (*publicOutput, error) {
		list, err := s.emergency.CurrentAlerts(ctx, 100)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &publicOutput{Body: []EmergencyAlert{}}
		for i := range list {
			out.Body = append(out.Body, emergencyAlertOf(&list[i]))
		}
		return out, nil
	})
}
