package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ opendata.Store = (*Store)(nil)

func (s *Store) OpenDataRev(ctx context.Context) (rev int64, err error) {
	defer errs.Wrap(&err, "sqlstore.OpenDataRev")
	err = s.db.QueryRow(ctx, `SELECT rev FROM opendata_head WHERE id = 1`).Scan(&rev)
	return rev, err
}

func (s *Store) NextOpenDataRev(ctx context.Context) (rev int64, err error) {
	defer errs.Wrap(&err, "sqlstore.NextOpenDataRev")
	// The head's lock orders revisions by commit on PostgreSQL: an index
	// that has seen rev n never misses a later commit with a smaller rev.
	if err := s.db.QueryRow(ctx, `SELECT rev FROM opendata_head WHERE id = 1`+s.db.ForUpdate()).Scan(&rev); err != nil {
		return 0, err
	}
	rev++
	_, err = s.db.Exec(ctx, `UPDATE opendata_head SET rev = ? WHERE id = 1`, rev)
	return rev, err
}

const datasetCols = `d.id, d.name, d.title, d.notes, d.org_id, d.license_id, d.themes, d.tags, d.source_id, d.frequency, d.state,
	d.downloads, d.rev, d.created_at, d.modified_at, o.id, o.name, o.title, o.description, o.region_code, o.body_id, o.created_at,
	CASE WHEN c.dataset_id IS NULL THEN 0 ELSE 1 END`

// A dataset with conditions of use (00021) is 有条件开放.
const datasetFrom = ` FROM opendata_datasets d JOIN opendata_orgs o ON o.id = d.org_id
	LEFT JOIN opendata_conditions c ON c.dataset_id = d.id`

func scanDataset(sc interface{ Scan(...any) error }) (*opendata.Dataset, error) {
	var d opendata.Dataset
	var o opendata.Org
	var groups, tags string
	var conditional int
	if err := sc.Scan(&d.ID, &d.Name, &d.Title, &d.Notes, &d.OrgID, &d.LicenseID, &groups, &tags, &d.SourceID, &d.Frequency, &d.State,
		&d.Downloads, &d.Rev, &d.CreatedAt, &d.ModifiedAt, &o.ID, &o.Name, &o.Title, &o.Description, &o.Region, &o.BodyID, &o.CreatedAt,
		&conditional); err != nil {
		return nil, err
	}
	d.Conditional = conditional == 1
	if err := json.Unmarshal([]byte(groups), &d.Groups); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &d.Tags); err != nil {
		return nil, err
	}
	d.CreatedAt, d.ModifiedAt, o.CreatedAt = utc(d.CreatedAt), utc(d.ModifiedAt), utc(o.CreatedAt)
	d.Org = &o
	return &d, nil
}

// datasets runs a dataset query and attaches the resources (without their
// content).
func (s *Store) datasets(ctx context.Context, where string, args ...any) ([]opendata.Dataset, error) {
	rows, err := s.db.Query(ctx, `SELECT `+datasetCols+datasetFrom+` `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []opendata.Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *d)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.attachResources(ctx, out)
}

