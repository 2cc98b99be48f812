package opendata

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// CanRevoke reports whether by may revoke a now: a CDO of the publishing
// body, while a is approved and not expired.
func (s *Service) CanRevoke(by *identity.Caller, a *Application) bool {
	return decides(by, a) && a.Live(s.clock())
}

// RevokeApplication ends an approval before it expires, with a reason: from
// then on the applicant's previews, downloads and rows API calls are
// refused ("opendata.access_revoked", with the reason), and the applicant
// is told in their inbox.
//
// Returns errs.NotFound unless by is a CDO of the publishing body,
// errs.Conflict ("opendata.application_not_live") unless it is approved and
// not expired, errs.Invalid without a reason or with one too long.
func (s *Service) RevokeApplication(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Application, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	a, err := s.store.Application(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !decides(by, a) {
		return nil, errs.E(errs.NotFound, "opendata.application.not_found")
	}
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if !a.Live(now) {
		return nil, errs.E(errs.Conflict, "opendata.application_not_live")
	}
	switch reason = strings.TrimSpace(reason); {
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "opendata.reason_required"})
	case utf8.RuneCountInString(reason) > 500:
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	a.State, a.RevokedByID, a.RevokedBy, a.RevokedAt, a.RevokeReason = AppRevoked, by.UserID, by.Name, now, reason
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.RevokeApplication(ctx, a); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, TopicApplicationRevoked, appEvent(by, a, reason), now); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.access_revoked", appTarget(a),
			map[string]any{"dataset": a.DatasetName, "reason": reason, "expires": a.ExpiresAt})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
