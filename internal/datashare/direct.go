package datashare

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// DirectGrant is what a grant not born from a sharing request takes: a
// domain above datashare (the data market's contracts) has decided, under
// its own rules, that a consumer may read some fields of a resource until
// an expiry. The consumer may be a body or an enterprise.
type DirectGrant struct {
	ResourceID ids.ID
	ConsumerID ids.ID
	Consumer   string
	Fields     []string
	ExpiresAt  time.Time
	RatePerSec int    // 0: DefaultRate
	Origin     string // what the grant was born from, e.g. "market_contract:<id>"
}

// GrantDirect makes a delivered access grant at once and returns it with
// its system credential, a secret shown once and stored only as its hash.
// The caller has checked that actor may give it; it runs inside the
// caller's transaction if there is one, and audits the grant there.
//
// Returns errs.NotFound for an unknown resource, errs.Conflict for a
// 不予共享 resource ("datashare.not_shared"), errs.Invalid for fields the
// resource does not have or an expiry in the past.
func (s *Service) GrantDirect(ctx context.Context, actor audit.Actor, in DirectGrant) (*Grant, string, error) {
	r, err := s.store.Resource(ctx, in.ResourceID)
	if err != nil {
		return nil, "", err
	}
	if r.ShareClass == ShareNone {
		return nil, "", errs.E(errs.Conflict, "datashare.not_shared")
	}
	now := s.clock()
	switch {
	case !checkFieldList(r, in.Fields):
		return nil, "", errs.Fields(map[string]string{"fields": "datashare.fields_choose"})
	case !in.ExpiresAt.After(now), in.ConsumerID == "", strings.TrimSpace(in.Origin) == "":
		return nil, "", errs.E(errs.Invalid, "datashare.direct_invalid")
	}
	if in.RatePerSec <= 0 {
		in.RatePerSec = DefaultRate
	}
	secret, hash := newSecret()
	g := &Grant{ID: ids.New(), ResourceID: r.ID, ResourceCode: r.Code, ProviderID: r.ProviderID, ConsumerID: in.ConsumerID,
		Consumer: in.Consumer, Fields: in.Fields, RatePerSec: in.RatePerSec, ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Microsecond),
		SecretHash: hash, State: Delivered, DeliveredAt: now, Origin: in.Origin, CreatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateGrant(ctx, g); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "data.grant_direct", audit.Target{Type: "data_grant", ID: string(g.ID), Region: string(r.Region)},
			map[string]any{"resource": r.Code, "consumer": g.ConsumerID, "fields": g.Fields, "expires": g.ExpiresAt, "origin": g.Origin})
	})
	if err != nil {
		return nil, "", err
	}
	return g, secret, nil
}

// ReissueDirect gives a direct grant a new credential and voids the old
// one. The caller has checked that actor holds the grant.
//
// Returns errs.NotFound unless the grant exists and was born of origin,
// errs.Conflict if it is revoked or expired.
func (s *Service) ReissueDirect(ctx context.Context, actor audit.Actor, grantID ids.ID, origin string) (*Grant, string, error) {
	g, err := s.store.Grant(ctx, grantID)
	if err != nil || g.Origin != origin || origin == "" {
		return nil, "", errs.E(errs.NotFound, "datashare.grant.not_found")
	}
	now := s.clock()
	switch {
	case g.State == Revoked:
		return nil, "", errs.E(errs.Conflict, "datashare.grant_revoked")
	case !now.Before(g.ExpiresAt):
		return nil, "", errs.E(errs.Conflict, "datashare.grant_expired")
	}
	r, err := s.store.Resource(ctx, g.ResourceID)
	if err != nil {
		return nil, "", err
	}
	secret, hash := newSecret()
	g.SecretHash = hash
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateGrant(ctx, g); err != nil {
			return err
		}
		s.grants.drop()
		return s.audit.Record(ctx, actor, "data.grant_delivered", audit.Target{Type: "data_grant", ID: string(g.ID), Region: string(r.Region)},
			map[string]any{"resource": g.ResourceCode, "reissued": true, "origin": g.Origin})
	})
	if err != nil {
		return nil, "", err
	}
	return g, secret, nil
}

// EndDirect revokes a direct grant born of origin, with a reason, inside
// the caller's transaction if there is one. Ending a revoked grant does
// nothing.
func (s *Service) EndDirect(ctx context.Context, actor audit.Actor, grantID ids.ID, origin, reason string) error {
	g, err := s.store.Grant(ctx, grantID)
	if err != nil || g.Origin != origin || origin == "" {
		return errs.E(errs.NotFound, "datashare.grant.not_found")
	}
	if g.State == Revoked {
		return nil
	}
	r, err := s.store.Resource(ctx, g.ResourceID)
	if err != nil {
		return err
	}
	_, name := actor.AuditActor()
	g.State, g.RevokedAt, g.RevokedBy, g.RevokeReason = Revoked, s.clock(), name, reason
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateGrant(ctx, g); err != nil {
			return err
		}
		s.grants.drop()
		return s.audit.Record(ctx, actor, "data.grant_revoked", audit.Target{Type: "data_grant", ID: string(g.ID), Region: string(r.Region)},
			map[string]any{"resource": g.ResourceCode, "reason": reason, "origin": g.Origin})
	})
}

// GrantOf returns a grant, for the domain that made it.
func (s *Service) GrantOf(ctx context.Context, id ids.ID) (*Grant, error) {
	return s.store.Grant(ctx, id)
}

// CallCount is how many exchange calls a grant had.
type CallCount struct {
	Served  int64 // answered with rows
	Refused int64 // refused (expired, rate-limited, fields not granted…)
	Rows    int64 // rows served in all
}

// GrantCalls counts the exchange calls of each grant, from the message log.
func (s *Service) GrantCalls(ctx context.Context, grantIDs []ids.ID) (map[ids.ID]CallCount, error) {
	if len(grantIDs) == 0 {
		return map[ids.ID]CallCount{}, nil
	}
	return s.store.GrantCalls(ctx, grantIDs)
}
