package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ notify.Store = (*Store)(nil)

const notificationCols = `id, user_id, event_id, topic, title, body, args, link, urgent, created_at, read_at`

func scanNotification(sc interface{ Scan(...any) error }) (*notify.Notification, error) {
	var n notify.Notification
	var event sql.NullString
	var args string
	var read sql.NullTime
	if err := sc.Scan(&n.ID, &n.UserID, &event, &n.Topic, &n.Title, &n.Body, &args, &n.Link, &n.Urgent, &n.CreatedAt, &read); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
		return nil, err
	}
	n.EventID, n.CreatedAt = ids.ID(event.String), utc(n.CreatedAt)
	if read.Valid {
		n.ReadAt = utc(read.Time)
	}
	return &n, nil
}

func (s *Store) AddNotification(ctx context.Context, n *notify.Notification) (added bool, err error) {
	defer errs.Wrap(&err, "sqlstore.AddNotification(%s)", n.Topic)
	args, err := json.Marshal(n.Args)
	if err != nil {
		return false, err
	}
	if n.Args == nil {
		args = []byte("[]")
	}
	// The unique index on (event_id, user_id) makes a second notification
	// of the same event for the same person a no-op.
	res, err := s.db.Exec(ctx, `INSERT INTO notifications (`+notificationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, n.ID, n.UserID, nullString(n.EventID), n.Topic, n.Title, n.Body, string(args), n.Link,
		n.Urgent, n.CreatedAt.UTC(), nullTime(n.ReadAt))
	if err != nil {
		return false, err
	}
	rows, err := res.RowsAffected()
	return rows == 1, err
}

func (s *Store) Notifications(ctx context.Context, userID ids.ID, q notify.Query) (out []notify.Notification, err error) {
	defer errs.Wrap(&err, "sqlstore.Notifications")
	where := `user_id = ?`
	if q.UnreadOnly {
		where += ` AND read_at IS NULL`
	}
	rows, err := s.db.Query(ctx, `SELECT `+notificationCols+` FROM notifications WHERE `+where+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, userID, q.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *n)
	}
	return out, rows.Err()
}

func (s *Store) UnreadNotifications(ctx context.Context, userID ids.ID, max int) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.UnreadNotifications")
	// Counting stops at max: a badge shows "99+", and a person with
	// thousands of unread entries must not make every page slower.
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?) u`,
		userID, max).Scan(&n)
	return n, err
}

func (s *Store) Notification(ctx context.Context, userID, id ids.ID) (_ *notify.Notification, err error) {
	defer errs.Wrap(&err, "sqlstore.Notification(%s)", id)
	n, err := scanNotification(s.db.QueryRow(ctx, `SELECT `+notificationCols+` FROM notifications WHERE id = ? AND user_id = ?`, id, userID))
	return n, notFound(err, "notification")
}

func (s *Store) ReadNotifications(ctx context.Context, userID, id ids.ID, at time.Time) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.ReadNotifications")
	q, args := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, []any{at.UTC(), userID}
	if id != "" {
		q, args = q+` AND id = ?`, append(args, id)
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	rows, err := res.RowsAffected()
	return int(rows), err
}
