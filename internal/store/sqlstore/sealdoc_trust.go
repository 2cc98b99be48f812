package sqlstore

import (
	"context"

	"github.com/digigov/digigov/internal/sealdoc"
)

// ImportedKey is a key of trusted_keys (imported with another node's
// trust list) as the document verifier needs it.
func (s *Store) ImportedKey(ctx context.Context, kid string) (*sealdoc.ImportedKey, error) {
	k, err := s.TrustedKey(ctx, kid)
	if err != nil {
		return nil, err
	}
	return &sealdoc.ImportedKey{JWK: k.JWK, Source: k.Source, Node: k.Node, WithdrawnAt: k.RemovedAt, RevokedAt: k.RevokedAt}, nil
}
