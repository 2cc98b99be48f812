package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ datashare.Store = (*Store)(nil)

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const resourceCols = `id, code, name, description, classification, fields, schema_version, update_frequency, format, source_system,
	share_class, share_conditions, share_basis, open_class, provider_id, provider, region_code, cdo_id, cdo_name,
	row_count, filled, loaded_at, created_at, updated_at`

func scanResource(sc interface{ Scan(...any) error }) (*datashare.Resource, error) {
	var r datashare.Resource
	var fields string
	var loaded sql.NullTime
	if err := sc.Scan(&r.ID, &r.Code, &r.Name, &r.Description, &r.Classification, &fields, &r.SchemaVersion, &r.UpdateFrequency,
		&r.Format, &r.SourceSystem, &r.ShareClass, &r.ShareConditions, &r.ShareBasis, &r.OpenClass, &r.ProviderID, &r.Provider,
		&r.Region, &r.CDOID, &r.CDOName, &r.RowCount, &r.Filled, &loaded, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
		return nil, err
	}
	if loaded.Valid {
		r.LoadedAt = loaded.Time.UTC()
	}
	r.CreatedAt, r.UpdatedAt = utc(r.CreatedAt), utc(r.UpdatedAt)
	return &r, nil
}

func (s *Store) CreateResource(ctx context.Context, r *datashare.Resource) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateResource(%q)", r.Code)
	_, err = s.db.Exec(ctx, `INSERT INTO datashare_resources (`+resourceCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Code, r.Name, r.Description, r.Classification, jsonText(r.Fields), r.SchemaVersion, r.UpdateFrequency, r.Format,
		r.SourceSystem, r.ShareClass, r.ShareConditions, r.ShareBasis, r.OpenClass, r.ProviderID, r.Provider, r.Region,
		r.CDOID, r.CDOName, r.RowCount, r.Filled, nullTime(r.LoadedAt), r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	return conflict(err, "datashare.resource")
}

func (s *Store) UpdateResource(ctx context.Context, r *datashare.Resource) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateResource(%q)", r.ID)
	_, err = s.db.Exec(ctx, `UPDATE datashare_resources SET name = ?, description = ?, classification = ?, fields = ?,
		schema_version = ?, update_frequency = ?, format = ?, source_system = ?, share_class = ?, share_conditions = ?,
		share_basis = ?, open_class = ?, row_count = ?, filled = ?, loaded_at = ?, updated_at = ? WHERE id = ?`,
		r.Name, r.Description, r.Classification, jsonText(r.Fields), r.SchemaVersion, r.UpdateFrequency, r.Format, r.SourceSystem,
		r.ShareClass, r.ShareConditions, r.ShareBasis, r.OpenClass, r.RowCount, r.Filled, nullTime(r.LoadedAt), r.UpdatedAt.UTC(), r.ID)
	return err
}

func (s *Store) Resource(ctx context.Context, id ids.ID) (_ *datashare.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.Resource(%q)", id)
	r, err := scanResource(s.db.QueryRow(ctx, `SELECT `+resourceCols+` FROM datashare_resources WHERE id = ?`, id))
	return r, notFound(err, "datashare.resource")
}

func (s *Store) ResourceByCode(ctx context.Context, code string) (_ *datashare.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.ResourceByCode(%q)", code)
	r, err := scanResource(s.db.QueryRow(ctx, `SELECT `+resourceCols+` FROM datashare_resources WHERE code = ?`, code))
	return r, notFound(err, "datashare.resource")
}

