package sqlstore

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// EventStaff reads the grants at the bodies and scopes an event step
// concerns, through the indexes on grants(org_id) and grants(region_code)
// (migration 00032).
func (s *Store) EventStaff(ctx context.Context, orgs []ids.ID, scopes []region.Code) (_ []governance.StaffGrant, err error) {
	defer errs.Wrap(&err, "sqlstore.EventStaff")
	var cond []string
	var args []any
	if len(orgs) > 0 {
		cond = append(cond, "org_id IN ("+marks(len(orgs))+")")
		for _, o := range orgs {
			args = append(args, o)
		}
	}
	if len(scopes) > 0 {
		cond = append(cond, "region_code IN ("+marks(len(scopes))+")")
		for _, c := range scopes {
			args = append(args, c)
		}
	}
	if len(cond) == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT user_id, role, org_id, region_code FROM grants WHERE `+strings.Join(cond, " OR ")+
		` ORDER BY user_id, role`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []governance.StaffGrant
	for rows.Next() {
		var g governance.StaffGrant
		var scope string
		if err := rows.Scan(&g.UserID, &g.Grant.Role, &g.Grant.OrgID, &scope); err != nil {
			return nil, err
		}
		g.Grant.Scope = region.Code(scope)
		out = append(out, g)
	}
	return out, rows.Err()
}

// callbacksDueCond selects the hotline's call-backs due; it is the
// predicate of the partial index gov_events_callbacks (migration 00032),
// written the same so that both engines use it.
const callbacksDueCond = `state = 'closed' AND source = 'hotline' AND rated_at IS NULL`

func (s *Store) EventByExternalID(ctx context.Context, source governance.Source, externalID string) (_ *governance.Event, err error) {
	defer errs.Wrap(&err, "sqlstore.EventByExternalID(%s, %q)", source, externalID)
	e, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+` FROM gov_events WHERE source = ? AND external_id = ? AND external_id <> ''`,
		source, externalID))
	if err != nil {
		return nil, notFound(err, "event")
	}
	return e, nil
}
