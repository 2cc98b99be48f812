package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

var _ emergency.Store = (*Store)(nil)

const incidentCols = `id, title, type, grade, region, address, lat, lon, summary, drill, state, commander, operations, planning,
	logistics, finance, source_alert, report, declared_by, declared_by_name, declared_at, updated_at, closed_by_name, closed_at, version`

func scanIncident(sc interface{ Scan(...any) error }) (*emergency.Incident, error) {
	var x emergency.Incident
	var src sql.NullString
	var closed sql.NullTime
	c := &x.Command
	if err := sc.Scan(&x.ID, &x.Title, &x.Type, &x.Grade, &x.Region, &x.Address, &x.Lat, &x.Lon, &x.Summary, &x.Drill,
		&x.State, &c.Commander, &c.Operations, &c.Planning, &c.Logistics, &c.Finance, &src, &x.Report, &x.DeclaredBy,
		&x.DeclaredByName, &x.DeclaredAt, &x.UpdatedAt, &x.ClosedByName, &closed, &x.Version); err != nil {
		return nil, err
	}
	x.SourceAlert, x.ClosedAt = ids.ID(src.String), timeOf(closed)
	x.DeclaredAt, x.UpdatedAt = utc(x.DeclaredAt), utc(x.UpdatedAt)
	return &x, nil
}

func (s *Store) CreateIncident(ctx context.Context, x *emergency.Incident) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateIncident")
	c := x.Command
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_incidents (`+incidentCols+`) VALUES (`+marks(25)+`)`,
		x.ID, x.Title, x.Type, x.Grade, x.Region, x.Address, x.Lat, x.Lon, x.Summary, x.Drill, x.State, c.Commander,
		c.Operations, c.Planning, c.Logistics, c.Finance, nullString(x.SourceAlert), x.Report, x.DeclaredBy, x.DeclaredByName,
		x.DeclaredAt.UTC(), x.UpdatedAt.UTC(), x.ClosedByName, nullTime(x.ClosedAt), x.Version)
	return err
}

func (s *Store) Incident(ctx context.Context, id ids.ID) (_ *emergency.Incident, err error) {
	defer errs.Wrap(&err, "sqlstore.Incident(%q)", id)
	x, err := scanIncident(s.db.QueryRow(ctx, `SELECT `+incidentCols+` FROM emergency_incidents WHERE id = ?`, id))
	return x, notFound(err, "emergency.incident")
}

func (s *Store) UpdateIncident(ctx context.Context, x *emergency.Incident) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateIncident(%q)", x.ID)
	c := x.Command
	// The version check makes concurrent changes safe: of two officers who
	// loaded version n, only the first update finds it.
	res, err := s.db.Exec(ctx, `UPDATE emergency_incidents SET grade = ?, state = ?, commander = ?, operations = ?,
		planning = ?, logistics = ?, finance = ?, report = ?, updated_at = ?, closed_by_name = ?, closed_at = ?, version = ?
		WHERE id = ? AND version = ?`, x.Grade, x.State, c.Commander, c.Operations, c.Planning, c.Logistics, c.Finance,
		x.Report, x.UpdatedAt.UTC(), x.ClosedByName, nullTime(x.ClosedAt), x.Version, x.ID, x.Version-1)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errs.E(errs.Conflict, "emergency.incident_changed")
	}
	return nil
}

func (s *Store) AlertIncidents(ctx context.Context, alertID ids.ID) (_ []emergency.Incident, err error) {
	defer errs.Wrap(&err, "sqlstore.AlertIncidents(%q)", alertID)
	rows, err := s.db.Query(ctx, `SELECT `+incidentCols+` FROM emergency_incidents WHERE source_alert = ? ORDER BY declared_at, id`, alertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Incident
	for rows.Next() {
		x, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

func (s *Store) Incidents(ctx context.Context, q emergency.Query) (_ []emergency.Incident, err error) {
	defer errs.Wrap(&err, "sqlstore.Incidents")
	cond, args := withinAny("region", q.Within)
	if len(q.States) > 0 {
		cond += ` AND state IN (` + marks(len(q.States)) + `)`
		for _, st := range q.States {
			args = append(args, st)
		}
	}
	args = append(args, q.Limit)
	rows, err := s.db.Query(ctx, `SELECT `+incidentCols+` FROM emergency_incidents WHERE `+cond+`
		ORDER BY CASE state WHEN 'closed' THEN 1 ELSE 0 END, declared_at DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Incident
	for rows.Next() {
		x, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

const emTaskCols = `t.id, t.incident_id, i.region, t.org_id, t.org_name, t.title, t.due, t.progress, t.note, t.state, t.by_name,
	t.created_at, t.updated_at, t.done_at, t.version`

func scanEmTask(sc interface{ Scan(...any) error }) (*emergency.Task, error) {
	var t emergency.Task
	var done sql.NullTime
	if err := sc.Scan(&t.ID, &t.IncidentID, &t.Region, &t.OrgID, &t.OrgName, &t.Title, &t.Due, &t.Progress, &t.Note,
		&t.State, &t.ByName, &t.CreatedAt, &t.UpdatedAt, &done, &t.Version); err != nil {
		return nil, err
	}
	t.Due, t.CreatedAt, t.UpdatedAt, t.DoneAt = utc(t.Due), utc(t.CreatedAt), utc(t.UpdatedAt), timeOf(done)
	return &t, nil
}

func (s *Store) CreateIncidentTask(ctx context.Context, t *emergency.Task) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateTask")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_tasks (id, incident_id, org_id, org_name, title, due, progress, note, state,
		by_name, created_at, updated_at, done_at, version) VALUES (`+marks(14)+`)`, t.ID, t.IncidentID, t.OrgID, t.OrgName,
		t.Title, t.Due.UTC(), t.Progress, t.Note, t.State, t.ByName, t.CreatedAt.UTC(), t.UpdatedAt.UTC(), nullTime(t.DoneAt), t.Version)
	return err
}

func (s *Store) IncidentTask(ctx context.Context, id ids.ID) (_ *emergency.Task, err error) {
	defer errs.Wrap(&err, "sqlstore.Task(%q)", id)
	t, err := scanEmTask(s.db.QueryRow(ctx, `SELECT `+emTaskCols+` FROM emergency_tasks t
		JOIN emergency_incidents i ON i.id = t.incident_id WHERE t.id = ?`, id))
	return t, notFound(err, "emergency.task")
}

func (s *Store) UpdateIncidentTask(ctx context.Context, t *emergency.Task) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateTask(%q)", t.ID)
	res, err := s.db.Exec(ctx, `UPDATE emergency_tasks SET progress = ?, note = ?, state = ?, updated_at = ?, done_at = ?,
		version = ? WHERE id = ? AND version = ?`, t.Progress, t.Note, t.State, t.UpdatedAt.UTC(), nullTime(t.DoneAt),
		t.Version, t.ID, t.Version-1)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errs.E(errs.Conflict, "emergency.task_changed")
	}
	return nil
}

func (s *Store) IncidentTasks(ctx context.Context, incidentID ids.ID) (_ []emergency.Task, err error) {
	defer errs.Wrap(&err, "sqlstore.Tasks(%q)", incidentID)
	rows, err := s.db.Query(ctx, `SELECT `+emTaskCols+` FROM emergency_tasks t JOIN emergency_incidents i ON i.id = t.incident_id
		WHERE t.incident_id = ? ORDER BY CASE t.state WHEN 'open' THEN 0 ELSE 1 END, t.due, t.id`, incidentID)
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

const emResourceCols = `id, kind, name, region, address, lat, lon, quantity, unit, created_at`

func scanEmResource(sc interface{ Scan(...any) error }) (*emergency.Resource, error) {
	var r emergency.Resource
	if err := sc.Scan(&r.ID, &r.Kind, &r.Name, &r.Region, &r.Address, &r.Lat, &r.Lon, &r.Quantity, &r.Unit, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt = utc(r.CreatedAt)
	return &r, nil
}

func (s *Store) CreateEmergencyResource(ctx context.Context, r *emergency.Resource) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateResource")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_resources (`+emResourceCols+`) VALUES (`+marks(10)+`)`, r.ID, r.Kind,
		r.Name, r.Region, r.Address, r.Lat, r.Lon, r.Quantity, r.Unit, r.CreatedAt.UTC())
	return err
}

