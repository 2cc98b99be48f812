package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"

	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

var _ sensing.Store = (*Store)(nil)

func (s *Store) CreateStation(ctx context.Context, st *sensing.Station) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateStation(%q)", st.Code)
	metrics, err := json.Marshal(nonNil(st.Metrics))
	if err != nil {
		return err
	}
	if st.ChangedAt.IsZero() {
		st.ChangedAt = st.CreatedAt
	}
	err = s.db.QueryRow(ctx, `INSERT INTO sensing_stations (code, name, region, lat, lon, metrics, created_at, changed_at, disabled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, st.Code, st.Name, st.Region, st.Lat, st.Lon, string(metrics), st.CreatedAt.UTC(),
		st.ChangedAt.UTC(), st.Disabled).Scan(&st.ID)
	return conflict(err, "sensing.station")
}

const stationCols = `id, code, name, region, lat, lon, metrics, created_at, changed_at, disabled`

func scanStation(sc interface{ Scan(...any) error }) (*sensing.Station, error) {
	var st sensing.Station
	var metrics string
	var changed sql.NullTime
	if err := sc.Scan(&st.ID, &st.Code, &st.Name, &st.Region, &st.Lat, &st.Lon, &metrics, &st.CreatedAt, &changed, &st.Disabled); err != nil {
		return nil, err
	}
	st.ChangedAt = timeOf(changed)
	if err := json.Unmarshal([]byte(metrics), &st.Metrics); err != nil {
		return nil, err
	}
	if len(st.Metrics) == 0 {
		st.Metrics = nil
	}
	st.CreatedAt = utc(st.CreatedAt)
	return &st, nil
}

func (s *Store) StationByCode(ctx context.Context, code string) (_ *sensing.Station, err error) {
	defer errs.Wrap(&err, "sqlstore.StationByCode(%q)", code)
	st, err := scanStation(s.db.QueryRow(ctx, `SELECT `+stationCols+` FROM sensing_stations WHERE code = ?`, code))
	return st, notFound(err, "sensing.station")
}

// withinAny is "col lies within one of scopes" as OR-ed ranges; false for
// no scope.
func withinAny(col string, scopes []region.Code) (string, []any) {
	if len(scopes) == 0 {
		return "1 = 0", nil
	}
	conds := make([]string, len(scopes))
	var args []any
	for i, sc := range scopes {
		c, a := within(col, string(sc))
		conds[i], args = c, append(args, a...)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func (s *Store) Stations(ctx context.Context, scopes []region.Code) (_ []sensing.Station, err error) {
	defer errs.Wrap(&err, "sqlstore.Stations")
	cond, args := withinAny("region", scopes)
	rows, err := s.db.Query(ctx, `SELECT `+stationCols+` FROM sensing_stations WHERE `+cond+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sensing.Station
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// values is "(?, ?, …), (?, ?, …)…": n rows of k placeholders.
func values(n, k int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", k), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// stmtCache holds statement texts built from a prefix and a row count, so
// that a hot path does not build kilobytes of placeholders per statement
// (chunks gives few distinct counts).
type stmtCache struct{ m sync.Map }

func (c *stmtCache) get(n int, build func(n int) string) string {
	if q, ok := c.m.Load(n); ok {
		return q.(string)
	}
	q := build(n)
	c.m.Store(n, q)
	return q
}

var readingInserts stmtCache

// chunks splits n rows into statement sizes: full chunks of size, then the
// rest in powers of two, so that few distinct statements are prepared.
func chunks(n, size int) []int {
	var out []int
	for ; n >= size; n -= size {
		out = append(out, size)
	}
	for p := size / 2; p > 0; p /= 2 {
		if n >= p {
			out = append(out, p)
			n -= p
		}
	}
	return out
}

const readingChunk = 256 // rows per INSERT: 1,024 parameters

func (s *Store) InsertReadings(ctx context.Context, rs []sensing.Reading) (dups []int, err error) {
	defer errs.Wrap(&err, "sqlstore.InsertReadings(%d)", len(rs))
	off := 0
	args := make([]any, 0, 4*readingChunk)
	for _, n := range chunks(len(rs), readingChunk) {
		part := rs[off : off+n]
		args = args[:0]
		for _, r := range part {
			args = append(args, r.StationID, r.MetricID, r.At, r.Value)
		}
		d, err := s.insertReadings(ctx, part, args)
		if err != nil {
			return nil, err
		}
		for _, i := range d {
			dups = append(dups, off+i)
		}
		off += n
	}
	return dups, nil
}

// insertReadings stores one chunk. SQLite: a plain multi-row INSERT, the
// fast path; a key conflict fails that one statement only (and changes
// nothing), and the chunk goes again row by row to find the duplicates.
// PostgreSQL: a failed statement would poison the transaction, so the
// INSERT skips conflicts and returns the keys it stored.
func (s *Store) insertReadings(ctx context.Context, part []sensing.Reading, args []any) ([]int, error) {
	q := readingInserts.get(len(part), func(n int) string {
		return `INSERT INTO sensing_readings (station_id, metric_id, ts, value) VALUES ` + values(n, 4)
	})
	if s.db.Dialect == db.Postgres {
		rows, err := s.db.Query(ctx, q+` ON CONFLICT DO NOTHING RETURNING station_id, metric_id, ts`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		type key struct {
			st int64
			m  int
			at int64
		}
		stored := map[key]bool{}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.st, &k.m, &k.at); err != nil {
				return nil, err
			}
			stored[k] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(stored) == len(part) {
			return nil, nil
		}
		var dups []int
		for i, r := range part {
			k := key{r.StationID, r.MetricID, r.At}
			if stored[k] {
				delete(stored, k) // a second copy in the same chunk is a duplicate
			} else {
				dups = append(dups, i)
			}
		}
		return dups, nil
	}
	_, err := s.db.Exec(ctx, q, args...)
	if err == nil || !db.IsUniqueViolation(err) {
		return nil, err
	}
	var dups []int
	for i, r := range part {
		res, err := s.db.Exec(ctx, `INSERT INTO sensing_readings (station_id, metric_id, ts, value) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, r.StationID, r.MetricID, r.At, r.Value)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			dups = append(dups, i)
		}
	}
	return dups, nil
}

