package license

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// KeySet is a set of keys read from a JWKS (/.well-known/jwks.json or a
// trust list's). It implements Keys.
type KeySet map[string]*KeyInfo

// Key implements Keys.
func (k KeySet) Key(_ context.Context, kid string) (*KeyInfo, error) {
	if ki, ok := k[kid]; ok {
		return ki, nil
	}
	return nil, errs.E(errs.NotFound, "verify.unknown_key")
}

// ParseJWKS reads a JWK set. Keys that are malformed, of an unknown kind,
// or whose kid is not their thumbprint are skipped, so one bad key cannot
// stand in for another. source names where the set came from.
func ParseJWKS(data []byte, source string) (KeySet, error) {
	var set seal.JWKS
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	out := KeySet{}
	for _, j := range set.Keys {
		alg, pub, err := j.Key()
		if err != nil || j.Kid != j.Thumbprint() {
			continue
		}
		out[j.Kid] = &KeyInfo{Alg: alg, Public: pub, Org: j.Org, OrgUSCC: j.OrgUSCC, Source: source}
	}
	return out, nil
}

// StatusCache holds status lists fetched earlier, by URL. It implements
// Statuses for a verifier that is offline.
type StatusCache map[string]Bitstring

// StatusBit implements Statuses.
func (c StatusCache) StatusBit(_ context.Context, url string, index int) (bool, error) {
	b, ok := c[url]
	if !ok || index >= len(b)*8 {
		return false, fmt.Errorf("status list %s is not cached", url)
	}
	return b.Get(index), nil
}

// AddList verifies a status list credential (its JWS, as served at its
// URL) with keys and caches its bits. A list that does not verify, or is
// no BitstringStatusListCredential, is refused.
func (c StatusCache) AddList(keys Keys, jws string) error {
	ctx := context.Background()
	cp, reason := ParseCompact(jws)
	if reason != ReasonOK {
		return fmt.Errorf("status list: %s", reason)
	}
	k, err := keys.Key(ctx, cp.Header.Kid)
	if err != nil || seal.Alg(cp.Header.Alg) != k.Alg || !seal.Verify(k.Alg, k.Public, []byte(cp.SigningInput), cp.Signature) {
		return fmt.Errorf("status list: signature does not verify")
	}
	var cred Credential
	if err := json.Unmarshal(cp.Payload, &cred); err != nil || cred.ID == "" {
		return fmt.Errorf("status list: not a credential")
	}
	enc, _ := cred.Subject["encodedList"].(string)
	if typ, _ := cred.Subject["type"].(string); typ != "BitstringStatusList" {
		return fmt.Errorf("status list: not a BitstringStatusList")
	}
	bits, err := DecodeBitstring(enc)
	if err != nil {
		return err
	}
	c[cred.ID] = bits
	return nil
}

// NewOffline returns a verifier that needs no network and no database:
// keys from a cached JWKS, statuses from cached status list credentials
// (each verified with those keys). Signatures of revoked seals are not in
// a JWKS, so they show as unknown keys.
func NewOffline(jwks []byte, lists []string, now func() time.Time) (*Verifier, error) {
	keys, err := ParseJWKS(jwks, "")
	if err != nil {
		return nil, err
	}
	cache := StatusCache{}
	for _, l := range lists {
		if err := cache.AddList(keys, l); err != nil {
			return nil, err
		}
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{Keys: keys, Statuses: cache, Now: now}, nil
}
