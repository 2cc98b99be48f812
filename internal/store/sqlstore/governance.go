package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/jsonx"
	"github.com/digigov/digigov/internal/region"
)

var _ governance.Store = (*Store)(nil)

// eventCols are the columns of gov_events lists read (no phone).
const eventCols = `id, number, version, source, external_id, category, description, region, address, lat, lng, cell, urgency,
	reporter_id, reporter_name, photos, state, level, department, lead_id, lead_name, assist, deadline, pending,
	parent_id, merged_into, reply, rating, supervised, escalated, timer_at, created_at, updated_at, accepted_at, closed_at, rated_at`

// eventArgs are e's values in eventCols order.
func eventArgs(e *governance.Event) ([]any, error) {
	photos, err := json.Marshal(nonNil(e.Photos))
	if err != nil {
		return nil, err
	}
	assist, err := json.Marshal(nonNilOrgs(e.Assist))
	if err != nil {
		return nil, err
	}
	pending := ""
	if e.Pending != nil {
		b, err := json.Marshal(e.Pending)
		if err != nil {
			return nil, err
		}
		pending = string(b)
	}
	var lat, lng sql.NullFloat64
	if e.HasGeo {
		lat, lng = sql.NullFloat64{Float64: e.Lat, Valid: true}, sql.NullFloat64{Float64: e.Lng, Valid: true}
	}
	return []any{e.ID, e.Number, e.Version, e.Source, e.ExternalID, e.Category, e.Description, e.Region, e.Address, lat, lng,
		governance.CellOf(e), e.Urgency, e.ReporterID, e.ReporterName, string(photos), e.State, int(e.Level), e.Department, e.Lead.ID, e.Lead.Name,
		string(assist), nullTime(e.Deadline), pending, e.ParentID, e.MergedInto, e.Reply, e.Rating, e.Supervised, e.Escalated,
		nullTime(e.TimerAt), e.CreatedAt.UTC(), e.UpdatedAt.UTC(), nullTime(e.AcceptedAt), nullTime(e.ClosedAt), nullTime(e.RatedAt)}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilOrgs(s []governance.OrgRef) []governance.OrgRef {
	if s == nil {
		return []governance.OrgRef{}
	}
	return s
}

func scanEvent(sc interface{ Scan(...any) error }, extra ...any) (*governance.Event, error) {
	var e governance.Event
	var lat, lng sql.NullFloat64
	var photos, assist, pending string
	var level int
	var cell string
	var deadline, timerAt, accepted, closed, rated sql.NullTime
	dest := []any{&e.ID, &e.Number, &e.Version, &e.Source, &e.ExternalID, &e.Category, &e.Description, &e.Region, &e.Address,
		&lat, &lng, &cell, &e.Urgency, &e.ReporterID, &e.ReporterName, &photos, &e.State, &level, &e.Department, &e.Lead.ID, &e.Lead.Name,
		&assist, &deadline, &pending, &e.ParentID, &e.MergedInto, &e.Reply, &e.Rating, &e.Supervised, &e.Escalated, &timerAt,
		&e.CreatedAt, &e.UpdatedAt, &accepted, &closed, &rated}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.Level = region.Level(level)
	if lat.Valid && lng.Valid {
		e.Lat, e.Lng, e.HasGeo = lat.Float64, lng.Float64, true
	}
	if err := json.Unmarshal([]byte(photos), &e.Photos); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(assist), &e.Assist); err != nil {
		return nil, err
	}
	if len(e.Photos) == 0 {
		e.Photos = nil
	}
	if len(e.Assist) == 0 {
		e.Assist = nil
	}
	if pending != "" {
		e.Pending = &governance.Pending{}
		if err := json.Unmarshal([]byte(pending), e.Pending); err != nil {
			return nil, err
		}
	}
	e.Deadline, e.TimerAt, e.AcceptedAt = timeOf(deadline), timeOf(timerAt), timeOf(accepted)
	e.ClosedAt, e.RatedAt = timeOf(closed), timeOf(rated)
	e.CreatedAt, e.UpdatedAt = utc(e.CreatedAt), utc(e.UpdatedAt)
	return &e, nil
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func (s *Store) CreateEvent(ctx context.Context, e *governance.Event, sealedPhone []byte, phoneIndex string) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateEvent(%q)", e.ID)
	args, err := eventArgs(e)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(ctx context.Context) error {
		_, err := s.db.Exec(ctx, `INSERT INTO gov_events (`+eventCols+`, phone_enc, phone_idx) VALUES (`+
			strings.Repeat("?, ", 36)+`?, ?)`, append(args, sealedPhone, phoneIndex)...)
		if err != nil {
			return conflict(err, "event")
		}
		m := map[tallyKey]tallyVec{} // the cockpit's counts (governance_tally.go)
		factsOf(e).add(m, 1)
		return s.logTally(ctx, m)
	})
}