func (s *Store) EmergencyResource(ctx context.Context, id ids.ID) (_ *emergency.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.Resource(%q)", id)
	r, err := scanEmResource(s.db.QueryRow(ctx, `SELECT `+emResourceCols+` FROM emergency_resources WHERE id = ?`, id))
	return r, notFound(err, "emergency.resource")
}

func (s *Store) EmergencyResources(ctx context.Context, within []region.Code) (_ []emergency.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.Resources")
	cond, args := withinAny("region", within)
	rows, err := s.db.Query(ctx, `SELECT `+emResourceCols+` FROM emergency_resources WHERE `+cond+` ORDER BY kind, name, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Resource
	for rows.Next() {
		r, err := scanEmResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *Store) ResourceDeployed(ctx context.Context, resourceID ids.ID) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.Deployed(%q)", resourceID)
	err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(d.quantity), 0) FROM emergency_deployments d
		JOIN emergency_incidents i ON i.id = d.incident_id WHERE d.resource_id = ? AND i.state <> 'closed'`, resourceID).Scan(&n)
	return n, err
}

func (s *Store) CreateDeployment(ctx context.Context, d *emergency.Deployment) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateDeployment")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_deployments (id, incident_id, resource_id, quantity, note, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, d.IncidentID, d.ResourceID, d.Quantity, d.Note, d.ByName, d.At.UTC())
	return err
}

