package governance

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Order is how a list is sorted.
type Order string

const (
	ByDeadline Order = "deadline" // earliest deadline first, undispatched last; the work queue
	ByCreated  Order = "created"  // newest first
	ByUpdated  Order = "updated"  // oldest change first (for feeds that follow changes)
	ByClosed   Order = "closed"   // closed longest ago first (call-backs due)
)

// Query selects events. Reach conditions (Within, Reporter, Orgs) are ORed:
// an event matches if it lies within one of Within, was reported by
// Reporter, or is led or assisted by one of Orgs. With none set, nothing
// matches, unless Public is set (Open311's public list).
type Query struct {
	Within   []region.Code
	Reporter ids.ID
	Orgs     []ids.ID
	Public   bool

	IDs          []ids.ID
	Number       string // the event number people quote (事件编号)
	Source       Source // with ExternalID: the sending system's own ID
	ExternalID   string
	States       []State
	Categories   []string
	CreatedFrom  time.Time
	CreatedTo    time.Time
	UpdatedAfter time.Time
	OverdueAt    time.Time // only open events past their deadline at this time
	// CallbacksDue selects the hotline's call-backs due (回访): hotline
	// tickets closed and not yet called back (no rating), through an index
	// of those alone; with ByClosed, the longest waiting first.
	CallbacksDue bool
	Order        Order
	Limit        int
	Offset       int
	// After continues a ByDeadline or ByCreated list after this row
	// (keyset paging, queue_page.go); nil from the start.
	After *Cursor
}

// MaxList is the most events one list returns.
const MaxList = 1000

// List returns events within by's reach that q further narrows: staff see
// their scopes (for any event permission) and their departments' events,
// citizens their own reports. q's reach fields are replaced.
//
// Returns errs.Unauthenticated for anonymous callers.
func (s *Service) List(ctx context.Context, by *identity.Caller, q Query) ([]Event, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	reach(by, &q)
	return s.list(ctx, q)
}

// reach sets q's reach fields to by's.
func reach(by *identity.Caller, q *Query) {
	q.Within, q.Orgs, q.Public, q.Reporter = nil, nil, false, by.UserID
	seen := map[region.Code]bool{}
	for _, p := range eventPerms {
		for _, sc := range by.Scopes(p) {
			if !seen[sc] {
				seen[sc] = true
				q.Within = append(q.Within, sc)
			}
		}
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermEventHandle) && g.OrgID != "" {
			q.Orgs = append(q.Orgs, g.OrgID)
		}
	}
}

// Mine lists by's own reports, newest first.
func (s *Service) Mine(ctx context.Context, by *identity.Caller, limit int) ([]Event, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	return s.list(ctx, Query{Reporter: by.UserID, Order: ByCreated, Limit: limit})
}

// Public lists events for Open311's public face: no personal data is
// returned (phones and reporter names are left out by the caller of this
// method's results; the store never returns phones in lists), and
// categories marked private are excluded.
func (s *Service) Public(ctx context.Context, q Query) ([]Event, error) {
	q.Within, q.Orgs, q.Reporter, q.Public = nil, nil, "", true
	if len(q.Categories) == 0 {
		q.Categories = PublicCodes()
	}
	return s.list(ctx, q)
}

// PublicEvent returns one event for Open311, if its category is public.
func (s *Service) PublicEvent(ctx context.Context, id ids.ID) (*Event, error) {
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	e, _, err := s.store.Event(ctx, id)
	if err != nil {
		return nil, err
	}
	if c, _ := CategoryOf(e.Category); c.Private {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	return e, nil
}

func (s *Service) list(ctx context.Context, q Query) ([]Event, error) {
	if q.Limit <= 0 || q.Limit > MaxList {
		q.Limit = 100
	}
	if q.Order == "" {
		q.Order = ByCreated
	}
	return s.store.Events(ctx, q)
}
