package seal

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// UseQuery selects entries of the use log (用印记录): of one seal, or of
// every seal within the caller's scope; within a period; of one purpose;
// one page at a time, newest first.
type UseQuery struct {
	SealID  ids.ID    // "": every seal within the caller's seal.manage scope
	From    time.Time // zero: from the start
	To      time.Time // exclusive; zero: until now
	Purpose string    // "": every purpose
	After   UseCursor // zero: the first page; else the page after this entry
	Limit   int       // 1–1000; 0 or out of range: 100
}

// UseCursor marks where a page of uses ended: the last entry's time and ID.
// Pages keep their order however many uses are added meanwhile.
type UseCursor struct {
	At time.Time
	ID ids.ID
}

// IsZero reports whether c marks no entry (the first page).
func (c UseCursor) IsZero() bool { return c.ID == "" }

// String encodes c for a URL ("" for the zero cursor).
func (c UseCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + string(c.ID)
}

// ParseUseCursor decodes a cursor from String. Returns errs.Invalid
// ("seal.bad_cursor") for anything else.
func ParseUseCursor(s string) (UseCursor, error) {
	if s == "" {
		return UseCursor{}, nil
	}
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || id == "" || len(id) > 36 {
		return UseCursor{}, errs.Fields(map[string]string{"after": "seal.bad_cursor"})
	}
	return UseCursor{At: time.UnixMicro(n).UTC(), ID: ids.ID(id)}, nil
}

// UsePage is one page of the use log, with the cursor of the next page
// ("" on the last).
type UsePage struct {
	Uses []Use
	Next UseCursor
}

// Purposes are the purposes seals are used for, as the use log records
// them (for the filter).
var Purposes = []string{"license", "license_ref", "present", "status_list", "trust_list", "document", "data_asset_certificate"}

// UsesPage lists a page of the use log: one seal's (see Get for who may),
// or across seals every use of every seal within by's seal.manage scopes
// (the administrator's view of every use of every seal).
//
// Returns errs.Forbidden without seal.manage, errs.NotFound as Get does
// for a seal outside by's scope, errs.Invalid ("to") for a period that
// ends before it starts.
func (s *Service) UsesPage(ctx context.Context, by *identity.Caller, q UseQuery) (*UsePage, error) {
	var within []region.Code
	if q.SealID != "" {
		if _, err := s.Get(ctx, by, q.SealID); err != nil {
			return nil, err
		}
	} else {
		if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
			return nil, err
		}
		within = by.Scopes(identity.PermSealManage)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return nil, errs.Fields(map[string]string{"to": "seal.period_reversed"})
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	uses, err := s.store.SealUsesPage(ctx, within, q)
	if err != nil {
		return nil, err
	}
	p := &UsePage{Uses: uses}
	if len(uses) > q.Limit {
		p.Uses = uses[:q.Limit]
		last := p.Uses[q.Limit-1]
		p.Next = UseCursor{At: last.At, ID: last.ID}
	}
	return p, nil
}
