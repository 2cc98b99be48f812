package governance

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Cursor is a position in a list by deadline: the last row shown.
type Cursor struct {
	Deadline  time.Time // zero: an event without a deadline (they come last)
	CreatedAt time.Time
	ID        ids.ID
}

// String encodes c for a link (opaque to clients).
func (c Cursor) String() string {
	d := ""
	if !c.Deadline.IsZero() {
		d = c.Deadline.UTC().Format(time.RFC3339Nano)
	}
	raw := d + "|" + c.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + string(c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor reads a cursor from a link; errs.Invalid ("event.cursor")
// if it is not one.
func ParseCursor(s string) (*Cursor, error) {
	bad := errs.E(errs.Invalid, "event.cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || !ids.Valid(parts[2]) {
		return nil, bad
	}
	var c Cursor
	if parts[0] != "" {
		if c.Deadline, err = time.Parse(time.RFC3339Nano, parts[0]); err != nil {
			return nil, bad
		}
	}
	if c.CreatedAt, err = time.Parse(time.RFC3339Nano, parts[1]); err != nil {
		return nil, bad
	}
	c.ID = ids.ID(parts[2])
	return &c, nil
}

// Page is one page of a list by deadline.
type Page struct {
	Events []Event
	Total  int    // events the list holds in all
	Next   string // the cursor of the next page, "" on the last
}

// ListPage is List by deadline (or newest first, when q.Order is
// ByCreated), a page of size at a time (1 to MaxList), after the cursor
// after ("" from the start), with the total count, so that no queue is
// silently cut: the queue, the overdue view and the API's list page
// through all of it.
//
// Returns errs.Invalid for a malformed cursor, and List's errors.
func (s *Service) ListPage(ctx context.Context, by *identity.Caller, q Query, size int, after string) (*Page, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if size <= 0 || size > MaxList {
		size = 100
	}
	if q.Order != ByCreated {
		q.Order = ByDeadline
	}
	q.Offset, q.After = 0, nil
	if after != "" {
		c, err := ParseCursor(after)
		if err != nil {
			return nil, err
		}
		q.After = c
	}
	// One more tells whether there is a next page; the store is asked
	// directly, since List would cut a limit over MaxList (a page of
	// MaxList) back to 100.
	reach(by, &q)
	q.Limit = size + 1
	list, err := s.store.Events(ctx, q)
	if err != nil {
		return nil, err
	}
	p := &Page{Events: list}
	if len(list) > size {
		p.Events = list[:size]
		last := p.Events[size-1]
		p.Next = Cursor{Deadline: last.Deadline, CreatedAt: last.CreatedAt, ID: last.ID}.String()
	}
	cq := q
	cq.After = nil
	if p.Total, err = s.count(ctx, by, cq); err != nil {
		return nil, err
	}
	return p, nil
}

// count is List's count.
func (s *Service) count(ctx context.Context, by *identity.Caller, q Query) (int, error) {
	reach(by, &q)
	return s.store.CountEvents(ctx, q)
}