func (s *Store) attachResources(ctx context.Context, list []opendata.Dataset) error {
	at := map[ids.ID]int{}
	args := make([]any, len(list))
	for i := range list {
		at[list[i].ID], args[i] = i, list[i].ID
	}
	rows, err := s.db.Query(ctx, `SELECT id, dataset_id, position, name, description, format, downloads, created_at
		FROM opendata_resources WHERE dataset_id IN (?`+strings.Repeat(", ?", len(list)-1)+`) ORDER BY dataset_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r opendata.Resource
		if err := rows.Scan(&r.ID, &r.DatasetID, &r.Position, &r.Name, &r.Description, &r.Format, &r.Downloads, &r.CreatedAt); err != nil {
			return err
		}
		r.CreatedAt = utc(r.CreatedAt)
		d := &list[at[r.DatasetID]]
		d.Resources = append(d.Resources, r)
	}
	return rows.Err()
}

func (s *Store) DatasetsSince(ctx context.Context, rev int64, limit int) (_ []opendata.Dataset, err error) {
	defer errs.Wrap(&err, "sqlstore.DatasetsSince(%d)", rev)
	return s.datasets(ctx, `WHERE d.rev > ? ORDER BY d.rev LIMIT ?`, rev, limit)
}

func (s *Store) DatasetsByID(ctx context.Context, list []ids.ID) (_ []opendata.Dataset, err error) {
	defer errs.Wrap(&err, "sqlstore.DatasetsByID")
	if len(list) == 0 {
		return nil, nil
	}
	args := make([]any, len(list))
	for i, id := range list {
		args[i] = id
	}
	return s.datasets(ctx, `WHERE d.id IN (?`+strings.Repeat(", ?", len(list)-1)+`)`, args...)
}

func (s *Store) DatasetsAfter(ctx context.Context, name string, limit int) (_ []opendata.Dataset, err error) {
	defer errs.Wrap(&err, "sqlstore.DatasetsAfter(%q)", name)
	return s.datasets(ctx, `WHERE d.name > ? AND d.state = 'active' ORDER BY d.name LIMIT ?`, name, limit)
}

func (s *Store) Dataset(ctx context.Context, idOrName string) (_ *opendata.Dataset, err error) {
	defer errs.Wrap(&err, "sqlstore.Dataset(%q)", idOrName)
	list, err := s.datasets(ctx, `WHERE (d.id = ? OR d.name = ?) AND d.state = 'active'`, idOrName, idOrName)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.E(errs.NotFound, "opendata.dataset.not_found")
	}
	return &list[0], nil
}

func (s *Store) DatasetBySource(ctx context.Context, source ids.ID) (_ *opendata.Dataset, err error) {
	defer errs.Wrap(&err, "sqlstore.DatasetBySource(%q)", source)
	list, err := s.datasets(ctx, `WHERE d.source_id = ?`, source)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.E(errs.NotFound, "opendata.dataset.not_found")
	}
	return &list[0], nil
}

func (s *Store) CreateDataset(ctx context.Context, d *opendata.Dataset) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateDataset(%q)", d.Name)
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_datasets (id, name, title, notes, org_id, license_id, themes, tags, source_id,
		frequency, state, downloads, rev, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Name, d.Title, d.Notes, d.OrgID, d.LicenseID, jsonText(nonNil(d.Groups)), jsonText(nonNil(d.Tags)), d.SourceID,
		d.Frequency, d.State, d.Downloads, d.Rev, d.CreatedAt.UTC(), d.ModifiedAt.UTC())
	if err != nil {
		return conflict(err, "opendata.dataset")
	}
	for _, r := range d.Resources {
		if _, err := s.db.Exec(ctx, `INSERT INTO opendata_resources (id, dataset_id, position, name, description, format, content,
			downloads, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, d.ID, r.Position, r.Name, r.Description, r.Format, r.Content, r.Downloads, r.CreatedAt.UTC()); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) UpdateDataset(ctx context.Context, d *opendata.Dataset) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateDataset(%q)", d.ID)
	_, err = s.db.Exec(ctx, `UPDATE opendata_datasets SET title = ?, notes = ?, license_id = ?, themes = ?, tags = ?, frequency = ?,
		rev = ?, modified_at = ? WHERE id = ?`,
		d.Title, d.Notes, d.LicenseID, jsonText(nonNil(d.Groups)), jsonText(nonNil(d.Tags)), d.Frequency, d.Rev, d.ModifiedAt.UTC(), d.ID)
	return err
}

