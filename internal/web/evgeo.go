package web

import (
	"context"
	"net/url"
	"strconv"

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

// eventListNext is the URL of the next page of GET /api/v1/events: the
// same filters, the cursor of the page's last event.
func eventListNext(state, category string, overdue bool, order string, limit int, cursor string) string {
	v := url.Values{}
	if state != "" {
		v.Set("state", state)
	}
	if category != "" {
		v.Set("category", category)
	}
	if overdue {
		v.Set("overdue", "true")
	}
	v.Set("order", order)
	v.Set("limit", strconv.Itoa(limit))
	v.Set("cursor", cursor)
	return "/api/v1/events?" + v.Encode()
}
