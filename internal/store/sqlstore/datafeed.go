package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

func (s *Store) SetFeed(ctx context.Context, f *datashare.FeedState) (err error) {
	defer errs.Wrap(&err, "sqlstore.SetFeed(%q)", f.ResourceID)
	_, err = s.db.Exec(ctx, `INSERT INTO datashare_feeds (resource_id, feed, refreshed_at, rows_loaded) VALUES (?, ?, ?, ?)
		ON CONFLICT (resource_id) DO UPDATE SET feed = excluded.feed, refreshed_at = excluded.refreshed_at, rows_loaded = excluded.rows_loaded`,
		f.ResourceID, f.Feed, nullTime(f.RefreshedAt), f.Rows)
	return err
}

func scanFeed(sc interface{ Scan(...any) error }) (*datashare.FeedState, error) {
	var f datashare.FeedState
	var at sql.NullTime
	if err := sc.Scan(&f.ResourceID, &f.Feed, &at, &f.Rows); err != nil {
		return nil, err
	}
	if at.Valid {
		f.RefreshedAt = at.Time.UTC()
	}
	return &f, nil
}

func (s *Store) FeedOf(ctx context.Context, id ids.ID) (_ *datashare.FeedState, err error) {
	defer errs.Wrap(&err, "sqlstore.FeedOf(%q)", id)
	f, err := scanFeed(s.db.QueryRow(ctx, `SELECT resource_id, feed, refreshed_at, rows_loaded FROM datashare_feeds WHERE resource_id = ?`, id))
	return f, notFound(err, "datashare.feed")
}

func (s *Store) FeedStates(ctx context.Context) (_ []datashare.FeedState, err error) {
	defer errs.Wrap(&err, "sqlstore.FeedStates")
	rows, err := s.db.Query(ctx, `SELECT resource_id, feed, refreshed_at, rows_loaded FROM datashare_feeds ORDER BY resource_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []datashare.FeedState
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// CaseFigure is one case as the case-statistics feed counts it.
type CaseFigure struct {
	ItemCode, ItemName, AuthorityID, Authority string
	Region                                     region.Code
	SubmittedAt, CompletedAt, Deadline         time.Time // zero when not yet
}

// CaseFigures calls fn for every case submitted since since whose deciding
// region is within, in no particular order. Only the columns statistics
// need are read: no applicant, no form.
func (s *Store) CaseFigures(ctx context.Context, within region.Code, since time.Time, fn func(CaseFigure)) (err error) {
	defer errs.Wrap(&err, "sqlstore.CaseFigures(%s)", within)
	rows, err := s.db.Query(ctx, `SELECT item_code, item_name, authority_id, authority, decided_at, submitted_at, completed_at, deadline
		FROM cases WHERE submitted_at >= ? AND decided_at LIKE ?`, since.UTC(), string(within)+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c CaseFigure
		var sub, done, due sql.NullTime
		if err := rows.Scan(&c.ItemCode, &c.ItemName, &c.AuthorityID, &c.Authority, &c.Region, &sub, &done, &due); err != nil {
			return err
		}
		c.SubmittedAt, c.CompletedAt, c.Deadline = sub.Time.UTC(), done.Time.UTC(), due.Time.UTC()
		fn(c)
	}
	return rows.Err()
}

// EventFigure is one event as the event-statistics feed counts it.
type EventFigure struct {
	Category  string
	Region    region.Code
	State     string
	CreatedAt time.Time
	ClosedAt  time.Time // zero while open
}

// EventFigures calls fn for every event created since since in a region
// within, except those merged into another or split into several (they
// are counted as the events they became). No reporter, no address.
func (s *Store) EventFigures(ctx context.Context, within region.Code, since time.Time, fn func(EventFigure)) (err error) {
	defer errs.Wrap(&err, "sqlstore.EventFigures(%s)", within)
	rows, err := s.db.Query(ctx, `SELECT category, region, state, created_at, closed_at FROM gov_events
		WHERE created_at >= ? AND region LIKE ? AND state NOT IN ('merged', 'split')`, since.UTC(), string(within)+"%")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e EventFigure
		var closed sql.NullTime
		if err := rows.Scan(&e.Category, &e.Region, &e.State, &e.CreatedAt, &closed); err != nil {
			return err
		}
		e.CreatedAt, e.ClosedAt = e.CreatedAt.UTC(), closed.Time.UTC()
		fn(e)
	}
	return rows.Err()
}