func (s *Store) DatasetResource(ctx context.Context, id ids.ID) (_ *opendata.Resource, err error) {
	defer errs.Wrap(&err, "sqlstore.Resource(%q)", id)
	var r opendata.Resource
	err = s.db.QueryRow(ctx, `SELECT id, dataset_id, position, name, description, format, content, downloads, created_at
		FROM opendata_resources WHERE id = ?`, id).Scan(&r.ID, &r.DatasetID, &r.Position, &r.Name, &r.Description, &r.Format,
		&r.Content, &r.Downloads, &r.CreatedAt)
	if err != nil {
		return nil, notFound(err, "opendata.resource")
	}
	r.CreatedAt = utc(r.CreatedAt)
	return &r, nil
}

func (s *Store) CountDownload(ctx context.Context, datasetID, resourceID ids.ID) (err error) {
	defer errs.Wrap(&err, "sqlstore.CountDownload(%q)", resourceID)
	if _, err := s.db.Exec(ctx, `UPDATE opendata_resources SET downloads = downloads + 1 WHERE id = ?`, resourceID); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE opendata_datasets SET downloads = downloads + 1 WHERE id = ?`, datasetID)
	return err
}

const portalOrgCols = `id, name, title, description, region_code, body_id, created_at`

func scanPortalOrg(sc interface{ Scan(...any) error }) (*opendata.Org, error) {
	var o opendata.Org
	err := sc.Scan(&o.ID, &o.Name, &o.Title, &o.Description, &o.Region, &o.BodyID, &o.CreatedAt)
	o.CreatedAt = utc(o.CreatedAt)
	return &o, err
}

func (s *Store) CreatePortalOrg(ctx context.Context, o *opendata.Org) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreatePortalOrg(%q)", o.Name)
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_orgs (`+portalOrgCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Name, o.Title, o.Description, o.Region, o.BodyID, o.CreatedAt.UTC())
	return conflict(err, "opendata.org")
}

func (s *Store) PortalOrg(ctx context.Context, idOrName string) (_ *opendata.Org, err error) {
	defer errs.Wrap(&err, "sqlstore.Org(%q)", idOrName)
	o, err := scanPortalOrg(s.db.QueryRow(ctx, `SELECT `+portalOrgCols+` FROM opendata_orgs WHERE id = ? OR name = ?`, idOrName, idOrName))
	return o, notFound(err, "opendata.org")
}

func (s *Store) PortalOrgByBody(ctx context.Context, body ids.ID) (_ *opendata.Org, err error) {
	defer errs.Wrap(&err, "sqlstore.PortalOrgByBody(%q)", body)
	o, err := scanPortalOrg(s.db.QueryRow(ctx, `SELECT `+portalOrgCols+` FROM opendata_orgs WHERE body_id = ?`, body))
	return o, notFound(err, "opendata.org")
}