func (s *Store) EarliestReading(ctx context.Context, stationID int64, metricID int, from, before int64) (_ sensing.Reading, _ bool, err error) {
	defer errs.Wrap(&err, "sqlstore.EarliestReading")
	r := sensing.Reading{StationID: stationID, MetricID: metricID}
	err = s.db.QueryRow(ctx, `SELECT ts, value FROM sensing_readings WHERE station_id = ? AND metric_id = ? AND ts >= ? AND ts < ?
		ORDER BY ts LIMIT 1`, stationID, metricID, from, before).Scan(&r.At, &r.Value)
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	return r, err == nil, err
}

func (s *Store) Readings(ctx context.Context, stationID int64, metricID int, from, to int64, limit int) (_ []sensing.Reading, err error) {
	defer errs.Wrap(&err, "sqlstore.Readings")
	rows, err := s.db.Query(ctx, `SELECT ts, value FROM sensing_readings WHERE station_id = ? AND metric_id = ? AND ts >= ? AND ts < ?
		ORDER BY ts LIMIT ?`, stationID, metricID, from, to, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []sensing.Reading{}
	for rows.Next() {
		r := sensing.Reading{StationID: stationID, MetricID: metricID}
		if err := rows.Scan(&r.At, &r.Value); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const ruleCols = `id, metric, scope, kind, blue, yellow, orange, red, window_s, enabled, updated_at`

func scanRule(sc interface{ Scan(...any) error }) (*sensing.Rule, error) {
	var r sensing.Rule
	l := &r.Levels
	if err := sc.Scan(&r.ID, &r.Metric, &r.Scope, &r.Kind, &l[0], &l[1], &l[2], &l[3], &r.Window, &r.Enabled, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.UpdatedAt = utc(r.UpdatedAt)
	return &r, nil
}

func (s *Store) Rules(ctx context.Context) (_ []sensing.Rule, err error) {
	defer errs.Wrap(&err, "sqlstore.Rules")
	rows, err := s.db.Query(ctx, `SELECT `+ruleCols+` FROM sensing_rules ORDER BY metric, scope, kind, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sensing.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *Store) Rule(ctx context.Context, id ids.ID) (_ *sensing.Rule, err error) {
	defer errs.Wrap(&err, "sqlstore.Rule(%q)", id)
	r, err := scanRule(s.db.QueryRow(ctx, `SELECT `+ruleCols+` FROM sensing_rules WHERE id = ?`, id))
	return r, notFound(err, "sensing.rule")
}

func (s *Store) saveRule(ctx context.Context, r *sensing.Rule, onConflict string) error {
	l := r.Levels
	_, err := s.db.Exec(ctx, `INSERT INTO sensing_rules (`+ruleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) `+onConflict,
		r.ID, r.Metric, r.Scope, r.Kind, l[0], l[1], l[2], l[3], r.Window, r.Enabled, r.UpdatedAt.UTC())
	return err
}

func (s *Store) SaveRule(ctx context.Context, r *sensing.Rule) (err error) {
	defer errs.Wrap(&err, "sqlstore.SaveRule(%q)", r.ID)
	return s.saveRule(ctx, r, `ON CONFLICT (id) DO UPDATE SET metric = excluded.metric, scope = excluded.scope,
		kind = excluded.kind, blue = excluded.blue, yellow = excluded.yellow, orange = excluded.orange, red = excluded.red,
		window_s = excluded.window_s, enabled = excluded.enabled, updated_at = excluded.updated_at`)
}

func (s *Store) SeedRule(ctx context.Context, r *sensing.Rule) (err error) {
	defer errs.Wrap(&err, "sqlstore.SeedRule(%q)", r.ID)
	return s.saveRule(ctx, r, `ON CONFLICT (id) DO NOTHING`)
}

const alertCols = `id, rule_id, kind, station_id, station, station_name, metric, region, level, value, threshold, reading_at,
	state, raised_at, updated_at, ack_by, ack_at, closed_by, closed_at, note, version`

func scanAlert(sc interface{ Scan(...any) error }) (*sensing.Alert, error) {
	var a sensing.Alert
	var ack, closed sql.NullTime
	if err := sc.Scan(&a.ID, &a.RuleID, &a.Kind, &a.StationID, &a.Station, &a.StationName, &a.Metric, &a.Region, &a.Level,
		&a.Value, &a.Threshold, &a.ReadingAt, &a.State, &a.RaisedAt, &a.UpdatedAt, &a.AckBy, &ack, &a.ClosedBy, &closed,
		&a.Note, &a.Version); err != nil {
		return nil, err
	}
	a.RaisedAt, a.UpdatedAt = utc(a.RaisedAt), utc(a.UpdatedAt)
	if ack.Valid {
		a.AckAt = utc(ack.Time)
	}
	if closed.Valid {
		a.ClosedAt = utc(closed.Time)
	}
	return &a, nil
}

func (s *Store) ActiveAlert(ctx context.Context, ruleID ids.ID, stationID int64) (_ *sensing.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.ActiveAlert")
	a, err := scanAlert(s.db.QueryRow(ctx, `SELECT `+alertCols+` FROM sensing_alerts WHERE rule_id = ? AND station_id = ?
		AND state <> 'closed'`, ruleID, stationID))
	return a, notFound(err, "sensing.alert")
}

func (s *Store) CreateAlert(ctx context.Context, a *sensing.Alert) (_ bool, err error) {
	defer errs.Wrap(&err, "sqlstore.CreateAlert")
	a.Version = 1
	res, err := s.db.Exec(ctx, `INSERT INTO sensing_alerts (`+alertCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (rule_id, station_id) WHERE state <> 'closed' DO NOTHING`,
		a.ID, a.RuleID, a.Kind, a.StationID, a.Station, a.StationName, a.Metric, a.Region, int(a.Level), a.Value, a.Threshold,
		a.ReadingAt, a.State, a.RaisedAt.UTC(), a.UpdatedAt.UTC(), a.AckBy, nullTime(a.AckAt), a.ClosedBy, nullTime(a.ClosedAt),
		a.Note, a.Version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) UpdateAlert(ctx context.Context, a *sensing.Alert) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateAlert(%q)", a.ID)
	res, err := s.db.Exec(ctx, `UPDATE sensing_alerts SET level = ?, value = ?, threshold = ?, reading_at = ?, state = ?,
		updated_at = ?, ack_by = ?, ack_at = ?, closed_by = ?, closed_at = ?, note = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		int(a.Level), a.Value, a.Threshold, a.ReadingAt, a.State, a.UpdatedAt.UTC(), a.AckBy, nullTime(a.AckAt), a.ClosedBy,
		nullTime(a.ClosedAt), a.Note, a.ID, a.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err == nil {
			err = errs.E(errs.Conflict, "sensing.alert_changed")
		}
		return err
	}
	a.Version++
	return nil
}

func (s *Store) Alert(ctx context.Context, id ids.ID) (_ *sensing.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.Alert(%q)", id)
	a, err := scanAlert(s.db.QueryRow(ctx, `SELECT `+alertCols+` FROM sensing_alerts WHERE id = ?`, id))
	return a, notFound(err, "sensing.alert")
}

func (s *Store) Alerts(ctx context.Context, q sensing.AlertQuery) (_ []sensing.Alert, err error) {
	defer errs.Wrap(&err, "sqlstore.Alerts")
	cond, args := withinAny("region", q.Within)
	if len(q.States) > 0 {
		cond += ` AND state IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(q.States)), ", ") + `)`
		for _, st := range q.States {
			args = append(args, string(st))
		}
	}
	rows, err := s.db.Query(ctx, `SELECT `+alertCols+` FROM sensing_alerts WHERE `+cond+`
		ORDER BY CASE state WHEN 'closed' THEN 1 ELSE 0 END, level DESC, updated_at DESC, id LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []sensing.Alert{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}
