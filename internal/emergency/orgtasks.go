package emergency

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Tasks reach the departments they are given to. The staff of a
// department who handle its work (event.handle at that organisation, over
// the incident's region) see their department's tasks, read each with the
// incident's public basics, and record progress on it or complete it;
// they are told when a task is given and when one is overdue.

// IncidentBasics is what a department reads of the incident a task is
// for: no command structure, resources or timeline.
type IncidentBasics struct {
	ID      ids.ID      `json:"id"`
	Title   string      `json:"title"`
	Type    Type        `json:"type"`
	Grade   Grade       `json:"grade"`
	Region  region.Code `json:"region"`
	Address string      `json:"address"`
	Summary string      `json:"summary"`
	Drill   bool        `json:"drill"`
	State   State       `json:"state"`
}

// OrgTask is a department's task with its incident.
type OrgTask struct {
	Task
	Incident IncidentBasics `json:"incident"`
}

// TaskStaff is one grant at an organisation, with its holder.
type TaskStaff struct {
	UserID ids.ID
	Grant  identity.Grant
}

// Outbox topics of tasks that notify the department.
const (
	TopicTaskAssigned = "emergency.task_assigned"
	TopicTaskOverdue  = "emergency.task_overdue"
)

// TaskNoticeTopics are the topics TaskNoticeOf answers.
var TaskNoticeTopics = []string{TopicTaskAssigned, TopicTaskOverdue}

// taskOrgs are the organisations whose tasks by handles: the bodies of
// its event.handle grants.
func taskOrgs(by *identity.Caller) []ids.ID {
	var out []ids.ID
	for _, g := range by.Grants {
		if g.OrgID != "" && g.Role.Allows(identity.PermEventHandle) {
			out = append(out, g.OrgID)
		}
	}
	return out
}

// inTaskTeam reports whether by handles t's department's work over t's
// region.
func inTaskTeam(by *identity.Caller, t *Task) bool {
	for _, g := range by.Grants {
		if g.OrgID == t.OrgID && g.Role.Allows(identity.PermEventHandle) && region.Within(t.Region, g.Scope) {
			return true
		}
	}
	return false
}

func basicsOf(inc *Incident) IncidentBasics {
	return IncidentBasics{ID: inc.ID, Title: inc.Title, Type: inc.Type, Grade: inc.Grade, Region: inc.Region,
		Address: inc.Address, Summary: inc.Summary, Drill: inc.Drill, State: inc.State}
}

// MaxOrgTasks bounds a department's task list.
const MaxOrgTasks = 200

// OrgTasks lists the tasks of by's departments, open ones first (earliest
// due first), then up to MaxOrgTasks done ones when all is set.
func (s *Service) OrgTasks(ctx context.Context, by *identity.Caller, all bool) ([]OrgTask, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	orgs := taskOrgs(by)
	if len(orgs) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	list, err := s.store.OrgIncidentTasks(ctx, orgs, all, MaxOrgTasks)
	if err != nil {
		return nil, err
	}
	incs := map[ids.ID]*Incident{}
	var out []OrgTask
	for i := range list {
		t := &list[i]
		if !inTaskTeam(by, t) {
			continue
		}
		inc, ok := incs[t.IncidentID]
		if !ok {
			if inc, err = s.store.Incident(ctx, t.IncidentID); err != nil {
				return nil, err
			}
			incs[t.IncidentID] = inc
		}
		out = append(out, OrgTask{Task: *t, Incident: basicsOf(inc)})
	}
	return out, nil
}

// OrgTask returns a task to its department's staff (and to those who
// may read its incident); errs.NotFound for everyone else.
func (s *Service) OrgTask(ctx context.Context, by *identity.Caller, id ids.ID) (*OrgTask, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "emergency.task.not_found")
	}
	t, err := s.store.IncidentTask(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inTaskTeam(by, t) && !canRead(by, t.Region) {
		return nil, errs.E(errs.NotFound, "emergency.task.not_found")
	}
	inc, err := s.store.Incident(ctx, t.IncidentID)
	if err != nil {
		return nil, err
	}
	return &OrgTask{Task: *t, Incident: basicsOf(inc)}, nil
}

// taskIncident is the incident of t if by may record progress on t: its
// department's staff, or a commander over its region. The incident must
// not be closed.
func (s *Service) taskIncident(ctx context.Context, by *identity.Caller, t *Task) (*Incident, error) {
	if inTaskTeam(by, t) {
		inc, err := s.store.Incident(ctx, t.IncidentID)
		if err != nil {
			return nil, err
		}
		if inc.State == Closed {
			return nil, errs.E(errs.Conflict, "emergency.closed")
		}
		return inc, nil
	}
	if identity.Authorize(by, identity.PermEventCommand, t.Region) != nil {
		return nil, errs.E(errs.NotFound, "emergency.task.not_found")
	}
	return s.command(ctx, by, t.IncidentID, 0)
}

// RunOverdueTasks finds open tasks past their deadline that nobody was
// told of yet, marks them told and publishes emergency.task_overdue for
// each (its department is told, TaskNoticeOf), up to limit in one
// transaction. It returns how many it found.
func (s *Service) RunOverdueTasks(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		now := s.clock()
		list, err := s.store.ClaimOverdueTasks(ctx, now, limit)
		if err != nil {
			return err
		}
		n = len(list)
		for i := range list {
			if err := s.store.AddOutbox(ctx, TopicTaskOverdue, taskEvent(&list[i]), now); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// TaskNoticeOf reads the outbox event of a task and returns whom to tell:
// the staff of its department who handle its work over the incident's
// region. Other topics, and tasks done since, concern nobody.
func (s *Service) TaskNoticeOf(ctx context.Context, topic string, payload []byte) ([]notify.Notice, error) {
	var p struct {
		ID ids.ID `json:"id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.ID == "" {
		return nil, fmt.Errorf("emergency: payload of %s: %v", topic, err)
	}
	stem := ""
	switch topic {
	case TopicTaskAssigned:
		stem = "notify.emtask.assigned"
	case TopicTaskOverdue:
		stem = "notify.emtask.overdue"
	default:
		return nil, nil
	}
	t, err := s.store.IncidentTask(ctx, p.ID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if t.State == TaskDone {
		return nil, nil
	}
	inc, err := s.store.Incident(ctx, t.IncidentID)
	if err != nil {
		return nil, err
	}
	staff, err := s.store.TaskStaff(ctx, t.OrgID)
	if err != nil {
		return nil, err
	}
	seen := map[ids.ID]bool{}
	var users []ids.ID
	for _, g := range staff {
		if g.Grant.Role.Allows(identity.PermEventHandle) && region.Within(t.Region, g.Grant.Scope) && !seen[g.UserID] {
			seen[g.UserID] = true
			users = append(users, g.UserID)
		}
	}
	if len(users) == 0 {
		return nil, nil
	}
	due := t.Due.In(shanghai).Format("2006-01-02 15:04")
	return []notify.Notice{{Users: users, Stem: stem, Args: []string{t.Title, inc.Title, due},
		Link: "/workbench/emergency-tasks/" + url.PathEscape(string(t.ID))}}, nil
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()
