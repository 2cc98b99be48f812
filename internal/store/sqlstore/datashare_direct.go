package sqlstore

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

func (s *Store) GrantCalls(ctx context.Context, grantIDs []ids.ID) (_ map[ids.ID]datashare.CallCount, err error) {
	defer errs.Wrap(&err, "sqlstore.GrantCalls")
	out := map[ids.ID]datashare.CallCount{}
	args := make([]any, len(grantIDs))
	for i, id := range grantIDs {
		args[i] = id
	}
	rows, err := s.db.Query(ctx, `SELECT grant_id, outcome = 'ok', COUNT(*), COALESCE(SUM(rows_served), 0)
		FROM datashare_exchange_log WHERE grant_id IN (?`+strings.Repeat(", ?", len(grantIDs)-1)+`)
		GROUP BY grant_id, outcome = 'ok'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id ids.ID
		var ok bool
		var n, served int64
		if err := rows.Scan(&id, &ok, &n, &served); err != nil {
			return nil, err
		}
		c := out[id]
		if ok {
			c.Served, c.Rows = c.Served+n, c.Rows+served
		} else {
			c.Refused += n
		}
		out[id] = c
	}
	return out, rows.Err()
}
