package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/jsonx"
	"github.com/digigov/digigov/internal/region"
)

var _ cases.Store = (*Store)(nil)

const caseCols = `id, number, item_code, item_name, applicant_id, person_id, enterprise_id, applicant, proxy_id, consent,
	channel, received_at, authority_id, authority, decided_at, state, resume_state, materials, submitted_at, accepted_at,
	deadline, paused_at, decision, outcome, completed_at, trips, version, created_at, updated_at, bundle_id`

// The statements derived from caseCols, built once rather than per call.
var (
	caseColList = strings.Split(strings.Join(strings.Fields(caseCols), ""), ",")
	// caseInsert inserts caseCols and the sealed form.
	caseInsert = `INSERT INTO cases (` + caseCols + `, form) VALUES (?` + strings.Repeat(", ?", len(caseColList)) + `)`
	// caseUpdate sets every column but id, and the form, of the case at a version.
	caseUpdate = `UPDATE cases SET ` + strings.Join(caseColList[1:], " = ?, ") + ` = ?, form = ? WHERE id = ? AND version = ?`
	// caseColsOfC is caseCols qualified by the table alias c.
	caseColsOfC = "c." + strings.Join(caseColList, ", c.")
)

func caseArgs(c *cases.Case) ([]any, error) {
	mats, err := json.Marshal(c.Materials)
	if err != nil {
		return nil, err
	}
	if c.Materials == nil {
		mats = []byte("[]")
	}
	return []any{c.ID, c.Number, c.ItemCode, c.ItemName, c.ApplicantID, c.PersonID, c.EnterpriseID, c.Applicant, c.ProxyID, c.Consent,
		c.Channel, c.ReceivedAt, c.AuthorityID, c.Authority, c.DecidedAt, c.State, c.ResumeState, string(mats),
		nullTime(c.SubmittedAt), nullTime(c.AcceptedAt), nullTime(c.Deadline), nullTime(c.PausedAt), c.Decision, c.Outcome,
		nullTime(c.CompletedAt), c.Trips, c.Version, c.CreatedAt.UTC(), c.UpdatedAt.UTC(), c.BundleID}, nil
}

func scanCase(sc interface{ Scan(...any) error }, extra ...any) (*cases.Case, error) {
	var c cases.Case
	var mats string
	var sub, acc, dl, paused, done sql.NullTime
	dst := []any{&c.ID, &c.Number, &c.ItemCode, &c.ItemName, &c.ApplicantID, &c.PersonID, &c.EnterpriseID, &c.Applicant, &c.ProxyID, &c.Consent,
		&c.Channel, &c.ReceivedAt, &c.AuthorityID, &c.Authority, &c.DecidedAt, &c.State, &c.ResumeState, &mats,
		&sub, &acc, &dl, &paused, &c.Decision, &c.Outcome, &done, &c.Trips, &c.Version, &c.CreatedAt, &c.UpdatedAt, &c.BundleID}
	if err := sc.Scan(append(dst, extra...)...); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		src sql.NullTime
		dst *time.Time
	}{{sub, &c.SubmittedAt}, {acc, &c.AcceptedAt}, {dl, &c.Deadline}, {paused, &c.PausedAt}, {done, &c.CompletedAt}} {
		if p.src.Valid {
			*p.dst = p.src.Time.UTC()
		}
	}
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	if err := json.Unmarshal([]byte(mats), &c.Materials); err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Store) CreateCase(ctx context.Context, c *cases.Case, form []byte) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateCase")
	args, err := caseArgs(c)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, caseInsert, append(args, form)...)
	return conflict(err, "case")
}

func (s *Store) UpdateCase(ctx context.Context, c *cases.Case, form []byte) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateCase(%q)", c.ID)
	args, err := caseArgs(c)
	if err != nil {
		return err
	}
	// The version check makes concurrent changes safe: of two officers who
	// loaded version n, only the first update finds it.
	res, err := s.db.Exec(ctx, caseUpdate, append(append(args[1:], form), c.ID, c.Version-1)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "case.changed")
	}
	return nil
}

func (s *Store) Case(ctx context.Context, id ids.ID) (_ *cases.Case, form []byte, err error) {
	defer errs.Wrap(&err, "sqlstore.Case(%q)", id)
	c, err := scanCase(s.db.QueryRow(ctx, `SELECT `+caseCols+`, form FROM cases WHERE id = ?`, id), &form)
	if err != nil {
		return nil, nil, notFound(err, "case")
	}
	return c, form, nil
}

func (s *Store) AddCaseEvent(ctx context.Context, e *cases.Event) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddCaseEvent")
	_, err = s.db.Exec(ctx, `INSERT INTO case_events (case_id, seq, action, from_state, to_state, actor_id, actor_name, comment, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.CaseID, e.Seq, e.Action, e.From, e.To, e.ActorID, e.ActorName, e.Comment, e.At.UTC())
	return err
}

func (s *Store) CaseEvents(ctx context.Context, id ids.ID) (_ []cases.Event, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseEvents")
	rows, err := s.db.Query(ctx, `SELECT case_id, seq, action, from_state, to_state, actor_id, actor_name, comment, at
		FROM case_events WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		var e cases.Event
		if err := rows.Scan(&e.CaseID, &e.Seq, &e.Action, &e.From, &e.To, &e.ActorID, &e.ActorName, &e.Comment, &e.At); err != nil {
			return nil, err
		}
		e.At = utc(e.At)
		out = append(out, e)
	}
	return out, rows.Err()
}

