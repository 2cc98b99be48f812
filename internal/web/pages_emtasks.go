package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The emergency tasks of the caller's departments (本单位应急任务): the
// staff who handle a department's work read the tasks given to it, with
// the incident's public basics, and record progress or complete them.

// emTaskRoutes registers the department's task pages and API.
func (s *Server) emTaskRoutes(mux *http.ServeMux, api huma.API) {
	if s.emergency == nil {
		return
	}
	mux.Handle("GET /workbench/emergency-tasks", s.errorPage(s.handleOrgTasks))
	mux.Handle("GET /workbench/emergency-tasks/{id}", s.errorPage(s.handleOrgTask))
	mux.Handle("POST /workbench/emergency-tasks/{id}/progress", s.errorPage(s.handleOrgTaskProgress))
	s.registerOrgTaskAPI(api)
}

// orgTasksTool is the workbench's link to the department's emergency
// tasks: shown to staff who handle a department's work (the list would
// answer them), with how many of its tasks are open.
type orgTasksTool struct {
	Shown bool
	Open  int
}

func (s *Server) orgTasksTool(ctx context.Context, by *identity.Caller) orgTasksTool {
	if s.emergency == nil || len(by.Scopes(identity.PermEventHandle)) == 0 {
		return orgTasksTool{}
	}
	list, err := s.emergency.OrgTasks(ctx, by, false)
	if errs.Is(err, errs.Forbidden) {
		return orgTasksTool{} // handles events, for no department
	}
	return orgTasksTool{Shown: true, Open: len(list)} // on another error the link still leads to the list, which reports it
}

type orgTasksPage struct {
	Tasks   []emergency.OrgTask
	All     bool
	Overdue map[ids.ID]bool
}

func (s *Server) handleOrgTasks(w http.ResponseWriter, r *http.Request) error {
	all := r.URL.Query().Get("all") == "1"
	list, err := s.emergency.OrgTasks(r.Context(), caller(r), all)
	if err != nil {
		return err
	}
	d := &orgTasksPage{Tasks: list, All: all, Overdue: map[ids.ID]bool{}}
	now := s.emergency.Now()
	for i := range list {
		d.Overdue[list[i].ID] = list[i].Overdue(now)
		scrubOrgTask(&list[i])
	}
	return s.rd.render(w, r, "emtask_list", &page{Title: "emtask.list_title", Face: identity.FaceWorkbench, Data: d})
}

type orgTaskPage struct {
	Task    *emergency.OrgTask
	Overdue bool
	Open    bool // the task and its incident are open: progress may be recorded
}

func (s *Server) handleOrgTask(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgTask(w, r, ids.ID(r.PathValue("id")), nil)
}

func (s *Server) renderOrgTask(w http.ResponseWriter, r *http.Request, id ids.ID, refused *errs.Error) error {
	t, err := s.emergency.OrgTask(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	d := &orgTaskPage{Task: t, Overdue: t.Overdue(s.emergency.Now()),
		Open: t.State == emergency.TaskOpen && t.Incident.State != emergency.Closed}
	scrubOrgTask(t)
	p := &page{Title: "emtask.title", Face: identity.FaceWorkbench, Data: d}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "emtask", p)
}

func (s *Server) handleOrgTaskProgress(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	f := r.PostForm
	version, ok1 := intOrZero(f.Get("version"))
	pct, ok2 := intOrZero(f.Get("progress"))
	if f.Get("complete") == "1" {
		pct = 100
	}
	var err error
	if !ok1 || !ok2 {
		err = errs.Fields(map[string]string{"progress": "emergency.progress_range"})
	} else {
		_, err = s.emergency.Progress(r.Context(), caller(r), id, version, pct, f.Get("note"))
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		return s.renderOrgTask(w, r, id, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency-tasks/"+string(id)+"?saved=1", http.StatusSeeOther)
	return nil
}

// EmergencyOrgTask is a department's task with its incident's basics.
type EmergencyOrgTask struct {
	EmergencyTask
	Incident EmergencyIncidentBasics `json:"incident"`
}

// EmergencyIncidentBasics is what a department reads of an incident.
type EmergencyIncidentBasics struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Type    string `json:"type"`
	Grade   int    `json:"grade"`
	Region  string `json:"region"`
	Address string `json:"address"`
	Summary string `json:"summary"`
	Drill   bool   `json:"drill"`
	State   string `json:"state" enum:"declared,responding,closed"`
}

func emergencyOrgTaskOf(t *emergency.OrgTask, now time.Time) EmergencyOrgTask {
	i := t.Incident
	return EmergencyOrgTask{EmergencyTask: emergencyTaskOf(&t.Task, now), Incident: EmergencyIncidentBasics{ID: string(i.ID),
		Title: identity.ScrubText(i.Title), Type: string(i.Type), Grade: int(i.Grade), Region: string(i.Region),
		Address: identity.ScrubText(i.Address), Summary: identity.ScrubText(i.Summary), Drill: i.Drill, State: string(i.State)}}
}

func (s *Server) registerOrgTaskAPI(api huma.API) {
	tags := []string{"emergency"}
	bearer := []map[string][]string{{"bearer": {}}}
	type listInput struct {
		All bool `query:"all" doc:"include done tasks"`
	}
	type listOutput struct{ Body []EmergencyOrgTask }
	huma.Register(api, huma.Operation{
		OperationID: "emergency-org-tasks", Method: http.MethodGet, Path: "/api/v1/emergency/org-tasks",
		Summary: "The emergency tasks given to the caller's departments", Tags: tags, Security: bearer,
		Description: "For staff who handle a department's work (event.handle at it): its tasks over their region, open ones " +
			"first, each with the incident's public basics. Record progress with POST /api/v1/emergency/tasks/{id}/progress.",
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.emergency.OrgTasks(ctx, by, in.All)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		now := s.emergency.Now()
		out := make([]EmergencyOrgTask, len(list))
		for i := range list {
			out[i] = emergencyOrgTaskOf(&list[i], now)
		}
		return &listOutput{Body: out}, nil
	})
	type oneInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type oneOutput struct{ Body EmergencyOrgTask }
	huma.Register(api, huma.Operation{
		OperationID: "emergency-org-task", Method: http.MethodGet, Path: "/api/v1/emergency/org-tasks/{id}",
		Summary: "One task of the caller's departments, with its incident's basics", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *oneInput) (*oneOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		t, err := s.emergency.OrgTask(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &oneOutput{Body: emergencyOrgTaskOf(t, s.emergency.Now())}, nil
	})
}