// likeEscape escapes LIKE's wildcards in s (with \ as the escape).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (s *Store) Resources(ctx context.Context, q datashare.ResourceQuery) (_ []datashare.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.Resources")
	where, args := []string{"1 = 1"}, []any{}
	if q.ProviderID != "" {
		where, args = append(where, "provider_id = ?"), append(args, q.ProviderID)
	}
	if q.OpenClass != "" {
		where, args = append(where, "open_class = ?"), append(args, q.OpenClass)
	}
	if q.Text != "" {
		p := "%" + likeEscape(strings.ToLower(q.Text)) + "%"
		where = append(where, `(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p)
	}
	rows, err := s.db.Query(ctx, `SELECT `+resourceCols+` FROM datashare_resources WHERE `+strings.Join(where, " AND ")+
		` ORDER BY code LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *Store) AddSchema(ctx context.Context, x *datashare.Schema) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddSchema(%q, %d)", x.ResourceID, x.Version)
	_, err = s.db.Exec(ctx, `INSERT INTO datashare_schemas (resource_id, version, fields, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		x.ResourceID, x.Version, jsonText(x.Fields), x.CreatedBy, x.CreatedAt.UTC())
	return conflict(err, "datashare.schema")
}

func (s *Store) Schemas(ctx context.Context, id ids.ID) (_ []datashare.Schema, err error) {
	defer errs.Wrap(&err, "sqlstore.Schemas(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT resource_id, version, fields, created_by, created_at FROM datashare_schemas
		WHERE resource_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.Schema
	for rows.Next() {
		var x datashare.Schema
		var fields string
		if err := rows.Scan(&x.ResourceID, &x.Version, &fields, &x.CreatedBy, &x.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(fields), &x.Fields); err != nil {
			return nil, err
		}
		x.CreatedAt = utc(x.CreatedAt)
		out = append(out, x)
	}
	return out, rows.Err()
}

func (s *Store) ReplaceRows(ctx context.Context, id ids.ID, list []datashare.Row) (err error) {
	defer errs.Wrap(&err, "sqlstore.ReplaceRows(%q, %d)", id, len(list))
	if _, err := s.db.Exec(ctx, `DELETE FROM datashare_rows WHERE resource_id = ?`, id); err != nil {
		return err
	}
	// Many rows per statement: one round trip per 200 rows, not per row.
	const chunk = 200
	for i := 0; i < len(list); i += chunk {
		part := list[i:min(i+chunk, len(list))]
		args := make([]any, 0, 3*len(part))
		for j, r := range part {
			args = append(args, id, i+j, jsonText(r))
		}
		q := `INSERT INTO datashare_rows (resource_id, n, data) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ")
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) Rows(ctx context.Context, id ids.ID, start, limit int) (_ []datashare.Row, err error) {
	defer errs.Wrap(&err, "sqlstore.Rows(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT data FROM datashare_rows WHERE resource_id = ? AND n >= ? ORDER BY n LIMIT ?`, id, start, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.Row
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r datashare.Row
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) ResourceUsage(ctx context.Context, provider ids.ID, now time.Time) (_ map[ids.ID]datashare.Usage, err error) {
	defer errs.Wrap(&err, "sqlstore.ResourceUsage(%q)", provider)
	out := map[ids.ID]datashare.Usage{}
	rows, err := s.db.Query(ctx, `SELECT r.id,
		(SELECT COUNT(*) FROM datashare_requests q WHERE q.resource_id = r.id),
		(SELECT COUNT(*) FROM datashare_grants g WHERE g.resource_id = r.id AND g.state = 'delivered' AND g.expires_at > ?),
		(SELECT COUNT(*) FROM datashare_exchange_log l WHERE l.resource_code = r.code AND l.outcome = 'ok'),
		(SELECT COUNT(*) FROM datashare_exchange_log l WHERE l.resource_code = r.code AND l.outcome <> 'ok')
		FROM datashare_resources r WHERE r.provider_id = ?`, now.UTC(), provider)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id ids.ID
		var u datashare.Usage
		if err := rows.Scan(&id, &u.Requests, &u.LiveGrants, &u.Calls, &u.RefusedCalls); err != nil {
			return nil, err
		}
		out[id] = u
	}
	return out, rows.Err()
}

const requestCols = `id, resource_id, resource_code, resource_name, provider_id, provider, region_code, consumer_id, consumer,
	requester_id, requester_name, purpose, legal_basis, fields, days, state, due, decided_by_id, decided_by, decided_at,
	reason, granted_fields, grant_id, created_at`

func scanRequest(sc interface{ Scan(...any) error }) (*datashare.Request, error) {
	var q datashare.Request
	var fields, granted string
	var decided sql.NullTime
	if err := sc.Scan(&q.ID, &q.ResourceID, &q.ResourceCode, &q.ResourceName, &q.ProviderID, &q.Provider, &q.Region, &q.ConsumerID,
		&q.Consumer, &q.RequesterID, &q.RequesterName, &q.Purpose, &q.LegalBasis, &fields, &q.Days, &q.State, &q.Due,
		&q.DecidedByID, &q.DecidedBy, &decided, &q.Reason, &granted, &q.GrantID, &q.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &q.Fields); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(granted), &q.GrantedFields); err != nil {
		return nil, err
	}
	if decided.Valid {
		q.DecidedAt = decided.Time.UTC()
	}
	q.Due, q.CreatedAt = utc(q.Due), utc(q.CreatedAt)
	return &q, nil
}