// caseNumber is a series' last number of a day, deferred in a SQLite
// transaction.
type caseNumber struct {
	series, day string
	last        int
}

type caseNumberKey struct{ series, day string }

func (s *Store) NextCaseNumber(ctx context.Context, series, day string) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.NextCaseNumber")
	if s.db.Dialect == db.SQLite && db.InTx(ctx) {
		// The transaction holds SQLite's single write lock: the counter is
		// read once per transaction (a group commit of many submissions or
		// reports), counted on in memory and written once before the
		// commit. A request rolled back to its savepoint gives its numbers
		// back, as the upsert did.
		key := caseNumberKey{series, day}
		last := 0
		if v, ok := db.Deferred(ctx, key); ok {
			last = v.(caseNumber).last
		} else if err := s.db.QueryRow(ctx, `SELECT last FROM case_numbers WHERE series = ? AND day = ?`, series, day).
			Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		return last + 1, db.Defer(ctx, key, caseNumber{series, day, last + 1}, s.writeCaseNumber)
	}
	err = s.db.QueryRow(ctx, `INSERT INTO case_numbers (series, day, last) VALUES (?, ?, 1)
		ON CONFLICT (series, day) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`, series, day).Scan(&n)
	return n, err
}

func (s *Store) writeCaseNumber(ctx context.Context, v any) error {
	c := v.(caseNumber)
	_, err := s.db.Exec(ctx, `INSERT INTO case_numbers (series, day, last) VALUES (?, ?, ?)
		ON CONFLICT (series, day) DO UPDATE SET last = excluded.last`, c.series, c.day, c.last)
	return err
}

func (s *Store) CasesOf(ctx context.Context, applicantID ids.ID, limit int) (_ []cases.Case, err error) {
	defer errs.Wrap(&err, "sqlstore.CasesOf")
	return s.caseList(ctx, `SELECT `+caseCols+` FROM cases WHERE applicant_id = ? ORDER BY created_at DESC LIMIT ?`, applicantID, limit)
}

func (s *Store) CaseQueue(ctx context.Context, q cases.QueueQuery) (_ []cases.Case, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseQueue")
	var states, where []string
	var args []any
	for _, st := range q.States {
		states, args = append(states, "?"), append(args, st)
	}
	var or []string
	for _, r := range q.DecidedWithin {
		cond, a := within("decided_at", string(r))
		or, args = append(or, cond), append(args, a...)
	}
	for _, r := range q.ReceivedWithin {
		cond, a := within("received_at", string(r))
		or, args = append(or, cond), append(args, a...)
	}
	where = append(where, "state IN ("+strings.Join(states, ", ")+")", "("+strings.Join(or, " OR ")+")")
	args = append(args, q.Limit)
	// The page's ids come from the cases_queue index alone (it holds every
	// column the filter and the order need); only their rows are read.
	const order = ` ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, submitted_at`
	return s.caseList(ctx, `SELECT `+caseCols+` FROM cases WHERE id IN (SELECT id FROM cases WHERE `+
		strings.Join(where, " AND ")+order+` LIMIT ?)`+order, args...)
}

