package sqlstore

import (
	"context"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/sealdoc"
)

// ImportedKey is a key of trusted_keys (imported with another node's
// trust list) as the document verifier needs it. A key whose trust was
// withdrawn (license.Service.RemoveTrustSource, or left out when its
// source's list was imported again) is not found.
func (s *Store) ImportedKey(ctx context.Context, kid string) (*sealdoc.ImportedKey, error) {
	k, err := s.TrustedKey(ctx, kid)
	if err != nil {
		return nil, err
	}
	if !k.RemovedAt.IsZero() {
		return nil, errs.E(errs.NotFound, "verify.trust_withdrawn")
	}
	return &sealdoc.ImportedKey{JWK: k.JWK, Source: k.Source}, nil
}