func (s *Store) CreateRequest(ctx context.Context, q *datashare.Request) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateRequest(%q)", q.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO datashare_requests (`+requestCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.ID, q.ResourceID, q.ResourceCode, q.ResourceName, q.ProviderID, q.Provider, q.Region, q.ConsumerID, q.Consumer,
		q.RequesterID, q.RequesterName, q.Purpose, q.LegalBasis, jsonText(q.Fields), q.Days, q.State, q.Due.UTC(),
		q.DecidedByID, q.DecidedBy, nullTime(q.DecidedAt), q.Reason, jsonText(q.GrantedFields), q.GrantID, q.CreatedAt.UTC())
	return err
}

func (s *Store) Request(ctx context.Context, id ids.ID) (_ *datashare.Request, err error) {
	defer errs.Wrap(&err, "sqlstore.Request(%q)", id)
	q, err := scanRequest(s.db.QueryRow(ctx, `SELECT `+requestCols+` FROM datashare_requests WHERE id = ?`, id))
	return q, notFound(err, "datashare.request")
}

func (s *Store) DecideRequest(ctx context.Context, q *datashare.Request) (err error) {
	defer errs.Wrap(&err, "sqlstore.DecideRequest(%q)", q.ID)
	// Only a pending request is decided: of two CDOs deciding at once, the
	// second finds it decided.
	res, err := s.db.Exec(ctx, `UPDATE datashare_requests SET state = ?, decided_by_id = ?, decided_by = ?, decided_at = ?,
		reason = ?, granted_fields = ?, grant_id = ? WHERE id = ? AND state = ?`,
		q.State, q.DecidedByID, q.DecidedBy, nullTime(q.DecidedAt), q.Reason, jsonText(q.GrantedFields), q.GrantID, q.ID, datashare.Pending)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "datashare.request_decided")
	}
	return nil
}

