package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Store is the persistence notify needs.
type Store interface {
	// AddNotification inserts n, unless the user already has a notification
	// of the same event (then it reports false and changes nothing).
	AddNotification(ctx context.Context, n *Notification) (bool, error)
	// Notifications lists a user's notifications, newest first.
	Notifications(ctx context.Context, userID ids.ID, q Query) ([]Notification, error)
	// UnreadNotifications counts a user's unread notifications, stopping at
	// max (the count is for a badge).
	UnreadNotifications(ctx context.Context, userID ids.ID, max int) (int, error)
	// Notification returns one of a user's notifications; errs.NotFound if
	// the user has none with that ID.
	Notification(ctx context.Context, userID, id ids.ID) (*Notification, error)
	// ReadNotifications marks a user's unread notifications read at at: the
	// one with id, or all of them when id is "". It returns how many
	// changed.
	ReadNotifications(ctx context.Context, userID, id ids.ID, at time.Time) (int, error)
}

// Query selects notifications to list.
type Query struct {
	UnreadOnly bool
	Limit      int // at most 500; 0 means 100
}

// Items finds service items (for their names in messages).
type Items interface {
	Item(ctx context.Context, code string) (*catalog.Item, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store     Store
	Items     Items
	Messages  *i18n.Catalog // renders messages for senders
	Sender    Sender        // nil: LogSender on Log
	Directory Directory     // nil: nobody has an address outside the inbox
	Log       *slog.Logger
	Now       func() time.Time
}

// Service writes and reads inboxes.
type Service struct {
	store  Store
	items  Items
	msgs   *i18n.Catalog
	sender Sender
	dir    Directory
	log    *slog.Logger
	now    func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Sender == nil {
		d.Sender = LogSender{Log: d.Log}
	}
	if d.Directory == nil {
		d.Directory = noDirectory{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, items: d.Items, msgs: d.Messages, sender: d.Sender, dir: d.Directory, log: d.Log, now: d.Now}
}

// MaxBadge is where the unread count stops ("99+").
const MaxBadge = 100

func signedIn(by *identity.Caller) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	return nil
}

// List returns the caller's notifications, newest first. Everyone signed
// in has an inbox (staff too, though nothing writes to theirs yet).
//
// Returns errs.Unauthenticated for an anonymous caller.
func (s *Service) List(ctx context.Context, by *identity.Caller, q Query) ([]Notification, error) {
	if err := signedIn(by); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	q.Limit = min(q.Limit, 500)
	return s.store.Notifications(ctx, by.UserID, q)
}

// Unread counts the caller's unread notifications up to MaxBadge; 0 for an
// anonymous caller. It costs one query on an index of unread rows.
func (s *Service) Unread(ctx context.Context, by *identity.Caller) (int, error) {
	if by.Anonymous() {
		return 0, nil
	}
	return s.store.UnreadNotifications(ctx, by.UserID, MaxBadge)
}

// Open returns one of the caller's notifications and marks it read: what
// happens when a person follows it from the inbox.
//
// Returns errs.NotFound when the caller has no notification with that ID
// (someone else's included), errs.Unauthenticated when anonymous.
func (s *Service) Open(ctx context.Context, by *identity.Caller, id ids.ID) (*Notification, error) {
	if err := signedIn(by); err != nil {
		return nil, err
	}
	n, err := s.store.Notification(ctx, by.UserID, id)
	if err != nil {
		return nil, err
	}
	if n.Unread() {
		now := s.now().UTC()
		if _, err := s.store.ReadNotifications(ctx, by.UserID, id, now); err != nil {
			return nil, err
		}
		n.ReadAt = now
	}
	return n, nil
}

// ReadAll marks all the caller's notifications read (全部已读) and returns
// how many were unread.
func (s *Service) ReadAll(ctx context.Context, by *identity.Caller) (int, error) {
	if err := signedIn(by); err != nil {
		return 0, err
	}
	return s.store.ReadNotifications(ctx, by.UserID, "", s.now().UTC())
}
