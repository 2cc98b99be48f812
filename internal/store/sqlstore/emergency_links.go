package sqlstore

import (
	"context"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Events linked to incidents (emergency_incident_events).

func (s *Store) LinkIncidentEvent(ctx context.Context, l *emergency.EventLink) (err error) {
	defer errs.Wrap(&err, "sqlstore.LinkIncidentEvent")
	_, err = s.db.Exec(ctx, `INSERT INTO emergency_incident_events (incident_id, event_id, event_number, category, region, linked_by, linked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, l.IncidentID, l.EventID, l.EventNumber, l.Category, l.Region, l.LinkedBy, l.LinkedAt.UTC())
	if db.IsUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Msg: "eventsui.already_linked", Err: err}
	}
	return err
}

const linkCols = `l.incident_id, i.title, i.state, l.event_id, l.event_number, l.category, l.region, l.linked_by, l.linked_at`

func (s *Store) IncidentEventLinks(ctx context.Context, incidentID ids.ID) (_ []emergency.EventLink, err error) {
	defer errs.Wrap(&err, "sqlstore.IncidentEventLinks")
	return s.links(ctx, `SELECT `+linkCols+` FROM emergency_incident_events l JOIN emergency_incidents i ON i.id = l.incident_id
		WHERE l.incident_id = ? ORDER BY l.linked_at, l.event_number`, incidentID)
}

func (s *Store) EventIncidentLinks(ctx context.Context, eventID ids.ID) (_ []emergency.EventLink, err error) {
	defer errs.Wrap(&err, "sqlstore.EventIncidentLinks")
	return s.links(ctx, `SELECT `+linkCols+` FROM emergency_incident_events l JOIN emergency_incidents i ON i.id = l.incident_id
		WHERE l.event_id = ? ORDER BY l.linked_at DESC`, eventID)
}

func (s *Store) links(ctx context.Context, query string, arg any) ([]emergency.EventLink, error) {
	rows, err := s.db.Query(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []emergency.EventLink
	for rows.Next() {
		var l emergency.EventLink
		if err := rows.Scan(&l.IncidentID, &l.IncidentTitle, &l.IncidentState, &l.EventID, &l.EventNumber, &l.Category, &l.Region,
			&l.LinkedBy, &l.LinkedAt); err != nil {
			return nil, err
		}
		l.LinkedAt = utc(l.LinkedAt)
		out = append(out, l)
	}
	return out, rows.Err()
}