func (s *Store) Requests(ctx context.Context, f datashare.RequestFilter) (_ []datashare.Request, err error) {
	defer errs.Wrap(&err, "sqlstore.Requests")
	where, args := []string{}, []any{}
	if f.ProviderID != "" {
		where, args = append(where, "provider_id = ?"), append(args, f.ProviderID)
	}
	if f.ConsumerID != "" {
		where, args = append(where, "consumer_id = ?"), append(args, f.ConsumerID)
	}
	if len(where) == 0 {
		return nil, nil
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	rows, err := s.db.Query(ctx, `SELECT `+requestCols+` FROM datashare_requests WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.Request
	for rows.Next() {
		q, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	return out, rows.Err()
}

const grantCols = `id, request_id, resource_id, resource_code, provider_id, consumer_id, consumer, fields, rate_per_sec, expires_at,
	secret_hash, state, delivered_at, revoked_at, revoked_by, revoke_reason, created_at, origin`

func scanGrant(sc interface{ Scan(...any) error }) (*datashare.Grant, error) {
	var g datashare.Grant
	var fields string
	var secret, request sql.NullString
	var delivered, revoked sql.NullTime
	if err := sc.Scan(&g.ID, &request, &g.ResourceID, &g.ResourceCode, &g.ProviderID, &g.ConsumerID, &g.Consumer, &fields,
		&g.RatePerSec, &g.ExpiresAt, &secret, &g.State, &delivered, &revoked, &g.RevokedBy, &g.RevokeReason, &g.CreatedAt, &g.Origin); err != nil {
		return nil, err
	}
	g.RequestID = ids.ID(request.String)
	if err := json.Unmarshal([]byte(fields), &g.Fields); err != nil {
		return nil, err
	}
	g.SecretHash = secret.String
	if delivered.Valid {
		g.DeliveredAt = delivered.Time.UTC()
	}
	if revoked.Valid {
		g.RevokedAt = revoked.Time.UTC()
	}
	g.ExpiresAt, g.CreatedAt = utc(g.ExpiresAt), utc(g.CreatedAt)
	return &g, nil
}

func (s *Store) CreateGrant(ctx context.Context, g *datashare.Grant) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateGrant(%q)", g.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO datashare_grants (`+grantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, nullString(g.RequestID), g.ResourceID, g.ResourceCode, g.ProviderID, g.ConsumerID, g.Consumer, jsonText(g.Fields), g.RatePerSec,
		g.ExpiresAt.UTC(), nullString(g.SecretHash), g.State, nullTime(g.DeliveredAt), nullTime(g.RevokedAt), g.RevokedBy,
		g.RevokeReason, g.CreatedAt.UTC(), g.Origin)
	return err
}

func (s *Store) Grant(ctx context.Context, id ids.ID) (_ *datashare.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.Grant(%q)", id)
	g, err := scanGrant(s.db.QueryRow(ctx, `SELECT `+grantCols+` FROM datashare_grants WHERE id = ?`, id))
	return g, notFound(err, "datashare.grant")
}

func (s *Store) GrantBySecret(ctx context.Context, hash string) (_ *datashare.Grant, err error) {
	defer errs.Wrap(&err, "sqlstore.GrantBySecret")
	g, err := scanGrant(s.db.QueryRow(ctx, `SELECT `+grantCols+` FROM datashare_grants WHERE secret_hash = ?`, hash))
	return g, notFound(err, "datashare.grant")
}

func (s *Store) UpdateGrant(ctx context.Context, g *datashare.Grant) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateGrant(%q)", g.ID)
	_, err = s.db.Exec(ctx, `UPDATE datashare_grants SET secret_hash = ?, state = ?, delivered_at = ?, revoked_at = ?,
		revoked_by = ?, revoke_reason = ? WHERE id = ?`,
		nullString(g.SecretHash), g.State, nullTime(g.DeliveredAt), nullTime(g.RevokedAt), g.RevokedBy, g.RevokeReason, g.ID)
	return err
}

