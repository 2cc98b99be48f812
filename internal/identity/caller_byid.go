package identity

import (
	"context"

	"github.com/digigov/digigov/internal/platform/ids"
)

// CallerByUserID returns the caller an enabled account acts as, or
// errs.Unauthenticated. Trusted callers only: a credential of that account
// (an Open311 key) must have been checked first.
func (s *Service) CallerByUserID(ctx context.Context, id ids.ID) (*Caller, error) {
	return s.callerOf(ctx, id)
}