func (s *Store) caseList(ctx context.Context, q string, args ...any) ([]cases.Case, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func (s *Store) AddOutbox(ctx context.Context, topic string, payload any, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddOutbox(%s)", topic)
	b, err := jsonx.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO outbox (id, topic, payload, created_at, processed_at) VALUES (?, ?, ?, ?, ?)`,
		ids.New(), topic, string(b), at.UTC(), s.outboxProcessed(topic, at))
	return err
}

const outboxChunk = 64 // rows per INSERT: 320 parameters

var outboxInserts stmtCache

func (s *Store) AddOutboxAll(ctx context.Context, topics []string, payloads []any, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddOutboxAll(%d)", len(topics))
	if len(topics) != len(payloads) {
		return fmt.Errorf("%d topics, %d payloads", len(topics), len(payloads))
	}
	off := 0
	args := make([]any, 0, 5*min(len(topics), outboxChunk))
	for _, n := range chunks(len(topics), outboxChunk) {
		args = args[:0]
		for i := off; i < off+n; i++ {
			b, err := jsonx.Marshal(payloads[i])
			if err != nil {
				return err
			}
			args = append(args, ids.New(), topics[i], string(b), at.UTC(), s.outboxProcessed(topics[i], at))
		}
		q := outboxInserts.get(n, func(n int) string {
			return `INSERT INTO outbox (id, topic, payload, created_at, processed_at) VALUES ` + values(n, 5)
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		off += n
	}
	return nil
}

var _ cases.MeasureStore = (*Store)(nil)

func (s *Store) CaseMeasures(ctx context.Context, scopes []region.Code, g cases.Grouping, now time.Time) (_ []cases.Measure, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseMeasures(%s)", g)
	key, label := "c.item_code", "MAX(c.item_name)"
	switch g {
	case cases.ByAuthority:
		key, label = "c.authority_id", "MAX(c.authority)"
	case cases.ByCity:
		key, label = "substr(c.decided_at, 1, 4)", "substr(c.decided_at, 1, 4)"
	case cases.ByCounty:
		key, label = "substr(c.decided_at, 1, 6)", "substr(c.decided_at, 1, 6)"
	}
	var or []string
	var args []any
	args = append(args, now.UTC())
	for _, sc := range scopes {
		cond, a := within("c.decided_at", string(sc))
		or, args = append(or, cond), append(args, a...)
	}
	secs := s.db.Seconds("c.accepted_at", "c.completed_at")
	q := `SELECT ` + key + `, ` + label + `, COUNT(*),
		SUM(CASE WHEN c.state = 'completed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.channel = 'online' THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.trips = 0 THEN 1 ELSE 0 END),
		SUM(c.trips),
		SUM(CASE WHEN i.high_frequency THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.high_frequency AND c.trips = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.deadline IS NOT NULL AND ((c.completed_at IS NOT NULL AND c.completed_at > c.deadline)
			OR (c.completed_at IS NULL AND c.state NOT IN ('rejected', 'withdrawn') AND c.deadline < ?)) THEN 1 ELSE 0 END),
		COALESCE(AVG(` + secs + `), 0),
		COUNT(` + secs + `)
		FROM cases c LEFT JOIN service_items i ON i.code = c.item_code
		WHERE c.state <> 'draft' AND (` + strings.Join(or, " OR ") + `)
		GROUP BY ` + key + ` ORDER BY COUNT(*) DESC, ` + key
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Measure
	for rows.Next() {
		var m cases.Measure
		var avgSecs float64
		if err := rows.Scan(&m.Key, &m.Label, &m.Cases, &m.Completed, &m.Online, &m.ZeroTrip, &m.Trips, &m.HighFreq,
			&m.HighFreqZero, &m.Overdue, &avgSecs, &m.HandlingSample); err != nil {
			return nil, err
		}
		m.HandlingDays = avgSecs / 86400
		out = append(out, m)
	}
	return out, rows.Err()
}

var _ cases.ContributionStore = (*Store)(nil)

func (s *Store) AddContribution(ctx context.Context, c *cases.Contribution) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddContribution")
	_, err = s.db.Exec(ctx, `INSERT INTO case_contributions (case_id, authority_id, authority, region_code, state, opinion, actor_name, done_at)
		VALUES (?, ?, ?, ?, 'pending', '', '', NULL)`, c.CaseID, c.AuthorityID, c.Authority, c.Region)
	return conflict(err, "case")
}

func (s *Store) Contributions(ctx context.Context, caseID ids.ID) (_ []cases.Contribution, err error) {
	defer errs.Wrap(&err, "sqlstore.Contributions")
	rows, err := s.db.Query(ctx, `SELECT case_id, authority_id, authority, region_code, state, opinion, actor_name, done_at
		FROM case_contributions WHERE case_id = ? ORDER BY authority`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cases.Contribution
	for rows.Next() {
		var c cases.Contribution
		var st string
		var done sql.NullTime
		if err := rows.Scan(&c.CaseID, &c.AuthorityID, &c.Authority, &c.Region, &st, &c.Opinion, &c.ActorName, &done); err != nil {
			return nil, err
		}
		c.Done = st == "done"
		if done.Valid {
			c.DoneAt = done.Time.UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) CompleteContribution(ctx context.Context, c *cases.Contribution) (err error) {
	defer errs.Wrap(&err, "sqlstore.CompleteContribution")
	res, err := s.db.Exec(ctx, `UPDATE case_contributions SET state = 'done', opinion = ?, actor_name = ?, done_at = ?
		WHERE case_id = ? AND authority_id = ? AND state = 'pending'`, c.Opinion, c.ActorName, c.DoneAt.UTC(), c.CaseID, c.AuthorityID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "case.contribution_given")
	}
	return nil
}

func (s *Store) PendingContributions(ctx context.Context, authorities []ids.ID, limit int) (_ []cases.Case, err error) {
	defer errs.Wrap(&err, "sqlstore.PendingContributions")
	ph := make([]string, len(authorities))
	args := make([]any, 0, len(authorities)+1)
	for i, a := range authorities {
		ph[i], args = "?", append(args, a)
	}
	args = append(args, limit)
	// A withdrawn or rejected case waits for no opinion, though its
	// contributions stay pending.
	return s.caseList(ctx, `SELECT `+caseColsOfC+` FROM cases c JOIN case_contributions k ON k.case_id = c.id
		WHERE k.state = 'pending' AND c.state NOT IN ('withdrawn', 'rejected') AND k.authority_id IN (`+strings.Join(ph, ", ")+`)
		ORDER BY c.submitted_at LIMIT ?`, args...)
}
