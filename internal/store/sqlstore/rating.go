package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/rating"
)

var _ rating.Store = (*Store)(nil)

const ratingCols = `case_id, case_number, item_code, item_name, authority_id, authority, region, applicant_id, person_id,
	score, guide, convenience, timeliness, attitude, comment, created_at`

func (s *Store) CreateRating(ctx context.Context, r *rating.Rating) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateRating(%q)", r.CaseID)
	a := r.Aspects
	_, err = s.db.Exec(ctx, `INSERT INTO ratings (`+ratingCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.CaseID, r.CaseNumber, r.ItemCode, r.ItemName, r.AuthorityID, r.Authority, r.Region, r.ApplicantID, r.PersonID,
		r.Score, a.Guide, a.Convenience, a.Timeliness, a.Attitude, r.Comment, r.CreatedAt.UTC())
	return conflict(err, "rating")
}

func (s *Store) CaseRating(ctx context.Context, caseID ids.ID) (_ *rating.Rating, err error) {
	defer errs.Wrap(&err, "sqlstore.CaseRating(%q)", caseID)
	var r rating.Rating
	a := &r.Aspects
	err = s.db.QueryRow(ctx, `SELECT `+ratingCols+` FROM ratings WHERE case_id = ?`, caseID).Scan(
		&r.CaseID, &r.CaseNumber, &r.ItemCode, &r.ItemName, &r.AuthorityID, &r.Authority, &r.Region, &r.ApplicantID, &r.PersonID,
		&r.Score, &a.Guide, &a.Convenience, &a.Timeliness, &a.Attitude, &r.Comment, &r.CreatedAt)
	if err != nil {
		return nil, notFound(err, "rating")
	}
	r.CreatedAt = utc(r.CreatedAt)
	return &r, nil
}

func (s *Store) CreateRectification(ctx context.Context, x *rating.Rectification) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateRectification(%q)", x.CaseID)
	_, err = s.db.Exec(ctx, `INSERT INTO rectifications (id, case_id, rating, authority_id, region, due, state,
		callback, action, closed_by, closed_by_name, closed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.CaseID, x.Score, x.AuthorityID, x.Region, x.Due.UTC(), x.State,
		x.Callback, x.Action, x.ClosedBy, x.ClosedByName, nullTime(x.ClosedAt), x.CreatedAt.UTC())
	return conflict(err, "rating.rectification")
}

// taskSelect reads a task with its rating's particulars.
const taskSelect = `SELECT x.id, x.case_id, x.rating, x.authority_id, x.region, x.due, x.state, x.callback, x.action,
	x.closed_by, x.closed_by_name, x.closed_at, x.created_at, r.case_number, r.item_code, r.item_name, r.authority, r.comment, r.person_id
	FROM rectifications x JOIN ratings r ON r.case_id = x.case_id`

func scanTask(sc interface{ Scan(...any) error }) (*rating.Rectification, error) {
	var x rating.Rectification
	var closed sql.NullTime
	if err := sc.Scan(&x.ID, &x.CaseID, &x.Score, &x.AuthorityID, &x.Region, &x.Due, &x.State, &x.Callback, &x.Action,
		&x.ClosedBy, &x.ClosedByName, &closed, &x.CreatedAt, &x.CaseNumber, &x.ItemCode, &x.ItemName, &x.Authority, &x.Comment, &x.PersonID); err != nil {
		return nil, err
	}
	if closed.Valid {
		x.ClosedAt = closed.Time.UTC()
	}
	x.Due, x.CreatedAt = utc(x.Due), utc(x.CreatedAt)
	return &x, nil
}

func (s *Store) Rectification(ctx context.Context, id ids.ID) (_ *rating.Rectification, err error) {
	defer errs.Wrap(&err, "sqlstore.Rectification(%q)", id)
	x, err := scanTask(s.db.QueryRow(ctx, taskSelect+` WHERE x.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "rating.rectification")
	}
	return x, nil
}

func (s *Store) CloseRectification(ctx context.Context, x *rating.Rectification) (err error) {
	defer errs.Wrap(&err, "sqlstore.CloseRectification(%q)", x.ID)
	// Only an open task closes: of two heads closing it at once, the
	// second finds it closed.
	res, err := s.db.Exec(ctx, `UPDATE rectifications SET state = ?, callback = ?, action = ?, closed_by = ?, closed_by_name = ?,
		closed_at = ? WHERE id = ? AND state = ?`,
		x.State, x.Callback, x.Action, x.ClosedBy, x.ClosedByName, nullTime(x.ClosedAt), x.ID, rating.Open)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "rating.rectification_closed")
	}
	return nil
}

func (s *Store) Rectifications(ctx context.Context, q rating.TaskQuery) (_ []rating.Rectification, err error) {
	defer errs.Wrap(&err, "sqlstore.Rectifications")
	if len(q.Reach) == 0 {
		return nil, nil
	}
	var or []string
	var args []any
	for _, r := range q.Reach {
		cond, a := within("x.region", string(r.Within))
		or, args = append(or, "(x.authority_id = ? AND "+cond+")"), append(append(args, r.AuthorityID), a...)
	}
	where := "(" + strings.Join(or, " OR ") + ")"
	if q.State != "" {
		where, args = where+" AND x.state = ?", append(args, q.State)
	}
	rows, err := s.db.Query(ctx, taskSelect+` WHERE `+where+
		` ORDER BY CASE WHEN x.state = 'open' THEN 0 ELSE 1 END, x.due, x.id LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rating.Rectification
	for rows.Next() {
		x, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

func (s *Store) RatingStats(ctx context.Context, q rating.StatsQuery) (_ []rating.Stat, err error) {
	defer errs.Wrap(&err, "sqlstore.RatingStats(%s)", q.By)
	if len(q.Within) == 0 {
		return nil, nil
	}
	// The grouping comes from a closed list, never from the request, so
	// its expressions can be part of the SQL text.
	var key, name string
	switch {
	case q.By == rating.ByItem:
		key, name = "r.item_code", "MAX(r.item_name)"
	case q.By == rating.ByAuthority:
		key, name = "r.authority_id", "MAX(r.authority)"
	case q.By.RegionDigits() > 0:
		key, name = fmt.Sprintf("SUBSTR(r.region, 1, %d)", q.By.RegionDigits()), "''"
	default:
		return nil, errs.Fields(map[string]string{"by": "form.choice"})
	}
	var or []string
	var args []any
	for _, w := range q.Within {
		cond, a := within("r.region", string(w))
		or, args = append(or, cond), append(args, a...)
	}
	rows, err := s.db.Query(ctx, `SELECT `+key+`, `+name+`, COUNT(*), SUM(r.score),
		SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score <= 2 THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.state = 'closed' THEN 1 ELSE 0 END)
		FROM ratings r LEFT JOIN rectifications x ON x.case_id = r.case_id
		WHERE (`+strings.Join(or, " OR ")+`) GROUP BY 1 ORDER BY 3 DESC, 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rating.Stat
	for rows.Next() {
		var st rating.Stat
		if err := rows.Scan(&st.Key, &st.Name, &st.Count, &st.ScoreSum, &st.Satisfied, &st.Bad, &st.Rectified); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
