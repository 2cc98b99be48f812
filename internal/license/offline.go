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

// StatusCache holds status lists fetched earlier, by the URL licences'
// status entries point to. It implements Statuses (and CheckedStatuses)
// for a verifier that is offline. Fill it with AddList, which checks each
// list; a literal (tests, benchmarks) holds lists taken as they are. It is
// not safe for concurrent changes: the public verifier package guards it.
type StatusCache map[string]*CheckedList

// StatusBit implements Statuses: the bit, without checking the list's
// purpose or validity (see StatusBitAt).
func (c StatusCache) StatusBit(_ context.Context, url string, index int) (bool, error) {
	l, ok := c[url]
	if !ok {
		return false, &statusError{StatusNotLoaded}
	}
	if index >= len(l.Bits)*8 {
		return false, &statusError{StatusIndexOutside}
	}
	return l.Bits.Get(index), nil
}

// StatusBitAt implements CheckedStatuses: the bit of a list cached for
// url, signed by a key of source (StatusBadSignature otherwise: one
// province's key cannot speak for another's licences), with the entry's
// purpose (StatusWrongPurpose otherwise), valid at now (StatusExpired once
// its validUntil has passed: the status is then unknown, never read from
// a stale list).
func (c StatusCache) StatusBitAt(ctx context.Context, source, url, purpose string, index int, now time.Time) (bool, error) {
	l, ok := c[url]
	switch {
	case !ok:
		return false, &statusError{StatusNotLoaded}
	case l.Source != source:
		return false, &statusError{StatusBadSignature}
	case l.Purpose != "" && l.Purpose != purpose:
		return false, &statusError{StatusWrongPurpose}
	case !l.ValidUntil.IsZero() && !now.Before(l.ValidUntil):
		return false, &statusError{StatusExpired}
	}
	return c.StatusBit(ctx, url, index)
}

// AddList checks a status list credential (its compact JWS, as served at
// its URL) with CheckStatusList — signed by a key of keys, a
// BitstringStatusListCredential for revocation or suspension, valid at
// now — and caches it under listURL, which must be its id ("" caches it
// under its id). A newer copy of a list replaces the older. The error
// says why a list is refused (StatusErrorReason: StatusNotList,
// StatusBadSignature, StatusWrongList, StatusWrongPurpose, StatusExpired).
func (c StatusCache) AddList(keys Keys, listURL, jws string, now time.Time) error {
	cp, reason := ParseCompact(jws)
	if reason != ReasonOK {
		return &statusError{StatusNotList}
	}
	k, err := keys.Key(context.Background(), cp.Header.Kid)
	if err != nil {
		return &statusError{StatusBadSignature}
	}
	l, err := CheckStatusList(cp, k.Alg, k.Public, listURL, "", now)
	if err != nil {
		return err
	}
	l.Source = k.Source
	c[l.ID] = l
	return nil
}

// NewOffline returns a verifier that needs no network and no database:
// keys from a cached JWKS, statuses from cached status list credentials
// (each checked with AddList at now(), under its own id). Signatures of
// revoked seals are not in a JWKS, so they show as unknown keys. The
// public package github.com/digigov/digigov/verifier wraps it for use
// outside this module.
func NewOffline(jwks []byte, lists []string, now func() time.Time) (*Verifier, error) {
	keys, err := ParseJWKS(jwks, "")
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	cache := StatusCache{}
	for _, l := range lists {
		if err := cache.AddList(keys, "", l, now()); err != nil {
			return nil, err
		}
	}
	return &Verifier{Keys: keys, Statuses: cache, Now: now}, nil
}
