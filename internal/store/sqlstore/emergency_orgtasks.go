package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// OrgIncidentTasks reads through emergency_tasks_org (migration 00040).
func (s *Store) OrgIncidentTasks(ctx context.Context, orgs []ids.ID, done bool, limit int) (_ []emergency.Task, err error) {
	defer errs.Wrap(&err, "sqlstore.OrgIncidentTasks")
	if len(orgs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(orgs)+1)
	for _, o := range orgs {
		args = append(args, o)
	}
	states := `t.state = 'open'`
	if done {
		states = `t.state IN ('open', 'done')`
	}
	args = append(args, limit)
	rows, err := s.db.Query(ctx, `SELECT `+emTaskCols+` FROM emergency_tasks t JOIN emergency_incidents i ON i.id = t.incident_id
		WHERE t.org_id IN (`+marks(len(orgs))+`) AND `+states+`
		ORDER BY CASE t.state WHEN 'open' THEN 0 ELSE 1 END, CASE t.state WHEN 'open' THEN t.due ELSE t.done_at END, t.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Task
	for rows.Next() {
		t, err := scanEmTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

func (s *Store) ClaimOverdueTasks(ctx context.Context, now time.Time, limit int) (_ []emergency.Task, err error) {
	defer errs.Wrap(&err, "sqlstore.ClaimOverdueTasks")
	rows, err := s.db.Query(ctx, `SELECT `+emTaskCols+` FROM emergency_tasks t JOIN emergency_incidents i ON i.id = t.incident_id
		WHERE t.state = 'open' AND t.due < ? AND t.overdue_noticed_at IS NULL AND i.state <> 'closed' ORDER BY t.due, t.id LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, err
	}
	var found []emergency.Task
	for rows.Next() {
		t, err := scanEmTask(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, *t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []emergency.Task
	for _, t := range found {
		// Another instance may have claimed it meanwhile: only the one
		// whose update finds it unmarked tells the department.
		res, err := s.db.Exec(ctx, `UPDATE emergency_tasks SET overdue_noticed_at = ? WHERE id = ? AND overdue_noticed_at IS NULL`, now.UTC(), t.ID)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Store) TaskStaff(ctx context.Context, org ids.ID) (_ []emergency.TaskStaff, err error) {
	defer errs.Wrap(&err, "sqlstore.TaskStaff(%q)", org)
	rows, err := s.db.Query(ctx, `SELECT user_id, role, org_id, region_code FROM grants WHERE org_id = ? ORDER BY user_id, role`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.TaskStaff
	for rows.Next() {
		var g emergency.TaskStaff
		var scope string
		if err := rows.Scan(&g.UserID, &g.Grant.Role, &g.Grant.OrgID, &scope); err != nil {
			return nil, err
		}
		g.Grant.Scope = region.Code(scope)
		out = append(out, g)
	}
	return out, rows.Err()
}
