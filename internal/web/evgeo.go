package web

import (
	"context"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
)

// eventDevice is the Open311 device_id the report of e came from, for
// staff who have read e (governance.Service.Get): "" for anyone else, for
// events not reported through Open311 and for requests without one. The
// device is no more public than the reporter's name: citizens, the
// reporter included, and the public Open311 views never see it.
func (s *Server) eventDevice(ctx context.Context, by *identity.Caller, e *governance.Event) (string, error) {
	if by.Kind != identity.KindStaff || e.Source != governance.SourceOpen311 || s.open311keys == nil {
		return "", nil
	}
	return s.open311keys.DeviceID(ctx, e)
}
