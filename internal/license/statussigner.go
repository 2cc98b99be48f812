package license

import (
	"context"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// statusSigner returns the seal that signs status lists now, with its
// organisation and signer: the seal of the highest organisation that has
// an active 公章 (Store.StatusSealOrg). When that body's seal is revoked
// or suspended, the next body with an active 公章 takes over at the next
// fetch. Returns errs.Conflict ("seal.none_active") when no body has one:
// no status list can then be signed.
func (s *Service) statusSigner(ctx context.Context) (*identity.Organization, *seal.Seal, seal.Signer, error) {
	orgID, err := s.store.StatusSealOrg(ctx)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, nil, errs.E(errs.Conflict, "seal.none_active")
	}
	if err != nil {
		return nil, nil, nil, err
	}
	org, err := s.people.Organization(ctx, orgID)
	if err != nil {
		return nil, nil, nil, err
	}
	se, err := s.seals.OrgSeal(ctx, orgID)
	if err != nil {
		return nil, nil, nil, err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return nil, nil, nil, err
	}
	return org, se, sg, nil
}

// StatusSigning is which seal signs the node's status lists, for
// administrators.
type StatusSigning struct {
	Org   string
	Seal  *seal.Seal
	KeyID string
}

// StatusSigner tells an administrator (seal.manage) which seal signs the
// status lists now. Returns errs.Conflict ("seal.none_active") when no
// organisation has an active 公章: verifiers then get no status list, and
// every licence's status is unavailable to them.
func (s *Service) StatusSigner(ctx context.Context, by *identity.Caller) (*StatusSigning, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	org, se, sg, err := s.statusSigner(ctx)
	if err != nil {
		return nil, err
	}
	return &StatusSigning{Org: org.Name, Seal: se, KeyID: sg.KeyID()}, nil
}