// eventUpdate writes every mutable column of an event.
const eventUpdate = `UPDATE gov_events SET version = ?, state = ?, level = ?, department = ?, lead_id = ?, lead_name = ?,
	assist = ?, deadline = ?, pending = ?, merged_into = ?, reply = ?, rating = ?, supervised = ?, escalated = ?, timer_at = ?,
	updated_at = ?, accepted_at = ?, closed_at = ?, rated_at = ? WHERE id = ? AND version = ?`

func (s *Store) UpdateEvent(ctx context.Context, e *governance.Event) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateEvent(%q)", e.ID)
	a, err := eventArgs(e)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(ctx context.Context) error {
		// The counts the event had (governance_tally.go), read at the
		// version the update replaces.
		old, err := s.oldFacts(ctx, string(e.ID), e.Version-1)
		if err != nil {
			return err
		}
		// The version check makes concurrent steps safe: of two dispatchers who
		// loaded version n, only the first update finds it.
		res, err := s.db.Exec(ctx, eventUpdate, e.Version, e.State, int(e.Level), e.Department, e.Lead.ID, e.Lead.Name,
			a[21], a[22], a[23], e.MergedInto, e.Reply, e.Rating, e.Supervised, e.Escalated, a[30],
			e.UpdatedAt.UTC(), a[33], a[34], a[35], e.ID, e.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "event.changed")
		}
		m := map[tallyKey]tallyVec{}
		old.add(m, -1)
		now := factsOf(e)
		now.region, now.created = old.region, old.created // not updated
		now.add(m, 1)
		return s.logTally(ctx, m)
	})
}

func (s *Store) Event(ctx context.Context, id ids.ID) (_ *governance.Event, phone []byte, err error) {
	defer errs.Wrap(&err, "sqlstore.Event(%q)", id)
	e, err := scanEvent(s.db.QueryRow(ctx, `SELECT `+eventCols+`, phone_enc FROM gov_events WHERE id = ?`, id), &phone)
	if err != nil {
		return nil, nil, notFound(err, "event")
	}
	return e, phone, nil
}

func (s *Store) AddEventStep(ctx context.Context, st *governance.Step) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddEventStep(%q)", st.EventID)
	return s.addEventSteps(ctx, []*governance.Step{st})
}

func (s *Store) AddEventSteps(ctx context.Context, sts []*governance.Step) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddEventSteps(%d)", len(sts))
	if len(sts) == 0 {
		return nil
	}
	return s.addEventSteps(ctx, sts)
}

const stepChunk = 64 // rows per INSERT: 704 parameters

var stepInserts stmtCache