func (s *Store) IncidentDeployments(ctx context.Context, incidentID ids.ID) (_ []emergency.Deployment, err error) {
	defer errs.Wrap(&err, "sqlstore.Deployments(%q)", incidentID)
	rows, err := s.db.Query(ctx, `SELECT d.id, d.incident_id, d.resource_id, r.name, r.kind, r.lat, r.lon, d.quantity, r.unit,
		d.note, d.by_name, d.at FROM emergency_deployments d JOIN emergency_resources r ON r.id = d.resource_id
		WHERE d.incident_id = ? ORDER BY d.at, d.id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Deployment
	for rows.Next() {
		var d emergency.Deployment
		if err := rows.Scan(&d.ID, &d.IncidentID, &d.ResourceID, &d.ResourceName, &d.Kind, &d.Lat, &d.Lon, &d.Quantity,
			&d.Unit, &d.Note, &d.ByName, &d.At); err != nil {
			return nil, err
		}
		d.At = utc(d.At)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Store) AddIncidentEntry(ctx context.Context, e *emergency.Entry) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddEntry")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_entries (id, incident_id, kind, text, by_name, at) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.IncidentID, e.Kind, e.Text, e.ByName, e.At.UTC())
	return err
}

func (s *Store) IncidentEntries(ctx context.Context, incidentID ids.ID) (_ []emergency.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.Entries(%q)", incidentID)
	rows, err := s.db.Query(ctx, `SELECT id, incident_id, kind, text, by_name, at FROM emergency_entries
		WHERE incident_id = ? ORDER BY at DESC, id DESC`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Entry
	for rows.Next() {
		var e emergency.Entry
		if err := rows.Scan(&e.ID, &e.IncidentID, &e.Kind, &e.Text, &e.ByName, &e.At); err != nil {
			return nil, err
		}
		e.At = utc(e.At)
		out = append(out, e)
	}
	return out, rows.Err()
}

const publicAlertCols = `id, incident_id, sender, sent, status, msg_type, refs, state, type, grade, region, area_desc, event,
	response_type, headline, description, instruction, headline_en, description_en, instruction_en, sender_name, expires`

func scanEmergencyAlert(sc interface{ Scan(...any) error }) (*emergency.Alert, error) {
	var a emergency.Alert
	if err := sc.Scan(&a.ID, &a.IncidentID, &a.Sender, &a.Sent, &a.Status, &a.MsgType, &a.References, &a.State, &a.Type,
		&a.Grade, &a.Region, &a.AreaDesc, &a.Event, &a.ResponseType, &a.Headline, &a.Description, &a.Instruction,
		&a.HeadlineEn, &a.DescriptionEn, &a.InstructionEn, &a.SenderName, &a.Expires); err != nil {
		return nil, err
	}
	a.Sent, a.Expires = utc(a.Sent), utc(a.Expires)
	return &a, nil
}

func (s *Store) CreatePublicAlert(ctx context.Context, a *emergency.Alert) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateAlert")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_alerts (`+publicAlertCols+`) VALUES (`+marks(22)+`)`, a.ID, a.IncidentID,
		a.Sender, a.Sent.UTC(), a.Status, a.MsgType, a.References, a.State, a.Type, a.Grade, a.Region, a.AreaDesc, a.Event,
		a.ResponseType, a.Headline, a.Description, a.Instruction, a.HeadlineEn, a.DescriptionEn, a.InstructionEn,
		a.SenderName, a.Expires.UTC())
	return err
}

func (s *Store) ReplacePublicAlert(ctx context.Context, id ids.ID) (err error) {
	defer errs.Wrap(&err, "sqlstore.ReplaceAlert(%q)", id)
	res, err := s.db.Exec(ctx, `UPDATE emergency_alerts SET state = 'replaced' WHERE id = ? AND state = 'current'`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errs.E(errs.Conflict, "emergency.incident_changed")
	}
	return nil
}

func (s *Store) PublicAlert(ctx context.Context, id ids.ID) (_ *emergency.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.Alert(%q)", id)
	a, err := scanEmergencyAlert(s.db.QueryRow(ctx, `SELECT `+publicAlertCols+` FROM emergency_alerts WHERE id = ?`, id))
	return a, notFound(err, "emergency.alert")
}

func (s *Store) alerts(ctx context.Context, q string, args ...any) ([]emergency.Alert, error) {
	rows, err := s.db.Query(ctx, `SELECT `+publicAlertCols+` FROM emergency_alerts WHERE `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.Alert
	for rows.Next() {
		a, err := scanEmergencyAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

func (s *Store) IncidentAlerts(ctx context.Context, incidentID ids.ID) (_ []emergency.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.IncidentAlerts(%q)", incidentID)
	return s.alerts(ctx, `incident_id = ? ORDER BY sent, id`, incidentID)
}

func (s *Store) CurrentPublicAlerts(ctx context.Context, now time.Time, limit int) (_ []emergency.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.CurrentAlerts")
	return s.alerts(ctx, `state = 'current' AND expires > ? ORDER BY sent DESC, id DESC LIMIT ?`, now.UTC(), limit)
}