func (s *Store) PortalOrgs(ctx context.Context) (_ []opendata.Org, err error) {
	defer errs.Wrap(&err, "sqlstore.Orgs")
	rows, err := s.db.Query(ctx, `SELECT `+portalOrgCols+` FROM opendata_orgs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.Org
	for rows.Next() {
		o, err := scanPortalOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

func (s *Store) EnsureGroups(ctx context.Context, gs []opendata.Group) (err error) {
	defer errs.Wrap(&err, "sqlstore.EnsureGroups")
	for _, g := range gs {
		if _, err := s.db.Exec(ctx, `INSERT INTO opendata_groups (name, title, description) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, g.Name, g.Title, g.Description); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) Groups(ctx context.Context) (_ []opendata.Group, err error) {
	defer errs.Wrap(&err, "sqlstore.Groups")
	rows, err := s.db.Query(ctx, `SELECT name, title, description FROM opendata_groups ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.Group
	for rows.Next() {
		var g opendata.Group
		if err := rows.Scan(&g.Name, &g.Title, &g.Description); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

const dataRequestCols = `r.id, r.title, r.description, r.org_id, r.user_id, r.user_name, r.state, r.dataset_id, r.close_note,
	r.created_at, r.closed_at, (SELECT COUNT(*) FROM opendata_request_followers f WHERE f.request_id = r.id)`

func scanDataRequest(sc interface{ Scan(...any) error }) (*opendata.DataRequest, error) {
	var r opendata.DataRequest
	var closed sql.NullTime
	if err := sc.Scan(&r.ID, &r.Title, &r.Description, &r.OrgID, &r.UserID, &r.UserName, &r.State, &r.DatasetID, &r.CloseNote,
		&r.CreatedAt, &closed, &r.Followers); err != nil {
		return nil, err
	}
	if closed.Valid {
		r.ClosedAt = closed.Time.UTC()
	}
	r.CreatedAt = utc(r.CreatedAt)
	return &r, nil
}

func (s *Store) CreateDataRequest(ctx context.Context, r *opendata.DataRequest) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateDataRequest")
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_data_requests (id, title, description, org_id, user_id, user_name, state, dataset_id,
		close_note, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Title, r.Description, r.OrgID, r.UserID, r.UserName, r.State, r.DatasetID, r.CloseNote, r.CreatedAt.UTC(), nullTime(r.ClosedAt))
	return err
}

func (s *Store) DataRequest(ctx context.Context, id ids.ID) (_ *opendata.DataRequest, err error) {
	defer errs.Wrap(&err, "sqlstore.DataRequest(%q)", id)
	r, err := scanDataRequest(s.db.QueryRow(ctx, `SELECT `+dataRequestCols+` FROM opendata_data_requests r WHERE r.id = ?`, id))
	return r, notFound(err, "opendata.request")
}

func (s *Store) DataRequests(ctx context.Context, state string, limit int) (_ []opendata.DataRequest, err error) {
	defer errs.Wrap(&err, "sqlstore.DataRequests")
	where, args := "", []any{}
	if state != "" {
		where, args = " WHERE r.state = ?", append(args, state)
	}
	rows, err := s.db.Query(ctx, `SELECT `+dataRequestCols+` FROM opendata_data_requests r`+where+
		` ORDER BY r.created_at DESC, r.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.DataRequest
	for rows.Next() {
		r, err := scanDataRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *Store) CloseDataRequest(ctx context.Context, r *opendata.DataRequest) (err error) {
	defer errs.Wrap(&err, "sqlstore.CloseDataRequest(%q)", r.ID)
	res, err := s.db.Exec(ctx, `UPDATE opendata_data_requests SET state = ?, dataset_id = ?, close_note = ?, closed_at = ?
		WHERE id = ? AND state = ?`, r.State, r.DatasetID, r.CloseNote, nullTime(r.ClosedAt), r.ID, opendata.RequestOpen)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "opendata.request_closed")
	}
	return nil
}

func (s *Store) AddComment(ctx context.Context, c *opendata.Comment) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddComment")
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_request_comments (id, request_id, user_id, user_name, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, c.RequestID, c.UserID, c.UserName, c.Body, c.CreatedAt.UTC())
	return err
}

func (s *Store) Comments(ctx context.Context, id ids.ID) (_ []opendata.Comment, err error) {
	defer errs.Wrap(&err, "sqlstore.Comments(%q)", id)
	rows, err := s.db.Query(ctx, `SELECT id, request_id, user_id, user_name, body, created_at FROM opendata_request_comments
		WHERE request_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []opendata.Comment
	for rows.Next() {
		var c opendata.Comment
		if err := rows.Scan(&c.ID, &c.RequestID, &c.UserID, &c.UserName, &c.Body, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.CreatedAt = utc(c.CreatedAt)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) SetFollow(ctx context.Context, id, user ids.ID, follow bool, at time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetFollow(%q)", id)
	if !follow {
		_, err = s.db.Exec(ctx, `DELETE FROM opendata_request_followers WHERE request_id = ? AND user_id = ?`, id, user)
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO opendata_request_followers (request_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (request_id, user_id) DO NOTHING`, id, user, at.UTC())
	return err
}

func (s *Store) Following(ctx context.Context, id, user ids.ID) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM opendata_request_followers WHERE request_id = ? AND user_id = ?`, id, user).Scan(&n)
	return n > 0, err
}
