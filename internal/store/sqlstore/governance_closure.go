package sqlstore

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// EventClosure counts the events reported within region since since and
// those of them closed, on the creation-time index (like EventSummary's
// count of today's events, with the region as an expression).
func (s *Store) EventClosure(ctx context.Context, in region.Code, since time.Time) (reported, closed int, err error) {
	defer errs.Wrap(&err, "sqlstore.EventClosure(%q)", in)
	byTime, args := within("(region || '')", string(in))
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), 0)
		FROM gov_events WHERE created_at >= ? AND `+byTime, append([]any{since.UTC()}, args...)...).Scan(&reported, &closed)
	return reported, closed, err
}
