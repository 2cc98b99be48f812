package cases

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence cases need. Form values arrive already sealed
// (encrypted); the store never sees them in clear.
type Store interface {
	ContributionStore
	MeasureStore
	CreateCase(ctx context.Context, c *Case, sealedForm []byte) error
	// UpdateCase writes c if the stored version is c.Version-1, else
	// returns errs.Conflict ("case.changed").
	UpdateCase(ctx context.Context, c *Case, sealedForm []byte) error
	// Case returns a case and its sealed form; errs.NotFound if absent.
	Case(ctx context.Context, id ids.ID) (*Case, []byte, error)
	// AddCaseEvent records a transition; e.Seq numbers it within its case.
	AddCaseEvent(ctx context.Context, e *Event) error
	CaseEvents(ctx context.Context, id ids.ID) ([]Event, error)
	// NextCaseNumber returns the next sequence number of a series of case
	// numbers on a day (1, 2, …), atomically.
	NextCaseNumber(ctx context.Context, series, day string) (int, error)
	// CasesOf lists an applicant's cases, newest first, without forms.
	CasesOf(ctx context.Context, applicantID ids.ID, limit int) ([]Case, error)
	// CaseQueue lists open cases decided or received within one of
	// regions, in the given states, oldest deadline first, without forms.
	CaseQueue(ctx context.Context, q QueueQuery) ([]Case, error)
	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

// QueueQuery selects a work queue.
type QueueQuery struct {
	DecidedWithin  []region.Code // cases whose authority lies within one of these
	ReceivedWithin []region.Code // or that were received within one of these (counters)
	States         []State
	Limit          int
}