func (s *Store) addEventSteps(ctx context.Context, sts []*governance.Step) error {
	off := 0
	args := make([]any, 0, 11*min(len(sts), stepChunk))
	for _, n := range chunks(len(sts), stepChunk) {
		args = args[:0]
		for _, st := range sts[off : off+n] {
			photos, err := json.Marshal(nonNil(st.Photos))
			if err != nil {
				return err
			}
			detail := []byte("{}")
			if len(st.Detail) > 0 {
				if detail, err = jsonx.Marshal(st.Detail); err != nil {
					return err
				}
			}
			args = append(args, st.EventID, st.Seq, st.Action, st.From, st.To, st.ActorID, st.ActorName, st.Comment,
				string(photos), string(detail), st.At.UTC())
		}
		q := stepInserts.get(n, func(n int) string {
			return `INSERT INTO gov_event_steps (event_id, seq, action, from_state, to_state, actor_id, actor_name,
		comment, photos, detail, at) VALUES ` + values(n, 11)
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return conflict(err, "event.step")
		}
		off += n
	}
	return nil
}

func (s *Store) EventSteps(ctx context.Context, id ids.ID) (_ []governance.Step, err error) {
	defer errs.Wrap(&err, "sqlstore.EventSteps(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT event_id, seq, action, from_state, to_state, actor_id, actor_name, comment, photos, detail, at
		FROM gov_event_steps WHERE event_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []governance.Step
	for rows.Next() {
		var st governance.Step
		var photos, detail string
		if err := rows.Scan(&st.EventID, &st.Seq, &st.Action, &st.From, &st.To, &st.ActorID, &st.ActorName, &st.Comment,
			&photos, &detail, &st.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(photos), &st.Photos); err != nil {
			return nil, err
		}
		if len(st.Photos) == 0 {
			st.Photos = nil
		}
		if err := json.Unmarshal([]byte(detail), &st.Detail); err != nil {
			return nil, err
		}
		st.At = utc(st.At)
		out = append(out, st)
	}
	return out, rows.Err()
}

// openCond is the condition "the event is still in hand", matching the
// partial indexes' predicate word for word so that both engines use them.
const openCond = `state NOT IN ('closed', 'rejected', 'merged', 'split')`

func (s *Store) Events(ctx context.Context, q governance.Query) (_ []governance.Event, err error) {
	defer errs.Wrap(&err, "sqlstore.Events")
	where, args, ok := eventWhere(q)
	if !ok {
		return nil, nil
	}
	if q.After != nil && q.Order == governance.ByDeadline {
		// Keyset paging (queue_page.go): the rows after the cursor in the
		// order below.
		c := q.After
		cond := `deadline IS NULL AND (created_at > ? OR (created_at = ? AND id > ?))`
		cargs := []any{c.CreatedAt.UTC(), c.CreatedAt.UTC(), c.ID}
		if !c.Deadline.IsZero() {
			cond = `(deadline IS NULL OR deadline > ? OR (deadline = ? AND (created_at > ? OR (created_at = ? AND id > ?))))`
			cargs = []any{c.Deadline.UTC(), c.Deadline.UTC(), c.CreatedAt.UTC(), c.CreatedAt.UTC(), c.ID}
		}
		where, args = append(where, cond), append(args, cargs...)
	}
	if q.After != nil && q.Order == governance.ByCreated {
		// Newest first: the rows created before the cursor's.
		c := q.After
		where = append(where, `(created_at < ? OR (created_at = ? AND id < ?))`)
		args = append(args, c.CreatedAt.UTC(), c.CreatedAt.UTC(), c.ID)
	}
	query := `SELECT ` + eventCols + ` FROM gov_events`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	switch q.Order {
	case governance.ByDeadline:
		query += ` ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, created_at, id`
	case governance.ByUpdated:
		query += ` ORDER BY updated_at, id`
	case governance.ByClosed:
		query += ` ORDER BY closed_at, id`
	default:
		query += ` ORDER BY created_at DESC, id DESC`
	}
	query += ` LIMIT ? OFFSET ?`
	args = append(args, q.Limit, q.Offset)
	return s.eventList(ctx, query, args...)
}

// CountEvents counts the events q selects (its order, limit and cursor
// aside).
func (s *Store) CountEvents(ctx context.Context, q governance.Query) (_ int, err error) {
	defer errs.Wrap(&err, "sqlstore.CountEvents")
	where, args, ok := eventWhere(q)
	if !ok {
		return 0, nil
	}
	query := `SELECT COUNT(*) FROM gov_events`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	var n int
	err = s.db.QueryRow(ctx, query, args...).Scan(&n)
	return n, err
}

// eventWhere is the conditions of q; ok is false if q can match nothing.
func eventWhere(q governance.Query) (where []string, args []any, ok bool) {
	var reach []string
	for _, w := range q.Within {
		c, a := within("region", string(w))
		reach, args = append(reach, c), append(args, a...)
	}
	if q.Reporter != "" {
		reach, args = append(reach, "reporter_id = ?"), append(args, q.Reporter)
	}
	if len(q.Orgs) > 0 {
		reach = append(reach, "lead_id IN ("+marks(len(q.Orgs))+")")
		for _, o := range q.Orgs {
			args = append(args, o)
		}
	}
	switch {
	case q.Public:
	case len(reach) == 0:
		return nil, nil, false
	default:
		where = append(where, "("+strings.Join(reach, " OR ")+")")
	}
	if len(q.IDs) > 0 {
		where = append(where, "id IN ("+marks(len(q.IDs))+")")
		for _, id := range q.IDs {
			args = append(args, id)
		}
	}
	if q.Number != "" {
		where, args = append(where, "number = ?"), append(args, q.Number)
	}
	if q.ExternalID != "" {
		where, args = append(where, "external_id = ? AND source = ?"), append(args, q.ExternalID, q.Source)
	}
	if len(q.States) > 0 {
		where = append(where, "state IN ("+marks(len(q.States))+")")
		for _, st := range q.States {
			args = append(args, st)
		}
	}
	if len(q.Categories) > 0 {
		where = append(where, "category IN ("+marks(len(q.Categories))+")")
		for _, c := range q.Categories {
			args = append(args, c)
		}
	}
	if !q.CreatedFrom.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, q.CreatedFrom.UTC())
	}
	if !q.CreatedTo.IsZero() {
		where, args = append(where, "created_at <= ?"), append(args, q.CreatedTo.UTC())
	}
	if !q.UpdatedAfter.IsZero() {
		where, args = append(where, "updated_at > ?"), append(args, q.UpdatedAfter.UTC())
	}
	if !q.OverdueAt.IsZero() {
		where, args = append(where, openCond+" AND deadline < ?"), append(args, q.OverdueAt.UTC())
	}
	if q.CallbacksDue {
		// Word for word the predicate of the partial index gov_events_callbacks.
		where = append(where, callbacksDueCond)
	}
	return where, args, true
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func (s *Store) eventList(ctx context.Context, query string, args ...any) ([]governance.Event, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []governance.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

func (s *Store) NearbyEvents(ctx context.Context, q governance.Nearby) (_ []governance.Candidate, err error) {
	defer errs.Wrap(&err, "sqlstore.NearbyEvents")
	if err := s.lockNearby(ctx, q); err != nil {
		return nil, err
	}
	where, args := "region = ?", []any{q.Region}
	if len(q.Cells) > 0 {
		where, args = "cell IN ("+marks(len(q.Cells))+")", nil
		for _, c := range q.Cells {
			args = append(args, c)
		}
		if b := q.Box; b != nil {
			where += " AND lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?"
			args = append(args, b[0], b[1], b[2], b[3])
		}
	}
	// Only what the duplicate check reads: a report usually finds none,
	// and a row of all 36 columns cost most of the search.
	rows, err := s.db.Query(ctx, `SELECT id, region, lat, lng FROM gov_events WHERE category = ? AND `+where+` AND created_at >= ? AND `+
		openCond+` ORDER BY created_at DESC LIMIT ?`, append(append([]any{q.Category}, args...), q.Since.UTC(), q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []governance.Candidate
	for rows.Next() {
		var c governance.Candidate
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&c.ID, &c.Region, &lat, &lng); err != nil {
			return nil, err
		}
		if lat.Valid && lng.Valid {
			c.Lat, c.Lng, c.HasGeo = lat.Float64, lng.Float64, true
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// lockNearby, in a PostgreSQL transaction, takes advisory locks for the
// category in q's region and in each of q's cells, in one order, held to
// the commit. Governance runs the duplicate search in the transaction that
// writes the report, so two reports of one thing made at the same moment
// search one after the other and the second sees the first: two reports
// within DuplicateMeters share the cell of either's point (locked
// exclusively), and a report without a point, which searches its region,
// locks the region exclusively while reports with a point share it.
// SQLite needs none: its writes are serialised.
func (s *Store) lockNearby(ctx context.Context, q governance.Nearby) error {
	if s.db.Dialect != db.Postgres || !db.InTx(ctx) {
		return nil
	}
	type lock struct {
		key    int64
		shared bool
	}
	key := func(kind, v string) int64 {
		h := fnv.New64a()
		h.Write([]byte("gov_events.nearby\x00" + q.Category + "\x00" + kind + "\x00" + v))
		return int64(h.Sum64())
	}
	locks := []lock{{key("region", string(q.Region)), len(q.Cells) > 0}}
	for _, c := range q.Cells {
		locks = append(locks, lock{key: key("cell", c)})
	}
	slices.SortFunc(locks, func(a, b lock) int { return cmp.Compare(a.key, b.key) })
	for i, l := range locks {
		if i > 0 && l.key == locks[i-1].key {
			continue
		}
		q := `SELECT pg_advisory_xact_lock(?)`
		if l.shared {
			q = `SELECT pg_advisory_xact_lock_shared(?)`
		}
		if _, err := s.db.Exec(ctx, q, l.key); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ClaimOverdueEvents(ctx context.Context, now time.Time, limit int) (_ []governance.Event, err error) {
	defer errs.Wrap(&err, "sqlstore.ClaimOverdueEvents")
	return s.eventList(ctx, `SELECT `+eventCols+` FROM gov_events WHERE `+openCond+` AND deadline < ?
		AND (timer_at IS NULL OR timer_at < deadline)
		ORDER BY deadline LIMIT ?`+s.db.SkipLocked(), now.UTC(), limit)
}

func (s *Store) EventRules(ctx context.Context) (_ []governance.Rule, err error) {
	defer errs.Wrap(&err, "sqlstore.EventRules")
	rows, err := s.db.Query(ctx, `SELECT id, category, region, department, level, auto, created_by, created_at, updated_by, updated_at
		FROM gov_event_rules ORDER BY category, region`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []governance.Rule
	for rows.Next() {
		var r governance.Rule
		var level int
		var updated sql.NullTime
		if err := rows.Scan(&r.ID, &r.Category, &r.Region, &r.Department, &level, &r.Auto, &r.CreatedBy, &r.CreatedAt,
			&r.UpdatedBy, &updated); err != nil {
			return nil, err
		}
		r.Level, r.CreatedAt = region.Level(level), utc(r.CreatedAt)
		if updated.Valid {
			r.UpdatedAt = utc(updated.Time)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) CreateEventRule(ctx context.Context, r *governance.Rule) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateEventRule")
	_, err = s.db.Exec(ctx, `INSERT INTO gov_event_rules (id, category, region, department, level, auto, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Category, r.Region, r.Department, int(r.Level), r.Auto, r.CreatedBy, r.CreatedAt.UTC())
	return conflict(err, "event.rule")
}

func (s *Store) DeleteEventRule(ctx context.Context, id ids.ID) (err error) {
	defer errs.Wrap(&err, "sqlstore.DeleteEventRule(%q)", id)
	res, err := s.db.Exec(ctx, `DELETE FROM gov_event_rules WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.NotFound, "event.rule_not_found")
	}
	return nil
}