func (s *Store) Satisfaction(ctx context.Context) (_ []datashare.Satisfaction, err error) {
	defer errs.Wrap(&err, "sqlstore.Satisfaction")
	rows, err := s.db.Query(ctx, `SELECT q.provider_id, MIN(q.provider), COUNT(*),
		SUM(CASE WHEN q.state <> 'pending' THEN 1 ELSE 0 END),
		SUM(CASE WHEN q.state = 'approved' AND g.delivered_at IS NOT NULL THEN 1 ELSE 0 END)
		FROM datashare_requests q LEFT JOIN datashare_grants g ON g.request_id = q.id
		GROUP BY q.provider_id ORDER BY COUNT(*) DESC, q.provider_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.Satisfaction
	for rows.Next() {
		var x datashare.Satisfaction
		if err := rows.Scan(&x.ProviderID, &x.Provider, &x.Requests, &x.Decided, &x.Satisfied); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

const exchangeCols = `seq, id, at, grant_id, consumer_id, provider_id, resource_code, caller, request_hash, response_hash,
	outcome, status, rows_served, prev_hash, hash, signature`

func scanExchange(sc interface{ Scan(...any) error }) (*datashare.LogEntry, error) {
	var e datashare.LogEntry
	err := sc.Scan(&e.Seq, &e.ID, &e.At, &e.GrantID, &e.ConsumerID, &e.ProviderID, &e.ResourceCode, &e.Caller, &e.RequestHash,
		&e.ResponseHash, &e.Outcome, &e.Status, &e.Rows, &e.PrevHash, &e.Hash, &e.Signature)
	e.At = utc(e.At)
	return &e, err
}

func (s *Store) AppendExchange(ctx context.Context, entries []*datashare.LogEntry, seal func(*datashare.LogEntry)) (err error) {
	defer errs.Wrap(&err, "sqlstore.AppendExchange(%d)", len(entries))
	if len(entries) == 0 {
		return nil
	}
	// Locking the head row serialises appends on PostgreSQL; on SQLite the
	// transaction already holds the single write lock.
	var seq int64
	var prev string
	if err := s.db.QueryRow(ctx, `SELECT seq, hash FROM datashare_exchange_head WHERE id = 1`+s.db.ForUpdate()).Scan(&seq, &prev); err != nil {
		return err
	}
	for _, e := range entries {
		seq++
		e.Seq, e.PrevHash = seq, prev
		seal(e)
		prev = e.Hash
	}
	// Rows go in chunks of 64, 32, … 1, so that a handful of statements
	// (prepared once each) serve batches of any size.
	for rest := entries; len(rest) > 0; {
		n := 64
		for n > len(rest) {
			n /= 2
		}
		args := make([]any, 0, 16*n)
		for _, e := range rest[:n] {
			args = append(args, e.Seq, e.ID, e.At.UTC(), e.GrantID, e.ConsumerID, e.ProviderID, e.ResourceCode, e.Caller, e.RequestHash,
				e.ResponseHash, e.Outcome, e.Status, e.Rows, e.PrevHash, e.Hash, e.Signature)
		}
		q := `INSERT INTO datashare_exchange_log (` + exchangeCols + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	_, err = s.db.Exec(ctx, `UPDATE datashare_exchange_head SET seq = ?, hash = ? WHERE id = 1`, seq, prev)
	return err
}

func (s *Store) ExchangeChain(ctx context.Context, after int64, fn func(*datashare.LogEntry) error) (err error) {
	defer errs.Wrap(&err, "sqlstore.ExchangeChain(%d)", after)
	const page = 1000
	for {
		rows, err := s.db.Query(ctx, `SELECT `+exchangeCols+` FROM datashare_exchange_log WHERE seq > ? ORDER BY seq LIMIT ?`, after, page)
		if err != nil {
			return err
		}
		var batch []*datashare.LogEntry
		for rows.Next() {
			e, err := scanExchange(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
			after = e.Seq
		}
		if len(batch) < page {
			return nil
		}
	}
}

func (s *Store) ExchangeEntry(ctx context.Context, id ids.ID) (_ *datashare.LogEntry, err error) {
	defer errs.Wrap(&err, "sqlstore.ExchangeEntry(%q)", id)
	e, err := scanExchange(s.db.QueryRow(ctx, `SELECT `+exchangeCols+` FROM datashare_exchange_log WHERE id = ?`, id))
	return e, notFound(err, "datashare.log")
}

// exchangeWhere is the condition of a log filter: entries of the bodies
// (as provider or consumer) or of the grant; "" when it selects nothing.
func exchangeWhere(f datashare.LogFilter) (string, []any) {
	var or []string
	var args []any
	for _, o := range f.OrgIDs {
		or, args = append(or, "provider_id = ?", "consumer_id = ?"), append(args, o, o)
	}
	if f.GrantID != "" {
		or, args = append(or, "grant_id = ?"), append(args, f.GrantID)
	}
	return strings.Join(or, " OR "), args
}

func (s *Store) CountExchange(ctx context.Context, f datashare.LogFilter) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.CountExchange")
	where, args := exchangeWhere(f)
	if where == "" {
		return 0, nil
	}
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM datashare_exchange_log WHERE `+where, args...).Scan(&n)
	return n, err
}

func (s *Store) ExchangeEntries(ctx context.Context, f datashare.LogFilter) (_ []datashare.LogEntry, err error) {
	defer errs.Wrap(&err, "sqlstore.ExchangeEntries")
	where, args := exchangeWhere(f)
	if where == "" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+exchangeCols+` FROM datashare_exchange_log WHERE `+where+
		` ORDER BY seq DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.LogEntry
	for rows.Next() {
		e, err := scanExchange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}
