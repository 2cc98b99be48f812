package identity

import (
	"context"

	"github.com/digigov/digigov/internal/region"
)

// Overview is the headline of the platform's own records within some
// regions, for the cockpit.
type Overview struct {
	Persons       int // registered natural persons whose region lies within
	Enterprises   int // registered enterprises
	Organizations int // government bodies
	Staff         int // staff accounts of those bodies
	AuditEntries  int // audit entries about things within
}

// Overview counts the records within the regions where by holds
// PermCockpit.
func (s *Service) Overview(ctx context.Context, by *Caller) (Overview, []region.Code, error) {
	if err := Authorize(by, PermCockpit, ""); err != nil {
		return Overview{}, nil, err
	}
	scopes := by.Scopes(PermCockpit)
	o, err := s.store.Overview(ctx, scopes)
	return o, scopes, err
}
