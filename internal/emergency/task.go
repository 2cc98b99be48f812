package emergency

import (
	"context"
	"fmt"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// TaskInput is a task to give a department: a deadline in Hours, or in
// Workdays on the working-day clock (exactly one of them).
type TaskInput struct {
	OrgID    ids.ID
	Title    string
	Hours    int // 1 to 720
	Workdays int // 1 to 60
}

// Departments lists the bodies a task of inc may go to: those whose region
// covers the incident's or lies within it.
func (s *Service) Departments(ctx context.Context, inc *Incident) ([]identity.Organization, error) {
	all, err := s.dir.Organizations(ctx)
	if err != nil {
		return nil, err
	}
	var out []identity.Organization
	for _, o := range all {
		if region.Within(inc.Region, o.Region) || region.Within(o.Region, inc.Region) {
			out = append(out, o)
		}
	}
	return out, nil
}

// AddTask gives a department a task with a deadline and publishes
// emergency.task_assigned. Needs event.command over the incident's region.
//
// Returns errs.Invalid with every bad field (unknown department, no title,
// no or two deadlines), errs.Conflict if the incident is closed,
// errs.NotFound outside by's scope.
func (s *Service) AddTask(ctx context.Context, by *identity.Caller, incidentID ids.ID, in TaskInput) (*Task, error) {
	in.Title = clean(in.Title)
	bad := map[string]string{}
	checkText(bad, "title", in.Title, true, MaxText)
	switch {
	case in.Hours == 0 && in.Workdays == 0, in.Hours != 0 && in.Workdays != 0:
		bad["deadline"] = "emergency.deadline_required"
	case in.Hours < 0 || in.Hours > 720:
		bad["deadline"] = "emergency.deadline_hours"
	case in.Workdays < 0 || in.Workdays > 60:
		bad["deadline"] = "emergency.deadline_workdays"
	}
	var org *identity.Organization
	if in.OrgID == "" {
		bad["org"] = "form.required"
	} else if o, err := s.dir.Organization(ctx, in.OrgID); errs.Is(err, errs.NotFound) {
		bad["org"] = "emergency.org_unknown"
	} else if err != nil {
		return nil, err
	} else {
		org = o
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	var t *Task
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		inc, err := s.command(ctx, by, incidentID, 0)
		if err != nil {
			return err
		}
		// A task goes to a body of the incident's area: one whose region
		// covers it or lies within it, as the page offers.
		if !region.Within(inc.Region, org.Region) && !region.Within(org.Region, inc.Region) {
			return errs.Fields(map[string]string{"org": "emergency.org_unknown"})
		}
		now := s.clock()
		due := now.Add(time.Duration(in.Hours) * time.Hour)
		if in.Workdays > 0 {
			due = s.cal.AddWorkdays(now, in.Workdays).UTC().Truncate(time.Microsecond)
		}
		t = &Task{ID: ids.New(), IncidentID: inc.ID, Region: inc.Region, OrgID: org.ID, OrgName: org.Name, Title: in.Title,
			Due: due, State: TaskOpen, ByName: by.Name, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.store.CreateIncidentTask(ctx, t); err != nil {
			return err
		}
		if err := s.entry(ctx, by, inc.ID, "task", org.Name+": "+t.Title, now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "emergency.task_assigned", target(inc),
			map[string]any{"task": t.ID, "org": org.ID, "due": t.Due}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "emergency.task_assigned", taskEvent(t), now)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func taskEvent(t *Task) map[string]any {
	return map[string]any{"id": t.ID, "incident_id": t.IncidentID, "org": t.OrgID, "title": t.Title, "due": t.Due,
		"progress": t.Progress, "state": t.State, "region": t.Region}
}

// Progress records a task's progress (percent, 0–100; 100 completes it)
// with a note, if it is still at version. Needs event.command over the
// incident's region, or event.handle at the task's department over it.
//
// Returns errs.Invalid for a bad percentage or note, errs.Conflict if the
// task is done ("emergency.task_done"), changed since version
// ("emergency.task_changed") or its incident is closed, errs.NotFound
// outside by's scope.
func (s *Service) Progress(ctx context.Context, by *identity.Caller, taskID ids.ID, version, percent int, note string) (*Task, error) {
	note = clean(note)
	bad := map[string]string{}
	if percent < 0 || percent > 100 {
		bad["progress"] = "emergency.progress_range"
	}
	checkText(bad, "note", note, false, MaxText)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	var t *Task
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.store.IncidentTask(ctx, taskID); err != nil {
			return err
		}
		inc, err := s.taskIncident(ctx, by, t) // the department's staff or a commander (orgtasks.go)
		if err != nil {
			return err
		}
		if t.State == TaskDone {
			return errs.E(errs.Conflict, "emergency.task_done")
		}
		if version != 0 && t.Version != version {
			return errs.E(errs.Conflict, "emergency.task_changed")
		}
		now := s.clock()
		t.Progress, t.Note, t.UpdatedAt = percent, note, now
		t.Version++
		kind := "task_progress"
		if percent == 100 {
			t.State, t.DoneAt, kind = TaskDone, now, "task_done"
		}
		if err := s.store.UpdateIncidentTask(ctx, t); err != nil {
			return err
		}
		if err := s.entry(ctx, by, inc.ID, kind, fmt.Sprintf("%s: %s %d%% %s", t.OrgName, t.Title, percent, note), now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "emergency."+kind, target(inc),
			map[string]any{"task": t.ID, "progress": percent, "overdue": now.After(t.Due)}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "emergency."+kind, taskEvent(t), now)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
